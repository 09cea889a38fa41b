"""Every command type and its handler, one module per aggregate family."""

from __future__ import annotations

from application import arsplan, cycles, delegation, meetings, reports
from application.bus import Handler


def all_handlers(attest_working_days: int = 3) -> dict[type, Handler]:
    """``attest_working_days``: working days an attester gets after a klarmarkering."""
    return {**reports.handlers(attest_working_days), **cycles.handlers(),
            **arsplan.handlers(), **delegation.handlers(), **meetings.handlers()}
