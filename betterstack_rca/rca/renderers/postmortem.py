"""`IncidentBundle.to_postmortem()`: a postmortem draft in the shape teams use (Google SRE
and PagerDuty templates), from the bundle alone.

Every section opens with where it comes from: *From the data* (the bundle's figures,
diagnosis and findings, each citing the timeline events it rests on, ``[e3]``) or *Needs a
human* (lessons, action items: placeholders). A team's own layout is a `string.Template`
text with the named fields of `FIELDS` (``$summary``, ``$impact``...); each field holds one
section's body, its source line included. Account text goes through `rca.text.inline`,
cut to `TEXT_LIMIT` characters.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

from betterstack_rca.rca.bundle import Event, IncidentBundle
from betterstack_rca.rca.render import metric
from betterstack_rca.rca.renderers.plot import timeout_ceiling
from betterstack_rca.rca.text import ACCOUNT_TEXT_NOTE, inline, plural

DATA = "_From the data: check it._"
HUMAN = "_Needs a human._"
BOTH = "_From the data, to be completed by a human._"

#: The named fields a template can use, in the order of the default layout.
FIELDS: tuple[str, ...] = (
    "title",
    "status",
    "summary",
    "impact",
    "detection",
    "response",
    "timeline",
    "trigger",
    "ruled_out",
    "lessons",
    "action_items",
    "incident_id",
    "note",
)

DEFAULT_TEMPLATE = """# $title

$note

## Status

$status

## Summary

$summary

## Impact

$impact

## Detection

$detection

## Response

$response

## Timeline

$timeline

## Trigger and contributing factors

$trigger

## Ruled out

$ruled_out

## Lessons learned

$lessons

## Action items

