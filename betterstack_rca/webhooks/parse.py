"""`parse_webhook`: one delivery's body (and headers) in, a `WebhookEvent` or a
`WebhookParseError` saying what was expected out. No other exception escapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from betterstack_rca.errors import WebhookParseError
from betterstack_rca.webhooks._decode import decode
from betterstack_rca.webhooks.event import WebhookEvent
from betterstack_rca.webhooks.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH
from betterstack_rca.webhooks.mapping import WebhookMapping, read_mapped
from betterstack_rca.webhooks.shapes import SHAPES_HELP, recognise

__all__ = ["parse_webhook"]


def parse_webhook(
    body: bytes | str | Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
    mapping: WebhookMapping | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> WebhookEvent:
    """Parse one webhook delivery into a `WebhookEvent`.

    `body` is the raw request body (bytes or str, UTF-8 JSON) or an already-decoded mapping
    (validated the same way). `headers` are the request headers (names case-insensitive); a
    status-page subscriber webhook is recognised by `X-BetterUptime-Event`. `mapping`, when
    given, is tried before the built-in shapes.

    Raises `WebhookParseError` for anything else: larger than `max_bytes`, nested deeper than
    `max_depth`, not UTF-8, not JSON, not a JSON object, a field of the wrong type, or a shape
    none of the recognised ones matches. Raises ValueError/TypeError only for bad arguments.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError("max_bytes must be a positive int")
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise ValueError("max_depth must be a positive int")
    if mapping is not None and not isinstance(mapping, WebhookMapping):
        raise TypeError("mapping must be a WebhookMapping")
    try:
        raw = decode(body, max_bytes=max_bytes, max_depth=max_depth)
        return _recognise(raw, _header(headers, "x-betteruptime-event"), mapping)
    except WebhookParseError:
        raise
    except RecursionError:
        raise WebhookParseError(
            f"webhook body nests too deeply; expected at most {max_depth} levels"
        ) from None
    except Exception as exc:  # the contract: nothing but WebhookParseError escapes
        raise WebhookParseError(
            f"internal error while parsing the webhook body ({type(exc).__name__}); "
            f"expected a JSON object. {SHAPES_HELP}"
        ) from exc


def _recognise(
    raw: dict[str, Any], page_event: str | None, mapping: WebhookMapping | None
) -> WebhookEvent:
    if mapping is not None:
        event = read_mapped(raw, mapping)
        if event is not None:
            return event
    return recognise(raw, page_event)


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    # A Mapping (dict, httpx.Headers, http.server's message) or an iterable of pairs (ASGI).
    pairs: Any = headers.items() if hasattr(headers, "items") else headers
    for key, value in pairs:
        if isinstance(key, str) and key.strip().lower() == name:
            return value if isinstance(value, str) else str(value)
    return None
