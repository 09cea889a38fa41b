"""The person directory: a name corrected there shows everywhere, and the chain verifies.

Real SQLite store with the VON demo (tests/support/read_world.py): the API, a dashboard
page, the person's calendar (a generated document) and the notifier's address all read
the directory; ``verify_store`` and ``arsplan verify`` pass on the same store after a
correction and after an erasure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from activities.deps import ActivityDeps
from activities.reports import ReportActivities
from application.person_directory import correct_person, erase_person, prove_profile
from audit.verify import verify_store
from cli.main import app as cli
from domain.errors import InvalidInputError, NotAuthorisedError, NotFoundError
from domain.personal_data import SALT_BYTES
from infrastructure.importer import import_organisation
from infrastructure.notifier import Notification
from infrastructure.person_directory import directory_for, person_email, person_names
from tests.support.clock import ManualClock
from tests.support.engine import TestEngine
from tests.support.read_world import DATA, NAMES, OPENED, READERS, ReadWorld, auth, read_world
from tests.support.stores import sqlite_env

SARA = READERS["enhetschef"]
CHEF = READERS["förvaltningschef"]
NEW_NAME, NEW_EMAIL = "Sara Rättadsdotter", "sara.rattad@example.se"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[ReadWorld]:
    with read_world(tmp_path) as w:
        yield w


def digest_in_chain(world: ReadWorld, person_id: str) -> str | None:
    digest: str | None = world.app.organisation("VON").people[person_id]["profile_digest"]
    return digest


class RecordingNotifier:
    def __init__(self) -> None:
        self.sent: list[Notification] = []

    async def notify(self, notification: Notification) -> None:
        self.sent.append(notification)


def notified_address(world: ReadWorld, person_id: str) -> str | None:
    """Where the reminder activities' notifier sends a message to the person."""
    notifier = RecordingNotifier()
    deps = ActivityDeps(bus=world.app.bus, store=world.app.store, notifier=notifier,  # type: ignore[arg-type]
                        klk=None, platina=None, schedule=None)  # type: ignore[arg-type]
    asyncio.run(ReportActivities(deps)._notify(
        "test", world.app.organisation("VON"), person_id, world.clock.now, "Ämne", "Text"))
    [sent] = notifier.sent
    return sent.recipient_email


def test_the_chain_holds_a_salted_digest_of_the_directory_row(world: ReadWorld) -> None:
    directory = directory_for(world.app.store)
    people = list(world.app.organisation("VON").people)
    profiles = directory.get_many(people)
    assert set(profiles) == set(people)
    for pid, profile in profiles.items():
        assert profile.name == NAMES[pid]
        assert len(profile.salt) >= SALT_BYTES
        assert digest_in_chain(world, pid) == profile.digest
    assert len({p.salt for p in profiles.values()}) == len(profiles)  # a salt per person
    # No name or e-mail in any stored event of the organisation.
    stored = world.app.store.recorder.select_events(world.organisation_id)
    for record in stored:
        for pid, name in NAMES.items():
            assert name.encode() not in record.state, (record.topic, pid)
            assert b"@" not in record.state


def test_a_corrected_name_shows_everywhere_and_the_chain_verifies(world: ReadWorld) -> None:
    before = world.app.organisation("VON").version
    with structlog.testing.capture_logs() as logs:
        version = correct_person(world.app.store, directory_for(world.app.store), "VON", SARA,
                                 NEW_NAME, NEW_EMAIL, by=CHEF)
    assert version == before + 1
    assert NEW_NAME not in repr(logs) and NEW_EMAIL not in repr(logs)
    client = TestClient(world.api)
    assert client.get("/api/me", headers=auth(SARA)).json()["name"] == NEW_NAME
    page = client.get("/att-gora", headers=auth(SARA))
    assert page.status_code == 200 and NEW_NAME in page.text
    assert NAMES[SARA] not in page.text
    calendar = client.get(f"/calendar/person/{SARA}.ics", headers=auth(SARA))
    assert calendar.status_code == 200
    assert "Rättadsdotter" in calendar.text
    assert person_email(world.app.store, SARA) == NEW_EMAIL
    assert notified_address(world, SARA) == NEW_EMAIL
    assert digest_in_chain(world, SARA) == directory_for(world.app.store).get(SARA).digest  # type: ignore[union-attr]
    assert verify_store(world.app.store).ok


def test_a_retried_correction_records_one_change(world: ReadWorld) -> None:
    directory = directory_for(world.app.store)
    first = correct_person(world.app.store, directory, "VON", SARA, NEW_NAME, NEW_EMAIL, by=CHEF)
    salt = directory.get(SARA).salt  # type: ignore[union-attr]
    again = correct_person(world.app.store, directory, "VON", SARA, f" {NEW_NAME} ", NEW_EMAIL,
                           by=CHEF)
    assert again == first == world.app.organisation("VON").version
    assert directory.get(SARA).salt == salt  # type: ignore[union-attr]
    # A different e-mail is a new correction.
    assert correct_person(world.app.store, directory, "VON", SARA, NEW_NAME, None,
                          by=CHEF) == first + 1


