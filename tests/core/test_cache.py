"""The client's read cache: hits, TTL, coalescing, open incidents, covering listings, bounds."""

from __future__ import annotations

import asyncio
import threading
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from betterstack_rca import BetterStack
from betterstack_rca._core.cache import ResponseCache
from betterstack_rca.resources._cache import CACHE_POLICY

from .helpers import Recorder, async_client, json_response, sync_client

MONITOR = {"data": {"id": "1", "type": "monitor", "attributes": {"pronounceable_name": "API"}}}


def incident(iid: str, *, resolved: bool, started: str = "2025-06-02T10:00:00Z") -> dict[str, Any]:
    return {
        "id": iid,
        "type": "incident",
        "attributes": {
            "name": "API",
            "started_at": started,
            "resolved_at": "2025-06-02T10:30:00Z" if resolved else None,
        },
        "relationships": {"monitor": {"data": {"id": "1", "type": "monitor"}}},
    }


def by_path(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if path == "/api/v2/monitors/1":
        return json_response(200, MONITOR)
    if path in ("/api/v3/incidents/7", "/api/v3/incidents/8"):
        return json_response(200, {"data": incident(path[-1], resolved=path.endswith("7"))})
    if path.endswith("/timeline"):
        return json_response(200, {"data": []})
    return json_response(404, {"errors": "Not found"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def with_clock(bs: BetterStack) -> Clock:
    clock = Clock()
    assert bs.cache is not None
    bs.cache._clock = clock
    return clock


def test_a_second_read_is_a_hit_with_its_own_object() -> None:
    rec = Recorder(by_path)
    bs, _ = sync_client(rec)
    first, second = bs.monitors.get(1), bs.monitors.get(1)
    assert len(rec.requests) == 1
    assert first == second
    assert first is not second
    assert bs.stats.cache_hits == 1
    assert bs.stats.requests == 1


def test_the_ttl_expires_and_zero_turns_the_cache_off() -> None:
    rec = Recorder(by_path)
    bs, _ = sync_client(rec, cache_ttl=60)
    clock = with_clock(bs)
    bs.monitors.get(1)
    clock.now += 59
    bs.monitors.get(1)
    assert len(rec.requests) == 1
    clock.now += 2
    bs.monitors.get(1)
    assert len(rec.requests) == 2

    off = Recorder(by_path)
    bs_off, _ = sync_client(off, cache_ttl=0)
    assert bs_off.cache is None
    bs_off.monitors.get(1)
    bs_off.monitors.get(1)
    assert len(off.requests) == 2
    with pytest.raises(ValueError, match="cache_ttl"):
        sync_client(off, cache_ttl=-1)


def test_open_incidents_are_never_kept_resolved_ones_are() -> None:
    rec = Recorder(by_path)
    bs, _ = sync_client(rec)
    for _ in range(2):
        bs.incidents.get(8)  # open
        bs.incidents.timeline(8)
    assert [r.url.path for r in rec.requests].count("/api/v3/incidents/8") == 2
    assert [r.url.path for r in rec.requests].count("/api/v3/incidents/8/timeline") == 2
    rec.requests.clear()
    bs.incidents.get(7)  # resolved: kept, and its timeline from now on
    bs.incidents.timeline(7)
    bs.incidents.get(7)
    bs.incidents.timeline(7)
    assert [r.url.path for r in rec.requests] == [
        "/api/v3/incidents/7",
        "/api/v3/incidents/7/timeline",
    ]


def test_errors_and_the_escape_hatch_are_not_kept() -> None:
    rec = Recorder(by_path)
    bs, _ = sync_client(rec)
    for _ in range(2):
        with pytest.raises(Exception, match="Not found"):
            bs.monitors.get(2)
        bs.get_json("/api/v2/monitors/1")
    assert len(rec.requests) == 4


def test_concurrent_identical_reads_in_threads_are_one_request() -> None:
    release = threading.Event()
    rec = Recorder(lambda r: (release.wait(10), by_path(r))[1])
    bs, _ = sync_client(rec)
    cache = bs.cache
    assert cache is not None
    results: list[Any] = []
    threads = [
        threading.Thread(target=lambda: results.append(bs.monitors.get(1))) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for _ in range(1000):  # until the four late readers wait for the first one's answer
        if cache.coalesced == 4:
            break
        threading.Event().wait(0.01)
    release.set()
    for t in threads:
        t.join(10)
    assert len(rec.requests) == 1
    assert cache.coalesced == 4
    assert len(results) == 5
    assert len({id(r) for r in results}) == 5
    assert bs.stats.coalesced == 4


def test_concurrent_identical_reads_in_tasks_are_one_request() -> None:
    rec = Recorder(by_path)
    abs_, _ = async_client(rec)

    async def go() -> list[Any]:
        return list(await asyncio.gather(*(abs_.monitors.get(1) for _ in range(5))))

    results = asyncio.run(go())
    assert len(rec.requests) == 1
    assert len(results) == 5
    assert abs_.stats.coalesced == 4


def test_a_waiter_sends_its_own_request_when_the_first_one_fails() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return json_response(403, {"errors": "no"})
        return by_path(request)

    abs_, _ = async_client(Recorder(handler))

    async def go() -> list[Any]:
        return list(
            await asyncio.gather(*(abs_.monitors.get(1) for _ in range(3)), return_exceptions=True)
        )

    results = asyncio.run(go())
    assert sum(isinstance(r, Exception) for r in results) == 1
    assert len(calls) == 2  # the failed one, then one of the waiters (the last one hits)


def test_memory_is_bounded_least_recently_used_out_first() -> None:
    cache = ResponseCache(CACHE_POLICY, max_entries=3)
    rec = Recorder(lambda r: json_response(200, {"data": {"id": r.url.path[-1], "type": "x"}}))
    bs, _ = sync_client(rec)
    bs._sender.cache = cache
    for n in (1, 2, 3):
        bs.monitors.get(n)
    bs.monitors.get(1)  # used again: 2 is now the oldest
    bs.monitors.get(4)
    assert len(cache) == 3
    assert cache.evictions == 1
    before = len(rec.requests)
    bs.monitors.get(1)
    assert len(rec.requests) == before
    bs.monitors.get(2)
    assert len(rec.requests) == before + 1

    tiny = ResponseCache(CACHE_POLICY, max_bytes=600)
    bs._sender.cache = tiny
    for n in range(1, 10):
        bs.monitors.get(n)
    assert tiny.bytes <= 600
    assert 0 < len(tiny) < 9


def _listing(items: list[dict[str, Any]], url: str, nxt: str | None) -> httpx.Response:
    return json_response(200, {"data": items, "pagination": {"next": nxt, "first": url}})


def test_a_complete_listing_answers_narrower_ones_trimmed() -> None:
    days = [f"2025-06-0{d}T10:00:00Z" for d in (1, 2, 3)]
    items = [incident(str(n), resolved=n % 2 == 0, started=days[n % 3]) for n in range(6)]
    items[5]["relationships"] = {"monitor": {"data": {"id": "2", "type": "monitor"}}}

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page", "1")
        url = str(request.url)
        if page == "1":
            return _listing(items[:3], url, str(request.url.copy_merge_params({"page": "2"})))
        return _listing(items[3:], url, None)

    rec = Recorder(handler)
    bs, _ = sync_client(rec)
    everything = bs.incidents.list(from_="2025-06-01", to="2025-06-03").to_list()
    assert len(everything) == 6
    assert len(rec.requests) == 2
    one_day = bs.incidents.list(from_="2025-06-02", to="2025-06-02").to_list()
    of_monitor = bs.incidents.list(from_="2025-06-01", to="2025-06-03", monitor_id=2).to_list()
    open_ones = bs.incidents.list(from_="2025-06-01", to="2025-06-02", resolved=False).to_list()
    assert len(rec.requests) == 2  # all three answered by the complete listing
    assert [i.id for i in one_day] == [i.id for i in everything if i.started_at.day == 2]  # type: ignore[union-attr]
    assert [i.id for i in of_monitor] == ["5"]
    assert [i.id for i in open_ones] == ["1", "3"]
    bs.incidents.list(from_="2025-05-31", to="2025-06-02").to_list()  # wider: asked (2 pages)
    assert len(rec.requests) == 4


def test_a_listing_reaching_today_answers_for_a_short_while_only() -> None:
    today = date(2025, 6, 3)
    items = [incident("1", resolved=True, started="2025-06-03T01:00:00Z")]
    rec = Recorder(lambda r: _listing(items, str(r.url), None))
    bs, _ = sync_client(rec)
    assert bs.cache is not None
    bs.cache._today = lambda: today
    clock = with_clock(bs)
    bs.incidents.list(from_="2025-06-01", to=today).to_list()
    clock.now += bs.cache.live_ttl - 1
    bs.incidents.list(from_="2025-06-01", to=today).to_list()
    assert len(rec.requests) == 1
    clock.now += 2
    bs.incidents.list(from_="2025-06-01", to=today).to_list()
    assert len(rec.requests) == 2
    # a sub-range that ends before the day it was fetched stays answerable for the TTL
    clock.now += 60
    bs.incidents.list(from_="2025-06-01", to=today - timedelta(days=1)).to_list()
    assert len(rec.requests) == 2


def test_bundles_of_one_client_share_the_cache_with_identical_findings() -> None:
    cached = BetterStack.sandbox(reference_time="2025-06-01T12:00:00Z")
    fresh = BetterStack.sandbox(sandbox=cached.sandbox_account, cache_ttl=0)
    ids = [i.id for i in fresh.incidents.list(from_="2025-06-01").to_list()][:6]
    assert len(ids) >= 3
    for iid in ids:
        a, b = cached.bundle(iid), fresh.bundle(iid)
        assert a.findings == b.findings
        assert a.diagnosis == b.diagnosis
        assert b.stats.cache_hits == 0
    assert cached.stats.cache_hits > 0
    assert cached.stats.requests < fresh.stats.requests - len(ids)
