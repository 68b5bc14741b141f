"""A hostile or broken server (a proxy, a man in the middle) cannot make the client use
unbounded memory or time (issue 14, items 1-4). Each test failed on the main before the fix.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from betterstack_rca import (
    APITimeoutError,
    AsyncBetterStack,
    BetterStack,
    BetterStackError,
    ResponseParseError,
    ServerError,
)

from .support import run_bounded

TOKEN = "hostile-token-0123456789"
PREFIX = 16 * 1024  # how much of an error body is parsed (http.PREFIX)
LIMIT = 1024 * 1024  # a lowered max_response_bytes keeps the bombs small and fast


def sync(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> BetterStack:
    options.setdefault("max_retries", 0)
    client = BetterStack(TOKEN, transport=httpx.MockTransport(handler), max_rps=1e9, **options)
    client._sender._sleep = lambda _s: None
    client._sender.max_response_bytes = LIMIT
    return client


def bomb(decoded: int, layers: int = 2) -> bytes:
    body = b'{"data": [], "pad": "' + b"0" * decoded + b'"}'
    for _ in range(layers):
        body = gzip.compress(body, compresslevel=9)
    return body


# --- 1. decompression bomb ---------------------------------------------------------------


def test_a_gzip_gzip_bomb_stays_within_a_small_multiple_of_the_limit() -> None:
    payload = bomb(48 * LIMIT)  # 48 MiB decoded from a few KB
    assert len(payload) < 8 * 1024

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-encoding": "gzip, gzip"}, stream=httpx.ByteStream(payload)
        )

    client = sync(handler)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseParseError, match="byte limit"):
            client.get_json("/api/v2/monitors")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * LIMIT, f"peak {peak} bytes"


def test_the_bomb_is_bounded_for_the_async_client_too() -> None:
    payload = bomb(48 * LIMIT)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-encoding": "gzip, gzip"}, stream=httpx.ByteStream(payload)
        )

    async def main() -> int:
        async with AsyncBetterStack(
            TOKEN, transport=httpx.MockTransport(handler), max_rps=1e9, max_retries=0
        ) as client:
            client._sender.max_response_bytes = LIMIT
            tracemalloc.start()
            try:
                with pytest.raises(ResponseParseError, match="byte limit"):
                    await client.get_json("/api/v2/monitors")
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    assert asyncio.run(main()) < 4 * LIMIT


def test_more_content_encodings_than_the_cap_are_refused() -> None:
    payload = bomb(100, layers=3)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-encoding": "gzip, gzip, gzip"}, stream=httpx.ByteStream(payload)
        )

    with pytest.raises(ResponseParseError, match="content encodings"):
        sync(handler).get_json("/api/v2/monitors")


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
        ("gzip, deflate", lambda b: zlib.compress(gzip.compress(b))),
        ("identity", lambda b: b),
    ],
)
def test_ordinary_encodings_still_decode(encoding: str, encode: Callable[[bytes], bytes]) -> None:
    body = json.dumps({"data": [{"id": str(n)} for n in range(5000)]}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        return httpx.Response(
            200, headers={"content-encoding": encoding}, stream=httpx.ByteStream(encode(body))
        )

    assert len(sync(handler).get_json("/api/v2/monitors")["data"]) == 5000


def test_a_corrupt_or_unknown_encoding_is_a_parse_error() -> None:
    for encoding, content in (("gzip", b"\x1f\x8b not gzip at all"), ("br", b"\x00\x01")):

        def handler(request: httpx.Request, e: str = encoding, c: bytes = content) -> Any:
            return httpx.Response(200, headers={"content-encoding": e}, stream=httpx.ByteStream(c))

        with pytest.raises(ResponseParseError):
            sync(handler).get_json("/api/v2/monitors")


# --- 2. error pages ----------------------------------------------------------------------


def test_only_a_bounded_prefix_of_an_error_page_is_parsed() -> None:
    # 480 KB of unclosed <title> tags made a lazy regex quadratic; a title after the
    # prefix is not even looked for
    from betterstack_rca._core.http import ERROR_BODY_PREFIX, html_title

    assert ERROR_BODY_PREFIX == PREFIX
    page = b"<html><head>" + b"<title>x" * 60_000 + b"</title>"
    title = html_title(page)
    assert title is not None
    assert title.startswith(b"x<title>x")
    assert len(title) < PREFIX
    late = b"<html><body>" + b" " * (2 * PREFIX) + b"<title>Late title</title>"

    def handler(request: httpx.Request) -> httpx.Response:
        body = late if request.url.path.endswith("late") else page
        return httpx.Response(503, headers={"content-type": "text/html"}, content=body)

    client = sync(handler)
    with pytest.raises(ServerError) as late_error:
        client.get_json("/late")
    assert "Late title" not in str(late_error.value)
    with pytest.raises(ServerError, match="HTML error page") as error:
        client.get_json("/page")
    assert len(str(error.value)) < 400


def test_html_title_is_found_without_a_regex() -> None:
    from betterstack_rca._core.http import html_title

    assert html_title(b"<HTML><Title lang=en>502 Bad Gateway</TITLE>") == b"502 Bad Gateway"
    assert html_title(b"<html><title>cut") == b"cut"
    assert html_title(b"<html><body>no title") is None


# --- 3. total deadline -------------------------------------------------------------------


class Trickle(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that sends one byte every `every` seconds, for ever (until closed)."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.closed = threading.Event()

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"data": ['
        while not self.closed.wait(self.every):
            yield b" "

    async def __aiter__(self) -> Any:
        yield b'{"data": ['
        while not self.closed.is_set():
            await asyncio.sleep(self.every)
            yield b" "

    def close(self) -> None:
        self.closed.set()

    async def aclose(self) -> None:
        self.closed.set()


def trickling(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, stream=Trickle())


def test_a_trickling_body_ends_at_the_total_timeout() -> None:
    client = sync(trickling, timeout=0.3)
    _, error = run_bounded(lambda: client.get_json("/api/v2/monitors"), timeout=15)
    assert isinstance(error, APITimeoutError), error
    assert "total timeout" in str(error)


def test_a_trickling_body_ends_at_the_total_timeout_async() -> None:
    async def main() -> BaseException | None:
        async with AsyncBetterStack(
            TOKEN, transport=httpx.MockTransport(trickling), timeout=0.3, max_retries=0
        ) as client:
            try:
                await client.get_json("/api/v2/monitors")
            except BetterStackError as exc:
                return exc
        return None

    result, crash = run_bounded(lambda: asyncio.run(main()), timeout=15)
    assert crash is None
    assert isinstance(result, APITimeoutError)


def _threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("betterstack-rca")}


def test_stuck_bundles_give_their_slots_back_and_their_threads_end() -> None:
    """Eight bundles stuck on trickling answers held all eight slots for ever; the next
    bundle sent nothing. Now each gives up at its deadline, and its threads end."""
    stuck = threading.Event()
    stuck.set()
    served: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        served.append(request.url.path)
        if stuck.is_set():
            return httpx.Response(200, stream=Trickle())
        return httpx.Response(404, json={"errors": "Resource with provided ID was not found"})

    client = sync(handler, timeout=30.0)  # the per-request timeout alone would not help
    before = _threads()

    def stuck_bundles() -> list[BaseException | None]:
        errors: list[BaseException | None] = []
        for _ in range(8):
            try:
                client.bundle("1", deadline=0.2)
            except BetterStackError as exc:
                errors.append(exc)
        return errors

    errors, crash = run_bounded(stuck_bundles, timeout=30)
    assert crash is None
    assert errors is not None
    assert all(isinstance(e, APITimeoutError) for e in errors)
    stuck.clear()
    served.clear()
    # eager=False: the incident alone, so exactly one request shows that a slot was free
    _, error = run_bounded(lambda: client.bundle("2", deadline=5, eager=False), timeout=15)
    assert served == ["/api/v3/incidents/2"]  # the slot was free: the request went out
    assert type(error).__name__ == "NotFoundError"
    for _ in range(200):  # the abandoned threads end (bounded wait, no timing asserted)
        if not (_threads() - before):
            break
        time.sleep(0.05)
    assert not (_threads() - before)


# --- 4. deep nesting ---------------------------------------------------------------------


def test_an_errors_member_nested_600_deep_is_a_typed_error() -> None:
    deep = "[" * 600 + '"boom"' + "]" * 600
    deep_object = '{"a":' * 600 + "1" + "}" * 600

    for body in (f'{{"errors": {deep}}}', f'{{"errors": {deep_object}}}'):

        def handler(request: httpx.Request, b: str = body) -> httpx.Response:
            return httpx.Response(500, content=b.encode())

        with pytest.raises(ServerError) as error:
            sync(handler).get_json("/api/v2/monitors")
        assert len(str(error.value)) < 700


def test_a_value_nested_300_deep_is_a_parse_error_not_a_value_error() -> None:
    deep = '{"x":' * 300 + "1" + "}" * 300
    body = f'{{"data": {{"id": "1", "type": "monitor", "attributes": {{"extra": {deep}}}}}}}'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body.encode())

    with pytest.raises(ResponseParseError, match="nested deeper"):
        sync(handler).monitors.get("1")


class DeepComments(httpx.BaseTransport):
    """The sandbox, but one comment carries an unknown field nested 300 deep."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if not request.url.path.endswith("/comments"):
            return response
        response.read()
        body = json.loads(response.content)
        deep: Any = 1
        for _ in range(300):
            deep = {"x": deep}
        for item in body.get("data") or []:
            item.setdefault("attributes", {})["extra"] = deep
        return httpx.Response(response.status_code, json=body, request=request)


def test_a_deep_comment_is_a_gap_and_the_report_still_writes_its_index(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from betterstack_rca.cli import _common, main

    from .support import headline_id, sandbox_client

    client = sandbox_client(wrap=DeepComments)
    bundle = client.bundle(headline_id(client))
    gaps = {g.source: g for g in bundle.gaps}
    assert gaps["comments"].error == "ResponseParseError"
    assert "nested deeper" in gaps["comments"].message
    assert json.loads(bundle.to_json())["incident"]["id"] == headline_id(client)
    assert bundle.to_markdown()

    original = _common.sandbox_client
    _common.sandbox_client = lambda seed, max_rps: sandbox_client(wrap=DeepComments)
    try:
        code = main(
            ["--sandbox", "report", "--since", "7d", "--limit", "2", "--out", str(tmp_path)]
        )
    finally:
        _common.sandbox_client = original
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "index.md").exists()
