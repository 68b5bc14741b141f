"""Response times tell the same story as the incident's cause, by one rule for every incident
(background or scripted): an error status took the incident's request duration, a timeout
the whole request timeout, a refused connection only its lookup and connect, and so on."""

from __future__ import annotations

import copy
import statistics
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from betterstack_rca.sandbox import SCENARIOS, Account
from betterstack_rca.sandbox.model.checks import (
    ANSWERED,
    ERROR_STATUS,
    NO_DNS,
    REFUSED,
    TIMED_OUT,
    TLS_FAILED,
    failure_mode,
)
from betterstack_rca.sandbox.model.constants import CAUSES
from betterstack_rca.sandbox.render.base import View
from betterstack_rca.sandbox.render.monitors import response_times


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _samples(client: httpx.Client, monitor_id: str) -> dict[str, list[dict[str, Any]]]:
    body = client.get(f"/api/v2/monitors/{monitor_id}/response-times").json()["data"]
    return {r["region"]: r["response_times"] for r in body["attributes"]["regions"]}


def _during(rows: list[dict[str, Any]], start: datetime, end: datetime) -> list[dict[str, Any]]:
    return [p for p in rows if start <= _dt(p["at"]) <= end]


def _request_duration(attrs: dict[str, Any]) -> float:
    return float(attrs["metadata"]["Request duration"][0]["value"])


@pytest.mark.parametrize(
    ("cause", "mode"),
    [
        ("Status 503", ERROR_STATUS),
        ("Status 520", ERROR_STATUS),  # a status no scenario uses yet
        ("Keyword not found", ANSWERED),
        ("Request timeout", TIMED_OUT),
        ("Connection timed out", TIMED_OUT),
        ("Connection refused", REFUSED),
        ("Connection reset by peer", REFUSED),
        ("Host unreachable", REFUSED),
        ("DNS lookup failed", NO_DNS),
        ("SSL certificate expired", TLS_FAILED),
        ("Something new", TIMED_OUT),  # unknown: as before
    ],
)
def test_the_rule_reads_the_cause(cause: str, mode: str) -> None:
    assert failure_mode(cause) == mode


def test_every_cause_the_sandbox_plants_has_a_mode_that_fits() -> None:
    modes = {cause: failure_mode(cause) for cause in CAUSES}
    assert {c for c, m in modes.items() if m == ERROR_STATUS} == {
        c for c in CAUSES if c.startswith("Status ")
    }
    assert modes["Missed heartbeat"] == TIMED_OUT  # heartbeats have no response times


def test_the_headline_checks_take_the_request_duration_not_the_timeout(
    client: httpx.Client, account: Account
) -> None:
    sc = account.scenarios["database_backup"]
    attrs = client.get(f"/api/v3/incidents/{sc.incident_id}").json()["data"]["attributes"]
    assert attrs["cause"] == "Status 503"
    took = _request_duration(attrs)
    start, end = _dt(attrs["started_at"]), _dt(attrs["resolved_at"])
    for region, rows in _samples(client, sc.monitor_id or "").items():
        failing = [p["response_time"] for p in _during(rows, start, end)]
        assert failing, region
        assert all(abs(rt - took) <= 0.06 * took for rt in failing), (region, took, failing)
        assert max(failing) < 10  # not the request timeout
        calm = [p["response_time"] for p in _during(rows, start - timedelta(hours=3), start)]
        assert statistics.median(calm) < took  # slower than usual while failing


def test_a_timeout_in_one_region_sits_at_the_request_timeout_there_only(
    client: httpx.Client, account: Account
) -> None:
    sc = account.scenarios["region_blip"]
    attrs = client.get(f"/api/v3/incidents/{sc.incident_id}").json()["data"]["attributes"]
    start, end = _dt(attrs["started_at"]), _dt(attrs["resolved_at"])
    timeout = client.get(f"/api/v2/monitors/{sc.monitor_id}").json()["data"]["attributes"][
        "request_timeout"
    ]
    by_region = _samples(client, sc.monitor_id or "")
    assert {p["response_time"] for p in _during(by_region["as"], start, end)} == {timeout}
    for region in ("us", "eu", "au"):
        assert max(p["response_time"] for p in _during(by_region[region], start, end)) < 2


def test_bad_deploy_stays_at_the_latency_it_climbed_to(
    client: httpx.Client, account: Account
) -> None:
    sc = account.scenarios["bad_deploy"]
    attrs = client.get(f"/api/v3/incidents/{sc.incident_id}").json()["data"]["attributes"]
    took = _request_duration(attrs)
    assert took == pytest.approx(float(sc.facts["latency_before_start_seconds"]), rel=0.01)
    start, end = _dt(attrs["started_at"]), _dt(attrs["resolved_at"])
    for rows in _samples(client, sc.monitor_id or "").values():
        failing = [p["response_time"] for p in _during(rows, start, end)]
        assert failing
        assert all(abs(rt - took) <= 0.06 * took for rt in failing)


