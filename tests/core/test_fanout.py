"""The fan-out: sync and async paginators yield the same items in the same order.

Pages answer after different delays, so they complete out of order; the paginators must
still yield page 1, 2, 3... and stop, fail and clean up the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx
import pytest

from betterstack_rca import BetterStack, ResponseParseError, ServerError
from betterstack_rca._core.pagination import AsyncPaginator, PagedCall, SyncPaginator
from betterstack_rca._core.transport import track_requests

from .helpers import BASE, TOKEN, async_client, json_response, sync_client


def parse_ids(body: Any) -> list[str]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("expected an object with a 'data' list")
    return [str(item["id"]) for item in body["data"]]


PER_PAGE = 5
CALL = PagedCall("/api/v2/things", {}, parse_ids, per_page=PER_PAGE)


def delay_of(page: int) -> float:
    """A few milliseconds, different per page: later pages often finish first."""
    return (page * 7919 % 5) * 0.002


class Pages:
    """Serves `total` items as Better Stack does (absolute links, pages from 1), delaying
    each page by `delay_of(page)` and counting requests and requests in flight. A page in
    `fail` answers 500, a page in `garbled` answers a body of the wrong shape."""

    def __init__(
        self,
        total: int,
        *,
        fail: frozenset[int] = frozenset(),
        garbled: frozenset[int] = frozenset(),
        size: int | None = None,
    ) -> None:
        self.total, self.fail, self.garbled, self.size = total, fail, garbled, size
        self.last = max(1, -(-total // (size or PER_PAGE)))
        self.lock = threading.Lock()
        self.requested: list[int] = []
        self.now = self.most = 0

    def answer(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        # PER_PAGE, or max_items when smaller; `size` plays a server with its own page size
        size = self.size or int(request.url.params["per_page"])
        last = max(1, -(-self.total // size))
        if page in self.fail:
            return json_response(500, {"errors": f"page {page} broke"})
        if page in self.garbled:
            return json_response(200, {"data": {"id": "not a list"}})
        start = (page - 1) * size

        def link(n: int) -> str:
            return f"{BASE}/api/v2/things?page={n}&per_page={size}"

        ids = range(start, min(start + size, self.total))
        return json_response(
            200,
            {
                "data": [{"id": str(i)} for i in ids],
                "pagination": {
                    "first": link(1),
                    "last": link(last),
                    "prev": link(page - 1) if page > 1 else None,
                    "next": link(page + 1) if page < last else None,
                },
            },
        )

    def _enter(self, request: httpx.Request) -> float:
        page = int(request.url.params.get("page", "1"))
        with self.lock:
            self.requested.append(page)
            self.now += 1
            self.most = max(self.most, self.now)
        return delay_of(page)

    def _leave(self) -> None:
        with self.lock:
            self.now -= 1

    def sync_handler(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self._enter(request))
        self._leave()
        return self.answer(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self._enter(request))
        self._leave()
        return self.answer(request)


def sync_pager(pages: Pages, max_items: int | None = None) -> SyncPaginator[str]:
    client, _ = sync_client(pages.sync_handler, max_retries=0)
    return SyncPaginator(client._sender.get, CALL, max_items=max_items, concurrency=4)


def async_run(pages: Pages, use: Callable[[AsyncPaginator[str]], Any], **kw: Any) -> Any:
    client, _ = async_client(pages.async_handler, max_retries=0)

    async def main() -> Any:
        pager = AsyncPaginator(client._sender.get, CALL, concurrency=4, **kw)
        return await use(pager)

    return asyncio.run(main())


async def async_items(pager: AsyncPaginator[str]) -> list[str]:
    return [item async for item in pager]


async def async_to_list(pager: AsyncPaginator[str]) -> list[str]:
    return await pager.to_list()


@pytest.mark.parametrize(
    ("total", "max_items"),
    [(57, None), (57, 23), (57, 5), (57, 1), (57, 0), (10, None), (3, None), (0, None)],
)
def test_sync_and_async_yield_the_same_items_in_the_same_order(
    total: int, max_items: int | None
) -> None:
    expected = [str(i) for i in range(total if max_items is None else min(total, max_items))]
    fanned, lazy, async_list, async_lazy = Pages(total), Pages(total), Pages(total), Pages(total)

    assert sync_pager(fanned, max_items).to_list() == expected
    assert list(sync_pager(lazy, max_items)) == expected
    assert async_run(async_list, async_to_list, max_items=max_items) == expected
    assert async_run(async_lazy, async_items, max_items=max_items) == expected

    # the sync fan-out asks for exactly the pages the async one asks for
    assert sorted(fanned.requested) == sorted(async_list.requested)
    if max_items is not None and max_items > 1:
        # the first page is smaller then: only the pages that max_items needs
        assert len(fanned.requested) <= -(-max_items // PER_PAGE) + 1
    if fanned.last > 2 and (max_items is None or max_items > 2 * PER_PAGE):
        assert fanned.most > 1  # concurrent
        assert fanned.most <= 4  # within the paginator's concurrency
    assert lazy.most <= 1  # iterating the sync paginator stays one page at a time


def test_a_page_that_fails_fails_both_at_that_page() -> None:
    broken = frozenset({6})
    with pytest.raises(ServerError, match="page 6 broke"):
        sync_pager(Pages(57, fail=broken)).to_list()
    with pytest.raises(ServerError, match="page 6 broke"):
        async_run(Pages(57, fail=broken), async_to_list)

    # what a loop saw before the failure: pages 1-5, in order, for both
    seen, error = drain(sync_pager(Pages(57, fail=broken)))
    assert isinstance(error, ServerError)

    async def collect(pager: AsyncPaginator[str]) -> tuple[list[str], Exception | None]:
        got: list[str] = []
        try:
            async for item in pager:
                got.append(item)
        except Exception as exc:
            return got, exc
        return got, None

    async_seen, async_error = async_run(Pages(57, fail=broken), collect)
    assert isinstance(async_error, ServerError)
    assert async_seen == seen == [str(i) for i in range(25)]


def drain(items: Iterable[str]) -> tuple[list[str], Exception | None]:
    """The items a loop got, and the error that ended it (if any)."""
    got: list[str] = []
    try:
        for item in items:
            got.append(item)
    except Exception as exc:
        return got, exc
    return got, None


def test_a_garbled_page_is_a_parse_error_in_both() -> None:
    garbled = frozenset({3})
    with pytest.raises(ResponseParseError, match="data"):
        sync_pager(Pages(57, garbled=garbled)).to_list()
    with pytest.raises(ResponseParseError, match="data"):
        async_run(Pages(57, garbled=garbled), async_to_list)


class Stop(Exception):
    pass


def _pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("betterstack-rca")]


def test_an_error_in_the_consumer_leaves_nothing_running() -> None:
    pages = Pages(57)
    pager = sync_pager(pages)

    def stop_at_page_3() -> None:
        for n, _page in enumerate(pager._pages(fan_out=True), start=1):
            if n == 3:
                raise Stop

    with pytest.raises(Stop):
        stop_at_page_3()
    assert not _pool_threads()  # the pool was shut down, its requests waited for
    assert pages.now == 0
    assert len(pages.requested) <= 3 + 2 * 4  # at most 2 x concurrency pages ahead

    async def stop_early(pager: AsyncPaginator[str]) -> set[asyncio.Task[Any]]:
        async def consume() -> None:
            # an async generator left by an exception closes when the loop gets to it;
            # aclosing() closes it at once (the pattern for stopping early)
            async with contextlib.aclosing(pager.pages()) as pages:
                async for page in pages:
                    if "12" in page.items:
                        raise Stop

        with pytest.raises(Stop):
            await consume()
        return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}

    assert async_run(Pages(57), stop_early) == set()  # every page task ended


def test_the_sync_fan_out_is_paced_counted_and_wired_into_the_client() -> None:
    pages = Pages(57, size=PER_PAGE)

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v2/monitors"
        response = pages.sync_handler(request)
        body = response.json()
        for item in body["data"]:
            item["type"] = "monitor"
            item["attributes"] = {"pronounceable_name": f"m{item['id']}"}
        for name, link in body["pagination"].items():
            if link:
                body["pagination"][name] = link.replace("/things", "/monitors")
        return json_response(200, body)

    client = BetterStack(
        TOKEN, transport=httpx.MockTransport(handler), max_rps=1000, max_concurrency=3
    )
    slept: list[float] = []
    client._sender._sleep = slept.append
    with track_requests() as stats:  # counts the requests of the worker threads too
        monitors = client.monitors.list().to_list()
    assert [m.id for m in monitors] == [str(i) for i in range(57)]
    assert stats.requests == client.stats.requests == pages.last
    assert 1 < pages.most <= 3  # the client's max_concurrency


def test_a_lazy_sync_loop_fetches_only_the_pages_it_reads() -> None:
    pages = Pages(57)
    for n, _item in enumerate(sync_pager(pages), start=1):
        if n == PER_PAGE + 2:
            break
    assert pages.requested == [1, 2]


class _Lookups:
    """A meta path finder that only records which modules Python looks for."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        self.names.append(name)


