"""The Merkle tree over the event log (RFC 6962/9162), kept incrementally.

Leaf i is event i of the log in notification order: ``leaf_data(notification id, chain
hash)``. Every perfect subtree aligned to its size is stored once, as it completes
(``NodeStore``: level, index → hash), so appending a leaf stores one node per level it
completes, and the root and any proof need O(log n) stored nodes: every subtree the
RFC's recursive split visits is either perfect and aligned, or split again.
Proofs are checked by audit/standalone_verifier.py, which repeats the three hashing
functions below so that it imports nothing of the project (a test holds them equal).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Protocol


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_data(notification_id: int, chain_hash: str) -> bytes:
    """What one event contributes to the log: its position in the store and its chain hash."""
    return notification_id.to_bytes(8, "big") + bytes.fromhex(chain_hash)


class NodeStore(Protocol):
    """Stored hashes of perfect subtrees: ``(level, index)`` covers leaves
    ``[index · 2^level, (index + 1) · 2^level)``."""

    def get(self, level: int, index: int) -> bytes: ...
    def put_many(self, nodes: Iterable[tuple[int, int, bytes]]) -> None: ...


class MemoryNodes:
    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]

    def put_many(self, nodes: Iterable[tuple[int, int, bytes]]) -> None:
        for level, index, value in nodes:
            self.nodes[(level, index)] = value


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


class MerkleLog:
    """A tree of ``size`` leaves over ``nodes``; ``append`` adds leaves in order."""

    def __init__(self, nodes: NodeStore, size: int = 0) -> None:
        self.nodes = nodes
        self.size = size

    def append(self, leaves: Iterable[tuple[int, str]]) -> list[tuple[int, int, bytes]]:
        """Adds (notification id, chain hash) leaves; returns the nodes it stored."""
        added: list[tuple[int, int, bytes]] = []
        pending: dict[tuple[int, int], bytes] = {}

        def node(level: int, index: int) -> bytes:
            return pending.get((level, index)) or self.nodes.get(level, index)

        for notification_id, chain_hash in leaves:
            index, value, level = self.size, leaf_hash(leaf_data(notification_id,
                                                                 chain_hash)), 0
            pending[(0, index)] = value
            added.append((0, index, value))
            while index & 1:  # a right child completes its parent
                value = node_hash(node(level, index - 1), value)
                level, index = level + 1, index >> 1
                pending[(level, index)] = value
                added.append((level, index, value))
            self.size += 1
        self.nodes.put_many(added)
        return added

    def subtree(self, start: int, end: int) -> bytes:
        """MTH of leaves [start, end)."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self.nodes.get(n.bit_length() - 1, start // n)
        k = _largest_power_of_two_below(n)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        if size <= 0:
            raise ValueError("an empty log has no root")
        return self.subtree(0, size)

    def inclusion_path(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 6962 PATH(m, D[n]), bottom up."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        return self._path(index, 0, size)

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = _largest_power_of_two_below(n)
        if m < k:
            return [*self._path(m, start, start + k), self.subtree(start + k, end)]
        return [*self._path(m - k, start + k, end), self.subtree(start, start + k)]

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """RFC 6962 PROOF(m, D[n]): the second tree contains the first."""
        second = self.size if second is None else second
        if not 0 < first <= second <= self.size:
            raise ValueError(f"no consistency proof from {first} to {second}")
        if first == second:
            return []
        return self._subproof(first, 0, second, True)

    def _subproof(self, m: int, start: int, end: int, complete: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if complete else [self.subtree(start, end)]
        k = _largest_power_of_two_below(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, complete),
                    self.subtree(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self.subtree(start, start + k)]


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size): enough to append and to
    compute the root, in O(log n) memory, for a verifier walking the whole log once."""

    def __init__(self) -> None:
        self.size = 0
        self._peaks: list[tuple[int, bytes]] = []  # (level, hash), largest first

    def append(self, leaf: bytes) -> None:
        level, value = 0, leaf
        while self._peaks and self._peaks[-1][0] == level:
            _, left = self._peaks.pop()
            level, value = level + 1, node_hash(left, value)
        self._peaks.append((level, value))
        self.size += 1

    def root(self) -> bytes:
        if not self._peaks:
            raise ValueError("an empty log has no root")
        value = self._peaks[-1][1]
        for _, left in reversed(self._peaks[:-1]):
            value = node_hash(left, value)
        return value
