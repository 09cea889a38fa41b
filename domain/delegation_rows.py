"""Rows of a delegationsordning and the rules of kommunallagen a row must obey.

A row (Nr | Ärende/beslut | Lagrum | Delegat | Kommentar) names one or more delegat
alternatives. An alternative may carry an amount band ("a) upp till 20 timmar per
vecka: Förvaltningschef, b) över 20 timmar: AU") and may be a group deciding jointly,
which the law allows only for the arbetsutskott (6 kap. 37 § KL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidInputError, RuleViolationError
from domain.roles import AU, ORIGINAL_DELEGATE, role_label

ELECTED_ROLES = frozenset({"ordforande", "vice_ordforande", "au_ledamot", "ledamot",
                           "ersattare", AU})
EMPLOYEE_ROLES = frozenset({"forvaltningschef", "stallforetradande_forvaltningschef",
                            "avdelningschef", "enhetschef", "namndsekreterare", "controller",
                            "handlaggare", "socialsekreterare", "bistandshandlaggare"})
DELEGAT_ROLES = ELECTED_ROLES | EMPLOYEE_ROLES | {ORIGINAL_DELEGATE}
ANMALAN_ALWAYS = "ska"
ANMALAN_IF_LAGLIGHETSPROVNING = "om_laglighetsprovning"
ANMALAN_NEVER = "nej"
ANMALAN_KINDS = (ANMALAN_ALWAYS, ANMALAN_IF_LAGLIGHETSPROVNING, ANMALAN_NEVER)


@dataclass(frozen=True)
class DelegatAlternative:
    """Who may decide under a row; with ``jointly`` the roles decide together as a group.

    ``over``/``up_to`` bound the amount (exclusive/inclusive) in the row's limit unit.
    ``within_unit`` narrows an anställd role to a part of the organisation
    ("Enhetschef myndighetsavdelningen"). ``when_original`` applies the alternative
    only when the original beslut was taken by that kind of decider (2.1.4 b/c).
    """

    roles: tuple[str, ...]
    label: str = ""
    jointly: bool = False
    over: float | None = None
    up_to: float | None = None
    within_unit: str | None = None
    when_original: str | None = None

    def covers(self, amount: float | None) -> bool:
        if amount is None:
            return self.over is None and self.up_to is None
        return (self.over is None or amount > self.over) and (
            self.up_to is None or amount <= self.up_to)

    def describe(self) -> str:
        names = " och ".join(role_label(r) for r in self.roles) if self.jointly else \
            " eller ".join(role_label(r) for r in self.roles)
        return f"{self.label}) {names}" if self.label else names

    def as_dict(self) -> dict[str, Any]:
        return {"roles": list(self.roles), "label": self.label, "jointly": self.jointly,
                "over": self.over, "up_to": self.up_to, "within_unit": self.within_unit,
                "when_original": self.when_original}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DelegatAlternative:
        return cls(tuple(data["roles"]), data.get("label", ""), bool(data.get("jointly")),
                   data.get("over"), data.get("up_to"), data.get("within_unit"),
                   data.get("when_original"))


@dataclass(frozen=True)
class DelegationRow:
    """One row of the ordning. Verkställighet and non-delegable rows have no delegat."""

    nr: str
    arende: str
    lagrum: str = ""
    delegater: tuple[DelegatAlternative, ...] = ()
    kommentar: str = ""
    anmalan: str = ANMALAN_NEVER
    laglighetsprovning: bool | None = False  # None: depends on the beslut
    bradskande: bool = False
    verkstallighet: bool = False
    ej_delegerbar: bool = False
    limit_unit: str | None = None
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def reference(self) -> str:
        return f"rad {self.nr}" + (f", {self.lagrum}" if self.lagrum else "")

    def as_dict(self) -> dict[str, Any]:
        return {"nr": self.nr, "arende": self.arende, "lagrum": self.lagrum,
                "delegater": [d.as_dict() for d in self.delegater],
                "kommentar": self.kommentar, "anmalan": self.anmalan,
                "laglighetsprovning": self.laglighetsprovning, "bradskande": self.bradskande,
                "verkstallighet": self.verkstallighet, "ej_delegerbar": self.ej_delegerbar,
                "limit_unit": self.limit_unit, "source": self.source}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DelegationRow:
        return cls(
            nr=data["nr"], arende=data["arende"], lagrum=data.get("lagrum", ""),
            delegater=tuple(DelegatAlternative.from_dict(d) for d in data.get("delegater", [])),
            kommentar=data.get("kommentar", ""), anmalan=data.get("anmalan", ANMALAN_NEVER),
            laglighetsprovning=data.get("laglighetsprovning", False),
            bradskande=bool(data.get("bradskande")),
            verkstallighet=bool(data.get("verkstallighet")),
            ej_delegerbar=bool(data.get("ej_delegerbar")),
            limit_unit=data.get("limit_unit"), source=data.get("source", ""),
        )

    def must_be_anmald(self, laglighetsprovning: bool | None) -> bool:
        """Only rows marked "ska anmälas" report to the nämnd, plus those conditional
        on laglighetsprövning when the beslut can be so appealed (1.7). A brådskande
        beslut (6 kap. 39 § KL) is anmält at the nämnd's next sammanträde, always."""
        if self.anmalan == ANMALAN_ALWAYS or self.bradskande:
            return True
        return self.anmalan == ANMALAN_IF_LAGLIGHETSPROVNING and laglighetsprovning is True

    @property
    def anmalan_depends_on_laglighetsprovning(self) -> bool:
        return self.anmalan == ANMALAN_IF_LAGLIGHETSPROVNING and not self.bradskande


