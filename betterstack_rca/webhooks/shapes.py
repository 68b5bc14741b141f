"""The shapes Better Stack sends by default, and the two common flat templates.

Payload facts: betterstack-api.md §11; docs/webhooks.md has examples.

    betterstack_incident    {"event": "started", "data": {JSON:API incident}} (+ "comment");
                            legacy: {"id", "team_id", "type": "incident"} (action "changed")
    betterstack_monitor     {"event": "created", "data": {JSON:API monitor}}
    on_call                 {"data": {"message", "emails", "calendar_id", ...}}
    status_page_subscriber  X-BetterUptime-Event header; {event_type, page, incident{...}}
    incident_log            {"dt", "event": "monitor.checked", "message", ...}
    flat_template           {"status", "id", "title", "description", "monitor", ...}
    s4_template             {"Title", "Cause", "URL", "X-S4-ExternalID", "X-S4-Status"}

(`custom_mapping`, anything a `WebhookMapping` describes, is read by `mapping.read_mapped`.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Final

from betterstack_rca.errors import WebhookParseError
from betterstack_rca.webhooks._decode import json_type
from betterstack_rca.webhooks._fields import (
    action_for,
    first_time,
    read_id,
    read_obj,
    read_text,
    read_time,
    read_word,
)
from betterstack_rca.webhooks.actions import (
    CHANGED_ACTION,
    MONITOR_ACTIONS,
    UNKNOWN_ACTION,
    normalise_status,
    normalise_word,
)
from betterstack_rca.webhooks.event import WebhookEvent

__all__ = ["SHAPES_HELP", "recognise"]

SHAPES_HELP = (
    "recognised shapes: Better Stack's default incident or monitor body "
    '({"event": ..., "data": {...}}), an on-call change body ({"data": {"calendar_id": ...}}), '
    "a status-page subscriber webhook (X-BetterUptime-Event header or event_type/page/incident "
    'keys), an incident-log event ({"dt": ..., "event": "monitor.checked", ...}), a flat '
    "template with status/id/title/description/monitor/started_at/resolved_at keys, an "
    "S4-style template with Title/Cause/URL/X-S4-ExternalID/X-S4-Status keys, or a template "
    "described by mapping=WebhookMapping(...)"
)

_INCIDENT_LOG_EVENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_ON_CALL_KEYS = frozenset({"calendar_id", "calendar_name", "emails", "primary_calendar"})
_FLAT_KEYS = frozenset({"id", "title", "description", "monitor", "started_at", "resolved_at"})
#: The legacy incident webhook names the incident and nothing else (`bundle_for` fetches it).
_INCIDENT_REF_KEYS = frozenset({"id", "team_id", "type"})


def recognise(raw: dict[str, Any], page_event: str | None) -> WebhookEvent:
    """The event a decoded body describes, by its shape (`page_event`: the value of the
    X-BetterUptime-Event header, if any). Raises `WebhookParseError` for any other shape."""
    if page_event is not None:
        return _status_page(raw, page_event)

    if "data" in raw:
        data = raw["data"]
        if not isinstance(data, dict):
            raise WebhookParseError(
                f"'data' must be a JSON object (one JSON:API resource or an on-call change), "
                f"got {json_type(data)}"
            )
        event = _betterstack(raw, data)
        if event is not None:
            return event

    if "event_type" in raw and any(k in raw for k in ("page", "incident", "maintenance")):
        return _status_page(raw, None)
    if _ON_CALL_KEYS & raw.keys():
        return _on_call(raw, raw)

    if _is_incident_ref(raw):
        return _incident_ref(raw)

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
        f"webhook body has an unknown shape (top-level keys: {keys[:300]}); {SHAPES_HELP}"
    )


def _betterstack(raw: dict[str, Any], data: dict[str, Any]) -> WebhookEvent | None:
    """Better Stack's default incident / monitor / on-call bodies (all wrap `data`)."""
    rtype = read_word(data.get("type"), "data.type")
    rtype = rtype.casefold() if rtype else None
    attributes = read_obj(data.get("attributes"), "data.attributes")
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
        event = read_word(raw.get("event"), "event")
        if event is not None and "id" in data:
            if normalise_word(event) in MONITOR_ACTIONS - {"created"}:
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
    event_name = read_word(raw.get("event"), "event")
    comment = read_obj(raw.get("comment"), "comment") if "comment" in raw else None
    if event_name is not None:
        action = action_for(event_name)
    elif comment is not None:
        action = "comment"
    else:  # e.g. a template copied from Better Stack's example that omits "event"
        action = _infer_incident_action(attrs, "data.attributes")
    relationships = read_obj(data.get("relationships"), "data.relationships")
    monitor_rel = read_obj(relationships.get("monitor"), "data.relationships.monitor")
    monitor_id = read_id(
        read_obj(monitor_rel.get("data"), "data.relationships.monitor.data").get("id"),
        "data.relationships.monitor.data.id",
    ) or read_id(attrs.get("monitor_id"), "data.attributes.monitor_id")
    if action == "comment":
        at = read_time((comment or {}).get("created_at"), "comment.created_at")
    else:
        at = first_time(attrs, _INCIDENT_TIME_FIELDS.get(action, ()), "data.attributes")
    return WebhookEvent(
        kind="incident",
        action=action,
        format="betterstack_incident",
        incident_id=read_id(data.get("id"), "data.id"),
        monitor_id=monitor_id,
        at=at,
        title=read_text(attrs.get("name"), "data.attributes.name"),
        cause=read_text(attrs.get("cause"), "data.attributes.cause"),
        event_name=event_name,
        raw=raw,
    )


