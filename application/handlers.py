"""Every command type and its handler, one module per aggregate family."""

from __future__ import annotations

from application import arsplan, cycles, delegation, kommun, meetings, reports
from application.bus import Handler
from application.ports import AbstractTreeHeads


def all_handlers(attest_working_days: int = 3,
                 tree_heads: AbstractTreeHeads | None = None) -> dict[type, Handler]:
    """``attest_working_days``: working days an attester gets after a klarmarkering;
    ``tree_heads``: signs the log's head for the protokoll (None: no seal at justering)."""
    return {**reports.handlers(attest_working_days), **cycles.handlers(),
            **arsplan.handlers(), **delegation.handlers(), **meetings.handlers(tree_heads),
            **kommun.handlers()}
