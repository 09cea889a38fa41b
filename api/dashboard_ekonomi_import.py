"""The report form's import of an ekonomi table from the kommun's economy export.

The enhetschef uploads an .xlsx or .csv file (``infrastructure/ekonomi_import.py`` reads
it) for Drift or Investeringar; the table is recorded with ``RecordEkonomi`` at the
version the page showed, through the report form's own execution path, then back to the
page (PRG) with "Importerat: N rader". A file that does not read is refused whole, its
error naming sheet, row and column, and nothing is recorded.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.auth import Principal, command_bus, event_store, read_side
from api.dashboard_base import viewer
from api.dashboard_report import _refused, _save
from api.problems import status_of
from api.read_access import Reader, page_reader
from api.read_side import ReadSide
from application import reports
from application.bus import CommandBus, refusal
from domain import commands as c
from domain.errors import DomainError
from domain.unit_report import UnitReport
from infrastructure.ekonomi_import import KINDS, read_ekonomi
from infrastructure.eventstore import ArsplanStore
from infrastructure.logging import get_logger

router = APIRouter(include_in_schema=False)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The body-size middleware lets this path carry a file this large (api/app.py).
UPLOAD_PATH = "/rapporter/[^/]+/ekonomi"
ANCHOR = "ekonomi"  # the import form's section on the report page


def authority_refusal(store: ArsplanStore, report_id: UUID, kind: str, person_id: str
                      ) -> DomainError | None:
    """Asks the RecordEkonomi handler itself, without saving, before the file is read:
    the same owner, day and status rules as the command."""
    command = c.RecordEkonomi.model_validate({"report_id": report_id, "kind": kind,
                                              "columns": {}, "rows": []})
    return refusal(store, command, reports.record_ekonomi, person_id)


@router.post("/rapporter/{report_id}/ekonomi")
def import_ekonomi(request: Request, report_id: UUID,
                   fil: Annotated[UploadFile, File()],
                   kind: Annotated[str, Form(max_length=20)],
                   version: Annotated[int, Form(ge=1)],
                   who: Principal = Depends(viewer), sees: Reader = Depends(page_reader),
                   app: ArsplanStore = Depends(event_store),
                   bus: CommandBus = Depends(command_bus),
                   reads: ReadSide = Depends(read_side)) -> Response:
    sees.require_aggregate(report_id)
    if kind not in KINDS:
        return _refused(request, report_id, "Välj Drift eller Investeringar", 422, who, app,
                        reads)
    refused = authority_refusal(app, report_id, kind, who.person_id)
    if refused is not None:
        return _refused(request, report_id, str(refused), status_of(refused)[0], who, app,
                        reads)
    # A file cannot ride along in the conflict view's "Behåll min": reload and upload again.
    current = app.get(report_id, UnitReport).version
    if current != version:
        return _refused(request, report_id,
                        f"Någon annan har ändrat rapporten sedan du öppnade den (version "
                        f"{version} → {current}). Ladda om sidan och importera filen igen.",
                        409, who, app, reads)
    data = fil.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _refused(request, report_id, f"Filen är för stor: högst "
                        f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB", 413, who, app, reads)
    filename = fil.filename or ""
    log = get_logger(person_id=who.person_id, report_id=str(report_id), kind=kind)
    try:
        table = read_ekonomi(filename, data, kind)
        command = c.RecordEkonomi(report_id=report_id, expected_version=version,
                                  **table.payload)
    except DomainError as unreadable:
        log.info("ekonomi_import_unreadable", rule=unreadable.rule)
        return _refused(request, report_id, f"{filename}: {unreadable}", 422, who, app,
                        reads)
    except ValidationError:  # the parser keeps within the command's limits; a last guard
        return _refused(request, report_id, f"{filename}: tabellen ryms inte i en "
                        f"ekonomitabell", 422, who, app, reads)
    saved = _save(request, report_id, ANCHOR, command, {}, who, app, bus, reads)
    if isinstance(saved, RedirectResponse):
        return RedirectResponse(f"/rapporter/{report_id}?importerat={table.row_count}"
                                f"&tabell={kind}#{ANCHOR}", status_code=303)
    return saved
