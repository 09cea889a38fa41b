"""Every error is RFC 9457 problem+json with the right status and rule; no input gives a 500."""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers
from api.routes_commands import COMMANDS
from projections.audit_trail import AuditTrailNeedsRebuild
from tests.api.conftest import ApiWorld, auth, report_id

EKHAGEN = report_id("enh-ekhagen")


def assert_problem(response: httpx.Response, status: int, rule: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["rule"] == rule
    assert body["type"] == f"urn:arsplan:problem:{rule}"
    assert body["title"] and body["detail"] and body["instance"].startswith("/")
    return body


class TestOpenApiDocument:
    async def test_every_operation_declares_its_errors_as_problems(self, world: ApiWorld) -> None:
        document = (await world.http.get("/openapi.json")).json()
        for path, item in document["paths"].items():
            for method, operation in item.items():
                errors = {status: response for status, response in
                          operation["responses"].items() if status.startswith(("4", "5"))}
                expected = {"401", "403", "404", "422", "503"} | (
                    {"400", "409", "413"} if method == "post" else set())
                assert expected <= errors.keys(), (method, path)
                for response in errors.values():
                    assert list(response["content"]) == [PROBLEM_MEDIA_TYPE], (method, path)

    async def test_protected_operations_declare_the_bearer_scheme(self, world: ApiWorld) -> None:
        document = (await world.http.get("/openapi.json")).json()
        assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        for path in ("/api/me", "/api/commands/klarmarkera", "/feed/events"):
            operation = next(iter(document["paths"][path].values()))
            assert operation["security"] == [{"HTTPBearer": []}], path


class TestUnauthenticated:
    async def test_a_missing_token_is_401_with_a_bearer_challenge(self, world: ApiWorld) -> None:
        response = await world.http.post("/api/commands/klarmarkera",
                                         json={"report_id": EKHAGEN})
        assert_problem(response, 401, "unauthenticated")
        assert response.headers["www-authenticate"] == "Bearer"

    async def test_an_unknown_token_is_401(self, world: ApiWorld) -> None:
        response = await world.http.get("/api/att-gora",
                                         headers={"Authorization": "Bearer t-mallory"})
        assert_problem(response, 401, "unauthenticated")


class TestRefused:
    async def test_another_units_chef_may_not_klarmarkera(self, world: ApiWorld) -> None:
        response = await world.post("klarmarkera", "bertil", report_id=EKHAGEN)
        body = assert_problem(response, 403, "role_not_held")
        assert "enhetschef" in body["detail"]

    async def test_the_auditor_may_change_nothing(self, world: ApiWorld) -> None:
        response = await world.post("change-item", "revisor", report_id=EKHAGEN,
                                    item_id="mal-trygg-vard", field="analys", value="x")
        assert_problem(response, 403, "role_not_held")

    async def test_attestera_before_klarmarkering_breaks_a_rule(self, world: ApiWorld) -> None:
        response = await world.post("attestera", "david", report_id=EKHAGEN)
        assert_problem(response, 403, "attest_requires_klarmarkering")

    async def test_an_unknown_report_is_404(self, world: ApiWorld) -> None:
        response = await world.post("klarmarkera", "anna",
                                    report_id="00000000-0000-0000-0000-000000000000")
        assert_problem(response, 404, "unknown_id")

    async def test_an_unknown_path_is_404_problem(self, world: ApiWorld) -> None:
        assert_problem(await world.get("/api/nothing-here"), 404, "unknown_resource")


class TestConflict:
    async def test_a_stale_expected_version_is_409(self, world: ApiWorld) -> None:
        await world.post("change-item", "anna", report_id=EKHAGEN, item_id="mal-trygg-vard",
                         field="analys", value="Första utkast")
        response = await world.post("klarmarkera", "anna", report_id=EKHAGEN,
                                    expected_version=1)
        assert_problem(response, 409, "stale_version")
        assert (await world.json(f"/api/reports/{EKHAGEN}"))["status"] == "pagar"


class TestBadInput:
    async def test_a_missing_reason_names_the_field(self, world: ApiWorld) -> None:
        response = await world.post("atersand", "david", report_id=EKHAGEN)
        body = assert_problem(response, 422, "invalid_input")
        assert [e["field"] for e in body["errors"]] == ["body.reason"]

    async def test_an_unknown_field_is_refused(self, world: ApiWorld) -> None:
        response = await world.post("klarmarkera", "anna", report_id=EKHAGEN, status="godkand")
        body = assert_problem(response, 422, "invalid_input")
        assert [e["field"] for e in body["errors"]] == ["body.status"]

    async def test_a_client_may_not_backdate_a_command(self, world: ApiWorld) -> None:
        response = await world.post("klarmarkera", "anna", report_id=EKHAGEN,
                                    occurred_at="2022-07-15T10:00:00+02:00")
        body = assert_problem(response, 422, "invalid_input")
        assert [e["field"] for e in body["errors"]] == ["body.occurred_at"]
        assert (await world.json(f"/api/reports/{EKHAGEN}"))["status"] == "ej_paborjad"

    async def test_malformed_json_is_422(self, world: ApiWorld) -> None:
        response = await world.http.post("/api/commands/klarmarkera", content=b'{"report_id":',
                                         headers={**auth("anna"),
                                                  "content-type": "application/json"})
        assert_problem(response, 422, "invalid_input")

    async def test_a_body_that_is_not_text_is_400_problem(self, world: ApiWorld) -> None:
        response = await world.http.post("/api/commands/klarmarkera", content=b"\xff\xfe{",
                                         headers={**auth("anna"),
                                                  "content-type": "application/json"})
        assert_problem(response, 400, "unreadable_body")

    async def test_a_bad_as_of_is_422(self, world: ApiWorld) -> None:
        body = assert_problem(await world.get("/api/cycles", as_of="igår"), 422,
                              "invalid_input")
        assert body["errors"][0]["field"] == "query.as_of"


class TestMalformedDates:
    async def test_a_deadline_that_is_no_date_is_422_naming_the_field(
            self, world: ApiWorld) -> None:
        for bad in ("2022-13-45T10:00:00+02:00", "imorgon", "2022-08-20T25:61:00Z"):
            response = await world.post("move-report-deadline", "david", report_id=EKHAGEN,
                                        new_deadline=bad, reason="Sjukdom i personalgruppen")
            body = assert_problem(response, 422, "invalid_input")
            assert [e["field"] for e in body["errors"]] == ["body.new_deadline"], bad

    async def test_a_cycle_date_that_does_not_exist_is_422(self, world: ApiWorld) -> None:
        response = await world.post("open-cycle", "anna", namnd_code="VON", process="bokslut",
                                    year=2023, title="Bokslut", enhet_deadline="2023-02-30",
                                    avdelning_deadline="2023-03-05",
                                    forvaltning_deadline="2023-03-10",
                                    underlag_date="2023-03-15", beslut_date="2023-03-30")
        body = assert_problem(response, 422, "invalid_input")
        assert [e["field"] for e in body["errors"]] == ["body.enhet_deadline"]

    async def test_a_number_is_no_instant_nor_date(self, world: ApiWorld) -> None:
        # Pydantic would read them as seconds since 1970 and answer with an empty past.
        for path, params in (("/api/att-gora", {"as_of": "0.5"}),
                             ("/api/cycles", {"as_of": "1661266800"}),
                             ("/api/delegation/register", {"decided_to": "0"})):
            body = assert_problem(await world.get(path, **params), 422, "invalid_input")
            assert body["errors"][0]["field"] == f"query.{next(iter(params))}", path

    async def test_an_as_of_without_a_time_zone_is_422(self, world: ApiWorld) -> None:
        body = assert_problem(await world.get(f"/api/reports/{EKHAGEN}",
                                              as_of="2022-08-20T10:00:00"), 422, "invalid_input")
        assert body["errors"][0]["field"] == "query.as_of"


class TestUnknownIds:
    UNKNOWN = "00000000-0000-0000-0000-000000000000"

    async def test_reads_of_an_unknown_id_are_404(self, world: ApiWorld) -> None:
        for path in (f"/api/reports/{self.UNKNOWN}", f"/api/cycles/{self.UNKNOWN}",
                     f"/api/history/{self.UNKNOWN}",
                     f"/api/cycles/{self.UNKNOWN}/underlag.docx"):
            assert_problem(await world.get(path), 404, "unknown_id")

    async def test_a_command_on_an_unknown_cycle_is_404(self, world: ApiWorld) -> None:
        response = await world.post("move-cycle-deadline", "anna", cycle_id=self.UNKNOWN,
                                    level="enhet", new_deadline="2022-08-30T15:00:00+02:00",
                                    reason="Semester")
        assert_problem(response, 404, "unknown_id")

    async def test_an_id_that_is_no_uuid_is_422(self, world: ApiWorld) -> None:
        body = assert_problem(await world.get("/api/reports/inte-ett-id"), 422, "invalid_input")
        assert body["errors"][0]["field"] == "path.report_id"

    async def test_an_unknown_units_calendar_is_404_problem_not_a_page(
            self, world: ApiWorld) -> None:
        response = await world.get("/calendar/unit/enh-finns-inte.ics")
        assert_problem(response, 404, "unknown_id")


class TestOversize:
    async def test_a_declared_oversize_body_is_413(self, world: ApiWorld) -> None:
        response = await world.post("change-item", "anna", report_id=EKHAGEN,
                                    item_id="mal-trygg-vard", field="analys",
                                    value="x" * 300_000)
        assert_problem(response, 413, "body_too_large")

    async def test_a_streamed_oversize_body_is_413(self, world: ApiWorld) -> None:
        async def chunks() -> Any:
            for _ in range(40):
                yield b"x" * 10_000

        response = await world.http.post("/api/commands/klarmarkera", content=chunks(),
                                         headers={**auth("anna"),
                                                  "content-type": "application/json"})
        assert_problem(response, 413, "body_too_large")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12,
)
command_bodies = st.dictionaries(
    st.sampled_from(["report_id", "cycle_id", "reason", "item_id", "field", "value",
                     "command_id", "expected_version", "new_deadline", "level", "year",
                     "namnd_code", "enhet_deadline", "unit_ids", "indicator", "bedomning",
                     "kind", "columns", "rows"]),
    json_values | st.just(EKHAGEN), max_size=6)
