"""Parse what Better Stack (or a custom outgoing-webhook template) POSTs.

`parse_webhook(body, headers, mapping)` turns one delivery into a `WebhookEvent`, or raises
`WebhookParseError` saying what was expected. It trusts nothing: the size is checked before
decoding, the nesting depth before `json.loads` can recurse, and every field it reads is
type-checked. No other exception type escapes and no input makes it hang.

Shapes recognised (payload facts: betterstack-api.md §11; docs/webhooks.md has examples):

    betterstack_incident    {"event": "started", "data": {JSON:API incident}} (+ "comment")
    betterstack_monitor     {"event": "created", "data": {JSON:API monitor}}
    on_call                 {"data": {"message", "emails", "calendar_id", ...}}
    status_page_subscriber  X-BetterUptime-Event header; {event_type, page, incident{...}}
    incident_log            {"dt", "event": "monitor.checked", "message", ...}
    flat_template           {"status", "id", "title", "description", "monitor", ...}
    s4_template             {"Title", "Cause", "URL", "X-S4-ExternalID", "X-S4-Status"}
    custom_mapping          anything a `WebhookMapping` describes
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final, Literal

from dateutil.parser import isoparse

from betterstack_rca.errors import WebhookParseError

__all__ = [
    "BUNDLE_ACTIONS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "INCIDENT_ACTIONS",
    "MONITOR_ACTIONS",
    "RECOGNISED_FORMATS",
    "STATUS_WORDS",
    "UNKNOWN_ACTION",
    "WebhookEvent",
    "WebhookFormat",
    "WebhookKind",
    "WebhookMapping",
    "normalise_status",
    "parse_webhook",
]

WebhookKind = Literal["incident", "monitor", "on_call", "status_page", "incident_log"]
WebhookFormat = Literal[
    "betterstack_incident",
    "betterstack_monitor",
    "on_call",
    "status_page_subscriber",
    "incident_log",
    "flat_template",
    "s4_template",
    "custom_mapping",
]

RECOGNISED_FORMATS: Final[tuple[str, ...]] = (
    "betterstack_incident",
    "betterstack_monitor",
    "on_call",
    "status_page_subscriber",
    "incident_log",
    "flat_template",
    "s4_template",
    "custom_mapping",
)

DEFAULT_MAX_BYTES: Final = 1_048_576
DEFAULT_MAX_DEPTH: Final = 32

INCIDENT_ACTIONS: Final = frozenset({"started", "acknowledged", "resolved", "reopened", "comment"})
MONITOR_ACTIONS: Final = frozenset({"created", "updated", "paused", "unpaused", "deleted"})
#: Incident actions after which a bundle is worth (re)collecting.
BUNDLE_ACTIONS: Final = frozenset({"started", "acknowledged", "resolved", "reopened"})
#: The action of an event whose body says nothing about what happened.
UNKNOWN_ACTION: Final = "unknown"

#: Status words (normalised: case-folded, spaces and hyphens as "_") -> incident action.
STATUS_WORDS: Final[Mapping[str, str]] = {
    **dict.fromkeys(
        ("started", "start", "new", "triggered", "trigger", "open", "opened", "down", "created"),
        "started",
    ),
    **dict.fromkeys(("acknowledged", "acknowledge", "ack", "acked"), "acknowledged"),
    **dict.fromkeys(
        ("resolved", "resolve", "closed", "close", "recovered", "recover", "up", "ok"),
        "resolved",
    ),
    **dict.fromkeys(("reopened", "reopen", "re_opened"), "reopened"),
    **dict.fromkeys(("comment", "commented", "comment_added"), "comment"),
}

_MAX_ID_CHARS = 256
_MAX_WORD_CHARS = 64
_MAX_TIME_CHARS = 64
_MAX_INT_DIGITS = 4300
_MAX_INT_BITS = 850  # about 256 decimal digits: far beyond any id, far below int()'s limit

# A template variable that Better Stack did not substitute: "$INCIDENT_ID", "${NAME}", "{{id}}".
_PLACEHOLDER_RE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^{}]*\}|\{\{[^{}]*\}\}")
_WORD_SEP_RE = re.compile(r"[\s\-]+")
# A JSON string (possibly unterminated: json.loads reports that later), written unrolled so
# the regex engine runs in linear time on any input.
_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET_RE = re.compile(r"[^\[\]{}]+")
# Strings are kept (group 1); // line comments and /* block */ comments are dropped.
_COMMENT_RE = re.compile(
    r'("[^"\\]*(?:\\.[^"\\]*)*"?)|//[^\n]*|/\*[\s\S]*?(?:\*/|\Z)',
)
_INCIDENT_LOG_EVENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_ON_CALL_KEYS = frozenset({"calendar_id", "calendar_name", "emails", "primary_calendar"})
_FLAT_KEYS = frozenset({"id", "title", "description", "monitor", "started_at", "resolved_at"})
_MISSING: Final = object()

_SHAPES_HELP = (
    "recognised shapes: Better Stack's default incident or monitor body "
    '({"event": ..., "data": {...}}), an on-call change body ({"data": {"calendar_id": ...}}), '
    "a status-page subscriber webhook (X-BetterUptime-Event header or event_type/page/incident "
    'keys), an incident-log event ({"dt": ..., "event": "monitor.checked", ...}), a flat '
    "template with status/id/title/description/monitor/started_at/resolved_at keys, an "
    "S4-style template with Title/Cause/URL/X-S4-ExternalID/X-S4-Status keys, or a template "
    "described by mapping=WebhookMapping(...)"
)


@dataclass(frozen=True)
class WebhookEvent:
    """One webhook delivery, understood. Ids are strings; `at` is timezone-aware UTC."""

    kind: WebhookKind
    """What the event is about: incident, monitor, on_call, status_page or incident_log."""
    action: str
    """What happened. Incidents: started, acknowledged, resolved, reopened, comment.
    Monitors: created, updated, paused, unpaused, deleted. On-call: changed. Status page: the
    event type (incident, maintenance, component_update). Incident log: the part of the event
    name after its last dot (monitor.checked -> checked). A word we do not know survives
    normalised (case-folded, spaces and hyphens as "_"); "unknown" when the body names none."""
    format: WebhookFormat
    """Which shape was recognised (one of `RECOGNISED_FORMATS`)."""
    incident_id: str | None = None
    """The Better Stack incident id, when the body carries one (never a status report's id)."""
    monitor_id: str | None = None
    """The monitor the event concerns, when the body names it."""
    status_report_id: str | None = None
    """For status-page subscriber webhooks: the status report (incident/maintenance) id."""
    at: datetime | None = None
    """The time that fits the action: resolved_at for resolved, acknowledged_at for
    acknowledged, started_at for started, dt for incident-log events, updated_at for status
    pages. None when the body has no readable time for it."""
    title: str | None = None
    """Human-readable name: the incident or monitor name, the template's title."""
    cause: str | None = None
    """Better Stack's cause text (or a template's description / the latest status update)."""
    event_name: str | None = None
    """The event word exactly as sent ("acknowledged", "monitor.checked", "New", ...)."""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, hash=False)
    """The decoded JSON object, as received (plain dicts, lists and scalars)."""

    @property
    def is_incident(self) -> bool:
        """True for an incident-change event (Better Stack's incident body or a template)."""
        return self.kind == "incident"

    @property
    def wants_bundle(self) -> bool:
        """True when a receiver should (re)collect the incident's bundle: an incident event
        that started, was acknowledged, resolved or reopened. The incident id may still be
        None (a template that sent only a title); `bundle_for` reports that case."""
        return self.is_incident and self.action in BUNDLE_ACTIONS

    def delivery_key(self) -> str:
        """A SHA-256 hex digest of the canonical body: equal for repeated deliveries of the
        same payload (Better Stack retries on non-2xx), different for different payloads."""
        canonical = json.dumps(
            self.raw, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
        )
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class WebhookMapping:
    """Describes a custom template: where its fields live and what its status words mean.

    Paths are dotted (`"data.id"`, `"incident.attributes.name"`; a number indexes a list).
    `status_words` adds or overrides words (matched case-insensitively) -> incident action.
    `default_action` is used when the body has no status. The mapping applies to a body
    in which its `incident_id`, `status` or `title` path finds a value; otherwise the
    built-in shapes are tried.
    """

    incident_id: str | None = None
    status: str | None = None
    title: str | None = None
    cause: str | None = None
    monitor_id: str | None = None
    at: str | None = None
    status_words: Mapping[str, str] = field(default_factory=dict, hash=False)
    default_action: str | None = None

    def __post_init__(self) -> None:
        for name in ("incident_id", "status", "title", "cause", "monitor_id", "at"):
            path = getattr(self, name)
            if path is not None and (not isinstance(path, str) or not path.strip(".")):
                raise ValueError(f"WebhookMapping.{name} must be a dotted path such as 'data.id'")
        if self.incident_id is None and self.status is None and self.title is None:
            raise ValueError("WebhookMapping needs at least one of incident_id, status, title")
        words: dict[str, str] = {}
        for word, action in dict(self.status_words).items():
            if not isinstance(word, str) or action not in INCIDENT_ACTIONS:
                raise ValueError(
                    f"WebhookMapping.status_words maps words to one of {sorted(INCIDENT_ACTIONS)}"
                    f"; got {word!r}: {action!r}"
                )
            words[_normalise_word(word)] = action
        object.__setattr__(self, "status_words", words)
        if self.default_action is not None and self.default_action not in INCIDENT_ACTIONS:
            raise ValueError(f"WebhookMapping.default_action must be one of {INCIDENT_ACTIONS}")


