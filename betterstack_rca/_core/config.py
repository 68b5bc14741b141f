"""Client configuration: arguments, environment fallbacks and their validation."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

import httpx

from betterstack_rca._core.http import DEFAULT_BASE_URL, USER_AGENT, mask_token, normalise_base_url
from betterstack_rca._core.limits import ACCEPT_ENCODING
from betterstack_rca._core.pacing import TokenBucket
from betterstack_rca.errors import (  # raised here; defined with the others
    InvalidTokenError,
    MissingTokenError,
)

TOKEN_ENV = "BETTERSTACK_API_TOKEN"
BASE_URL_ENV = "BETTERSTACK_BASE_URL"
TEAM_ENV = "BETTERSTACK_TEAM"

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_MAX_RPS = 8.0
DEFAULT_BURST = 10
DEFAULT_MAX_CONCURRENCY = 8
DEFAULT_RETRY_AFTER_CAP = 60.0
DEFAULT_CACHE_TTL = 300.0


def check_token(token: str) -> None:
    """`InvalidTokenError` unless every character of the token is printable ASCII."""
    for position, ch in enumerate(token, start=1):
        if not "!" <= ch <= "~":
            kind = (
                "whitespace"
                if ch.isspace()
                else "a control character"
                if not ch.isprintable()
                else "a non-ASCII character"
            )
            raise InvalidTokenError(
                f"the API token has {kind} at position {position} of {len(token)}; "
                "an API token is printable ASCII (copy it again from Better Stack -> API tokens)"
            )


@dataclass(frozen=True)
class ClientConfig:
    token: str
    base_url: str
    team_name: str | None
    timeout: float
    max_retries: int
    max_rps: float
    burst: int
    max_concurrency: int
    retry_after_cap: float
    cache_ttl: float = DEFAULT_CACHE_TTL

    def __repr__(self) -> str:
        return (
            f"ClientConfig(base_url={self.base_url!r}, team_name={self.team_name!r}, "
            f"token={mask_token(self.token)!r})"
        )

    @classmethod
    def resolve(
        cls,
        token: str | None,
        *,
        base_url: str | None,
        team_name: str | None,
        timeout: float,
        max_retries: int,
        max_rps: float,
        burst: int | None,
        max_concurrency: int,
        retry_after_cap: float,
        cache_ttl: float = DEFAULT_CACHE_TTL,
    ) -> ClientConfig:
        token = token if token is not None else os.environ.get(TOKEN_ENV)
        token = (token or "").strip()
        if not token:
            raise MissingTokenError(
                f"no Better Stack API token: set {TOKEN_ENV} or pass BetterStack(token=...) "
                "(an Uptime API token from Better Stack -> API tokens; or use "
                "BetterStack.sandbox() for the built-in demo account)"
            )
        check_token(token)
        base = normalise_base_url(base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL)
        team = team_name if team_name is not None else os.environ.get(TEAM_ENV)
        team = team.strip() if team else None
        if not (isinstance(timeout, (int, float)) and timeout > 0 and math.isfinite(timeout)):
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        if not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an integer >= 0, got {max_retries!r}")
        if not (isinstance(max_rps, (int, float)) and max_rps > 0 and math.isfinite(max_rps)):
            raise ValueError(f"max_rps must be a positive number, got {max_rps!r}")
        if not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError(f"max_concurrency must be an integer >= 1, got {max_concurrency!r}")
        if not retry_after_cap >= 0:
            raise ValueError(f"retry_after_cap must be >= 0 seconds, got {retry_after_cap!r}")
        if not (
            isinstance(cache_ttl, (int, float)) and cache_ttl >= 0 and math.isfinite(cache_ttl)
        ):
            raise ValueError(f"cache_ttl must be >= 0 seconds (0: no cache), got {cache_ttl!r}")
        burst = DEFAULT_BURST if burst is None else burst
        if not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be an integer >= 1, got {burst!r}")
        return cls(
            token=token,
            base_url=base,
            team_name=team or None,
            timeout=float(timeout),
            max_retries=max_retries,
            max_rps=float(max_rps),
            burst=burst,
            max_concurrency=max_concurrency,
            retry_after_cap=float(retry_after_cap),
            cache_ttl=float(cache_ttl),
        )

    @property
    def uses_tls(self) -> bool:
        """Whether requests go over https (the base URL's scheme; no other is ever used)."""
        return self.base_url.startswith("https://")

    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": USER_AGENT,
        }

    def httpx_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout, connect=min(10.0, self.timeout))

    def httpx_options(self) -> dict[str, Any]:
        """Keyword arguments for `httpx.Client` / `httpx.AsyncClient` (besides the transport)."""
        return {
            "headers": self.headers(),
            "timeout": self.httpx_timeout(),
            "follow_redirects": False,  # a redirect could carry the token to another host
        }

    def sender_options(self) -> dict[str, Any]:
        """Keyword arguments for `SyncSender` / `AsyncSender` (besides the httpx client)."""
        return {
            "max_concurrency": self.max_concurrency,
            "timeout": self.timeout,
            "base_url": self.base_url,
            "token": self.token,
            "max_retries": self.max_retries,
            "retry_after_cap": self.retry_after_cap,
            "bucket": TokenBucket(self.max_rps, self.burst, headroom=1),
        }
