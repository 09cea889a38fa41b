"""One published seal checked on the server, as the revisor's "Kontrollera sigill" asks:
its signature, the transparency log's consistency with it (RFC 9162: the log of today
contains the sealed log unchanged) and the store's own events at the sealed size.

The result is told in Swedish for the revision page. The same checks without the engine:
``audit/standalone_verifier.py`` on a consistency proof from ``/api/proofs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eventsourcing.application import Application

from audit.seals import TreeHead
from audit.standalone_verifier import ProofError, verify_consistency
from domain.chain import GENESIS_HASH, compute_hash
from domain.merkle import CompactRange, leaf_data, leaf_hash
from projections.base import ReadModelView
from projections.transparency_log import tree


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str


@dataclass(frozen=True)
class SealCheck:
    head: TreeHead
    signature: Finding
    key: Finding
    log: Finding
    store: Finding

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.signature, self.key, self.log, self.store


def check_seal(app: Application[Any], log_view: ReadModelView, head: TreeHead,
               seal_key_id: str | None, batch_size: int = 1000) -> SealCheck:
    """``seal_key_id``: the id of the key this server signs with (None: it signs none)."""
    return SealCheck(head, _signature(head), _key(head, seal_key_id),
                     _log(log_view, head), _store(app, head, batch_size))


def _signature(head: TreeHead) -> Finding:
    try:
        head.verify()
    except ProofError:
        return Finding(False, f"Signaturen håller inte: sigillet över {head.tree_size} "
                              "händelser är inte signerat med nyckeln det anger.")
    return Finding(True, f"Signaturen håller (Ed25519, nyckel {head.key_id}).")


def _key(head: TreeHead, seal_key_id: str | None) -> Finding:
    if seal_key_id is None:
        return Finding(True, "Servern signerar inga sigill själv: jämför nyckel-id "
                             f"{head.key_id} med det som står i protokollet.")
    if head.key_id != seal_key_id:
        return Finding(False, f"Sigillet är signerat med nyckel {head.key_id}, inte med "
                              f"nämndens nyckel {seal_key_id}.")
    return Finding(True, f"Nyckeln är nämndens nuvarande sigillnyckel ({seal_key_id}).")


def _log(log_view: ReadModelView, head: TreeHead) -> Finding:
    log = tree(log_view)
    if log.size < head.tree_size:
        return Finding(False, f"Transparensloggen har {log.size} händelser men sigillet "
                              f"omfattar {head.tree_size}: händelser saknas i loggen.")
    try:
        verify_consistency(head.tree_size, log.size, bytes.fromhex(head.root_hash),
                           log.root(), log.consistency_proof(head.tree_size, log.size))
    except (ProofError, ValueError):
        return Finding(False, f"Transparensloggen stämmer inte med sigillet: de första "
                              f"{head.tree_size} händelserna har ändrats sedan det signerades.")
    return Finding(True, f"Transparensloggen ({log.size} händelser) innehåller de "
                         f"{head.tree_size} sigillerade händelserna oförändrade "
                         "(konsistensbevis enligt RFC 9162).")


def _store(app: Application[Any], head: TreeHead, batch_size: int) -> Finding:
    """The root over the store's first ``tree_size`` events, recomputed from the events."""
    prefix, last_id = CompactRange(), 0
    chains: dict[str, str] = {}  # each aggregate's last chain hash
    while prefix.size < head.tree_size:
        found = app.recorder.select_notifications(last_id + 1, batch_size)
        if not found:
            return Finding(False, f"Händelselagret har bara {prefix.size} händelser men "
                                  f"sigillet omfattar {head.tree_size}.")
        for n in found[:head.tree_size - prefix.size]:
            event: Any = app.mapper.to_domain_event(n)
            before = chains.get(str(n.originator_id), GENESIS_HASH)
            if event.prev_hash != before or compute_hash(event) != event.chain_hash:
                return Finding(False, f"Händelse {n.id} ({_name(n.topic)}, version "
                                      f"{n.originator_version}) har ändrats: den ger inte "
                                      "sin kedjehash eller länkar inte till händelsen före.")
            chains[str(n.originator_id)] = event.chain_hash
            prefix.append(leaf_hash(leaf_data(n.id, event.chain_hash)))
            last_id = n.id
    if prefix.root().hex() != head.root_hash:
        return Finding(False, f"Händelselagrets första {head.tree_size} händelser ger en "
                              "annan rot än sigillet: historiken har skrivits om.")
    return Finding(True, f"Händelselagrets första {head.tree_size} händelser ger sigillets "
                         "rot.")


def _name(topic: str) -> str:
    return topic.rsplit(":", 1)[-1]
