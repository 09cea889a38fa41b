"""Printing results: every figure next to its baseline from the same run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    target_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n## {title}")
    print(f"{'measurement':<44} {'value':>12} {'baseline':>12} {'ratio':>7}  target")
    for r in rows:
        base = _number(r.baseline) if r.baseline else f"{'':>12}"
        ratio = f"{r.ratio:>6.2f}x" if r.ratio is not None else f"{'':>7}"
        target = ""
        if r.target_ratio is not None and r.ratio is not None:
            target = f"≥ {r.target_ratio:.2f}x {'met' if r.ratio >= r.target_ratio else 'MISSED'}"
        print(f"{r.name:<44} {_number(r.value)} {base} {ratio}  {target} {r.unit}", flush=True)


def _number(value: float) -> str:
    return f"{value:>12,.0f}" if value >= 100 else f"{value:>12,.2f}"