def normalise_status(word: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The incident action a status word means (`STATUS_WORDS`, case-insensitive), or None.

    `extra` (already-normalised words -> action, e.g. `WebhookMapping.status_words`) wins.
    """
    key = _normalise_word(word)
    if extra and key in extra:
        return extra[key]
    return STATUS_WORDS.get(key)


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
        raw = _decode(body, max_bytes=max_bytes, max_depth=max_depth)
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
            f"expected a JSON object. {_SHAPES_HELP}"
        ) from exc


# --------------------------------------------------------------------------- decoding


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
    if len(text) > _MAX_INT_DIGITS:
        raise _Reject(f"webhook body contains an integer of {len(text)} digits; too large")
    return int(text)


def _loads(text: str) -> Any:
    return json.loads(
        text, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_bounded_int
    )


def _decode(body: object, *, max_bytes: int, max_depth: int) -> dict[str, Any]:
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
            f"webhook body is JSON but not an object (got {_json_type(value)}); "
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


def _json_type(value: object) -> str:
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


def _header(headers: Any, name: str) -> str | None:
    if headers is None:
        return None
    # A Mapping (dict, httpx.Headers, http.server's message) or an iterable of pairs (ASGI).
    pairs: Any = headers.items() if hasattr(headers, "items") else headers
    for key, value in pairs:
        if isinstance(key, str) and key.strip().lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


# --------------------------------------------------------------------------- field readers


def _normalise_word(word: str) -> str:
    return _WORD_SEP_RE.sub("_", word.strip().casefold())


def _is_placeholder(text: str) -> bool:
    return _PLACEHOLDER_RE.fullmatch(text.strip()) is not None


def _path(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not part:
            continue
        if isinstance(obj, dict):
            obj = obj.get(part, _MISSING)
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return _MISSING
        if obj is _MISSING:
            return _MISSING
    return obj


def _obj(value: Any, where: str) -> dict[str, Any]:
    """An optional JSON object: {} when absent or null, an error for any other type."""
    if value is None or value is _MISSING:
        return {}
    if isinstance(value, dict):
        return value
    raise WebhookParseError(f"{where} must be a JSON object, got {_json_type(value)}")


def _id(value: Any, where: str) -> str | None:
    if value is None or value is _MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise WebhookParseError(
            f"{where} must be a string or an integer id, got {_json_type(value)}"
        )
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise WebhookParseError(f"{where} is an integer too large to be an id")
        return str(value)
    text = value.strip()
    if not text or _is_placeholder(text):
        return None
    if len(text) > _MAX_ID_CHARS:
        raise WebhookParseError(f"{where} is longer than {_MAX_ID_CHARS} characters; not an id")
    return text


def _text(value: Any, where: str) -> str | None:
    if value is None or value is _MISSING:
        return None
    if not isinstance(value, str):
        raise WebhookParseError(f"{where} must be a string, got {_json_type(value)}")
    if not value.strip() or _is_placeholder(value):
        return None
    return value


def _word(value: Any, where: str) -> str | None:
    """An event/status word: the raw string (None if absent or a placeholder)."""
    text = _text(value, where)
    if text is not None and len(text.strip()) > _MAX_WORD_CHARS:
        raise WebhookParseError(f"{where} is longer than {_MAX_WORD_CHARS} characters")
    return text.strip() if text is not None else None


def _action(word: str | None, extra: Mapping[str, str] | None = None) -> str:
    if word is None:
        return UNKNOWN_ACTION
    return normalise_status(word, extra) or _normalise_word(word) or UNKNOWN_ACTION


def _time(value: Any, where: str) -> datetime | None:
    """A timestamp: ISO 8601 text or epoch seconds (milliseconds when > 1e11).

    Wrong JSON types are errors; text or numbers we cannot read as a time give None
    (the value stays in `raw`), so one odd template field does not lose the whole event.
    """
    if value is None or value is _MISSING:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise WebhookParseError(f"{where} must be a timestamp string, got {_json_type(value)}")
    try:
        if isinstance(value, (int, float)):
            seconds = value / 1000 if abs(value) > 1e11 else value
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        text = value.strip()
        if not text or len(text) > _MAX_TIME_CHARS or _is_placeholder(text):
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


# --------------------------------------------------------------------------- shapes


def _recognise(
    raw: dict[str, Any], page_event: str | None, mapping: WebhookMapping | None
) -> WebhookEvent:
    if mapping is not None:
        event = _custom(raw, mapping)
        if event is not None:
            return event
    if page_event is not None:
        return _status_page(raw, page_event)

    if "data" in raw:
        data = raw["data"]
        if not isinstance(data, dict):
            raise WebhookParseError(
                f"'data' must be a JSON object (one JSON:API resource or an on-call change), "
                f"got {_json_type(data)}"
            )
        event = _betterstack(raw, data)
        if event is not None:
            return event

    if "event_type" in raw and any(k in raw for k in ("page", "incident", "maintenance")):
        return _status_page(raw, None)
    if _ON_CALL_KEYS & raw.keys():
        return _on_call(raw, raw)

    name = raw.get("event")
    if isinstance(name, str) and _INCIDENT_LOG_EVENT_RE.fullmatch(name.strip()):
        return _incident_log(raw, name.strip())

    folded = {k.strip().casefold(): v for k, v in raw.items()}
    if "x-s4-status" in folded or "x-s4-externalid" in folded:
        return _s4_template(raw, folded)
    if "status" in folded and _FLAT_KEYS & folded.keys():
        return _flat_template(raw, folded)

    keys = ", ".join(sorted(raw)[:12]) or "none"
    raise WebhookParseError(
        f"webhook body has an unknown shape (top-level keys: {keys[:300]}); {_SHAPES_HELP}"
    )


def _betterstack(raw: dict[str, Any], data: dict[str, Any]) -> WebhookEvent | None:
    """Better Stack's default incident / monitor / on-call bodies (all wrap `data`)."""
    rtype = _word(data.get("type"), "data.type")
    rtype = rtype.casefold() if rtype else None
    attributes = _obj(data.get("attributes"), "data.attributes")
    if rtype == "monitor":
        return _monitor(raw, data, attributes)
    if rtype == "incident" or "comment" in raw:
        return _incident(raw, data, attributes)
    if rtype is None:
        if _ON_CALL_KEYS & data.keys():
            return _on_call(raw, data)
        if {"monitor_type", "pronounceable_name", "check_frequency"} & attributes.keys():
            return _monitor(raw, data, attributes)
        if {"started_at", "cause", "resolved_at", "acknowledged_at"} & attributes.keys():
            return _incident(raw, data, attributes)
        event = _word(raw.get("event"), "event")
        if event is not None and "id" in data:
            if _normalise_word(event) in MONITOR_ACTIONS - {"created"}:
                return _monitor(raw, data, attributes)
            if normalise_status(event) is not None:
                return _incident(raw, data, attributes)
    return None


_INCIDENT_TIME_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "started": ("started_at",),
    "acknowledged": ("acknowledged_at",),
    "resolved": ("resolved_at",),
    "reopened": ("reopened_at", "updated_at"),
}


