"""(g) ``heartbeat_incident``: the nightly invoice export did not run (no monitor involved)."""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_HEARTBEAT, HEARTBEAT_ID_BASE
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="heartbeat_incident",
    letter="g",
    title="Nightly invoice export missed its heartbeat",
    root_cause="The nightly invoice export job did not run, so its heartbeat was missed.",
    expected_rules=("cause_heartbeat_missed",),
    forbidden_rules=("shared_failure", "partial_regions", "cause_http_5xx", "latency_rising"),
    starts_before_reference=5 * DAY + 2 * HOUR,
)

HEARTBEAT = 1  # becomes nightly-invoice-export (in the "Batch jobs" heartbeat group)
ACK_SECONDS = 9 * 60


def cast(stage: Stage) -> Cast:
    hb = stage.heartbeats[HEARTBEAT]
    hb.name, hb.period, hb.grace, hb.policy_id = "nightly-invoice-export", 86400, 900, 45601
    return Cast(heartbeats=(hb.index,))


def plant(stage: Stage, cast: Cast) -> None:
    g = stage.start_of(SPEC)
    responder = stage.paged(g + ACK_SECONDS).name
    stage.log.add(
        g,
        -1 - cast.heartbeats[0],
        47 * 60,
        ACK_SECONDS,
        C_HEARTBEAT,
        extra=IncidentExtra(scenario=SPEC.key, acknowledged_by=responder, resolved_by=responder),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    return {"heartbeat_id": str(HEARTBEAT_ID_BASE + HEARTBEAT)}


PLAY = Play(SPEC, cast, plant, facts)
