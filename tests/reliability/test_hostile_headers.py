"""A hostile server before the body (a real socket on 127.0.0.1, `raw_server.py`): the total
timeout bounds the sync client's connect, send, status line and headers as it bounds the
async client's (issue 20). On the main before the fix, the sync client waited for as long as
the server trickled its headers or sent ``100 Continue`` (``header-trickle``,
``slow-header-lines``, ``interim`` hung; ``silent`` and ``backlog`` ended with another message).

Each case runs sync and async side by side and asserts that the call ended (within 10x its
deadline: a hang guard, not a speed assertion) with the same typed error and message.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import httpcore
import httpx
import pytest

from betterstack_rca import APIConnectionError, APITimeoutError, AsyncBetterStack, BetterStack
from betterstack_rca._core import deadline
from betterstack_rca._core.backend import LIMITS, DeadlineBackend

from .raw_server import RawServer
from .support import run_bounded

TOKEN = "hostile-token-0123456789"
TIMEOUT = 0.5  # the total timeout of one attempt
EVERY = 0.6 * TIMEOUT  # each trickled byte comes well within httpx's per-read timeout


def call(mode: str, url: str, **options: Any) -> Callable[[], object]:
    """A `get_json` of the sync or the async client, no retry sleeps, as a thunk."""
    options = {"timeout": TIMEOUT, "max_retries": 0, "max_rps": 1e6, **options}

    def sync() -> object:
        with BetterStack(TOKEN, base_url=url, **options) as client:
            client._sender._sleep = lambda _s: None
            return client.get_json("/api/v2/monitors")

    async def no_sleep(_seconds: float) -> None:
        return None

    async def main() -> object:
        async with AsyncBetterStack(TOKEN, base_url=url, **options) as client:
            client._sender._sleep = no_sleep
            return await client.get_json("/api/v2/monitors")

    return sync if mode == "sync" else lambda: asyncio.run(main())


def outcome(mode: str, server: RawServer, attempts: int = 1, **options: Any) -> BaseException:
    """The error the call ended with; fails the test if it ran past 10x its deadlines."""
    result, error = run_bounded(call(mode, server.url, **options), timeout=10 * TIMEOUT * attempts)
    assert error is not None, f"{mode}: no error, got {result!r}"
    return error


def shape(error: BaseException) -> str:
    """The message with the server's port left out (each server has its own)."""
    return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", str(error))


def chain(error: BaseException) -> list[BaseException]:
    links: list[BaseException] = []
    node = error.__cause__ or error.__context__
    while node is not None and len(links) < 20:
        links.append(node)
        node = node.__cause__ or node.__context__
    return links


PRE_BODY = ["header-trickle", "slow-header-lines", "interim", "silent", "backlog"]


@pytest.mark.parametrize("behaviour", PRE_BODY)
def test_the_total_timeout_bounds_everything_before_the_body(behaviour: str) -> None:
    errors = {}
    for mode in ("sync", "async"):
        with RawServer(behaviour, every=EVERY) as server:
            errors[mode] = outcome(mode, server)
    for mode, error in errors.items():
        assert type(error) is APITimeoutError, f"{mode}: {error!r}"
        assert "0.5 s total timeout" in str(error), f"{mode}: {error}"
        assert not any(
            isinstance(e, httpx.HTTPError | httpcore.TimeoutException) for e in chain(error)
        )
    assert shape(errors["sync"]) == shape(errors["async"])
    assert shape(errors["sync"]) == (
        "GET /api/v2/monitors: the answer did not arrive within the 0.5 s total timeout; "
        "gave up after 1 attempt"
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_each_retry_gets_its_own_deadline_and_the_call_still_ends(mode: str) -> None:
    with RawServer("header-trickle", every=EVERY) as server:
        error = outcome(mode, server, attempts=3, max_retries=2)
        connections = server.connections
    assert type(error) is APITimeoutError
    assert str(error).endswith("gave up after 3 attempts")
    assert connections == 3  # a timed-out connection is not reused: each retry connects anew


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_an_endless_header_block_is_cut_at_h11s_size_cap(mode: str) -> None:
    # header lines as fast as the socket takes them: never a hang, never unbounded memory;
    # httpcore's h11 refuses a header block over 100 KiB, a typed (retryable) error
    with RawServer("endless-headers") as server:
        error = outcome(mode, server)
        connections = server.connections
    assert type(error) is APIConnectionError, repr(error)
    assert "Receive buffer too long" in str(error)
    assert connections == 1
    assert len(str(error)) < 300
    assert not any(isinstance(e, httpx.HTTPError) for e in chain(error))


def test_a_well_behaved_server_still_works_with_keep_alive_and_tcp_nodelay() -> None:
    import http.server
    import threading

    class Answer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = b'{"data": [1, 2, 3]}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ports: set[int] = set()

    class Server(http.server.ThreadingHTTPServer):
        def process_request(self, request: Any, client_address: Any) -> None:
            ports.add(client_address[1])
            super().process_request(request, client_address)

    server = Server(("127.0.0.1", 0), Answer)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with BetterStack(TOKEN, base_url=url, timeout=5, max_rps=1e6) as client:
            assert client.get_json("/api/v2/monitors") == {"data": [1, 2, 3]}
            assert client.get_json("/api/v2/monitors") == {"data": [1, 2, 3]}
            with client._http.stream("GET", f"{url}/api/v2/monitors") as response:
                stream = response.extensions["network_stream"]
                sock = stream.get_extra_info("socket")
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            pool = client._http._transport._inner._pool  # type: ignore[attr-defined]
            assert isinstance(pool._network_backend, DeadlineBackend)
    finally:
        server.shutdown()
        server.server_close()
    assert len(ports) == 1  # three requests, one connection: keep-alive as before
    default = httpx.HTTPTransport()._pool
    assert (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry) == (
        default._max_connections,
        default._max_keepalive_connections,
        default._keepalive_expiry,
    )
    assert LIMITS.max_connections == default._max_connections


class Recorder(httpcore.NetworkBackend):
    """An inner backend that records the timeouts it was given (no socket)."""

    def __init__(self) -> None:
        self.timeouts: list[float | None] = []
        self.fail = False

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, *args: Any) -> Any:
        self.timeouts.append(timeout)
        return Stream(self)


