"""Query parameter types: dates and instants only as ISO 8601 text.

Pydantic's lax mode reads a number as seconds since 1970, so ``as_of=0.5`` would quietly
mean 1970-01-01T00:00:00.5Z; the OpenAPI document promises ISO 8601 text, and a
mistyped "as of" must be refused, not answered with an empty past.
"""

from __future__ import annotations

from domain.commands import IsoDate, IsoDatetime

IsoInstant = IsoDatetime
__all__ = ["IsoDate", "IsoInstant"]
