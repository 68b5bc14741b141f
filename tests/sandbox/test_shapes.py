"""Every documented response sample has the same keys and value types as the sandbox's answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_support import make_client

from betterstack_rca.sandbox import Account, SandboxApp

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SAMPLES = SHARED / "samples"
API_MD = SHARED / "betterstack-api.md"

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared samples not available")

# api.md documents these flags as "on_incident_started / _acknowledged / _resolved / ...".
_SPELLED_OUT = {
    "on_incident_acknowledged",
    "on_incident_resolved",
    "on_incident_reopened",
    "on_incident_comment",
}


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "object"
    return "null"


def shape_problems(sample: Any, actual: Any, path: str = "$", free: bool = False) -> list[str]:
    """Differences in keys and JSON types; null on either side counts as a nullable field."""
    if sample is None or actual is None:
        return []
    if _kind(sample) != _kind(actual):
        return [f"{path}: sample {_kind(sample)} vs sandbox {_kind(actual)}"]
    out: list[str] = []
    if isinstance(sample, dict):
        documented = API_MD.read_text() if API_MD.exists() else ""
        for k in sample:
            if k not in actual:
                if not free:
                    out.append(f"{path}.{k}: missing")
                continue
            out += shape_problems(sample[k], actual[k], f"{path}.{k}", free=k == "metadata")
        if not free:
            for k in actual:
                if k not in sample and k not in documented and k not in _SPELLED_OUT:
                    out.append(f"{path}.{k}: extra key not documented in api.md")
    elif isinstance(sample, list) and sample and actual:
        if isinstance(sample[0], dict):
            for k in range(min(len(sample), len(actual))):
                out += shape_problems(sample[k], actual[k], f"{path}[{k}]")
        else:
            for k, item in enumerate(actual):
                out += shape_problems(sample[0], item, f"{path}[{k}]")
    return out


def _load(name: str) -> Any:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def _paths(account: Account) -> dict[str, str]:
    head = account.scenarios["database_backup"]
    hb = account.scenarios["heartbeat_incident"].heartbeat_id
    return {
        "error_400_sla_invalid_range": f"/api/v2/monitors/{head.monitor_id}/sla?from=nonsense",
        "error_404_not_found": "/api/v2/monitors/1",
        "heartbeat": f"/api/v2/heartbeats/{hb}",
        "heartbeat_availability": f"/api/v2/heartbeats/{hb}/availability",
        "heartbeat_group": "/api/v2/heartbeat-groups/61000",
        "heartbeats_list": "/api/v2/heartbeats",
        "incident_comments_list": f"/api/v2/incidents/{head.incident_id}/comments",
        "monitor": f"/api/v2/monitors/{head.monitor_id}",
        "monitor_group": "/api/v2/monitor-groups/95100",
        "monitor_sla": f"/api/v2/monitors/{head.monitor_id}/sla",
        "monitors_list_v2_legacy": "/api/v2/monitors",
        "on_call": "/api/v2/on-calls/default",
        "on_call_events": "/api/v2/on-calls/default/events",
        "on_call_list": "/api/v2/on-calls",
        "on_call_rotation": "/api/v2/on-calls/default/rotation",
        "outgoing_webhook_create_201": "/api/v2/outgoing-webhooks/16002",
        "policies_v3_in_group_list": "/api/v3/policy-groups/7102/policies",
        "policy_v2": "/api/v2/policies/45603",
        "policy_v3": "/api/v3/policies/45603",
        "severities_list": "/api/v2/urgencies",
        "severity": "/api/v2/urgencies/8202",
        "status_page_resource": "/api/v2/status-pages/150001/resources/770002",
        "status_report": "/api/v2/status-pages/150001/status-reports/880001",
        "status_reports_list": "/api/v2/status-pages/150001/status-reports",
    }


SAMPLE_NAMES = sorted(
    [
        "error_400_sla_invalid_range",
        "error_404_not_found",
        "heartbeat",
        "heartbeat_availability",
        "heartbeat_group",
        "heartbeats_list",
        "incident_comments_list",
        "monitor",
        "monitor_group",
        "monitor_sla",
        "monitors_list_v2_legacy",
        "on_call",
        "on_call_events",
        "on_call_list",
        "on_call_rotation",
        "outgoing_webhook_create_201",
        "policies_v3_in_group_list",
        "policy_v2",
        "policy_v3",
        "severities_list",
        "severity",
        "status_page_resource",
        "status_report",
        "status_reports_list",
    ]
)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sandbox_matches_the_documented_sample(
    name: str, client: httpx.Client, account: Account
) -> None:
    r = client.get(_paths(account)[name])
    assert shape_problems(_load(name), r.json()) == []


def test_401_matches_the_documented_sample(app: SandboxApp) -> None:
    with make_client(app, headers={}) as c:
        r = c.get("/api/v2/monitors")
    assert r.status_code == 401
    assert r.json() == _load("error_401_invalid_token")


def test_incident_list_item_matches_the_documented_sample(
    client: httpx.Client, account: Account
) -> None:
    head = account.scenarios["database_backup"]
    data = client.get("/api/v3/incidents", params={"monitor_id": head.monitor_id}).json()["data"]
    item = next(d for d in data if d["id"] == head.incident_id)
    assert shape_problems(_load("incident_v3_list_item"), item) == []


def test_timeline_items_match_the_documented_sample_per_item_type(
    client: httpx.Client, account: Account
) -> None:
    head = account.scenarios["database_backup"].incident_id
    long = str(account.truncated_timeline_index + 410_000_000)
    items = [
        *client.get(f"/api/v3/incidents/{head}/timeline").json()["data"],
        *client.get(f"/api/v3/incidents/{long}/timeline").json()["data"],
    ]
    for sample in _load("incident_timeline_partial")["data"]:
        kind = sample["attributes"]["item_type"]
        ours = [i for i in items if i["attributes"]["item_type"] == kind]
        assert ours, kind
        # Comments by a user carry a user object; API-posted ones have null there.
        assert shape_problems(sample, ours[0]) == [], kind


def test_shape_check_catches_a_wrong_type() -> None:
    assert shape_problems({"a": {"b": 1}}, {"a": {"b": "1"}}) == [
        "$.a.b: sample number vs sandbox string"
    ]
    assert shape_problems({"a": 1}, {}) == ["$.a: missing"]
