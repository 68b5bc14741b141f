"""The sync client's network backend: httpcore's own, with every operation inside the deadline.

`DeadlineBackend` wraps `httpcore.SyncBackend` (which sets ``TCP_NODELAY`` and any socket
options, as before) and the streams it opens. Each connect, TLS handshake, write and read gets
the smaller of its own timeout and the time left to the deadline of the attempt that runs
it (`deadline.current()`); with no time left it raises httpcore's timeout of that operation
without touching the socket, and marks the budget spent so the sender can say it was the
total timeout. Outside an attempt (the pool closing a connection) nothing changes.

`deadline_transport` is ``httpx.HTTPTransport(verify=context)`` with this backend under its
connection pool: the same TLS context, limits and connection reuse as httpx's default.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import httpcore
import httpx

from betterstack_rca._core import deadline

T = TypeVar("T")

#: httpx's default limits (``httpx.HTTPTransport()`` uses the same).
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


def _bounded(
    timeout: float | None, error: type[httpcore.TimeoutException], call: Callable[[float | None], T]
) -> T:
    """Run `call(timeout)` with `timeout` cut to what is left of the current attempt."""
    budget = deadline.current()
    if budget is None:
        return call(timeout)
    left = budget.left()
    if left <= 0:
        budget.spent = True
        raise error("the request's total timeout passed")
    if timeout is not None and timeout <= left:
        return call(timeout)
    try:
        return call(left)
    except httpcore.TimeoutException:
        budget.spent = True
        raise


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _bounded(timeout, httpcore.ReadTimeout, lambda t: self._inner.read(max_bytes, t))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            _bounded(timeout, httpcore.WriteTimeout, lambda t: self._inner.write(buffer, t))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        def handshake(t: float | None) -> httpcore.NetworkStream:
            return self._inner.start_tls(ssl_context, server_hostname, t)

        return DeadlineStream(_bounded(timeout, httpcore.ConnectTimeout, handshake))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        def connect(t: float | None) -> httpcore.NetworkStream:
            return self._inner.connect_tcp(host, port, t, local_address, socket_options)

        return DeadlineStream(_bounded(timeout, httpcore.ConnectTimeout, connect))

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        def connect(t: float | None) -> httpcore.NetworkStream:
            return self._inner.connect_unix_socket(path, t, socket_options)

        return DeadlineStream(_bounded(timeout, httpcore.ConnectTimeout, connect))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(context: ssl.SSLContext) -> httpx.HTTPTransport:
    """httpx's default transport over `context`, its pool on a `DeadlineBackend`."""
    transport = httpx.HTTPTransport(verify=context, limits=LIMITS)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context,
        max_connections=LIMITS.max_connections,
        max_keepalive_connections=LIMITS.max_keepalive_connections,
        keepalive_expiry=LIMITS.keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=DeadlineBackend(),
    )
    return transport
