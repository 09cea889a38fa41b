"""Internkontrollplan: risks, their riskvärde and the kontrollmoment reported on.

Riskvärde = sannolikhet × konsekvens, each 1–4 (000, l.3380–3460), so 1–16.
1–4: no åtgärd needed; 6–12: internkontrollpunkt, mål or kritisk verksamhetsfaktor;
16: omedelbar åtgärd.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.errors import InvalidInputError

SCALE = range(1, 5)
POSSIBLE_RISKVARDEN = frozenset(s * k for s in SCALE for k in SCALE)
UPPFOLJNING = ("delarsbokslut", "arsbokslut")


@dataclass(frozen=True)
class Kontrollpunkt:
    punkt_id: str
    risk: str
    process: str | None
    riskvarde: int | None
    kontrollmoment: tuple[str, ...]
    metod: str | None
    ansvarig: str | None
    uppfoljning: tuple[str, ...]
    sannolikhet: int | None = None
    konsekvens: int | None = None

    @property
    def hantering(self) -> str | None:
        if self.riskvarde is None:
            return None
        if self.riskvarde <= 4:
            return "Åtgärder bedöms ej nödvändiga"
        if self.riskvarde == 16:
            return "Omedelbar åtgärd"
        return "Internkontrollpunkt, mål eller kritisk verksamhetsfaktor"

    def followed_up_at(self, process: str) -> bool:
        return process in self.uppfoljning


def riskvarde(sannolikhet: int | None, konsekvens: int | None,
              stated: int | None) -> int | None:
    """Checks the plan's arithmetic; returns the riskvärde to use."""
    for name, value in (("sannolikhet", sannolikhet), ("konsekvens", konsekvens)):
        if value is not None and value not in SCALE:
            raise InvalidInputError(f"{name.capitalize()} ska vara 1–4, inte {value}",
                                    rule="riskvarde_scale")
    if sannolikhet is not None and konsekvens is not None:
        product = sannolikhet * konsekvens
        if stated is not None and stated != product:
            raise InvalidInputError(
                f"Riskvärdet {stated} stämmer inte med sannolikhet {sannolikhet} × "
                f"konsekvens {konsekvens} = {product}", rule="riskvarde_product")
        return product
    if stated is not None and stated not in POSSIBLE_RISKVARDEN:
        raise InvalidInputError(
            f"Riskvärdet {stated} kan inte vara sannolikhet × konsekvens (1–4 vardera)",
            rule="riskvarde_scale")
    return stated


def kontrollpunkt_from_dict(data: Mapping[str, Any]) -> Kontrollpunkt:
    risk = data.get("risk")
    if not risk:
        raise InvalidInputError("Kontrollpunkten saknar risk", rule="kontrollpunkt_risk")
    moment = data.get("kontrollmoment") or ()
    moment = (moment,) if isinstance(moment, str) else tuple(moment)
    if not moment:
        raise InvalidInputError(f"Risken {risk!r} har inget kontrollmoment",
                                rule="kontrollpunkt_moment")
    uppfoljning = tuple(data.get("uppfoljning") or ())
    wrong = [u for u in uppfoljning if u not in UPPFOLJNING]
    if not uppfoljning or wrong:
        raise InvalidInputError(
            f"Risken {risk!r}: uppföljning ska vara delarsbokslut och/eller arsbokslut",
            rule="kontrollpunkt_uppfoljning")
    s, k = data.get("sannolikhet"), data.get("konsekvens")
    return Kontrollpunkt(
        punkt_id=str(data["punkt_id"]), risk=str(risk), process=data.get("process"),
        riskvarde=riskvarde(s, k, data.get("riskvarde")), kontrollmoment=moment,
        metod=data.get("metod"), ansvarig=data.get("ansvarig"), uppfoljning=uppfoljning,
        sannolikhet=s, konsekvens=k,
    )


def report_items(plan: list[Kontrollpunkt], process: str,
                 levels: list[str]) -> list[dict[str, Any]]:
    """Template items for the kontrollpunkter followed up in this process."""
    return [
        {"item_id": f"ik-{p.punkt_id}", "kind": "internkontroll",
         "title": "; ".join(p.kontrollmoment), "levels": list(levels),
         "ref": {"risk": p.risk, "riskvarde": p.riskvarde, "metod": p.metod,
                 "ansvarig": p.ansvarig}}
        for p in plan if p.followed_up_at(process)
    ]
