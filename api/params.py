"""Query parameter types: dates and instants only as ISO 8601 text.

Pydantic's lax mode reads a number as seconds since 1970, so ``as_of=0.5`` would quietly
mean 1970-01-01T00:00:00.5Z; the OpenAPI document promises ISO 8601 text, and a
mistyped "as of" must be refused, not answered with an empty past.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator

_ISO_DATE_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text_only(value: object) -> object:
    if isinstance(value, str) and not _ISO_DATE_START.match(value):
        raise ValueError("ange datum eller tidpunkt i ISO 8601, t.ex. 2022-08-23T17:00:00+02:00")
    return value


IsoInstant = Annotated[AwareDatetime, BeforeValidator(_iso_text_only)]
IsoDate = Annotated[date, BeforeValidator(_iso_text_only)]
