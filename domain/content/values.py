"""Reported figures as written in the documents: Swedish decimals, and missing is not zero."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.errors import InvalidInputError

# How the documents say "no value": never read as 0.
MISSING_MARKERS = frozenset({"", "-", "–", "—", "iu", "utfall saknas", "saknas", "ej aktuellt"})


def parse_figure(raw: str | int | float | Decimal | None) -> Decimal | None:
    """ "82,2" → 82.2, "-137 901" → -137901, "IU" / "Utfall saknas" / "-" → None."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise InvalidInputError(f"{raw!r} är inget tal", rule="figure")
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    text = raw.strip()
    if text.lower() in MISSING_MARKERS:
        return None
    cleaned = (text.replace("\u00a0", "").replace(" ", "").replace("−", "-")
               .replace(",", ".").rstrip("%"))
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInputError(f"{raw!r} är inget tal och inget känt tecken för saknat värde",
                                rule="figure") from None


def format_figure(value: Decimal | None, missing: str = "–") -> str:
    """Swedish layout: space as thousands separator, comma as decimal mark."""
    if value is None:
        return missing
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = " ".join(groups)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def figure_to_text(value: Decimal | None) -> str | None:
    """For event payloads: exact and JSON-native."""
    return None if value is None else str(value)
