"""betterstack-rca: a read-only Better Stack Uptime client that assembles incident bundles."""

from betterstack_rca._core.config import InvalidTokenError, MissingTokenError
from betterstack_rca._core.transport import RequestStats
from betterstack_rca._version import __version__
from betterstack_rca.client import AsyncBetterStack, BetterStack, NoIncidentInEventError
from betterstack_rca.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BetterStackError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReadOnlyError,
    ResponseParseError,
    ServerError,
    UnprocessableEntityError,
    WebhookParseError,
)
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.redact import redact
from betterstack_rca.webhooks import WebhookEvent, WebhookMapping, parse_webhook

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
