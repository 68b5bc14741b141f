"""Fault injection options and the per-app request counters."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Faults:
    """What can go wrong, per request. Rates are fractions 0..1 drawn from a seeded RNG.

    - ``latency`` seconds (+ up to ``latency_jitter`` more) before each answer.
    - ``rate_limit_rps`` / ``rate_limit_burst``: a server-side token bucket; an empty bucket
      answers 429 with an integer ``Retry-After`` header and an ``errors`` string.
    - ``error_rate``: 500/502/503 answers with HTML bodies.
    - ``truncated_json_rate`` / ``invalid_json_rate``: 200 answers whose body is cut in half
      or is not valid JSON.
    - ``timeout_rate``: the transport raises ``httpx.ReadTimeout`` (after the latency); the
      server holds the connection for ``timeout_seconds`` and closes it without answering.
    - ``reset_rate``: the transport raises ``httpx.ConnectError``; the server drops the
      connection without answering.
    - ``forbidden``: resource families (the path segment after ``/api/vN/``, for example
      ``"on-calls"`` or ``"status-pages"``) answered 403 with an ``errors`` string.
    """

    latency: float = 0.0
    latency_jitter: float = 0.0
    rate_limit_rps: float | None = None
    rate_limit_burst: int | None = None
    error_rate: float = 0.0
    truncated_json_rate: float = 0.0
    invalid_json_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 5.0
    reset_rate: float = 0.0
    forbidden: frozenset[str] = field(default_factory=frozenset)
    seed: int = 0

    def __post_init__(self) -> None:
        for name in (
            "error_rate",
            "truncated_json_rate",
            "invalid_json_rate",
            "timeout_rate",
            "reset_rate",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
        if self.rate_limit_rps is not None and self.rate_limit_rps <= 0:
            raise ValueError("rate_limit_rps must be positive")
        if not isinstance(self.forbidden, frozenset):
            object.__setattr__(self, "forbidden", frozenset(self.forbidden))


@dataclass
class SandboxStats:
    """Counters of what a ``SandboxApp`` received and answered."""

    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    by_family: dict[str, int] = field(default_factory=dict)
    rate_limited: int = 0
    early_requests: int = 0
    non_get: int = 0
    timeouts: int = 0
    resets: int = 0
    in_flight: int = 0
    max_in_flight: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "by_status": dict(self.by_status),
            "by_family": dict(self.by_family),
            "rate_limited": self.rate_limited,
            "early_requests": self.early_requests,
            "non_get": self.non_get,
            "timeouts": self.timeouts,
            "resets": self.resets,
            "max_in_flight": self.max_in_flight,
        }
