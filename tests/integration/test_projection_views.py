"""The views keep rows and tracking position in one transaction, on every store."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.tests.persistence import TrackingRecorderTestCase

from infrastructure.settings import postgres_env
from projections.base import Put, ReadModelView, digest
from projections.batching import BatchedView
from projections.views import (
    COPY_FROM,
    POPOReadModelView,
    PostgresReadModelView,
    SQLiteReadModelView,
)
from tests.support.stores import POSTGRES_DSN, postgres_schema_env, skip_without_postgres


@contextlib.contextmanager
def open_view(kind: str, name: str = "test_model") -> Iterator[ReadModelView]:
    if kind == "popo":
        yield POPOReadModelView(name)
    elif kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            datastore = SQLiteDatastore(str(Path(folder) / "views.sqlite"))
            view = SQLiteReadModelView(datastore, name=name)
            view.create_table()
            yield view
            datastore.close()
    else:
        with postgres_schema_env() as env:
            pg = postgres_env(POSTGRES_DSN)
            pg_store = PostgresDatastore(
                dbname=pg["POSTGRES_DBNAME"], host=pg["POSTGRES_HOST"],
                port=pg["POSTGRES_PORT"], user=pg["POSTGRES_USER"],
                password=pg["POSTGRES_PASSWORD"], schema=env["POSTGRES_SCHEMA"])
            pg_view = PostgresReadModelView(pg_store, tracking_table_name=f"{name}_tracking")
            pg_view.create_table()
            yield pg_view
            pg_store.close()


class TestPOPOViewTracking(TrackingRecorderTestCase):
    def create_recorder(self) -> POPOReadModelView:
        return POPOReadModelView("popo")


class TestSQLiteViewTracking(TrackingRecorderTestCase):
    def create_recorder(self) -> ReadModelView:
        return self.enterContext(open_view("sqlite"))


class TestPostgresViewTracking(TrackingRecorderTestCase):
    def setUp(self) -> None:
        skip_without_postgres()
        super().setUp()

    def create_recorder(self) -> ReadModelView:
        return self.enterContext(open_view("postgres"))


@pytest.fixture(params=["popo", "sqlite", "postgres"])
def view(request: pytest.FixtureRequest) -> Iterator[ReadModelView]:
    if request.param == "postgres":
        skip_without_postgres()
    with open_view(request.param) as v:
        yield v


class Unserialisable:
    """A document value JSON cannot encode: the write fails mid-transaction."""


def test_rows_and_position_commit_together(view: ReadModelView) -> None:
    view.write_with_tracking([Put("report", "r1", {"status": "pagar"}, "c1")], Tracking("a", 1))
    assert view.get("report", "r1") == {"status": "pagar"}
    assert view.max_tracking_id("a") == 1


def test_a_failed_write_leaves_neither_rows_nor_position(view: ReadModelView) -> None:
    view.write_with_tracking([Put("report", "r1", {"n": 1})], Tracking("a", 1))
    poisoned: list[Any] = [Put("report", "r1", {"n": 2}), Put("report", "r2", {"n": 1}),
                           Put("report", "r3", {"bad": Unserialisable()})]
    with pytest.raises(TypeError):
        view.write_with_tracking(poisoned, Tracking("a", 2))
    assert view.get("report", "r1") == {"n": 1}
    assert view.get("report", "r2") is None
    assert view.max_tracking_id("a") == 1


def test_a_position_already_applied_is_refused_and_changes_nothing(view: ReadModelView) -> None:
    view.write_with_tracking([Put("reminder", "e1", {"n": 1}, "anna")], Tracking("a", 5))
    before = digest(view)
    with pytest.raises(IntegrityError):
        view.write_with_tracking([Put("reminder", "e1", {"n": 99}, "anna")], Tracking("a", 5))
    with pytest.raises(IntegrityError):
        view.write_with_tracking([Put("reminder", "e0", {"n": 0}, "anna")], Tracking("a", 4))
    assert digest(view) == before


def test_find_returns_a_partition_in_write_order(view: ReadModelView) -> None:
    for position, key in enumerate(["z", "a", "m"], start=1):
        view.write_with_tracking([Put("entry", key, {"key": key}, "p1")],
                                 Tracking("a", position))
    view.write_with_tracking([Put("entry", "other", {"key": "other"}, "p2")], Tracking("a", 4))
    assert [d["key"] for d in view.find("entry", "p1")] == ["z", "a", "m"]
    assert len(view.find("entry")) == 4


def test_find_keys_lists_a_partitions_keys_in_write_order_including_encoded_rows(
        view: ReadModelView) -> None:
    view.write_with_tracking([], Tracking("a", 1), [("by_actor", "r/2", "anna", 1, "{}")])
    view.write_with_tracking([Put("by_actor", "r/1", {}, "anna")], Tracking("a", 2),
                             [("by_actor", "q/1", "bo", 2, "{}")])
    view.write_with_tracking([], Tracking("a", 3), [("by_actor", "p/9", "anna", 3, "{}")])
    assert view.find_keys("by_actor", "anna") == ["r/2", "r/1", "p/9"]
    assert view.find_keys("by_actor", "nobody") == []
    assert view.find_keys("by_cycle", "anna") == []


def test_find_positions_gives_each_present_keys_position(view: ReadModelView) -> None:
    view.write_with_tracking([Put("by_actor", "r/1", {}, "anna")], Tracking("a", 2),
                             [("by_actor", "q/1", "bo", 2, "{}")])
    view.write_with_tracking([], Tracking("a", 3), [("by_actor", "r/2", "anna", 3, "{}")])
    keys = [f"k/{n}" for n in range(1200)] + ["r/2", "q/1", "r/1"]  # past SQLite's chunk
    assert view.find_positions("by_actor", keys) == {"r/1": 2, "q/1": 2, "r/2": 3}
    assert view.find_positions("by_cycle", ["r/1"]) == {}
    assert view.find_positions("by_actor", []) == {}


def test_reset_forgets_rows_and_position(view: ReadModelView) -> None:
    view.write_with_tracking([Put("entry", "k", {"x": 1})], Tracking("a", 3))
    view.reset()
    assert view.rows() == [] and view.max_tracking_id("a") is None
    view.write_with_tracking([Put("entry", "k", {"x": 1})], Tracking("a", 1))
    assert view.max_tracking_id("a") == 1


def test_views_of_different_projections_do_not_share_positions() -> None:
    with tempfile.TemporaryDirectory() as folder:
        datastore = SQLiteDatastore(str(Path(folder) / "views.sqlite"))
        first = SQLiteReadModelView(datastore, name="first")
        second = SQLiteReadModelView(datastore, name="second")
        first.create_table()
        second.create_table()
        first.write_with_tracking([Put("k", "1", {})], Tracking("arsplan", 7))
        assert second.max_tracking_id("arsplan") is None
        assert second.rows() == []
        datastore.close()


def test_a_batch_commits_nothing_until_flushed_then_everything_at_once(
        view: ReadModelView) -> None:
    batch = BatchedView(view)
    batch.write_with_tracking([Put("report", "r1", {"n": 1}, "c1")], Tracking("a", 1))
    batch.write_with_tracking([Put("report", "r1", {"n": 2}, "c1"),
                               Put("report", "r2", {"n": 1}, "c1")], Tracking("a", 2))
    assert batch.get("report", "r1") == {"n": 2}
    assert view.get("report", "r1") is None and view.max_tracking_id("a") is None
    with pytest.raises(IntegrityError):
        batch.write_with_tracking([Put("report", "r9", {})], Tracking("a", 2))
    batch.flush()
    assert view.get("report", "r1") == {"n": 2} and view.max_tracking_id("a") == 2
    # Rows keep the position of the event that last wrote them.
    assert [d["n"] for d in view.find("report", "c1")] == [2, 1]


def test_encoded_rows_are_written_as_given_with_the_changes_and_the_position(
        view: ReadModelView) -> None:
    view.write_with_tracking([Put("cycle_of", "r1", {"c": 1})], Tracking("a", 3),
                             [("entry", "r1/1", "p1", 3, '{"v":1}'),
                              ("by_person", "r1/1", "anna", 3, "{}")])
    assert view.find("entry", "p1") == [{"v": 1}] and view.get("cycle_of", "r1") == {"c": 1}
    assert view.find_keys("by_person", "anna") == ["r1/1"]
    before = digest(view)
    with pytest.raises(IntegrityError):
        view.write_with_tracking([], Tracking("a", 3), [("entry", "r1/2", "p1", 3, "{}")])
    assert digest(view) == before and view.max_tracking_id("a") == 3


def test_a_batch_writes_encoded_rows_at_the_flush_in_their_events_order(
        view: ReadModelView) -> None:
    batch = BatchedView(view)
    for position, key in [(1, "z"), (2, "a")]:
        batch.write_with_tracking([], Tracking("a", position),
                                  [("entry", key, "p1", position, f'{{"k":"{key}"}}')])
    assert view.find("entry") == [] and view.max_tracking_id("a") is None
    batch.flush()
    assert view.find("entry", "p1") == [{"k": "z"}, {"k": "a"}]
    assert view.max_tracking_id("a") == 2


class TestGetForUpdateInABatch:
    def test_hands_over_the_batchs_own_doc_instead_of_a_copy(self) -> None:
        batch = BatchedView(POPOReadModelView("reporting"))
        doc = {"n": 1, "passed": ["klarmarkera"]}
        batch.write_with_tracking([Put("report", "r1", doc, "c1")], Tracking("a", 1))
        assert batch.get_for_update("report", "r1") is doc
        assert batch.get("report", "r1") is not doc

    def test_copies_a_doc_that_another_row_holds_too(self) -> None:
        batch = BatchedView(POPOReadModelView("reporting"))
        shared = {"person_id": "anna", "valid_to": None}
        batch.write_with_tracking([Put("by_unit", "a1", shared), Put("by_person", "a1", shared)],
                                  Tracking("a", 1))
        updated = batch.get_for_update("by_unit", "a1")
        assert updated is not None and updated is not shared
        updated["valid_to"] = "2026-12-31"
        assert batch.get("by_person", "a1") == {"person_id": "anna", "valid_to": None}

    def test_hands_over_a_doc_once_the_other_row_holding_it_was_rewritten(self) -> None:
        batch = BatchedView(POPOReadModelView("reporting"))
        shared = {"n": 1}
        batch.write_with_tracking([Put("x", "1", shared), Put("y", "1", shared)],
                                  Tracking("a", 1))
        batch.write_with_tracking([Put("y", "1", {"n": 2})], Tracking("a", 2))
        assert batch.get_for_update("x", "1") is shared

    def test_a_row_read_from_the_view_is_read_again_after_it_was_handed_over(self) -> None:
        view = POPOReadModelView("reporting")
        view.write_with_tracking([Put("report", "r1", {"n": 1})], Tracking("a", 1))
        batch = BatchedView(view)
        assert batch.get("report", "r1") == {"n": 1}
        handed = batch.get_for_update("report", "r1")
        assert handed == {"n": 1}
        handed["n"] = 99  # changed but, against the contract, never written back
        assert batch.get("report", "r1") == {"n": 1}


def test_a_batchs_new_rows_replace_a_row_stored_under_the_same_key_after_all(
        view: ReadModelView) -> None:
    # Enough rows for PostgreSQL's COPY, which refuses a stored key: it then upserts.
    view.write_with_tracking([Put("entry", "k0", {"v": "old"}, "p1")], Tracking("a", 1))
    appends = [("entry", f"k{n}", "p1", 2, f'{{"v":{n}}}') for n in range(COPY_FROM + 1)]
    view.write_batch([], Tracking("a", 2), [("report", "r1", "c1", 2, '{"n":1}')], appends)
    assert view.get("entry", "k0") == {"v": 0}
    assert len(view.find("entry", "p1")) == COPY_FROM + 1
    assert view.get("report", "r1") == {"n": 1} and view.max_tracking_id("a") == 2
