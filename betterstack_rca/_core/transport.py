"""The two thin I/O shells: a sync and an async sender sharing pacing, retries and rules.

A sender turns `(path or absolute URL, params)` into a decoded `RawResponse`, or raises a typed
error. It paces every request through one token bucket per client (`pacing.py`), bounds
requests in flight, retries what is worth retrying (`retry.py`, tenacity), and reads bodies
with a size limit (`limits.py`). What the answer *means* is decided in `http.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

import httpx
import tenacity

from betterstack_rca._core import deadline as budgets
from betterstack_rca._core import http
from betterstack_rca._core.cache import How, ResponseCache
from betterstack_rca._core.limits import DEFAULT_MAX_RESPONSE_BYTES, aread_body, read_body
from betterstack_rca._core.pacing import TokenBucket, slot_waits
from betterstack_rca._core.retry import RetryPolicy
from betterstack_rca._core.run import within
from betterstack_rca.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ReadOnlyError,
    ResponseParseError,
)

logger = logging.getLogger("betterstack_rca")

Params = Mapping[str, str]


# --- Counters --------------------------------------------------------------------------------


@dataclass
class RequestStats:
    """What a client (or one bundle collection) cost in HTTP terms."""

    requests: int = 0
    """Requests sent (every attempt counts, retries included)."""
    retries: int = 0
    """Attempts that were a retry of an earlier failed attempt."""
    rate_limited: int = 0
    """429 answers received."""
    failures: int = 0
    """Requests that finally failed (after their retries)."""
    max_in_flight: int = 0
    """Most requests in flight at once."""
    cache_hits: int = 0
    """Reads answered by the client's cache (no request sent)."""
    coalesced: int = 0
    """Reads that waited for the same request already in flight (no request sent)."""

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_active_stats: contextvars.ContextVar[tuple[RequestStats, ...]] = contextvars.ContextVar(
    "betterstack_rca_active_stats", default=()
)


@contextlib.contextmanager
def track_requests() -> Iterator[RequestStats]:
    """Count the requests made in this context (and in tasks and threads started from it)."""
    stats = RequestStats()
    token = _active_stats.set((*_active_stats.get(), stats))
    try:
        yield stats
    finally:
        _active_stats.reset(token)


# --- Shared sender logic ----------------------------------------------------------------------


def _interruptible(
    sleep: Callable[[float], None], cancel: threading.Event
) -> Callable[[float], None]:
    """`sleep`, but returning early once `cancel` is set (the real clock only)."""
    if sleep is not time.sleep:
        return sleep  # an injected test sleep stays as it is

    def wait(seconds: float) -> None:
        cancel.wait(seconds)

    return wait


def _drop_requests(exc: BaseException) -> None:
    """Cut an exception chain below our own errors: an httpx error in `__context__` or
    `__cause__` holds the request, and the request holds the `Authorization` header."""
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        for link in ("__cause__", "__context__"):
            if isinstance(getattr(node, link), httpx.HTTPError):
                setattr(node, link, None)
        node = node.__context__ or node.__cause__


def _classify_transport_error(exc: Exception, method: str, url: httpx.URL) -> APIError:
    path, host = url.path, url.netloc.decode("ascii", "replace")
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"request to {host} timed out ({type(exc).__name__})", method=method, path=path
        )
    if isinstance(exc, httpx.DecodingError):
        return ResponseParseError(f"could not decode the body ({exc})", method=method, path=path)
    return APIConnectionError(
        f"connection to {host} failed ({type(exc).__name__}: {exc})", method=method, path=path
    )


def _say_attempts(exc: BaseException, attempts: object) -> None:
    """Name the attempts in the message of a request that never got an answer."""
    if isinstance(exc, APIConnectionError) and isinstance(attempts, int) and attempts > 0:
        exc.message += f"; gave up after {attempts} attempt{'s' if attempts > 1 else ''}"
        exc.args = (exc._full_message(),)