class Stream(httpcore.NetworkStream):
    def __init__(self, backend: Recorder) -> None:
        self.backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.backend.timeouts.append(timeout)
        if self.backend.fail:
            raise httpcore.ReadTimeout("timed out")
        return b""

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.backend.timeouts.append(timeout)

    def start_tls(self, ssl_context: Any, server_hostname: Any = None, timeout: Any = None) -> Any:
        self.backend.timeouts.append(timeout)
        return self


def test_each_operation_gets_the_smaller_of_its_timeout_and_the_time_left() -> None:
    inner = Recorder()
    backend = DeadlineBackend(inner)
    stream = backend.connect_tcp("h", 1, timeout=7.0)  # outside an attempt: as given
    stream.read(10, timeout=None)
    assert inner.timeouts == [7.0, None]

    inner.timeouts.clear()
    with deadline.within(time.monotonic() + 1000.0) as budget:  # 1000 s left
        stream.read(10, timeout=7.0)  # its own timeout is the smaller
        stream.write(b"x", timeout=None)  # no timeout of its own: the time left
        stream.write(b"", timeout=None)  # nothing to write: nothing done
    assert inner.timeouts[0] == 7.0
    left = inner.timeouts[1]
    assert left is not None
    assert 990 < left <= 1000
    assert len(inner.timeouts) == 2
    assert not budget.spent

    inner.fail = True
    with deadline.within(time.monotonic() + 1000.0) as budget:
        with pytest.raises(httpcore.ReadTimeout):
            stream.read(10, timeout=7.0)  # its own timeout fired: not the total one
        assert not budget.spent
        with pytest.raises(httpcore.ReadTimeout):
            stream.read(10, timeout=None)  # cut to the time left, and that ran out
        assert budget.spent

    inner.timeouts.clear()
    with deadline.within(time.monotonic() - 1.0) as budget:  # passed
        for op, error in (
            (lambda: backend.connect_tcp("h", 1, timeout=7.0), httpcore.ConnectTimeout),
            (lambda: stream.start_tls(None, timeout=7.0), httpcore.ConnectTimeout),
            (lambda: stream.read(10, timeout=7.0), httpcore.ReadTimeout),
            (lambda: stream.write(b"x", timeout=7.0), httpcore.WriteTimeout),
        ):
            with pytest.raises(error):
                op()
    assert inner.timeouts == []  # not one of them touched the socket
    assert budget.spent
    assert deadline.current() is None


def test_a_sync_bundle_stuck_on_trickled_headers_ends_and_so_do_its_threads() -> None:
    # the bundle stops waiting at its deadline; its request thread, blocked in the headers,
    # used to stay for as long as the server trickled, holding a concurrency slot
    def pool_threads() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name.startswith("betterstack-rca")}

    before = pool_threads()
    with RawServer("header-trickle", every=EVERY) as server:
        client = BetterStack(TOKEN, base_url=server.url, timeout=TIMEOUT, max_retries=0)
        try:
            _, error = run_bounded(lambda: client.bundle("1", deadline=0.2), timeout=10 * TIMEOUT)
            assert isinstance(error, APITimeoutError), repr(error)
            for _ in range(200):  # a bounded wait for the abandoned thread, no timing asserted
                if not (pool_threads() - before) and server.connections:
                    break
                time.sleep(0.05)
            assert not (pool_threads() - before)
        finally:
            client.close()