$action_items
"""

#: The timeline's key moments: what changed state, not every notification.
KEY_KINDS = frozenset(
    {
        "started",
        "acknowledged",
        "resolved",
        "escalation",
        "config_changed",
        "maintenance_start",
        "maintenance_end",
        "report_start",
        "status_update",
        "latency_rise",
    }
)
#: Checks of the response (acknowledgement, escalation, status page), not of a cause.
RESPONSE_CHECKS = frozenset(
    {"not_acknowledged", "responder_unreachable", "escalated", "status_page"}
)
#: What a status page told the public, whichever report it was.
STATUS_PAGE_KINDS = frozenset({"report_start", "status_update", "maintenance_start"})
MAX_MOMENTS = 20
#: Account text is cut to this in a line of the draft (a 100 KB cause stays a cause).
TEXT_LIMIT = 300


def _q(value: object, limit: int = TEXT_LIMIT) -> str:
    """Account text inside a line of the draft: `rca.text.inline`, cut to `limit`."""
    return inline(value, limit)


def _at(event: Event) -> str:
    return event.at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _cite(ids: Sequence[str]) -> str:
    return f" [{', '.join(_q(i) for i in ids)}]" if ids else " [no event: see the figures]"


def _lines(source: str, items: Sequence[str]) -> str:
    return "\n".join([source, "", *items]) if items else source


def title(b: IncidentBundle) -> str:
    inc = b.incident
    when = f" on {inc.started_at:%Y-%m-%d}" if inc.started_at else ""
    return f"Postmortem: {_q(inc.name) or 'incident ' + _q(inc.id)}{when}"


def summary(b: IncidentBundle) -> str:
    inc, d = b.incident, b.diagnosis
    lasted = metric(b.metrics.time_to_resolve) if inc.resolved_at else "still open"
    items = [
        f"- Incident {_q(inc.id)} ({_q(inc.cause) or 'no cause given'}) started "
        f"{inc.started_at:%Y-%m-%d %H:%M} UTC; resolved after {lasted}."
        if inc.started_at
        else f"- Incident {_q(inc.id)}: {_q(inc.cause) or 'no cause given'}."
    ]
    if d.trigger is not None:
        items.append(
            f"- Probable trigger: {_q(d.trigger.summary)} ({d.trigger.level})"
            + _cite(d.trigger.evidence)
        )
    if d.first_failure is not None:
        items.append(
            f"- First failure: {_q(d.first_failure.summary)}" + _cite(d.first_failure.evidence)
        )
    if d.impact is not None:
        items.append(f"- Impact: {_q(d.impact.summary)}" + _cite(d.impact.evidence))
    return _lines(BOTH, items)


def impact(b: IncidentBundle) -> str:
    inc, d = b.incident, b.diagnosis
    items = [f"- Duration: {metric(b.metrics.time_to_resolve) if inc.resolved_at else 'open'}"]
    source = (
        b.monitor.pronounceable_name or b.monitor.id
        if b.monitor is not None
        else (b.heartbeat.name or b.heartbeat.id if b.heartbeat is not None else None)
    )
    affected = [_q(source)] if source else []
    if d.impact is not None:
        affected += [_q(r.name or r.id) for r in d.impact.failed]
    items.append(f"- Monitors affected: {', '.join(dict.fromkeys(affected)) or 'n/a'}")
    regions = (d.impact.regions if d.impact else None) or inc.regions or []
    items.append(f"- Regions: {', '.join(_q(r, 20).upper() for r in regions) or 'n/a'}")
    states: dict[str, list[str]] = {}
    for ctx in b.status_pages:
        shown = {r.id: r.public_name or r.id for r in ctx.resources}
        for report in ctx.reports:
            marks = [a for u in report.status_updates for a in u.affected_resources or []]
            for a in marks or report.affected_resources or []:
                name = shown.get(str(a.status_page_resource_id))
                if name is not None and a.status is not None:
                    seen = states.setdefault(_q(name), [])
                    if not seen or seen[-1] != _q(a.status):
                        seen.append(_q(a.status))
    if b.status_pages:
        told = [f"{name}: {' -> '.join(s)}" for name, s in states.items()]
        items.append(
            "- Status-page resources (states the reports set, in order): "
            + ("; ".join(told) or "shown on a page, but no report marked them")
        )
    else:
        items.append("- Status-page resources: no status page shows this monitor")
    sla = b.availability
    if sla is not None and sla.availability is not None:
        first, last = b.window.start.date(), min(b.window.end, b.generated_at).date()
        days = f"on {first}" if first == last else f"from {first} to {last}"
        items.append(
            f"- Availability {days} (whole days, UTC, as the API counts them): "
            f"{sla.availability:.3f}%"
            + (f", downtime {metric(sla.total_downtime)}" if sla.total_downtime else "")
        )
    else:
        items.append("- Availability of the period: not given by the API for this source")
    return _lines(DATA, items)


def detection(b: IncidentBundle) -> str:
    det, inc = b.audit.detection, b.incident
    kind = _q(b.monitor.monitor_type, 40) if b.monitor is not None else ""
    how = (
        "Better Stack's checks of the monitor" + (f" (type {kind})" if kind else "")
        if b.monitor is not None
        else "a missed heartbeat check-in"
        if inc.heartbeat_id
        else "Better Stack"
    )
    items = [
        f"- Detected by {how}; the incident started {inc.started_at:%Y-%m-%d %H:%M:%S} UTC."
        if inc.started_at
        else f"- Detected by {how}."
    ]
    if det.period is not None and det.grace is not None:  # a heartbeat
        items.append(
            f"- Expected a check-in every {metric(det.period)} with {metric(det.grace)} of "
            f"grace: Better Stack alerts once none has come for period + grace "
            f"({metric(det.period + det.grace)}), so a job that stops right after a check-in "
            "is noticed that long after"
        )
    elif det.max_lag is not None:
        items.append(
            f"- Most a failure could go unnoticed by the settings: {metric(det.max_lag)}"
            f" (check every {metric(det.check_frequency)}, confirmation "
            f"{metric(det.confirmation_period)})"
        )
    if det.first_failure_at is not None:
        items.append(
            f"- First failing check: {det.first_failure_at:%H:%M:%S} UTC"
            + (f" from {_q(det.first_failing_region)}" if det.first_failing_region else "")
            + f"; detection lag {metric(det.lag)}"
        )
    elif det.due_at is not None:
        items.append(
            f"- The missed check-in was due {det.due_at:%Y-%m-%d %H:%M:%S} UTC; the incident "
            f"started when the grace ran out"
            + (
                f"; the last check-in came by {det.last_check_in_by:%H:%M:%S} UTC"
                if det.last_check_in_by is not None
                else ""
            )
        )
    elif b.monitor is not None:
        items.append(f"- Detection lag: {_why_no_lag(b)}")
    return _lines(DATA, items)


def _why_no_lag(b: IncidentBundle) -> str:
    """Why the first failing check is unknown: no samples, or none at the timeout."""
    start = b.incident.started_at
    regions = b.response_times.regions if b.response_times is not None else []
    before = [
        s
        for r in regions or []
        for s in r.response_times or []
        if s.at is not None and start is not None and s.at <= start
    ]
    if not before:
        return "unknown (no response times before the start: the API keeps them for 24 h)"
    timeout = timeout_ceiling(b)
    ceiling = f"the {timeout:g} s request timeout" if timeout else "the request timeout"
    return (
        f"not measurable: no check before the start reached {ceiling} or ended without "
        "an answer in the response times (an error status, a 5xx, is an answer: its timing "
        "looks like a good check's)"
    )


def response(b: IncidentBundle) -> str:
    inc, esc = b.incident, b.audit.escalation
    people = {
        p.name or p.email
        for s in b.responders.paged
        if s.reached
        for m in s.members
        for p in m.people
        if p.name or p.email
    }
    items = [
        f"- Acknowledged by: {_q(inc.acknowledged_by) or 'nobody'}; resolved by: "
        f"{_q(inc.resolved_by) or ('Better Stack (recovered)' if inc.resolved_at else '-')}",
        f"- Paged: {', '.join(sorted(_q(p) for p in people)) or 'n/a'}",
        f"- MTTA: {metric(b.metrics.time_to_acknowledge)}; MTTR: "
        f"{metric(b.metrics.time_to_resolve)}",
    ]
    if esc.steps is not None:
        reached = sum(1 for s in b.responders.paged if s.reached)
        items.append(
            f"- Escalation: {reached} of {plural(esc.steps, 'step')} reached"
            + (
                f"; acknowledged at step {esc.acknowledged_at_step}"
                if esc.acknowledged_at_step
                else ""
            )
            + (f" via {', '.join(_q(c) for c in esc.channels)}" if esc.channels else "")
        )
    else:
        items.append("- Escalation: no policy (the monitor's own alert settings)")
    if b.metrics.status_page_delay is not None:
        items.append(f"- First status-page update after {metric(b.metrics.status_page_delay)}")
    return _lines(DATA, items)


def _key_moment(e: Event) -> bool:
    """A state change of this incident, or what its status pages told the public (those
    events are marked related: they belong to the page, not to the incident)."""
    if e.source == "status_page":
        return e.kind in STATUS_PAGE_KINDS
    return e.kind in KEY_KINDS and not e.related


def timeline(b: IncidentBundle) -> str:
    moments = [e for e in b.timeline if _key_moment(e)]
    paged = next((e for e in b.timeline if e.kind == "notification" and not e.related), None)
    if paged is not None:  # when the first person was alerted, not every alert after it
        moments.append(paged)
    cited = {i for f in b.findings[:3] for i in f.evidence}
    moments += [e for e in b.timeline if e.id in cited and e not in moments]
    moments.sort(key=lambda e: e.at)
    items = [f"- {_at(e)}: {_q(e.summary, 200)} [{e.id}]" for e in moments[:MAX_MOMENTS]]
    if len(moments) > MAX_MOMENTS:
        items.append(f"- ... {plural(len(moments) - MAX_MOMENTS, 'more key moment')} in the bundle")
    return _lines(DATA, items or ["- No timeline events."])


def trigger(b: IncidentBundle) -> str:
    order = {"trigger": 0, "symptom": 1, "context": 2, "response": 3}
    items = [
        f"- **{f.role}** ({f.level}, {f.rule}): {_q(f.summary)}" + _cite(f.evidence)
        for f in sorted(b.findings, key=lambda f: order.get(f.role, 9))
    ]
    return _lines(DATA, items or ["- No rule found evidence for a cause: a human must say."])


def ruled_out(b: IncidentBundle) -> str:
    """The causes the checks set aside (the signal is there but is not the cause), those they
    looked for and did not find, and those they could not check (for a human)."""
    rules = [c for c in b.checks if not c.name.startswith("source:")]
    labels = (
        ("ruled_out", "Ruled out"),
        ("ran", "Looked for, not found"),
        ("skipped", "Could not check (a human should)"),
    )
    items = [
        f"- {label}: {_q(c.name, 60)}: {_q(c.reason)}" + (_cite(c.evidence) if c.evidence else "")
        for status, label in labels
        for c in rules
        if c.status == status and not (status == "ran" and c.name in RESPONSE_CHECKS)
    ]
    return _lines(DATA, items or ["- The checks ruled nothing out."])


def fields(b: IncidentBundle) -> dict[str, str]:
    """The value of every field of `FIELDS` for this bundle."""
    return {
        "title": title(b),
        "status": "Draft (generated; review every section before sharing).",
        "summary": summary(b),
        "impact": impact(b),
        "detection": detection(b),
        "response": response(b),
        "timeline": timeline(b),
        "trigger": trigger(b),
        "ruled_out": ruled_out(b),
        "lessons": _lines(
            HUMAN, ["- What went well:", "- What went wrong:", "- Where we got lucky:"]
        ),
        "action_items": _lines(
            HUMAN,
            [
                "| Action | Type | Owner | Ticket |",
                "|---|---|---|---|",
                "| _to fill_ | prevent / mitigate / detect | | |",
            ],
        ),
        "incident_id": _q(b.incident.id),
        "note": ACCOUNT_TEXT_NOTE,
    }


def check_template(template: str) -> None:
    """ValueError unless `template` is a `string.Template` that names only `FIELDS`."""
    _fill(template, dict.fromkeys(FIELDS, ""))


def render_postmortem(bundle: IncidentBundle, template: str | None = None) -> str:
    """The draft; `template` (a `string.Template` text) replaces the default layout."""
    return _fill(DEFAULT_TEMPLATE if template is None else template, fields(bundle))


def _fill(template: str, values: dict[str, str]) -> str:
    layout = string.Template(template)
    try:
        text = layout.substitute(values)
    except KeyError as exc:
        raise ValueError(
            f"the template names an unknown field ${exc.args[0]}; the fields are: "
            + ", ".join(f"${f}" for f in FIELDS)
        ) from None
    except ValueError as exc:
        raise ValueError(
            f"the template is not a valid string.Template: {exc} (write $$ for a literal $)"
        ) from None
    return text.rstrip() + "\n"
