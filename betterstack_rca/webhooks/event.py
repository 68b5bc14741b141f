"""`WebhookEvent`: one webhook delivery, understood (what `parse_webhook` returns)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from betterstack_rca.webhooks.actions import BUNDLE_ACTIONS

__all__ = ["RECOGNISED_FORMATS", "WebhookEvent", "WebhookFormat", "WebhookKind"]

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


@dataclass(frozen=True)
class WebhookEvent:
    """One webhook delivery, understood. Ids are strings; `at` is timezone-aware UTC."""

    kind: WebhookKind
    """What the event is about: incident, monitor, on_call, status_page or incident_log."""
    action: str
    """What happened. Incidents: started, acknowledged, resolved, reopened, comment, and
    changed (the legacy incident webhook, which names only the incident).
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
