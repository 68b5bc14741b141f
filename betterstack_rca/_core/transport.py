"""The two thin I/O shells: a sync and an async sender sharing pacing, retries and rules.

A sender turns `(path or absolute URL, params)` into a decoded `RawResponse`, or raises a typed
error. It paces every request through one token bucket per client, bounds requests in flight,
retries what is worth retrying (tenacity), honours `Retry-After` up to a cap, and reads bodies
with a size limit. What the answer *means* is decided in `http.py`.
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

from betterstack_rca._core import http
from betterstack_rca.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
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


# --- Pacing ----------------------------------------------------------------------------------


class TokenBucket:
    """A thread-safe request pacer (GCRA form of a token bucket) shared by a client.

    `reserve()` books the next slot and returns how long the caller must wait for it, so
    waiting happens outside the lock, with `time.sleep` or `asyncio.sleep` as the caller needs.
    After a 429, `penalize()` stops every request until the `Retry-After` has passed, halves
    the rate and removes the burst; the rate recovers step by step once the API is quiet.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        cooldown: float = 10.0,
        max_slowdown: float = 8.0,
        headroom: int = 0,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"max_rps must be a positive number, got {rate!r}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst!r}")
        self._base_interval = 1.0 / rate
        self._interval = self._base_interval
        # Held back from the burst: a server-side bucket with the same rate and burst starts
        # refilling when our first request *arrives* (after connecting), so a client booking
        # every slot exactly would run a fraction of a token ahead of it and draw a 429.
        self._burst = max(1, burst - max(0, headroom))
        self._clock = clock
        self.generation = 0
        """Bumped by every `penalize()`: a request that booked its slot before can tell."""
        self._cooldown = cooldown
        self._max_interval = self._base_interval * max_slowdown
        self._tat = 0.0  # theoretical arrival time of the next request
        self._blocked_until = 0.0
        self._slow_until = 0.0
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        """The current pace in requests per second (lower than configured after a 429)."""
        return 1.0 / self._interval

    def _tolerance(self) -> float:
        return (self._burst - 1) * self._interval

    def reserve(self) -> float:
        """Book a slot for one request; return the seconds to wait before sending it."""
        with self._lock:
            now = self._clock()
            if self._interval > self._base_interval and now >= self._slow_until:
                self._interval = max(self._base_interval, self._interval / 2)
                self._slow_until = now + self._cooldown
            start = max(now, self._blocked_until)
            tat = max(self._tat, start)
            at = max(start, tat - self._tolerance())
            self._tat = tat + self._interval
            return at - now

    def penalize(self, retry_after: float | None) -> None:
        """Slow down after a 429: block until `retry_after` has passed, halve the pace."""
        with self._lock:
            now = self._clock()
            if retry_after is not None:
                self._blocked_until = max(self._blocked_until, now + retry_after)
            self._interval = min(self._max_interval, self._interval * 2)
            self._slow_until = now + self._cooldown
            self.generation += 1
            # no burst right after a rate limit: the next requests are paced one by one
            self._tat = max(self._tat, self._blocked_until + self._tolerance())


# --- Shared sender logic ----------------------------------------------------------------------

#: A request whose booked slot was overtaken by a 429 books again (at most this often).
_MAX_REBOOKINGS = 4


def _interruptible(
    sleep: Callable[[float], None], cancel: threading.Event
) -> Callable[[float], None]:
    """`sleep`, but returning early once `cancel` is set (the real clock only)."""
    if sleep is not time.sleep:
        return sleep  # an injected test sleep stays as it is

    def wait(seconds: float) -> None:
        cancel.wait(seconds)

    return wait


def _classify_transport_error(exc: Exception, method: str, path: str) -> APIError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"request timed out ({type(exc).__name__})", method=method, path=path
        )
    if isinstance(exc, httpx.DecodingError):
        return ResponseParseError(f"could not decode the body ({exc})", method=method, path=path)
    return APIConnectionError(
        f"connection failed ({type(exc).__name__}: {exc})", method=method, path=path
    )


