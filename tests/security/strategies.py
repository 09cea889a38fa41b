"""Hypothesis strategies: valid commands field by field, and garbage shaped like them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from domain import commands as c

# After 1970 every zone's offset is whole minutes, which ISO 8601 can carry exactly.
aware_datetimes = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1),
                               timezones=st.one_of(st.just(UTC), st.timezones()))
# Deadlines lie in the planning years (domain.commands.Deadline), in every zone's offset.
deadlines = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30),
                         timezones=st.one_of(st.just(UTC), st.timezones()))
reasons = st.text(min_size=1, max_size=300).filter(lambda s: s.strip() != "")
# JSON carries neither NaN nor integers beyond double precision as themselves.
figures = st.none() | st.text(max_size=40) | st.integers(-(2**53), 2**53) | \
    st.floats(allow_nan=False, allow_infinity=False)
utfall = st.fixed_dictionaries({"period": st.text(min_size=1, max_size=40)},
                               optional={"totalt": figures, "kvinnor": figures,
                                         "man": figures})
common: dict[str, st.SearchStrategy[Any]] = {
    "command_id": st.text(min_size=1, max_size=200),
    "expected_version": st.none() | st.integers(min_value=1, max_value=2**62),
    "occurred_at": st.none() | aware_datetimes,
}

VALID_FIELDS: dict[type[c.Command], dict[str, st.SearchStrategy[Any]]] = {
    c.ChangeItem: {"report_id": st.uuids(), "item_id": st.text(min_size=1, max_size=100),
                   "field": st.text(min_size=1, max_size=50),
                   "value": st.none() | st.text(max_size=2000)},
    c.Klarmarkera: {"report_id": st.uuids()},
    c.Attestera: {"report_id": st.uuids()},
    c.Atersand: {"report_id": st.uuids(), "reason": reasons,
                 "new_deadline": st.none() | deadlines},
    c.Reopen: {"report_id": st.uuids(), "reason": reasons},
    c.MoveReportDeadline: {"report_id": st.uuids(),
                           "deadline_kind": st.sampled_from(["klarmarkering", "attest"]),
                           "new_deadline": deadlines, "reason": reasons},
    c.OpenCycle: {
        "namnd_code": st.from_regex(r"[A-ZÅÄÖ]{2,10}", fullmatch=True),
        "process": st.from_regex(r"[a-z_]{3,40}", fullmatch=True),
        "year": st.integers(min_value=2000, max_value=2100),
        "title": st.text(min_size=1, max_size=200),
        "enhet_deadline": st.dates(), "avdelning_deadline": st.dates(),
        "forvaltning_deadline": st.dates(), "underlag_date": st.dates(),
        "beslut_date": st.dates(),
        "unit_ids": st.none() | st.lists(
            st.from_regex(r"[a-z0-9][a-z0-9\-]{0,79}", fullmatch=True), max_size=5),
    },
    c.RecordIndicator: {"report_id": st.uuids(), "item_id": st.text(min_size=1, max_size=100),
                        "indicator": st.fixed_dictionaries(
                            {"name": st.text(min_size=1, max_size=500),
                             "direction": st.sampled_from(["higher", "lower"])},
                            optional={"indicator_id": st.none() | st.text(min_size=1,
                                                                          max_size=100),
                                      "malvarde": figures,
                                      "utfall": st.lists(utfall, max_size=5),
                                      "source": st.none() | st.text(max_size=200),
                                      "unit": st.none() | st.text(max_size=50)})},
    c.SetBedomning: {"report_id": st.uuids(), "item_id": st.text(min_size=1, max_size=100),
                     "bedomning": st.text(min_size=1, max_size=50),
                     "motivering": st.none() | st.text(max_size=500)},
    c.RecordEkonomi: {"report_id": st.uuids(),
                      "kind": st.sampled_from(["drift", "investeringar"]),
                      "columns": st.dictionaries(st.text(max_size=20), st.text(max_size=100),
                                                 max_size=4),
                      "rows": st.lists(st.fixed_dictionaries(
                          {"label": st.text(min_size=1, max_size=200),
                           "role": st.text(min_size=1, max_size=30),
                           "values": st.dictionaries(st.text(max_size=20), figures,
                                                     max_size=4)}), max_size=5)},
    c.MoveCycleDeadline: {"cycle_id": st.uuids(),
                          "level": st.sampled_from(["enhet", "avdelning", "forvaltning"]),
                          "new_deadline": deadlines, "reason": reasons},
    c.MoveMilestone: {"namnd_code": st.from_regex(r"[A-ZÅÄÖ]{2,10}", fullmatch=True),
                      "label": st.text(min_size=1, max_size=20),
                      "milestone_id": st.text(min_size=1, max_size=100),
                      "start": st.dates(), "end": st.dates(), "reason": reasons},
}


def valid_payloads(model: type[c.Command]) -> st.SearchStrategy[dict[str, Any]]:
    """Every required field, and any of the optional envelope fields."""
    return st.fixed_dictionaries(VALID_FIELDS[model], optional=common)


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=10,
)
python_values: st.SearchStrategy[Any] = json_values | st.binary(max_size=20) | st.dates() | \
    st.datetimes() | st.uuids() | st.decimals(allow_nan=True) | st.complex_numbers()


def garbage_payloads(model: type[c.Command]) -> st.SearchStrategy[Any]:
    """Known field names with wrong values, unknown keys, and things that are no dict at all."""
    names = list(VALID_FIELDS[model]) + list(common)
    shaped = st.dictionaries(st.sampled_from(names) | st.text(max_size=12), python_values,
                             max_size=8)
    mixed = st.builds(lambda good, bad: {**good, **bad}, valid_payloads(model),
                      st.dictionaries(st.sampled_from(names), python_values, max_size=2))
    return shaped | mixed | python_values
