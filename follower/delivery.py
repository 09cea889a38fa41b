"""What the follower hands a workflow for one event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel


@dataclass(frozen=True)
class Delivery:
    """A signal or update named ``name``, or (kind "start") a start of workflow type ``name``."""

    workflow_id: str
    name: str
    arg: BaseModel
    kind: Literal["signal", "update", "start"] = "signal"
