"""How people responded: nobody acknowledged, the policy went past its first step, or a
paged person could not be reached by phone.
"""

from __future__ import annotations

from datetime import timedelta

from betterstack_rca.models import EscalationStep
from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.evidence import (
    Outcome,
    ids,
    matching,
    minutes,
    missing,
    ran,
    skipped,
    started,
)
from betterstack_rca.rca.text import all_of, plural

#: Unacknowledged for this long (without a policy to tell us better) is worth saying.
ACK_DEFAULT_WAIT = timedelta(minutes=10)


def policy_steps(b: IncidentBundle) -> list[tuple[float, EscalationStep]]:
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


def not_acknowledged(b: IncidentBundle) -> Outcome:
    name = "not_acknowledged"
    inc = b.incident
    if inc.started_at is None:
        return skipped(name, "the incident has no start time")
    if inc.acknowledged_at is not None:
        return ran(
            name,
            f"acknowledged after {minutes(inc.acknowledged_at - inc.started_at)}"
            + (f" by {inc.acknowledged_by}" if inc.acknowledged_by else ""),
        )
    end = inc.resolved_at or b.generated_at
    open_for = end - inc.started_at
    steps = policy_steps(b)
    wait = timedelta(seconds=steps[1][0]) if len(steps) > 1 else ACK_DEFAULT_WAIT
    if open_for < max(wait, timedelta(minutes=1)):
        return ran(name, f"unacknowledged, but only for {minutes(open_for)}")
    reached = sum(1 for at, _ in steps if at <= open_for.total_seconds())
    all_steps = bool(steps) and reached == len(steps)
    state = "resolved" if inc.resolved_at else "still open"
    notified = matching(b, lambda e: e.kind in ("notification", "escalation") and not e.related)
    signals = [f"no acknowledgement in {minutes(open_for)}"]
    if all_steps:
        signals.append(f"{all_of(len(steps), 'policy step')} ran")
    elif notified:
        signals.append(f"{plural(len(notified), 'notification')} went out")
    return Finding(
        rule=name,
        role="response",
        confidence=0.65 if all_steps else 0.5,
        summary=(
            f"Nobody acknowledged it: {state} after {minutes(open_for)} without an "
            "acknowledgement"
            + (f"; the policy ran through {all_of(len(steps), 'step', 'its')}" if all_steps else "")
        ),
        evidence=ids(started(b, inc.id) + notified),
        signals=signals,
        data={"open_seconds": open_for.total_seconds(), "steps_reached": reached},
    )


def escalated(b: IncidentBundle) -> Outcome:
    name = "escalated"
    inc = b.incident
    steps = policy_steps(b)
    if b.responders.policy is None:
        return skipped(name, missing(b, "policy"))
    if inc.started_at is None or len(steps) < 2:
        return ran(name, "the policy has a single escalation step")
    end = inc.acknowledged_at or inc.resolved_at or b.generated_at
    elapsed = (end - inc.started_at).total_seconds()
    reached = [(at, step) for at, step in steps if at <= elapsed]
    if len(reached) < 2:
        return ran(name, "handled within the first escalation step")
    members = sorted({str(m.type) for _, s in reached for m in s.step_members if m.type})
    events = matching(b, lambda e: e.kind == "escalation" and not e.related)
    return Finding(
        rule=name,
        role="response",
        confidence=0.45,
        summary=(
            f"Escalated to step {len(reached)} of {len(steps)} of policy "
            f"'{b.responders.policy.name}'"
            + (f" (reaching {', '.join(members)})" if members else "")
        ),
        evidence=ids(events or started(b, inc.id)),
        signals=[f"{len(reached)} steps ran"]
        + (["the timeline shows the escalations"] if events else []),
        data={"steps_reached": len(reached), "steps": len(steps)},
    )


def responder_unreachable(b: IncidentBundle) -> Outcome:
    name = "responder_unreachable"
    paged = [s for s in b.responders.paged if s.members]
    if not paged:
        return skipped(name, b.responders.fallback or missing(b, "policy"))
    misses = [
        (step, member, person)
        for step in paged
        if step.reached is not False
        for member in step.members
        for person in member.people
        if person.reachable_by_phone is False
    ]
    if not misses:
        known = [p for s in paged for m in s.members for p in m.people]
        if not known:
            return skipped(name, "the paged calendars listed nobody, or no person is known")
        return ran(name, "every paged person with call or SMS alerts has a phone number")
    step, member, person = misses[0]
    who = person.name or person.email or "someone"
    where = f" ({member.calendar_name})" if member.calendar_name else ""
    channels = ", ".join(c for c in step.channels if c in ("call", "sms"))
    ack = b.incident.acknowledged_at
    later = ""
    if ack is not None and b.incident.started_at is not None:
        later = f"; it was acknowledged after {minutes(ack - b.incident.started_at)}" + (
            f" by {b.incident.acknowledged_by}" if b.incident.acknowledged_by else ""
        )
    return Finding(
        rule=name,
        role="response",
        confidence=0.55,
        summary=(
            f"Step {step.step} paged {who}{where} by {channels}, but {who} has no phone number: "
            f"calls and SMS could not reach them, only e-mail and push{later}"
        ),
        evidence=ids(
            matching(b, lambda e: e.kind in ("notification", "escalation") and not e.related)[:2]
            or started(b, b.incident.id)
        ),
        signals=["the calendar lists no phone number", f"the step alerts by {channels}"],
        data={
            "step": step.step,
            "person": who,
            "calendar_id": member.calendar_id,
            "unreachable": len(misses),
        },
    )
