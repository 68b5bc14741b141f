"""Markdown lines for the diagnosis, the checks, the responders per step, the audit and
the similar past incidents (`rca/render.py` lays them out within the budget).

A line that cites timeline events is built by a function of the ids the rendering shows:
an event that was cut is cited inline (its time and what happened) instead of by its id.
Every piece of account text (names, causes, summaries that quote them, check reasons) goes
through `rca.text.inline`, so it can never become Markdown structure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from betterstack_rca.rca.bundle import Check, DiagnosisPart, Finding, IncidentBundle, PagedStep
from betterstack_rca.rca.text import inline, plural

#: A line that depends on which events the rendering shows.
Cited = Callable[[frozenset[str]], str]
#: Events cited inline at most, then "+N more".
INLINE_MAX = 1
INLINE_SUMMARY = 48


def dur(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    return f"{s // 3600}h {(s % 3600) // 60:02d}m"


def clock(at: datetime | None) -> str:
    return at.strftime("%H:%M:%S UTC") if at else "?"


def cite(b: IncidentBundle, evidence: Iterable[str], shown: frozenset[str], limit: int = 6) -> str:
    """`` [e1, e2]`` for events the rendering shows; the others inline, by time and what."""
    ids = list(dict.fromkeys(evidence))
    if not ids:
        return ""
    kept = [i for i in ids if i in shown]
    cut = [i for i in ids if i not in shown]
    parts = kept[:limit]
    if len(kept) > limit:
        parts.append("…")
    cited: list[str] = []
    for event_id in cut[:INLINE_MAX]:
        event = b.event(event_id)
        if event is None:
            continue
        cited.append(f"{event.at:%H:%M:%S} {inline(event.summary, limit=INLINE_SUMMARY)}")
    if len(cut) > INLINE_MAX:
        cited.append(f"+{len(cut) - INLINE_MAX} more")
    return " [" + "; ".join(([", ".join(parts)] if parts else []) + cited) + "]"


def _part_line(b: IncidentBundle, label: str, part: DiagnosisPart | None) -> Cited | None:
    if part is None:
        return None

    def line(shown: frozenset[str]) -> str:
        grade = f" ({part.level} {part.confidence:.2f})" if part.rule else ""
        when = f", {part.at:%H:%M:%S} UTC" if part.at else ""
        rule = f" `{part.rule}`" if part.rule else ""
        summary = inline(part.summary)
        return f"- **{label}**{grade}{when}:{rule} {summary}{cite(b, part.evidence, shown)}"

    return line


def diagnosis_lines(b: IncidentBundle) -> list[Cited]:
    d = b.diagnosis
    out = [
        line
        for line in (
            _part_line(b, "Trigger", d.trigger),
            _part_line(b, "First failure", d.first_failure),
        )
        if line is not None
    ]
    if d.impact is not None:
        impact = d.impact

        def line(shown: frozenset[str]) -> str:
            summary = inline(impact.summary)
            return f"- **Impact**: {summary}{cite(b, impact.evidence, shown, 4)}"

        out.append(line)
    return out


def _finding_line(b: IncidentBundle, n: int, f: Finding) -> Cited:
    def line(shown: frozenset[str]) -> str:
        return (
            f"{n}. **{inline(f.rule)}** ({f.role}, {f.level} {f.confidence:.2f}): "
            f"{inline(f.summary)}"
            f"{cite(b, f.evidence, shown)}"
        )

    return line


def finding_lines(b: IncidentBundle) -> list[Cited]:
    return [_finding_line(b, n, f) for n, f in enumerate(b.findings, 1)]


def _person(p: object) -> str:
    name = inline(getattr(p, "name", None) or getattr(p, "email", None) or "?")
    if getattr(p, "reachable_by_phone", None) is False:
        name += " (no phone number: calls and SMS could not reach them)"
    return name


def step_line(step: PagedStep) -> str:
    when = f"at T+{dur(step.at_seconds)}" if step.at_seconds is not None else ""
    ran = {True: "ran", False: "not reached", None: ""}[step.reached]
    head = f"  - step {step.step} ({inline(step.type)}, {when}{', ' + ran if ran else ''})"
    if step.note and not step.members:
        return f"{head}: {inline(step.note)}"
    members = []
    for m in step.members:
        if m.type == "current_on_call":
            who = ", ".join(_person(p) for p in m.people) or inline(m.note or "nobody")
            members.append(f"on call in {inline(m.calendar_name or m.calendar_id)}: {who}")
        elif m.people:
            members.append(", ".join(_person(p) for p in m.people))
        else:
            members.append(inline(f"{m.type}: {m.note}" if m.note else m.type))
    via = f" via {', '.join(step.channels)}" if step.channels else ""
    sev = f" [{inline(step.severity)}]" if step.severity else ""
    return f"{head}{sev}{via}: " + "; ".join(members)


def audit_lines(b: IncidentBundle) -> list[str]:
    a = b.audit
    d, e, c = a.detection, a.escalation, a.communication
    out = []
    if d.check_frequency is not None:
        region = (d.first_failing_region or "?").upper()
        seen = (
            ""
            if d.lag is None
            else f"; first failing check at the start, from {region}"
            if d.lag <= 0
            else f"; first failing check {dur(d.lag)} before the start, from {region}"
        )
        out.append(
            f"- Detection: checks every {dur(d.check_frequency)}, confirmation "
            f"{dur(d.confirmation_period)}: up to {dur(d.max_lag)} from failure to incident{seen}"
        )
    elif d.period is not None:
        out.append(
            f"- Detection: check-in expected every {dur(d.period)}, grace {dur(d.grace)}; "
            f"the missed check-in was due at {clock(d.due_at)}, the last came at or before "
            f"{d.last_check_in_by:%Y-%m-%d %H:%M UTC}"
            if d.last_check_in_by
            else "- Detection: heartbeat"
        )
    if e.steps is not None:
        at = (
            f"acknowledged at step {e.acknowledged_at_step} of {e.steps}"
            + (
                " (within its wait)"
                if e.acknowledged_within_wait
                else " (after the next step was due)"
            )
            if e.acknowledged_at_step is not None
            else f"not acknowledged ({plural(e.steps, 'step')})"
        )
        waits = ", ".join(f"T+{dur(s)}" for s in e.step_at_seconds)
        out.append(f"- Escalation: {at}; steps run at {waits}")
    if e.channels:
        out.append(f"- Alerted via: {inline(', '.join(e.channels))}")
    if c.updates is not None:
        marked = f"; marked {inline(', '.join(c.resources_marked))}" if c.resources_marked else ""
        out.append(
            f"- Public updates: {c.updates}, first after {dur(c.first_update_after)}, "
            f"longest gap {dur(c.longest_gap)}{marked}"
        )
    return out


def similar_lines(b: IncidentBundle) -> list[str]:
    out = []
    for s in b.similar_incidents:
        traits = ", ".join(f"{k.replace('_', ' ')} +{v}" for k, v in s.matches.items())
        ended = (
            f"resolved after {dur(s.duration)}"
            + (f" by {inline(s.resolved_by)}" if s.resolved_by else " (recovered by itself)")
            if s.duration is not None
            else "still open"
        )
        when = f"{s.started_at:%Y-%m-%d %H:%M}" if s.started_at else "?"
        out.append(
            f"- incident {inline(s.incident_id)} {when} '{inline(s.cause or '?')}' "
            f"score {s.score} ({traits}); "
            f"{ended}"
        )
    return out


def _check_line(c: Check) -> str:
    what = "ruled out" if c.status == "ruled_out" else "could not check"
    return f"- {what}: `{inline(c.name)}`: {inline(c.reason)}"


def check_lines(b: IncidentBundle) -> list[str]:
    rules = [c for c in b.checks if not c.name.startswith("source:")]
    return [_check_line(c) for c in rules if c.status == "ruled_out"] + [
        _check_line(c) for c in rules if c.status == "skipped"
    ]
