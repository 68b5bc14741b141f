"""Lazy paginators over Better Stack list endpoints.

A list endpoint returns `{"data": [...], "pagination": {"first", "last", "prev", "next"}}`.
Both paginators fetch the first page and, when its `last` link announces the page count
(`next` is page 2 and `last` differs from it only in `page=`), fetch the remaining pages
concurrently and yield them in order: `AsyncPaginator` always, `SyncPaginator` in
`to_list()` (over a small thread pool; iterating it stays lazy, one page when the loop
reaches it). Otherwise, and for any page beyond the announced last, they follow `next`.

The fan-out (`fanout.py`) keeps at most `concurrency` requests in flight and at most
`2 x concurrency` pages ahead of the consumer (a slow page does not hold the other requests
back; memory stays bounded), and parses each page as soon as it arrives, while the other
requests are on the wire. `to_list()`, which wants every page, sends pages 2..N before it
parses page 1; a loop asks for page 2 only when it reaches it. Requests go through the
client's sender, so its pacing and retries apply to each.

Both refuse a `next` link to another host (the token never leaves the base URL's origin),
stop with an error when a link repeats, and stop at `max_pages`.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterator,
    Mapping,
)
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from betterstack_rca._core.fanout import AsyncWindow, ThreadWindow
from betterstack_rca._core.http import DEFAULT_BASE_URL, RawResponse, path_of
from betterstack_rca.errors import ResponseParseError

T = TypeVar("T")

#: A safety net against runaway pagination (10,000 pages = 2.5 million monitors).
DEFAULT_MAX_PAGES = 10_000

Params = Mapping[str, str]
SyncFetch = Callable[[str, "Params | None"], RawResponse]
AsyncFetch = Callable[[str, "Params | None"], Awaitable[RawResponse]]
PageParser = Callable[[Any], "list[T]"]


@dataclass(frozen=True)
class PagedCall(Generic[T]):
    """One list endpoint: its path, query and how to read the items of a page."""

    path: str
    params: Mapping[str, str]
    parse: Callable[[Any], list[T]]
    per_page: int = 250
    """The largest page the endpoint allows (Better Stack: 250; incidents: 50)."""
    max_items: int | None = None
    """Stop after this many items (and ask for smaller pages when it is below `per_page`)."""
    keep: Callable[[T], bool] | None = None
    """Keep only the items it accepts (e.g. incidents inside an exact time window when the
    API only filters by day). Paging still follows every page the API returns."""


@dataclass
class Page(Generic[T]):
    """One page of results."""

    items: list[T]
    number: int | None
    """This page's number when the URL says it (pages start at 1)."""
    next_url: str | None
    last_url: str | None
    total_pages: int | None
    """The page count announced by the `last` link, when it carries a page number."""
    url: str = ""
    pagination: dict[str, Any] = field(default_factory=dict)
    fetched: int = -1
    """Items the API returned on this page, before `keep` (-1: same as `len(items)`)."""

    def __post_init__(self) -> None:
        if self.fetched < 0:
            self.fetched = len(self.items)


def _page_number(url: str | None) -> int | None:
    if not url:
        return None
    try:
        query = parse_qsl(urlsplit(url).query)
    except ValueError:
        return None
    for key, value in query:
        if key == "page":
            try:
                number = int(value)
            except ValueError:
                return None
            return number if number >= 1 else None
    return None


