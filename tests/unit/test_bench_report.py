"""Benchmark tables judge ratios against their target in the right direction."""

from __future__ import annotations

import pytest

from bench.report import Row, print_table


def test_a_time_ratio_is_judged_lower_is_better(capsys: pytest.CaptureFixture[str]) -> None:
    print_table("t", [Row("fast", 12.0, "s", 10.0, target_max_ratio=1.5),
                      Row("slow", 16.0, "s", 10.0, target_max_ratio=1.5)])
    fast, slow = capsys.readouterr().out.splitlines()[-2:]
    assert fast.endswith("≤ 1.50x met") and slow.endswith("≤ 1.50x MISSED")


def test_a_rate_ratio_is_judged_higher_is_better(capsys: pytest.CaptureFixture[str]) -> None:
    print_table("t", [Row("r", 40.0, "events/s", 100.0, 0.5)])
    line = capsys.readouterr().out.splitlines()[-1]
    assert line.endswith("≥ 0.50x MISSED") and " events/s " in line