class _SenderCore(RetryPolicy):
    """Request building, retry decisions and bookkeeping shared by both senders."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        max_retries: int,
        retry_after_cap: float,
        bucket: TokenBucket,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        timeout: float = 30.0,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_margin: float = 0.05,
        rng: random.Random | None = None,
        wall_clock: Callable[[], float] = time.time,
        cache: ResponseCache | None = None,
    ) -> None:
        super().__init__(
            max_retries=max_retries,
            retry_after_cap=retry_after_cap,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            retry_after_margin=retry_after_margin,
            rng=rng,
        )
        self.base_url = base_url
        self.origin = http.Origin.of(base_url)
        self._token = token
        self.bucket = bucket
        self.max_response_bytes = max_response_bytes
        self.timeout = timeout
        """Total seconds one attempt may take from connecting to the last byte of the body
        (httpx's own timeout applies to each read, so trickled headers or a trickling body
        would never end: `wait_for` bounds an async attempt, `deadline.within` a sync one)."""
        self._wall_clock = wall_clock
        self.cache = cache
        """The client's read cache (None: off); shared by every bundle of the client."""
        self.stats = RequestStats()
        self._in_flight = 0
        self._count_lock = threading.Lock()

    # requests

    def url_for(self, target: str, params: Params | None) -> httpx.URL:
        """An absolute URL for a path or a link of this client's origin (see `http.py`)."""
        return http.request_url(target, params, base_url=self.base_url, origin=self.origin)

    def build(self, client_build: Callable[..., httpx.Request], url: httpx.URL) -> httpx.Request:
        http.ensure_read_only("GET", url.path)
        return client_build("GET", url)

    def timed_out(self, path: str) -> APITimeoutError:
        return APITimeoutError(
            f"the answer did not arrive within the {self.timeout:g} s total timeout", path=path
        )

    # bookkeeping

    def on_retry(self) -> None:
        self._count("retries")

    def served(self, how: How) -> None:
        """Count a read the cache answered (``hit``) or coalesced (``coalesced``)."""
        if how == "hit":
            self._count("cache_hits")
        elif how == "coalesced":
            self._count("coalesced")

    def _count(self, name: str, amount: int = 1) -> None:
        with self._count_lock:
            for stats in (self.stats, *_active_stats.get()):
                setattr(stats, name, getattr(stats, name) + amount)

    def enter(self) -> None:
        with self._count_lock:
            self._in_flight += 1
            for stats in (self.stats, *_active_stats.get()):
                stats.requests += 1
                stats.max_in_flight = max(stats.max_in_flight, self._in_flight)

    def leave(self) -> None:
        with self._count_lock:
            self._in_flight -= 1

    def finish(self, response: httpx.Response, content: bytes) -> http.RawResponse:
        """Turn a complete answer into a `RawResponse` or the typed error it stands for."""
        path = response.request.url.path
        headers = response.headers
        logger.debug("GET %s -> %d (%d bytes)", path, response.status_code, len(content))
        if not 200 <= response.status_code < 300:
            error = http.error_for_status(
                status_code=response.status_code,
                content=content,
                headers=headers,
                method="GET",
                path=path,
                token=self._token,
                retry_after_now=self._wall_clock(),
            )
            if response.status_code == 429:
                self._count("rate_limited")
                self.bucket.penalize(error.retry_after)
            raise error
        body = http.decode_json(content, headers=headers, method="GET", path=path)
        return http.RawResponse(
            body=body,
            status_code=response.status_code,
            url=str(response.request.url),
            request_id=headers.get("x-request-id"),
        )

    def failed(self, exc: BaseException) -> None:
        """Count a final failure, and take this client's token out of it: a 401 body or a
        proxy's error page may repeat the token, and the message quotes the body."""
        if isinstance(exc, APIError):
            self._count("failures")
            exc.forget(self._token)
        _drop_requests(exc)