def _incident(raw: dict[str, Any], data: dict[str, Any], attrs: dict[str, Any]) -> WebhookEvent:
    event_name = _word(raw.get("event"), "event")
    comment = _obj(raw.get("comment"), "comment") if "comment" in raw else None
    if event_name is not None:
        action = _action(event_name)
    elif comment is not None:
        action = "comment"
    else:  # e.g. a template copied from Better Stack's example that omits "event"
        action = _infer_incident_action(attrs, "data.attributes")
    relationships = _obj(data.get("relationships"), "data.relationships")
    monitor_rel = _obj(relationships.get("monitor"), "data.relationships.monitor")
    monitor_id = _id(
        _obj(monitor_rel.get("data"), "data.relationships.monitor.data").get("id"),
        "data.relationships.monitor.data.id",
    ) or _id(attrs.get("monitor_id"), "data.attributes.monitor_id")
    if action == "comment":
        at = _time((comment or {}).get("created_at"), "comment.created_at")
    else:
        at = _first_time(attrs, _INCIDENT_TIME_FIELDS.get(action, ()), "data.attributes")
    return WebhookEvent(
        kind="incident",
        action=action,
        format="betterstack_incident",
        incident_id=_id(data.get("id"), "data.id"),
        monitor_id=monitor_id,
        at=at,
        title=_text(attrs.get("name"), "data.attributes.name"),
        cause=_text(attrs.get("cause"), "data.attributes.cause"),
        event_name=event_name,
        raw=raw,
    )


