"""Request and response rules shared by the sync and async senders. No I/O happens here.

Everything that decides *what* goes over the wire and *what an answer means* lives in this
module, so the two I/O shells in `transport.py` stay thin and cannot disagree.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from betterstack_rca._version import __version__
from betterstack_rca.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReadOnlyError,
    ResponseParseError,
    ServerError,
    UnprocessableEntityError,
)

DEFAULT_BASE_URL = "https://uptime.betterstack.com"
USER_AGENT = f"betterstack-rca/{__version__} (read-only)"

#: The only method this library ever sends.
ALLOWED_METHOD = "GET"

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def ensure_read_only(method: str, path: str = "") -> None:
    """Raise `ReadOnlyError` for anything but GET. Called before a request is even built."""
    if method.upper() != ALLOWED_METHOD:
        raise ReadOnlyError(method, path)


def mask_token(token: str | None) -> str:
    """The most of a token we ever show: its last four characters."""
    if not token:
        return "<none>"
    return f"…{token[-4:]}" if len(token) > 8 else "…"


def redact_headers(headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
    """A copy of `headers` safe to log: credentials replaced by `<redacted>`."""
    return {k: ("<redacted>" if k.lower() in _SENSITIVE_HEADERS else v) for k, v in headers.items()}


@dataclass(frozen=True)
class Origin:
    """Scheme, host and port: what a URL must share with the base URL to receive the token."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str | httpx.URL) -> Origin:
        """The origin of a URL; a URL too broken to split has an origin matching nothing."""
        try:
            parts = urlsplit(str(url))
            scheme = (parts.scheme or "").lower()
            default = 443 if scheme == "https" else 80
            port = parts.port or default
            host = (parts.hostname or "").lower()
        except ValueError:
            return cls("", "", -1)
        return cls(scheme, host, port)


_API_SUFFIX = re.compile(r"/api(?:/v\d+)?$", re.IGNORECASE)


def normalise_base_url(base_url: str) -> str:
    """Validate and normalise the configured base URL (no trailing slash)."""
    base = base_url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            "base_url must be an absolute http(s) URL such as "
            f"{DEFAULT_BASE_URL!r}, got {base_url!r}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not carry a query or fragment, got {base_url!r}")
    api = _API_SUFFIX.search(parts.path)
    if api:
        # Every request path starts with /api/v2 or /api/v3 already: this base URL would
        # send /api/v2/api/v3/... and every answer would be a 404.
        bare = base[: len(base) - len(api.group(0))]
        raise ValueError(
            f"base_url must not end with {api.group(0)!r}: the client adds /api/v2 or /api/v3 "
            f"itself; use {bare!r} (got {base_url!r})"
        )
    return base


def path_of(url: str | httpx.URL) -> str:
    """The path of a URL, for error messages (never the query, which may carry parameters)."""
    try:
        path = urlsplit(str(url)).path or "/"
    except ValueError:
        return "?"
    return path if len(path) <= 200 else path[:200] + "…"


def request_url(
    target: str, params: Mapping[str, str] | None, *, base_url: str, origin: Origin
) -> httpx.URL:
    """An absolute URL for a path (joined to the base URL) or an absolute link.

    An absolute link must share the base URL's scheme, host and port: the token is
    never sent anywhere else (published pagination examples point at foreign hosts).
    """
    if target.startswith(("http://", "https://")):
        if Origin.of(target) != origin:
            raise ResponseParseError(
                "refused to follow a link to another host "
                f"({Origin.of(target).host or '?'}); the token only goes to "
                f"{origin.host}",
                path=path_of(target),
            )
    else:
        if not target.startswith("/"):
            target = "/" + target
        target = base_url + target
    try:
        url = httpx.URL(target)
        if params:
            url = url.copy_merge_params(dict(params))
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise ResponseParseError(
            f"malformed URL ({type(exc).__name__})", path=path_of(target)
        ) from None
    return url


@dataclass
class RawResponse:
    """A decoded answer: the JSON body plus the few headers callers care about."""

    body: Any
    status_code: int
    url: str
    request_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


