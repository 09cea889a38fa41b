"""What an enhet or avdelning reports on, and which values each field may take."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidInputError

MALUPPFYLLELSE = ("Ej uppfyllt", "Delvis uppfyllt", "I hög grad uppfyllt", "Helt uppfyllt",
                  "Ej utvärderad")
UPPDRAG_STATUS = ("Ej påbörjad", "Påbörjad", "Väntar", "Färdig", "Stoppad", "Försenad")
KONTROLL_RESULTAT = (
    "Genomförd utan anmärkning/med försumbar anmärkning",
    "Genomförd med anmärkning",
    "Ej utvärderad",
    "Framflyttad till årsbokslutet",
)

# Free-text fields are None; enumerated fields list their allowed values.
ITEM_FIELDS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "mal": {"analys": None, "bedomning": MALUPPFYLLELSE, "motivering": None},
    "arbetsmiljomal": {"analys": None, "bedomning": MALUPPFYLLELSE, "motivering": None},
    "kritisk_verksamhetsfaktor": {"aktiviteter": None, "analys": None},
    "internkontroll": {"resultat": KONTROLL_RESULTAT, "kommentar": None, "atgard": None},
    "uppdrag": {"status": UPPDRAG_STATUS, "prognos": None, "kommentar": None},
    "sammanfattning": {"text": None},
    # Fördjupad månadsuppföljning (seed 000): drift l.3936-3947, investeringar l.4050-4063.
    "ekonomi": {"sammanfattning": None, "prognos": None, "prognosforandring": None},
    "investeringar": {"kommentar": None, "prognos": None},
    # Mål och budget (seed 000): verksamhetsplan per nämndens mål (l.5630), väsentlighets- och
    # riskanalys with internkontrollplan (l.2720-2727, columns l.3480-3517), budget (l.2620-2633).
    "verksamhetsplan": {"aktiviteter": None, "kommentar": None},
    "internkontrollplan": {"risk": None, "kontrollmoment": None, "metod": None},
    "budget": {"drift": None, "investeringar": None, "kommentar": None},
}
MAX_TEXT = 20_000
# Set only through SetBedomning, which records the indicators' suggestion next to it.
ASSESSMENT_FIELDS: dict[str, tuple[str, ...]] = {
    "mal": ("bedomning", "motivering"), "arbetsmiljomal": ("bedomning", "motivering")}


def check_item_kind(kind: str) -> None:
    if kind not in ITEM_FIELDS:
        raise InvalidInputError(
            f"Okänd punkttyp {kind!r}; tillåtna: {', '.join(ITEM_FIELDS)}", rule="item_kind"
        )


def check_field_value(kind: str, field: str, value: Any) -> None:
    check_item_kind(kind)
    fields = ITEM_FIELDS[kind]
    if field not in fields:
        raise InvalidInputError(
            f"Fältet {field!r} finns inte för {kind}; tillåtna: {', '.join(fields)}",
            rule="item_field",
        )
    allowed = fields[field]
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInputError(f"Fältet {field!r} ska vara text", rule="item_value")
    if len(value) > MAX_TEXT:
        raise InvalidInputError(f"Fältet {field!r} är längre än {MAX_TEXT} tecken",
                                rule="item_value")
    if allowed is not None and value not in allowed:
        raise InvalidInputError(
            f"{value!r} är inte ett giltigt värde för {field}; tillåtna: {', '.join(allowed)}",
            rule="item_value",
        )


@dataclass
class Item:
    item_id: str
    kind: str
    title: str
    values: dict[str, Any] = field(default_factory=dict)
    ref: dict[str, Any] = field(default_factory=dict)  # e.g. KF-mål, indicator ids
