"""How people responded: nobody acknowledged, or the escalation policy went past its first
step.
"""

from __future__ import annotations

from datetime import timedelta

from betterstack_rca.models import EscalationStep
from betterstack_rca.rca.bundle import Finding, IncidentBundle
from betterstack_rca.rca.rules.evidence import ids, matching, minutes, started

#: Unacknowledged for this long (without a policy to tell us better) is worth saying.
ACK_DEFAULT_WAIT = timedelta(minutes=10)


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
            f"Nobody acknowledged it: {state} after {minutes(open_for)} without an "
            "acknowledgement"
            + (f"; the policy ran through all {len(steps)} steps" if all_steps else "")
        ),
        evidence=ids(
            started(b, inc.id)
            + matching(b, lambda e: e.kind in ("notification", "escalation") and not e.related)
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
        evidence=ids(matching(b, lambda e: e.kind == "escalation" and not e.related)),
        data={"steps_reached": len(reached), "steps": len(steps)},
    )