def _infer_incident_action(fields: Mapping[str, Any], where: str) -> str:
    status = _word(fields.get("status"), f"{where}.status")
    if status is not None:
        return _action(status)
    for key, action in (
        ("resolved_at", "resolved"),
        ("acknowledged_at", "acknowledged"),
        ("started_at", "started"),
    ):
        if _time(fields.get(key), f"{where}.{key}") is not None:
            return action
    return UNKNOWN_ACTION


def _first_time(fields: Mapping[str, Any], keys: tuple[str, ...], where: str) -> datetime | None:
    for key in keys:
        at = _time(fields.get(key), f"{where}.{key}")
        if at is not None:
            return at
    return None


_MONITOR_TIME_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "created": ("created_at",),
    "updated": ("updated_at",),
    "paused": ("paused_at", "updated_at"),
    "unpaused": ("updated_at",),
    "deleted": ("archived_at", "updated_at"),
}


def _monitor(raw: dict[str, Any], data: dict[str, Any], attrs: dict[str, Any]) -> WebhookEvent:
    event_name = _word(raw.get("event"), "event")
    action = _normalise_word(event_name) if event_name else UNKNOWN_ACTION
    title = _text(attrs.get("pronounceable_name"), "data.attributes.pronounceable_name")
    return WebhookEvent(
        kind="monitor",
        action=action or UNKNOWN_ACTION,
        format="betterstack_monitor",
        monitor_id=_id(data.get("id"), "data.id"),
        at=_first_time(attrs, _MONITOR_TIME_FIELDS.get(action, ()), "data.attributes"),
        title=title
        or _text(attrs.get("name"), "data.attributes.name")
        or _text(attrs.get("url"), "data.attributes.url"),
        event_name=event_name,
        raw=raw,
    )


