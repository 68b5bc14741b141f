"""The scripted scenarios' facts agree with what the sandbox serves."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

import httpx
import pytest
from sandbox_support import REF

from betterstack_rca.sandbox import HEADLINE_SCENARIO, SCENARIOS, Account
from betterstack_rca.sandbox.model.timestamps import HOUR
from betterstack_rca.sandbox.scenarios import RULES


def _dt(s: str) -> datetime:
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def _incident(client: httpx.Client, iid: str) -> dict[str, object]:
    return client.get(f"/api/v3/incidents/{iid}").json()  # type: ignore[no-any-return]


def test_every_scenario_is_planted_with_known_rules(account: Account) -> None:
    assert list(account.scenarios) == list(SCENARIOS)
    assert HEADLINE_SCENARIO == "database_backup"
    for sc in account.scenarios.values():
        assert sc.expected_rules
        assert set(sc.expected_rules) <= set(RULES)
        assert set(sc.forbidden_rules) <= set(RULES)
        assert not set(sc.expected_rules) & set(sc.forbidden_rules)


def test_scenarios_are_placed_as_documented(account: Account) -> None:
    starts = {k: _dt(s.started_at) for k, s in account.scenarios.items()}
    assert timedelta(minutes=40) <= REF - starts["database_backup"] <= timedelta(minutes=60)
    for key in ("database_backup", "region_blip", "bad_deploy"):
        assert REF - starts[key] < timedelta(hours=24)
    # the scenarios that shape the background are 6 h apart; those added later
    # (shapes_background=False) keep 2 h from every other, so no bundle window overlaps
    shaping = sorted(starts[k] for k in starts if SCENARIOS[k].shapes_background)
    for a, b in pairwise(shaping):
        assert b - a >= timedelta(hours=6)
    for key in (k for k in starts if not SCENARIOS[k].shapes_background):
        others = [v for k, v in starts.items() if k != key]
        assert min(abs(starts[key] - v) for v in others) >= timedelta(hours=2), key


def test_scenario_windows_are_quiet_around_their_own_monitors(account: Account) -> None:
    a = account
    for key, sc in a.scenarios.items():
        if not SCENARIOS[key].shapes_background:
            continue  # the background does not avoid them: see the next test
        start = int(_dt(sc.started_at).timestamp())
        lo, hi = a.index_range(start - 3 * HOUR, start + 3 * HOUR)
        background = [i for i in range(lo, hi) if i not in a.extras]
        assert len(background) <= 2, key
        if sc.monitor_id is not None:
            group = a.monitors[int(sc.monitor_id) - 2_100_000].group
            for i in background:
                src = a.srcs[i]
                assert src < 0 or a.monitors[src].group != group, key


def test_later_scenarios_are_placed_where_their_monitors_are_quiet(account: Account) -> None:
    """Scenarios the background does not avoid (shapes_background=False) start where, at
    this seed, their monitor had no other incident in the 3 h before (to 1 h after), its
    group none within 30 min, and no heartbeat was down in the hour before."""
    a = account
    late = [k for k in a.scenarios if not SCENARIOS[k].shapes_background]
    assert late
    for key in late:
        sc = a.scenarios[key]
        assert sc.monitor_id is not None
        own = int(sc.monitor_id) - 2_100_000
        start = int(_dt(sc.started_at).timestamp())
        lo, hi = a.index_range(start - 3 * HOUR, start + HOUR)
        for i in (i for i in range(lo, hi) if i not in a.extras):
            src, at, dur = a.srcs[i], a.starts[i], a.durs[i]
            assert src != own, key
            if src >= 0 and abs(at - start) <= 1800:
                assert a.monitors[src].group != a.monitors[own].group, key
            if src < 0 and start - HOUR <= at <= start:
                assert dur >= 0, key  # recovered ...
                assert at + dur < start, key  # ... before the start


def test_monitors_were_not_recently_changed_except_the_bad_deploy(account: Account) -> None:
    deploy = account.scenarios["bad_deploy"].monitor_id
    trap = account.scenarios["slow_degradation"].facts["sibling_monitor_id"]  # edited on purpose
    for m in account.monitors:
        if str(m.id) not in (deploy, trap):
            assert m.updated <= account.ref - 2 * 86400
    with_window = [m for m in account.monitors if m.maintenance is not None]
    assert len(with_window) < len(account.monitors) // 5


def test_headline_database_backup(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["database_backup"]
    body = _incident(client, sc.incident_id)
    attrs = body["data"]["attributes"]  # type: ignore[index]
    start = _dt(attrs["started_at"])
    assert (_dt(attrs["acknowledged_at"]) - start).total_seconds() == sc.facts["ack_seconds"] == 360
    # The acknowledger is whoever the default calendar had on call at the start.
    oncall = client.get("/api/v2/on-calls/default", params={"date": attrs["started_at"]}).json()
    user = oncall["included"][0]["attributes"]
    assert attrs["acknowledged_by"] == f"{user['first_name']} {user['last_name']}"
    assert user["email"] == sc.facts["on_call_email"]
    # The heartbeat stopped five minutes before.
    hb = _incident(client, str(sc.facts["heartbeat_incident_id"]))
    hb_attrs = hb["data"]["attributes"]  # type: ignore[index]
    assert hb["data"]["relationships"]["heartbeat"]["data"]["id"] == sc.facts["heartbeat_id"]  # type: ignore[index]
    assert hb["included"]["attributes"]["name"] == "db-backup"  # type: ignore[index]
    assert (start - _dt(hb_attrs["started_at"])).total_seconds() == 300
    assert "heartbeat" in hb_attrs["cause"].lower()
    # Four monitors of the API group failed within three minutes.
    group = sc.facts["monitor_group_id"]
    failed = []
    for iid in (sc.incident_id, *sc.facts["related_incident_ids"]):  # type: ignore[misc]
        inc = _incident(client, iid)
        if "monitor" in inc["data"]["relationships"]:  # type: ignore[index]
            assert inc["included"]["attributes"]["monitor_group_id"] == group  # type: ignore[index]
            failed.append(_dt(inc["data"]["attributes"]["started_at"]))  # type: ignore[index]
    assert len(failed) == 4
    assert max(failed) - min(failed) <= timedelta(minutes=3)
    assert min(failed) == start
    members = client.get(f"/api/v2/monitor-groups/{group}/monitors").json()["data"]
    assert {m["id"] for m in members} >= set(sc.facts["failed_monitor_ids"])  # type: ignore[arg-type]
    # A status page that covers the API group reported twelve minutes after the start.
    page = sc.facts["status_page_id"]
    resources = client.get(f"/api/v2/status-pages/{page}/resources").json()["data"]
    assert any(
        r["attributes"]["resource_type"] == "MonitorGroup"
        and str(r["attributes"]["resource_id"]) == group
        for r in resources
    )
    report = client.get(
        f"/api/v2/status-pages/{page}/status-reports/{sc.facts['status_report_id']}"
    ).json()
    first = min(_dt(u["attributes"]["published_at"]) for u in report["included"])
    assert (first - start).total_seconds() == sc.facts["status_page_delay_seconds"] == 720
    # Two comments, one posted by a user.
    comments = client.get(f"/api/v2/incidents/{sc.incident_id}/comments").json()["data"]
    assert len(comments) == 2
    assert sum("user_email" in c["attributes"] for c in comments) == 1


def test_tls_expiry(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["tls_expiry"]
    attrs = _incident(client, sc.incident_id)["data"]["attributes"]  # type: ignore[index]
    assert "ssl" in attrs["cause"].lower()
    assert _dt(attrs["ssl_certificate_expires_at"]) < _dt(attrs["started_at"])


def test_region_blip_is_the_fifth_single_region_incident_this_week(
    client: httpx.Client, account: Account
) -> None:
    sc = account.scenarios["region_blip"]
    body = _incident(client, sc.incident_id)
    attrs = body["data"]["attributes"]  # type: ignore[index]
    assert attrs["regions"] == ["as"]
    assert body["included"]["attributes"]["regions"] == ["us", "eu", "as", "au"]  # type: ignore[index]
    start = _dt(attrs["started_at"])
    week = client.get(
        "/api/v3/incidents",
        params={
            "monitor_id": sc.monitor_id,
            "from": (start - timedelta(days=7)).date().isoformat(),
            "per_page": 50,
        },
    ).json()["data"]
    earlier = [
        d for d in week if start - timedelta(days=7) <= _dt(d["attributes"]["started_at"]) < start
    ]
    assert len(earlier) == sc.facts["earlier_incidents_7d"] == 4
    assert all(d["attributes"]["regions"] == ["as"] for d in earlier)
    rt = client.get(f"/api/v2/monitors/{sc.monitor_id}/response-times").json()["data"]
    by_region = {r["region"]: r["response_times"] for r in rt["attributes"]["regions"]}
    near = [
        p["response_time"]
        for p in by_region["as"]
        if abs((_dt(p["at"]) - start).total_seconds()) <= 300
    ]
    calm = [
        p["response_time"]
        for p in by_region["eu"]
        if abs((_dt(p["at"]) - start).total_seconds()) <= 300
    ]
    assert max(near) >= 10
    assert max(calm) < 2


def test_maintenance_window_covers_the_start(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["maintenance"]
    body = _incident(client, sc.incident_id)
    start = _dt(body["data"]["attributes"]["started_at"])  # type: ignore[index]
    page = sc.facts["status_page_id"]
    report = client.get(
        f"/api/v2/status-pages/{page}/status-reports/{sc.facts['status_report_id']}"
    ).json()["data"]["attributes"]
    assert report["report_type"] == "maintenance"
    assert _dt(report["starts_at"]) <= start <= _dt(report["ends_at"])
    resources = client.get(f"/api/v2/status-pages/{page}/resources").json()["data"]
    covered = {str(r["attributes"]["resource_id"]) for r in resources}
    assert sc.monitor_id in covered
    mon = body["included"]["attributes"]  # type: ignore[index]
    assert mon["maintenance_from"] <= start.strftime("%H:%M:%S") < mon["maintenance_to"]
    assert start.strftime("%a").lower() in mon["maintenance_days"]


def test_bad_deploy(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["bad_deploy"]
    body = _incident(client, sc.incident_id)
    attrs = body["data"]["attributes"]  # type: ignore[index]
    start = _dt(attrs["started_at"])
    assert attrs["cause"] in ("Status 500", "Status 502")
    updated = _dt(body["included"]["attributes"]["updated_at"])  # type: ignore[index]
    assert (start - updated).total_seconds() == pytest.approx(240, abs=1)
    rt = client.get(f"/api/v2/monitors/{sc.monitor_id}/response-times").json()["data"]
    for region in rt["attributes"]["regions"]:
        before = [
            p["response_time"]
            for p in region["response_times"]
            if timedelta(0) < start - _dt(p["at"]) <= timedelta(minutes=10)
        ]
        earlier = [
            p["response_time"]
            for p in region["response_times"]
            if timedelta(minutes=40) < start - _dt(p["at"]) <= timedelta(minutes=60)
        ]
        assert min(before) > 3 * max(earlier), region["region"]


def test_unacknowledged_escalation(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["unacknowledged_escalation"]
    attrs = _incident(client, sc.incident_id)["data"]["attributes"]  # type: ignore[index]
    assert attrs["acknowledged_at"] is None
    duration = _dt(attrs["resolved_at"]) - _dt(attrs["started_at"])
    assert duration > timedelta(minutes=20)
    policy = client.get(f"/api/v3/policies/{attrs['escalation_policy_id']}").json()["data"]
    waits = tuple(s["wait_before"] for s in policy["attributes"]["steps"])
    assert waits == sc.facts["step_wait_before"] == (0, 300, 600)
    timeline = client.get(f"/api/v3/incidents/{sc.incident_id}/timeline").json()["data"]
    titles = [t["attributes"]["data"]["title"] for t in timeline]
    assert any(t.startswith("Escalated to step 2") for t in titles)
    assert any(t.startswith("Escalated to step 3") for t in titles)
    assert "Incident acknowledged" not in titles


def test_heartbeat_incident(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["heartbeat_incident"]
    assert sc.monitor_id is None
    body = _incident(client, sc.incident_id)
    data = body["data"]  # type: ignore[index]
    assert list(data["relationships"]) == ["heartbeat"]
    assert "heartbeat" in data["attributes"]["cause"].lower()
    assert data["attributes"]["url"] is None
