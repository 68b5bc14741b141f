"""Markdown for people and LLMs, most important first, within a hard character budget.

Sections, in order: summary, findings, timeline, responders and escalation, blast radius,
status page communication, routing, gaps. Under a budget each section keeps as many whole
lines as fit and says how many it left out; a line is never cut in the middle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from betterstack_rca.rca.bundle import IncidentBundle


def _t(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at else "?"


def _clock(at: datetime, day: datetime | None) -> str:
    if day is not None and at.date() == day.date():
        return at.strftime("%H:%M:%S")
    return at.strftime("%m-%d %H:%M:%S")


def _dur(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {(s % 3600) // 60:02d}m"


def metric(seconds: float | None) -> str:
    """A response metric as people read it and as a script can check it: ``6m 00s (360 s)``."""
    if seconds is None:
        return "n/a"
    return f"{_dur(seconds)} ({seconds:.0f} s)" if seconds >= 60 else f"{seconds:.0f} s"


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    noun: str = "lines"


def sections(b: IncidentBundle) -> tuple[list[str], list[Section]]:
    inc = b.incident
    head = [f"# Incident {inc.id}: {inc.name or '(unnamed)'}", ""]
    source = (
        f"monitor {b.monitor.pronounceable_name or b.monitor.id}"
        if b.monitor
        else f"heartbeat {b.heartbeat.name or b.heartbeat.id}"
        if b.heartbeat
        else f"monitor {inc.monitor_id}"
        if inc.monitor_id
        else f"heartbeat {inc.heartbeat_id}"
        if inc.heartbeat_id
        else "unknown source"
    )
    head.append(
        f"- **Status:** {inc.status or '?'} · **Cause:** {inc.cause or 'n/a'} · "
        f"**Source:** {source}"
    )
    head.append(
        f"- **Started:** {_t(inc.started_at)} · **Acknowledged:** "
        f"{metric(b.metrics.time_to_acknowledge)}"
        + (f" by {inc.acknowledged_by}" if inc.acknowledged_by else "")
        + f" · **Resolved:** {metric(b.metrics.time_to_resolve)}"
        + f" · **Status page delay:** {metric(b.metrics.status_page_delay)}"
    )
    if inc.url:
        head.append(f"- **URL:** {inc.url}")
    if b.gaps:
        head.append(
            f"- **Incomplete:** {len(b.gaps)} source(s) failed: "
            + ", ".join(sorted({g.source for g in b.gaps}))
        )
    head.append("")

    findings = Section("Findings", noun="findings")
    for n, f in enumerate(b.findings, 1):
        cites = f" [{', '.join(f.evidence[:6])}{'…' if len(f.evidence) > 6 else ''}]"
        findings.lines.append(
            f"{n}. **{f.rule}** ({f.confidence:.2f}): {f.summary}{cites if f.evidence else ''}"
        )
    if not b.findings:
        findings.lines.append("No rule found evidence for a cause; see the timeline.")

    timeline = Section("Timeline", noun="events")
    start = inc.started_at
    for e in b.timeline:
        if e.at < b.window.start and e.kind != "config_changed":
            continue
        if e.at > b.window.end:
            continue
        marker = ""
        if start is not None:
            delta = (e.at - start).total_seconds()
            marker = f"T{'+' if delta >= 0 else '-'}{_dur(abs(delta))} "
        timeline.lines.append(
            f"- `{e.id}` {_clock(e.at, start)} ({marker.strip()}) [{e.source}] {e.summary}"
        )

    responders = Section("Responders and escalation")
    for cal in b.responders.on_call:
        users = ", ".join(
            " ".join(p for p in (u.first_name, u.last_name) if p) or u.email or u.id
            for u in cal.users
        )
        name = cal.name or ("default calendar" if cal.default_calendar else cal.id)
        responders.lines.append(f"- On call at the start ({name}): {users or 'nobody'}")
    policy = b.responders.policy
    if policy is not None:
        repeat = (
            f"repeats {policy.repeat_count}x every {_dur(policy.repeat_delay)}"
            if policy.repeat_count
            else "no repeat"
        )
        responders.lines.append(f"- Policy '{policy.name}': {repeat}")
        severities = {s.id: s.name for s in b.responders.severities}
        for n, step in enumerate(policy.steps, 1):
            kind = str(getattr(step, "type", "?"))
            wait = getattr(step, "wait_before", None)
            members = ", ".join(str(m.type) for m in getattr(step, "step_members", []) or [])
            urgency = getattr(step, "urgency_id", None)
            sev = f", severity {severities.get(urgency, urgency)}" if urgency else ""
            responders.lines.append(
                f"  - step {n}: {kind} after {_dur(wait)}{sev}"
                + (f" -> {members}" if members else "")
            )

    blast = Section("Blast radius", noun="related items")
    if b.group is not None:
        blast.lines.append(
            f"- Monitor group '{b.group.name}': {len(b.siblings) + 1} monitors "
            f"({sum(1 for m in b.siblings if str(m.status) == 'down')} other(s) down now)"
        )
    for other in sorted(b.related_incidents, key=lambda i: i.started_at or b.window.start):
        rel = ""
        if start and other.started_at:
            delta = (other.started_at - start).total_seconds()
            rel = f"T{'+' if delta >= 0 else '-'}{_dur(abs(delta))}"
        kind = "heartbeat" if other.heartbeat_id and not other.monitor_id else "monitor"
        blast.lines.append(
            f"- {rel} {kind} incident {other.id} '{other.name}': {other.cause or '?'} "
            f"({other.status or '?'})"
        )
    for hb in b.related_heartbeats:
        blast.lines.append(f"- Heartbeat '{hb.name}' status {hb.status or '?'}")
    if b.history:
        blast.lines.append(
            f"- {len(b.history)} earlier incident(s) of the same source since "
            f"{_t(b.window.history_start)}:"
        )
        for e in b.timeline:
            if e.kind == "earlier_incident":
                blast.lines.append(f"  - `{e.id}` {_t(e.at)} {e.summary}")

    status = Section("Status page communication")
    for ctx in b.status_pages:
        page = ctx.page.company_name or ctx.page.subdomain or ctx.page.id
        shown = ", ".join(r.public_name or str(r.resource_id) for r in ctx.resources)
        status.lines.append(f"- Page '{page}' shows: {shown}; {len(ctx.reports)} report(s)")
        for report in ctx.reports:
            status.lines.append(
                f"  - {report.report_type} report '{report.title}' from {_t(report.starts_at)}"
                f", {len(report.status_updates)} update(s)"
            )
    if not b.status_pages:
        if any(g.source == "status_pages" for g in b.gaps):
            status.lines.append("- Status pages could not be collected (see Gaps).")
        else:
            status.lines.append("- No status page shows this monitor.")

    routing = Section("Routing")
    for hook in b.routing.outgoing_webhooks:
        triggers = [
            name.removeprefix("on_incident_")
            for name in (
                "on_incident_started",
                "on_incident_acknowledged",
                "on_incident_resolved",
                "on_incident_reopened",
                "on_incident_comment",
            )
            if getattr(hook, name, None)
        ]
        routing.lines.append(
            f"- Outgoing webhook '{hook.name}' ({hook.trigger_type}) -> {hook.url}"
            + (f" on {', '.join(triggers)}" if triggers else "")
        )
    for mail in b.routing.email_integrations:
        routing.lines.append(f"- Email integration '{getattr(mail, 'name', mail.id)}'")
    for incoming in b.routing.incoming_webhooks:
        routing.lines.append(f"- Incoming webhook '{getattr(incoming, 'name', incoming.id)}'")

    gaps = Section("Gaps", noun="gaps")
    for gap in b.gaps:
        gaps.lines.append(f"- {gap.source}: {gap.error}: {gap.message}")
    for note in b.notes:
        gaps.lines.append(f"- note: {note}")

    return head, [findings, timeline, responders, blast, status, routing, gaps]


def _fit(lines: list[str], budget: int) -> str:
    """Join whole lines while they fit; never exceed the budget."""
    out: list[str] = []
    used = 0
    for line in lines:
        cost = len(line) + (1 if out else 0)
        if used + cost > budget:
            break
        out.append(line)
        used += cost
    return "\n".join(out)


#: Room kept for the closing "what was left out" line when the text is cut.
_NOTE_ROOM = 100


def render_markdown(bundle: IncidentBundle, max_chars: int | None = None) -> str:
    head, parts = sections(bundle)
    full: list[str] = list(head)
    for sec in parts:
        if sec.lines:
            full += [f"## {sec.title}", *sec.lines, ""]
    text = "\n".join(full).rstrip() + "\n"
    if max_chars is None or len(text) <= max_chars:
        return text
    if max_chars <= 0:
        return ""

    out: list[str] = []
    used = 0
    budget = max_chars - _NOTE_ROOM

    def add(line: str) -> bool:
        nonlocal used
        cost = len(line) + 1
        if used + cost > budget:
            return False
        out.append(line)
        used += cost
        return True

    for line in head:
        if not add(line):
            # not even the summary fits: whole lines only, then say it was cut if possible
            kept = _fit(head, max_chars - len("\n_Rest omitted._"))
            closing = (kept + "\n_Rest omitted._") if kept else ""
            return closing if len(closing) <= max_chars else _fit(head, max_chars)
    omitted: list[str] = []
    for sec in parts:
        if not sec.lines:
            continue
        heading = f"## {sec.title}"
        marker_room = len(f"- … {len(sec.lines)} more {sec.noun} omitted") + 1
        if used + len(heading) + 1 + marker_room > budget:
            omitted.append(sec.title.lower())
            continue
        add(heading)
        shown = 0
        for line in sec.lines:
            rest = len(sec.lines) - shown - 1
            reserve = len(f"- … {rest} more {sec.noun} omitted") + 1 if rest else 0
            if used + len(line) + 1 + reserve > budget:
                break
            add(line)
            shown += 1
        if shown == 0:  # a heading over nothing but a marker says less than the closing note
            out.pop()
            used -= len(heading) + 1
            omitted.append(sec.title.lower())
            continue
        if shown < len(sec.lines):
            add(f"- … {len(sec.lines) - shown} more {sec.noun} omitted")
        add("")
    budget = max_chars  # the reserved room is now available for the closing note
    note = "_Omitted for length: " + (", ".join(omitted) if omitted else "see markers") + "._"
    if len(note) + 1 > budget - used:
        note = f"_Omitted for length: {len(omitted)} section(s)._"
    add(note)
    return _fit(out, max_chars).rstrip("\n") + ("\n" if used < max_chars else "")