def check_row(row: DelegationRow) -> None:
    """Refuses a row the law forbids; each error names the rule and the lagrum."""
    if row.anmalan not in ANMALAN_KINDS:
        raise InvalidInputError(f"Rad {row.nr}: okänt anmälningssätt {row.anmalan!r}",
                                rule="anmalan_kind")
    if row.ej_delegerbar and row.delegater:
        raise RuleViolationError(
            f"Rad {row.nr}: ärendet får inte delegeras (6 kap. 38 § KL) men har delegat "
            f"{', '.join(d.describe() for d in row.delegater)}", rule="ej_delegerbart_arende")
    if row.verkstallighet and row.delegater:
        raise RuleViolationError(
            f"Rad {row.nr}: verkställighet är inte delegering och ska inte ha någon delegat",
            rule="verkstallighet_ar_inte_delegation")
    if not (row.ej_delegerbar or row.verkstallighet) and not row.delegater:
        raise InvalidInputError(f"Rad {row.nr}: delegat saknas", rule="delegat_saknas")
    for alt in row.delegater:
        _check_alternative(row, alt)
    banded = [d for d in row.delegater if d.over is not None or d.up_to is not None]
    if banded and row.limit_unit is None:
        raise InvalidInputError(f"Rad {row.nr}: beloppsgräns utan enhet (t.ex. timmar per vecka)",
                                rule="limit_unit_missing")


def _check_alternative(row: DelegationRow, alt: DelegatAlternative) -> None:
    unknown = [r for r in alt.roles if r not in DELEGAT_ROLES]
    if unknown:
        raise InvalidInputError(f"Rad {row.nr}: okänd delegat {', '.join(unknown)}",
                                rule="unknown_delegat")
    if not alt.roles:
        raise InvalidInputError(f"Rad {row.nr}: delegat saknas", rule="delegat_saknas")
    if alt.over is not None and alt.up_to is not None and alt.up_to <= alt.over:
        raise InvalidInputError(f"Rad {row.nr} {alt.label}): gränserna är omkastade",
                                rule="limits_reversed")
    if not alt.jointly:
        return
    elected = [r for r in alt.roles if r in ELECTED_ROLES]
    employed = [r for r in alt.roles if r in EMPLOYEE_ROLES]
    if elected and employed:
        raise RuleViolationError(
            f"Rad {row.nr}: blandad delegering (anställd tillsammans med förtroendevald, "
            f"{alt.describe()}) är inte tillåten (6 kap. 37 § KL)", rule="blandad_delegering")
    if employed:
        raise RuleViolationError(
            f"Rad {row.nr}: delegering till en grupp av anställda ({alt.describe()}) är inte "
            "tillåten (6 kap. 37 § KL)", rule="delegering_till_grupp_av_anstallda")
    if alt.roles != (AU,):
        raise RuleViolationError(
            f"Rad {row.nr}: förtroendevalda kan bara gemensamt vara delegat som utskott "
            "(6 kap. 37 § KL)", rule="grupp_utan_utskott")


def check_delegable(row: DelegationRow) -> None:
    """Verkställighet and matters the nämnd must decide itself are no delegationsbeslut."""
    if row.verkstallighet:
        raise RuleViolationError(
            f"Rad {row.nr} ({row.arende}) är verkställighet, inte delegering (1.9); den "
            "registreras inte som delegationsbeslut", rule="verkstallighet_ar_inte_delegation")
    if row.ej_delegerbar:
        raise RuleViolationError(
            f"Rad {row.nr} ({row.arende}) får inte delegeras (6 kap. 38 § KL); nämnden "
            "beslutar", rule="ej_delegerbart_arende")


def laglighetsprovning_of(row: DelegationRow, stated: bool | None) -> bool | None:
    """Whether the beslut can be appealed by laglighetsprövning: the row says, or the delegat.

    The delegat must say only where the anmälan depends on it (anmälan
    "om_laglighetsprovning"); elsewhere an unstated answer stays None (ej angivet): such
    a beslut is anmält or not by its row alone, and is not anslaget on its own.
    """
    if row.laglighetsprovning is not None:
        return row.laglighetsprovning
    if stated is None and row.anmalan_depends_on_laglighetsprovning:
        raise InvalidInputError(
            f"Ange om beslutet kan överklagas genom laglighetsprövning (13 kap. KL): beslut "
            f"enligt {row.reference()} anmäls till nämnden bara om de kan det",
            rule="laglighetsprovning_saknas")
    return stated


def why_not_anmalt(anmalan: str, laglighetsprovning: bool | None) -> str | None:
    """The reason a beslut is not anmält, as the row in force when it was taken gives it
    (None for a beslut recorded before its row's anmälan was kept with it)."""
    if anmalan == ANMALAN_NEVER:
        return "delegationsordningen anger att sådana beslut inte anmäls"
    if anmalan == ANMALAN_IF_LAGLIGHETSPROVNING and not laglighetsprovning:
        return ("sådana beslut anmäls bara när de kan överklagas genom laglighetsprövning "
                "(13 kap. KL), och det kan inte detta")
    return None
