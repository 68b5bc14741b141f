"""What was changed or planned: a configuration edit shortly before the start, a maintenance
that covers the start, a maintenance window that ended just before it.

Maintenance windows are daily windows of local time in a Rails zone ("Eastern Time (US &
Canada)"); `rca/zones.py` maps the name to IANA. Better Stack does not check a monitor
inside its own window, so the monitor's own incident cannot start there: when the current
settings say it did, they were not the settings at the start, and the rule says so instead
of claiming maintenance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from betterstack_rca.models import Heartbeat, Monitor
from betterstack_rca.rca.bundle import Event, Finding, IncidentBundle
from betterstack_rca.rca.rules.evidence import (
    Outcome,
    ids,
    matching,
    minutes,
    missing,
    ran,
    ruled_out,
    skipped,
    started,
)
from betterstack_rca.rca.signals import latency_trend
from betterstack_rca.rca.zones import (
    WEEKDAYS,
    in_daily_window,
    parse_clock,
    rails_zone,
    window_edges,
)

#: A configuration change this long before the start is suspicious.
CONFIG_SPAN = timedelta(minutes=30)
#: An incident this soon after its own maintenance window ended (at least; more with a
#: slow check frequency) says the work overran the window.
OVERRAN_SPAN = timedelta(minutes=15)

_DEPLOY_WORDS = re.compile(r"\b(deploy\w*|release\w*|roll(ed|ing)?[ -]?back|revert\w*)\b", re.I)
_MAINTENANCE_WORDS = re.compile(r"maintenance|upgrade|migrat", re.I)


def _source(b: IncidentBundle) -> Monitor | Heartbeat | None:
    return b.monitor or b.heartbeat


def _kind(b: IncidentBundle) -> str:
    return "heartbeat" if b.heartbeat is not None and b.monitor is None else "monitor"


def config_changed(b: IncidentBundle) -> Outcome:
    name = "config_changed"
    start, src = b.incident.started_at, _source(b)
    if start is None:
        return skipped(name, "the incident has no start time")
    if src is None:
        what = "monitor" if b.incident.monitor_id else "heartbeat"
        return skipped(name, missing(b, what))
    kind = _kind(b)
    if src.updated_at is None:
        return skipped(name, f"the {kind} has no updated_at")
    before = start - src.updated_at
    if before < timedelta(0):
        return ruled_out(
            name,
            f"the {kind} was changed {minutes(before)} after the start, so a change cannot "
            "have caused it (and its settings now may differ from those at the start)",
            updated_at=src.updated_at.isoformat(),
        )
    if before > CONFIG_SPAN:
        return ran(
            name,
            f"no {kind} configuration change in the {minutes(CONFIG_SPAN)} before the start "
            f"(the last was {minutes(before)} before)",
            seconds_before=before.total_seconds(),
        )
    signals = [f"the {kind}'s configuration changed {minutes(before)} before the start"]
    trend = latency_trend(b.response_times, start)
    if trend is not None and trend.rising and trend.rise_at >= src.updated_at:
        signals.append("response times rose after the change")
    words = matching(b, lambda e: e.kind == "comment" and bool(_DEPLOY_WORDS.search(e.summary)))
    if words:
        signals.append("a comment speaks of a deploy, release or rollback")
    return Finding(
        rule=name,
        role="trigger",
        at=src.updated_at,
        confidence=0.85 if before <= timedelta(minutes=10) else 0.6,
        summary=(
            f"The {kind}'s configuration changed {minutes(before)} before the start "
            "(a deploy or an edit to what is checked)"
        ),
        evidence=ids(
            matching(b, lambda e: e.kind == "config_changed")
            + started(b, b.incident.id)
            + words[:1]
        ),
        signals=signals,
        data={"updated_at": src.updated_at.isoformat(), "seconds_before": before.total_seconds()},
    )


@dataclass(frozen=True)
class OwnWindow:
    """The monitor's (or heartbeat's) own daily maintenance window, read in its zone."""

    text: str
    """``01:00:00-02:00:00 Eastern Time (US & Canada) (mon, tue)``"""
    start: time | None
    end: time | None
    tz: ZoneInfo | None
    zone_name: str
    days: list[str]

    def local(self, at: datetime) -> str:
        if self.tz is None:
            return "?"
        local = at.astimezone(self.tz)
        return f"{local:%H:%M} {WEEKDAYS[local.weekday()]} local"


def own_window(src: Monitor | Heartbeat | None) -> OwnWindow | None:
    if src is None or not (src.maintenance_from and src.maintenance_to):
        return None
    zone_name = src.maintenance_timezone or "UTC"  # Better Stack's documented default
    days = [str(d) for d in src.maintenance_days or []]
    text = f"{src.maintenance_from}-{src.maintenance_to} {zone_name}" + (
        f" ({', '.join(days)})" if days else ""
    )
    return OwnWindow(
        text,
        parse_clock(src.maintenance_from),
        parse_clock(src.maintenance_to),
        rails_zone(zone_name),
        zone_name,
        days,
    )


def _window_problem(name: str, w: OwnWindow) -> Outcome:
    if w.tz is None:
        return skipped(
            name,
            f"maintenance_timezone '{w.zone_name}' is not a known Rails or IANA zone, so the "
            "window cannot be placed in time (no maintenance claim)",
            note=True,
        )
    if w.start is None or w.end is None:
        return skipped(name, f"the maintenance window '{w.text}' is not a time of day")
    return None


def maintenance_window(b: IncidentBundle) -> Outcome:
    name = "maintenance_window"
    start = b.incident.started_at
    if start is None:
        return skipped(name, "the incident has no start time")
    reasons: list[str] = []
    evidence: list[Event] = []
    begins: list[datetime] = []
    marked = False
    shown = {r.id for ctx in b.status_pages for r in ctx.resources}
    for ctx in b.status_pages:
        for report in ctx.reports:
            if str(report.report_type) != "maintenance" or report.starts_at is None:
                continue
            if report.starts_at <= start and (report.ends_at is None or start <= report.ends_at):
                reasons.append(f"status page maintenance '{report.title}'")
                begins.append(report.starts_at)
                evidence += [
                    e for e in b.timeline if e.ref.type == "status_report" and e.ref.id == report.id
                ]
                marked = marked or any(
                    str(a.status) == "maintenance" and a.status_page_resource_id in shown
                    for a in report.affected_resources or []
                )
    kind = _kind(b)
    w = own_window(_source(b))
    inside = (
        w is not None
        and w.tz is not None
        and w.start is not None
        and w.end is not None
        and in_daily_window(start, w.start, w.end, w.tz, w.days)
    )
    if begins:
        signals = [f"a status-page maintenance report covers the start ({reasons[0]})"]
        if marked:
            signals.append(f"the report marks the {kind}'s status-page resource in maintenance")
        if inside and w is not None:
            signals.append(f"the {kind}'s own window {w.text} covers it too")
        return Finding(
            rule=name,
            role="trigger",
            at=min(begins),
            confidence=0.85,
            summary="The incident started inside a scheduled maintenance: " + "; ".join(reasons),
            evidence=ids(evidence + started(b, b.incident.id)),
            signals=signals,
            data={"windows": reasons},
        )
    if w is not None and (problem := _window_problem(name, w)) is not None:
        return problem
    if inside and w is not None:
        src = _source(b)
        changed = (
            f"; it was changed {minutes(src.updated_at - start)} after the start"
            if src is not None and src.updated_at is not None and src.updated_at > start
            else ""
        )
        return ruled_out(
            name,
            f"by its current settings the start ({w.local(start)}) falls inside the {kind}'s "
            f"own maintenance window {w.text}, but Better Stack does not check a {kind} "
            f"during its window, so these settings were not in force at the start{changed}",
            started(b, b.incident.id),
            window=w.text,
        )
    if not b.status_pages and any(g.source == "status_pages" for g in b.gaps):
        return skipped(name, missing(b, "status_pages"))
    where = f"; its own window {w.text} does not contain {w.local(start)}" if w else ""
    return ran(name, f"no status-page maintenance report covers the start{where}")


def maintenance_overran(b: IncidentBundle) -> Outcome:
    name = "maintenance_overran"
    start, src = b.incident.started_at, _source(b)
    if start is None:
        return skipped(name, "the incident has no start time")
    w = own_window(src)
    if w is None:
        return ran(name, f"the {_kind(b)} has no maintenance window")
    if (problem := _window_problem(name, w)) is not None:
        return problem
    assert w.tz is not None
    assert w.start is not None
    assert w.end is not None
    slack = OVERRAN_SPAN
    if isinstance(src, Monitor):
        slack = max(slack, timedelta(seconds=2 * (src.check_frequency or 0)))
        slack += timedelta(seconds=src.confirmation_period or 0)
    ends = [hi for _, hi in window_edges(start, w.start, w.end, w.tz, w.days) if hi <= start]
    if not ends or start - max(ends) > slack:
        return ran(
            name,
            f"the start ({w.local(start)}) is not within {minutes(slack)} after the end of "
            f"the window {w.text}",
        )
    end = max(ends)
    after = start - end
    kind = _kind(b)
    signals = [
        f"the {kind}'s maintenance window {w.text} ended {minutes(after)} before the start "
        f"({w.local(end)})"
    ]
    body = " ".join(filter(None, [b.incident.response_content, b.incident.cause]))
    if _MAINTENANCE_WORDS.search(body):
        signals.append("the failing response speaks of maintenance")
    for ctx in b.status_pages:
        for report in ctx.reports:
            if (
                str(report.report_type) == "maintenance"
                and report.ends_at is not None
                and timedelta(0) <= start - report.ends_at <= slack
            ):
                signals.append(f"the status-page maintenance '{report.title}' ended just before")
    return Finding(
        rule=name,
        role="trigger",
        at=end,
        confidence=0.8,
        summary=(
            f"The {kind}'s maintenance window {w.text} ended at {end:%H:%M} UTC "
            f"({w.local(end)}), {minutes(after)} before the start: checks resumed while the "
            "service was still down, so the maintenance overran its window"
        ),
        evidence=ids(started(b, b.incident.id)),
        signals=signals,
        data={
            "window": w.text,
            "iana_zone": str(w.tz.key),
            "window_end": end.isoformat(),
            "seconds_after_end": after.total_seconds(),
        },
    )
