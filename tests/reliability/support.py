"""Helpers of the reliability suite: a sandbox client with faults, a fault-injecting transport,
and a hang guard."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar

import httpx

from betterstack_rca import BetterStack
from betterstack_rca.sandbox import (
    HEADLINE_SCENARIO,
    SANDBOX_BASE_URL,
    SANDBOX_TOKEN,
    Faults,
    Sandbox,
)

T = TypeVar("T")

REF = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
MAX_RETRIES = 3

_HTML = {
    500: b"<!DOCTYPE html><html><head><title>We're sorry, but something went wrong (500)"
    b"</title></head><body><h1>We're sorry, but something went wrong.</h1></body></html>",
    502: b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>cloudflare</center></body></html>",
    503: b"<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    b"<center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
}


class FaultPlan(httpx.BaseTransport):
    """Wraps a transport; answers a seeded share of requests with a fault instead.

    `kind`: ``"429"`` (Retry-After: 0), ``"5xx"`` (HTML 500/502/503), ``"timeout"``
    (httpx.ReadTimeout) or ``"reset"`` (httpx.ConnectError). A draw per request, in arrival
    order, from `random.Random(seed)`. `max_streak` caps the faults in a row for one URL (a
    storm that retries can ride out: the outcome then does not depend on which of the
    concurrent requests drew the fault); None lets a URL fail for ever.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        kind: str,
        rate: float,
        *,
        seed: int = 0,
        max_streak: int | None = None,
    ) -> None:
        self.inner, self.kind, self.rate, self.max_streak = inner, kind, rate, max_streak
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._streaks: dict[str, int] = {}
        self.requests = 0
        self.faults = 0

    def _draw(self, url: str) -> bool:
        with self._lock:
            self.requests += 1
            hit = self._rng.random() < self.rate
            streak = self._streaks.get(url, 0)
            if hit and self.max_streak is not None and streak >= self.max_streak:
                hit = False
            self._streaks[url] = streak + 1 if hit else 0
            self.faults += hit
            return hit

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._draw(str(request.url)):
            return self.inner.handle_request(request)
        if self.kind == "429":
            return httpx.Response(
                429,
                headers={"retry-after": "0", "content-type": "application/json"},
                content=b'{"errors":"Rate limit exceeded. Retry after 0 seconds."}',
                request=request,
            )
        if self.kind == "5xx":
            status = (500, 502, 503)[self.faults % 3]
            return httpx.Response(
                status,
                headers={"content-type": "text/html; charset=utf-8"},
                content=_HTML[status],
                request=request,
            )
        if self.kind == "timeout":
            raise httpx.ReadTimeout("injected read timeout", request=request)
        if self.kind == "reset":
            raise httpx.ConnectError("injected connection reset", request=request)
        raise AssertionError(f"unknown fault kind {self.kind!r}")

    def close(self) -> None:
        self.inner.close()


def sandbox_client(
    *,
    faults: Faults | None = None,
    wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
    scale: int = 1,
    token: str = SANDBOX_TOKEN,
    **options: Any,
) -> BetterStack:
    """A sync client over the sandbox at `REF`, unpaced, with no-op retry sleeps."""
    sandbox = Sandbox(reference_time=REF, faults=faults, scale=scale, token=token)
    transport: httpx.BaseTransport = sandbox.transport()
    if wrap is not None:
        transport = wrap(transport)
    options.setdefault("max_rps", 10_000.0)
    options.setdefault("max_retries", MAX_RETRIES)
    client = BetterStack(token, base_url=SANDBOX_BASE_URL, transport=transport, **options)
    client._sandbox = sandbox
    client._sender._sleep = lambda _seconds: None
    return client


def headline_id(client: BetterStack) -> str:
    assert client.sandbox_account is not None
    return client.sandbox_account.account.scenarios[HEADLINE_SCENARIO].incident_id


def run_bounded(work: Callable[[], T], timeout: float) -> tuple[T | None, BaseException | None]:
    """Run `work` in a daemon thread; fail (instead of hanging the suite) if it takes longer
    than `timeout`. Returns its result or the exception it raised."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="reliability-bounded")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise AssertionError(f"hang: still running after {timeout:g} s")
    return box.get("result"), box.get("error")
