"""Bounded JSON decoding of a webhook body: the size is checked before decoding, the nesting
depth before `json.loads` could recurse, and NaN, Infinity and huge numbers are refused. An
already-decoded mapping is copied into plain JSON types within the same limits."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from betterstack_rca.errors import WebhookParseError
from betterstack_rca.webhooks.limits import MAX_INT_DIGITS

__all__ = ["decode", "json_type"]

# A JSON string (possibly unterminated: json.loads reports that later), written unrolled so
# the regex engine runs in linear time on any input.
_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")
# Strings are kept (group 1); // line comments and /* block */ comments are dropped.
_COMMENT_RE = re.compile(
    r'("[^"\\]*(?:\\.[^"\\]*)*"?)|//[^\n]*|/\*[\s\S]*?(?:\*/|\Z)',
)


class _Reject(Exception):
    """Raised from json.loads hooks for values JSON should not carry."""


def _reject_constant(name: str) -> Any:
    raise _Reject(f"webhook body contains {name}, which is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Reject(f"webhook body contains a number out of range ({text[:40]}...)")
    return value


def _bounded_int(text: str) -> int:
    # Python >= 3.11 refuses > 4300 digits with ValueError; older ones take quadratic time.
    if len(text) > MAX_INT_DIGITS:
        raise _Reject(f"webhook body contains an integer of {len(text)} digits; too large")
    return int(text)


def _loads(text: str) -> Any:
    return json.loads(
        text, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_bounded_int
    )


def decode(body: object, *, max_bytes: int, max_depth: int) -> dict[str, Any]:
    if isinstance(body, Mapping):
        return _from_mapping(body, max_bytes=max_bytes, max_depth=max_depth)
    if isinstance(body, (bytes, bytearray, memoryview)):
        size = body.nbytes if isinstance(body, memoryview) else len(body)
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        try:
            text = bytes(body).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise WebhookParseError(
                f"webhook body is not UTF-8 text (invalid byte at offset {exc.start}); "
                "expected a JSON object"
            ) from None
    elif isinstance(body, str):
        if len(body) > max_bytes:
            raise _too_large(len(body), max_bytes)
        size = len(body.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise _too_large(size, max_bytes)
        text = body.removeprefix("\ufeff")
    else:
        raise WebhookParseError(
            f"webhook body must be bytes, str or a mapping, not {type(body).__name__}"
        )
    if not text.strip():
        raise WebhookParseError("webhook body is empty; expected a JSON object")
    value = _parse_json(text, max_depth)
    if not isinstance(value, dict):
        raise WebhookParseError(
            f"webhook body is JSON but not an object (got {json_type(value)}); "
            'expected a JSON object such as {"event": ..., "data": {...}}'
        )
    return value


def _parse_json(text: str, max_depth: int) -> Any:
    _check_depth(text, max_depth)
    try:
        return _loads(text)
    except _Reject as exc:
        raise WebhookParseError(str(exc)) from None
    except json.JSONDecodeError as exc:
        first = exc
    except ValueError as exc:  # e.g. an integer longer than int()'s digit limit
        raise WebhookParseError(f"webhook body is not usable JSON: {str(exc)[:120]}") from None
    # Better Stack's published examples carry // comments; tolerate comments, nothing else.
    uncommented = _COMMENT_RE.sub(lambda m: m.group(1) or "", text)
    if uncommented != text and uncommented.strip():
        _check_depth(uncommented, max_depth)
        try:
            return _loads(uncommented)
        except _Reject as exc:
            raise WebhookParseError(str(exc)) from None
        except ValueError:
            pass
    raise WebhookParseError(
        f"webhook body is not valid JSON ({first.msg} at line {first.lineno} column "
        f"{first.colno}); expected a JSON object"
    ) from None


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse nesting deeper than max_depth without recursing (json.loads would)."""
    if text.count("[") + text.count("{") <= max_depth:
        return
    brackets = _NOT_BRACKET_RE.sub("", _STRING_RE.sub("", text))
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > max_depth:
                raise WebhookParseError(
                    f"webhook body nests deeper than {max_depth} levels; "
                    "expected a shallow JSON object"
                )
        else:
            depth -= 1


def _from_mapping(body: Mapping[Any, Any], *, max_bytes: int, max_depth: int) -> dict[str, Any]:
    """Copy a decoded body into plain JSON types, iteratively, within the same limits.

    The size budget is an estimate of the JSON text (2 bytes per value plus string and key
    lengths), charged before children are queued, so a huge or self-sharing structure is
    refused before it is walked.
    """
    root: dict[str, Any] = {}
    budget = max_bytes - 2

    def charge(amount: int) -> None:
        nonlocal budget
        budget -= amount
        if budget < 0:
            raise WebhookParseError(
                f"webhook body is larger than the {max_bytes}-byte limit; expected a small "
                "JSON object"
            )

    # (value, container to store into, key or index, depth of value)
    stack: list[tuple[Any, Any, Any, int]] = [(body, None, None, 1)]
    while stack:
        value, parent, key, depth = stack.pop()
        if isinstance(value, Mapping):
            if depth > max_depth:
                raise WebhookParseError(f"webhook body nests deeper than {max_depth} levels")
            copy: Any = root if parent is None else {}
            for k, v in value.items():
                if not isinstance(k, str):
                    raise WebhookParseError(
                        f"webhook body has a {type(k).__name__} key; JSON object keys are strings"
                    )
                charge(len(k) + 4)
                stack.append((v, copy, k, depth + 1))
        elif isinstance(value, (list, tuple)):
            if depth > max_depth:
                raise WebhookParseError(f"webhook body nests deeper than {max_depth} levels")
            charge(2 * len(value))
            copy = [None] * len(value)
            stack.extend((v, copy, i, depth + 1) for i, v in enumerate(value))
        elif value is None or isinstance(value, (str, bool, int)):
            copy = value
            if isinstance(value, str):
                charge(len(value))
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise WebhookParseError("webhook body contains NaN or Infinity; not JSON")
            copy = value
        else:
            raise WebhookParseError(
                f"webhook body contains a {type(value).__name__}, which is not a JSON value"
            )
        if parent is not None:
            parent[key] = copy
    return root


def _too_large(size: int, max_bytes: int) -> WebhookParseError:
    return WebhookParseError(
        f"webhook body is {size} bytes, larger than the {max_bytes}-byte limit; "
        "expected a small JSON object"
    )


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
