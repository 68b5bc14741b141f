"""The incident bundle: everything related to one incident, in one typed, redacted object.

The schema is documented in docs/bundle.md; `SCHEMA_VERSION` changes when a field changes
meaning or is removed (adding fields does not bump the major number).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from betterstack_rca.models import (
    Availability,
    EmailIntegration,
    Heartbeat,
    Incident,
    IncidentComment,
    IncomingWebhook,
    Metadata,
    Monitor,
    MonitorGroup,
    MonitorResponseTimes,
    OnCallCalendar,
    OutgoingWebhook,
    Policy,
    Severity,
    StatusPage,
    StatusPageResource,
    StatusReport,
)

SCHEMA_VERSION = "1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class Ref(_Model):
    """Which Better Stack resource an event or finding is about."""

    type: str
    """incident, monitor, heartbeat, status_report, status_update, comment, on_call_calendar..."""
    id: str | None = None
    name: str | None = None


class Event(_Model):
    """One entry of the bundle's timeline."""

    id: str
    """Stable within the bundle (``e1``, ``e2``, ... in time order); findings cite these."""
    at: datetime
    """When it happened (UTC)."""
    source: str
    """Where we learnt it: incident, betterstack_timeline, comment, related_incident,
    history, status_page, on_call, monitor, response_times."""
    kind: str
    """What happened: started, acknowledged, resolved, comment, notification, escalation,
    response, note, earlier_incident, report_start, maintenance_start, maintenance_end,
    status_update, shift_start, shift_end, config_changed, latency_rise."""
    summary: str
    """One line, redacted."""
    ref: Ref
    related: bool = False
    """True when the event is about another resource than the incident itself."""
    details: dict[str, Any] = Field(default_factory=dict)


class Finding(_Model):
    """A deterministic, evidence-backed statement about the incident."""

    rule: str
    """The rule that produced it (see docs/findings.md)."""
    confidence: float
    """0..1: how strongly the evidence supports it, and how well it explains the start."""
    summary: str
    evidence: list[str] = Field(default_factory=list)
    """Ids of the timeline events it rests on."""
    data: dict[str, Any] = Field(default_factory=dict)
    """The figures behind the summary (counts, seconds, ids)."""


class Gap(_Model):
    """A source that could not be collected; the rest of the bundle is still valid."""

    source: str
    error: str
    """The error's class name, e.g. PermissionDeniedError, APITimeoutError, DeadlineExceeded."""
    message: str
    status_code: int | None = None


class Metrics(_Model):
    """Response metrics, in seconds; None where not applicable."""

    time_to_acknowledge: float | None = None
    time_to_resolve: float | None = None
    status_page_delay: float | None = None
    """From the start to the first status-page update that covers the incident."""


class Stats(_Model):
    """What collecting the bundle cost."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    wall_time: float = 0.0
    """Seconds."""
    depth: int = 0
    """Longest chain of requests that had to wait for each other."""
    max_in_flight: int = 0


class Window(_Model):
    start: datetime
    end: datetime
    history_start: datetime
    """Start of the recurrence look-back (`history`)."""


class Responders(_Model):
    on_call: list[OnCallCalendar] = Field(default_factory=list)
    """The calendars consulted, each with the users on call at the incident's start."""
    policy: Policy | None = None
    severities: list[Severity] = Field(default_factory=list)
    """The severities (urgencies) the policy's steps use."""


class StatusPageContext(_Model):
    page: StatusPage
    resources: list[StatusPageResource] = Field(default_factory=list)
    """The page's resources that show the monitor, heartbeat or its group."""
    reports: list[StatusReport] = Field(default_factory=list)
    """Reports overlapping the window, with their updates (maintenance included)."""


class Routing(_Model):
    outgoing_webhooks: list[OutgoingWebhook] = Field(default_factory=list)
    email_integrations: list[EmailIntegration] = Field(default_factory=list)
    incoming_webhooks: list[IncomingWebhook] = Field(default_factory=list)


