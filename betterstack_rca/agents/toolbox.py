"""`Toolbox`: the tools over one client, and the rule that no call raises.

One toolbox holds one client for every call (its pacing and connection pool are shared by
concurrent calls, from threads) and the bundles it collected in the last minute, so that
`incident_bundle` then `incident_timeline` of the same incident cost one collection and cite
the same event ids. Every call answers a `ToolResult`: a bad argument or an API failure is
an error result with one line that says what to pass or do instead, never a traceback.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from betterstack_rca.agents.tools import TOOLS, ToolError, ToolResult, ToolSpec
from betterstack_rca.client import BetterStack
from betterstack_rca.errors import (
    APIConnectionError,
    AuthenticationError,
    BetterStackError,
    MissingTokenError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from betterstack_rca.rca.bundle import IncidentBundle

log = logging.getLogger("betterstack_rca.agents")

#: The hard cap on one answer, in characters: about 5,000 tokens, well under the 25,000-token
#: limit common MCP clients (Claude Code among them) put on a tool result.
DEFAULT_MAX_CHARS = 20_000
#: A bundle collects for at most this long, so that an answer arrives before the 60 s
#: request timeout common MCP clients use; what was not collected by then becomes gaps.
DEFAULT_DEADLINE = 45.0
#: How long a collected bundle is reused by later calls about the same incident.
BUNDLE_TTL = 60.0
_MAX_CACHED = 16
_MAX_MESSAGE = 600


class Toolbox:
    """The tools over one client. ``Toolbox()`` makes a client from the environment
    (``BETTERSTACK_API_TOKEN``) on first use; pass ``client=`` for another one, e.g.
    ``BetterStack.sandbox()``."""

    def __init__(
        self,
        client: BetterStack | None = None,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        bundle_options: Mapping[str, Any] | None = None,
        bundle_ttl: float = BUNDLE_TTL,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if max_chars < 1000:
            raise ValueError(f"max_chars must be at least 1000, got {max_chars!r}")
        self._client = client
        self._max_chars = max_chars
        self._bundle_options = {"deadline": DEFAULT_DEADLINE, **(bundle_options or {})}
        self._bundle_ttl = bundle_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._bundles: dict[str, tuple[float, IncidentBundle]] = {}
        self._collecting: dict[str, threading.Lock] = {}

    # --- the ToolContext the tools run with ----------------------------------------------

    @property
    def client(self) -> BetterStack:
        with self._lock:
            if self._client is None:
                self._client = BetterStack()
            return self._client

    @property
    def max_chars(self) -> int:
        return self._max_chars

    def now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(timezone.utc)

    def cached_bundle(self, incident_id: str) -> IncidentBundle | None:
        """The incident's bundle when one was collected within `bundle_ttl`, else None
        (never a request)."""
        with self._lock:
            cached = self._bundles.get(incident_id)
        if cached is None or time.monotonic() - cached[0] >= self._bundle_ttl:
            return None
        return cached[1]

    def bundle(self, incident_id: str) -> IncidentBundle:
        """The incident's bundle, collected at most once per `bundle_ttl` (concurrent calls
        about one incident wait for the same collection)."""
        with self._lock:
            gate = self._collecting.setdefault(incident_id, threading.Lock())
        with gate:
            cached = self.cached_bundle(incident_id)
            if cached is not None:
                return cached
            bundle = self.client.bundle(incident_id, **self._bundle_options)
            with self._lock:
                self._bundles[incident_id] = (time.monotonic(), bundle)
                while len(self._bundles) > _MAX_CACHED:
                    oldest = min(self._bundles, key=lambda key: self._bundles[key][0])
                    del self._bundles[oldest]
            return bundle

    # --- calls -------------------------------------------------------------------------

    def call(self, name: str, arguments: Mapping[str, Any] | str | None = None) -> ToolResult:
        """Run one tool on the arguments a model sent (a dict, a JSON string or None)."""
        spec = TOOLS.get(name)
        if spec is None:
            return _error(f"unknown tool {name!r}; the tools are {', '.join(TOOLS)}")
        try:
            args = spec.arguments.model_validate(_decode(spec, arguments))
        except ToolError as exc:
            return _error(str(exc))
        except ValidationError as exc:
            return _error(_validation_message(spec, exc))
        try:
            return spec.run(args, self)
        except Exception as exc:
            return _error(_failure_message(spec, exc))

    def run(self, name: str, arguments: Mapping[str, Any]) -> str:
        """Like `call`, for Python callers: the text, or `ToolError` for an error result."""
        result = self.call(name, arguments)
        if result.is_error:
            raise ToolError(result.text.removeprefix("error: "))
        return result.text


def _error(message: str) -> ToolResult:
    text = " ".join(message.split())
    if len(text) > _MAX_MESSAGE:
        text = text[: _MAX_MESSAGE - 1] + "…"
    return ToolResult(f"error: {text}", is_error=True)


def _usage(spec: ToolSpec[Any]) -> str:
    fields = spec.arguments.model_fields
    parts = [f"{n} (required)" if f.is_required() else n for n, f in fields.items()]
    return f"{spec.name} takes {', '.join(parts)}"


def _decode(spec: ToolSpec[Any], arguments: Mapping[str, Any] | str | None) -> dict[str, Any]:
    if arguments is None or arguments == "":
        return {}
    if isinstance(arguments, str):
        try:
            decoded = json.loads(arguments)
        except ValueError as exc:
            raise ToolError(
                f"arguments are not valid JSON ({exc.args[0] if exc.args else exc}); send an "
                f"object, e.g. {{}}; {_usage(spec)}"
            ) from None
        arguments = decoded
    if not isinstance(arguments, Mapping):
        raise ToolError(
            f"arguments must be a JSON object, got {type(arguments).__name__}; {_usage(spec)}"
        )
    return dict(arguments)


def _validation_message(spec: ToolSpec[Any], exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"]) or "arguments"
        kind = error["type"]
        if kind == "extra_forbidden":
            problems.append(f"unknown argument {where!r}")
        elif kind == "missing":
            problems.append(f"{where} is required")
        else:
            msg = str(error["msg"]).removeprefix("Value error, ")
            value = error.get("input")
            shown = value is None or "got" in msg
            got = "" if shown else f" (got {json.dumps(value, default=str)[:60]})"
            problems.append(f"{where}: {msg}{got}")
    return f"bad arguments for {spec.name}: {'; '.join(problems)}. {_usage(spec)}"


def _failure_message(spec: ToolSpec[Any], exc: Exception) -> str:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, ToolError):
        return detail
    if isinstance(exc, MissingTokenError):
        return (
            "no Better Stack API token: set BETTERSTACK_API_TOKEN for the server (or run it "
            "with --sandbox for the built-in demo account)"
        )
    if isinstance(exc, NotFoundError):
        return f"{spec.not_found} ({detail})"
    if isinstance(exc, AuthenticationError):
        return f"Better Stack rejected the API token: check BETTERSTACK_API_TOKEN ({detail})"
    if isinstance(exc, PermissionDeniedError):
        return (
            "the token may not read this (the plan may lack the feature, or the token "
            f"belongs to another team) ({detail})"
        )
    if isinstance(exc, (RateLimitError, ServerError, APIConnectionError)):
        return (
            f"the Better Stack API did not answer after retries; try again in a minute ({detail})"
        )
    if isinstance(exc, BetterStackError):
        return f"the Better Stack API failed ({detail})"
    if isinstance(exc, ValueError):
        return detail
    log.exception("tool %s failed unexpectedly", spec.name)
    return f"internal error in {spec.name} ({type(exc).__name__}); the server log has the details"
