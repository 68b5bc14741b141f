"""(k) ``heartbeat_due``: the hourly ledger reconciliation job stopped checking in.

Its heartbeat expects a check-in every hour with 5 min of grace; the one due 5 min before
the incident never came. The trap: a monitor of another group returned a 502 four minutes
before the start (it precedes the start, but it is another thing failing for another
reason; the heartbeat's due time precedes it).
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_502, C_HEARTBEAT, HEARTBEAT_ID_BASE
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import HOUR, iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id

SPEC = ScenarioSpec(
    key="heartbeat_due",
    letter="k",
    title="Hourly ledger reconciliation job missed its check-in",
    root_cause=(
        "The hourly ledger reconciliation job did not check in: the check-in due five "
        "minutes before the incident (period 1 h, grace 5 min) never came."
    ),
    expected_rules=("cause_heartbeat_missed",),
    forbidden_rules=("heartbeat_stopped", "shared_failure", "cause_http_5xx", "config_changed"),
    starts_before_reference=84 * HOUR,
    trap="an unrelated monitor's 502 four minutes before the start",
)

HEARTBEAT = 2  # becomes ledger-reconcile
PERIOD, GRACE = 3600, 300
ACK_SECONDS = 6 * 60
BLIP = (3, 1, -240)  # group "Search", its second monitor, 4 min before the start: a 502


def cast(stage: Stage) -> Cast:
    hb = stage.heartbeats[HEARTBEAT]
    hb.name, hb.period, hb.grace, hb.policy_id = "ledger-reconcile", PERIOD, GRACE, 45601
    return Cast(heartbeats=(hb.index,))


def plant(stage: Stage, cast: Cast) -> None:
    k = stage.start_of(SPEC)
    responder = stage.paged(k + ACK_SECONDS).name
    stage.log.add(
        k,
        -1 - cast.heartbeats[0],
        50 * 60,
        ACK_SECONDS,
        C_HEARTBEAT,
        extra=IncidentExtra(scenario=SPEC.key, acknowledged_by=responder, resolved_by=None),
    )
    group, pos, off = BLIP
    other = stage.group_monitors(group)[pos]
    stage.log.add(
        k + off, other.index, 150, -1, C_502, extra=IncidentExtra(scenario=f"{SPEC.key}:blip")
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    start = incidents.starts[i]
    return {
        "heartbeat_id": str(HEARTBEAT_ID_BASE + HEARTBEAT),
        "period_seconds": PERIOD,
        "grace_seconds": GRACE,
        "due_at": iso(start - GRACE),
        "last_check_in_by": iso(start - GRACE - PERIOD),
        "blip_incident_id": incident_id(incidents.by_scenario[f"{SPEC.key}:blip"][0]),
    }


PLAY = Play(SPEC, cast, plant, facts)