commands = st.sampled_from(sorted(COMMANDS))


class TestNoServerErrors:
    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(command=commands, body=command_bodies)
    async def test_arbitrary_bodies_never_cause_a_500(self, world: ApiWorld, command: str,
                                                      body: dict[str, Any]) -> None:
        response = await world.http.post(
            f"/api/commands/{command}", content=json.dumps(body, allow_nan=True),
            headers={**auth("anna"), "content-type": "application/json"})
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE


figures = st.none() | st.integers() | st.floats() | st.text(max_size=12)
ekonomi_bodies = st.fixed_dictionaries({
    "report_id": st.just(EKHAGEN), "kind": st.sampled_from(["drift", "investeringar"]),
    "columns": st.dictionaries(st.text(max_size=8), st.text(max_size=10), max_size=3),
    "rows": st.lists(st.fixed_dictionaries({
        "label": st.text(min_size=1, max_size=10),
        "role": st.sampled_from(["intakter", "kostnader", "netto", "kostnadsgrupp"])
        | st.text(min_size=1, max_size=12),
        "values": st.dictionaries(st.text(max_size=8), figures, max_size=3)}), max_size=5)})
indicator_bodies = st.fixed_dictionaries({
    "report_id": st.just(EKHAGEN), "item_id": st.sampled_from(["mal-trygg-vard", "x"]),
    "indicator": st.fixed_dictionaries({
        "name": st.text(min_size=1, max_size=20),
        "direction": st.sampled_from(["higher", "lower"]), "malvarde": figures,
        "utfall": st.lists(st.fixed_dictionaries({
            "period": st.text(min_size=1, max_size=10), "totalt": figures,
            "kvinnor": figures, "man": figures}), max_size=3)})})