def test_an_auditor_proves_the_registered_profile_with_its_salt(world: ReadWorld) -> None:
    profile = directory_for(world.app.store).get(CHEF)
    assert profile is not None
    assert prove_profile(world.app.store, "VON", CHEF, profile.name, profile.email,
                         profile.salt)
    assert not prove_profile(world.app.store, "VON", CHEF, profile.name + "x", profile.email,
                             profile.salt)
    with pytest.raises(NotFoundError):
        prove_profile(world.app.store, "VON", "p-okand", "X", None, profile.salt)


def test_only_whoever_administers_the_organisation_may_correct(world: ReadWorld) -> None:
    directory = directory_for(world.app.store)
    before = world.app.organisation("VON").version
    with pytest.raises(NotAuthorisedError) as refused:
        correct_person(world.app.store, directory, "VON", CHEF, "Någon Annan", None, by=SARA)
    assert refused.value.rule == "role_not_held"
    assert directory.get(CHEF).name == NAMES[CHEF]  # type: ignore[union-attr]
    assert world.app.organisation("VON").version == before


def test_an_unknown_person_or_bad_input_is_refused_with_nothing_saved(
        world: ReadWorld) -> None:
    directory = directory_for(world.app.store)
    before = world.app.organisation("VON").version
    with pytest.raises(NotFoundError):
        correct_person(world.app.store, directory, "VON", "p-okand", "X", None, by=CHEF)
    assert directory.get("p-okand") is None
    with pytest.raises(InvalidInputError) as bad:
        correct_person(world.app.store, directory, "VON", CHEF, " ", None, by=CHEF)
    assert "name" in str(bad.value)
    with pytest.raises(InvalidInputError) as bad:
        correct_person(world.app.store, directory, "VON", CHEF, "Ny", "ingen-adress", by=CHEF)
    assert "email" in str(bad.value)
    assert directory.get(CHEF).name == NAMES[CHEF]  # type: ignore[union-attr]
    assert world.app.organisation("VON").version == before


def test_an_erased_profile_reads_as_unknown_and_the_chain_verifies(world: ReadWorld) -> None:
    person = READERS["enhetschef annan avdelning"]
    digest = digest_in_chain(world, person)
    erase_person(world.app.store, directory_for(world.app.store), "VON", person, by=CHEF)
    assert directory_for(world.app.store).get(person) is None
    assert person_names(world.app.store, "VON")[person] == f"okänd person ({person})"
    assert digest_in_chain(world, person) == digest  # the commitment stays
    client = TestClient(world.api)
    assert client.get("/api/me", headers=auth(person)).json()["name"] == f"okänd person ({person})"
    with pytest.raises(InvalidInputError) as twice:
        erase_person(world.app.store, directory_for(world.app.store), "VON", person, by=CHEF)
    assert twice.value.rule == "person_erased"
    assert verify_store(world.app.store).ok


def test_the_cli_corrects_and_verify_passes_on_the_same_store(world: ReadWorld) -> None:
    store = str(Path(world.app.store.env["SQLITE_DBNAME"]))
    runner = CliRunner()
    done = runner.invoke(cli, ["person", "correct", "--store", store, "--person", SARA,
                               "--name", "Sara Demodal", "--by", CHEF])
    assert done.exit_code == 0, done.output
    assert "Sara Demodal" not in done.output  # output names people by id only
    assert directory_for(world.app.store).get(SARA).name == "Sara Demodal"  # type: ignore[union-attr]
    salt = directory_for(world.app.store).get(SARA).salt.hex()  # type: ignore[union-attr]
    proved = runner.invoke(cli, ["person", "prove", "--store", store, "--person", SARA,
                                 "--name", "Sara Demodal", "--salt", salt])
    assert proved.exit_code == 0 and "STÄMMER" in proved.output
    wrong = runner.invoke(cli, ["person", "prove", "--store", store, "--person", SARA,
                                "--name", "Sara Demodahl", "--salt", salt])
    assert wrong.exit_code == 1 and "STÄMMER INTE" in wrong.output
    refused = runner.invoke(cli, ["person", "erase", "--store", store, "--person", CHEF,
                                  "--by", SARA])
    assert refused.exit_code == 1 and "role_not_held" in refused.output
    verified = runner.invoke(cli, ["verify", "--store", store])
    assert verified.exit_code == 0, verified.output


def test_import_and_correction_log_no_name_or_e_mail(tmp_path: Path) -> None:
    app = TestEngine(env=sqlite_env(tmp_path / "events.sqlite"), clock=ManualClock(OPENED))
    try:
        store = app.env["SQLITE_DBNAME"]
        with structlog.testing.capture_logs() as logs:
            import_organisation(app, DATA / "organisation.yaml")
        text = repr(logs)
        for args in (["correct", "--name", NEW_NAME, "--email", NEW_EMAIL], ["erase"]):
            done = CliRunner().invoke(cli, ["person", *args, "--store", store,
                                            "--person", SARA, "--by", CHEF])
            assert done.exit_code == 0, done.output
            text += done.output  # the CLI's log lines (stderr) and what it prints
        assert "person_profile_corrected" in text and "person_profile_erased" in text
        for name in [*NAMES.values(), NEW_NAME, NEW_EMAIL]:
            assert name not in text
        assert "@" not in text
    finally:
        app.close()
