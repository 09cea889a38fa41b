"""Commands of kommunledningskontoret (see domain/commands.py for the base)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from domain.commands import Command, IsoDate

MilestoneId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=100)]
Reference = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=200)]


class RecordKommunSteg(Command):
    """A kommun step of the årsplaner is done: "KSAU dialog hållen", "KF beslut fattat".

    ``reference``: the paragraph or other reference, e.g. "KF § 123" (optional).
    """

    milestone_id: MilestoneId
    done_on: IsoDate
    reference: Reference | None = None


KOMMUN_COMMANDS: tuple[type[Command], ...] = (RecordKommunSteg,)
