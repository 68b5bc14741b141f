"""Lazy paginators over Better Stack list endpoints.

A list endpoint returns `{"data": [...], "pagination": {"first", "last", "prev", "next"}}`.
`SyncPaginator` follows `next`; `AsyncPaginator` reads the page count from the first page's
`last` link and fetches the remaining pages concurrently (within the client's concurrency),
yielding items in order, and falls back to following `next` when `last` is not usable.

Both refuse a `next` link to another host (the token never leaves the base URL's origin),
stop with an error when a link repeats, and stop at `max_pages`.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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


class SyncPaginator(Generic[T]):
    """Iterate items lazily (`for x in p`), page by page (`p.pages()`), or collect them."""

    def __init__(
        self,
        fetch: SyncFetch,
        call: PagedCall[T],
        *,
        max_items: int | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> None:
        if max_items is not None and max_items < 0:
            raise ValueError(f"max_items must be >= 0, got {max_items!r}")
        self._fetch = fetch
        self._call = call
        self.max_items = max_items
        self.max_pages = max_pages
        self.last_page: Page[T] | None = None

    def __repr__(self) -> str:
        return f"<SyncPaginator {self._call.path} max_items={self.max_items}>"

    def pages(self) -> Iterator[Page[T]]:
        """Pages in order, following `next` until it is empty."""
        if self.max_items == 0:
            return
        guard = _Guard(self.max_pages, self._call.path)
        target: str = self._call.path
        params: Params | None = _first_params(self._call, self.max_items)
        seen_items = 0
        while True:
            response = self._fetch(target, params)
            guard.visit(response.url)
            page = read_page(response, self._call.parse, self._call.keep)
            if params is not None and page.number is None:
                page.number = 1  # the first request carries no page parameter
            self.last_page = page
            yield page
            seen_items += len(page.items)
            if not page.next_url or not page.fetched:
                return
            if self.max_items is not None and seen_items >= self.max_items:
                return
            if page.next_url in guard.seen:
                guard.visit(page.next_url)
            target, params = page.next_url, None

    def __iter__(self) -> Iterator[T]:
        remaining = self.max_items
        for page in self.pages():
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
        """Every item (up to `max_items`) in one list."""
        return list(self)


class AsyncPaginator(Generic[T]):
    """`async for x in p`, `p.pages()`, `await p.first_page()`, `await p.to_list()`.

    After the first page, the remaining pages are fetched concurrently when the `last` link
    announces how many there are (at most `concurrency` pages ahead of the consumer).
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

    def _fanout_plan(self, first: Page[T]) -> list[str] | None:
        nxt, last, total = first.next_url, first.last_url, first.total_pages
        if not nxt or not last or total is None or total < 2 or not first.fetched:
            return None
        if _page_number(nxt) != 2 or not _same_except_page(nxt, last):
            return None
        needed = total
        if self.max_items is not None:
            # enough pages for max_items if `keep` drops nothing; pages beyond, if it does,
            # come one at a time through `next` (no speculative requests)
            needed = min(total, math.ceil(self.max_items / first.fetched))
        if needed > self.max_pages:
            raise ResponseParseError(
                f"the API announces {total} pages, more than max_pages={self.max_pages}",
                path=self._call.path,
            )
        return [_with_page(nxt, n) for n in range(2, needed + 1)]

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Pages in order."""
        if self.max_items == 0:
            return
        guard = _Guard(self.max_pages, self._call.path)
        response = await self._fetch(self._call.path, _first_params(self._call, self.max_items))
        guard.visit(response.url)
        page = read_page(response, self._call.parse, self._call.keep)
        if page.number is None:
            page.number = 1  # the first request carries no page parameter
        self.last_page = page
        yield page
        seen_items = len(page.items)

        def enough() -> bool:
            return self.max_items is not None and seen_items >= self.max_items

        plan = self._fanout_plan(page)
        if plan:
            pending: deque[asyncio.Future[RawResponse]] = deque()
            queue = deque(plan)
            try:
                while queue or pending:
                    while queue and len(pending) < self.concurrency:
                        pending.append(asyncio.ensure_future(self._fetch(queue.popleft(), None)))
                    response = await pending.popleft()
                    guard.visit(response.url)
                    page = read_page(response, self._call.parse, self._call.keep)
                    self.last_page = page
                    yield page
                    seen_items += len(page.items)
                    if not page.fetched or enough():
                        return
            finally:
                for future in pending:
                    future.cancel()
                if pending:
                    await asyncio.gather(*pending, return_exceptions=True)
        # follow `next` (all of it without a usable plan; any pages beyond the announced last)
        while page.next_url and page.fetched and not enough():
            if page.next_url in guard.seen:
                guard.visit(page.next_url)
            response = await self._fetch(page.next_url, None)
            guard.visit(response.url)
            page = read_page(response, self._call.parse, self._call.keep)
            self.last_page = page
            yield page
            seen_items += len(page.items)

    async def __aiter__(self) -> AsyncIterator[T]:
        remaining = self.max_items
        pages = self.pages()
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
        return [item async for item in self]