def _on_call(raw: dict[str, Any], fields: dict[str, Any]) -> WebhookEvent:
    where = "data" if fields is not raw else "body"
    _id(fields.get("calendar_id"), f"{where}.calendar_id")  # type check only
    emails = fields.get("emails")
    if emails is not None and not isinstance(emails, (list, str)):
        raise WebhookParseError(f"{where}.emails must be an array, got {_json_type(emails)}")
    calendar = _text(fields.get("calendar_name"), f"{where}.calendar_name")
    return WebhookEvent(
        kind="on_call",
        action="changed",
        format="on_call",
        at=_first_time(fields, ("changed_at", "updated_at", "created_at", "at"), where),
        title=_text(fields.get("message"), f"{where}.message") or calendar,
        event_name=_word(raw.get("event"), "event"),
        raw=raw,
    )


def _status_page(raw: dict[str, Any], header: str | None) -> WebhookEvent:
    event_name = _word(header, "X-BetterUptime-Event header")
    if event_name is None:
        event_name = _word(raw.get("event_type"), "event_type")
    action = _normalise_word(event_name) if event_name else UNKNOWN_ACTION
    report: dict[str, Any] = {}
    where = "incident"
    for key in (action, "incident", "maintenance"):
        if key in raw and raw[key] is not None:
            report, where = _obj(raw[key], key), key
            break
    updates = report.get(f"{where}_updates", report.get("updates"))
    cause: str | None = None
    if updates is not None:
        if not isinstance(updates, list):
            raise WebhookParseError(
                f"{where}.{where}_updates must be an array, got {_json_type(updates)}"
            )
        newest: tuple[datetime, str] | None = None
        for i, update in enumerate(updates):
            item = _obj(update, f"{where}_updates[{i}]")
            text = _text(item.get("body", item.get("message")), f"{where}_updates[{i}].body")
            when = _time(item.get("created_at"), f"{where}_updates[{i}].created_at")
            if text is None:
                continue
            stamp = when or datetime.min.replace(tzinfo=timezone.utc)
            if newest is None or stamp > newest[0]:
                newest = (stamp, text)
        cause = newest[1] if newest else None
    return WebhookEvent(
        kind="status_page",
        action=action or UNKNOWN_ACTION,
        format="status_page_subscriber",
        status_report_id=_id(report.get("id"), f"{where}.id"),
        at=_first_time(report, ("updated_at", "created_at"), where),
        title=_text(report.get("name", report.get("title")), f"{where}.name"),
        cause=cause,
        event_name=event_name,
        raw=raw,
    )