def test_every_incident_of_the_last_day_follows_the_rule(
    client: httpx.Client, account: Account
) -> None:
    """Background incidents too: whatever the cause, its failing checks fit it."""
    ref = account.reference_time
    listed = client.get(
        "/api/v3/incidents",
        params={"from": (ref - timedelta(days=1)).date().isoformat(), "per_page": 50},
    ).json()["data"]
    incidents = [
        d
        for d in listed
        if d["relationships"].get("monitor")
        and ref - timedelta(hours=22) <= _dt(d["attributes"]["started_at"])
    ]
    seen_modes: set[str] = set()
    checked = 0
    for inc in incidents:
        attrs = inc["attributes"]
        monitor_id = inc["relationships"]["monitor"]["data"]["id"]
        others = [
            o
            for o in incidents
            if o is not inc and o["relationships"]["monitor"]["data"]["id"] == monitor_id
        ]
        if others:  # overlapping incidents of one monitor: the rule is about one at a time
            continue
        monitor = client.get(f"/api/v2/monitors/{monitor_id}").json()["data"]["attributes"]
        mode = failure_mode(attrs["cause"])
        start = _dt(attrs["started_at"])
        end = _dt(attrs["resolved_at"]) if attrs["resolved_at"] else ref
        for region, rows in _samples(client, monitor_id).items():
            if region not in (attrs["regions"] or []):
                continue
            for p in _during(rows, start, end):
                rt = p["response_time"]
                parts = (p["name_lookup_time"], p["connection_time"], p["tls_handshake_time"])
                assert rt == pytest.approx(sum(parts) + p["data_transfer_time"], abs=2e-5)
                if mode == TIMED_OUT:
                    assert rt == monitor["request_timeout"]
                elif mode == ERROR_STATUS:
                    took = _request_duration(attrs)
                    assert abs(rt - took) <= 0.06 * took
                elif mode == REFUSED:
                    assert (p["tls_handshake_time"], p["data_transfer_time"]) == (0, 0)
                    assert rt < 0.1
                elif mode == NO_DNS:
                    assert (p["connection_time"], p["tls_handshake_time"]) == (0, 0)
                    assert rt < 0.02
                elif mode == TLS_FAILED:
                    assert p["data_transfer_time"] == 0
                else:
                    assert rt < 2  # answered in its usual time
                checked += 1
                seen_modes.add(mode)
    assert checked > 20
    assert {ERROR_STATUS, TIMED_OUT} <= seen_modes


def _fits(mode: str, point: dict[str, Any], took: float, timeout: float) -> bool:
    """A failing check as the cause's `mode` says it ends (the rule of `model.checks`)."""
    rt = point["response_time"]
    if mode == TIMED_OUT:
        return bool(rt == timeout)
    if mode == ERROR_STATUS:
        return abs(rt - took) <= 0.06 * took
    if mode == REFUSED:
        return (point["tls_handshake_time"], point["data_transfer_time"]) == (0, 0) and rt < 0.1
    if mode == NO_DNS:
        return (point["connection_time"], point["tls_handshake_time"]) == (0, 0) and rt < 0.02
    if mode == TLS_FAILED:
        return bool(point["data_transfer_time"] == 0)
    return bool(rt < 2)  # answered in its usual time


@pytest.mark.parametrize("key", list(SCENARIOS))
def test_every_scenarios_incident_follows_the_rule(
    key: str, client: httpx.Client, account: Account
) -> None:
    """Each scenario's incident, a to m, whatever its cause and however long ago: its
    failing checks in its failing regions fit its cause. The API serves only the 24 h before
    the reference time, so the checks are rendered as of one hour after the incident ended
    (the same rendering, its window moved)."""
    sc = account.scenarios[key]
    data = client.get(f"/api/v3/incidents/{sc.incident_id}").json()["data"]
    attrs = data["attributes"]
    if sc.monitor_id is None:  # a heartbeat's incident: no response times to tell it
        assert sc.heartbeat_id is not None
        assert data["relationships"].get("monitor") is None
        return
    assert data["relationships"]["monitor"]["data"]["id"] == sc.monitor_id
    start = _dt(attrs["started_at"])
    end = _dt(attrs["resolved_at"]) if attrs["resolved_at"] else account.reference_time
    moved = copy.copy(account)
    moved.ref = min(account.ref, int((end + timedelta(hours=1)).timestamp()))
    monitor = next(m for m in account.monitors if str(m.id) == sc.monitor_id)
    timeout = client.get(f"/api/v2/monitors/{sc.monitor_id}").json()["data"]["attributes"][
        "request_timeout"
    ]
    mode = failure_mode(attrs["cause"])
    took = _request_duration(attrs) if "Request duration" in (attrs["metadata"] or {}) else 0.0
    assert mode != ERROR_STATUS or took > 0, "an error status says how long it took"
    by_region = {
        r["region"]: r["response_times"]
        for r in response_times(View(moved), monitor)["attributes"]["regions"]
    }
    checked = 0
    for region in attrs["regions"] or by_region:
        failing = _during(by_region[region], start, end)
        assert failing, (key, region)
        for point in failing:
            assert _fits(mode, point, took, timeout), (key, attrs["cause"], region, point)
            checked += 1
    assert checked > 0
