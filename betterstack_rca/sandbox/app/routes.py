"""The routing table: which handler answers which ``GET`` path (``{}`` is one segment)."""

from __future__ import annotations

import re
from collections.abc import Callable

from betterstack_rca.sandbox.app.handlers import (
    heartbeats,
    incidents,
    integrations,
    metadata,
    monitors,
    oncall,
    policies,
    status_pages,
)
from betterstack_rca.sandbox.app.request import Request
from betterstack_rca.sandbox.render.base import Obj

Handler = Callable[[Request], Obj]

ROUTES: tuple[tuple[str, Handler], ...] = (
    ("/api/v3/incidents", lambda r: incidents.list_incidents(r, 3)),
    ("/api/v2/incidents", lambda r: incidents.list_incidents(r, 2)),
    ("/api/v3/incidents/{}", lambda r: incidents.get_incident(r, 3)),
    ("/api/v2/incidents/{}", lambda r: incidents.get_incident(r, 2)),
    ("/api/v3/incidents/{}/timeline", incidents.get_timeline),
    ("/api/v2/incidents/{}/timeline", incidents.get_timeline),
    ("/api/v2/incidents/{}/comments", incidents.list_comments),
    ("/api/v2/incidents/{}/comments/{}", incidents.get_comment),
    ("/api/v2/monitors", monitors.list_monitors),
    ("/api/v2/monitors/{}", monitors.get_monitor),
    ("/api/v2/monitors/{}/response-times", monitors.get_response_times),
    ("/api/v2/monitors/{}/sla", monitors.get_sla),
    ("/api/v2/monitor-groups", monitors.list_groups),
    ("/api/v2/monitor-groups/{}", monitors.get_group),
    ("/api/v2/monitor-groups/{}/monitors", monitors.list_group_monitors),
    ("/api/v2/heartbeats", heartbeats.list_heartbeats),
    ("/api/v2/heartbeats/{}", heartbeats.get_heartbeat),
    ("/api/v2/heartbeats/{}/availability", heartbeats.get_availability),
    ("/api/v2/heartbeat-groups", heartbeats.list_groups),
    ("/api/v2/heartbeat-groups/{}", heartbeats.get_group),
    ("/api/v2/heartbeat-groups/{}/heartbeats", heartbeats.list_group_heartbeats),
    ("/api/v2/on-calls", oncall.list_on_calls),
    ("/api/v2/on-calls/{}", oncall.get_on_call),
    ("/api/v2/on-calls/{}/events", oncall.get_events),
    ("/api/v2/on-calls/{}/rotation", oncall.get_rotation),
    ("/api/v3/policies", lambda r: policies.list_policies(r, 3)),
    ("/api/v2/policies", lambda r: policies.list_policies(r, 2)),
    ("/api/v3/policies/{}", lambda r: policies.get_policy(r, 3)),
    ("/api/v2/policies/{}", lambda r: policies.get_policy(r, 2)),
    ("/api/v3/policy-groups/{}/policies", policies.list_group_policies),
    ("/api/v2/urgencies", policies.list_urgencies),
    ("/api/v2/urgencies/{}", policies.get_urgency),
    ("/api/v3/metadata", metadata.list_metadata),
    ("/api/v2/metadata", metadata.list_metadata),
    ("/api/v2/metadata/{}", metadata.get_metadata),
    ("/api/v2/status-pages", status_pages.list_status_pages),
    ("/api/v2/status-pages/{}", status_pages.get_status_page),
    ("/api/v2/status-pages/{}/sections", status_pages.list_sections),
    ("/api/v2/status-pages/{}/sections/{}", status_pages.get_section),
    ("/api/v2/status-pages/{}/resources", status_pages.list_resources),
    ("/api/v2/status-pages/{}/resources/{}", status_pages.get_resource),
    ("/api/v2/status-pages/{}/status-reports", status_pages.list_reports),
    ("/api/v2/status-pages/{}/status-reports/{}", status_pages.get_report),
    ("/api/v2/status-pages/{}/status-reports/{}/status-updates", status_pages.list_updates),
    ("/api/v2/status-pages/{}/status-reports/{}/status-updates/{}", status_pages.get_update),
    ("/api/v2/outgoing-webhooks", integrations.list_webhooks),
    ("/api/v2/outgoing-webhooks/{}", integrations.get_webhook),
    ("/api/v2/email-integrations", lambda r: integrations.list_integrations(r, "email")),
    ("/api/v2/email-integrations/{}", lambda r: integrations.get_integration(r, "email")),
    ("/api/v2/incoming-webhooks", lambda r: integrations.list_integrations(r, "incoming")),
    ("/api/v2/incoming-webhooks/{}", lambda r: integrations.get_integration(r, "incoming")),
)

_COMPILED = tuple(
    (re.compile(re.escape(p).replace(re.escape("{}"), "([^/]+)")), h) for p, h in ROUTES
)


def match(path: str) -> tuple[Handler, tuple[str, ...]] | None:
    """The handler for ``path`` (no trailing slash, no query) and its ``{}`` parts."""
    for rx, handler in _COMPILED:
        mt = rx.fullmatch(path)
        if mt:
            return handler, mt.groups()
    return None


def family(path: str) -> str:
    """The resource family: the path segment after ``/api/vN/`` (``other`` if none)."""
    seg = path.split("/")
    if len(seg) > 3 and seg[1] == "api":
        return seg[3]
    return "other"
