"""Deterministic rules that turn the collected facts into evidence-backed findings.

Every rule stays silent without its data: no monitor, no policy, no status page -> no claim.
Confidence mixes how strong the evidence is with how well the finding explains the start;
findings are ordered by it. docs/findings.md documents each rule and its false positives.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from betterstack_rca.models import EscalationStep, Incident
from betterstack_rca.rca.bundle import Event, Finding, IncidentBundle, Metrics
from betterstack_rca.rca.signals import latency_trend

#: Other failures this close to the start count as "at the same time".
SHARED_SPAN = timedelta(minutes=10)
#: A heartbeat that went down this long before the start may have caused it.
HEARTBEAT_LEAD = timedelta(minutes=60)
#: A configuration change this long before the start is suspicious.
CONFIG_SPAN = timedelta(minutes=30)
#: Earlier incidents of the same source needed to call it a recurrence.
RECURRENCE_MIN = 2
#: Unacknowledged for this long (without a policy to tell us better) is worth saying.
ACK_DEFAULT_WAIT = timedelta(minutes=10)
#: A first status-page update later than this after the start is late.
STATUS_PAGE_GRACE = timedelta(minutes=5)

RULE_ORDER = (
    "heartbeat_stopped",
    "config_changed",
    "maintenance_window",
    "shared_failure",
    "partial_regions",
    "cause_tls",
    "cause_dns",
    "cause_heartbeat_missed",
    "cause_connection",
    "cause_http_5xx",
    "cause_timeout",
    "cause_http_4xx",
    "cause_keyword",
    "latency_rising",
    "not_acknowledged",
    "recurrence",
    "escalated",
    "status_page_late",
    "status_page_silent",
)

# (rule, pattern, base confidence): first match wins
CAUSES: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("cause_tls", re.compile(r"ssl|tls|certificate|x509|handshake", re.I), 0.8),
    (
        "cause_dns",
        re.compile(r"\bdns\b|name resolution|nxdomain|could not resolve|servfail", re.I),
        0.75,
    ),
    ("cause_heartbeat_missed", re.compile(r"heartbeat|missed|no ping|not received", re.I), 0.7),
    (
        "cause_keyword",
        re.compile(r"keyword", re.I),
        0.5,
    ),
    (
        "cause_connection",
        re.compile(
            r"connection (refused|reset|closed|failed)|econn(refused|reset)|refused|"
            r"reset by peer|unreachable|no route",
            re.I,
        ),
        0.6,
    ),
    ("cause_timeout", re.compile(r"time(d)?[ -]?out", re.I), 0.55),
    (
        "cause_http_5xx",
        re.compile(
            r"\b(status|error|http|code)\s*5\d\d\b|\b5xx\b|internal server error|bad gateway|"
            r"service unavailable|gateway time-?out",
            re.I,
        ),
        0.6,
    ),
    ("cause_http_4xx", re.compile(r"\b(status|error|http|code)\s*4\d\d\b", re.I), 0.5),
)


def _events(bundle: IncidentBundle, pred: Callable[[Event], bool]) -> list[Event]:
    return [e for e in bundle.timeline if pred(e)]


def _ids(events: Iterable[Event]) -> list[str]:
    return [e.id for e in events]


def _started_event(bundle: IncidentBundle, incident_id: str) -> list[Event]:
    return _events(
        bundle,
        lambda e: e.kind == "started" and e.ref.type == "incident" and e.ref.id == incident_id,
    )


def _minutes(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:
        return None


# --- rules -------------------------------------------------------------------------------


def heartbeat_stopped(b: IncidentBundle) -> Finding | None:
    start = b.incident.started_at
    if start is None:
        return None
    candidates = [
        i
        for i in b.related_incidents
        if i.heartbeat_id
        and i.heartbeat_id != b.incident.heartbeat_id
        and i.started_at is not None
        and start - HEARTBEAT_LEAD <= i.started_at <= start
        and (i.resolved_at is None or i.resolved_at >= start)
    ]
    if not candidates:
        return None
    first = min(candidates, key=lambda i: i.started_at or start)
    lead = start - (first.started_at or start)
    names = {h.id: h.name for h in b.related_heartbeats}
    name = names.get(first.heartbeat_id or "") or first.name or f"heartbeat {first.heartbeat_id}"
    confidence = 0.9 if lead <= timedelta(minutes=15) else 0.7
    evidence = [e for i in candidates for e in _started_event(b, i.id)]
    evidence += _started_event(b, b.incident.id)
    return Finding(
        rule="heartbeat_stopped",
        confidence=confidence,
        summary=(
            f"Heartbeat '{name}' stopped {_minutes(lead)} before this incident started "
            "and was still down at the start"
            + (f" ({len(candidates)} heartbeats in all)" if len(candidates) > 1 else "")
        ),
        evidence=_ids(evidence),
        data={
            "heartbeat_ids": [i.heartbeat_id for i in candidates],
            "incident_ids": [i.id for i in candidates],
            "lead_seconds": lead.total_seconds(),
        },
    )


def config_changed(b: IncidentBundle) -> Finding | None:
    start, monitor = b.incident.started_at, b.monitor
    if start is None or monitor is None or monitor.updated_at is None:
        return None
    before = start - monitor.updated_at
    if not timedelta(0) <= before <= CONFIG_SPAN:
        return None
    evidence = _events(b, lambda e: e.kind == "config_changed")
    return Finding(
        rule="config_changed",
        confidence=0.85 if before <= timedelta(minutes=10) else 0.6,
        summary=(
            f"The monitor's configuration changed {_minutes(before)} before the start "
            "(a deploy or an edit to what is checked)"
        ),
        evidence=_ids(evidence + _started_event(b, b.incident.id)),
        data={
            "updated_at": monitor.updated_at.isoformat(),
            "seconds_before": before.total_seconds(),
        },
    )


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    candidates = [name, name.replace(" ", "_")]
    candidates += [
        f"{area}/{name.replace(' ', '_')}"
        for area in (
            "Europe",
            "America",
            "Asia",
            "Australia",
            "Africa",
            "Pacific",
            "Atlantic",
            "Etc",
        )
    ]
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (KeyError, ValueError, OSError):
            continue
    return None


def _in_daily_window(at: datetime, start: str, end: str, tz: ZoneInfo, days: list[str]) -> bool:
    local = at.astimezone(tz)
    if days and local.strftime("%a").lower()[:3] not in {d.lower()[:3] for d in days}:
        return False
    now = local.strftime("%H:%M:%S")
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # a window across midnight


def maintenance_window(b: IncidentBundle) -> Finding | None:
    start = b.incident.started_at
    if start is None:
        return None
    reasons: list[str] = []
    evidence: list[Event] = []
    for ctx in b.status_pages:
        for report in ctx.reports:
            if str(report.report_type) != "maintenance" or report.starts_at is None:
                continue
            if report.starts_at <= start and (report.ends_at is None or start <= report.ends_at):
                reasons.append(f"status page maintenance '{report.title}'")
                evidence += [
                    e for e in b.timeline if e.ref.type == "status_report" and e.ref.id == report.id
                ]
    source = b.monitor or b.heartbeat
    if source is not None and source.maintenance_from and source.maintenance_to:
        tz = _zone(source.maintenance_timezone) or _zone("UTC")
        if tz is not None and _in_daily_window(
            start,
            source.maintenance_from,
            source.maintenance_to,
            tz,
            list(source.maintenance_days or []),
        ):
            reasons.append(
                f"the monitor's daily maintenance {source.maintenance_from}-"
                f"{source.maintenance_to} ({source.maintenance_timezone or 'UTC'})"
            )
    if not reasons:
        return None
    return Finding(
        rule="maintenance_window",
        confidence=0.85,
        summary="The incident started inside a scheduled maintenance window: " + "; ".join(reasons),
        evidence=_ids(evidence + _started_event(b, b.incident.id)),
        data={"windows": reasons},
    )


def shared_failure(b: IncidentBundle) -> Finding | None:
    start = b.incident.started_at
    if start is None:
        return None
    own = {b.incident.monitor_id, b.incident.heartbeat_id} - {None}
    near = [
        i
        for i in b.related_incidents
        if i.started_at is not None
        and abs(i.started_at - start) <= SHARED_SPAN
        and not ({i.monitor_id, i.heartbeat_id} & own)  # a flapping monitor is not "shared"
    ]
    if not near:
        return None
    sibling_ids = {m.id for m in b.siblings}
    host = _host(b.incident.url) or _host(b.monitor.url if b.monitor else None)
    linked: list[Incident] = []
    for i in near:
        if i.heartbeat_id and not i.monitor_id:
            continue  # heartbeats have their own rule
        same_group = i.monitor_id is not None and i.monitor_id in sibling_ids
        same_host = host is not None and _host(i.url) == host
        if same_group or same_host:
            linked.append(i)
    group_name = b.group.name if b.group else None
    if linked:
        spread = max(abs((i.started_at or start) - start) for i in linked)
        count = len(linked) + 1
        confidence = min(0.9, 0.65 + 0.05 * count)
        where = f"group '{group_name}'" if group_name else "the same group or host"
        summary = (
            f"{count} monitors of {where} failed within {_minutes(spread)} of each other: "
            "a shared dependency is likely"
        )
        chosen = linked
    else:
        monitors = [i for i in near if i.monitor_id]
        if len(monitors) < 2:
            return None
        confidence = 0.45
        chosen = monitors
        summary = (
            f"{len(monitors) + 1} unrelated monitors failed within "
            f"{_minutes(SHARED_SPAN)} of the start (no shared group or host)"
        )
    evidence = [e for i in chosen for e in _started_event(b, i.id)]
    return Finding(
        rule="shared_failure",
        confidence=confidence,
        summary=summary,
        evidence=_ids(_started_event(b, b.incident.id) + evidence),
        data={
            "incident_ids": [i.id for i in chosen],
            "monitor_ids": [i.monitor_id for i in chosen],
            "group_id": b.group.id if b.group else None,
        },
    )


def partial_regions(b: IncidentBundle) -> Finding | None:
    monitor = b.monitor
    failed = [str(r) for r in b.incident.regions or []]
    checked = [str(r) for r in (monitor.regions or [])] if monitor else []
    if not failed or not checked:
        return None
    if not set(failed) < set(checked):
        return None
    return Finding(
        rule="partial_regions",
        confidence=0.75,
        summary=(
            f"Only {', '.join(r.upper() for r in failed)} of "
            f"{', '.join(r.upper() for r in checked)} saw the failure: "
            "a regional network path, not the service itself, is likely"
        ),
        evidence=_ids(_started_event(b, b.incident.id)),
        data={"failed_regions": failed, "checked_regions": checked},
    )


def cause(b: IncidentBundle) -> Finding | None:
    text = b.incident.cause or ""
    match = next(((r, c) for r, p, c in CAUSES if text and p.search(text)), None)
    if match is None and b.incident.heartbeat_id and not b.incident.monitor_id:
        match = ("cause_heartbeat_missed", 0.7)
    if match is None:
        return None
    rule, confidence = match
    label = rule.removeprefix("cause_").replace("_", " ").replace("http ", "HTTP ")
    return Finding(
        rule=rule,
        confidence=confidence,
        summary=f"Cause reported by Better Stack: {text or 'heartbeat not received'} ({label})",
        evidence=_ids(_started_event(b, b.incident.id)),
        data={"cause": text or None},
    )


def latency_rising(b: IncidentBundle) -> Finding | None:
    trend = latency_trend(b.response_times, b.incident.started_at)
    if trend is None or not trend.rising:
        return None
    return Finding(
        rule="latency_rising",
        confidence=0.6,
        summary=(
            f"Response times rose before the start: median {trend.baseline:.3f}s -> "
            f"{trend.recent:.3f}s in {len(trend.rising_regions)} of {len(trend.all_regions)} "
            "regions (a degrading service, not a sudden cut)"
        ),
        evidence=_ids(_events(b, lambda e: e.kind == "latency_rise")),
        data=trend.as_details(),
    )


def recurrence(b: IncidentBundle) -> Finding | None:
    earlier = [i for i in b.history if i.started_at is not None]
    if len(earlier) < RECURRENCE_MIN:
        return None
    same_cause = [i for i in earlier if i.cause and i.cause == b.incident.cause]
    regions = {tuple(sorted(str(r) for r in i.regions or [])) for i in earlier}
    span = b.incident.started_at - b.window.history_start if b.incident.started_at else None
    period = f"the last {span.days} days" if span and span.days else "the look-back period"
    detail = f"; {len(same_cause)} with the same cause" if same_cause else ""
    return Finding(
        rule="recurrence",
        confidence=min(0.7, 0.4 + 0.05 * len(earlier)),
        summary=(
            f"This is incident number {len(earlier) + 1} of the same "
            f"{'heartbeat' if b.incident.heartbeat_id else 'monitor'} in {period}{detail}"
        ),
        evidence=_ids(_events(b, lambda e: e.kind == "earlier_incident")),
        data={
            "earlier_incident_ids": [i.id for i in earlier],
            "same_cause": len(same_cause),
            "region_sets": sorted(list(r) for r in regions),
        },
    )


def _policy_steps(b: IncidentBundle) -> list[tuple[float, EscalationStep]]:
    """(seconds after start when the step fires, step), from cumulative waits."""
    policy = b.responders.policy
    if policy is None:
        return []
    at = 0.0
    steps: list[tuple[float, EscalationStep]] = []
    for step in policy.steps:
        if isinstance(step, EscalationStep):
            at += step.wait_before or 0.0
            steps.append((at, step))
    return steps


def not_acknowledged(b: IncidentBundle) -> Finding | None:
    inc = b.incident
    if inc.started_at is None or inc.acknowledged_at is not None:
        return None
    end = inc.resolved_at or b.generated_at
    open_for = end - inc.started_at
    steps = _policy_steps(b)
    wait = timedelta(seconds=steps[1][0]) if len(steps) > 1 else ACK_DEFAULT_WAIT
    if open_for < max(wait, timedelta(minutes=1)):
        return None
    reached = sum(1 for at, _ in steps if at <= open_for.total_seconds())
    all_steps = bool(steps) and reached == len(steps)
    state = "resolved" if inc.resolved_at else "still open"
    return Finding(
        rule="not_acknowledged",
        confidence=0.65 if all_steps else 0.5,
        summary=(
            f"Nobody acknowledged it: {state} after {_minutes(open_for)} without an "
            "acknowledgement"
            + (f"; the policy ran through all {len(steps)} steps" if all_steps else "")
        ),
        evidence=_ids(
            _started_event(b, inc.id)
            + _events(b, lambda e: e.kind in ("notification", "escalation") and not e.related)
        ),
        data={"open_seconds": open_for.total_seconds(), "steps_reached": reached},
    )


def escalated(b: IncidentBundle) -> Finding | None:
    inc = b.incident
    steps = _policy_steps(b)
    if inc.started_at is None or len(steps) < 2:
        return None
    end = inc.acknowledged_at or inc.resolved_at or b.generated_at
    elapsed = (end - inc.started_at).total_seconds()
    reached = [(at, step) for at, step in steps if at <= elapsed]
    if len(reached) < 2:
        return None
    members = sorted({str(m.type) for _, s in reached for m in s.step_members if m.type})
    return Finding(
        rule="escalated",
        confidence=0.45,
        summary=(
            f"Escalated to step {len(reached)} of {len(steps)} of policy "
            f"'{b.responders.policy.name if b.responders.policy else '?'}'"
            + (f" (reaching {', '.join(members)})" if members else "")
        ),
        evidence=_ids(_events(b, lambda e: e.kind == "escalation" and not e.related)),
        data={"steps_reached": len(reached), "steps": len(steps)},
    )


def _covering_pages(b: IncidentBundle) -> list[str]:
    return [ctx.page.id for ctx in b.status_pages if ctx.resources]


def status_page(b: IncidentBundle) -> Finding | None:
    start = b.incident.started_at
    pages = _covering_pages(b)
    if start is None or not pages:
        return None
    delay = b.metrics.status_page_delay
    maintenance = {
        r.id for ctx in b.status_pages for r in ctx.reports if str(r.report_type) == "maintenance"
    }
    updates = _events(
        b,
        lambda e: (
            e.kind == "status_update"
            and e.at >= start
            and e.details.get("status_report_id") not in maintenance
        ),
    )
    if delay is not None:
        if delay <= STATUS_PAGE_GRACE.total_seconds():
            return None
        return Finding(
            rule="status_page_late",
            confidence=0.35,
            summary=(
                f"The status page was first updated {_minutes(timedelta(seconds=delay))} "
                "after the start"
            ),
            evidence=_ids(updates[:1] + _started_event(b, b.incident.id)),
            data={"delay_seconds": delay, "status_page_ids": pages},
        )
    end = b.incident.resolved_at or b.generated_at
    if end - start <= STATUS_PAGE_GRACE * 2:
        return None
    if any(str(r.report_type) == "maintenance" for ctx in b.status_pages for r in ctx.reports):
        return None
    return Finding(
        rule="status_page_silent",
        confidence=0.3,
        summary=(
            f"{len(pages)} status page(s) show this monitor but got no update during the "
            f"{_minutes(end - start)} incident"
        ),
        evidence=_ids(_started_event(b, b.incident.id)),
        data={"status_page_ids": pages},
    )


RULES: tuple[Callable[[IncidentBundle], Finding | None], ...] = (
    heartbeat_stopped,
    config_changed,
    maintenance_window,
    shared_failure,
    partial_regions,
    cause,
    latency_rising,
    recurrence,
    not_acknowledged,
    escalated,
    status_page,
)


def derive_findings(bundle: IncidentBundle) -> list[Finding]:
    """Every rule that has something to say, strongest explanation first."""
    found = [f for rule in RULES if (f := rule(bundle)) is not None]
    for f in found:
        f.confidence = round(f.confidence, 2)
    order = {name: n for n, name in enumerate(RULE_ORDER)}
    return sorted(found, key=lambda f: (-f.confidence, order.get(f.rule, 99)))


def derive_metrics(bundle: IncidentBundle) -> Metrics:
    inc = bundle.incident
    start = inc.started_at
    if start is None:
        return Metrics()

    def since(at: datetime | None) -> float | None:
        return None if at is None else round((at - start).total_seconds(), 3)

    first_update: datetime | None = None
    for ctx in bundle.status_pages:
        for report in ctx.reports:
            if str(report.report_type) == "maintenance":
                continue
            for update in report.status_updates:
                at = update.published_at
                if at is not None and at >= start and (first_update is None or at < first_update):
                    first_update = at
    return Metrics(
        time_to_acknowledge=since(inc.acknowledged_at),
        time_to_resolve=since(inc.resolved_at),
        status_page_delay=since(first_update),
    )
