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
from pydantic_core import from_json

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


#: How deep and how long `describe_errors` looks: an `errors` member nested 600 deep or
#: a megabyte of messages still gives one short line (and never a `RecursionError`).
_ERRORS_DEPTH = 4
_ERRORS_CHARS = 500


def _flat(value: Any, depth: int) -> str:
    if isinstance(value, str):
        return value.strip()
    if value is None or isinstance(value, (bool, int, float)):
        return str(value)
    if depth <= 0:
        return "…"
    if isinstance(value, Mapping):
        return "; ".join(
            f"{str(k)[:100]}: {_flat(v, depth - 1)}" for k, v in list(value.items())[:20]
        )
    if isinstance(value, (list, tuple)):
        return ", ".join(_flat(v, depth - 1) for v in value[:20])
    return type(value).__name__


def describe_errors(body: Any) -> str:
    """Better Stack's `errors` member as one readable line.

    It is a string (`"Resource with provided ID was not found"`), an object of field ->
    messages (`{"name": ["can't be blank"]}`), a list, or missing with an empty body.
    Whatever its shape and depth, the line is at most 500 characters.
    """
    if isinstance(body, Mapping):
        errors = body.get("errors", body.get("error", body.get("message")))
    else:
        errors = body
    if errors is None or errors in ("", {}, []):
        return ""
    if isinstance(errors, (list, tuple)):
        text = "; ".join(_flat(e, _ERRORS_DEPTH) for e in errors[:20])
    else:
        text = _flat(errors, _ERRORS_DEPTH)
    return text if len(text) <= _ERRORS_CHARS else text[: _ERRORS_CHARS - 1] + "…"


def excerpt(content: bytes, limit: int = 120) -> str:
    """The start of a body, decoded leniently and squeezed onto one line."""
    text = content[: limit * 4].decode("utf-8", errors="replace")
    text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] + ("…" if len(text) > limit else "")


#: How much of an error body is looked at: the start says what went wrong, and a 480 KB
#: error page must not cost seconds of parsing (while holding the GIL).
ERROR_BODY_PREFIX = 16 * 1024


def html_title(content: bytes) -> bytes | None:
    """The text of the first ``<title>`` of the start of an HTML page, found in linear time
    (a regex with a lazy group rescanned the page from every ``<title`` it met)."""
    head = content[:ERROR_BODY_PREFIX]
    lowered = head.lower()
    start = lowered.find(b"<title")
    if start < 0:
        return None
    close_tag = lowered.find(b">", start)
    if close_tag < 0:
        return None
    end = lowered.find(b"</title", close_tag)
    return head[close_tag + 1 : end if end >= 0 else len(head)]


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
    content = content[:ERROR_BODY_PREFIX]  # the rest is neither shown nor parsed
    # A JSON body without an error text (`{}`, `[]`, `{"errors": null}`) says nothing: fall
    # back to the status's reason ("Not Found"), never the raw `{}`.
    if not text and content.strip() and body is None:
        if _looks_like_html(content, content_type):
            title = html_title(content)
            shown = excerpt(title) if title is not None else excerpt(content)
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


#: Deepest nesting accepted in an answer. Better Stack's documents nest about 6 deep; a
#: value 300 deep passes `json.loads` but later breaks pydantic's serializer (a bare
#: `ValueError`) and the bundle with it, so it is refused here, where it is a typed error
#: of one source (a gap) instead.
MAX_JSON_DEPTH = 64


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `value` nests containers deeper than `limit` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


#: every byte but the quote and the brackets (deleted), and the brackets as parentheses
_NOT_STRUCTURE = bytes(range(256)).translate(None, b'"[]{}')
_AS_PARENS = bytes.maketrans(b"[]{}", b"()()")


def json_text_depth_exceeds(content: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the valid UTF-8 JSON text `content` nests containers deeper than `limit`.

    The same answer as `json_depth_exceeds` on its parsed value, read off the bytes at C
    speed (a fifth of the walk's time on a page of 250 monitors): escaped backslashes and
    quotes go, then everything but quotes and brackets, then the strings' contents (their
    brackets are text); each pass then removes the innermost pairs, one level a pass.
    """
    if b"\\" in content:
        content = content.replace(b"\\\\", b"")
    if b'\\"' in content:
        content = content.replace(b'\\"', b"")
    # `""` is an empty string or two strings side by side: either way no text outside them
    text = content.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in text:
        text = b"".join(text.split(b'"')[::2])
    brackets = text.translate(_AS_PARENS)
    for _ in range(limit):
        if not brackets:
            return False
        brackets = brackets.replace(b"()", b"")
    return bool(brackets)


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
    try:
        # pydantic-core's parser (jiter): faster than the stdlib's, the same values, and
        # repeated keys and short strings shared (a page repeats every key 250 times)
        value = from_json(content)
    except ValueError:
        # the stdlib reads what jiter refuses (a BOM, lone surrogates, nesting deeper than
        # jiter's own limit of 200)...
        content_type = headers.get("content-type", "")
        try:
            value = json.loads(content)  # ...and says precisely what is wrong with the rest
        except RecursionError:
            reason = "JSON nested too deeply"
        except UnicodeDecodeError:
            reason = "body is not UTF-8 text"
        except ValueError as exc:
            if _looks_like_html(content, content_type):
                reason = "expected JSON, got an HTML page"
            else:
                reason = f"expected JSON, got invalid or truncated JSON ({exc})"
        else:
            # a nesting deeper than the limit needs at least that many brackets: count first
            # (the walk, not the bytes: the stdlib also reads UTF-16 and UTF-32 here)
            if content.count(b"[") + content.count(b"{") <= MAX_JSON_DEPTH or not (
                json_depth_exceeds(value)
            ):
                return value
            reason = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    else:
        # jiter accepts up to 200 levels: the limit is checked on the UTF-8 text it read
        if not json_text_depth_exceeds(content):
            return value
        reason = f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    raise ResponseParseError(
        reason, method=method, path=path, request_id=request_id, excerpt=excerpt(content)
    )
