"""Questions to the delegation register, and the anmälningslista as CSV and HTML."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from eventsourcing.application import Application
from jinja2 import Environment
from pydantic import BaseModel

from projections.base import ReadModelView
from projections.delegation_register import BESLUT, MEETING, DelegationRegisterProjection
from projections.time_travel import as_of_view


class RegisterEntry(BaseModel):
    beslut_id: str
    namnd_code: str
    row_nr: str
    lagrum: str
    arende: str
    arende_ref: str
    beslut: str
    decided_on: date
    decider: str
    delegat_role: str
    via: str
    on_behalf_of: str | None
    vagnar: str
    amount: float | None
    limit_unit: str | None
    must_be_anmald: bool
    laglighetsprovning: bool | None  # None: not stated (the row's anmälan did not need it)
    bradskande: bool
    status: str
    listed_on: str | None
    anmald_paragraph: str | None
    anslag_date: date | None
    overklagat: str | None
    laga_kraft_on: date | None


class RegisterFilter(BaseModel):
    """Every field optional; ``anmald``/``laga_kraft`` True or False select by that fact."""

    row_nr: str | None = None
    delegat_role: str | None = None
    person_id: str | None = None
    decided_from: date | None = None
    decided_to: date | None = None
    anmald: bool | None = None
    laga_kraft: bool | None = None

    def matches(self, e: RegisterEntry) -> bool:
        return all((
            self.row_nr is None or e.row_nr == self.row_nr,
            self.delegat_role is None or e.delegat_role == self.delegat_role,
            self.person_id is None or self.person_id in (e.decider, e.on_behalf_of),
            self.decided_from is None or e.decided_on >= self.decided_from,
            self.decided_to is None or e.decided_on <= self.decided_to,
            self.anmald is None or (e.anmald_paragraph is not None) == self.anmald,
            self.laga_kraft is None or (e.laga_kraft_on is not None) == self.laga_kraft,
        ))


class Anmalningslista(BaseModel):
    meeting_id: str
    namnd_code: str
    meeting_date: date
    anmalan_dnr: str
    paragraph: str | None
    entries: list[RegisterEntry]


def _entries(view: ReadModelView, namnd_code: str) -> list[RegisterEntry]:
    fields = set(RegisterEntry.model_fields)
    return [RegisterEntry(**{k: v for k, v in doc.items() if k in fields})
            for doc in view.find(BESLUT, namnd_code)]


def search_register(view: ReadModelView, namnd_code: str,
                    where: RegisterFilter | None = None) -> list[RegisterEntry]:
    where = where or RegisterFilter()
    hits = [e for e in _entries(view, namnd_code) if where.matches(e)]
    return sorted(hits, key=lambda e: (e.decided_on, e.row_nr, e.beslut_id))


def search_register_as_of(app: Application[Any], instant: datetime, namnd_code: str,
                          where: RegisterFilter | None = None) -> list[RegisterEntry]:
    """The register as it had been recorded at ``instant``."""
    return search_register(as_of_view(app, DelegationRegisterProjection, instant), namnd_code,
                           where)


def anmalningslista(view: ReadModelView, meeting_id: str) -> Anmalningslista:
    meeting = view.get(MEETING, meeting_id)
    if meeting is None:
        raise LookupError(f"Sammanträdet {meeting_id} finns inte")
    entries = [e for e in _entries(view, meeting["namnd_code"]) if e.listed_on == meeting_id]
    return Anmalningslista(
        meeting_id=meeting_id, namnd_code=meeting["namnd_code"],
        meeting_date=meeting["meeting_date"], anmalan_dnr=meeting["anmalan_dnr"],
        paragraph=meeting["anmalan_paragraph"],
        entries=sorted(entries, key=lambda e: (e.decided_on, e.row_nr, e.beslut_id)))


CSV_COLUMNS = ("Beslutsdatum", "Nr", "Ärende", "Lagrum", "Diarienummer", "Beslut", "Delegat",
               "Beslutsfattare", "För", "Laglighetsprövning", "Status")


LAGLIGHETSPROVNING_TEXT = {True: "ja", False: "nej", None: "ej angivet"}


def anmalningslista_csv(lista: Anmalningslista) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in lista.entries:
        writer.writerow((e.decided_on.isoformat(), e.row_nr, e.arende, e.lagrum, e.arende_ref,
                         e.beslut, e.delegat_role, e.decider, e.on_behalf_of or "",
                         LAGLIGHETSPROVNING_TEXT[e.laglighetsprovning], e.status))
    return out.getvalue()


_HTML = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<title>Anmälan av delegationsbeslut {{ l.meeting_date }}</title>
<style>body{font-family:serif;margin:2cm}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #999;padding:4px;vertical-align:top;font-size:10pt}
@media print{body{margin:1cm}}</style></head><body>
<h1>Anmälan av delegationsbeslut</h1>
<p>{{ l.namnd_code }}, sammanträde {{ l.meeting_date }}{% if l.paragraph %}, {{ l.paragraph }}
{% endif %} – {{ l.anmalan_dnr }}</p>
{% if l.entries %}<table><thead><tr><th>Datum</th><th>Nr</th><th>Ärende</th><th>Lagrum</th>
<th>Dnr</th><th>Beslut</th><th>Beslutsfattare</th></tr></thead><tbody>
{% for e in l.entries %}<tr><td>{{ e.decided_on }}</td><td>{{ e.row_nr }}</td>
<td>{{ e.arende }}</td><td>{{ e.lagrum }}</td><td>{{ e.arende_ref }}</td>
<td>{{ e.beslut }}<br><em>{{ e.vagnar }}</em></td>
<td>{{ e.decider }}{% if e.on_behalf_of and e.on_behalf_of != e.namnd_code %}
 (för {{ e.on_behalf_of }}){% endif %}</td></tr>
{% endfor %}</tbody></table>{% else %}<p>Inga delegationsbeslut att anmäla.</p>{% endif %}
</body></html>
""")


def anmalningslista_html(lista: Anmalningslista) -> str:
    return _HTML.render(l=lista)