async def post_raw(world: ApiWorld, command: str, body: dict[str, Any]) -> httpx.Response:
    # Python's JSON (and so the API's) reads NaN and Infinity: send them as they come.
    return await world.http.post(f"/api/commands/{command}",
                                 content=json.dumps(body, allow_nan=True),
                                 headers={**auth("anna"), "content-type": "application/json"})


class TestNoServerErrorsInReportContent:
    """Well-shaped content with arbitrary figures reaches the domain: it must still answer."""

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=ekonomi_bodies)
    async def test_ekonomi_tables(self, world: ApiWorld, body: dict[str, Any]) -> None:
        response = await post_raw(world, "record-ekonomi", body)
        assert response.status_code < 500, response.text

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=indicator_bodies)
    async def test_indicators(self, world: ApiWorld, body: dict[str, Any]) -> None:
        response = await post_raw(world, "record-indicator", body)
        assert response.status_code < 500, response.text


async def test_an_audit_trail_of_an_older_layout_is_a_503_naming_the_rebuild() -> None:
    api = FastAPI()
    install_problem_handlers(api)

    @api.get("/api/audit-trail")
    def old_trail() -> None:
        raise AuditTrailNeedsRebuild

    transport = httpx.ASGITransport(app=api, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://arsplan.test") as http:
        body = assert_problem(await http.get("/api/audit-trail"), 503,
                              "read_model_needs_rebuild")
    assert "arsplan read-models rebuild" in body["detail"]


async def test_a_single_valued_query_parameter_given_twice_is_refused_naming_it(
        world: ApiWorld) -> None:
    response = await world.http.get("/api/reminders", headers=auth("anna"),
                                    params=[("recipient", "anna"), ("recipient", "bertil")])
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.recipient"]


async def test_a_list_valued_query_parameter_may_be_given_twice(world: ApiWorld) -> None:
    response = await world.get("/api/delegation/register?limit=5", "revisor")
    assert response.status_code == 200
    twice = await world.http.get("/feed/events", headers=auth("revisor"), params=[
        ("type", "UnitReport.Klarmarkerad"), ("type", "UnitReport.Godkand")])
    assert twice.status_code == 200, twice.text


async def test_a_deadline_outside_the_planning_years_is_refused_naming_the_field(
        world: ApiWorld) -> None:
    response = await world.http.post(
        "/api/commands/move-report-deadline", headers=auth("eva"),
        json={"report_id": str(report_id("enh-ekhagen")), "reason": "Skrivfel",
              "new_deadline": "1138-12-15T00:23:42+01:00"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.new_deadline"]
