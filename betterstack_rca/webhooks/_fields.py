"""Typed readers of the fields of a decoded body: each checks the JSON type (a wrong type is
a `WebhookParseError` naming the field), bounds the length and treats a template variable
Better Stack did not substitute ("$INCIDENT_ID") as absent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Final

from dateutil.parser import isoparse

from betterstack_rca.errors import WebhookParseError
from betterstack_rca.webhooks._decode import json_type
from betterstack_rca.webhooks.actions import UNKNOWN_ACTION, normalise_status, normalise_word
from betterstack_rca.webhooks.limits import (
    MAX_ID_CHARS,
    MAX_INT_BITS,
    MAX_TIME_CHARS,
    MAX_WORD_CHARS,
)

__all__ = [
    "MISSING",
    "action_for",
    "at_path",
    "first_time",
    "is_placeholder",
    "read_id",
    "read_obj",
    "read_text",
    "read_time",
    "read_word",
]

#: A path that finds nothing (unlike a JSON null, which is found).
MISSING: Final = object()

# A template variable that Better Stack did not substitute: "$INCIDENT_ID", "${NAME}", "{{id}}".
_PLACEHOLDER_RE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^{}]*\}|\{\{[^{}]*\}\}")


def is_placeholder(text: str) -> bool:
    return _PLACEHOLDER_RE.fullmatch(text.strip()) is not None


def at_path(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not part:
            continue
        if isinstance(obj, dict):
            obj = obj.get(part, MISSING)
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return MISSING
        if obj is MISSING:
            return MISSING
    return obj


def read_obj(value: Any, where: str) -> dict[str, Any]:
    """An optional JSON object: {} when absent or null, an error for any other type."""
    if value is None or value is MISSING:
        return {}
    if isinstance(value, dict):
        return value
    raise WebhookParseError(f"{where} must be a JSON object, got {json_type(value)}")


def read_id(value: Any, where: str) -> str | None:
    if value is None or value is MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise WebhookParseError(
            f"{where} must be a string or an integer id, got {json_type(value)}"
        )
    if isinstance(value, int):
        if value.bit_length() > MAX_INT_BITS:
            raise WebhookParseError(f"{where} is an integer too large to be an id")
        return str(value)
    text = value.strip()
    if not text or is_placeholder(text):
        return None
    if len(text) > MAX_ID_CHARS:
        raise WebhookParseError(f"{where} is longer than {MAX_ID_CHARS} characters; not an id")
    return text


def read_text(value: Any, where: str) -> str | None:
    if value is None or value is MISSING:
        return None
    if not isinstance(value, str):
        raise WebhookParseError(f"{where} must be a string, got {json_type(value)}")
    if not value.strip() or is_placeholder(value):
        return None
    return value


def read_word(value: Any, where: str) -> str | None:
    """An event/status word: the raw string (None if absent or a placeholder)."""
    text = read_text(value, where)
    if text is not None and len(text.strip()) > MAX_WORD_CHARS:
        raise WebhookParseError(f"{where} is longer than {MAX_WORD_CHARS} characters")
    return text.strip() if text is not None else None


def action_for(word: str | None, extra: Mapping[str, str] | None = None) -> str:
    if word is None:
        return UNKNOWN_ACTION
    return normalise_status(word, extra) or normalise_word(word) or UNKNOWN_ACTION


def read_time(value: Any, where: str) -> datetime | None:
    """A timestamp: ISO 8601 text or epoch seconds (milliseconds when > 1e11).

    Wrong JSON types are errors; text or numbers we cannot read as a time give None
    (the value stays in `raw`), so one odd template field does not lose the whole event.
    """
    if value is None or value is MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise WebhookParseError(f"{where} must be a timestamp string, got {json_type(value)}")
    try:
        if isinstance(value, (int, float)):
            seconds = value / 1000 if abs(value) > 1e11 else value
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        text = value.strip()
        if not text or len(text) > MAX_TIME_CHARS or is_placeholder(text):
            return None
        for suffix in (" UTC", " GMT", "UTC", "GMT"):
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip() + "+00:00"
                break
        parsed = isoparse(text)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None


def first_time(fields: Mapping[str, Any], keys: tuple[str, ...], where: str) -> datetime | None:
    for key in keys:
        at = read_time(fields.get(key), f"{where}.{key}")
        if at is not None:
            return at
    return None