def _incident_log(raw: dict[str, Any], name: str) -> WebhookEvent:
    return WebhookEvent(
        kind="incident_log",
        action=_normalise_word(name.rsplit(".", 1)[1]),
        format="incident_log",
        incident_id=_id(raw.get("incident_id"), "incident_id"),
        monitor_id=_id(raw.get("monitor_id"), "monitor_id"),
        at=_time(raw.get("dt"), "dt"),
        title=_text(raw.get("message"), "message"),
        cause=_text(raw.get("cause"), "cause"),
        event_name=name,
        raw=raw,
    )


def _template_time(folded: Mapping[str, Any], action: str) -> datetime | None:
    keys = {
        "started": ("started_at",),
        "acknowledged": ("acknowledged_at",),
        "resolved": ("resolved_at",),
    }.get(action, ())
    return _first_time(folded, keys, "body")


def _flat_template(raw: dict[str, Any], folded: dict[str, Any]) -> WebhookEvent:
    status = _word(folded.get("status"), "status")
    action = _action(status) if status else _infer_incident_action(folded, "body")
    monitor = folded.get("monitor", folded.get("monitor_id"))
    if isinstance(monitor, dict):
        monitor_id = _id(monitor.get("id"), "monitor.id")
    elif isinstance(monitor, str) and not monitor.strip().isdigit():
        monitor_id = None  # a monitor name, not an id; it stays in raw
    else:
        monitor_id = _id(monitor, "monitor")
    return WebhookEvent(
        kind="incident",
        action=action,
        format="flat_template",
        incident_id=_id(folded.get("id", folded.get("incident_id")), "id"),
        monitor_id=monitor_id,
        at=_template_time(folded, action),
        title=_text(folded.get("title", folded.get("name")), "title"),
        cause=_text(folded.get("description", folded.get("cause")), "description"),
        event_name=status,
        raw=raw,
    )


def _s4_template(raw: dict[str, Any], folded: dict[str, Any]) -> WebhookEvent:
    status = _word(folded.get("x-s4-status"), "X-S4-Status")
    action = _action(status) if status else UNKNOWN_ACTION
    return WebhookEvent(
        kind="incident",
        action=action,
        format="s4_template",
        incident_id=_id(folded.get("x-s4-externalid"), "X-S4-ExternalID"),
        at=_template_time(folded, action),
        title=_text(folded.get("title"), "Title"),
        cause=_text(folded.get("cause"), "Cause"),
        event_name=status,
        raw=raw,
    )


def _custom(raw: dict[str, Any], mapping: WebhookMapping) -> WebhookEvent | None:
    def get(path: str | None) -> Any:
        return _MISSING if path is None else _path(raw, path)

    if all(
        get(p) is _MISSING or get(p) is None
        for p in (mapping.incident_id, mapping.status, mapping.title)
    ):
        return None
    status = _word(get(mapping.status), str(mapping.status))
    if status is not None:
        action = _action(status, mapping.status_words)
    else:
        action = mapping.default_action or UNKNOWN_ACTION
    return WebhookEvent(
        kind="incident",
        action=action,
        format="custom_mapping",
        incident_id=_id(get(mapping.incident_id), str(mapping.incident_id)),
        monitor_id=_id(get(mapping.monitor_id), str(mapping.monitor_id)),
        at=_time(get(mapping.at), str(mapping.at)),
        title=_text(get(mapping.title), str(mapping.title)),
        cause=_text(get(mapping.cause), str(mapping.cause)),
        event_name=status,
        raw=raw,
    )
