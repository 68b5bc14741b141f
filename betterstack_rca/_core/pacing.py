"""Request pacing: one token bucket per client, slowed down after a 429.

Waiting happens outside this module: `TokenBucket.reserve()` only says how long, so the sync
sender sleeps with `time.sleep` and the async one with `asyncio.sleep`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

#: A request whose booked slot was overtaken by a 429 books again (at most this often).
MAX_REBOOKINGS = 4


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


def slot_waits(bucket: TokenBucket) -> Iterator[float]:
    """The waits before one request may go, for the caller to sleep through one by one.

    A slot booked before a 429 arrived (while the request waited for it) is no longer good:
    the request books again, at most `MAX_REBOOKINGS` times.
    """
    for _ in range(MAX_REBOOKINGS):
        generation = bucket.generation
        yield bucket.reserve()
        if bucket.generation == generation:
            return  # no 429 arrived while we waited for our slot
