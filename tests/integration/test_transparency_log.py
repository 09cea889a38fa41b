"""The record a revisor can trust without trusting the database.

A Merkle tree over every event, signed heads, proofs the standalone verifier checks, and
a verify that fails on a deleted latest event, a missing sealed position, an edited
snapshot or a rewritten history: each named by event type, aggregate, version and
notification id.
"""

from __future__ import annotations

import base64
import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from audit.proofs import consistency_proof, inclusion_proof
from audit.seals import LiveTreeHeads, SealKey, TreeHead, published_heads
from audit.standalone_verifier import (
    ProofError,
    verify_consistency_document,
    verify_inclusion_document,
)
from audit.verify import IncrementalVerifier, Seal, verify_store
from domain import commands as c
from domain.delegation_ledger import DelegationLedger
from domain.ids import delegation_ledger_id
from domain.meeting import Meeting
from projections.read_models import ReadModels
from projections.runner import catch_up
from projections.transparency_log import TransparencyLogProjection
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.org import build_organisation, open_delar_2022, report
from tests.support.tamper import StoreTamperer
from tests.unit.von_delegation import ORDFORANDE, decide, load_von
from tests.unit.von_meetings import add, hold, justera, schedule

VERIFIER = Path(__file__).resolve().parents[2] / "audit" / "standalone_verifier.py"
EKHAGEN, BJORKLIDEN = report("enh-ekhagen"), report("enh-bjorkliden")


class World:
    def __init__(self, app: TestEngine, key: SealKey) -> None:
        self.app = app
        self.key = key
        self.models = ReadModels.for_app(app, [TransparencyLogProjection])
        self.view = self.models.view(TransparencyLogProjection)
        self.heads = LiveTreeHeads(key, app, self.view)

    def head(self) -> TreeHead:
        current = self.heads.current()
        assert current is not None
        return TreeHead.from_dict(current)

    def rebuild_log(self) -> None:
        """What someone with write access would do after changing the events."""
        self.view.reset()
        catch_up(self.app, TransparencyLogProjection(view=self.view))

    def edit(self, report_id: object, value: str) -> None:
        self.app.execute(c.ChangeItem(report_id=report_id, item_id="mal-trygg-vard",
                                      field="analys", value=value), "anna" if report_id ==
                         EKHAGEN else "bertil")


@pytest.fixture
def world(app: TestEngine, tmp_path: Path) -> Iterator[World]:
    build_organisation(app)
    open_delar_2022(app)
    w = World(app, SealKey.create(tmp_path / "seal.pem"))
    w.edit(EKHAGEN, "Första analysen")
    yield w
    w.models.close()


@pytest.fixture
def durable_world(durable_env: dict[str, str], clock: ManualClock,
                  tmp_path: Path) -> Iterator[World]:
    app = TestEngine(env=durable_env, clock=clock)
    build_organisation(app)
    open_delar_2022(app)
    w = World(app, SealKey.create(tmp_path / "seal.pem"))
    w.edit(EKHAGEN, "Första analysen")
    yield w
    w.models.close()
    app.close()


def _events(app: TestEngine, aggregate_id: object) -> list[Any]:
    return list(app.aggregate_events(aggregate_id))  # type: ignore[arg-type]