def test_an_async_listing_over_real_sockets_looks_up_no_module() -> None:
    # httpcore's async locks `import sniffio` for every request: were it missing, every
    # request would search sys.path for it again (a dependency of this project for that)
    from betterstack_rca import AsyncBetterStack
    from betterstack_rca.sandbox import SANDBOX_TOKEN, Sandbox, SandboxApp, SandboxServer

    app = SandboxApp(Sandbox(seed=0, scale=3).account)
    lookups = _Lookups()

    async def main(url: str) -> int:
        async with AsyncBetterStack(SANDBOX_TOKEN, base_url=url, max_rps=1e6) as client:
            await client.monitors.list().to_list()  # warm: the first request imports lazily
            sys.meta_path.insert(0, lookups)
            try:
                monitors = await client.monitors.list().to_list()
            finally:
                sys.meta_path.remove(lookups)
            return len(monitors)

    with SandboxServer(app) as server:
        assert asyncio.run(main(server.url)) == len(app.account.monitors)
    assert lookups.names == []


def test_async_to_list_sends_the_other_pages_before_parsing_the_first() -> None:
    events: list[str] = []
    pages = Pages(57)

    async def handler(request: httpx.Request) -> httpx.Response:
        events.append(f"request {request.url.params.get('page', '1')}")
        return await pages.async_handler(request)

    def parse(body: Any) -> list[str]:
        ids = parse_ids(body)
        events.append(f"parse {int(ids[0]) // PER_PAGE + 1}")
        return ids

    client, _ = async_client(handler, max_retries=0)
    call = PagedCall("/api/v2/things", {}, parse, per_page=PER_PAGE)

    async def main() -> tuple[list[str], list[str]]:
        pager = AsyncPaginator(client._sender.get, call, concurrency=4)
        eager = await pager.to_list()
        first = len(events)
        lazy = [item async for item in pager]
        events.insert(first, "--")
        return eager, lazy

    eager, lazy = asyncio.run(main())
    assert eager == lazy == [str(i) for i in range(57)]
    to_list, loop = events[: events.index("--")], events[events.index("--") + 1 :]
    # to_list() wants every page: pages 2.. are on the wire before page 1 is parsed
    assert to_list.index("request 2") < to_list.index("parse 1")
    # a loop may stop after page 1: nothing more is asked for until it wants page 2
    assert loop.index("parse 1") < loop.index("request 2")
