"""The exception hierarchy. Every error this library raises on purpose is a `BetterStackError`.

BetterStackError
├── ReadOnlyError                 a non-GET request was attempted; nothing was sent
├── MissingTokenError             no API token given, none in BETTERSTACK_API_TOKEN
├── InvalidTokenError             the token holds a character no HTTP header can carry
├── WebhookParseError             a webhook body we cannot understand
└── APIError                      anything that happened while talking to the API
    ├── APIStatusError            a non-2xx answer
    │   ├── BadRequestError           400
    │   ├── AuthenticationError       401
    │   ├── PermissionDeniedError     403
    │   ├── NotFoundError             404
    │   ├── UnprocessableEntityError  422
    │   ├── RateLimitError            429 (and Retry-After above the cap)
    │   └── ServerError               >= 500
    ├── APIConnectionError        no answer (DNS, refused, reset, ...)
    │   └── APITimeoutError
    └── ResponseParseError        an answer that is not the JSON we expected
"""

from __future__ import annotations

from typing import Any

from betterstack_rca._scrub import REDACTED, scrub

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BetterStackError",
    "InvalidTokenError",
    "MissingTokenError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReadOnlyError",
    "ResponseParseError",
    "ServerError",
    "UnprocessableEntityError",
    "WebhookParseError",
]


class BetterStackError(Exception):
    """Root of every error raised by betterstack_rca."""


class ReadOnlyError(BetterStackError):
    """A request with a method other than GET was attempted. Nothing was sent."""

    def __init__(self, method: str, path: str = "") -> None:
        self.method = method.upper()
        self.path = path
        where = f" {path}" if path else ""
        super().__init__(
            f"betterstack_rca is read-only: refused to send {self.method}{where} "
            "(only GET requests ever leave this client)"
        )


class MissingTokenError(BetterStackError):
    """No API token was given and `BETTERSTACK_API_TOKEN` is not set."""


class InvalidTokenError(BetterStackError):
    """The API token holds a character that cannot be sent in an HTTP header (whitespace, a
    control character, anything outside printable ASCII). The message names the position,
    never the value."""


class WebhookParseError(BetterStackError):
    """A webhook body that is not one of the shapes Better Stack (or a known template) sends."""


class APIError(BetterStackError):
    """Something went wrong talking to the Better Stack API.

    `method` and `path` name the request (the path never includes the query string or
    host); `request_id` is Better Stack's `x-request-id` response header when there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "GET",
        path: str = "",
        request_id: str | None = None,
    ) -> None:
        # the message quotes the server; the server may quote a credential (one scrubber)
        self.message = scrub(message)
        self.method = method
        self.path = path
        self.request_id = request_id
        super().__init__(self._full_message())

    def forget(self, secret: str) -> None:
        """Remove a secret the raiser knows (the client's token) from everything the error
        shows or holds: its message, its excerpt, its body."""
        if not secret:
            return
        self.message = self.message.replace(secret, REDACTED)
        for name in ("excerpt", "body"):
            if hasattr(self, name):
                setattr(self, name, _without(getattr(self, name), secret))
        self.args = (self._full_message(),)

    def _full_message(self) -> str:
        parts = [f"{self.method} {self.path}: {self.message}" if self.path else self.message]
        if self.request_id:
            parts.append(f"(x-request-id {self.request_id})")
        return " ".join(parts)


class APIStatusError(APIError):
    """The API answered with a non-success status code.

    `body` is the decoded error body (or None); `retry_after` is the wait in seconds the API
    asked for with a `Retry-After` header (429, sometimes 503), or None.
    """

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str = "GET",
        path: str = "",
        request_id: str | None = None,
        body: object = None,
        retry_after: float | None = None,
    ) -> None:
        self.status_code = status_code
        self.body = body
        self.retry_after = retry_after
        super().__init__(message, method=method, path=path, request_id=request_id)

    def _full_message(self) -> str:
        base = f"HTTP {self.status_code}: {self.message}"
        where = f"{self.method} {self.path}: " if self.path else ""
        rid = f" (x-request-id {self.request_id})" if self.request_id else ""
        return f"{where}{base}{rid}"


class BadRequestError(APIStatusError):
    """400: the API rejected the request's parameters (e.g. an invalid date range)."""


class AuthenticationError(APIStatusError):
    """401: the token is missing, wrong, or not an Uptime token."""


class PermissionDeniedError(APIStatusError):
    """403: the token or the plan does not allow this resource."""


class NotFoundError(APIStatusError):
    """404: no such resource (or no such route)."""


class UnprocessableEntityError(APIStatusError):
    """422: the API could not process the request."""


class RateLimitError(APIStatusError):
    """429: too many requests. `retry_after` is the wait the API asked for, in seconds (None
    when it sent no usable `Retry-After`). Also raised, without waiting, when the API asks for
    a wait longer than the client's `retry_after_cap`."""


class ServerError(APIStatusError):
    """5xx: the API failed."""


class APIConnectionError(APIError):
    """No usable answer arrived: DNS failure, connection refused or reset, protocol error."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class ResponseParseError(APIError):
    """The answer was not the JSON we expected: an HTML error page, truncated JSON, a wrong
    shape, or a field of the wrong type. `excerpt` holds the start of the offending body."""

    def __init__(
        self,
        message: str,
        *,
        method: str = "GET",
        path: str = "",
        request_id: str | None = None,
        excerpt: str = "",
    ) -> None:
        self.excerpt = scrub(excerpt)
        super().__init__(message, method=method, path=path, request_id=request_id)

    def _full_message(self) -> str:
        text = super()._full_message()
        if self.excerpt:
            text += f"; body starts: {self.excerpt!r}"
        return text


def _without(value: Any, secret: str, depth: int = 0) -> Any:
    """`value` (a decoded error body) with `secret` replaced in every string."""
    if isinstance(value, str):
        return value.replace(secret, REDACTED)
    if depth > 64:
        return None
    if isinstance(value, dict):
        return {
            _without(k, secret, depth + 1): _without(v, secret, depth + 1) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without(v, secret, depth + 1) for v in value]
    return value
