"""One ordered timeline from every source, with duplicates merged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from betterstack_rca._scrub import cut, scrub
from betterstack_rca.models import Incident, OnCallEvent, Timeline, TimelineItem
from betterstack_rca.rca.bundle import Event, IncidentBundle, Ref
from betterstack_rca.rca.signals import latency_trend

#: Summaries are one line and short: the Markdown budget is for facts, not prose.
SUMMARY_LIMIT = 240

_MERGE_WINDOW = timedelta(seconds=90)


def one_line(text: Any, limit: int = SUMMARY_LIMIT) -> str:
    """One line of at most `limit` characters, scrubbed *before* it is cut (half a URL no
    longer looks like one) and cut between words (a secret is kept whole, and removed by
    the bundle's redaction, or dropped whole)."""
    line = re.sub(r"\s+", " ", str(text or "")).strip()
    return cut(scrub(line), limit)


@dataclass
class _Draft:
    at: datetime
    source: str
    kind: str
    summary: str
    ref: Ref
    related: bool = False
    details: dict[str, Any] = field(default_factory=dict)


def _incident_ref(incident: Incident) -> Ref:
    return Ref(type="incident", id=incident.id, name=incident.name)


def _source_label(incident: Incident) -> str:
    if incident.heartbeat_id:
        return f"heartbeat {incident.name or incident.heartbeat_id}"
    return incident.name or f"incident {incident.id}"


def _incident_events(incident: Incident, *, related: bool, source: str) -> list[_Draft]:
    ref = _incident_ref(incident)
    label = _source_label(incident)
    drafts: list[_Draft] = []
    if incident.started_at:
        what = "Incident started" if not related else f"Other incident started: {label}"
        cause = f" ({incident.cause})" if incident.cause else ""
        drafts.append(
            _Draft(
                incident.started_at,
                source,
                "started",
                one_line(f"{what}{cause}"),
                ref,
                related,
                {"monitor_id": incident.monitor_id, "heartbeat_id": incident.heartbeat_id},
            )
        )
    if incident.acknowledged_at:
        by = f" by {incident.acknowledged_by}" if incident.acknowledged_by else ""
        what = "Acknowledged" if not related else f"{label} acknowledged"
        drafts.append(
            _Draft(incident.acknowledged_at, source, "acknowledged", f"{what}{by}", ref, related)
        )
    if incident.resolved_at:
        by = f" by {incident.resolved_by}" if incident.resolved_by else ""
        what = "Resolved" if not related else f"{label} resolved"
        drafts.append(_Draft(incident.resolved_at, source, "resolved", f"{what}{by}", ref, related))
    return drafts


_KIND_BY_TITLE = (
    (re.compile(r"\bescalat", re.I), "escalation"),
    (re.compile(r"\backnowledg", re.I), "acknowledged"),
    (re.compile(r"\bresolv", re.I), "resolved"),
    (re.compile(r"\bstarted\b|\bis down\b", re.I), "started"),
    (re.compile(r"\b(alert|notif|sent|called|texted|email|push|sms)", re.I), "notification"),
)


def _timeline_item(item: TimelineItem, incident: Incident) -> _Draft | None:
    if item.at is None:
        return None
    data = item.data
    title = getattr(data, "title", None) if data is not None else None
    content = getattr(data, "content", None) if data is not None else None
    item_type = str(item.item_type)
    if item_type == "comment":
        text = getattr(content, "text", None) if content is not None else None
        user = getattr(getattr(content, "user", None), "name", None) if content else None
        by = f" by {user}" if user else ""
        return _Draft(
            item.at,
            "betterstack_timeline",
            "comment",
            one_line(f"Comment{by}: {text or ''}"),
            Ref(type="comment", id=item.id),
            details={"text": one_line(text, 1000)},
        )
    text = content if isinstance(content, str) else ""
    if item_type == "response_item":
        kind = "response"
    else:
        kind = "note"
        for pattern, label in _KIND_BY_TITLE:
            if pattern.search(title or "") or (kind == "note" and pattern.search(text or "")):
                kind = label
                break
    summary = one_line(": ".join(p for p in (title, text) if p)) or item_type
    return _Draft(
        item.at,
        "betterstack_timeline",
        kind,
        summary,
        _incident_ref(incident),
        details={"item_type": item_type, "item_id": item.id},
    )


def _shift_events(shifts: list[OnCallEvent], start: datetime, end: datetime) -> list[_Draft]:
    drafts = []
    for shift in shifts:
        who = ", ".join(shift.users) or "nobody"
        ref = Ref(type="on_call_event", id=shift.id)
        override = " (override)" if shift.override else ""
        if shift.starts_at and start <= shift.starts_at <= end:
            drafts.append(
                _Draft(shift.starts_at, "on_call", "shift_start", f"On call: {who}{override}", ref)
            )
        if shift.ends_at and start <= shift.ends_at <= end:
            drafts.append(
                _Draft(shift.ends_at, "on_call", "shift_end", f"Shift ended: {who}{override}", ref)
            )
    return drafts


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Drop a draft when another one already says the same thing about the same resource
    within a short time: Better Stack's own "Incident started" item and our started event,
    a comment seen both in the timeline and in the comments endpoint."""
    kept: list[_Draft] = []
    priority = {"incident": 0, "comment": 1, "related_incident": 2}
    for draft in sorted(drafts, key=lambda d: (priority.get(d.source, 9), d.at)):
        duplicate = None
        for other in kept:
            if abs(other.at - draft.at) > _MERGE_WINDOW or other.kind != draft.kind:
                continue
            if draft.kind == "comment":
                same = draft.details.get("text") == other.details.get("text")
            else:
                same = draft.kind in ("started", "acknowledged", "resolved") and (
                    draft.ref.type,
                    draft.ref.id,
                ) == (other.ref.type, other.ref.id)
            if same:
                duplicate = other
                break
        if duplicate is None:
            kept.append(draft)
        else:
            duplicate.details.setdefault("also_in", []).append(draft.source)
            if draft.source == "betterstack_timeline" and draft.summary != duplicate.summary:
                duplicate.details.setdefault("betterstack", draft.summary)
    return kept


def build_timeline(
    bundle: IncidentBundle, timeline: Timeline | None, shifts: list[OnCallEvent]
) -> list[Event]:
    incident = bundle.incident
    window = bundle.window
    drafts = _incident_events(incident, related=False, source="incident")
    if timeline is not None:
        drafts += [d for item in timeline for d in [_timeline_item(item, incident)] if d]
    for comment in bundle.comments:
        if comment.created_at is None:
            continue
        by = f" by {comment.user_email}" if comment.user_email else ""
        drafts.append(
            _Draft(
                comment.created_at,
                "comment",
                "comment",
                one_line(f"Comment{by}: {comment.content or ''}"),
                Ref(type="comment", id=comment.id),
                details={"text": one_line(comment.content, 1000)},
            )
        )
    for other in bundle.related_incidents:
        for draft in _incident_events(other, related=True, source="related_incident"):
            if window.start <= draft.at <= window.end:
                drafts.append(draft)
    for earlier in bundle.history:
        if earlier.started_at:
            cause = f" ({earlier.cause})" if earlier.cause else ""
            drafts.append(
                _Draft(
                    earlier.started_at,
                    "history",
                    "earlier_incident",
                    one_line(f"Earlier incident of the same source{cause}"),
                    _incident_ref(earlier),
                    True,
                    {"regions": [str(r) for r in earlier.regions or []]},
                )
            )
    for ctx in bundle.status_pages:
        page_name = ctx.page.company_name or ctx.page.subdomain or ctx.page.id
        for report in ctx.reports:
            ref = Ref(type="status_report", id=report.id, name=report.title)
            rtype = str(report.report_type)
            if report.starts_at:
                kind = "maintenance_start" if rtype == "maintenance" else "report_start"
                drafts.append(
                    _Draft(
                        report.starts_at,
                        "status_page",
                        kind,
                        one_line(f"Status page {page_name}: {rtype} report '{report.title}'"),
                        ref,
                        True,
                        {"status_page_id": ctx.page.id, "report_type": rtype},
                    )
                )
            if report.ends_at and rtype == "maintenance":
                drafts.append(
                    _Draft(
                        report.ends_at,
                        "status_page",
                        "maintenance_end",
                        one_line(f"Status page {page_name}: maintenance '{report.title}' ends"),
                        ref,
                        True,
                        {"status_page_id": ctx.page.id},
                    )
                )
            for update in report.status_updates:
                if update.published_at is None:
                    continue
                drafts.append(
                    _Draft(
                        update.published_at,
                        "status_page",
                        "status_update",
                        one_line(f"Status page {page_name} update: {update.message or ''}"),
                        Ref(type="status_update", id=update.id),
                        True,
                        {"status_page_id": ctx.page.id, "status_report_id": report.id},
                    )
                )
    drafts += _shift_events(shifts, window.start, window.end)
    monitor = bundle.monitor
    if monitor is not None and monitor.updated_at is not None:
        start = incident.started_at or window.start
        if window.start - timedelta(hours=24) <= monitor.updated_at <= window.end:
            drafts.append(
                _Draft(
                    monitor.updated_at,
                    "monitor",
                    "config_changed",
                    one_line(f"Monitor {monitor.pronounceable_name or monitor.id} last updated"),
                    Ref(type="monitor", id=monitor.id, name=monitor.pronounceable_name),
                    details={"seconds_before_start": (start - monitor.updated_at).total_seconds()},
                )
            )
    trend = latency_trend(bundle.response_times, incident.started_at)
    if trend is not None and trend.rising:
        drafts.append(
            _Draft(
                trend.rise_at,
                "response_times",
                "latency_rise",
                one_line(
                    f"Response times rising: median {trend.baseline:.3f}s → {trend.recent:.3f}s "
                    f"in {', '.join(trend.rising_regions)}"
                ),
                Ref(type="monitor", id=incident.monitor_id),
                details=trend.as_details(),
            )
        )
    merged = _merge(drafts)
    merged.sort(key=lambda d: (d.at, d.source != "incident", d.summary))
    return [
        Event(
            id=f"e{n}",
            at=d.at,
            source=d.source,
            kind=d.kind,
            summary=d.summary,
            ref=d.ref,
            related=d.related,
            details=d.details,
        )
        for n, d in enumerate(merged, 1)
    ]
