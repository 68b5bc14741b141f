"""Answers recorded from the live API by other projects: how pages end, where older page
links point, and what an empty 404 says. Fixtures written for this suite, in those shapes."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from betterstack_rca import NotFoundError, ResponseParseError
from betterstack_rca._core.pagination import AsyncPaginator, PagedCall, SyncPaginator

from .helpers import Recorder, async_client, json_response, sync_client


def parse_ids(body: Any) -> list[str]:
    return [str(item["id"]) for item in body["data"]]


CALL = PagedCall("/api/v2/monitors", {}, parse_ids, per_page=2)


def two_pages(link_host: str, *, end: Any = None) -> Any:
    """Page 1 links page 2 on `link_host`; page 2 ends with `next` = `end`."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("page", "1")
        if page == "1":
            return json_response(
                200,
                {
                    "data": [{"id": "1"}, {"id": "2"}],
                    "pagination": {"next": f"{link_host}/api/v2/monitors?page=2&per_page=2"},
                },
            )
        return json_response(200, {"data": [{"id": "3"}], "pagination": {"next": end}})

    return handler


@pytest.mark.parametrize("end", ["", None, "   "])
def test_an_empty_next_link_ends_the_listing(end: Any) -> None:
    rec = Recorder(two_pages("https://uptime.betterstack.com", end=end))
    client, _ = sync_client(rec)
    assert SyncPaginator(client._sender.get, CALL).to_list() == ["1", "2", "3"]
    assert len(rec.requests) == 2


def test_former_host_links_are_followed_on_the_default_host() -> None:
    rec = Recorder(two_pages("https://betteruptime.com"))
    client, _ = sync_client(rec)  # the default base URL
    assert SyncPaginator(client._sender.get, CALL).to_list() == ["1", "2", "3"]
    # the token went to the configured host only, never to the old one
    assert {r.url.host for r in rec.requests} == {"uptime.betterstack.com"}
    assert rec.requests[1].url.params["page"] == "2"


def test_former_host_links_are_followed_by_the_async_paginator_too() -> None:
    rec = Recorder(two_pages("https://betteruptime.com"))
    client, _ = async_client(rec)
    items = asyncio.run(AsyncPaginator(client._sender.get, CALL).to_list())
    assert items == ["1", "2", "3"]
    assert {r.url.host for r in rec.requests} == {"uptime.betterstack.com"}


def test_former_host_links_are_refused_for_a_custom_base_url() -> None:
    rec = Recorder(two_pages("https://betteruptime.com"))
    client, _ = sync_client(rec, base_url="https://uptime.eu.example.net")
    with pytest.raises(ResponseParseError, match="another host"):
        SyncPaginator(client._sender.get, CALL).to_list()
    assert len(rec.requests) == 1


@pytest.mark.parametrize("host", ["https://evil.example.com", "https://betteruptime.com.evil.io"])
def test_other_hosts_are_still_refused(host: str) -> None:
    rec = Recorder(two_pages(host))
    client, _ = sync_client(rec)
    with pytest.raises(ResponseParseError, match="another host"):
        SyncPaginator(client._sender.get, CALL).to_list()
    assert len(rec.requests) == 1


@pytest.mark.parametrize("body", [{}, [], {"errors": None}, {"errors": ""}])
def test_a_404_with_an_empty_json_body_says_not_found_and_the_path(body: Any) -> None:
    client, _ = sync_client(lambda r: json_response(404, body))
    with pytest.raises(NotFoundError) as info:
        client.get_json("/api/v2/monitors/2100004")
    assert str(info.value) == "GET /api/v2/monitors/2100004: HTTP 404: Not Found"
    assert info.value.body == body
