"""(h) ``wrong_responder``: the ledger database proxy refused connections; the policy paged
the Database calendar's on-call person, who has no phone number, so only step 2 (a named
user) answered.

The trap: the default calendar's on-call person at the start, whom a reader of the default
calendar would name as the responder.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_REFUSED
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import USERS, IncidentExtra
from betterstack_rca.sandbox.model.timestamps import HOUR
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="wrong_responder",
    letter="h",
    title="Ledger DB proxy refused connections; step 1 paged someone calls could not reach",
    root_cause=(
        "The ledger database proxy refused connections. The escalation policy paged the "
        "Database calendar's on-call person, who has no phone number, so the call and SMS "
        "never reached her; the user named in step 2 acknowledged after 7 minutes."
    ),
    expected_rules=("cause_connection", "responder_unreachable", "escalated"),
    forbidden_rules=("shared_failure", "heartbeat_stopped", "maintenance_window", "config_changed"),
    starts_before_reference=28 * HOUR,
    trap="the default calendar's on-call person (not paged by this policy)",
)

GROUP = 9  # "Data platform": its first monitor becomes the ledger DB proxy
POLICY_ID = 45606  # "Ledger on-call": Database calendar, then Carla after 300 s
UNREACHABLE = 6  # Gita Rao (no phone number), on call in "Database" by an override
STEP2_USER = 2  # Carla Jensen, named in step 2
ACK_SECONDS = 420
DURATION = 38 * 60
#: The Database calendar's override (account/oncall.py reads these).
OVERRIDE_BEFORE = 2 * HOUR
OVERRIDE_AFTER = 4 * HOUR


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[0]
    stage.recast(mon, "Ledger DB proxy", "ledger-db.example.com", POLICY_ID, "tcp")
    mon.port = "6432"
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    h = stage.start_of(SPEC)
    carla = USERS[STEP2_USER].name
    stage.log.add(
        h,
        cast.monitors[0],
        DURATION,
        ACK_SECONDS,
        C_REFUSED,
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=carla,
            resolved_by=carla,
            comments=((600, "pgbouncer hit max_client_conn; raised the limit.", USERS[2]),),
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    start = incidents.starts[i]
    return {
        "policy_id": POLICY_ID,
        "step1_calendar_id": "33002",
        "step1_email": USERS[UNREACHABLE].email,
        "step2_email": USERS[STEP2_USER].email,
        "acknowledged_by": USERS[STEP2_USER].name,
        "ack_step": 2,
        "step_at_seconds": (0.0, 300.0),
        "default_on_call_email": stage.paged(start).email,  # the trap
    }


PLAY = Play(SPEC, cast, plant, facts)
