"""Every command model: garbage in gives a ValidationError and nothing worse; valid ones
round-trip through JSON unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from domain import commands as c
from tests.security.strategies import VALID_FIELDS, garbage_payloads, valid_payloads

MODELS = list(c.PERSON_COMMANDS)


def test_every_person_command_has_a_strategy() -> None:
    assert set(VALID_FIELDS) == set(MODELS)


def _validate_or_reject(model: type[BaseModel], load: Any) -> BaseModel | None:
    try:
        return load()  # type: ignore[no-any-return]
    except ValidationError:
        return None


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_garbage_is_refused_only_with_a_validation_error(
        model: type[c.Command], data: st.DataObject) -> None:
    payload = data.draw(garbage_payloads(model))
    accepted = _validate_or_reject(model, lambda: model.model_validate(payload))
    if accepted is not None:
        # Whatever got through is a well-formed command.
        assert model.model_validate_json(accepted.model_dump_json()) == accepted


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200) | st.text(max_size=200))
def test_garbage_json_is_refused_only_with_a_validation_error(
        model: type[c.Command], raw: bytes | str) -> None:
    _validate_or_reject(model, lambda: model.model_validate_json(raw))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_valid_commands_round_trip_through_json(
        model: type[c.Command], data: st.DataObject) -> None:
    command = model.model_validate(data.draw(valid_payloads(model)))
    again = model.model_validate_json(command.model_dump_json())
    assert again == command
    assert again.command_id == command.command_id


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_unknown_fields_are_refused(model: type[c.Command]) -> None:
    with pytest.raises(ValidationError, match=r"extra_forbidden|Extra inputs"):
        model.model_validate({"command_id": "x", "is_admin": True})


def _dated_fields() -> list[tuple[type[c.Command], str, str]]:
    from domain import delegation_commands as dc

    models = {m for module in (c, dc) for m in vars(module).values()
              if isinstance(m, type) and issubclass(m, c.Command)}
    found = []
    for model in sorted(models, key=lambda m: m.__name__):
        properties = model.model_json_schema()["properties"]
        for name in model.model_fields:
            schema = properties[name]
            formats = {s.get("format") for s in [schema, *schema.get("anyOf", [])]}
            fmt = next((f for f in ("date", "date-time") if f in formats), None)
            if fmt:
                found.append((model, name, fmt))
    return found


DATED_FIELDS = _dated_fields()


def _errors_at(model: type[c.Command], name: str, value: object) -> list[str]:
    try:
        model.model_validate({name: value})
    except ValidationError as e:
        return [err["type"] for err in e.errors() if err["loc"][:1] == (name,)]
    return []


def test_every_command_with_a_date_is_checked() -> None:
    names = {(m.__name__, f) for m, f, _ in DATED_FIELDS}
    assert {("OpenCycle", "enhet_deadline"), ("MoveReportDeadline", "new_deadline"),
            ("ScheduleMeeting", "starts_at"), ("Command", "occurred_at")} <= names


@pytest.mark.parametrize(("model", "name", "fmt"), DATED_FIELDS,
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_dates_are_iso_text_never_seconds_since_1970(
        model: type[c.Command], name: str, fmt: str) -> None:
    # Pydantic's lax mode would read these as 1970 dates and the command would go through.
    for number in (20220820, 0, 0.5, "1654646400", "0.5", True):
        assert _errors_at(model, name, number), (name, number)
    iso = "2022-08-23" if fmt == "date" else "2022-08-23T17:00:00+02:00"
    assert _errors_at(model, name, iso) == []
