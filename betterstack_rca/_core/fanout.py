"""Ordered, bounded fan-outs: fetch many URLs at once, hand the results back in order.

The paginators use them for pages 2..N. At most `concurrency` fetches run at once, and at
most `2 x concurrency` results are fetched ahead of the consumer (memory stays bounded; a
slow fetch does not hold the other slots back). Each answer is parsed as soon as it arrives,
while the other requests are on the wire, so the consumer gets parsed results. A window
starts fetching when it is made, so the caller can parse something else meanwhile.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

R = TypeVar("R")
P = TypeVar("P")


class AsyncWindow(Generic[R, P]):
    """`await window.next()` gives the parsed results in the order of `urls`."""

    def __init__(
        self,
        fetch: Callable[[str], Awaitable[R]],
        parse: Callable[[R], P],
        urls: list[str],
        concurrency: int,
    ) -> None:
        self._fetch, self._parse, self._ahead = fetch, parse, 2 * concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._queue = deque(urls)
        self._pending: deque[asyncio.Task[P]] = deque()
        self._fill()

    def __bool__(self) -> bool:
        return bool(self._pending)

    async def _load(self, url: str) -> P:
        async with self._slots:
            answer = await self._fetch(url)
        # the slot is free: let the next request go out before this answer is parsed
        await asyncio.sleep(0)
        return self._parse(answer)

    def _fill(self) -> None:
        # queued tasks wait for a slot: one starts as soon as another request ends,
        # whether or not the consumer has taken the result before it
        while self._queue and len(self._pending) < self._ahead:
            self._pending.append(asyncio.ensure_future(self._load(self._queue.popleft())))

    async def next(self) -> P:
        """The next result in order (its fetch or parse error is raised here)."""
        result = await self._pending.popleft()
        self._fill()
        return result

    async def close(self) -> None:
        """Cancel what is still running or queued, and wait for it to end."""
        self._queue.clear()
        for task in self._pending:
            task.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        self._pending.clear()


class ThreadWindow(Generic[R, P]):
    """The same over a pool of `concurrency` threads (for blocking fetches): `next()`."""

    def __init__(
        self,
        fetch: Callable[[str], R],
        parse: Callable[[R], P],
        urls: list[str],
        concurrency: int,
    ) -> None:
        self._fetch, self._parse = fetch, parse
        workers = max(1, min(concurrency, len(urls)))
        self._ahead = 2 * workers
        self._pool = concurrent.futures.ThreadPoolExecutor(
            workers, thread_name_prefix="betterstack-rca"
        )
        self._queue = deque(urls)
        self._pending: deque[concurrent.futures.Future[P]] = deque()
        self._fill()

    def __bool__(self) -> bool:
        return bool(self._pending)

    def _load(self, url: str) -> P:
        return self._parse(self._fetch(url))

    def _fill(self) -> None:
        # the pool runs `workers` fetches at a time and starts the next queued one as soon
        # as one ends; each runs in the caller's context (its `track_requests()` counts it)
        while self._queue and len(self._pending) < self._ahead:
            ctx = contextvars.copy_context()
            self._pending.append(self._pool.submit(ctx.run, self._load, self._queue.popleft()))

    def next(self) -> P:
        """The next result in order (its fetch or parse error is raised here)."""
        result = self._pending.popleft().result()
        self._fill()
        return result

    def close(self, *, wait: bool = True) -> None:
        """Cancel what is queued; wait for the requests already on the wire (`wait=False`
        after a Ctrl-C: they end in the background)."""
        self._queue.clear()
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=wait, cancel_futures=True)
