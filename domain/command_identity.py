"""Who sent a command, under which id, with which body: what a repeat is judged by.

A command id is the issuer's: a person's ids and the system's live in separate
namespaces (``p:<person>:<id>``, ``s:<key>``), so no person can occupy the key a workflow
will use for its fact. The id is recorded on the command's events with a fingerprint of
the command's body (``<identity>#<fingerprint>``): the same id sent again with another body
is refused (``command_id_reused``) instead of being answered as a duplicate.

Events recorded before the namespaces carry the bare id; they are read into the namespace
of the actor who recorded them, without a fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

PERSON = "p"
SYSTEM = "s"
SYSTEM_PERSON = "system"
FINGERPRINT_LENGTH = 16
# Fields that do not make a command another one: the id itself, the version the client
# saw and the instant (set by the server or the workflow).
NOT_BODY = frozenset({"command_id", "expected_version", "occurred_at"})


def identity(person_id: str, command_id: str, *, system: bool) -> str:
    return f"{SYSTEM}:{command_id}" if system else f"{PERSON}:{person_id}:{command_id}"


def system_identity(key: str) -> str:
    """The identity of a workflow's fact with this key."""
    return identity(SYSTEM_PERSON, key, system=True)


def fingerprint(command_type: str, body: dict[str, Any]) -> str:
    """A short hash of what the command asks, its id and instants left out."""
    text = json.dumps({"type": command_type, **{k: v for k, v in body.items()
                                                 if k not in NOT_BODY}},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def recorded(command_identity: str, command_fingerprint: str) -> str:
    """The form recorded on events."""
    return f"{command_identity}#{command_fingerprint}"


def parse(recorded_id: str, recorded_by: str) -> tuple[str, str | None]:
    """(identity, fingerprint) of a recorded command id; ``recorded_by`` is the event's
    actor, which names the namespace of an id recorded before the namespaces."""
    head, sep, fp = recorded_id.rpartition("#")
    if (sep and head.startswith((f"{PERSON}:", f"{SYSTEM}:"))
            and len(fp) == FINGERPRINT_LENGTH and _is_hex(fp)):
        return head, fp
    return identity(recorded_by, recorded_id, system=recorded_by == SYSTEM_PERSON), None


def key_of(recorded_id: str | None) -> str | None:
    """The issuer's own id (the workflow's key for a system fact), namespace and
    fingerprint left out."""
    if recorded_id is None:
        return None
    head, sep, fp = recorded_id.rpartition("#")
    if not (sep and len(fp) == FINGERPRINT_LENGTH and _is_hex(fp)):
        return recorded_id
    if head.startswith(f"{SYSTEM}:"):
        return head[len(SYSTEM) + 1:]
    if head.startswith(f"{PERSON}:"):
        return head.split(":", 2)[2]
    return recorded_id


_LOWER_HEX = frozenset("0123456789abcdef")


def _is_hex(text: str) -> bool:
    return _LOWER_HEX.issuperset(text)  # a set test, not a generator: once per feed event
