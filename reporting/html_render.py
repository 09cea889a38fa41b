"""Renders a ReportDocument as an HTML fragment the dashboard embeds (escaped, deterministic)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reporting.model import Heading, Paragraph, ReportDocument

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
    enabled_extensions=("html", "j2"), default=True), keep_trailing_newline=True)


def render_html(doc: ReportDocument) -> str:
    return _env.get_template("report.html.j2").render(doc=doc, blocks=_blocks(doc))


def _blocks(doc: ReportDocument) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            # The document title is the page's h1: sections start at h2.
            out.append({"kind": "heading", "text": block.text, "level": min(block.level + 1, 6)})
        elif isinstance(block, Paragraph):
            out.append({"kind": "paragraph", "text": block.text, "label": block.label})
        else:
            rows = [[{"text": text, "flagged": (r, c) in block.flagged_cells}
                     for c, text in enumerate(row)] for r, row in enumerate(block.rows)]
            out.append({"kind": "table", "caption": block.caption, "header": block.header,
                        "rows": rows, "notes": block.notes})
    return out