def _is_incident_ref(raw: dict[str, Any]) -> bool:
    kind = raw.get("type")
    return (
        isinstance(kind, str)
        and kind.strip().casefold() == "incident"
        and "id" in raw
        and raw.keys() <= _INCIDENT_REF_KEYS
    )


def _incident_ref(raw: dict[str, Any]) -> WebhookEvent:
    """`{"id": "123", "team_id": 5, "type": "incident"}`: an incident changed; how, the
    body does not say (the action is "changed", which is worth a fresh bundle)."""
    read_id(raw.get("team_id"), "team_id")  # type check only
    return WebhookEvent(
        kind="incident",
        action=CHANGED_ACTION,
        format="betterstack_incident",
        incident_id=read_id(raw.get("id"), "id"),
        raw=raw,
    )


def _infer_incident_action(fields: Mapping[str, Any], where: str) -> str:
    status = read_word(fields.get("status"), f"{where}.status")
    if status is not None:
        return action_for(status)
    for key, action in (
        ("resolved_at", "resolved"),
        ("acknowledged_at", "acknowledged"),
        ("started_at", "started"),
    ):
        if read_time(fields.get(key), f"{where}.{key}") is not None:
            return action
    return UNKNOWN_ACTION


_MONITOR_TIME_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    "created": ("created_at",),
    "updated": ("updated_at",),
    "paused": ("paused_at", "updated_at"),
    "unpaused": ("updated_at",),
    "deleted": ("archived_at", "updated_at"),
}


def _monitor(raw: dict[str, Any], data: dict[str, Any], attrs: dict[str, Any]) -> WebhookEvent:
    event_name = read_word(raw.get("event"), "event")
    action = normalise_word(event_name) if event_name else UNKNOWN_ACTION
    title = read_text(attrs.get("pronounceable_name"), "data.attributes.pronounceable_name")
    return WebhookEvent(
        kind="monitor",
        action=action or UNKNOWN_ACTION,
        format="betterstack_monitor",
        monitor_id=read_id(data.get("id"), "data.id"),
        at=first_time(attrs, _MONITOR_TIME_FIELDS.get(action, ()), "data.attributes"),
        title=title
        or read_text(attrs.get("name"), "data.attributes.name")
        or read_text(attrs.get("url"), "data.attributes.url"),
        event_name=event_name,
        raw=raw,
    )


def _on_call(raw: dict[str, Any], fields: dict[str, Any]) -> WebhookEvent:
    where = "data" if fields is not raw else "body"
    read_id(fields.get("calendar_id"), f"{where}.calendar_id")  # type check only
    emails = fields.get("emails")
    if emails is not None and not isinstance(emails, (list, str)):
        raise WebhookParseError(f"{where}.emails must be an array, got {json_type(emails)}")
    calendar = read_text(fields.get("calendar_name"), f"{where}.calendar_name")
    return WebhookEvent(
        kind="on_call",
        action="changed",
        format="on_call",
        at=first_time(fields, ("changed_at", "updated_at", "created_at", "at"), where),
        title=read_text(fields.get("message"), f"{where}.message") or calendar,
        event_name=read_word(raw.get("event"), "event"),
        raw=raw,
    )