class SyncSender(_SenderCore):
    """Blocking sender over an `httpx.Client`. Thread-safe."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        max_concurrency: int,
        sleep: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._client = client
        self.max_concurrency = max_concurrency
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._sleep = sleep

    def get(
        self,
        target: str,
        params: Params | None = None,
        *,
        cancel: threading.Event | None = None,
        cached: bool = True,
    ) -> http.RawResponse:
        """GET with pacing and retries, through the cache (unless `cached` is False).
        `cancel`, once set, ends waiting and retrying at once (a bundle whose deadline
        passed stops its background requests this way)."""
        url = self.url_for(target, params)
        if self.cache is None or not cached:
            return self._send(url, cancel)
        response, how = self.cache.get_sync(
            url, lambda: self._send(url, cancel), cancel.is_set if cancel else lambda: False
        )
        self.served(how)
        return response

    def _send(self, url: httpx.URL, cancel: threading.Event | None) -> http.RawResponse:
        request = self.build(self._client.build_request, url)
        sleep = self._sleep if cancel is None else _interruptible(self._sleep, cancel)
        stop = self.stop()
        if cancel is not None:
            stop = stop | tenacity.stop_when_event_set(cancel)
        retrying = tenacity.Retrying(**self.retrying_options(sleep, stop))
        try:
            return retrying(self._attempt, request, sleep, cancel)
        except BaseException as exc:
            self.failed(exc)
            _say_attempts(exc, retrying.statistics.get("attempt_number"))
            raise

    def _pace(self, sleep: Callable[[float], None] | None = None) -> None:
        sleep = sleep or self._sleep
        for delay in slot_waits(self.bucket):
            if delay > 0:
                sleep(delay)

    def _attempt(
        self,
        request: httpx.Request,
        sleep: Callable[[float], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> http.RawResponse:
        with self._slots:
            self._pace(sleep)
            if cancel is not None and cancel.is_set():
                raise APITimeoutError(
                    "abandoned: the caller's deadline passed", path=request.url.path
                )
            self.enter()
            deadline = time.monotonic() + self.timeout
            # every socket operation, headers included, ends by the deadline (`backend.py`)
            with budgets.within(deadline) as budget:
                try:
                    response = self._client.send(request, stream=True)
                    try:
                        content = read_body(
                            response, self.max_response_bytes, deadline=deadline, cancel=cancel
                        )
                    finally:
                        response.close()
                except ReadOnlyError:
                    raise
                except httpx.TimeoutException as exc:
                    if budget.spent:  # the total timeout, as the async sender says it
                        raise self.timed_out(request.url.path) from None
                    raise _classify_transport_error(exc, "GET", request.url) from None
                except httpx.HTTPError as exc:
                    raise _classify_transport_error(exc, "GET", request.url) from None
                finally:
                    self.leave()
        return self.finish(response, content)


class AsyncSender(_SenderCore):
    """Non-blocking sender over an `httpx.AsyncClient`."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_concurrency: int,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._client = client
        self.max_concurrency = max_concurrency
        self._slots: asyncio.Semaphore | None = None
        self._sleep = sleep

    async def get(
        self, target: str, params: Params | None = None, *, cached: bool = True
    ) -> http.RawResponse:
        """GET with pacing and retries, through the cache (unless `cached` is False)."""
        url = self.url_for(target, params)
        if self.cache is None or not cached:
            return await self._send(url)
        response, how = await self.cache.get_async(url, lambda: self._send(url))
        self.served(how)
        return response

    async def _send(self, url: httpx.URL) -> http.RawResponse:
        request = self.build(self._client.build_request, url)
        retrying = tenacity.AsyncRetrying(**self.retrying_options(self._sleep))
        try:
            return await retrying(self._attempt, request)
        except BaseException as exc:
            self.failed(exc)
            _say_attempts(exc, retrying.statistics.get("attempt_number"))
            raise

    async def _pace(self) -> None:
        for delay in slot_waits(self.bucket):
            if delay > 0:
                await self._sleep(delay)

    async def _exchange(self, request: httpx.Request) -> tuple[httpx.Response, bytes]:
        """Send and read the whole body: what the total timeout bounds (a stuck read is
        cancelled, and gives its concurrency slot back)."""
        response = await self._client.send(request, stream=True)
        try:
            return response, await aread_body(response, self.max_response_bytes)
        finally:
            await response.aclose()

    async def _attempt(self, request: httpx.Request) -> http.RawResponse:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_concurrency)
        async with self._slots:
            await self._pace()
            self.enter()
            try:
                response, content = await within(self._exchange(request), self.timeout)
            except asyncio.TimeoutError:
                raise self.timed_out(request.url.path) from None
            except ReadOnlyError:
                raise
            except httpx.HTTPError as exc:
                raise _classify_transport_error(exc, "GET", request.url) from None
            finally:
                self.leave()
        return self.finish(response, content)


class ThreadedSender:
    """Gives a `SyncSender` the async face of `AsyncSender`, running each request in a thread.

    This is how the sync client's `bundle()` collects concurrently with the very same client
    (its transport, pacing and counters) without needing an async transport.
    """

    def __init__(self, sender: SyncSender, executor: Any) -> None:
        self._sender = sender
        self._executor = executor
        self.base_url = sender.base_url
        self.max_concurrency = sender.max_concurrency
        self.cancelled = threading.Event()
        """Set it when the caller stops waiting: queued and retrying requests give up."""

    async def get(self, target: str, params: Params | None = None) -> http.RawResponse:
        loop = asyncio.get_running_loop()
        ctx = contextvars.copy_context()
        call = functools.partial(self._sender.get, target, params, cancel=self.cancelled)
        return await loop.run_in_executor(self._executor, ctx.run, call)

    def url_for(self, target: str, params: Params | None) -> httpx.URL:
        return self._sender.url_for(target, params)
