"""Outbound documents: the underlag to kommunledningskontoret, the beslut to Platina.

File drop is the default (a folder another system or person picks up); HTTP posts
the document with an Idempotency-Key header, so a retried activity is harmless.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True)
class OutboundDocument:
    filename: str
    content: bytes
    media_type: str


class AbstractDestination(ABC):
    name: str

    @abstractmethod
    def deliver(self, document: OutboundDocument, key: str) -> str:
        """Delivers the document; returns the destination's reference for it."""


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)[:120]


class FileDrop(AbstractDestination):
    """Writes into ``folder/<key>/<filename>``; a rerun overwrites the same file."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name

    def deliver(self, document: OutboundDocument, key: str) -> str:
        target_dir = self.folder / _safe(key)
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / _safe(document.filename)
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(document.content)
        partial.replace(target)  # atomic: a reader never sees half a file
        return str(target)


class HttpDestination(AbstractDestination):
    def __init__(self, url: str, name: str, timeout: float = 30.0) -> None:
        self.url = url
        self.name = name
        self.timeout = timeout

    def deliver(self, document: OutboundDocument, key: str) -> str:
        response = httpx.post(
            self.url, content=document.content, timeout=self.timeout,
            headers={"Content-Type": document.media_type, "Idempotency-Key": key,
                     "X-Filename": document.filename})
        response.raise_for_status()
        reference = response.headers.get("Location")
        if not reference and response.headers.get("content-type", "").startswith(
                "application/json"):
            reference = response.json().get("reference")
        return str(reference or f"{self.url}#{key}")


def destination(kind: str, url: str | None, folder: Path, name: str) -> AbstractDestination:
    if kind == "http":
        if not url:
            raise ValueError(f"{name}: HTTP transport needs a URL")
        return HttpDestination(url, name)
    return FileDrop(folder, name)
