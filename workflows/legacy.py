"""The report flow's answers for payloads recorded before the domain passed them along.

Signals and activity results in histories begun before the follower and the activities
carried ``status``/``open_task``/``done`` (e.g. tests/workflows/histories/*.json) lack
them; these give the answers those runs used, so they replay unchanged. New payloads
always carry the domain's answer (domain/report_flow.py).
"""

from __future__ import annotations

from workflows.payloads import ReportEventKind, Task

STATUS_AFTER: dict[ReportEventKind, str] = {
    "klarmarkerad": "klarmarkerad", "godkand": "godkand", "atersand": "pagar",
    "reopened": "pagar"}


def open_task(status: str, has_attester: bool) -> Task | None:
    if status in ("ej_paborjad", "pagar"):
        return "klarmarkera"
    if status == "klarmarkerad" and has_attester:
        return "attestera"
    return None


def is_done(unit_kind: str, status: str | None) -> bool:
    return status == "godkand" or (unit_kind == "forvaltning" and status == "klarmarkerad")
