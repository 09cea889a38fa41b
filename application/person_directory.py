"""The person directory: names and e-mail addresses, kept outside the hash chain.

The organisation's events record a person by opaque id and a salted commitment to the
profile (``domain.personal_data.profile_digest``); the directory holds the profile and its
salt. Correcting a profile writes a new row and records ``PersonProfileChanged``; erasing
deletes the row and records ``PersonProfileErased``. Either is done by whoever administers
the organisation (förvaltningschef, or the ställföreträdande).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.ports import AbstractEventStore
from domain.authority import acting_in_any
from domain.base import Cause
from domain.errors import InvalidInputError, NotFoundError
from domain.ids import organisation_id
from domain.organisation import Organisation
from domain.personal_data import SALT_BYTES, profile_digest

ADMINISTERS_ORGANISATION = ("forvaltningschef", "stallforetradande_forvaltningschef")
MAX_NAME, MAX_EMAIL = 200, 254


@dataclass(frozen=True)
class PersonProfile:
    person_id: str
    name: str
    email: str | None
    salt: bytes
    updated_at: datetime

    @property
    def digest(self) -> str:
        return profile_digest(self.salt, self.name, self.email)


class PersonDirectory(Protocol):
    """Profiles by person id, in the event store's database but outside its events."""

    def get(self, person_id: str) -> PersonProfile | None: ...

    def get_many(self, person_ids: Iterable[str]) -> dict[str, PersonProfile]: ...

    def put(self, profile: PersonProfile) -> None:
        """Inserts or replaces the person's row."""
        ...

    def delete(self, person_id: str) -> None: ...


def new_profile(person_id: str, name: str, email: str | None, now: datetime) -> PersonProfile:
    """A profile with a fresh random salt (128 bits, ``secrets``), its input checked."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInputError(f"name: ange ett namn på 1–{MAX_NAME} tecken", rule="person_name")
    if email is not None and (len(email) > MAX_EMAIL or "@" not in email):
        raise InvalidInputError(f"email: {email!r} är ingen e-postadress", rule="person_email")
    return PersonProfile(person_id, name, email, secrets.token_bytes(SALT_BYTES), now)


def correct_person(store: AbstractEventStore, directory: PersonDirectory, namnd_code: str,
                   person_id: str, name: str, email: str | None, by: str) -> int:
    """Rectification: the new profile in the directory, its digest in the chain.

    Returns the organisation's version. ``by`` must administer the organisation. The
    profile the directory and the chain already hold records nothing (a retried command)."""
    org, cause = _administered(store, namnd_code, by)
    profile = new_profile(person_id, name, email, cause.occurred_at)
    current = directory.get(person_id)
    if (current is not None and (current.name, current.email) == (profile.name, email)
            and org.people.get(person_id, {}).get("profile_digest") == current.digest):
        return org.version
    org.change_profile(person_id, profile.digest, cause)
    _save_with(store, directory, org, person_id, profile)
    return org.version


def erase_person(store: AbstractEventStore, directory: PersonDirectory, namnd_code: str,
                 person_id: str, by: str) -> int:
    """Erasure at the end of retention: the row goes, the chain records that it went."""
    org, cause = _administered(store, namnd_code, by)
    org.erase_profile(person_id, cause)
    _save_with(store, directory, org, person_id, None)
    return org.version


def prove_profile(store: AbstractEventStore, namnd_code: str, person_id: str, name: str,
                  email: str | None, salt: bytes) -> bool:
    """Whether name, e-mail and salt are the profile the chain last committed to."""
    digest = store.organisation(namnd_code).people.get(person_id, {}).get("profile_digest")
    if digest is None:
        raise NotFoundError(f"Ingen profil är registrerad för {person_id!r} i {namnd_code}")
    return bool(profile_digest(salt, name, email) == digest)


def display_name(profiles: dict[str, PersonProfile], person_id: str) -> str:
    profile = profiles.get(person_id)
    return profile.name if profile is not None else f"okänd person ({person_id})"


def _administered(store: AbstractEventStore, namnd_code: str,
                  by: str) -> tuple[Organisation, Cause]:
    now = store.clock()
    org = store.get(organisation_id(namnd_code), Organisation)  # a copy to change
    actor = acting_in_any(org, by, ADMINISTERS_ORGANISATION, now)
    return org, Cause(actor=actor, occurred_at=now, recorded_at=now)


def _save_with(store: AbstractEventStore, directory: PersonDirectory, org: Organisation,
               person_id: str, profile: PersonProfile | None) -> None:
    """Directory first, then the event; the old row comes back if the event is refused."""
    old = directory.get(person_id)
    if profile is None:
        directory.delete(person_id)
    else:
        directory.put(profile)
    try:
        store.save_changes(org)
    except BaseException:
        if old is None:
            directory.delete(person_id)
        else:
            directory.put(old)
        raise
