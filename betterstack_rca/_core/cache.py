"""One read cache per client, shared by every bundle, report, receiver job and agent tool.

A small keyed store rather than an HTTP caching layer: Better Stack sends no Cache-Control
worth following, and what this cache needs besides a forced TTL (coalescing concurrent
identical requests across threads and tasks, answering a narrower listing from a complete
wider one, never keeping an open incident) is not what an RFC 9111 cache does.

- **Keyed by the request**: GET, the path and the sorted query. What may be kept, and for
  how long, is a `Rule` the resource layer gives per path (`CachePolicy`): this module knows
  no Better Stack resource.
- **Single flight**: while an answer is on its way, the same request from another thread or
  task waits for it instead of being sent again (a failed or abandoned fetch lets the
  waiters send their own).
- **Covering listings**: every complete listing (all its pages seen) is kept as one list of
  items; a later request for the same listing with narrower filters (a sub-range of days, a
  filter the rule can apply to an item) is answered from it, trimmed, as one page.
- **Live answers**: a listing whose days reach the day it was fetched can miss what starts
  after; it answers requests that reach that day for `live_ttl` seconds only.
- **Bounded**: at most `max_entries` answers and `max_bytes` of encoded JSON, least
  recently used out first. Answers are kept encoded and decoded afresh on every hit, so no
  two callers share (or can change) one object. They never leave the client.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Literal, Protocol

import httpx

from betterstack_rca._core.http import RawResponse
from betterstack_rca.errors import APITimeoutError

#: The default TTL of configuration reads, seconds (`cache_ttl=` on the clients).
DEFAULT_CACHE_TTL = 300.0
#: How long a listing that reaches the day it was fetched answers requests reaching that day.
LIVE_TTL = 15.0
DEFAULT_MAX_ENTRIES = 4096
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Incompletely seen listings being put together at once (their pages are held meanwhile).
_MAX_ASSEMBLING = 64
_MAX_SETTLED = 100_000
_PAGING = ("page", "per_page")

How = Literal["hit", "coalesced", "sent"]


@dataclass(frozen=True)
class Listing:
    """How a complete listing answers a narrower request for the same path."""

    days: tuple[str, str] | None = None
    """The query parameters of an inclusive day range (``from``, ``to``: ISO dates)."""
    item_day: Callable[[Any], date | None] | None = None
    """The day of a raw item, for the range (None: unknown, and the listing cannot answer)."""
    filters: Mapping[str, Callable[[Any, str], bool]] = field(default_factory=dict)
    """Query parameters the cache may apply itself: name -> (raw item, value) -> kept."""


@dataclass(frozen=True)
class Rule:
    """What may be kept of the answers of one path."""

    keep: Callable[[Any], bool] | None = None
    """Keep only answers it accepts (an incident's details: only once it is resolved)."""
    after: str | None = None
    """Keep only once this key is settled (an incident's timeline: once it is resolved)."""
    settles: Callable[[Any], Iterable[str]] | None = None
    """The keys an answer settles (the ids of the resolved incidents it shows)."""
    listing: Listing | None = None


class CachePolicy(Protocol):
    def rule(self, path: str) -> Rule | None:
        """The rule of a path; None: never kept (still coalesced)."""


@dataclass
class _Entry:
    data: bytes
    url: str
    request_id: str | None
    status_code: int
    stored: float
    live_from: str | None = None
    """For a listing that reached the day it was fetched: that day (ISO)."""
    size: int = -1

    def __post_init__(self) -> None:
        if self.size < 0:
            self.size = len(self.data) + len(self.url) + 200


@dataclass
class _Cover:
    path: str
    params: dict[str, str]
    rule: Listing
    entry: _Entry
    """Its times and size (the encoded length of the items)."""
    items: list[Any]
    """Every item of every page, in the listing's order (only ever copied out)."""
    included: list[Any]


class _Retry(Exception):
    """The fetch a waiter waited for failed or was abandoned: the waiter sends its own."""


def _encode(body: Any) -> bytes:
    # ASCII: a lone surrogate from a hostile body survives as an escape
    return json.dumps(body, separators=(",", ":")).encode("ascii")


def _query(url: httpx.URL) -> dict[str, str]:
    return dict(url.params.multi_items())


class ResponseCache:
    """See the module docstring. Thread-safe; used by both senders."""

    def __init__(
        self,
        policy: CachePolicy,
        *,
        ttl: float = DEFAULT_CACHE_TTL,
        live_ttl: float = LIVE_TTL,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = lambda: datetime.now(timezone.utc).date(),
    ) -> None:
        self.policy = policy
        self.ttl = ttl
        self.live_ttl = min(live_ttl, ttl)
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._clock = clock
        self._today = today
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, ...], _Entry | _Cover] = OrderedDict()
        self._bytes = 0
        self._flights: dict[tuple[str, ...], concurrent.futures.Future[RawResponse]] = {}
        self._assembling: OrderedDict[tuple[str, ...], dict[int, tuple[Any, bool]]] = OrderedDict()
        self._settled: OrderedDict[str, None] = OrderedDict()
        self._covers: dict[str, dict[tuple[str, ...], None]] = {}
        """The keys of the complete listings of each path (in `_entries` too)."""
        self.hits = 0
        self.coalesced = 0
        self.stores = 0
        self.evictions = 0

    # --- what callers see --------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """Encoded bytes held (answers and listings)."""
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._covers.clear()
            self._assembling.clear()
            self._bytes = 0

    def get_sync(
        self,
        url: httpx.URL,
        fetch: Callable[[], RawResponse],
        cancelled: Callable[[], bool] = lambda: False,
    ) -> tuple[RawResponse, How]:
        """The answer for `url`: kept, awaited from another caller, or fetched now."""
        key = self._key(url)
        while True:
            found, flight, owner = self._claim(key, url)
            if found is not None:
                return found, "hit"
            assert flight is not None
            if not owner:
                try:
                    while True:
                        try:
                            return self._copy(flight.result(timeout=0.2)), "coalesced"
                        except concurrent.futures.TimeoutError:
                            if cancelled():
                                raise APITimeoutError(
                                    "abandoned: the caller's deadline passed", path=url.path
                                ) from None
                except _Retry:
                    continue
            return self._run_sync(key, url, flight, fetch), "sent"

    async def get_async(
        self, url: httpx.URL, fetch: Callable[[], Awaitable[RawResponse]]
    ) -> tuple[RawResponse, How]:
        key = self._key(url)
        while True:
            found, flight, owner = self._claim(key, url)
            if found is not None:
                return found, "hit"
            assert flight is not None
            if not owner:
                try:
                    # shielded: a waiter that is cancelled must not cancel the owner's fetch
                    answer = await asyncio.shield(asyncio.wrap_future(flight))
                except _Retry:
                    continue
                return self._copy(answer), "coalesced"
            try:
                response = await fetch()
            except BaseException:
                self._land(key, flight, None)
                raise
            self._land(key, flight, response)
            return response, "sent"

    # --- inside ------------------------------------------------------------------------

    def _key(self, url: httpx.URL) -> tuple[str, ...]:
        return (url.path, *(f"{k}={v}" for k, v in sorted(url.params.multi_items())))

    def _run_sync(
        self,
        key: tuple[str, ...],
        url: httpx.URL,
        flight: concurrent.futures.Future[RawResponse],
        fetch: Callable[[], RawResponse],
    ) -> RawResponse:
        try:
            response = fetch()
        except BaseException:
            self._land(key, flight, None)
            raise
        self._land(key, flight, response)
        return response

    def _copy(self, response: RawResponse) -> RawResponse:
        """A waiter's own copy of the owner's answer (decoded afresh)."""
        return RawResponse(
            body=json.loads(_encode(response.body)),
            status_code=response.status_code,
            url=response.url,
            request_id=response.request_id,
        )

    def _claim(
        self, key: tuple[str, ...], url: httpx.URL
    ) -> tuple[RawResponse | None, concurrent.futures.Future[RawResponse] | None, bool]:
        """A kept answer; or the flight to wait for; or a new flight this caller owns."""
        with self._lock:
            found = self._lookup(key, url)
            if found is not None:
                self.hits += 1
                return found, None, False
            flight = self._flights.get(key)
            if flight is not None:
                self.coalesced += 1
                return None, flight, False
            flight = concurrent.futures.Future()
            self._flights[key] = flight
            return None, flight, True

    def _land(
        self,
        key: tuple[str, ...],
        flight: concurrent.futures.Future[RawResponse],
        response: RawResponse | None,
    ) -> None:
        with self._lock:
            self._flights.pop(key, None)
            # an answer the cache cannot keep is still the caller's answer
            if response is not None:
                with contextlib.suppress(ValueError, TypeError, RecursionError):
                    self._store(key, response)
        if response is None:
            flight.set_exception(_Retry())
        else:
            flight.set_result(response)

    def _fresh(self, entry: _Entry, reaches: str | None) -> bool:
        age = self._clock() - entry.stored
        if age >= self.ttl:
            return False
        live = entry.live_from is not None and (reaches is None or reaches >= entry.live_from)
        return not (live and age >= self.live_ttl)

    def _lookup(self, key: tuple[str, ...], url: httpx.URL) -> RawResponse | None:
        rule = self.policy.rule(url.path)
        if rule is None:
            return None
        entry = self._entries.get(key)
        params = _query(url)
        reaches = params.get(rule.listing.days[1]) if rule.listing and rule.listing.days else None
        if isinstance(entry, _Entry):
            if self._fresh(entry, reaches):
                self._entries.move_to_end(key)
                return RawResponse(
                    body=json.loads(entry.data),
                    status_code=entry.status_code,
                    url=entry.url,
                    request_id=entry.request_id,
                )
            self._drop(key)
        if rule.listing is not None and params.get("page", "1") == "1":
            return self._from_cover(url, params, rule.listing, reaches)
        return None

    def _from_cover(
        self, url: httpx.URL, params: dict[str, str], listing: Listing, reaches: str | None
    ) -> RawResponse | None:
        wanted = {k: v for k, v in params.items() if k not in _PAGING}
        lo_name, hi_name = listing.days or ("", "")
        for key in list(self._covers.get(url.path, ())):
            cover = self._entries.get(key)
            if not isinstance(cover, _Cover):
                continue
            if not self._fresh(cover.entry, reaches):
                self._drop(key)
                continue
            trim = self._trim(cover, wanted, lo_name, hi_name)
            if trim is None:
                continue
            self._entries.move_to_end(key)
            answer: dict[str, Any] = {
                "data": [item for item in cover.items if trim(item)],
                "pagination": {"first": None, "last": None, "prev": None, "next": None},
            }
            if cover.included:
                answer["included"] = cover.included
            # a copy of its own for the caller
            return RawResponse(body=json.loads(_encode(answer)), status_code=200, url=str(url))
        return None

    def _trim(
        self, cover: _Cover, wanted: dict[str, str], lo_name: str, hi_name: str
    ) -> Callable[[Any], bool] | None:
        """The test an item of `cover` passes to be in the answer to `wanted`, or None when
        the cover cannot answer it (a filter it lacks and cannot apply, a wider range)."""
        listing = cover.rule
        extra: list[tuple[Callable[[Any, str], bool], str]] = []
        for name, value in cover.params.items():
            if name in (lo_name, hi_name):
                continue
            if wanted.get(name) != value:
                return None
        for name, value in wanted.items():
            if name in (lo_name, hi_name) or name in cover.params:
                continue
            test = listing.filters.get(name)
            if test is None:
                return None
            extra.append((test, value))
        lo, hi = wanted.get(lo_name), wanted.get(hi_name)
        c_lo, c_hi = cover.params.get(lo_name), cover.params.get(hi_name)
        if listing.days is not None:
            if c_lo is not None and (lo is None or lo < c_lo):
                return None
            if c_hi is not None and (hi is None or hi > c_hi):
                return None
        day_of = listing.item_day
        ranged = listing.days is not None and (lo is not None or hi is not None)
        if ranged and day_of is None:
            return None
        if ranged and day_of is not None and any(day_of(i) is None for i in cover.items):
            return None  # an item we cannot place: ask the API

        def keep(item: Any) -> bool:
            if ranged and day_of is not None:
                day = day_of(item)
                assert day is not None
                text = day.isoformat()
                if (lo is not None and text < lo) or (hi is not None and text > hi):
                    return False
            return all(test(item, value) for test, value in extra)

        return keep

    def _store(self, key: tuple[str, ...], response: RawResponse) -> None:
        """Keep an answer if its rule allows; feed a listing's pages to its assembly."""
        path = key[0]
        rule = self.policy.rule(path)
        if rule is None:
            return
        body = response.body
        if rule.settles is not None:
            for settled in rule.settles(body):
                self._settled[settled] = None
                self._settled.move_to_end(settled)
            while len(self._settled) > _MAX_SETTLED:
                self._settled.popitem(last=False)
        if rule.after is not None and rule.after not in self._settled:
            return
        if rule.keep is not None and not rule.keep(body):
            return
        url = httpx.URL(response.url)
        params = _query(url)
        live = self._live_day(rule, params)
        entry = _Entry(
            _encode(body),
            response.url,
            response.request_id,
            response.status_code,
            self._clock(),
            live,
        )
        self._put(key, entry)
        if rule.listing is not None:
            self._assemble(path, params, rule.listing, body, live)

    def _live_day(self, rule: Rule, params: Mapping[str, str]) -> str | None:
        if rule.listing is None or rule.listing.days is None:
            return None
        today = self._today().isoformat()
        hi = params.get(rule.listing.days[1])
        return today if hi is None or hi >= today else None

    def _assemble(
        self,
        path: str,
        params: dict[str, str],
        listing: Listing,
        body: Any,
        live: str | None,
    ) -> None:
        if not isinstance(body, Mapping) or not isinstance(body.get("data"), list):
            return
        try:
            number = int(params.get("page", "1"))
        except ValueError:
            return
        base = {k: v for k, v in params.items() if k not in _PAGING}
        key = (path, params.get("per_page", ""), *(f"{k}={v}" for k, v in sorted(base.items())))
        pages = self._assembling.setdefault(key, {})
        self._assembling.move_to_end(key)
        raw = body.get("pagination")
        nxt = raw.get("next") if isinstance(raw, Mapping) else None
        last = not (isinstance(nxt, str) and nxt.strip()) or not body["data"]
        pages[number] = (body, last)
        while len(self._assembling) > _MAX_ASSEMBLING:
            self._assembling.popitem(last=False)
        ends = [n for n, (_, is_last) in pages.items() if is_last]
        if not ends or any(n not in pages for n in range(1, min(ends) + 1)):
            return
        del self._assembling[key]
        items: list[Any] = []
        included: dict[tuple[str, str], Any] = {}
        for n in range(1, min(ends) + 1):
            page_body = pages[n][0]
            items.extend(page_body["data"])
            extra = page_body.get("included")
            for inc in extra if isinstance(extra, list) else []:
                if isinstance(inc, Mapping):
                    included.setdefault((str(inc.get("type")), str(inc.get("id"))), inc)
        kept = list(included.values())
        size = len(_encode(items)) + len(_encode(kept))
        entry = _Entry(b"", "", None, 200, self._clock(), live, size=size)
        cover_key = ("cover", path, *(f"{k}={v}" for k, v in sorted(base.items())))
        self._put(cover_key, _Cover(path, base, listing, entry, items, kept))

    def _put(self, key: tuple[str, ...], value: _Entry | _Cover) -> None:
        size = (value.entry if isinstance(value, _Cover) else value).size
        if size > self.max_bytes:
            return
        self._drop(key)
        self._entries[key] = value
        self._bytes += size
        if isinstance(value, _Cover):
            self._covers.setdefault(value.path, {})[key] = None
        self.stores += 1
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            old, _ = next(iter(self._entries.items()))
            self._drop(old)
            self.evictions += 1

    def _drop(self, key: tuple[str, ...]) -> None:
        value = self._entries.pop(key, None)
        if value is not None:
            self._bytes -= (value.entry if isinstance(value, _Cover) else value).size
        if isinstance(value, _Cover):
            self._covers.get(value.path, {}).pop(key, None)
