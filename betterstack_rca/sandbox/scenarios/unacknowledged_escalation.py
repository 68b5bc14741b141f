"""(f) ``unacknowledged_escalation``: the legacy CRM refused connections; nobody answered.

The alert went through all three steps of "Back office escalation" (0 / 300 / 600 s, all
notified in the timeline) and the incident resolved by itself after 27 min.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_REFUSED
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="unacknowledged_escalation",
    letter="f",
    title="Legacy CRM down; nobody acknowledged through every escalation step",
    root_cause=(
        "The legacy CRM refused connections and the alert was never acknowledged: "
        "the escalation policy ran through all three steps."
    ),
    expected_rules=("not_acknowledged", "escalated"),
    forbidden_rules=("maintenance_window", "shared_failure", "partial_regions"),
    starts_before_reference=4 * DAY + 7 * HOUR,
    trigger_rule="cause_connection",
)

GROUP = 5  # "Back office": its first monitor becomes the CRM login
POLICY_ID = 45603  # "Back office escalation": steps after 0, 300 and 600 s
STEP_WAITS = (0, 300, 600)
DURATION = 27 * 60


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[0]
    stage.recast(mon, "Legacy CRM login", "https://crm.example.com/login", POLICY_ID)
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    f = stage.start_of(SPEC)
    stage.log.add(
        f, cast.monitors[0], DURATION, -1, C_REFUSED, extra=IncidentExtra(scenario=SPEC.key)
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    return {
        "ack_seconds": None,
        "policy_id": POLICY_ID,
        "escalation_steps": len(STEP_WAITS),
        "step_wait_before": STEP_WAITS,
        "resolved_seconds": DURATION,
    }


PLAY = Play(SPEC, cast, plant, facts)
