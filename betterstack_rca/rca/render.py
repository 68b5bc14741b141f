"""Markdown for people and LLMs, most important first, within a hard character budget.

Sections, in order: summary, diagnosis, findings, timeline, responders and escalation,
detection and escalation audit, blast radius, similar past incidents, status page
communication, checked and ruled out / could not check, routing, gaps. The summary always
comes first; `sections=` picks which of the others follow (names in `SECTIONS`). Under a
budget the title, the diagnosis' trigger and the top finding come first (shortened, and said
so, when even they do not fit), then the rest by importance, whole lines in one fixed order
up to the first that does not fit (so a larger budget never shows less); the section cut
says how many lines it left out, and the sections after it are named as omitted. A finding
never cites an event id the text does not show: such an event is cited inline.
Account text goes through `rca/text.py`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from betterstack_rca.rca.bundle import IncidentBundle
from betterstack_rca.rca.renderers.parts import (
    Cited,
    audit_lines,
    check_lines,
    diagnosis_lines,
    finding_lines,
    similar_lines,
    step_line,
)
from betterstack_rca.rca.text import ACCOUNT_TEXT_NOTE, inline, plural


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


#: The sections after the summary, by the name `render_markdown(sections=...)` takes, in order.
SECTIONS: tuple[str, ...] = (
    "diagnosis",
    "findings",
    "timeline",
    "responders",
    "audit",
    "blast_radius",
    "similar",
    "status_pages",
    "checks",
    "routing",
    "gaps",
)


def select_sections(names: Collection[str] | None) -> frozenset[str]:
    """The section names to render (None: all); an unknown name is a `ValueError`."""
    if names is None:
        return frozenset(SECTIONS)
    chosen = frozenset([names] if isinstance(names, str) else names)
    unknown = sorted(chosen - set(SECTIONS))
    if unknown:
        raise ValueError(f"unknown section(s) {unknown}; known sections: {', '.join(SECTIONS)}")
    return chosen


@dataclass
class Section:
    title: str
    lines: list[str | Cited] = field(default_factory=list)
    noun: str = "line"
    """What a line is, for the "N more <noun>s omitted" marker."""
    key: str = ""
    """Its name in `SECTIONS`."""
    ids: list[str | None] = field(default_factory=list)
    """For the timeline: the event id of each line (what a citation may point at)."""

    def text(self, n: int, shown: frozenset[str]) -> str:
        line = self.lines[n]
        return line if isinstance(line, str) else line(shown)


def _sections(b: IncidentBundle) -> tuple[list[str], list[Section]]:
    inc = b.incident
    head = [
        f"# Incident {inline(inc.id)}: {inline(inc.name) or '(unnamed)'}",
        "",
        ACCOUNT_TEXT_NOTE,
        "",
    ]
    source = (
        f"monitor {inline(b.monitor.pronounceable_name or b.monitor.id)}"
        if b.monitor
        else f"heartbeat {inline(b.heartbeat.name or b.heartbeat.id)}"
        if b.heartbeat
        else f"monitor {inline(inc.monitor_id)}"
        if inc.monitor_id
        else f"heartbeat {inline(inc.heartbeat_id)}"
        if inc.heartbeat_id
        else "unknown source"
    )
    head.append(
        f"- **Status:** {inline(inc.status) or '?'} · **Cause:** {inline(inc.cause) or 'n/a'} · "
        f"**Source:** {source}"
    )
    head.append(
        f"- **Started:** {_t(inc.started_at)} · **Acknowledged:** "
        f"{metric(b.metrics.time_to_acknowledge)}"
        + (f" by {inline(inc.acknowledged_by)}" if inc.acknowledged_by else "")
        + f" · **Resolved:** {metric(b.metrics.time_to_resolve)}"
        + f" · **Status page delay:** {metric(b.metrics.status_page_delay)}"
    )
    if inc.url:
        head.append(f"- **URL:** {inline(inc.url)}")
    if b.gaps:
        head.append(
            f"- **Incomplete:** {plural(len(b.gaps), 'source')} failed: "
            + ", ".join(sorted({inline(g.source) for g in b.gaps}))
        )
    head.append("")

    diagnosis = Section("Diagnosis", list(diagnosis_lines(b)), key="diagnosis")
    findings = Section("Findings", list(finding_lines(b)), noun="finding", key="findings")
    if not b.findings:
        findings.lines.append("No rule found evidence for a cause; see the timeline.")

    timeline = Section("Timeline", noun="event", key="timeline")
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
            f"- `{e.id}` {_clock(e.at, start)} ({marker.strip()}) [{inline(e.source)}] "
            + inline(e.summary)
        )
        timeline.ids.append(e.id)

    responders = Section("Responders and escalation", key="responders")
    if b.responders.fallback:
        for cal in b.responders.on_call:
            users = ", ".join(inline(u.name or u.email or u.id) for u in cal.users)
            name = inline(cal.name or ("default calendar" if cal.default_calendar else cal.id))
            responders.lines.append(
                f"- On call at the start ({name}, fallback: {inline(b.responders.fallback)}): "
                f"{users or 'nobody'}"
            )
    policy = b.responders.policy
    if policy is not None:
        repeat = (
            f"repeats {policy.repeat_count}x every {_dur(policy.repeat_delay)}"
            if policy.repeat_count
            else "no repeat"
        )
        responders.lines.append(f"- Policy '{inline(policy.name)}': {repeat}; who each step paged:")
        responders.lines += [step_line(step) for step in b.responders.paged]
    audit = Section("Detection and escalation audit", list(audit_lines(b)), key="audit")

    blast = Section("Blast radius", noun="related item", key="blast_radius")
    if b.group is not None:
        blast.lines.append(
            f"- Monitor group '{inline(b.group.name)}': {plural(len(b.siblings) + 1, 'monitor')} "
            f"({plural(sum(1 for m in b.siblings if str(m.status) == 'down'), 'other')} down now)"
        )
    for other in sorted(b.related_incidents, key=lambda i: i.started_at or b.window.start):
        rel = ""
        if start and other.started_at:
            delta = (other.started_at - start).total_seconds()
            rel = f"T{'+' if delta >= 0 else '-'}{_dur(abs(delta))}"
        kind = "heartbeat" if other.heartbeat_id and not other.monitor_id else "monitor"
        blast.lines.append(
            f"- {rel} {kind} incident {inline(other.id)} '{inline(other.name)}': "
            f"{inline(other.cause) or '?'} ({inline(other.status) or '?'})"
        )
    for hb in b.related_heartbeats:
        blast.lines.append(f"- Heartbeat '{inline(hb.name)}' status {inline(hb.status) or '?'}")
    if b.history:
        blast.lines.append(
            f"- {plural(len(b.history), 'earlier incident')} of the same source since "
            f"{_t(b.window.history_start)}:"
        )
        for e in b.timeline:
            if e.kind == "earlier_incident":
                blast.lines.append(f"  - `{e.id}` {_t(e.at)} {inline(e.summary)}")

    similar = Section(
        "Similar past incidents", list(similar_lines(b)), noun="incident", key="similar"
    )
    checks = Section(
        "Checked and ruled out / could not check", list(check_lines(b)), "check", key="checks"
    )

    status = Section("Status page communication", key="status_pages")
    for ctx in b.status_pages:
        page = inline(ctx.page.company_name or ctx.page.subdomain or ctx.page.id)
        shown = ", ".join(inline(r.public_name or r.resource_id) for r in ctx.resources)
        status.lines.append(f"- Page '{page}' shows: {shown}; {plural(len(ctx.reports), 'report')}")
        for report in ctx.reports:
            status.lines.append(
                f"  - {inline(report.report_type)} report '{inline(report.title)}' from "
                f"{_t(report.starts_at)}"
                f", {plural(len(report.status_updates), 'update')}"
            )
    if not b.status_pages:
        if any(g.source == "status_pages" for g in b.gaps):
            status.lines.append("- Status pages could not be collected (see Gaps).")
        else:
            kind = "heartbeat" if inc.heartbeat_id and not inc.monitor_id else "monitor"
            status.lines.append(f"- No status page shows this {kind}.")

    routing = Section("Routing", key="routing")
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
            f"- Outgoing webhook '{inline(hook.name)}' ({inline(hook.trigger_type)}) -> "
            + inline(hook.url)
            + (f" on {', '.join(triggers)}" if triggers else "")
        )
    for mail in b.routing.email_integrations:
        routing.lines.append(f"- Email integration '{inline(getattr(mail, 'name', mail.id))}'")
    for incoming in b.routing.incoming_webhooks:
        routing.lines.append(
            f"- Incoming webhook '{inline(getattr(incoming, 'name', incoming.id))}'"
        )

    gaps = Section("Gaps", noun="gap", key="gaps")
    for gap in b.gaps:
        gaps.lines.append(f"- {inline(gap.source)}: {inline(gap.error)}: {inline(gap.message)}")
    for note in b.notes:
        gaps.lines.append(f"- note: {inline(note)}")

    return head, [
        diagnosis,
        findings,
        timeline,
        responders,
        audit,
        blast,
        similar,
        status,
        checks,
        routing,
        gaps,
    ]


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
_NOTE_ROOM = 40
_SHORTENED = " … (rest omitted)"
#: Under a tight budget the top finding keeps at least this much of its line.
_ESSENTIAL = 160


def _compose(  # noqa: PLR0917
    head: list[str],
    parts: list[Section],
    head_n: int,
    shown_n: dict[int, int],
    shown: frozenset[str],
    short: dict[tuple[int, int], str],
) -> tuple[list[str], list[str]]:
    """The text's lines for a selection, and the sections left out whole."""
    out = list(head[:head_n])
    if head_n == len(head) and head and head[-1] != "":
        out.append("")
    omitted: list[str] = []
    for k, sec in enumerate(parts):
        if not sec.lines:
            continue
        n = shown_n.get(k, 0)
        if n == 0:
            omitted.append(sec.title.lower())
            continue
        if out and out[-1] != "":
            out.append("")
        out.append(f"## {sec.title}")
        out += [short.get((k, i)) or sec.text(i, shown) for i in range(n)]
        if n < len(sec.lines):
            out.append(f"- … {plural(len(sec.lines) - n, 'more ' + sec.noun)} omitted")
        out.append("")
    return out, omitted


