"""The incident bundle: everything related to one incident, in one typed, redacted object.

The schema is documented in docs/bundle.md; `SCHEMA_VERSION` changes when a field changes
meaning or is removed (adding fields does not bump the major number).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any, Literal

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

SCHEMA_VERSION = "1.1"

Role = Literal["trigger", "symptom", "context", "response"]
Level = Literal["high", "medium", "low"]
CheckStatus = Literal["fired", "ran", "ruled_out", "skipped"]


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
    """0..1: how strongly the evidence supports it, and how well it explains the start;
    always inside the band of its `level` (docs/findings.md, the rubric)."""
    summary: str
    evidence: list[str] = Field(default_factory=list)
    """Ids of the timeline events it rests on."""
    data: dict[str, Any] = Field(default_factory=dict)
    """The figures behind the summary (counts, seconds, ids)."""
    role: Role = "context"
    """trigger (a state change that can explain the start), symptom (what failed),
    context (history, circumstances) or response (how people and pages reacted)."""
    level: Level = "low"
    """The rubric's grade: high, medium or low (docs/findings.md)."""
    at: datetime | None = None
    """When the state change or signal happened (UTC), where it has a time."""
    signals: list[str] = Field(default_factory=list)
    """The independent signals it rests on, in words (the rubric counts them)."""


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


class Detection(_Model):
    """How fast Better Stack could notice the failure; None where it does not apply."""

    check_frequency: float | None = None
    """Seconds between the monitor's checks (monitors only)."""
    confirmation_period: float | None = None
    """Seconds a failure must last before an incident starts (monitors only)."""
    max_lag: float | None = None
    """The most a failure could go unnoticed by the settings: check_frequency +
    confirmation_period (monitors) or grace (heartbeats, counted from the due time)."""
    first_failing_region: str | None = None
    """The region whose response times first showed the failure (within the 24 h)."""
    first_failure_at: datetime | None = None
    """The first failing check seen in the response times."""
    lag: float | None = None
    """Seconds from that first failing check to the start."""
    period: float | None = None
    """Heartbeats: expected seconds between check-ins."""
    grace: float | None = None
    """Heartbeats: extra seconds tolerated before an incident starts."""
    due_at: datetime | None = None
    """Heartbeats: when the missed check-in was due (the start minus grace)."""
    last_check_in_by: datetime | None = None
    """Heartbeats: the last check-in came at or before this (start - period - grace)."""


class Escalation(_Model):
    """Where along the policy the acknowledgement came, and how people were alerted."""

    steps: int | None = None
    """Escalation steps in the policy (None without a policy)."""
    step_at_seconds: list[float] = Field(default_factory=list)
    """When each escalation step runs, seconds after the start (waits added up)."""
    acknowledged_at_step: int | None = None
    """The last step that had run when the acknowledgement came (1-based)."""
    acknowledged_within_wait: bool | None = None
    """True when it came before the next step was due (or at the last step)."""
    channels: list[str] = Field(default_factory=list)
    """What alerted: call, sms, email, push, critical_alert, slack, and webhook names."""


class Communication(_Model):
    """What the public status pages said, and when."""

    first_update_after: float | None = None
    """Seconds from the start to the first public update (status_page_delay)."""
    updates: int | None = None
    """Public updates at or after the start (None when no page shows the source)."""
    longest_gap: float | None = None
    """Longest silence between consecutive updates, until the last one (seconds)."""
    resources_marked: list[str] = Field(default_factory=list)
    """Status-page resources the updates marked down, degraded or in maintenance."""


class Audit(_Model):
    """Detection, escalation and communication figures (docs/findings.md, audit)."""

    detection: Detection = Field(default_factory=Detection)
    escalation: Escalation = Field(default_factory=Escalation)
    communication: Communication = Field(default_factory=Communication)


class Check(_Model):
    """One check the correlator ran (or could not run) on this incident."""

    name: str
    """The check, usually a rule name (docs/findings.md)."""
    status: CheckStatus
    """fired (it produced a finding), ran (nothing found), ruled_out (the signal is there
    but is not the cause, e.g. a healthy baseline shows it too) or skipped (it could not
    run: missing input, beyond the API's 24 h response-time horizon, a 403...)."""
    reason: str
    """What it looked at and what it concluded, or why it could not run."""
    finding: str | None = None
    """The rule of the finding it produced, when fired."""
    evidence: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


class SimilarIncident(_Model):
    """An earlier incident scored against this one; the score is the sum of `matches`."""

    incident_id: str
    started_at: datetime | None = None
    cause: str | None = None
    score: int = 0
    matches: dict[str, int] = Field(default_factory=dict)
    """What it shares and what each counts: same_monitor, same_cause_class,
    same_cause, same_regions, same_time_of_day."""
    duration: float | None = None
    """Seconds from start to resolution (None while open)."""
    acknowledged_by: str | None = None
    resolved_by: str | None = None
    """Who resolved it; None when Better Stack resolved it by itself (recovered)."""


class DiagnosisPart(_Model):
    """One part of the diagnosis: what it says, when, and the finding it rests on."""

    summary: str
    rule: str | None = None
    """The finding it comes from (None when no finding applies)."""
    at: datetime | None = None
    confidence: float = 0.0
    level: Level = "low"
    evidence: list[str] = Field(default_factory=list)
    data: dict[str, Any] = Field(default_factory=dict)