# --- Retry-After -----------------------------------------------------------------------------


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait according to a `Retry-After` header, or None when absent or unusable.

    Accepts integer or fractional seconds and HTTP dates. Negative, NaN and infinite values,
    and garbage, are unusable; a date in the past means "now" (0).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        seconds = float(text)
        return seconds if seconds >= 0 else None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    delta = when.timestamp() - current
    if math.isnan(delta) or math.isinf(delta):
        return None
    return max(0.0, delta)


# --- Errors ----------------------------------------------------------------------------------


def describe_errors(body: Any) -> str:
    """Better Stack's `errors` member as one readable line.

    It is a string (`"Resource with provided ID was not found"`), an object of field ->
    messages (`{"name": ["can't be blank"]}`), a list, or missing with an empty body.
    """
    if isinstance(body, Mapping):
        errors = body.get("errors", body.get("error", body.get("message")))
    else:
        errors = body
    if errors is None or errors in ("", {}, []):
        return ""
    if isinstance(errors, str):
        return errors.strip()
    if isinstance(errors, Mapping):
        parts = []
        for key, messages in errors.items():
            if isinstance(messages, (list, tuple)):
                text = ", ".join(str(m) for m in messages)
            else:
                text = str(messages)
            parts.append(f"{key}: {text}")
        return "; ".join(parts)
    if isinstance(errors, (list, tuple)):
        return "; ".join(describe_errors({"errors": e}) or str(e) for e in errors)
    return str(errors)


def excerpt(content: bytes, limit: int = 120) -> str:
    """The start of a body, decoded leniently and squeezed onto one line."""
    text = content[: limit * 4].decode("utf-8", errors="replace")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] + ("…" if len(text) > limit else "")


def _looks_like_html(content: bytes, content_type: str) -> bool:
    head = content.lstrip()[:64].lower()
    return "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<"))


def _try_json(content: bytes) -> Any:
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def error_for_status(
    *,
    status_code: int,
    content: bytes,
    headers: Mapping[str, str] | httpx.Headers,
    method: str,
    path: str,
    token: str | None,
    retry_after_now: float | None = None,
) -> APIStatusError:
    """The typed exception for a non-2xx answer, with Better Stack's own words in it."""
    content_type = headers.get("content-type", "")
    body = _try_json(content)
    text = describe_errors(body) if body is not None else ""
    # A JSON body without an error text (`{}`, `[]`, `{"errors": null}`) says nothing: fall
    # back to the status's reason ("Not Found"), never the raw `{}`.
    if not text and content.strip() and body is None:
        if _looks_like_html(content, content_type):
            title = re.search(rb"<title[^>]*>(.*?)</title>", content, re.I | re.S)
            shown = excerpt(title.group(1)) if title else excerpt(content)
            text = f"HTML error page: {shown}"
        else:
            text = excerpt(content)
    if not text:
        text = httpx.codes.get_reason_phrase(status_code) or "no body"
    request_id = headers.get("x-request-id")

    if status_code == 401:
        text = f"{text} (token {mask_token(token)}; set BETTERSTACK_API_TOKEN or pass token=)"
    retry_after = None
    if status_code in (429, 503):
        retry_after = parse_retry_after(headers.get("retry-after"), now=retry_after_now)
    cls = _STATUS_ERRORS.get(status_code)
    if cls is None:
        cls = ServerError if status_code >= 500 else APIStatusError
    return cls(
        text,
        status_code=status_code,
        method=method,
        path=path,
        request_id=request_id,
        body=body,
        retry_after=retry_after,
    )


# --- Success bodies --------------------------------------------------------------------------


def decode_json(
    content: bytes,
    *,
    headers: Mapping[str, str] | httpx.Headers,
    method: str,
    path: str,
) -> Any:
    """The JSON body of a 2xx answer, or `ResponseParseError` that says what arrived instead."""
    request_id = headers.get("x-request-id")
    if not content.strip():
        return None
    content_type = headers.get("content-type", "")
    try:
        return json.loads(content)
    except RecursionError:
        reason = "JSON nested too deeply"
    except UnicodeDecodeError:
        reason = "body is not UTF-8 text"
    except ValueError as exc:
        if _looks_like_html(content, content_type):
            reason = "expected JSON, got an HTML page"
        else:
            reason = f"expected JSON, got invalid or truncated JSON ({exc})"
    raise ResponseParseError(
        reason, method=method, path=path, request_id=request_id, excerpt=excerpt(content)
    )