def _with_page(url: str, number: int) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    query.append(("page", str(number)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _same_except_page(a: str, b: str) -> bool:
    try:
        pa, pb = urlsplit(a), urlsplit(b)
    except ValueError:
        return False
    qa = sorted((k, v) for k, v in parse_qsl(pa.query, keep_blank_values=True) if k != "page")
    qb = sorted((k, v) for k, v in parse_qsl(pb.query, keep_blank_values=True) if k != "page")
    return (pa.scheme, pa.netloc, pa.path, qa) == (pb.scheme, pb.netloc, pb.path, qb)


#: Better Stack's former host. Answers recorded before the move link their pages there; for
#: the default base URL it is the same API, so such a link is followed on the base URL's own
#: origin (the token never goes to the old host). A custom base URL accepts no other host.
_FORMER_HOSTS = frozenset({"betteruptime.com", "www.betteruptime.com"})
_DEFAULT_ORIGIN = urlsplit(DEFAULT_BASE_URL)


def _link(pagination: Mapping[str, Any], name: str, path: str, page_url: str = "") -> str | None:
    """A pagination link, which Better Stack always sends as an absolute URL.

    ``null``, a missing key and ``""`` (some answers end with ``"next": ""``) all mean "no
    such page". `page_url` is the URL of the page the link came from.
    """
    value = pagination.get(name)
    if not isinstance(value, str) or not value.strip():
        return None
    if not value.startswith(("http://", "https://")):
        raise ResponseParseError(
            f"pagination {name!r} is not an absolute http(s) URL: {value[:80]!r}", path=path
        )
    try:
        link, page = urlsplit(value), urlsplit(page_url)
        former = (link.hostname or "").lower() in _FORMER_HOSTS
        on_default = (page.scheme, page.netloc.lower()) == (
            _DEFAULT_ORIGIN.scheme,
            _DEFAULT_ORIGIN.netloc,
        )
    except ValueError:
        return value  # the request refuses what it cannot split
    if former and on_default:
        return urlunsplit(link._replace(scheme=page.scheme, netloc=page.netloc))
    return value


def read_page(
    response: RawResponse,
    parse: Callable[[Any], list[T]],
    keep: Callable[[T], bool] | None = None,
) -> Page[T]:
    """Items and links of one page. Parsing errors become `ResponseParseError`."""
    path = path_of(response.url)
    try:
        items = parse(response.body)
    except ValueError as exc:
        raise ResponseParseError(
            f"unexpected list shape: {exc}", path=path, request_id=response.request_id
        ) from None
    fetched = len(items)
    if keep is not None:
        items = [item for item in items if keep(item)]
    body = response.body
    raw = body.get("pagination") if isinstance(body, Mapping) else None
    pagination = dict(raw) if isinstance(raw, Mapping) else {}
    last_url = _link(pagination, "last", path, response.url)
    return Page(
        items=items,
        number=_page_number(response.url),
        next_url=_link(pagination, "next", path, response.url),
        last_url=last_url,
        total_pages=_page_number(last_url),
        url=response.url,
        pagination=pagination,
        fetched=fetched,
    )


def _first_params(call: PagedCall[Any], max_items: int | None) -> dict[str, str]:
    params = dict(call.params)
    per_page = call.per_page
    if max_items is not None and 0 < max_items < per_page and call.keep is None:
        per_page = max_items
    params.setdefault("per_page", str(per_page))
    return params


def _fanout_plan(
    first: Page[Any], path: str, max_items: int | None, max_pages: int
) -> list[str] | None:
    """The links of pages 2..N to fetch at once, or None to follow `next` instead."""
    nxt, last, total = first.next_url, first.last_url, first.total_pages
    if not nxt or not last or total is None or total < 2 or not first.fetched:
        return None
    if _page_number(nxt) != 2 or not _same_except_page(nxt, last):
        return None
    needed = total
    if max_items is not None:
        # enough pages for max_items if `keep` drops nothing; pages beyond, if it does,
        # come one at a time through `next` (no speculative requests)
        needed = min(total, math.ceil(max_items / first.fetched))
    if needed > max_pages:
        raise ResponseParseError(
            f"the API announces {total} pages, more than max_pages={max_pages}", path=path
        )
    return [_with_page(nxt, n) for n in range(2, needed + 1)]


class _Guard:
    """Detects repeating links and runaway page counts."""

    def __init__(self, max_pages: int, path: str) -> None:
        self.max_pages = max_pages
        self.path = path
        self.seen: set[str] = set()
        self.count = 0

    def visit(self, url: str) -> None:
        if url in self.seen:
            raise ResponseParseError(
                f"pagination loops: the link {path_of(url)}?{urlsplit(url).query} repeats",
                path=self.path,
            )
        self.seen.add(url)
        self.count += 1
        if self.count > self.max_pages:
            raise ResponseParseError(
                f"pagination did not end within max_pages={self.max_pages}", path=self.path
            )


def _peek(response: RawResponse) -> Page[Any]:
    """The links of a page and its item count, before it is parsed (the plan needs no more)."""
    body = response.body
    data = body.get("data") if isinstance(body, Mapping) else None
    if not isinstance(data, list):
        return Page(items=[], number=None, next_url=None, last_url=None, total_pages=None)
    return read_page(response, lambda _body: [None] * len(data))


class SyncPaginator(Generic[T]):
    """Iterate items lazily (`for x in p`), page by page (`p.pages()`), or collect them."""

    def __init__(
        self,
        fetch: SyncFetch,
        call: PagedCall[T],
        *,
        max_items: int | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        concurrency: int = 1,
    ) -> None:
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be >= 0, got {max_items!r}")
        self._fetch = fetch
        self._call = call
        self.max_items = max_items
        self.max_pages = max_pages
        self.concurrency = max(1, concurrency)
        """Requests in flight at once in `to_list()` (1: follow `next`, one page at a time)."""
        self.last_page: Page[T] | None = None

    def __repr__(self) -> str:
        return f"<SyncPaginator {self._call.path} max_items={self.max_items}>"

    def pages(self) -> Iterator[Page[T]]:
        """Pages in order, following `next` until it is empty (one request per page read)."""
        return self._pages(fan_out=False)

    def _pages(self, *, fan_out: bool) -> Iterator[Page[T]]:
        if self.max_items == 0:
            return
        call = self._call
        guard = _Guard(self.max_pages, call.path)
        response = self._fetch(call.path, _first_params(call, self.max_items))
        guard.visit(response.url)
        window: ThreadWindow[RawResponse, Page[T]] | None = None
        if fan_out and self.concurrency > 1:
            # the caller wants every page: the others are on the wire while this one parses
            plan = _fanout_plan(_peek(response), call.path, self.max_items, self.max_pages)
            if plan:
                fetch = self._fetch
                window = ThreadWindow(
                    lambda url: fetch(url, None), self._parse, plan, self.concurrency
                )
        interrupted = False
        try:
            page = self._parse(response)
            if page.number is None:
                page.number = 1  # the first request carries no page parameter
            self.last_page = page
            yield page
            seen_items = len(page.items)

            def enough() -> bool:
                return self.max_items is not None and seen_items >= self.max_items

            while window:
                page = window.next()
                guard.visit(page.url)
                self.last_page = page
                yield page
                seen_items += len(page.items)
                if not page.fetched or enough():
                    return
        except BaseException as exc:
            interrupted = not isinstance(exc, (Exception, GeneratorExit))
            raise
        finally:
            if window is not None:
                window.close(wait=not interrupted)  # a Ctrl-C does not wait for the wire
        # follow `next` (all of it without a usable plan; any pages beyond the announced last)
        while page.next_url and page.fetched and not enough():
            if page.next_url in guard.seen:
                guard.visit(page.next_url)
            response = self._fetch(page.next_url, None)
            guard.visit(response.url)
            page = self._parse(response)
            self.last_page = page
            yield page
            seen_items += len(page.items)

    def _parse(self, response: RawResponse) -> Page[T]:
        return read_page(response, self._call.parse, self._call.keep)

    def __iter__(self) -> Iterator[T]:
        return self._items(self.pages())

    def _items(self, pages: Iterator[Page[T]]) -> Iterator[T]:
        remaining = self.max_items
        for page in pages:
            for item in page.items:
                if remaining is not None:
                    if remaining <= 0:
                        return
                    remaining -= 1
                yield item

    def first_page(self) -> Page[T]:
        """Only the first page (one request)."""
        for page in self.pages():
            return page
        return Page(items=[], number=None, next_url=None, last_url=None, total_pages=None)

    def to_list(self) -> list[T]:
        """Every item (up to `max_items`) in one list; pages 2..N are fetched concurrently
        when the first page announces how many there are."""
        return list(self._items(self._pages(fan_out=True)))


class AsyncPaginator(Generic[T]):
    """`async for x in p`, `p.pages()`, `await p.first_page()`, `await p.to_list()`.

    After the first page, the remaining pages are fetched concurrently when the `last` link
    announces how many there are: at most `concurrency` requests in flight, at most
    `2 x concurrency` pages ahead of the consumer.
    """

    def __init__(
        self,
        fetch: AsyncFetch,
        call: PagedCall[T],
        *,
        max_items: int | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        concurrency: int = 4,
    ) -> None:
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be >= 0, got {max_items!r}")
        self._fetch = fetch
        self._call = call
        self.max_items = max_items
        self.max_pages = max_pages
        self.concurrency = max(1, concurrency)
        self.last_page: Page[T] | None = None

    def __repr__(self) -> str:
        return f"<AsyncPaginator {self._call.path} max_items={self.max_items}>"

    def pages(self) -> AsyncGenerator[Page[T], None]:
        """Pages in order (an async generator)."""
        return self._pages(eager=False)

    async def _pages(self, *, eager: bool) -> AsyncGenerator[Page[T], None]:
        if self.max_items == 0:
            return
        call = self._call
        guard = _Guard(self.max_pages, call.path)
        response = await self._fetch(call.path, _first_params(call, self.max_items))
        guard.visit(response.url)
        window: AsyncWindow[RawResponse, Page[T]] | None = None
        if eager:  # the caller wants every page: the others go out before this one parses
            window = self._window(_peek(response))
        try:
            if window is not None:
                # two turns of the loop before parsing: one starts the window's requests,
                # one the task `asyncio.wait_for` makes of each attempt (the sender's total
                # timeout; Python 3.12 no longer makes one); then they are on the wire
                await asyncio.sleep(0)
                await asyncio.sleep(0)
            page = self._parse(response)
            if page.number is None:
                page.number = 1  # the first request carries no page parameter
            self.last_page = page
            yield page
            seen_items = len(page.items)

            def enough() -> bool:
                return self.max_items is not None and seen_items >= self.max_items

            if not eager:
                window = self._window(page)
            while window:
                page = await window.next()
                guard.visit(page.url)
                self.last_page = page
                yield page
                seen_items += len(page.items)
                if not page.fetched or enough():
                    return
        finally:
            if window is not None:
                await window.close()
        # follow `next` (all of it without a usable plan; any pages beyond the announced last)
        while page.next_url and page.fetched and not enough():
            if page.next_url in guard.seen:
                guard.visit(page.next_url)
            response = await self._fetch(page.next_url, None)
            guard.visit(response.url)
            page = self._parse(response)
            self.last_page = page
            yield page
            seen_items += len(page.items)

    def _window(self, first: Page[Any]) -> AsyncWindow[RawResponse, Page[T]] | None:
        plan = _fanout_plan(first, self._call.path, self.max_items, self.max_pages)
        if not plan:
            return None
        fetch = self._fetch
        return AsyncWindow(lambda url: fetch(url, None), self._parse, plan, self.concurrency)

    def _parse(self, response: RawResponse) -> Page[T]:
        return read_page(response, self._call.parse, self._call.keep)

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items(self.pages())

    async def _items(self, pages: AsyncGenerator[Page[T], None]) -> AsyncIterator[T]:
        remaining = self.max_items
        try:
            async for page in pages:
                for item in page.items:
                    if remaining is not None:
                        if remaining <= 0:
                            return
                        remaining -= 1
                    yield item
        finally:
            await pages.aclose()

    async def first_page(self) -> Page[T]:
        pages = self.pages()
        try:
            async for page in pages:
                return page
        finally:
            await pages.aclose()
        return Page(items=[], number=None, next_url=None, last_url=None, total_pages=None)

    async def to_list(self) -> list[T]:
        """Every item (up to `max_items`); pages 2..N are requested before page 1 is parsed."""
        return [item async for item in self._items(self._pages(eager=True))]
