"""Every resource method sends the documented request and parses the documented answer.

The answers are the documented bodies in ../shared/samples/ (or minimal ones where the docs
have no complete example); sync and async clients must agree on every result.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from betterstack_rca import AsyncBetterStack, BetterStack, NotFoundError

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
TOKEN = "shape-test-token-1234"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def as_list(resource: Any) -> dict[str, Any]:
    return {"data": [resource], "pagination": {"first": None, "last": None, "next": None}}


INCIDENT = {"data": sample("incident_v3_list_item"), "included": sample("monitor")["data"]}
RESPONSE_TIMES = {
    "data": {
        "id": "270985",
        "type": "monitor_response_times",
        "attributes": {
            "regions": [
                {
                    "region": "us",
                    "response_times": [
                        {
                            "at": "2026-11-23T10:00:00.000Z",
                            "response_time": 0.47273,
                            "name_lookup_time": 0.01,
                            "connection_time": 0.02,
                            "tls_handshake_time": 0.05,
                            "data_transfer_time": 0.3,
                        }
                    ],
                }
            ]
        },
    }
}
STATUS_PAGE = {
    "id": "123456",
    "type": "status_page",
    "attributes": {"company_name": "Acme", "subdomain": "acme", "aggregate_state": "operational"},
}
SECTION = {
    "id": "456789",
    "type": "status_page_section",
    "attributes": {"name": "API", "position": 0},
}
METADATA = {
    "id": "1",
    "type": "metadata",
    "attributes": {
        "key": "Team",
        "values": [{"type": "String", "value": "payments"}],
        "owner_id": "2",
        "owner_type": "Monitor",
    },
}
EMAIL = {"id": "7", "type": "email_integration", "attributes": {"name": "Inbox"}}
INCOMING = {"id": "8", "type": "incoming_webhook", "attributes": {"name": "Deploys"}}

ROUTES: list[tuple[str, Any]] = [
    (r"/api/v3/incidents/\d+/timeline", sample("incident_timeline_partial")),
    (r"/api/v2/incidents/\d+/comments", sample("incident_comments_list")),
    (r"/api/v3/incidents/\d+", INCIDENT),
    (r"/api/v3/incidents", as_list(sample("incident_v3_list_item"))),
    (r"/api/v2/monitors/\d+/response-times", RESPONSE_TIMES),
    (r"/api/v2/monitors/\d+/sla", sample("monitor_sla")),
    (r"/api/v2/monitors/\d+", sample("monitor")),
    (r"/api/v2/monitors", sample("monitors_list_v2_legacy") | {"pagination": {}}),
    (r"/api/v2/monitor-groups/\d+/monitors", as_list(sample("monitor")["data"])),
    (r"/api/v2/monitor-groups/\d+", sample("monitor_group")),
    (r"/api/v2/monitor-groups", as_list(sample("monitor_group")["data"])),
    (r"/api/v2/heartbeats/\d+/availability", sample("heartbeat_availability")),
    (r"/api/v2/heartbeats/\d+", sample("heartbeat")),
    (r"/api/v2/heartbeats", sample("heartbeats_list")),
    (r"/api/v2/heartbeat-groups/\d+/heartbeats", sample("heartbeats_list")),
    (r"/api/v2/heartbeat-groups/\d+", sample("heartbeat_group")),
    (r"/api/v2/heartbeat-groups", as_list(sample("heartbeat_group")["data"])),
    (r"/api/v2/on-calls/\w+/events", sample("on_call_events")),
    (r"/api/v2/on-calls/\w+/rotation", sample("on_call_rotation")),
    (r"/api/v2/on-calls/\w+", sample("on_call")),
    (r"/api/v2/on-calls", sample("on_call_list")),
    (r"/api/v3/policies/\d+", sample("policy_v3")),
    (r"/api/v3/policies", sample("policies_v3_in_group_list")),
    (r"/api/v2/urgencies/\d+", sample("severity")),
    (r"/api/v2/urgencies", sample("severities_list")),
    (r"/api/v3/metadata", as_list(METADATA)),
    (r"/api/v2/status-pages/\d+/sections", as_list(SECTION)),
    (r"/api/v2/status-pages/\d+/resources", as_list(sample("status_page_resource")["data"])),
    (
        r"/api/v2/status-pages/\d+/status-reports/\d+/status-updates",
        {"data": sample("status_report")["included"], "pagination": {}},
    ),
    (r"/api/v2/status-pages/\d+/status-reports/\d+", sample("status_report")),
    (
        r"/api/v2/status-pages/\d+/status-reports",
        sample("status_reports_list") | {"pagination": {}},
    ),
    (r"/api/v2/status-pages/\d+", {"data": STATUS_PAGE}),
    (r"/api/v2/status-pages", as_list(STATUS_PAGE)),
    (r"/api/v2/outgoing-webhooks/\d+", sample("outgoing_webhook_create_201")),
    (r"/api/v2/outgoing-webhooks", as_list(sample("outgoing_webhook_create_201")["data"])),
    (r"/api/v2/email-integrations", as_list(EMAIL)),
    (r"/api/v2/incoming-webhooks", as_list(INCOMING)),
]


class Api:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for pattern, body in ROUTES:
            if re.fullmatch(pattern, request.url.path):
                return httpx.Response(200, json=body)
        return httpx.Response(404, json={"errors": f"no route {request.url.path}"})


AT = datetime(2026, 11, 20, 10, 30, tzinfo=timezone.utc)

# (name, call(client) -> result, expected path, expected query)
CASES: list[tuple[str, Callable[[Any], Any], str, dict[str, str]]] = [
    (
        "incidents.list",
        lambda c: c.incidents.list(
            from_=date(2026, 11, 1),
            to="2026-11-20",
            monitor_id=2,
            heartbeat_id="7",
            resolved=False,
            acknowledged=True,
        ),
        "/api/v3/incidents",
        {
            "from": "2026-11-01",
            "to": "2026-11-20",
            "monitor_id": "2",
            "heartbeat_id": "7",
            "resolved": "false",
            "acknowledged": "true",
            "per_page": "50",
        },
    ),
    (
        "incidents.list datetime",
        lambda c: c.incidents.list(from_=AT),
        "/api/v3/incidents",
        {"from": "2026-11-20", "per_page": "50"},
    ),
    ("incidents.get", lambda c: c.incidents.get(25), "/api/v3/incidents/25", {}),
    (
        "incidents.timeline",
        lambda c: c.incidents.timeline("25"),
        "/api/v3/incidents/25/timeline",
        {},
    ),
    ("incidents.comments", lambda c: c.incidents.comments(25), "/api/v2/incidents/25/comments", {}),
    (
        "monitors.list",
        lambda c: c.monitors.list(url="https://x.io", pronounceable_name="X"),
        "/api/v2/monitors",
        {"url": "https://x.io", "pronounceable_name": "X", "per_page": "250"},
    ),
    ("monitors.get", lambda c: c.monitors.get(123456789), "/api/v2/monitors/123456789", {}),
    (
        "monitors.response_times",
        lambda c: c.monitors.response_times(1),
        "/api/v2/monitors/1/response-times",
        {},
    ),
    (
        "monitors.sla",
        lambda c: c.monitors.sla(1, from_="2026-11-01", to=AT),
        "/api/v2/monitors/1/sla",
        {"from": "2026-11-01", "to": "2026-11-20"},
    ),
    (
        "monitor_groups.list",
        lambda c: c.monitor_groups.list(),
        "/api/v2/monitor-groups",
        {"per_page": "250"},
    ),
    ("monitor_groups.get", lambda c: c.monitor_groups.get(9), "/api/v2/monitor-groups/9", {}),
    (
        "monitor_groups.monitors",
        lambda c: c.monitor_groups.monitors(9),
        "/api/v2/monitor-groups/9/monitors",
        {"per_page": "250"},
    ),
    ("heartbeats.list", lambda c: c.heartbeats.list(), "/api/v2/heartbeats", {"per_page": "250"}),
    ("heartbeats.get", lambda c: c.heartbeats.get(12345), "/api/v2/heartbeats/12345", {}),
    (
        "heartbeats.availability",
        lambda c: c.heartbeats.availability(5, from_=date(2026, 1, 1)),
        "/api/v2/heartbeats/5/availability",
        {"from": "2026-01-01"},
    ),
    (
        "heartbeat_groups.list",
        lambda c: c.heartbeat_groups.list(),
        "/api/v2/heartbeat-groups",
        {"per_page": "250"},
    ),
    ("heartbeat_groups.get", lambda c: c.heartbeat_groups.get(3), "/api/v2/heartbeat-groups/3", {}),
    (
        "heartbeat_groups.heartbeats",
        lambda c: c.heartbeat_groups.heartbeats(3),
        "/api/v2/heartbeat-groups/3/heartbeats",
        {"per_page": "250"},
    ),
    ("on_call.list", lambda c: c.on_call.list(), "/api/v2/on-calls", {"per_page": "250"}),
    (
        "on_call.get",
        lambda c: c.on_call.get(at=AT),
        "/api/v2/on-calls/default",
        {"date": "2026-11-20T10:30:00Z"},
    ),
    ("on_call.get id", lambda c: c.on_call.get(12345), "/api/v2/on-calls/12345", {}),
    (
        "on_call.events",
        lambda c: c.on_call.events("default"),
        "/api/v2/on-calls/default/events",
        {},
    ),
    (
        "on_call.rotation",
        lambda c: c.on_call.rotation(12345),
        "/api/v2/on-calls/12345/rotation",
        {},
    ),
    ("policies.list", lambda c: c.policies.list(), "/api/v3/policies", {"per_page": "250"}),
    ("policies.get", lambda c: c.policies.get(456789), "/api/v3/policies/456789", {}),
    ("severities.list", lambda c: c.severities.list(), "/api/v2/urgencies", {"per_page": "250"}),
    ("severities.get", lambda c: c.severities.get(456), "/api/v2/urgencies/456", {}),
    (
        "metadata.list",
        lambda c: c.metadata.list(owner_type="Monitor", owner_id=2),
        "/api/v3/metadata",
        {"owner_type": "Monitor", "owner_id": "2", "per_page": "250"},
    ),
    (
        "status_pages.list",
        lambda c: c.status_pages.list(),
        "/api/v2/status-pages",
        {"per_page": "250"},
    ),
    ("status_pages.get", lambda c: c.status_pages.get(123456), "/api/v2/status-pages/123456", {}),
    (
        "status_pages.sections",
        lambda c: c.status_pages.sections(1),
        "/api/v2/status-pages/1/sections",
        {"per_page": "250"},
    ),
    (
        "status_pages.resources",
        lambda c: c.status_pages.resources(1),
        "/api/v2/status-pages/1/resources",
        {"per_page": "250"},
    ),
    (
        "status_pages.reports",
        lambda c: c.status_pages.reports(1),
        "/api/v2/status-pages/1/status-reports",
        {"per_page": "250"},
    ),
    (
        "status_pages.report",
        lambda c: c.status_pages.report(1, 12345),
        "/api/v2/status-pages/1/status-reports/12345",
        {},
    ),
    (
        "status_pages.updates",
        lambda c: c.status_pages.updates(1, 12345),
        "/api/v2/status-pages/1/status-reports/12345/status-updates",
        {"per_page": "250"},
    ),
    (
        "outgoing_webhooks.list",
        lambda c: c.outgoing_webhooks.list(),
        "/api/v2/outgoing-webhooks",
        {"per_page": "250"},
    ),
    (
        "outgoing_webhooks.get",
        lambda c: c.outgoing_webhooks.get(16),
        "/api/v2/outgoing-webhooks/16",
        {},
    ),
    (
        "email_integrations.list",
        lambda c: c.email_integrations.list(),
        "/api/v2/email-integrations",
        {"per_page": "250"},
    ),
    (
        "incoming_webhooks.list",
        lambda c: c.incoming_webhooks.list(),
        "/api/v2/incoming-webhooks",
        {"per_page": "250"},
    ),
]


def _collect_sync(result: Any) -> Any:
    if hasattr(result, "pages"):
        return result.to_list()
    return result


async def _collect_async(result: Any) -> Any:
    if hasattr(result, "pages"):
        return await result.to_list()
    return await result


def _dump(value: Any) -> Any:
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "items") and hasattr(value, "truncated"):
        return [_dump(v) for v in value.items]
    return value


@pytest.mark.parametrize(("name", "call", "path", "params"), CASES, ids=[c[0] for c in CASES])
def test_request_shape_and_sync_async_agree(
    name: str, call: Callable[[Any], Any], path: str, params: dict[str, str]
) -> None:
    api = Api()
    sync = BetterStack(TOKEN, transport=httpx.MockTransport(api), max_rps=1000)
    result = _collect_sync(call(sync))
    (request,) = api.requests
    assert request.method == "GET"
    assert request.url.path == path
    assert dict(request.url.params) == params
    assert result is not None

    async_api = Api()
    asynchronous = AsyncBetterStack(TOKEN, transport=httpx.MockTransport(async_api), max_rps=1000)
    async_result = asyncio.run(_collect_async(call(asynchronous)))
    assert [str(r.url) for r in async_api.requests] == [str(r.url) for r in api.requests]
    assert _dump(async_result) == _dump(result)


def test_team_name_is_sent_on_every_list_request() -> None:
    api = Api()
    client = BetterStack(TOKEN, team_name="Ops", transport=httpx.MockTransport(api), max_rps=1000)
    client.monitors.list().to_list()
    client.incidents.list(resolved=False).to_list()
    client.monitors.get(1)
    client.on_call.rotation("default")
    lists, single, rotation = api.requests[:2], api.requests[2], api.requests[3]
    assert all(r.url.params["team_name"] == "Ops" for r in lists)
    assert "team_name" not in single.url.params
    assert rotation.url.params["team_name"] == "Ops"


def test_rotation_404_is_none_and_comments_404_is_not_found() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, content=b"")

    client = BetterStack(TOKEN, transport=httpx.MockTransport(handler), max_rps=1000)
    assert client.on_call.rotation("default") is None
    with pytest.raises(NotFoundError):
        client.incidents.comments(1)


@pytest.mark.parametrize(
    "bad", ["", " ", "12/34", "../monitors", "1?x=2", None, True, -1, 1.5, "a" * 65]
)
def test_bad_ids_are_refused_before_any_request(bad: Any) -> None:
    api = Api()
    client = BetterStack(TOKEN, transport=httpx.MockTransport(api))
    with pytest.raises(ValueError, match="monitor_id"):
        client.monitors.get(bad)
    assert api.requests == []


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", 20261101, datetime(2026, 11, 1)])
def test_bad_dates_are_refused_before_any_request(bad: Any) -> None:
    api = Api()
    client = BetterStack(TOKEN, transport=httpx.MockTransport(api))
    with pytest.raises(ValueError, match="from_"):
        client.incidents.list(from_=bad)
    assert api.requests == []


def test_booleans_must_be_booleans() -> None:
    client = BetterStack(TOKEN, transport=httpx.MockTransport(Api()))
    with pytest.raises(ValueError, match="resolved"):
        client.incidents.list(resolved="no")  # type: ignore[arg-type]


def test_wrong_shape_becomes_response_parse_error_naming_the_path() -> None:
    from betterstack_rca import ResponseParseError

    client = BetterStack(
        TOKEN,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"data": [1, 2]})),
    )
    with pytest.raises(ResponseParseError) as info:
        client.monitors.get(1)
    assert info.value.path == "/api/v2/monitors/1"


def test_datetime_bounds_are_exact_while_date_bounds_are_whole_days() -> None:
    from betterstack_rca.sandbox import Sandbox

    ref = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
    sandbox = Sandbox(reference_time=ref)
    client = BetterStack.sandbox(sandbox=sandbox)
    start = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    end = datetime(2026, 11, 22, 18, 0, tzinfo=timezone.utc)
    whole_day = client.incidents.list(from_=start.date(), to=end.date()).to_list()
    exact = client.incidents.list(from_=start, to=end).to_list()
    assert exact
    assert len(exact) < len(whole_day)
    assert all(i.started_at and start <= i.started_at <= end for i in exact)
    inside = [i.id for i in whole_day if i.started_at and start <= i.started_at <= end]
    assert [i.id for i in exact] == inside
    assert client.incidents.list(from_=start, to=end, max_items=3).to_list() == exact[:3]

    async def collect() -> list[Any]:
        aclient = AsyncBetterStack.sandbox(sandbox=sandbox)
        return await aclient.incidents.list(from_=start, to=end).to_list()

    assert [i.id for i in asyncio.run(collect())] == inside
