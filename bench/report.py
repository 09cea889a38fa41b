"""Printing results: every figure next to its baseline from the same run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    target_ratio: float | None = None  # at least this ratio
    target_max_ratio: float | None = None  # at most this ratio (times: lower is better)

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n## {title}")
    print(f"{'measurement':<44} {'value':>12} {'unit':<9} {'baseline':>12} {'ratio':>7}  target")
    for r in rows:
        base = _number(r.baseline) if r.baseline else f"{'':>12}"
        ratio = f"{r.ratio:>6.2f}x" if r.ratio is not None else f"{'':>7}"
        print(f"{r.name:<44} {_number(r.value)} {r.unit:<9} {base} {ratio}  {_target(r)}",
              flush=True)


def _target(r: Row) -> str:
    if r.ratio is None:
        return ""
    if r.target_ratio is not None:
        return f"≥ {r.target_ratio:.2f}x {'met' if r.ratio >= r.target_ratio else 'MISSED'}"
    if r.target_max_ratio is not None:
        met = r.ratio <= r.target_max_ratio
        return f"≤ {r.target_max_ratio:.2f}x {'met' if met else 'MISSED'}"
    return ""


def _number(value: float) -> str:
    return f"{value:>12,.0f}" if value >= 100 else f"{value:>12,.2f}"
