"""Suite-wide guards: no BETTERSTACK_* environment leaks in, nothing reaches a real host,
and nothing but GET goes to any host other than the loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost",):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return isinstance(address, (str, bytes))  # AF_UNIX sockets are local


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_loopback(address):
        raise AssertionError(f"test tried to reach a real host: {address!r}")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_loopback(address):
        raise AssertionError(f"test tried to reach a real host: {address!r}")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _no_real_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("BETTERSTACK_"):
            monkeypatch.delenv(name)


# --- read-only guard -------------------------------------------------------------------------

#: Hosts that may receive a non-GET request: the webhook receiver's tests POST to it.
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _guard_method(request: httpx.Request, violations: list[str]) -> None:
    if request.method.upper() != "GET" and request.url.host not in _LOOPBACK_HOSTS:
        message = f"read-only violation: {request.method} {request.url} reached a transport"
        violations.append(message)
        raise AssertionError(message)


@pytest.fixture(autouse=True)
def _read_only_transports(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any non-GET request to a non-loopback host that reaches an httpx transport fails the
    test, even when the code under test swallows the error (checked again at teardown)."""
    violations: list[str] = []

    def wrap_sync(cls: type[Any]) -> None:
        original = cls.handle_request

        def handle_request(self: Any, request: httpx.Request) -> httpx.Response:
            _guard_method(request, violations)
            return original(self, request)  # type: ignore[no-any-return]

        monkeypatch.setattr(cls, "handle_request", handle_request)

    def wrap_async(cls: type[Any]) -> None:
        original = cls.handle_async_request

        async def handle_async_request(self: Any, request: httpx.Request) -> httpx.Response:
            _guard_method(request, violations)
            return await original(self, request)  # type: ignore[no-any-return]

        monkeypatch.setattr(cls, "handle_async_request", handle_async_request)

    wrap_sync(httpx.HTTPTransport)
    wrap_sync(httpx.MockTransport)
    wrap_async(httpx.AsyncHTTPTransport)
    wrap_async(httpx.MockTransport)
    yield
    if violations:
        pytest.fail("; ".join(violations))
