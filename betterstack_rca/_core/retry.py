"""When a failed request is tried again, and after how long: the tenacity policy.

Timeouts, connection errors, 408, 429 and every 5xx are worth another try, up to
`max_retries` times. A `Retry-After` (parsed onto the error by `http.error_for_status`) is
honoured, plus a small margin, when it is at most `retry_after_cap` seconds; a longer one ends
the retries at once. Without one, the wait is an exponential backoff with jitter.
"""

from __future__ import annotations

import logging
import random
from typing import Any

import tenacity

from betterstack_rca.errors import APIConnectionError, APIStatusError, APITimeoutError

logger = logging.getLogger("betterstack_rca")

#: Statuses worth another try: request timeout, rate limit, and every server error.
RETRYABLE_STATUSES = frozenset({408, 429})


def is_retryable_status(status_code: int) -> bool:
    return status_code in RETRYABLE_STATUSES or status_code >= 500


class RetryPolicy:
    """The tenacity hooks shared by both senders (which inherit them)."""

    def __init__(
        self,
        *,
        max_retries: int,
        retry_after_cap: float,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_margin: float = 0.05,
        rng: random.Random | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries!r}")
        self.max_retries = max_retries
        self.retry_after_cap = retry_after_cap
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_margin = retry_after_margin
        self._rng = rng or random.Random()

    def should_retry(self, exc: BaseException) -> bool:
        if isinstance(exc, (APITimeoutError, APIConnectionError)):
            return True
        if isinstance(exc, APIStatusError) and is_retryable_status(exc.status_code):
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

    def on_retry(self) -> None:
        """Called once before each retry (the sender counts them)."""

    def before_sleep(self, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        self.on_retry()
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

    def retrying_options(
        self, sleep: Any, stop: tenacity.stop.stop_base | None = None
    ) -> dict[str, Any]:
        """Keyword arguments for `tenacity.Retrying` / `tenacity.AsyncRetrying`."""
        return {
            "stop": self.stop() if stop is None else stop,
            "wait": self.wait_seconds,
            "retry": tenacity.retry_if_exception(self.should_retry),
            "before_sleep": self.before_sleep,
            "sleep": sleep,
            "reraise": True,
        }
