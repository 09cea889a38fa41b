"""Check an årsplan proof without the årsplan engine: one file, the standard library and
the ``cryptography`` package, importing nothing of the project.

    python standalone_verifier.py inclusion proof.json  [--key PUBLIC_KEY_BASE64]
    python standalone_verifier.py consistency proof.json [--key PUBLIC_KEY_BASE64]

Exit status 0 when the proof holds, 1 when it does not (the reason is printed), 2 on a
file that cannot be read. The proof format is documented in docs/proofs.md; the tree is
RFC 6962/9162's Merkle tree (SHA-256, leaf prefix 0x00, node prefix 0x01).

A revisor compares the tree head's key id with the one published in the nämnd's
protokoll (or passes the published public key with ``--key``): a proof checked against a
key taken from the proof itself shows only that the proof is consistent, not who made it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

INCLUSION_FORMAT = "arsplan-inclusion-v1"
CONSISTENCY_FORMAT = "arsplan-consistency-v1"
TREE_HEAD_CONTEXT = b"arsplan-tree-head-v1\n"
GENESIS_HASH = "0" * 64


class ProofError(Exception):
    """The proof does not hold; the message says where."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_data(notification_id: int, chain_hash: str) -> bytes:
    """What one event contributes to the log: its position in the store and its chain hash."""
    return notification_id.to_bytes(8, "big") + bytes.fromhex(chain_hash)


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    """The event's hash in its aggregate's chain (SHA-256 of the previous hash and the
    canonical encoding of everything the event records)."""
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """RFC 9162 2.1.3.2: the root a leaf and its audit path lead to."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError("the audit path is longer than the tree allows")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the audit path is shorter than the tree needs")
    return r


def verify_consistency(first_size: int, second_size: int, first_root: bytes,
                       second_root: bytes, proof: Sequence[bytes]) -> None:
    """RFC 9162 2.1.4.2: the second tree contains the first unchanged (the log only grew)."""
    if not 0 < first_size <= second_size:
        raise ProofError(f"sizes {first_size} and {second_size} cannot be consistent")
    if first_size == second_size:
        if proof or first_root != second_root:
            raise ProofError("trees of the same size differ")
        return
    path = list(proof)
    if first_size & (first_size - 1) == 0:  # a power of two: the first root is a node
        path.insert(0, first_root)
    if not path:
        raise ProofError("the consistency proof is empty")
    fn, sn = first_size - 1, second_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the trees allow")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the trees need")
    if fr != first_root:
        raise ProofError("the proof does not lead to the first tree head's root")
    if sr != second_root:
        raise ProofError("the proof does not lead to the second tree head's root")


def tree_head_message(head: dict[str, Any]) -> bytes:
    """The bytes a tree head's signature covers."""
    return TREE_HEAD_CONTEXT + (f"{int(head['tree_size'])}\n{head['root_hash']}\n"
                                f"{head['timestamp']}\n").encode()


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def verify_tree_head(head: dict[str, Any], public_key_b64: str | None = None) -> bytes:
    """Checks the tree head's Ed25519 signature; returns its root hash."""
    key = base64.b64decode(public_key_b64 or head["public_key"])
    if key_id(key) != head["key_id"]:
        raise ProofError(f"the tree head names key {head['key_id']}, not {key_id(key)}")
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(
            base64.b64decode(head["signature"]), tree_head_message(head))
    except (InvalidSignature, ValueError):
        raise ProofError(f"the signature of the tree head of size {head['tree_size']} "
                         "does not hold") from None
    return bytes.fromhex(head["root_hash"])


def verify_inclusion_document(doc: dict[str, Any], public_key_b64: str | None = None) -> str:
    """The event's content → its chain hash → its leaf → the signed root."""
    if doc.get("format") != INCLUSION_FORMAT:
        raise ProofError(f"not an inclusion proof ({doc.get('format')!r})")
    event = doc["event"]
    recomputed = chain_hash(event["prev_hash"], base64.b64decode(event["canonical"]))
    if recomputed != event["chain_hash"]:
        raise ProofError(f"the event's content gives chain hash {recomputed}, "
                         f"not {event['chain_hash']}")
    head = doc["tree_head"]
    root = verify_tree_head(head, public_key_b64)
    leaf = leaf_hash(leaf_data(int(event["notification_id"]), event["chain_hash"]))
    path = [bytes.fromhex(h) for h in doc["audit_path"]]
    found = root_from_inclusion(int(doc["leaf_index"]), int(head["tree_size"]), leaf, path)
    if found != root:
        raise ProofError("the audit path does not lead to the signed root")
    return (f"event {event['event_id']} (notification {event['notification_id']}) is leaf "
            f"{doc['leaf_index']} of the signed tree of {head['tree_size']} events")


def verify_consistency_document(doc: dict[str, Any], public_key_b64: str | None = None) -> str:
    if doc.get("format") != CONSISTENCY_FORMAT:
        raise ProofError(f"not a consistency proof ({doc.get('format')!r})")
    first, second = doc["first"], doc["second"]
    verify_consistency(int(first["tree_size"]), int(second["tree_size"]),
                       verify_tree_head(first, public_key_b64),
                       verify_tree_head(second, public_key_b64),
                       [bytes.fromhex(h) for h in doc["proof"]])
    return (f"the log of {second['tree_size']} events contains the log of "
            f"{first['tree_size']} unchanged")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check an årsplan inclusion or consistency "
                                                 "proof (docs/proofs.md).")
    parser.add_argument("kind", choices=["inclusion", "consistency"])
    parser.add_argument("proof", help="the proof file (JSON)")
    parser.add_argument("--key", help="the published public key (base64); by default the "
                                      "key in the proof, whose key id you compare yourself")
    args = parser.parse_args(argv)
    try:
        with open(args.proof, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as exc:
        print(f"cannot read {args.proof}: {exc}", file=sys.stderr)
        return 2
    check = verify_inclusion_document if args.kind == "inclusion" else \
        verify_consistency_document
    try:
        print("OK:", check(doc, args.key))
    except (ProofError, KeyError, TypeError, ValueError) as exc:
        print(f"REJECTED: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