class IncidentBundle(_Model):
    """Everything Better Stack knows around one incident. All values are redacted."""

    schema_version: str = SCHEMA_VERSION
    generated_at: datetime
    incident: Incident
    window: Window
    monitor: Monitor | None = None
    heartbeat: Heartbeat | None = None
    group: MonitorGroup | None = None
    availability: Availability | None = None
    response_times: MonitorResponseTimes | None = None
    comments: list[IncidentComment] = Field(default_factory=list)
    timeline_truncated: bool = False
    """Better Stack skipped events in its own timeline."""
    related_incidents: list[Incident] = Field(default_factory=list)
    """Other incidents that started in the window (any monitor or heartbeat)."""
    history: list[Incident] = Field(default_factory=list)
    """Earlier incidents of the same monitor or heartbeat within `history`."""
    siblings: list[Monitor] = Field(default_factory=list)
    """The other monitors of the monitor's group."""
    related_heartbeats: list[Heartbeat] = Field(default_factory=list)
    """Heartbeats that raised incidents in the window."""
    responders: Responders = Field(default_factory=Responders)
    status_pages: list[StatusPageContext] = Field(default_factory=list)
    routing: Routing = Field(default_factory=Routing)
    metadata: list[Metadata] = Field(default_factory=list)
    timeline: list[Event] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    metrics: Metrics = Field(default_factory=Metrics)
    gaps: list[Gap] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    """Caps that were reached and other things a reader should know."""
    stats: Stats = Field(default_factory=Stats)

    def event(self, event_id: str) -> Event | None:
        """The timeline event with this id."""
        return next((e for e in self.timeline if e.id == event_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON schema as plain Python data."""
        return self.model_dump(mode="json")

    def to_json(self, *, indent: int | None = 2) -> str:
        """The bundle as JSON text (schema in docs/bundle.md, `schema_version` first)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_markdown(self, max_chars: int | None = None) -> str:
        """Markdown for people and LLMs: most important first, never above `max_chars`."""
        # late: the renderer depends on this model, not the other way round
        from betterstack_rca.rca.render import render_markdown

        return render_markdown(self, max_chars=max_chars)

    def timeline_frame(self) -> Any:
        """The timeline as a pandas ``DataFrame``, one row per event (pandas is optional:
        ``pip install 'betterstack-rca[notebook]'``). Columns: id, at (UTC), seconds from
        the start, source, kind, summary, related, and the ref's type, id and name."""
        try:
            import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
        except ImportError:
            raise ImportError(
                "IncidentBundle.timeline_frame() needs pandas: "
                "pip install 'betterstack-rca[notebook]' (or pip install pandas)"
            ) from None
        start = self.incident.started_at
        rows = [
            {
                "id": e.id,
                "at": e.at,
                "seconds_from_start": None if start is None else (e.at - start).total_seconds(),
                "source": e.source,
                "kind": e.kind,
                "summary": e.summary,
                "related": e.related,
                "ref_type": e.ref.type,
                "ref_id": e.ref.id,
                "ref_name": e.ref.name,
            }
            for e in self.timeline
        ]
        return pandas.DataFrame(rows, columns=list(TIMELINE_COLUMNS))

    def _repr_markdown_(self) -> str:
        return self.to_markdown(max_chars=20_000)

    def _repr_html_(self) -> str:
        # late: the renderer depends on this model, not the other way round
        from betterstack_rca.rca.renderers.html import render_html

        return render_html(self)

    def __repr__(self) -> str:
        return (
            f"<IncidentBundle incident={self.incident.id} {self.incident.name!r} "
            f"events={len(self.timeline)} findings={len(self.findings)} gaps={len(self.gaps)}>"
        )

    def __str__(self) -> str:
        # The short summary, as repr: the whole model is 80-130 KB (model_dump, to_json).
        return self.__repr__()


#: The columns of `IncidentBundle.timeline_frame()`, in order.
TIMELINE_COLUMNS = (
    "id",
    "at",
    "seconds_from_start",
    "source",
    "kind",
    "summary",
    "related",
    "ref_type",
    "ref_id",
    "ref_name",
)
