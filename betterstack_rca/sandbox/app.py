"""Request -> response for the sandbox API: routing, auth, envelopes, filters, faults.

``SandboxApp.dispatch(method, target, headers, base_url)`` returns a ``SandboxResponse``
(status, headers, body, the latency to apply and an optional connection-level fault);
``SandboxApp.handle(...)`` is the plain ``(status, headers, body)`` form of it.
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from betterstack_rca.sandbox.account import Account
from betterstack_rca.sandbox.faults import Faults, SandboxStats
from betterstack_rca.sandbox.model.constants import (
    HEARTBEAT_GROUP_ID_BASE,
    HEARTBEAT_ID_BASE,
    MONITOR_GROUP_ID_BASE,
    MONITOR_ID_BASE,
)
from betterstack_rca.sandbox.model.records import CalendarRec
from betterstack_rca.sandbox.model.timestamps import DAY
from betterstack_rca.sandbox.render.availability import availability
from betterstack_rca.sandbox.render.base import Obj, View
from betterstack_rca.sandbox.render.envelope import page
from betterstack_rca.sandbox.render.groups import group
from betterstack_rca.sandbox.render.heartbeats import heartbeat
from betterstack_rca.sandbox.render.incidents import (
    comment,
    comments,
    incident,
    incident_included,
    timeline,
)
from betterstack_rca.sandbox.render.integrations import integration, webhook
from betterstack_rca.sandbox.render.metadata import metadata_records
from betterstack_rca.sandbox.render.monitors import monitor, response_times
from betterstack_rca.sandbox.render.oncall import calendar, events, rotation, user
from betterstack_rca.sandbox.render.policies import policy, urgency
from betterstack_rca.sandbox.render.status_pages import (
    report,
    resource,
    section,
    status_page,
    updates,
)

SANDBOX_BASE_URL = "https://sandbox.betterstack-rca.invalid"
SANDBOX_TOKEN = "sandbox-demo-token-not-a-secret"

ERR_401 = (
    "Invalid Team API token. How to find your Team API token: "
    "https://betterstack.com/docs/uptime/api/getting-started-with-uptime-api/"
    "#get-an-uptime-api-token"
)
ERR_404 = "Resource with provided ID was not found"
ERR_400_SLA = (
    "The data range is invalid. The date format could not be parsed, the start time is in "
    "the future, or the end time is after the start time."
)
ERR_400_HEARTBEAT = (
    "The data range is invalid. The date format could not be parsed, the start time is in "
    "the future, or the end time is before the start time."
)
SEE_DOCS = "https://betterstack.com/docs/uptime/api/getting-started-with-uptime-api/"

_HTML = {
    500: "<!DOCTYPE html><html><head><title>We're sorry, but something went wrong (500)"
    "</title></head><body><h1>We're sorry, but something went wrong.</h1></body></html>",
    502: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    "</h1></center><hr><center>cloudflare</center></body></html>",
    503: "<html><head><title>503 Service Temporarily Unavailable</title></head><body>"
    "<center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
}


@dataclass
class SandboxResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0
    fault: str | None = None  # "timeout" | "reset": the connection must fail instead


class _Reply(Exception):
    """Raised by handlers to answer early (errors)."""

    def __init__(self, status: int, payload: Any) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


@dataclass
class _Ctx:
    path: str
    args: tuple[str, ...]
    query: list[tuple[str, str]]
    base_url: str
    params: dict[str, str] = field(default_factory=dict)

    def q(self, name: str) -> str | None:
        return self.params.get(name)


Handler = Callable[[_Ctx], Any]


def _not_found() -> _Reply:
    return _Reply(404, {"errors": ERR_404})


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _not_found() from None


def _parse_day(value: str | None) -> date | None:
    """YYYY-MM-DD or a full ISO datetime (its UTC date); None when absent."""
    if value is None or value == "":
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        d = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if d.tzinfo is not None:
            d = d.astimezone(timezone.utc)
        return d.date()
    except ValueError:
        raise ValueError(value) from None


def _day_start(d: date) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp())


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.lower()
    if v in ("true", "1", "yes"):
        return True
    if v in ("false", "0", "no"):
        return False
    return None


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
        self.faults = faults or Faults()
        self.token = token
        self.stats = SandboxStats()
        self.view = View(account)
        self._clock = clock
        self._lock = threading.RLock()
        self._rng = random.Random(self.faults.seed)
        self._bucket = float(self._burst())
        self._bucket_at = clock()
        self._blocked_until = -math.inf
        self._routes = self._build_routes()

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
        st = self.stats
        now = self._clock()
        st.requests += 1
        request_id = f"sbx-{self.stats.requests:08d}-{self._rng.getrandbits(32):08x}"
        delay = f.latency + (f.latency_jitter * self._rng.random() if f.latency_jitter else 0.0)
        if now < self._blocked_until:
            st.early_requests += 1
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        query = parse_qsl(parts.query, keep_blank_values=True)
        family = self._family(path)
        st.by_family[family] = st.by_family.get(family, 0) + 1

        def answer(
            status: int, payload: Any, extra: dict[str, str] | None = None
        ) -> SandboxResponse:
            hdrs = {"x-request-id": request_id}
            if payload is None:
                body = b""
            elif isinstance(payload, bytes):
                body = payload
                hdrs["content-type"] = "text/html; charset=utf-8"
            else:
                body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
                hdrs["content-type"] = "application/json; charset=utf-8"
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
        route = self._match(path)
        if route is None:
            return answer(
                404, {"errors": f"Endpoint GET {path} does not exist.", "see_docs": SEE_DOCS}
            )
        handler, args = route
        auth = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        if auth != f"Bearer {self.token}":
            return answer(401, {"errors": ERR_401})
        if family in f.forbidden:
            return answer(
                403,
                {"errors": "Your current plan does not include access to this resource."},
            )
        if f.rate_limit_rps is not None and not self._take_token(now):
            st.rate_limited += 1
            rps = f.rate_limit_rps
            retry_after = max(1, math.ceil((1.0 - self._bucket) / rps))
            self._blocked_until = now + retry_after
            return answer(
                429,
                {"errors": f"Rate limit exceeded. Retry after {retry_after} seconds."},
                {"retry-after": str(retry_after)},
            )
        u = (
            self._rng.random()
            if (
                f.timeout_rate
                or f.reset_rate
                or f.error_rate
                or f.truncated_json_rate
                or f.invalid_json_rate
            )
            else 1.0
        )
        if u < f.timeout_rate:
            st.timeouts += 1
            return SandboxResponse(0, {}, b"", delay, "timeout")
        u -= f.timeout_rate
        if u < f.reset_rate:
            st.resets += 1
            return SandboxResponse(0, {}, b"", delay, "reset")
        u -= f.reset_rate
        if u < f.error_rate:
            code = (500, 502, 503)[self._rng.randrange(3)]
            return answer(code, _HTML[code].encode())
        u -= f.error_rate
        mangle = None
        if u < f.truncated_json_rate:
            mangle = "truncated"
        elif u - f.truncated_json_rate < f.invalid_json_rate:
            mangle = "invalid"
        ctx = _Ctx(path, args, query, base_url, dict(query))
        try:
            status, payload = 200, handler(ctx)
        except _Reply as r:
            status, payload = r.status, r.payload
        resp = answer(status, payload)
        if status == 200 and mangle == "truncated":
            resp.body = resp.body[: max(1, len(resp.body) // 2)]
        elif status == 200 and mangle == "invalid":
            resp.body = resp.body[:-1] + b',"next":}' if resp.body else b"{"
        return resp

    def _burst(self) -> int:
        f = self.faults
        if f.rate_limit_rps is None:
            return 0
        return f.rate_limit_burst or max(1, math.ceil(f.rate_limit_rps))

    def _take_token(self, now: float) -> bool:
        rps = self.faults.rate_limit_rps or 0.0
        self._bucket = min(float(self._burst()), self._bucket + (now - self._bucket_at) * rps)
        self._bucket_at = now
        if self._bucket >= 1.0:
            self._bucket -= 1.0
            return True
        return False

    @staticmethod
    def _family(path: str) -> str:
        seg = path.split("/")
        if len(seg) > 3 and seg[1] == "api":
            return seg[3]
        return "other"

    def _match(self, path: str) -> tuple[Handler, tuple[str, ...]] | None:
        for rx, handler in self._routes:
            mt = rx.fullmatch(path)
            if mt:
                return handler, mt.groups()
        return None

    # ------------------------------------------------------------------ envelopes
    def _page(  # noqa: PLR0917
        self,
        ctx: _Ctx,
        items: Sequence[Any],
        build: Callable[[Any], Obj],
        default: int = 50,
        maximum: int = 250,
        extra: Mapping[str, Any] | None = None,
    ) -> Obj:
        return page(items, build, f"{ctx.base_url}{ctx.path}", ctx.query, default, maximum, extra)

    # ------------------------------------------------------------------ routes
    def _build_routes(self) -> list[tuple[re.Pattern[str], Handler]]:
        table: list[tuple[str, Handler]] = [
            ("/api/v3/incidents", lambda c: self._incidents(c, 3)),
            ("/api/v2/incidents", lambda c: self._incidents(c, 2)),
            ("/api/v3/incidents/{}", lambda c: self._incident(c, 3)),
            ("/api/v2/incidents/{}", lambda c: self._incident(c, 2)),
            ("/api/v3/incidents/{}/timeline", self._timeline),
            ("/api/v2/incidents/{}/timeline", self._timeline),
            ("/api/v2/incidents/{}/comments", self._comments),
            ("/api/v2/incidents/{}/comments/{}", self._comment),
            ("/api/v2/monitors", self._monitors),
            ("/api/v2/monitors/{}", self._monitor),
            ("/api/v2/monitors/{}/response-times", self._response_times),
            ("/api/v2/monitors/{}/sla", self._sla),
            ("/api/v2/monitor-groups", self._monitor_groups),
            ("/api/v2/monitor-groups/{}", self._monitor_group),
            ("/api/v2/monitor-groups/{}/monitors", self._monitor_group_monitors),
            ("/api/v2/heartbeats", self._heartbeats),
            ("/api/v2/heartbeats/{}", self._heartbeat),
            ("/api/v2/heartbeats/{}/availability", self._heartbeat_availability),
            ("/api/v2/heartbeat-groups", self._heartbeat_groups),
            ("/api/v2/heartbeat-groups/{}", self._heartbeat_group),
            ("/api/v2/heartbeat-groups/{}/heartbeats", self._heartbeat_group_heartbeats),
            ("/api/v2/on-calls", self._on_calls),
            ("/api/v2/on-calls/{}", self._on_call),
            ("/api/v2/on-calls/{}/events", self._on_call_events),
            ("/api/v2/on-calls/{}/rotation", self._on_call_rotation),
            ("/api/v3/policies", lambda c: self._policies(c, 3)),
            ("/api/v2/policies", lambda c: self._policies(c, 2)),
            ("/api/v3/policies/{}", lambda c: self._policy(c, 3)),
            ("/api/v2/policies/{}", lambda c: self._policy(c, 2)),
            ("/api/v3/policy-groups/{}/policies", self._policy_group_policies),
            ("/api/v2/urgencies", self._urgencies),
            ("/api/v2/urgencies/{}", self._urgency),
            ("/api/v3/metadata", self._metadata),
            ("/api/v2/metadata", self._metadata),
            ("/api/v2/metadata/{}", self._metadata_one),
            ("/api/v2/status-pages", self._status_pages),
            ("/api/v2/status-pages/{}", self._status_page),
            ("/api/v2/status-pages/{}/sections", self._sections),
            ("/api/v2/status-pages/{}/sections/{}", self._section),
            ("/api/v2/status-pages/{}/resources", self._resources),
            ("/api/v2/status-pages/{}/resources/{}", self._resource),
            ("/api/v2/status-pages/{}/status-reports", self._reports),
            ("/api/v2/status-pages/{}/status-reports/{}", self._report),
            ("/api/v2/status-pages/{}/status-reports/{}/status-updates", self._updates),
            ("/api/v2/status-pages/{}/status-reports/{}/status-updates/{}", self._update),
            ("/api/v2/outgoing-webhooks", self._webhooks),
            ("/api/v2/outgoing-webhooks/{}", self._webhook),
            ("/api/v2/email-integrations", lambda c: self._integrations(c, "email")),
            ("/api/v2/email-integrations/{}", lambda c: self._integration(c, "email")),
            ("/api/v2/incoming-webhooks", lambda c: self._integrations(c, "incoming")),
            ("/api/v2/incoming-webhooks/{}", lambda c: self._integration(c, "incoming")),
        ]
        return [(re.compile(re.escape(p).replace(re.escape("{}"), "([^/]+)")), h) for p, h in table]

    # ------------------------------------------------------------------ incidents
    def _team_ok(self, ctx: _Ctx) -> bool:
        team = ctx.q("team_name")
        return team is None or team == self.account.team_name

    def _incidents(self, ctx: _Ctx, version: int) -> Obj:
        a = self.account
        try:
            d_from = _parse_day(ctx.q("from"))
            d_to = _parse_day(ctx.q("to"))
        except ValueError as exc:
            raise _Reply(
                400, {"errors": f"Invalid date: {exc}. Use the format YYYY-MM-DD."}
            ) from None
        lo = _day_start(d_from) if d_from else None
        hi = _day_start(d_to) + DAY - 1 if d_to else None
        a_lo, a_hi = a.index_range(lo, hi)
        items: Sequence[int]
        src: int | None = None
        if ctx.q("monitor_id") is not None:
            mi = self._id_or_none(ctx.q("monitor_id"), MONITOR_ID_BASE, len(a.monitors))
            src = mi if mi is not None else -(10**9)
        elif ctx.q("heartbeat_id") is not None:
            hi_ = self._id_or_none(ctx.q("heartbeat_id"), HEARTBEAT_ID_BASE, len(a.heartbeats))
            src = -1 - hi_ if hi_ is not None else -(10**9)
        if src is not None:
            idx = a.incidents_of_source(src)
            from bisect import bisect_left

            items = list(reversed(idx[bisect_left(idx, a_lo) : bisect_left(idx, a_hi)]))
        else:
            items = range(a_hi - 1, a_lo - 1, -1)
        if not self._team_ok(ctx):
            items = []
        if version == 3:
            resolved = _bool(ctx.q("resolved"))
            acked = _bool(ctx.q("acknowledged"))
            if resolved is not None or acked is not None:
                items = [
                    i
                    for i in items
                    if (resolved is None or (a.durs[i] >= 0) == resolved)
                    and (acked is None or (a.acks[i] >= 0) == acked)
                ]
        return self._page(ctx, items, lambda i: incident(self.view, i, version), 10, 50)

    @staticmethod
    def _id_or_none(value: str | None, base: int, n: int) -> int | None:
        try:
            i = int(value or "") - base
        except ValueError:
            return None
        return i if 0 <= i < n else None

    def _incident_index(self, raw: str) -> int:
        i = self.account.incident_index(raw)
        if i is None:
            raise _not_found()
        return i

    def _incident(self, ctx: _Ctx, version: int) -> Obj:
        i = self._incident_index(ctx.args[0])
        return {
            "data": incident(self.view, i, version),
            "included": incident_included(self.view, i),
        }

    def _timeline(self, ctx: _Ctx) -> Obj:
        return {"data": timeline(self.view, self._incident_index(ctx.args[0]))}

    def _comments(self, ctx: _Ctx) -> Obj:
        i = self.account.incident_index(ctx.args[0])
        if i is None:
            raise _Reply(404, None)  # documented: empty body
        return {"data": [comment(self.view, *c) for c in comments(self.view, i)]}

    def _comment(self, ctx: _Ctx) -> Obj:
        i = self._incident_index(ctx.args[0])
        cid = _int(ctx.args[1])
        for c in comments(self.view, i):
            if c[0] == cid:
                return {"data": comment(self.view, *c)}
        raise _not_found()

    # ------------------------------------------------------------------ monitors
    def _monitor_rec(self, raw: str) -> Any:
        i = self._id_or_none(raw, MONITOR_ID_BASE, len(self.account.monitors))
        if i is None:
            raise _not_found()
        return self.account.monitors[i]

    def _monitors(self, ctx: _Ctx) -> Obj:
        ms: Sequence[Any] = self.account.monitors
        url = ctx.q("url")
        name = ctx.q("pronounceable_name")
        if url is not None:
            ms = [m for m in ms if m.url == url]
        if name is not None:
            ms = [m for m in ms if m.name == name]
        if not self._team_ok(ctx):
            ms = []
        return self._page(ctx, ms, lambda x: monitor(self.view, x))

    def _monitor(self, ctx: _Ctx) -> Obj:
        return {"data": monitor(self.view, self._monitor_rec(ctx.args[0]))}

    def _response_times(self, ctx: _Ctx) -> Obj:
        return {"data": response_times(self.view, self._monitor_rec(ctx.args[0]))}

    def _range(self, ctx: _Ctx, created: int, message: str) -> tuple[int, int]:
        a = self.account
        try:
            d_from = _parse_day(ctx.q("from"))
            d_to = _parse_day(ctx.q("to"))
        except ValueError:
            raise _Reply(400, {"errors": message}) from None
        today = datetime.fromtimestamp(a.ref, timezone.utc).date()
        if d_from is not None and d_from > today:
            raise _Reply(400, {"errors": message})
        if d_from is not None and d_to is not None and d_to < d_from:
            raise _Reply(400, {"errors": message})
        lo = _day_start(d_from) if d_from else created
        hi = min(a.ref, _day_start(d_to) + DAY) if d_to else a.ref
        return lo, max(lo, hi)

    def _sla(self, ctx: _Ctx) -> Obj:
        m = self._monitor_rec(ctx.args[0])
        lo, hi = self._range(ctx, m.created, ERR_400_SLA)
        return {"data": availability(self.view, m.index, lo, hi, kind="monitor_sla", oid=m.id)}

    def _group_rec(self, raw: str) -> Any:
        i = self._id_or_none(raw, MONITOR_GROUP_ID_BASE, len(self.account.groups))
        if i is None:
            raise _not_found()
        return self.account.groups[i]

    def _monitor_groups(self, ctx: _Ctx) -> Obj:
        gs = self.account.groups if self._team_ok(ctx) else ()
        return self._page(ctx, gs, lambda g: group(self.view, g, "monitor_group"))

    def _monitor_group(self, ctx: _Ctx) -> Obj:
        return {"data": group(self.view, self._group_rec(ctx.args[0]), "monitor_group")}

    def _monitor_group_monitors(self, ctx: _Ctx) -> Obj:
        g = self._group_rec(ctx.args[0])
        n = len(self.account.groups)
        ms = self.account.monitors[g.index :: n]
        return self._page(ctx, ms, lambda x: monitor(self.view, x))

    # ------------------------------------------------------------------ heartbeats
    def _heartbeat_rec(self, raw: str) -> Any:
        i = self._id_or_none(raw, HEARTBEAT_ID_BASE, len(self.account.heartbeats))
        if i is None:
            raise _not_found()
        return self.account.heartbeats[i]

    def _heartbeats(self, ctx: _Ctx) -> Obj:
        hs = self.account.heartbeats if self._team_ok(ctx) else []
        return self._page(ctx, hs, lambda x: heartbeat(self.view, x))

    def _heartbeat(self, ctx: _Ctx) -> Obj:
        return {"data": heartbeat(self.view, self._heartbeat_rec(ctx.args[0]))}

    def _heartbeat_availability(self, ctx: _Ctx) -> Obj:
        h = self._heartbeat_rec(ctx.args[0])
        lo, hi = self._range(ctx, h.created, ERR_400_HEARTBEAT)
        return {
            "data": availability(
                self.view, -1 - h.index, lo, hi, kind="heartbeat_availability", oid=h.id
            )
        }

    def _hb_group_rec(self, raw: str) -> Any:
        a = self.account
        i = self._id_or_none(raw, HEARTBEAT_GROUP_ID_BASE, len(a.heartbeat_groups))
        if i is None:
            raise _not_found()
        return a.heartbeat_groups[i]

    def _heartbeat_groups(self, ctx: _Ctx) -> Obj:
        gs = self.account.heartbeat_groups if self._team_ok(ctx) else ()
        return self._page(ctx, gs, lambda g: group(self.view, g, "heartbeat_group"))

    def _heartbeat_group(self, ctx: _Ctx) -> Obj:
        return {"data": group(self.view, self._hb_group_rec(ctx.args[0]), "heartbeat_group")}

    def _heartbeat_group_heartbeats(self, ctx: _Ctx) -> Obj:
        g = self._hb_group_rec(ctx.args[0])
        hs = [h for h in self.account.heartbeats if h.group == g.index]
        return self._page(ctx, hs, lambda x: heartbeat(self.view, x))

    # ------------------------------------------------------------------ on-call
    def _calendar(self, raw: str) -> CalendarRec:
        for c in self.account.calendars:
            if (raw == "default" and c.default) or raw == str(c.id):
                return c
        raise _not_found()

    def _at(self, ctx: _Ctx) -> int:
        raw = ctx.q("date")
        if not raw:
            return self.account.ref
        try:
            if len(raw) == 10:
                d = date.fromisoformat(raw)
                return _day_start(d)
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise _Reply(400, {"errors": "Invalid date parameter, use ISO 8601."}) from None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        return int(dt.timestamp())

    def _on_calls(self, ctx: _Ctx) -> Obj:
        at = self._at(ctx)
        users: set[int] = set()
        rows = []
        for c in self.account.calendars:
            data, who = calendar(self.view, c, at)
            users.update(who)
            rows.append(data)
        a = self.account
        included = [user(a.users[u]) for u in sorted(users)]
        return self._page(ctx, rows, lambda x: x, extra={"included": included})

    def _on_call(self, ctx: _Ctx) -> Obj:
        c = self._calendar(ctx.args[0])
        data, who = calendar(self.view, c, self._at(ctx))
        return {"data": data, "included": [user(self.account.users[u]) for u in who]}

    def _on_call_events(self, ctx: _Ctx) -> Obj:
        return {"events": events(self.view, self._calendar(ctx.args[0]))}

    def _on_call_rotation(self, ctx: _Ctx) -> Obj:
        c = self._calendar(ctx.args[0])
        if not c.rotation_users:
            raise _Reply(404, None)  # documented: 404 when no rotation is defined
        return rotation(c)

    # ------------------------------------------------------------------ policies etc.
    def _policies(self, ctx: _Ctx, version: int) -> Obj:
        return self._page(ctx, self.account.policies, lambda p: policy(self.view, p, version))

    def _policy(self, ctx: _Ctx, version: int) -> Obj:
        p = self.account.policy_by_id.get(_int(ctx.args[0]))
        if p is None:
            raise _not_found()
        return {"data": policy(self.view, p, version)}

    def _policy_group_policies(self, ctx: _Ctx) -> Obj:
        gid = _int(ctx.args[0])
        if gid not in self.account.policy_groups:
            raise _not_found()
        ps = [p for p in self.account.policies if p.policy_group_id == gid]
        return self._page(ctx, ps, lambda x: policy(self.view, x))

    def _urgencies(self, ctx: _Ctx) -> Obj:
        return self._page(ctx, self.account.urgencies, lambda u: urgency(self.view, u))

    def _urgency(self, ctx: _Ctx) -> Obj:
        uid = _int(ctx.args[0])
        for u in self.account.urgencies:
            if u.id == uid:
                return {"data": urgency(self.view, u)}
        raise _not_found()

    def _metadata(self, ctx: _Ctx) -> Obj:
        recs = metadata_records(
            self.view,
        )
        oid = ctx.q("owner_id")
        otype = ctx.q("owner_type")
        if oid is not None:
            recs = [r for r in recs if r["attributes"]["owner_id"] == oid]
        if otype is not None:
            recs = [r for r in recs if r["attributes"]["owner_type"] == otype]
        return self._page(ctx, recs, lambda x: x)

    def _metadata_one(self, ctx: _Ctx) -> Obj:
        for r in metadata_records(
            self.view,
        ):
            if r["id"] == ctx.args[0]:
                return {"data": r}
        raise _not_found()

    # ------------------------------------------------------------------ status pages
    def _page_rec(self, raw: str) -> Any:
        for sp in self.account.status_pages:
            if str(sp.id) == raw:
                return sp
        raise _not_found()

    def _status_pages(self, ctx: _Ctx) -> Obj:
        return self._page(ctx, self.account.status_pages, lambda x: status_page(self.view, x))

    def _status_page(self, ctx: _Ctx) -> Obj:
        return {"data": status_page(self.view, self._page_rec(ctx.args[0]))}

    def _sections(self, ctx: _Ctx) -> Obj:
        sp = self._page_rec(ctx.args[0])
        rows = [s for s in self.account.sections if s.status_page == sp.id]
        return self._page(ctx, rows, section)

    def _section(self, ctx: _Ctx) -> Obj:
        sp = self._page_rec(ctx.args[0])
        for s in self.account.sections:
            if s.status_page == sp.id and str(s.id) == ctx.args[1]:
                return {"data": section(s)}
        raise _not_found()

    def _resources(self, ctx: _Ctx) -> Obj:
        sp = self._page_rec(ctx.args[0])
        rows = [r for r in self.account.resources if r.status_page == sp.id]
        return self._page(ctx, rows, lambda x: resource(self.view, x))

    def _resource(self, ctx: _Ctx) -> Obj:
        sp = self._page_rec(ctx.args[0])
        for r in self.account.resources:
            if r.status_page == sp.id and str(r.id) == ctx.args[1]:
                return {"data": resource(self.view, r)}
        raise _not_found()

    def _visible_reports(self, sp_id: int) -> list[Any]:
        a = self.account
        return [
            r
            for r in a.reports
            if r.status_page == sp_id and any(u.published_at <= a.ref for u in r.updates)
        ]

    def _report_rec(self, ctx: _Ctx) -> Any:
        sp = self._page_rec(ctx.args[0])
        for r in self._visible_reports(sp.id):
            if str(r.id) == ctx.args[1]:
                return r
        raise _not_found()

    def _reports(self, ctx: _Ctx) -> Obj:
        sp = self._page_rec(ctx.args[0])
        return self._page(ctx, self._visible_reports(sp.id), lambda x: report(self.view, x))

    def _report(self, ctx: _Ctx) -> Obj:
        r = self._report_rec(ctx)
        return {"data": report(self.view, r), "included": updates(self.view, r)}

    def _updates(self, ctx: _Ctx) -> Obj:
        r = self._report_rec(ctx)
        return self._page(ctx, updates(self.view, r), lambda x: x)

    def _update(self, ctx: _Ctx) -> Obj:
        r = self._report_rec(ctx)
        for u in updates(self.view, r):
            if u["id"] == ctx.args[2]:
                return {"data": u}
        raise _not_found()

    # ------------------------------------------------------------------ integrations
    def _webhooks(self, ctx: _Ctx) -> Obj:
        rows = []
        included: list[Obj] = []
        for w in self.account.webhooks:
            data, inc = webhook(self.view, w)
            rows.append(data)
            included.extend(inc)
        out = self._page(ctx, rows, lambda x: x)
        shown = {
            d["relationships"]["custom_webhook_template"]["data"]["id"]
            for d in out["data"]
            if d["relationships"]["custom_webhook_template"]["data"]
        }
        pagination = out.pop("pagination")
        out["included"] = [x for x in included if x["id"] in shown]
        out["pagination"] = pagination
        return out

    def _webhook(self, ctx: _Ctx) -> Obj:
        for w in self.account.webhooks:
            if str(w.id) == ctx.args[0]:
                data, inc = webhook(self.view, w)
                return {"data": data, "included": inc}
        raise _not_found()

    def _integrations(self, ctx: _Ctx, kind: str) -> Obj:
        a = self.account
        rows = a.email_integrations if kind == "email" else a.incoming_webhooks
        return self._page(ctx, rows, lambda x: integration(self.view, x))

    def _integration(self, ctx: _Ctx, kind: str) -> Obj:
        a = self.account
        rows = a.email_integrations if kind == "email" else a.incoming_webhooks
        for x in rows:
            if str(x.id) == ctx.args[0]:
                return {"data": integration(self.view, x)}
        raise _not_found()
