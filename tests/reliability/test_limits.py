"""Resource limits: oversized bodies, absurd page counts and pagination loops end with a
typed error; `max_items` and the collector's caps bound what a huge account costs."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from betterstack_rca import AsyncBetterStack, BetterStack, ResponseParseError
from betterstack_rca._core.pagination import DEFAULT_MAX_PAGES

from .support import REF, headline_id, run_bounded, sandbox_client

TOKEN = "limits-token-0123456789"
BASE = "https://uptime.betterstack.com"
HANG = 30.0


def sync(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> BetterStack:
    client = BetterStack(TOKEN, transport=httpx.MockTransport(handler), max_rps=1e9, **options)
    client._sender._sleep = lambda _s: None
    return client


def run_async(handler: Callable[[httpx.Request], httpx.Response], work: Any) -> Any:
    async def main() -> Any:
        async with AsyncBetterStack(
            TOKEN, transport=httpx.MockTransport(handler), max_rps=1e9
        ) as client:
            return await work(client)

    return asyncio.run(main())


def monitors_page(page: int, *, next_page: int | None, last_page: int | None) -> dict[str, Any]:
    link = f"{BASE}/api/v2/monitors?page={{}}&per_page=250"
    return {
        "data": [{"id": str(page), "type": "monitor", "attributes": {}}],
        "pagination": {
            "first": link.format(1),
            "last": None if last_page is None else link.format(last_page),
            "prev": None,
            "next": None if next_page is None else link.format(next_page),
        },
    }


def page_number(request: httpx.Request) -> int:
    return int(request.url.params.get("page", "1"))


# --- body size ---------------------------------------------------------------------------------


def test_a_body_above_the_size_limit_is_a_parse_error_and_is_not_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, content=b'{"data": [' + b" " * 5000 + b"]}")

    client = sync(handler)
    client._sender.max_response_bytes = 1000
    with pytest.raises(ResponseParseError, match="byte limit"):
        client.monitors.list().to_list()
    assert len(calls) == 1


def test_an_endless_body_stops_at_the_size_limit() -> None:
    def endless() -> Iterator[bytes]:
        yield b'{"data": ['
        for _ in itertools.count():
            yield b'{"id": "1", "type": "monitor", "attributes": {}},' * 100

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    client = sync(handler)
    client._sender.max_response_bytes = 2_000_000
    _, error = run_bounded(lambda: client.monitors.get(1), HANG)
    assert isinstance(error, ResponseParseError)
    assert "byte limit" in str(error)


def test_the_size_limit_holds_for_the_async_client() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"[" + b"0," * 100_000 + b"0]")

    async def work(client: AsyncBetterStack) -> Any:
        client._sender.max_response_bytes = 10_000
        return await client.incidents.timeline(1)

    with pytest.raises(ResponseParseError, match="byte limit"):
        run_async(handler, work)


# --- page counts -------------------------------------------------------------------------------


def test_a_last_page_of_a_billion_is_refused_before_fetching_it() -> None:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(page_number(request))
        n = page_number(request)
        return httpx.Response(200, json=monitors_page(n, next_page=n + 1, last_page=10**9))

    with pytest.raises(ResponseParseError, match="max_pages"):
        run_async(handler, lambda client: client.monitors.list().to_list())
    assert seen == [1]  # the announcement alone ends it


def test_a_last_page_of_a_billion_with_max_items_fetches_only_what_is_needed() -> None:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(page_number(request))
        n = page_number(request)
        return httpx.Response(200, json=monitors_page(n, next_page=n + 1, last_page=10**9))

    items = run_async(handler, lambda client: client.monitors.list(max_items=5).to_list())
    assert len(items) == 5
    assert sorted(seen) == [1, 2, 3, 4, 5]
    assert len(sync(handler).monitors.list(max_items=5).to_list()) == 5


def test_an_api_that_never_stops_paging_ends_at_max_pages() -> None:
    count = itertools.count(1)

    def handler(request: httpx.Request) -> httpx.Response:
        next(count)
        n = page_number(request)
        return httpx.Response(200, json=monitors_page(n, next_page=n + 1, last_page=None))

    client = sync(handler)
    started = time.monotonic()
    _, error = run_bounded(lambda: client.monitors.list().to_list(), HANG)
    assert isinstance(error, ResponseParseError)
    assert f"max_pages={DEFAULT_MAX_PAGES}" in str(error)
    assert next(count) - 1 == DEFAULT_MAX_PAGES + 1
    assert time.monotonic() - started < HANG


# --- loops -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "links",
    [{1: 1}, {1: 2, 2: 1}, {1: 2, 2: 3, 3: 2}],
    ids=["self", "two-cycle", "tail-cycle"],
)
def test_a_next_loop_is_a_parse_error(links: dict[int, int]) -> None:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        n = page_number(request)
        seen.append(n)
        return httpx.Response(200, json=monitors_page(n, next_page=links[n], last_page=None))

    with pytest.raises(ResponseParseError, match="loops"):
        sync(handler).monitors.list().to_list()
    assert len(seen) <= len(links) + 1
    seen.clear()
    with pytest.raises(ResponseParseError, match="loops"):
        run_async(handler, lambda client: client.monitors.list().to_list())
    assert len(seen) <= len(links) + 1


# --- huge accounts -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def huge() -> BetterStack:
    return sandbox_client(scale=100)


def test_max_items_bounds_a_listing_of_a_huge_account(huge: BetterStack) -> None:
    account = huge.sandbox_account.account  # type: ignore[union-attr]
    assert account.incident_count > 100_000
    before = huge.stats.requests
    incidents = huge.incidents.list(max_items=500).to_list()
    assert len(incidents) == 500
    assert huge.stats.requests - before == 500 // 50  # pages of 50, not one more
    assert len({i.id for i in incidents}) == 500


def test_max_items_bounds_an_async_listing_of_a_huge_account() -> None:
    async def main() -> tuple[int, int]:
        async with AsyncBetterStack.sandbox(reference_time=REF, scale=100, max_rps=1e6) as client:
            items = await client.incidents.list(max_items=500).to_list()
            return len(items), client.stats.requests

    assert asyncio.run(main()) == (500, 10)


def test_a_lazy_listing_fetches_only_the_pages_it_reads(huge: BetterStack) -> None:
    def pages_read() -> int:  # sent, or answered by the cache (an earlier test read them)
        return huge.stats.requests + huge.stats.cache_hits

    before = pages_read()
    for n, _incident in enumerate(huge.incidents.list(), start=1):
        if n == 60:
            break
    assert pages_read() - before == 2


def test_a_bundle_in_a_huge_account_costs_what_it_costs_in_a_small_one(huge: BetterStack) -> None:
    small = sandbox_client()
    a = small.bundle(headline_id(small), now=REF)
    b = huge.bundle(headline_id(huge), now=REF, max_related_incidents=5, history="28d")
    assert b.stats.requests <= a.stats.requests + 2
    assert len(b.related_incidents) <= 5
    assert any("cap" in note for note in b.notes)