def _shown_ids(parts: list[Section], shown_n: dict[int, int]) -> frozenset[str]:
    return frozenset(
        i for k, sec in enumerate(parts) for i in sec.ids[: shown_n.get(k, 0)] if i is not None
    )


def _shorten(line: str, room: int) -> str | None:
    if len(line) <= room:
        return line
    keep = room - len(_SHORTENED)
    if keep < 20:
        return None
    cut = line[:keep]
    if " " in cut[keep // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:[") + _SHORTENED


def _select(
    head: list[str], parts: list[Section], budget: int, shown: frozenset[str]
) -> tuple[int, dict[int, int], dict[tuple[int, int], str]] | None:
    """Which lines fit: the title, the trigger and the top finding first (shortened if
    need be), then the rest of the head, then every section in order, whole lines only.

    The lines are taken in that one order and the first that does not fit ends the text,
    so a larger budget keeps everything a smaller one kept (a skipped long line would
    otherwise free room for later lines that the next budget up gives back to it)."""
    used = 0
    shown_n: dict[int, int] = {}
    short: dict[tuple[int, int], str] = {}

    def opened(k: int) -> int:
        # a section's heading, its blank line after, and room for its "omitted" marker
        sec = parts[k]
        marker = f"- … {plural(len(sec.lines), 'more ' + sec.noun)} omitted"
        return len(sec.title) + 4 + len(marker) + 1

    if not head or len(head[0]) + 1 > budget:
        return None
    used += len(head[0]) + 2
    head_n = 1
    keys = [sec.key for sec in parts]
    essential = [
        k for k in (keys.index(n) for n in ("diagnosis", "findings") if n in keys) if parts[k].lines
    ]
    # The diagnosis' first line (the trigger) and the top finding. Both are reserved
    # before either is placed; the trigger leaves the top finding room for its start, and
    # while the trigger is shortened the finding gets exactly that room, so neither ever
    # shrinks as the budget grows.
    room = budget - used - sum(opened(k) + 1 for k in essential)
    reserve = min(len(parts[essential[-1]].text(0, shown)), _ESSENTIAL) if essential else 0
    cut = False
    for n, k in enumerate(essential):
        full = parts[k].text(0, shown)
        if n == 0 and len(essential) == 2:
            line = _shorten(full, room - reserve)
        elif len(essential) == 2 and (not shown_n or cut):
            line = _shorten(full, min(room, reserve))
        else:
            line = _shorten(full, room)
        if line is None:
            cut = True
            continue
        if line != full:
            short[(k, 0)] = line
            cut = True
        room -= len(line)
        used += opened(k) + len(line) + 1
        shown_n[k] = 1
    if cut:  # even the essentials did not fit whole: nothing else follows them
        return head_n, shown_n, short
    for line in head[1:]:
        if used + len(line) + 1 > budget:
            return head_n, shown_n, short
        used += len(line) + 1
        head_n += 1
    for k, sec in enumerate(parts):
        if not sec.lines:
            continue
        n = shown_n.get(k, 0)
        opening = 0 if n else opened(k)
        while n < len(sec.lines):
            cost = opening + len(sec.text(n, shown)) + 1
            if used + cost > budget:
                return head_n, shown_n, short
            used += cost
            opening = 0
            n += 1
            shown_n[k] = n
    return head_n, shown_n, short


def _finish(out: list[str], omitted: list[str], max_chars: int) -> str | None:
    """The text with its closing note; None when the note does not fit."""
    note = "_Omitted for length: " + (", ".join(omitted) if omitted else "see markers") + "._"
    text = "\n".join(out).rstrip("\n")
    if len(text) + 2 + len(note) > max_chars:
        note = f"_Omitted for length: {plural(len(omitted), 'section')}._"
    if len(text) + 2 + len(note) > max_chars:
        return None
    text = f"{text}\n\n{note}" if text else note
    return text + "\n" if len(text) < max_chars else text


def render_markdown(
    bundle: IncidentBundle,
    max_chars: int | None = None,
    sections: Collection[str] | None = None,
) -> str:
    chosen = select_sections(sections)
    head, parts = _sections(bundle)
    parts = [sec for sec in parts if sec.key in chosen]
    every = {k: len(sec.lines) for k, sec in enumerate(parts)}
    all_ids = _shown_ids(parts, every)
    full_lines, _ = _compose(head, parts, len(head), every, all_ids, {})
    text = "\n".join(full_lines).rstrip() + "\n"
    if max_chars is None or len(text) <= max_chars:
        return text
    if max_chars <= 0:
        return ""
    budget = max_chars - _NOTE_ROOM
    best: str | None = None
    shown: frozenset[str] = frozenset()  # first pass: every citation inline (the longest)
    for _ in range(2):
        picked = _select(head, parts, budget, shown)
        if picked is None:
            break
        head_n, shown_n, short = picked
        visible = _shown_ids(parts, shown_n)
        out, omitted = _compose(head, parts, head_n, shown_n, visible, short)
        candidate = _finish(out, omitted, max_chars)
        if candidate is not None and _cites_only(candidate, visible):
            best = candidate
        shown = visible
    if best is None:
        kept = _fit(head, max_chars - len("\n_Rest omitted._"))
        closing = (kept + "\n_Rest omitted._") if kept else ""
        return closing if len(closing) <= max_chars else _fit(head, max_chars)
    return best


def _cites_only(text: str, visible: frozenset[str]) -> bool:
    """Every event id the text cites in brackets is one it shows."""
    for match in re.finditer(r"\[((?:e\d+(?:, )?)+)(?:[;\]…])", text):
        if any(i not in visible for i in match.group(1).split(", ") if i):
            return False
    return True
