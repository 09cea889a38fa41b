"""A neutral document model: headings, paragraphs and tables, rendered to .docx or HTML.

Compilers build it from the event store or from data files; the renderers know
nothing about the domain, so both outputs always show the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    label: str | None = None  # shown in bold before the text, e.g. "Bedömning:"


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    flagged_cells: frozenset[tuple[int, int]] = frozenset()  # (row, column) failing a check
    notes: tuple[str, ...] = ()
    weights: tuple[int, ...] = ()  # relative column widths; empty: the first column wider


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class ReportDocument:
    title: str
    subtitle: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]