def _changed(doc: dict[str, Any], path: tuple[str, ...], change: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = change(target[path[-1]])
    return out


def _flip_hex(text: str) -> str:
    return ("1" if text[0] != "1" else "2") + text[1:]


def _flip_b64(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[len(raw) // 2] ^= 1
    return base64.b64encode(bytes(raw)).decode()


class TestInclusionProofs:
    def test_every_event_has_a_proof_the_standalone_verifier_accepts(self, world: World) -> None:
        head = world.head()
        for event in _events(world.app, EKHAGEN):
            proof = inclusion_proof(world.app, world.view, event.event_id, head)
            assert str(event.event_id) in verify_inclusion_document(proof, world.key.public_key)

    @pytest.mark.parametrize(("path", "change"), [
        (("event", "canonical"), _flip_b64),
        (("event", "chain_hash"), _flip_hex),
        (("event", "prev_hash"), _flip_hex),
        (("event", "notification_id"), lambda n: n + 1),
        (("leaf_index",), lambda i: i + 1),
        (("audit_path",), lambda p: [_flip_hex(p[0]), *p[1:]]),
        (("tree_head", "root_hash"), _flip_hex),
        (("tree_head", "tree_size"), lambda n: n + 1),
        (("tree_head", "timestamp"), lambda t: t.replace("20", "19", 1)),
        (("tree_head", "signature"), _flip_b64),
    ], ids=lambda v: ".".join(v) if isinstance(v, tuple) else "")
    def test_a_proof_changed_in_any_byte_is_rejected(
            self, world: World, path: tuple[str, ...], change: Any) -> None:
        event = _events(world.app, EKHAGEN)[-1]
        proof = inclusion_proof(world.app, world.view, event.event_id, world.head())
        with pytest.raises(ProofError):
            verify_inclusion_document(_changed(proof, path, change), world.key.public_key)

    def test_a_head_signed_with_another_key_is_rejected(self, world: World,
                                                         tmp_path: Path) -> None:
        other = SealKey.create(tmp_path / "other.pem")
        event = _events(world.app, EKHAGEN)[-1]
        proof = inclusion_proof(world.app, world.view, event.event_id, world.head())
        with pytest.raises(ProofError):
            verify_inclusion_document(proof, other.public_key)

    def test_the_verifier_runs_alone_on_a_proof_file(self, world: World,
                                                     tmp_path: Path) -> None:
        event = _events(world.app, EKHAGEN)[-1]
        proof = inclusion_proof(world.app, world.view, event.event_id, world.head())
        good, bad = tmp_path / "proof.json", tmp_path / "bad.json"
        good.write_text(json.dumps(proof))
        bad.write_text(json.dumps(_changed(proof, ("event", "canonical"), _flip_b64)))
        # Run from outside the repository, with nothing of the project importable.
        run = [sys.executable, "-I", str(VERIFIER), "inclusion"]
        ok = subprocess.run([*run, str(good), "--key", world.key.public_key], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
        rejected = subprocess.run([*run, str(bad)], cwd=tmp_path, capture_output=True,
                                  text=True, check=False)
        assert (ok.returncode, rejected.returncode) == (0, 1), ok.stdout + ok.stderr
        assert ok.stdout.startswith("OK") and rejected.stdout.startswith("REJECTED")


class TestConsistency:
    def test_two_seals_of_a_growing_log_are_consistent(self, world: World) -> None:
        first = world.head()
        world.edit(BJORKLIDEN, "Analys")
        world.edit(EKHAGEN, "Andra analysen")
        second = world.head()
        proof = consistency_proof(world.view, first, second)
        assert "contains the log of" in verify_consistency_document(proof,
                                                                   world.key.public_key)

    def test_a_history_rewritten_between_two_seals_fails(self, durable_world: World) -> None:
        w = durable_world
        first = w.head()
        w.edit(BJORKLIDEN, "Analys")
        w.edit(EKHAGEN, "Andra analysen")
        second = w.head()
        # Someone removes Björkliden's edit, writes another event in its place so the log
        # has its length again, and rebuilds the tree from the changed store.
        StoreTamperer(w.app.env).delete(BJORKLIDEN, 2)  # type: ignore[arg-type]
        w.edit(EKHAGEN, "Tredje analysen")
        w.rebuild_log()
        proof = consistency_proof(w.view, first, second)
        with pytest.raises(ProofError):
            verify_consistency_document(proof, w.key.public_key)


class TestStrictVerify:
    def test_a_deleted_latest_event_fails_and_is_named(self, durable_world: World) -> None:
        w = durable_world
        w.edit(BJORKLIDEN, "Analys")  # Björkliden's latest event
        w.edit(EKHAGEN, "Andra analysen")  # a later event of another aggregate
        seal = w.head()
        deleted = _events(w.app, BJORKLIDEN)[-1]
        assert verify_store(w.app, log_view=w.view).ok
        StoreTamperer(w.app.env).delete(BJORKLIDEN, deleted.originator_version)  # type: ignore[arg-type]
        against_log = verify_store(w.app, log_view=w.view)
        against_seal = verify_store(w.app, seals=[Seal(seal.tree_size, seal.root_hash)])
        assert not against_log.ok and not against_seal.ok
        assert against_log.log_problem is not None
        assert f"UnitReport.ItemChanged of aggregate {BJORKLIDEN} version " \
               f"{deleted.originator_version}" in against_log.log_problem
        assert "notification" in against_log.log_problem
        assert against_seal.seal_problem is not None

    def test_a_sealed_position_beyond_the_store_fails(self, world: World) -> None:
        head = verify_store(world.app).head
        report = verify_store(world.app, seals=[Seal(head.tree_size + 3, head.root_hash)])
        assert not report.ok
        assert "events were deleted" in (report.seal_problem or "")

    def test_the_live_verifier_notices_a_deleted_latest_event(
            self, durable_world: World) -> None:
        w = durable_world
        w.edit(BJORKLIDEN, "Analys")
        catch_up(w.app, TransparencyLogProjection(view=w.view))
        verifier = IncrementalVerifier(w.app, w.view)
        assert verifier.verify().ok
        StoreTamperer(w.app.env).delete(BJORKLIDEN, 2)  # type: ignore[arg-type]
        fresh = IncrementalVerifier(w.app, w.view).verify()
        assert not fresh.ok and "not in the store" in (fresh.log_problem or "")

    def test_an_edited_snapshot_fails_verify_and_is_not_used_by_commands(
            self, durable_world: World) -> None:
        w = durable_world
        load_von(w.app)
        beslut = decide(w.app, ORDFORANDE, "2.1.1", date(2022, 10, 3), command_id="b1",
                        laglighetsprovning=False).aggregate_id
        ledger = delegation_ledger_id("VON")
        w.app.take_snapshot(ledger)
        assert verify_store(w.app).ok
        # Someone empties the snapshot's list of beslut awaiting anmälan.
        tamper = StoreTamperer(w.app.env)
        table = tamper.table("snapshots")
        state = tamper._run(f"SELECT state FROM {table} WHERE originator_id = ?",
                            (tamper._oid(ledger),))[0][0]
        doc = json.loads(bytes(state))  # type: ignore[arg-type]
        doc["state"]["pending"] = {}
        tamper._run(f"UPDATE {table} SET state = ? WHERE originator_id = ?",
                    (json.dumps(doc).encode(), tamper._oid(ledger)))
        report = verify_store(w.app)
        assert not report.ok and "differs from its events in 'pending'" in (
            report.snapshot_problem or "")
        fresh = TestEngine(env=w.app.env, clock=w.app.clock)
        try:
            assert str(beslut) in fresh.get(ledger, DelegationLedger).pending
        finally:
            fresh.close()


class TestPublishedHeads:
    def test_the_justerat_protokoll_carries_the_logs_signed_head(
            self, durable_env: dict[str, str], clock: ManualClock, tmp_path: Path) -> None:
        key = SealKey.create(tmp_path / "seal.pem")
        plain = TestEngine(env=durable_env, clock=clock)
        models = ReadModels.for_app(plain, [TransparencyLogProjection])
        engine = TestEngine(env=durable_env, clock=clock, tree_heads=LiveTreeHeads(
            key, plain, models.view(TransparencyLogProjection)))
        try:
            load_von(engine)
            mid = schedule(engine, date(2022, 10, 25))
            add(engine, mid, "2022.228 VON", "Delårsbokslut 2022")
            hold(engine, mid)
            clock.now = datetime(2022, 10, 27, 9, tzinfo=UTC)
            justera(engine, mid, date(2022, 10, 27))
            recorded = engine.get(mid, Meeting).tree_head
            heads = published_heads(engine)
            report = verify_store(engine, seals=[Seal(h.tree_size, h.root_hash)
                                                 for h in heads])
        finally:
            models.close()
            engine.close()
            plain.close()
        assert recorded is not None and len(heads) == 1
        heads[0].verify(key.public_key)
        assert report.ok and heads[0].tree_size > 0
