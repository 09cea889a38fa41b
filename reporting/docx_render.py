"""Renders a ReportDocument as .docx with python-docx, byte for byte reproducibly.

python-docx stamps nothing random, but the core properties default to "now" and
zipfile writes the current time into every entry: both are pinned here.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Length, Pt, RGBColor

from reporting.model import Heading, Paragraph, ReportDocument, Table

AUTHOR = "Årsplan"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FLAG_COLOUR = RGBColor(0xC0, 0x00, 0x00)
TEXT_WIDTH = Cm(16)
TABLE_FONT = Pt(8)


def render_docx(doc: ReportDocument, stamp: datetime) -> bytes:
    """``stamp`` becomes created/modified: pass a time taken from the history, not now."""
    out = Document()
    _pin_properties(out, doc.title, stamp)
    out.add_heading(doc.title, level=0)
    out.add_paragraph(doc.subtitle)
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.add_heading(block.text, level=min(max(block.level, 1), 9))
        elif isinstance(block, Paragraph):
            _add_paragraph(out, block)
        else:
            _add_table(out, block)
    buffer = io.BytesIO()
    out.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _pin_properties(out: DocxDocument, title: str, stamp: datetime) -> None:
    props = out.core_properties
    naive = stamp.replace(tzinfo=None, microsecond=0)
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.title = title
    props.created = naive
    props.modified = naive
    props.last_printed = naive
    props.revision = 1


def _add_paragraph(out: DocxDocument, block: Paragraph) -> None:
    para = out.add_paragraph()
    if block.label:
        para.add_run(f"{block.label} ").bold = True
    para.add_run(block.text)


def _add_table(out: DocxDocument, block: Table) -> None:
    if block.caption:
        out.add_paragraph(block.caption).runs[0].bold = True
    table = out.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = "Table Grid"
    table.autofit = False
    widths = _column_widths(block.weights or _default_weights(len(block.header)))
    for col, width in enumerate(widths):
        table.columns[col].width = width
    for col, text in enumerate(block.header):
        cell = table.rows[0].cells[col]
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for r, row in enumerate(block.rows):
        for col, text in enumerate(row):
            cell = table.rows[r + 1].cells[col]
            cell.text = text
            para = cell.paragraphs[0]
            if col > 0 and _looks_numeric(text):
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if (r, col) in block.flagged_cells and para.runs:
                para.runs[0].font.color.rgb = FLAG_COLOUR
                para.runs[0].bold = True
    for row_cells in table.rows:
        for col, cell in enumerate(row_cells.cells):
            cell.width = widths[col]
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.font.size = TABLE_FONT
    for note in block.notes:
        run = out.add_paragraph().add_run(note)
        run.italic = True
        run.font.size = Pt(9)


def _default_weights(columns: int) -> tuple[int, ...]:
    # The first column names the row: give it room for a label of a few words.
    return (3, *([2] * (columns - 1))) if columns > 3 else (1,) * columns


def _column_widths(weights: tuple[int, ...]) -> list[Length]:
    total = sum(weights)
    return [Cm(round(TEXT_WIDTH.cm * w / total, 2)) for w in weights]


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(" ", "").replace("\u00a0", "").replace(",", "").replace("−", "")
    return stripped.lstrip("-").replace("%", "").isdigit()


def _fixed_zip(data: bytes) -> bytes:
    """Rewrites the package with fixed entry dates, same order and content."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return buffer.getvalue()
