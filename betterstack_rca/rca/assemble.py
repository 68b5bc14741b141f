"""Assembly: the answers of one collection become an `IncidentBundle`, with its timeline,
metrics and findings."""

from __future__ import annotations

from datetime import timedelta

from betterstack_rca.models import (
    Incident,
    IncidentComment,
    Monitor,
    MonitorResponseTimes,
    OnCallCalendar,
    OnCallEvent,
    Timeline,
)
from betterstack_rca.rca.audit import derive_audit
from betterstack_rca.rca.bundle import Check, IncidentBundle, Routing, Window
from betterstack_rca.rca.diagnosis import derive_diagnosis
from betterstack_rca.rca.findings import derive_metrics, evaluate
from betterstack_rca.rca.options import SOURCES
from betterstack_rca.rca.responders import resolve_responders
from betterstack_rca.rca.rules.history import similar_incidents
from betterstack_rca.rca.signals import BASELINE, RECENT
from betterstack_rca.rca.tasks import TASK_ORDER, TaskBoard
from betterstack_rca.rca.timeline import build_timeline

#: Response-time samples kept before the start: what the latency rule compares.
LATENCY_LOOKBACK = BASELINE + RECENT + timedelta(minutes=10)


def assemble(board: TaskBoard, incident: Incident, window: Window) -> IncidentBundle:
    """The bundle from what finished on the board (a source that did not is left empty)."""
    d = board.done
    timeline: Timeline | None = d("timeline")
    comments: list[IncidentComment] = d("comments") or []
    monitor: Monitor | None = d("monitor") if board.wants("monitor") else None
    group_result = d("group")
    group, siblings = group_result if group_result else (None, [])
    default: OnCallCalendar | None = d("on_call")
    calendars: list[OnCallCalendar] = d("policy_calendars") or []
    shifts: list[OnCallEvent] = d("on_call_events") or []
    if timeline is not None and timeline.truncated:
        board.notes.append(
            "Better Stack truncated its own timeline for this incident"
            + (f": {timeline.truncation_note}" if timeline.truncation_note else ".")
        )
    bundle = IncidentBundle(
        generated_at=board.now,
        # the monitor Better Stack includes with the incident is `bundle.monitor` (and the
        # heartbeat `bundle.heartbeat`); keeping it twice would double the biggest object
        incident=incident.without_included(),
        window=window,
        monitor=monitor,
        heartbeat=d("heartbeat") if board.wants("heartbeat") else None,
        group=group,
        availability=d("availability"),
        response_times=_trim_response_times(d("response_times"), incident, window),
        comments=comments,
        timeline_truncated=bool(timeline and timeline.truncated),
        related_incidents=d("related_incidents") or [],
        history=d("history") or [],
        siblings=siblings,
        related_heartbeats=d("related_heartbeats") or [],
        related_monitors=d("related_monitors") or [],
        responders=resolve_responders(
            incident,
            d("policy"),
            d("severities") or [],
            default,
            calendars,
            incident.acknowledged_at or incident.resolved_at or board.now,
            board.skipped.get("policy"),
        ),
        status_pages=d("status_pages") or [],
        routing=Routing(
            outgoing_webhooks=[
                w
                for w in d("outgoing_webhooks") or []
                if str(w.trigger_type) in ("incident_change", "None") or w.trigger_type is None
            ],
            email_integrations=d("email_integrations") or [],
            incoming_webhooks=d("incoming_webhooks") or [],
        ),
        metadata=(d("incident_metadata") or []) + (d("source_metadata") or []),
        gaps=sorted(board.gaps, key=lambda g: g.source),
        notes=board.notes,
    )
    bundle.timeline = build_timeline(bundle, timeline, shifts)
    bundle.metrics = derive_metrics(bundle)
    bundle.audit = derive_audit(bundle)
    bundle.checks = source_checks(board)
    result = evaluate(bundle)
    bundle.findings = result.findings
    bundle.checks += result.checks
    bundle.diagnosis = derive_diagnosis(bundle, result.findings)
    bundle.similar_incidents = similar_incidents(bundle)
    for check in result.checks:
        if check.data.get("note"):
            bundle.notes.append(f"{check.name}: {check.reason}")
    return bundle


def source_checks(board: TaskBoard) -> list[Check]:
    """One check per collection task: collected, skipped (with why) or failed (a gap)."""
    checks: list[Check] = []
    gaps = {g.source: g for g in board.gaps}
    rank = {name: i for i, name in enumerate(TASK_ORDER)}
    for name in sorted(board.tasks, key=lambda n: rank.get(n, len(rank))):
        if name in gaps:
            gap = gaps[name]
            status = f" ({gap.status_code})" if gap.status_code else ""
            reason = f"could not be collected: {gap.error}{status}"
            checks.append(Check(name=f"source:{name}", status="skipped", reason=reason))
        elif name in board.skipped:
            checks.append(
                Check(name=f"source:{name}", status="skipped", reason=board.skipped[name])
            )
        elif name in board.finished:
            checks.append(Check(name=f"source:{name}", status="ran", reason="collected"))
    for name in SOURCES:
        if not board.wants(name) and name not in ("monitor", "heartbeat"):
            checks.append(
                Check(name=f"source:{name}", status="skipped", reason="not requested (sources)")
            )
    return checks


def _trim_response_times(
    times: MonitorResponseTimes | None, incident: Incident, window: Window
) -> MonitorResponseTimes | None:
    """Keep the samples around the incident (the API returns a whole day): from the latency
    baseline before the start to the end of the window."""
    if times is None or incident.started_at is None:
        return times
    lo = incident.started_at - LATENCY_LOOKBACK
    regions = []
    for region in times.regions or []:
        kept = [
            sample
            for sample in region.response_times or []
            if sample.at is not None and lo <= sample.at <= window.end
        ]
        regions.append(region.model_copy(update={"response_times": kept}))
    return times.model_copy(update={"regions": regions})
