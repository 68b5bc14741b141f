"""Shapes that other projects recorded from the live API (or mocked after it) parse right.

The fixtures here are written for this suite in the shapes described by betterstack-api.md
§13.10: a v2 metadata record that names its owner only as a relationship, timestamps on
resources whose models did not declare them, `monitor_group_id: 0` for "no group", and the
older spellings `announcement_embed_enabled` and `downtime_duration`.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from betterstack_rca import BetterStack
from betterstack_rca.models import (
    Availability,
    BetterStackModel,
    Metadata,
    Monitor,
    OnCallCalendar,
    Policy,
    Severity,
    StatusPage,
    StatusPageResource,
    StatusPageSection,
    StatusReport,
    parse_many,
    parse_one,
)
from betterstack_rca.sandbox import SANDBOX_BASE_URL, SANDBOX_TOKEN, Sandbox

UTC = timezone.utc

# --- 1. metadata owner as a relationship ------------------------------------------------

V2_METADATA_LIST: dict[str, Any] = {
    "data": [
        {
            "id": "70311",
            "type": "metadata",
            "attributes": {"key": "Runbook", "value": "https://wiki.example.org/db"},
            "relationships": {"owner": {"data": {"id": "2100004", "type": "monitor"}}},
        },
        {
            "id": "70312",
            "type": "metadata",
            "attributes": {"key": "Team", "value": "payments"},
            "relationships": {"owner": {"data": {"id": 91, "type": "webhook_integration"}}},
        },
        {
            "id": "70313",
            "type": "metadata",
            "attributes": {"key": "Tier", "value": "1", "owner_id": 5, "owner_type": "Heartbeat"},
            "relationships": {"owner": {"data": {"id": "999", "type": "monitor"}}},
        },
    ],
    "pagination": {"next": None},
}


def test_metadata_owner_is_read_from_the_relationship_when_attributes_lack_it() -> None:
    runbook, team, tier = parse_many(Metadata, V2_METADATA_LIST)
    assert (runbook.owner_id, runbook.owner_type) == ("2100004", "Monitor")
    assert (team.owner_id, team.owner_type) == ("91", "WebhookIntegration")
    # the attributes, when present, win over the relationship
    assert (tier.owner_id, tier.owner_type) == ("5", "Heartbeat")
    assert runbook.texts == ["https://wiki.example.org/db"]


# --- 2. created_at / updated_at, declared and not ---------------------------------------

CREATED = "2022-04-11T09:15:02.123Z"
UPDATED = "2022-06-30 17:00:00 UTC"
AT_CREATED = datetime(2022, 4, 11, 9, 15, 2, 123000, tzinfo=UTC)
AT_UPDATED = datetime(2022, 6, 30, 17, 0, tzinfo=UTC)


def resource(type_: str, **attributes: Any) -> dict[str, Any]:
    attrs = {"created_at": CREATED, "updated_at": UPDATED, **attributes}
    return {"data": {"id": "8801", "type": type_, "attributes": attrs}}


@pytest.mark.parametrize(
    ("model", "type_"),
    [
        (StatusPageSection, "status_page_section"),
        (OnCallCalendar, "on_call_calendar"),
        (Policy, "policy"),
        (Severity, "urgency"),
        (StatusPageResource, "status_page_resource"),
        (StatusReport, "status_report"),
    ],
)
def test_timestamps_are_declared_aware_utc_datetimes(
    model: type[BetterStackModel], type_: str
) -> None:
    parsed = parse_one(model, resource(type_, name="x"))  # type: ignore[type-var]
    assert "created_at" in type(parsed).model_fields
    assert parsed.created_at == AT_CREATED  # type: ignore[attr-defined]
    assert parsed.updated_at == AT_UPDATED  # type: ignore[attr-defined]
    assert parsed.created_at.tzinfo is not None  # type: ignore[attr-defined]


def test_an_undeclared_at_field_becomes_an_aware_utc_datetime() -> None:
    section = parse_one(
        StatusPageSection,
        resource(
            "status_page_section",
            archived_at="2022-05-01T12:00:00+02:00",
            locked_at="2022-05-01T10:00:00",  # no offset: UTC, like every Better Stack time
            seen_at="soon",  # unparseable: kept as it came
            checked_at="2022-05-01",  # a bare date is not an instant: kept
            counted_at=1651406400,  # a number: kept
            broken_at="2022-13-45T99:99:00Z",  # looks like one, is not: kept
            name_of_at=None,
        ),
    )
    extra = section.model_extra or {}
    assert extra["archived_at"] == datetime(2022, 5, 1, 10, 0, tzinfo=UTC)
    assert extra["locked_at"] == datetime(2022, 5, 1, 10, 0, tzinfo=UTC)
    assert extra["seen_at"] == "soon"
    assert extra["checked_at"] == "2022-05-01"
    assert extra["counted_at"] == 1651406400
    assert extra["broken_at"] == "2022-13-45T99:99:00Z"
    assert extra["name_of_at"] is None
    # and it survives a JSON round trip (which the bundle's redaction does)
    again = StatusPageSection.model_validate(json.loads(section.model_dump_json()))
    assert (again.model_extra or {})["archived_at"] == extra["archived_at"]


def test_undeclared_timestamps_in_nested_objects_are_converted_too() -> None:
    report = parse_one(
        StatusReport,
        {
            "data": {
                "id": "1",
                "type": "status_report",
                "attributes": {
                    "title": "Degraded search",
                    "affected_resources": [
                        {"status_page_resource_id": 7, "status": "degraded", "set_at": CREATED}
                    ],
                },
            }
        },
    )
    (affected,) = report.affected_resources or []
    assert (affected.model_extra or {})["set_at"] == AT_CREATED


# --- 3. monitor_group_id 0 --------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [(0, None), ("0", None), (None, None), (12, "12")])
def test_monitor_group_id_zero_means_no_group(raw: Any, expected: str | None) -> None:
    body = {"data": {"id": "2100004", "type": "monitor", "attributes": {"monitor_group_id": raw}}}
    assert parse_one(Monitor, body).monitor_group_id == expected


class ZeroGroup(httpx.BaseTransport):
    """The sandbox, with every monitor's group id sent as 0 (as recorded answers do)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        response = self.inner.handle_request(request)
        response.read()
        body = response.content.decode()
        if '"monitor_group_id"' not in body:
            return response
        data = json.loads(body)
        _zero_groups(data)
        return httpx.Response(
            response.status_code, headers={"content-type": "application/json"}, json=data
        )


