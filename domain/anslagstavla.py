"""The kommun's digital anslagstavla (8 kap. 9 § KL): which notices are up on a given day.

A justerat protokoll is posted by the second day after justering at the latest (8 kap. 12 §
KL), so without a recorded anslag that day counts as its anslag date. A delegationsbeslut
open to laglighetsprövning and anslaget on its own gets its own notice (8 kap. 13 § KL);
one anslaget with the protokoll it was anmält in is covered by that protokoll's notice.
Every notice stays up through the last day of the överklagandetid (13 kap. 5 § KL) and is
taken down the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID, uuid5

from domain.ids import NAMESPACE
from domain.legal_time import overklagandetid_last_day

PROTOKOLL, DELEGATIONSBESLUT = "protokoll", "delegationsbeslut"
LATEST_ANSLAG_AFTER_JUSTERING = timedelta(days=2)  # 8 kap. 12 § KL


@dataclass(frozen=True)
class Protokoll:
    """A sammanträde's protokoll as recorded: justering, anslag (if recorded), §§."""

    meeting_id: UUID
    namnd: str
    meeting_date: date
    justerat_on: date | None
    anslag_date: date | None
    paragraphs: tuple[int, ...]
    forvaring: str


@dataclass(frozen=True)
class Beslut:
    """A delegationsbeslut as recorded; ``listed_on`` is the meeting it is anmält at."""

    beslut_id: UUID
    namnd: str
    row_nr: str
    arende: str
    lagrum: str
    arende_ref: str
    delegat: str
    decided_on: date
    laglighetsprovning: bool | None
    anslag_date: date | None
    listed_on: UUID | None
    forvaring: str


@dataclass(frozen=True)
class Notice:
    """One notice on the anslagstavla; up from ``anslag_date`` through ``last_day``."""

    kind: str
    notice_id: UUID
    namnd: str
    title: str
    beslut_date: date  # the sammanträdesdag, or the day the delegationsbeslut was taken
    paragraphs: str | None
    arende: str | None  # a delegationsbeslut's row in the delegationsordning, with its nr
    arende_ref: str | None
    lagrum: str | None
    delegat: str | None
    anslag_date: date
    last_day: date
    forvaring: str

    @property
    def down_on(self) -> date:
        return self.last_day + timedelta(days=1)

    def up_on(self, day: date) -> bool:
        return self.anslag_date <= day <= self.last_day


def protokoll_anslag_date(p: Protokoll) -> date | None:
    """The recorded anslag, else the latest day the law allows; None before justering."""
    if p.justerat_on is None:
        return None
    return p.anslag_date or p.justerat_on + LATEST_ANSLAG_AFTER_JUSTERING


def paragraph_range(numbers: tuple[int, ...]) -> str | None:
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    return f"§ {low}" if low == high else f"§§ {low}–{high}"


def protokoll_notice(p: Protokoll) -> Notice | None:
    anslag = protokoll_anslag_date(p)
    if anslag is None:
        return None
    return Notice(
        kind=PROTOKOLL, notice_id=p.meeting_id, namnd=p.namnd,
        title=f"Protokoll {p.namnd} {p.meeting_date.isoformat()}",
        beslut_date=p.meeting_date, paragraphs=paragraph_range(p.paragraphs), arende=None,
        arende_ref=None, lagrum=None, delegat=None, anslag_date=anslag,
        last_day=overklagandetid_last_day(anslag), forvaring=p.forvaring)


def beslut_notice(b: Beslut, protokoll: list[Protokoll]) -> Notice | None:
    # Only beslut open to laglighetsprövning are anslagna (6 kap. 40 § KL).
    if not b.laglighetsprovning or b.anslag_date is None:
        return None
    if any(p.meeting_id == b.listed_on and p.anslag_date == b.anslag_date for p in protokoll):
        return None  # anslaget with the protokoll it was anmält in: that notice covers it
    return Notice(
        kind=DELEGATIONSBESLUT, notice_id=b.beslut_id, namnd=b.namnd,
        title=f"Delegationsbeslut {b.namnd} {b.decided_on.isoformat()}, {b.arende_ref}",
        beslut_date=b.decided_on, paragraphs=None, arende=f"{b.row_nr} {b.arende}",
        arende_ref=b.arende_ref, lagrum=b.lagrum,
        delegat=b.delegat, anslag_date=b.anslag_date,
        last_day=overklagandetid_last_day(b.anslag_date), forvaring=b.forvaring)


def notices_up(protokoll: list[Protokoll], beslut: list[Beslut], today: date) -> list[Notice]:
    """The notices up on ``today``, the most recently posted first."""
    candidates = [protokoll_notice(p) for p in protokoll]
    candidates += [beslut_notice(b, protokoll) for b in beslut]
    up = [n for n in candidates if n is not None and n.up_on(today)]
    return sorted(up, key=lambda n: (n.anslag_date, n.kind == PROTOKOLL, str(n.notice_id)),
                  reverse=True)


def feed_id(namnd_code: str) -> UUID:
    """The Atom feed's own stable id, one per nämnd."""
    return uuid5(NAMESPACE, f"anslagstavla:{namnd_code.upper()}")