class Impact(_Model):
    """What failed after the first failure, and who could see it."""

    summary: str
    failed: list[Ref] = Field(default_factory=list)
    """Other monitors and heartbeats that failed after the first failure."""
    status_page_resources: list[str] = Field(default_factory=list)
    """Public names of the status-page resources the reports marked down or degraded."""
    regions: list[str] = Field(default_factory=list)
    """Regions that saw the incident's own failure."""
    evidence: list[str] = Field(default_factory=list)


class Diagnosis(_Model):
    """Trigger, first failure and impact: the findings read as one story."""

    trigger: DiagnosisPart | None = None
    """The earliest state change that explains the start; the failure itself only when
    no state change precedes it."""
    first_failure: DiagnosisPart | None = None
    """The probable origin: the first component to fail (dependency-type monitors first
    at equal times)."""
    impact: Impact | None = None


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
    cache_hits: int = 0
    """Reads the client's cache answered, or that waited for the same request in flight."""


class Window(_Model):
    start: datetime
    end: datetime
    history_start: datetime
    """Start of the recurrence look-back (`history`)."""


class PagedPerson(_Model):
    """Someone a step paged, as the on-call calendars describe them."""

    name: str | None = None
    email: str | None = None
    phone_numbers: list[str] | None = None
    """None when the API did not say (the user is not in a consulted calendar's
    ``included``); an empty list when it says there is none."""
    reachable_by_phone: bool | None = None
    """False when the step alerts by call or SMS and the person has no phone number."""


class PagedMember(_Model):
    """One member of an escalation step, resolved to people where the API allows."""

    type: str
    """current_on_call, user, entire_team, team, all_slack_integrations, webhook..."""
    id: str | None = None
    calendar_id: str | None = None
    """For current_on_call: the calendar whose on-call person was paged."""
    calendar_name: str | None = None
    people: list[PagedPerson] = Field(default_factory=list)
    note: str | None = None
    """What could not be resolved, or what the member is (an integration, a team)."""


class PagedStep(_Model):
    """One step of the escalation policy and whom it paged."""

    step: int
    """1-based position among the policy's steps."""
    type: str
    wait_before: float | None = None
    at_seconds: float | None = None
    """Seconds after the start at which the step runs (the waits added up)."""
    reached: bool | None = None
    """Whether it ran before the acknowledgement (or the resolution, or now)."""
    severity: str | None = None
    channels: list[str] = Field(default_factory=list)
    """call, sms, email, push: the step's severity, else the incident's own flags."""
    members: list[PagedMember] = Field(default_factory=list)
    note: str | None = None


class Responders(_Model):
    on_call: list[OnCallCalendar] = Field(default_factory=list)
    """The calendars consulted, each with the users on call at the incident's start."""
    policy: Policy | None = None
    severities: list[Severity] = Field(default_factory=list)
    """The severities (urgencies) the policy's steps use."""
    paged: list[PagedStep] = Field(default_factory=list)
    """Per step of the policy: who it paged (calendars resolved at the start)."""
    fallback: str | None = None
    """Set when who was paged comes from the default calendar only, and why."""


class StatusPageContext(_Model):
    page: StatusPage
    resources: list[StatusPageResource] = Field(default_factory=list)
    """The page's resources that show the monitor, heartbeat or its group."""
    reports: list[StatusReport] = Field(default_factory=list)
    """Reports overlapping the window, with their updates (maintenance included)."""
    section_resources: list[StatusPageResource] = Field(default_factory=list)
    """The other resources of the sections that show it (shared sections)."""


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
    related_monitors: list[Monitor] = Field(default_factory=list)
    """Monitors outside the group whose incidents started near the start."""
    responders: Responders = Field(default_factory=Responders)
    status_pages: list[StatusPageContext] = Field(default_factory=list)
    routing: Routing = Field(default_factory=Routing)
    metadata: list[Metadata] = Field(default_factory=list)
    timeline: list[Event] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    diagnosis: Diagnosis = Field(default_factory=Diagnosis)
    checks: list[Check] = Field(default_factory=list)
    """Every check: fired, ran, ruled_out or skipped, with its reason."""
    metrics: Metrics = Field(default_factory=Metrics)
    audit: Audit = Field(default_factory=Audit)
    similar_incidents: list[SimilarIncident] = Field(default_factory=list)
    """The earlier incidents most like this one, with their score (history rules)."""
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

    def to_markdown(
        self, max_chars: int | None = None, sections: Collection[str] | None = None
    ) -> str:
        """Markdown for people and LLMs: most important first, never above `max_chars`.

        `sections` picks the sections after the summary (see `render.SECTIONS`; None: all).
        """
        # late: the renderer depends on this model, not the other way round
        from betterstack_rca.rca.render import render_markdown

        return render_markdown(self, max_chars=max_chars, sections=sections)

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

    def to_postmortem(self, template: str | None = None) -> str:
        """A postmortem draft in Markdown (Google SRE / PagerDuty shape; docs/bundle.md);
        `template`: a `string.Template` text of your own with the same named fields."""
        from betterstack_rca.rca.renderers.postmortem import render_postmortem

        return render_postmortem(self, template)

    def plot(self, *, log: bool = False, ax: Any = None) -> Any:
        """A matplotlib figure: response times, timeout ceiling, start/ack/resolve and
        related failures marked (matplotlib is optional: the ``notebook`` extra)."""
        from betterstack_rca.rca.renderers.plot import plot_bundle

        return plot_bundle(self, log=log, ax=ax)

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