class _SenderCore:
    """Request building, retry decisions and bookkeeping shared by both senders."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        max_retries: int,
        retry_after_cap: float,
        bucket: TokenBucket,
        max_response_bytes: int = http.DEFAULT_MAX_RESPONSE_BYTES,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_margin: float = 0.05,
        rng: random.Random | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries!r}")
        self.base_url = base_url
        self.origin = http.Origin.of(base_url)
        self._token = token
        self.max_retries = max_retries
        self.retry_after_cap = retry_after_cap
        self.bucket = bucket
        self.max_response_bytes = max_response_bytes
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_margin = retry_after_margin
        self._rng = rng or random.Random()
        self._wall_clock = wall_clock
        self.stats = RequestStats()
        self._in_flight = 0
        self._count_lock = threading.Lock()

    # requests

    def url_for(self, target: str, params: Params | None) -> httpx.URL:
        """An absolute URL for a path (joined to the base URL) or an absolute link.

        An absolute link must share the base URL's scheme, host and port: the token is
        never sent anywhere else (published pagination examples point at foreign hosts).
        """
        if target.startswith(("http://", "https://")):
            if http.Origin.of(target) != self.origin:
                raise ResponseParseError(
                    "refused to follow a link to another host "
                    f"({http.Origin.of(target).host or '?'}); the token only goes to "
                    f"{self.origin.host}",
                    path=http.path_of(target),
                )
        else:
            if not target.startswith("/"):
                target = "/" + target
            target = self.base_url + target
        try:
            url = httpx.URL(target)
            if params:
                url = url.copy_merge_params(dict(params))
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            raise ResponseParseError(
                f"malformed URL ({type(exc).__name__})", path=http.path_of(target)
            ) from None
        return url

    def build(self, client_build: Callable[..., httpx.Request], url: httpx.URL) -> httpx.Request:
        http.ensure_read_only("GET", url.path)
        return client_build("GET", url)

    # retry policy (tenacity hooks)

    def should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, (APITimeoutError, APIConnectionError)):
            return True
        if isinstance(exc, APIStatusError) and http.is_retryable_status(exc.status_code):
            return exc.retry_after is None or exc.retry_after <= self.retry_after_cap
        return False

    def wait_seconds(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, APIStatusError) else None
        if retry_after is not None:
            return retry_after + self.retry_after_margin
        exponent: int = state.attempt_number - 1
        step = min(self.backoff_max, self.backoff_base * float(2**exponent))
        return float(step * (0.5 + self._rng.random() / 2))  # jitter: half to full step

    def before_sleep(self, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        self._count("retries")
        delay = state.next_action.sleep if state.next_action else 0.0
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "retrying %s in %.2fs after %s (attempt %d of %d)",
                getattr(exc, "path", "?"),
                delay,
                type(exc).__name__ if exc else "?",
                state.attempt_number + 1,
                self.max_retries + 1,
            )

    def stop(self) -> tenacity.stop.stop_base:
        return tenacity.stop_after_attempt(self.max_retries + 1)

    # bookkeeping

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

    def check_size(self, size: int, method: str, path: str) -> None:
        if size > self.max_response_bytes:
            raise ResponseParseError(
                f"response larger than the {self.max_response_bytes} byte limit",
                method=method,
                path=path,
            )

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
        if isinstance(exc, APIError):
            self._count("failures")


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
    ) -> http.RawResponse:
        """GET with pacing and retries. `cancel`, once set, ends waiting and retrying at once
        (a bundle whose deadline passed stops its background requests this way)."""
        request = self.build(self._client.build_request, self.url_for(target, params))
        sleep = self._sleep if cancel is None else _interruptible(self._sleep, cancel)
        stop = self.stop()
        if cancel is not None:
            stop = stop | tenacity.stop_when_event_set(cancel)
        retrying = tenacity.Retrying(
            stop=stop,
            wait=self.wait_seconds,
            retry=tenacity.retry_if_exception(self.should_retry),
            before_sleep=self.before_sleep,
            sleep=sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, request, sleep, cancel)
        except BaseException as exc:
            self.failed(exc)
            raise

    def _pace(self, sleep: Callable[[float], None] | None = None) -> None:
        sleep = sleep or self._sleep
        for _ in range(_MAX_REBOOKINGS):
            generation = self.bucket.generation
            delay = self.bucket.reserve()
            if delay > 0:
                sleep(delay)
            if self.bucket.generation == generation:
                return  # no 429 arrived while we waited for our slot

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
            try:
                response = self._client.send(request, stream=True)
                try:
                    content = self._read(response)
                finally:
                    response.close()
            except ReadOnlyError:
                raise
            except httpx.HTTPError as exc:
                raise _classify_transport_error(exc, "GET", request.url.path) from None
            finally:
                self.leave()
        return self.finish(response, content)

    def _read(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            self.check_size(size, "GET", response.request.url.path)
            chunks.append(chunk)
        return b"".join(chunks)


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

    async def get(self, target: str, params: Params | None = None) -> http.RawResponse:
        request = self.build(self._client.build_request, self.url_for(target, params))
        retrying = tenacity.AsyncRetrying(
            stop=self.stop(),
            wait=self.wait_seconds,
            retry=tenacity.retry_if_exception(self.should_retry),
            before_sleep=self.before_sleep,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return await retrying(self._attempt, request)
        except BaseException as exc:
            self.failed(exc)
            raise

    async def _pace(self) -> None:
        for _ in range(_MAX_REBOOKINGS):
            generation = self.bucket.generation
            delay = self.bucket.reserve()
            if delay > 0:
                await self._sleep(delay)
            if self.bucket.generation == generation:
                return

    async def _attempt(self, request: httpx.Request) -> http.RawResponse:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_concurrency)
        async with self._slots:
            await self._pace()
            self.enter()
            try:
                response = await self._client.send(request, stream=True)
                try:
                    content = await self._read(response)
                finally:
                    await response.aclose()
            except ReadOnlyError:
                raise
            except httpx.HTTPError as exc:
                raise _classify_transport_error(exc, "GET", request.url.path) from None
            finally:
                self.leave()
        return self.finish(response, content)

    async def _read(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            self.check_size(size, "GET", response.request.url.path)
            chunks.append(chunk)
        return b"".join(chunks)


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


class _ReadOnlyTransport(httpx.BaseTransport):
    """Wraps the real transport: a non-GET request raises before anything is written."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        http.ensure_read_only(request.method, request.url.path)
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


class _AsyncReadOnlyTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        http.ensure_read_only(request.method, request.url.path)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def read_only_transport(inner: httpx.BaseTransport | None) -> httpx.BaseTransport:
    return _ReadOnlyTransport(inner if inner is not None else httpx.HTTPTransport())


def async_read_only_transport(inner: httpx.AsyncBaseTransport | None) -> httpx.AsyncBaseTransport:
    return _AsyncReadOnlyTransport(inner if inner is not None else httpx.AsyncHTTPTransport())
