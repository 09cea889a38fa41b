"""Signed tree heads: the transparency log's root, signed with a key kept outside the database.

A tree head (tree size, root hash, time) is signed with Ed25519 (the ``cryptography``
package); the private key lives in a file named by ``ARSPLAN_SEAL_KEY_FILE`` that the
database never sees, so nobody with write access to the database can make a head
for a rewritten history. Heads are published where the database cannot change them:
in the nämnd's protokoll at justering, in the beslut package sent to Platina, on
``GET /api/seals``; a revisor keeps copies and checks them with
audit/standalone_verifier.py.
"""

from __future__ import annotations

import base64
import contextlib
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from audit.standalone_verifier import key_id, tree_head_message, verify_tree_head
from domain.calendar import iso_local
from domain.meeting import Meeting
from projections.base import ReadModelView
from projections.runner import catch_up
from projections.transparency_log import TransparencyLogProjection, tree


@dataclass(frozen=True)
class TreeHead:
    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    public_key: str
    signature: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> TreeHead:
        return cls(int(doc["tree_size"]), str(doc["root_hash"]), str(doc["timestamp"]),
                   str(doc["key_id"]), str(doc["public_key"]), str(doc["signature"]))

    def verify(self, public_key_b64: str | None = None) -> None:
        """Raises audit.standalone_verifier.ProofError when the signature does not hold."""
        verify_tree_head(self.as_dict(), public_key_b64)


class SealKey:
    """The log's signing key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        raw = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                    serialization.PublicFormat.Raw)
        self.public_key = base64.b64encode(raw).decode()
        self.key_id = key_id(raw)

    @classmethod
    def load(cls, path: Path) -> SealKey:
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except FileNotFoundError:
            raise FileNotFoundError(f"the seal key file {path} does not exist") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return cls(key)

    @classmethod
    def create(cls, path: Path) -> SealKey:
        """A new key, written to ``path`` readable by its owner only."""
        key = Ed25519PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        return cls(key)

    @classmethod
    def load_or_create(cls, path: Path) -> SealKey:
        return cls.load(path) if path.exists() else cls.create(path)

    def sign(self, tree_size: int, root_hash: str, at: datetime) -> TreeHead:
        timestamp = iso_local(at)  # printed in the protokoll: Stockholm time
        signature = self._private.sign(tree_head_message(
            {"tree_size": tree_size, "root_hash": root_hash, "timestamp": timestamp}))
        return TreeHead(tree_size, root_hash, timestamp, self.key_id, self.public_key,
                        base64.b64encode(signature).decode())


def sign_current(key: SealKey, view: ReadModelView, at: datetime) -> TreeHead | None:
    """The transparency log's head as the view holds it now, signed; None while empty."""
    log = tree(view)
    if log.size == 0:
        return None
    return key.sign(log.size, log.root().hex(), at)


class LiveTreeHeads:
    """Signs the live log's head: brings the transparency log up to the store's head first,
    so the head covers everything recorded before it is asked for."""

    def __init__(self, key: SealKey, store: Application[Any], view: ReadModelView) -> None:
        self.key = key
        self.store = store
        self.projection = TransparencyLogProjection(view=view)

    def current(self) -> dict[str, Any] | None:
        # Another process (the projection runner) may apply the same events meanwhile.
        with contextlib.suppress(IntegrityError):
            catch_up(self.store, self.projection)
        head = sign_current(self.key, self.projection.view, _now(self.store))
        return head.as_dict() if head is not None else None


def _now(store: Application[Any]) -> datetime:
    clock = getattr(store, "clock", None)
    return clock() if clock is not None else datetime.now(tz=UTC)


def published_heads(store: Application[Any], batch_size: int = 500) -> list[TreeHead]:
    """Every head printed in a justerat protokoll, oldest first."""
    topic = get_topic(Meeting.TreeHeadRecorded)
    heads, start = [], 1
    while True:
        batch = store.recorder.select_notifications(start, batch_size, topics=[topic])
        for n in batch:
            event: Any = store.mapper.to_domain_event(n)
            heads.append(TreeHead(event.tree_size, event.root_hash, event.signed_at,
                                  event.key_id, event.public_key, event.signature))
        if len(batch) < batch_size:
            return heads
        start = batch[-1].id + 1
