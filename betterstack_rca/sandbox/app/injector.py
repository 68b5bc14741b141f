"""Fault injection per request: latency, the rate limiter and the random bad answers.

Everything random comes from one ``random.Random(faults.seed)`` drawn in request order
(request id, jitter, fault, 5xx status), so a sequential run is reproducible.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Literal

from betterstack_rca.sandbox.faults import Faults

Fault = Literal["timeout", "reset", "error", "truncated", "invalid"]


class FaultInjector:
    def __init__(self, faults: Faults, clock: Callable[[], float]) -> None:
        self.faults = faults
        self.rng = random.Random(faults.seed)
        self._bucket = float(self._burst())
        self._bucket_at = clock()
        self.blocked_until = -math.inf  # until the last announced Retry-After has elapsed

    def request_id(self, n: int) -> str:
        return f"sbx-{n:08d}-{self.rng.getrandbits(32):08x}"

    def latency(self) -> float:
        f = self.faults
        return f.latency + (f.latency_jitter * self.rng.random() if f.latency_jitter else 0.0)

    def retry_after(self, now: float) -> int | None:
        """Take a token from the bucket; when it is empty, the ``Retry-After`` seconds."""
        f = self.faults
        if f.rate_limit_rps is None or self._take_token(now):
            return None
        retry_after = max(1, math.ceil((1.0 - self._bucket) / f.rate_limit_rps))
        self.blocked_until = now + retry_after
        return retry_after

    def draw(self) -> Fault | None:
        """What goes wrong with this request, if anything (one draw for all the rates)."""
        f = self.faults
        if not (
            f.timeout_rate
            or f.reset_rate
            or f.error_rate
            or f.truncated_json_rate
            or f.invalid_json_rate
        ):
            return None
        u = self.rng.random()
        if u < f.timeout_rate:
            return "timeout"
        u -= f.timeout_rate
        if u < f.reset_rate:
            return "reset"
        u -= f.reset_rate
        if u < f.error_rate:
            return "error"
        u -= f.error_rate
        if u < f.truncated_json_rate:
            return "truncated"
        if u - f.truncated_json_rate < f.invalid_json_rate:
            return "invalid"
        return None

    def error_status(self) -> int:
        return (500, 502, 503)[self.rng.randrange(3)]

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