def _zero_groups(value: Any) -> None:
    if isinstance(value, dict):
        if "monitor_group_id" in value:
            value["monitor_group_id"] = 0
        for v in value.values():
            _zero_groups(v)
    elif isinstance(value, list):
        for v in value:
            _zero_groups(v)


def test_a_bundle_does_not_look_up_group_zero() -> None:
    ref = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    sandbox = Sandbox(reference_time=ref)
    transport = ZeroGroup(sandbox.transport())
    client = BetterStack(
        SANDBOX_TOKEN, base_url=SANDBOX_BASE_URL, transport=transport, max_rps=10_000
    )
    bundle = client.bundle(sandbox.account.scenarios["database_backup"].incident_id, now=ref)
    assert bundle.monitor is not None
    assert bundle.monitor.monitor_group_id is None
    assert not [p for p in transport.paths if p.startswith("/api/v2/monitor-groups/0")]
    assert bundle.group is None
    assert "group" not in {g.source for g in bundle.gaps}


# --- 5. renamed fields ------------------------------------------------------------------


def test_announcement_embed_enabled_is_the_older_name_of_visible() -> None:
    old = parse_one(StatusPage, resource("status_page", announcement_embed_enabled=True))
    assert old.announcement_embed_visible is True
    new = parse_one(StatusPage, resource("status_page", announcement_embed_visible=False))
    assert new.announcement_embed_visible is False
    assert "announcement_embed_visible" in old.model_dump()


def test_sla_downtime_duration_is_the_older_name_of_total_downtime() -> None:
    body = {
        "data": {
            "id": "2100004",
            "type": "monitor_sla",
            "attributes": {"availability": 99.5, "downtime_duration": 432},
        }
    }
    sla = parse_one(Availability, body)
    assert sla.total_downtime == 432
    body["data"]["attributes"] = {"availability": 99.5, "total_downtime": 433}
    assert parse_one(Availability, body).total_downtime == 433
