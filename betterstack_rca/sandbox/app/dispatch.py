"""``SandboxApp``: one request in, one answer out, checked in Better Stack's order.

Order of checks: non-GET -> 405; unknown route -> 404 (before auth, as observed); wrong
token -> 401; forbidden family -> 403; rate limit -> 429; then the random faults; then the
route's handler (``routes``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from betterstack_rca.sandbox.account import Account
from betterstack_rca.sandbox.app.errors import ERR_401, ERR_403, HTML_ERRORS, SEE_DOCS, Reply
from betterstack_rca.sandbox.app.injector import FaultInjector
from betterstack_rca.sandbox.app.request import Request
from betterstack_rca.sandbox.app.routes import family, match
from betterstack_rca.sandbox.faults import Faults, SandboxStats
from betterstack_rca.sandbox.render.base import View

SANDBOX_BASE_URL = "https://sandbox.betterstack-rca.invalid"
SANDBOX_TOKEN = "sandbox-demo-token-not-a-secret"


@dataclass
class SandboxResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0
    fault: str | None = None  # "timeout" | "reset": the connection must fail instead


def _encode(payload: Any) -> tuple[bytes, str | None]:
    """The body and content type of a payload: None (empty), bytes (HTML) or JSON."""
    if payload is None:
        return b"", None
    if isinstance(payload, bytes):
        return payload, "text/html; charset=utf-8"
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return body, "application/json; charset=utf-8"


class SandboxApp:
    """The sandbox Better Stack API over one account, with optional fault injection.

    Thread-safe. ``stats`` counts what arrived and what was answered.
    """

    def __init__(
        self,
        account: Account,
        faults: Faults | None = None,
        token: str = SANDBOX_TOKEN,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account = account
        self.token = token
        self.stats = SandboxStats()
        self.view = View(account)
        self._clock = clock
        self._lock = threading.RLock()
        self._injector = FaultInjector(faults or Faults(), clock)

    @property
    def faults(self) -> Faults:
        return self._injector.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._injector.faults = faults

    # ------------------------------------------------------------------ public entry points
    def handle(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str] | None = None,
        base_url: str = SANDBOX_BASE_URL,
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request without sleeping. ``target`` is the path with its query.

        Raises ``TimeoutError`` / ``ConnectionResetError`` for injected connection faults.
        """
        r = self.dispatch(method, target, headers, base_url)
        if r.fault == "timeout":
            raise TimeoutError("sandbox: injected timeout")
        if r.fault == "reset":
            raise ConnectionResetError("sandbox: injected connection reset")
        return r.status, r.headers, r.body

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        """Count a request as in flight (transports and the server wrap each request)."""
        with self._lock:
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
        try:
            yield
        finally:
            with self._lock:
                self.stats.in_flight -= 1

    def dispatch(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str] | None = None,
        base_url: str = SANDBOX_BASE_URL,
    ) -> SandboxResponse:
        with self._lock:
            return self._dispatch(method.upper(), target, headers or {}, base_url.rstrip("/"))

    # ------------------------------------------------------------------ core
    def _dispatch(
        self, method: str, target: str, headers: Mapping[str, str], base_url: str
    ) -> SandboxResponse:
        f = self.faults
        inject = self._injector
        st = self.stats
        now = self._clock()
        st.requests += 1
        request_id = inject.request_id(st.requests)
        delay = inject.latency()
        if now < inject.blocked_until:
            st.early_requests += 1
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        query = parse_qsl(parts.query, keep_blank_values=True)
        fam = family(path)
        st.by_family[fam] = st.by_family.get(fam, 0) + 1

        def answer(
            status: int, payload: Any, extra: dict[str, str] | None = None
        ) -> SandboxResponse:
            hdrs = {"x-request-id": request_id}
            body, content_type = _encode(payload)
            if content_type is not None:
                hdrs["content-type"] = content_type
            if extra:
                hdrs.update(extra)
            st.by_status[status] = st.by_status.get(status, 0) + 1
            return SandboxResponse(status, hdrs, body, delay)

        if method != "GET":
            st.non_get += 1
            return answer(
                405,
                {"errors": f"Method {method} is not allowed: the sandbox is read-only."},
                {"allow": "GET"},
            )
        route = match(path)
        if route is None:
            return answer(
                404, {"errors": f"Endpoint GET {path} does not exist.", "see_docs": SEE_DOCS}
            )
        handler, args = route
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if auth != f"Bearer {self.token}":
            return answer(401, {"errors": ERR_401})
        if fam in f.forbidden:
            return answer(403, {"errors": ERR_403})
        retry_after = inject.retry_after(now)
        if retry_after is not None:
            st.rate_limited += 1
            return answer(
                429,
                {"errors": f"Rate limit exceeded. Retry after {retry_after} seconds."},
                {"retry-after": str(retry_after)},
            )
        fault = inject.draw()
        if fault == "timeout":
            st.timeouts += 1
            return SandboxResponse(0, {}, b"", delay, "timeout")
        if fault == "reset":
            st.resets += 1
            return SandboxResponse(0, {}, b"", delay, "reset")
        if fault == "error":
            code = inject.error_status()
            return answer(code, HTML_ERRORS[code].encode())
        req = Request(self.view, path, args, query, base_url, dict(query))
        try:
            status, payload = 200, handler(req)
        except Reply as r:
            status, payload = r.status, r.payload
        resp = answer(status, payload)
        if status == 200 and fault == "truncated":
            resp.body = resp.body[: max(1, len(resp.body) // 2)]
        elif status == 200 and fault == "invalid":
            resp.body = resp.body[:-1] + b',"next":}' if resp.body else b"{"
        return resp
