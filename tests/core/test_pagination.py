"""Paginators: lazy, ordered, bounded, and unwilling to send the token elsewhere."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from betterstack_rca import ResponseParseError
from betterstack_rca._core.pagination import AsyncPaginator, PagedCall, SyncPaginator

from .helpers import BASE, Recorder, async_client, json_response, sync_client


def parse_ids(body: Any) -> list[str]:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("expected an object with a 'data' list")
    return [str(item["id"]) for item in body["data"]]


def pages_handler(total_items: int, per_page: int, host: str = BASE) -> Any:
    """Serve /api/v2/things as Better Stack does: absolute links, pages from 1."""
    last = max(1, -(-total_items // per_page))

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        size = int(request.url.params.get("per_page", "50"))
        assert size == per_page
        start = (page - 1) * per_page
        ids = list(range(start, min(start + per_page, total_items)))

        def link(n: int) -> str:
            return f"{host}/api/v2/things?page={n}&per_page={per_page}"

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

    return handler


CALL = PagedCall("/api/v2/things", {}, parse_ids, per_page=2)


def test_sync_paginator_follows_next_over_several_pages() -> None:
    rec = Recorder(pages_handler(7, 2))
    client, _ = sync_client(rec)
    pager = SyncPaginator(client._sender.get, CALL)
    assert list(pager) == [str(i) for i in range(7)]
    assert len(rec.requests) == 4
    assert [r.url.params["page"] for r in rec.requests[1:]] == ["2", "3", "4"]


def test_pages_and_first_page() -> None:
    client, _ = sync_client(Recorder(pages_handler(5, 2)))
    pager = SyncPaginator(client._sender.get, CALL)
    assert [len(p.items) for p in pager.pages()] == [2, 2, 1]
    first = pager.first_page()
    assert first.items == ["0", "1"]
    assert first.total_pages == 3


def test_max_items_stops_early_and_asks_for_small_pages() -> None:
    rec = Recorder(pages_handler(100, 2))
    client, _ = sync_client(rec)
    pager = SyncPaginator(client._sender.get, CALL, max_items=3)
    assert pager.to_list() == ["0", "1", "2"]
    assert len(rec.requests) == 2


def test_empty_first_page_yields_nothing() -> None:
    rec = Recorder(pages_handler(0, 2))
    client, _ = sync_client(rec)
    assert SyncPaginator(client._sender.get, CALL).to_list() == []
    assert len(rec.requests) == 1


def test_foreign_host_next_link_is_refused_before_any_request() -> None:
    rec = Recorder(pages_handler(6, 2, host="https://uptime.pdev"))
    client, _ = sync_client(rec)
    with pytest.raises(ResponseParseError, match="another host"):
        SyncPaginator(client._sender.get, CALL).to_list()
    assert len(rec.requests) == 1
    assert all(r.url.host == "uptime.betterstack.com" for r in rec.requests)


@pytest.mark.parametrize(
    "link",
    [
        "http://uptime.betterstack.com/api/v2/things?page=2",
        "https://uptime.betterstack.com:8443/api/v2/things?page=2",
    ],
)
def test_scheme_and_port_must_match_too(link: str) -> None:
    body = {"data": [{"id": "1"}], "pagination": {"next": link}}
    client, _ = sync_client(Recorder([json_response(200, body)]))
    with pytest.raises(ResponseParseError, match="another host"):
        SyncPaginator(client._sender.get, CALL).to_list()


def test_repeating_next_link_stops_with_an_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(
            200,
            {
                "data": [{"id": "1"}],
                "pagination": {"next": f"{BASE}/api/v2/things?page=2&per_page=2"},
            },
        )

    rec = Recorder(handler)
    client, _ = sync_client(rec)
    with pytest.raises(ResponseParseError, match="loops"):
        SyncPaginator(client._sender.get, CALL).to_list()
    assert len(rec.requests) <= 3


def test_wrong_shape_page_is_a_parse_error() -> None:
    client, _ = sync_client(Recorder([json_response(200, {"data": {"id": "1"}})]))
    with pytest.raises(ResponseParseError, match="data"):
        SyncPaginator(client._sender.get, CALL).to_list()


def test_max_pages_bounds_a_runaway_listing() -> None:
    client, _ = sync_client(Recorder(pages_handler(50, 2)))
    pager = SyncPaginator(client._sender.get, CALL, max_pages=5)
    with pytest.raises(ResponseParseError, match="max_pages"):
        pager.to_list()


class InFlight:
    """An async handler that records how many requests were in flight at once."""

    def __init__(self, inner: Any, delay: float = 0.01) -> None:
        self.inner, self.delay = inner, delay
        self.now = 0
        self.most = 0
        self.count = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.count += 1
        self.most = max(self.most, self.now)
        await asyncio.sleep(self.delay)
        self.now -= 1
        return self.inner(request)


def test_async_paginator_fans_out_and_keeps_order() -> None:
    handler = InFlight(pages_handler(40, 2))
    client, _ = async_client(handler, max_concurrency=4)

    async def run() -> list[str]:
        pager = AsyncPaginator(client._sender.get, CALL, concurrency=4)
        return [item async for item in pager]

    items = asyncio.run(run())
    assert items == [str(i) for i in range(40)]
    assert handler.count == 20
    assert handler.most == 4


def test_async_paginator_without_last_follows_next_one_at_a_time() -> None:
    base = pages_handler(6, 2)

    def no_last(request: httpx.Request) -> httpx.Response:
        response = base(request)
        import json

        body = json.loads(response.content)
        body["pagination"]["last"] = None
        return json_response(200, body)

    handler = InFlight(no_last)
    client, _ = async_client(handler, max_concurrency=4)
    items = asyncio.run(AsyncPaginator(client._sender.get, CALL, concurrency=4).to_list())
    assert items == [str(i) for i in range(6)]
    assert handler.most == 1


def test_async_max_items_limits_requests() -> None:
    handler = InFlight(pages_handler(100, 2))
    client, _ = async_client(handler, max_concurrency=8)
    pager = AsyncPaginator(client._sender.get, CALL, concurrency=8, max_items=5)
    assert asyncio.run(pager.to_list()) == ["0", "1", "2", "3", "4"]
    assert handler.count <= 4


def test_async_absurd_page_count_is_a_typed_error() -> None:
    def huge(request: httpx.Request) -> httpx.Response:
        return json_response(
            200,
            {
                "data": [{"id": "1"}],
                "pagination": {
                    "next": f"{BASE}/api/v2/things?page=2",
                    "last": f"{BASE}/api/v2/things?page=999999999",
                },
            },
        )

    client, _ = async_client(huge)
    with pytest.raises(ResponseParseError, match="max_pages"):
        asyncio.run(AsyncPaginator(client._sender.get, CALL).to_list())


def test_async_foreign_next_is_refused() -> None:
    client, _ = async_client(pages_handler(6, 2, host="https://evil.example"))
    with pytest.raises(ResponseParseError, match="another host"):
        asyncio.run(AsyncPaginator(client._sender.get, CALL).to_list())


def test_pages_are_numbered_from_one() -> None:
    client, _ = sync_client(Recorder(pages_handler(5, 2)))
    numbers = [p.number for p in SyncPaginator(client._sender.get, CALL).pages()]
    assert numbers == [1, 2, 3]

    async_c, _ = async_client(pages_handler(5, 2))

    async def collect() -> list[int | None]:
        return [p.number async for p in AsyncPaginator(async_c._sender.get, CALL).pages()]

    assert asyncio.run(collect()) == [1, 2, 3]
