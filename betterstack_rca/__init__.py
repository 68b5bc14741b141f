"""betterstack-rca: a read-only Better Stack Uptime client that assembles incident bundles.

The names below are imported when first used (PEP 562 ``__getattr__``), so ``import
betterstack_rca`` and the ``betterstack-rca --help`` entry point stay fast; ``from
betterstack_rca import BetterStack`` loads the client, ``IncidentBundle`` the correlator.
Type checkers and IDEs see every name through the ``TYPE_CHECKING`` imports.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

from betterstack_rca._version import __version__
from betterstack_rca.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BetterStackError,
    InvalidTokenError,
    MissingTokenError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReadOnlyError,
    ResponseParseError,
    ServerError,
    UnprocessableEntityError,
    WebhookParseError,
)

if _typing.TYPE_CHECKING:
    from betterstack_rca._core.transport import RequestStats
    from betterstack_rca.client import AsyncBetterStack, BetterStack, NoIncidentInEventError
    from betterstack_rca.rca import IncidentBundle
    from betterstack_rca.rca.redact import redact
    from betterstack_rca.webhooks import WebhookEvent, WebhookMapping, parse_webhook

#: Public name -> the module that defines it (imported on first use).
_LAZY = {
    "AsyncBetterStack": "betterstack_rca.client",
    "BetterStack": "betterstack_rca.client",
    "IncidentBundle": "betterstack_rca.rca",
    "NoIncidentInEventError": "betterstack_rca.client",
    "RequestStats": "betterstack_rca._core.transport",
    "WebhookEvent": "betterstack_rca.webhooks",
    "WebhookMapping": "betterstack_rca.webhooks",
    "parse_webhook": "betterstack_rca.webhooks",
    "redact": "betterstack_rca.rca.redact",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBetterStack",
    "AuthenticationError",
    "BadRequestError",
    "BetterStack",
    "BetterStackError",
    "IncidentBundle",
    "InvalidTokenError",
    "MissingTokenError",
    "NoIncidentInEventError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadOnlyError",
    "RequestStats",
    "ResponseParseError",
    "ServerError",
    "UnprocessableEntityError",
    "WebhookEvent",
    "WebhookMapping",
    "WebhookParseError",
    "__version__",
    "parse_webhook",
    "redact",
]
