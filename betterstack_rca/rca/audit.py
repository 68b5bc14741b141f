"""The detection, escalation and communication audit (`bundle.audit`).

Every figure is None (or empty) where it does not apply: a heartbeat has no check
frequency, an incident without a policy has no escalation step, a monitor no status page
shows has no public updates. None is never written as 0.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise

from betterstack_rca.rca.bundle import (
    Audit,
    Communication,
    Detection,
    Escalation,
    IncidentBundle,
)
from betterstack_rca.rca.rules.response import policy_steps
from betterstack_rca.rca.signals import first_failing_check

_MARKED = ("downtime", "degraded", "maintenance")


def detection(b: IncidentBundle) -> Detection:
    start = b.incident.started_at
    out = Detection()
    mon, hb = b.monitor, b.heartbeat
    if mon is not None:
        out.check_frequency = mon.check_frequency
        out.confirmation_period = mon.confirmation_period
        if mon.check_frequency is not None:
            out.max_lag = mon.check_frequency + (mon.confirmation_period or 0.0)
        timeout = mon.request_timeout
        if timeout is not None and timeout > 300:  # server and ping monitors: milliseconds
            timeout = timeout / 1000
        first = first_failing_check(b.response_times, start, timeout)
        if first is not None and start is not None:
            out.first_failing_region, out.first_failure_at = first
            out.lag = (start - first[1]).total_seconds()
    elif hb is not None and start is not None and hb.period is not None and hb.grace is not None:
        out.period, out.grace = hb.period, hb.grace
        out.max_lag = hb.grace
        out.due_at = start - timedelta(seconds=hb.grace)
        out.last_check_in_by = out.due_at - timedelta(seconds=hb.period)
    return out


def escalation(b: IncidentBundle) -> Escalation:
    inc = b.incident
    out = Escalation()
    steps = policy_steps(b)
    if steps:
        out.steps = len(steps)
        out.step_at_seconds = [at for at, _ in steps]
        if inc.acknowledged_at is not None and inc.started_at is not None:
            after = (inc.acknowledged_at - inc.started_at).total_seconds()
            ran = [n for n, (at, _) in enumerate(steps, 1) if at <= after]
            step = ran[-1] if ran else 1
            out.acknowledged_at_step = step
            nxt = steps[step][0] if step < len(steps) else None
            out.acknowledged_within_wait = nxt is None or after < nxt
    channels: list[str] = []
    reached = [s for s in b.responders.paged if s.reached]
    if reached:
        for paged in reached:
            channels += paged.channels
            if any("slack" in m.type for m in paged.members):
                channels.append("slack")
    else:
        channels += [c for c in ("call", "sms", "email", "push") if getattr(inc, c, None)]
    if inc.critical_alert:
        channels.append("critical_alert")
    if inc.slack_channels:
        channels.append("slack")
    for hook in b.routing.outgoing_webhooks:
        if hook.on_incident_started:
            channels.append(f"webhook '{hook.name}'")
    out.channels = list(dict.fromkeys(channels))
    return out


def communication(b: IncidentBundle) -> Communication:
    start = b.incident.started_at
    pages = [ctx for ctx in b.status_pages if ctx.resources]
    if start is None or not pages:
        return Communication()
    names = {
        r.id: r.public_name or str(r.resource_id)
        for ctx in pages
        for r in [*ctx.resources, *ctx.section_resources]
    }
    shown = {r.id for ctx in pages for r in ctx.resources}
    times: list[datetime] = []
    marked: dict[str, None] = {}
    for ctx in pages:
        for report in ctx.reports:
            public = str(report.report_type) != "maintenance"
            affected = list(report.affected_resources or [])
            for update in report.status_updates:
                if public and update.published_at is not None and update.published_at >= start:
                    times.append(update.published_at)
                affected += update.affected_resources or []
            for a in affected:
                if str(a.status) in _MARKED and a.status_page_resource_id in shown:
                    name = names.get(a.status_page_resource_id or "", a.status_page_resource_id)
                    marked.setdefault(f"{name} ({a.status})", None)
    times.sort()
    gaps = [(b_ - a).total_seconds() for a, b_ in pairwise(times)]
    return Communication(
        first_update_after=b.metrics.status_page_delay,
        updates=len(times),
        longest_gap=max(gaps) if gaps else None,
        resources_marked=list(marked),
    )


def derive_audit(b: IncidentBundle) -> Audit:
    return Audit(detection=detection(b), escalation=escalation(b), communication=communication(b))