def _status_page(raw: dict[str, Any], header: str | None) -> WebhookEvent:
    event_name = read_word(header, "X-BetterUptime-Event header")
    if event_name is None:
        event_name = read_word(raw.get("event_type"), "event_type")
    action = normalise_word(event_name) if event_name else UNKNOWN_ACTION
    report: dict[str, Any] = {}
    where = "incident"
    for key in (action, "incident", "maintenance"):
        if key in raw and raw[key] is not None:
            report, where = read_obj(raw[key], key), key
            break
    updates = report.get(f"{where}_updates", report.get("updates"))
    cause: str | None = None
    if updates is not None:
        if not isinstance(updates, list):
            raise WebhookParseError(
                f"{where}.{where}_updates must be an array, got {json_type(updates)}"
            )
        newest: tuple[datetime, str] | None = None
        for i, update in enumerate(updates):
            item = read_obj(update, f"{where}_updates[{i}]")
            text = read_text(item.get("body", item.get("message")), f"{where}_updates[{i}].body")
            when = read_time(item.get("created_at"), f"{where}_updates[{i}].created_at")
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
        status_report_id=read_id(report.get("id"), f"{where}.id"),
        at=first_time(report, ("updated_at", "created_at"), where),
        title=read_text(report.get("name", report.get("title")), f"{where}.name"),
        cause=cause,
        event_name=event_name,
        raw=raw,
    )


def _incident_log(raw: dict[str, Any], name: str) -> WebhookEvent:
    return WebhookEvent(
        kind="incident_log",
        action=normalise_word(name.rsplit(".", 1)[1]),
        format="incident_log",
        incident_id=read_id(raw.get("incident_id"), "incident_id"),
        monitor_id=read_id(raw.get("monitor_id"), "monitor_id"),
        at=read_time(raw.get("dt"), "dt"),
        title=read_text(raw.get("message"), "message"),
        cause=read_text(raw.get("cause"), "cause"),
        event_name=name,
        raw=raw,
    )


def _template_time(folded: Mapping[str, Any], action: str) -> datetime | None:
    keys = {
        "started": ("started_at",),
        "acknowledged": ("acknowledged_at",),
        "resolved": ("resolved_at",),
    }.get(action, ())
    return first_time(folded, keys, "body")


def _flat_template(raw: dict[str, Any], folded: dict[str, Any]) -> WebhookEvent:
    status = read_word(folded.get("status"), "status")
    action = action_for(status) if status else _infer_incident_action(folded, "body")
    monitor = folded.get("monitor", folded.get("monitor_id"))
    if isinstance(monitor, dict):
        monitor_id = read_id(monitor.get("id"), "monitor.id")
    elif isinstance(monitor, str) and not monitor.strip().isdigit():
        monitor_id = None  # a monitor name, not an id; it stays in raw
    else:
        monitor_id = read_id(monitor, "monitor")
    return WebhookEvent(
        kind="incident",
        action=action,
        format="flat_template",
        incident_id=read_id(folded.get("id", folded.get("incident_id")), "id"),
        monitor_id=monitor_id,
        at=_template_time(folded, action),
        title=read_text(folded.get("title", folded.get("name")), "title"),
        cause=read_text(folded.get("description", folded.get("cause")), "description"),
        event_name=status,
        raw=raw,
    )


def _s4_template(raw: dict[str, Any], folded: dict[str, Any]) -> WebhookEvent:
    status = read_word(folded.get("x-s4-status"), "X-S4-Status")
    action = action_for(status) if status else UNKNOWN_ACTION
    return WebhookEvent(
        kind="incident",
        action=action,
        format="s4_template",
        incident_id=read_id(folded.get("x-s4-externalid"), "X-S4-ExternalID"),
        at=_template_time(folded, action),
        title=read_text(folded.get("title"), "Title"),
        cause=read_text(folded.get("cause"), "Cause"),
        event_name=status,
        raw=raw,
    )
