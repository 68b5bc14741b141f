from __future__ import annotations

import time
from datetime import timedelta

import httpx
from sandbox_support import REF, make_client

from betterstack_rca.sandbox import SandboxApp, generate_account
from betterstack_rca.sandbox.account import Account

PATHS = (
    "/api/v3/incidents?per_page=50",
    "/api/v2/monitors?per_page=250",
    "/api/v2/heartbeats",
    "/api/v2/on-calls/default/events",
    "/api/v3/policies",
    "/api/v2/status-pages/150001/resources",
)


def _bodies(account: Account) -> list[bytes]:
    with make_client(SandboxApp(account)) as c:
        head = account.scenarios["database_backup"].incident_id
        extra = (f"/api/v3/incidents/{head}", f"/api/v3/incidents/{head}/timeline")
        return [c.get(p).content for p in (*PATHS, *extra)]


def test_same_seed_and_reference_time_serve_identical_bytes() -> None:
    a = Account(0, 1, REF)
    b = Account(0, 1, REF)
    assert _bodies(a) == _bodies(b)


def test_a_different_seed_gives_a_different_account() -> None:
    assert _bodies(Account(0, 1, REF)) != _bodies(Account(1, 1, REF))


def test_generate_account_caches_per_seed_scale_and_reference_time() -> None:
    assert generate_account(0, 1, REF) is generate_account(0, 1, REF)
    assert generate_account(0, 1, REF) is not generate_account(0, 1, REF + timedelta(hours=1))


def test_scale_one_is_the_demo_account_and_fast() -> None:
    t = time.perf_counter()
    acc = Account(3, 1, REF)
    assert time.perf_counter() - t < 0.5
    assert len(acc.monitors) == 100
    assert len(acc.heartbeats) == 20
    assert 1900 <= acc.incident_count <= 2200
    assert acc.starts[0] >= acc.ref - 28 * 86400 - 3600


def test_incident_rate_stays_constant_across_scales() -> None:
    acc = Account(0, 10, REF)
    week = acc.index_range(acc.ref - 7 * 86400, None)
    small = Account(0, 1, REF)
    week1 = small.index_range(small.ref - 7 * 86400, None)
    recent10 = week[1] - week[0]
    recent1 = week1[1] - week1[0]
    assert 0.7 < recent10 / recent1 < 1.4


def test_scale_100_lists_ten_thousand_monitors_through_the_transport_quickly() -> None:
    t = time.perf_counter()
    acc = generate_account(0, 100, REF)
    assert len(acc.monitors) >= 10_000
    assert acc.incident_count >= 200_000
    seen = 0
    url: str | None = "/api/v2/monitors?per_page=250"
    with make_client(SandboxApp(acc)) as c:
        while url:
            r = c.get(url)
            body = r.json()
            seen += len(body["data"])
            url = body["pagination"]["next"]
        assert seen == len(acc.monitors)
        r = c.get("/api/v3/incidents", params={"per_page": 50, "from": "2026-11-16"})
        assert r.status_code == 200
        assert len(r.json()["data"]) == 50
    assert time.perf_counter() - t < 20


def test_planted_secrets_are_distinctive_and_served(client: httpx.Client, account: Account) -> None:
    secrets = account.planted_secrets()
    assert len(secrets) >= 20
    assert all("SECRET" in s for s in secrets)
    served = b"".join(
        client.get(p).content
        for p in (
            "/api/v2/monitors?per_page=250",
            "/api/v2/heartbeats",
            "/api/v3/policies",
            "/api/v2/outgoing-webhooks",
            "/api/v2/incoming-webhooks",
        )
    ).decode()
    missing = [s for s in secrets if s not in served]
    assert missing == []
