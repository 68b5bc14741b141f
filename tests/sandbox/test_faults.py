from __future__ import annotations

import asyncio
import json
import threading
import time

import httpx
import pytest
from sandbox_support import AUTH, make_client

from betterstack_rca.sandbox import SANDBOX_BASE_URL, Account, Faults, SandboxApp, SandboxTransport


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_latency_is_applied_per_request(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(latency=0.05))
    with make_client(app) as c:
        t = time.perf_counter()
        c.get("/api/v2/urgencies")
        assert time.perf_counter() - t >= 0.05


def test_rate_limit_answers_429_with_an_integer_retry_after(account: Account) -> None:
    clock = FakeClock()
    app = SandboxApp(account, faults=Faults(rate_limit_rps=1, rate_limit_burst=2), clock=clock)
    with make_client(app) as c:
        assert c.get("/api/v2/urgencies").status_code == 200
        assert c.get("/api/v2/urgencies").status_code == 200
        limited = c.get("/api/v2/urgencies")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "1"
        assert isinstance(limited.json()["errors"], str)
        assert app.stats.rate_limited == 1
        assert app.stats.early_requests == 0
        clock.now += 0.5
        assert c.get("/api/v2/urgencies").status_code == 429
        assert app.stats.early_requests == 1
        clock.now += 1.0
        assert c.get("/api/v2/urgencies").status_code == 200
        assert app.stats.early_requests == 1
    assert app.stats.by_status == {200: 3, 429: 2}


def test_error_rate_answers_5xx_with_html_bodies(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(error_rate=1.0))
    with make_client(app) as c:
        codes = set()
        for _ in range(30):
            r = c.get("/api/v2/monitors")
            codes.add(r.status_code)
            assert r.headers["content-type"].startswith("text/html")
            assert r.text.lstrip().startswith("<")
    assert codes == {500, 502, 503}


@pytest.mark.parametrize("option", ["truncated_json_rate", "invalid_json_rate"])
def test_broken_json_comes_with_status_200(account: Account, option: str) -> None:
    app = SandboxApp(account, faults=Faults(**{option: 1.0}))  # type: ignore[arg-type]
    with make_client(app) as c:
        r = c.get("/api/v2/monitors")
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)


def test_timeouts_raise_read_timeout(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(timeout_rate=1.0))
    with make_client(app) as c, pytest.raises(httpx.ReadTimeout):
        c.get("/api/v2/monitors")
    assert app.stats.timeouts == 1


def test_resets_raise_connect_error(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(reset_rate=1.0))
    with make_client(app) as c, pytest.raises(httpx.ConnectError):
        c.get("/api/v2/monitors")
    assert app.stats.resets == 1


def test_async_faults_raise_too(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(timeout_rate=1.0, latency=0.01))

    async def go() -> None:
        async with httpx.AsyncClient(
            transport=SandboxTransport(app), base_url=SANDBOX_BASE_URL, headers=AUTH
        ) as c:
            await c.get("/api/v2/monitors")

    with pytest.raises(httpx.ReadTimeout):
        asyncio.run(go())


def test_forbidden_families_answer_403(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(forbidden=frozenset({"on-calls", "status-pages"})))
    with make_client(app) as c:
        r = c.get("/api/v2/on-calls/default")
        assert r.status_code == 403
        assert isinstance(r.json()["errors"], str)
        assert c.get("/api/v2/status-pages").status_code == 403
        assert c.get("/api/v2/monitors").status_code == 200


def test_faults_are_reproducible_for_a_seed(account: Account) -> None:
    def statuses(seed: int) -> list[int]:
        app = SandboxApp(account, faults=Faults(error_rate=0.5, seed=seed))
        with make_client(app) as c:
            return [c.get("/api/v2/urgencies").status_code for _ in range(40)]

    first = statuses(7)
    assert first == statuses(7)
    assert {200, 500, 502, 503} & set(first) != {200}
    assert first != statuses(8)


def test_rates_must_be_fractions() -> None:
    with pytest.raises(ValueError, match="error_rate"):
        Faults(error_rate=1.5)


def test_max_in_flight_counts_concurrent_requests(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(latency=0.1))
    transport = SandboxTransport(app)

    def one() -> None:
        with httpx.Client(transport=transport, base_url=SANDBOX_BASE_URL, headers=AUTH) as c:
            c.get("/api/v2/urgencies")

    threads = [threading.Thread(target=one) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert app.stats.max_in_flight >= 2
    assert app.stats.requests == 5
    assert app.stats.by_family == {"urgencies": 5}
