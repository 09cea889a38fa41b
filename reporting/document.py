"""The compiled file handed to activities, the CLI and the API."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class CompiledDocument:
    filename: str
    content: bytes
    media_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()
