"""Query parameters: dates and instants only as ISO 8601 text; one value where one is taken.

Pydantic's lax mode reads a number as seconds since 1970, so ``as_of=0.5`` would quietly
mean 1970-01-01T00:00:00.5Z; the OpenAPI document promises ISO 8601 text, and a
mistyped "as of" must be refused, not answered with an empty past.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import Request
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError

from domain.commands import IsoDate, IsoDatetime

IsoInstant = IsoDatetime
__all__ = ["IsoDate", "IsoInstant", "single_query_values"]


def _query_fields(dependant: Dependant) -> Iterator[ModelField]:
    yield from dependant.query_params
    for sub in dependant.dependencies:
        yield from _query_fields(sub)


def _takes_many(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _takes_many(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return any(_takes_many(a) for a in get_args(annotation) if a is not type(None))
    return origin in (list, tuple, set, frozenset)


def single_query_values(request: Request) -> None:
    """A query parameter that takes one value, given twice, is refused (422 naming it)
    rather than silently read as its last value."""
    route = request.scope.get("route")
    dependant: Dependant | None = getattr(route, "dependant", None)
    if dependant is None:
        return
    repeated = [
        {"type": "repeated_value", "loc": ("query", field.alias),
         "msg": f"{field.alias} får anges en gång", "input": request.query_params.getlist(
             field.alias)}
        for field in _query_fields(dependant)
        if not _takes_many(field.field_info.annotation)
        and len(request.query_params.getlist(field.alias)) > 1]
    if repeated:
        raise RequestValidationError(repeated)
