"""(a) ``database_backup``, the headline: the backup hung, locked the database, the API fell.

The ``db-backup`` heartbeat is missed 5 min before the API group's first monitor fails;
three more of its monitors fail within 3 min. The on-call person acknowledges after 6 min
and comments; the status page report goes up 12 min after the start.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import (
    C_503,
    C_HEARTBEAT,
    C_TIMEOUT,
    HEARTBEAT_ID_BASE,
    MONITOR_GROUP_ID_BASE,
)
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra, ReportRec, UpdateRec
from betterstack_rca.sandbox.model.timestamps import iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id, monitor_id

SPEC = ScenarioSpec(
    key="database_backup",
    letter="a",
    title="API outage after the database backup heartbeat stopped",
    root_cause=(
        "The nightly database backup hung and locked the primary database, so its "
        "heartbeat stopped and four API monitors that depend on the database failed."
    ),
    expected_rules=("heartbeat_stopped", "shared_failure", "status_page_late"),
    forbidden_rules=(
        "maintenance_window",
        "not_acknowledged",
        "status_page_silent",
        "partial_regions",
        "config_changed",
        "recurrence",
    ),
    starts_before_reference=50 * 60,
)

API_GROUP = 0  # the "API" monitor group
HEARTBEAT = 0  # becomes db-backup (in the "Database" heartbeat group)
POLICY_ID = 45602  # "API critical"
HEARTBEAT_LEAD = 300  # the heartbeat incident starts this long before the headline
ACK_SECONDS = 360
# The other failing API monitors: (seconds after the start, cause).
SIBLINGS = ((50, C_503), (110, C_TIMEOUT), (170, C_503))
STATUS_PAGE_ID = 150001
STATUS_REPORT_ID = 880001
STATUS_PAGE_DELAY = 720  # the first status update, after the start
URL_SECRET = "SECRET-q-api3healthcheck"


def cast(stage: Stage) -> Cast:
    """The first six monitors of the API group and the db-backup heartbeat."""
    api = stage.group_monitors(API_GROUP)[:6]
    for k, mon in enumerate(api):
        stage.recast(
            mon, f"API {k + 1} health", f"https://api-{k + 1}.example.com/health", POLICY_ID
        )
    api[2].url = f"https://api-3.example.com/health?token={URL_SECRET}"
    stage.secrets.append(URL_SECRET)
    hb = stage.heartbeats[HEARTBEAT]
    hb.name, hb.period, hb.grace, hb.policy_id = "db-backup", 3600, 300, 45601
    return Cast(monitors=tuple(m.index for m in api), heartbeats=(hb.index,))


def plant(stage: Stage, cast: Cast) -> None:
    a = stage.start_of(SPEC)
    api = cast.monitors
    on_call = stage.paged(a)
    stage.log.add(
        a - HEARTBEAT_LEAD,
        -1 - cast.heartbeats[0],
        35 * 60 + HEARTBEAT_LEAD,
        8 * 60 + HEARTBEAT_LEAD,
        C_HEARTBEAT,
        extra=IncidentExtra(
            scenario="database_backup:heartbeat", acknowledged_by=on_call.name, resolved_by=None
        ),
    )
    headline = IncidentExtra(
        scenario=SPEC.key,
        acknowledged_by=on_call.name,
        resolved_by=on_call.name,
        metadata={
            "Service": [{"type": "String", "value": "public-api"}],
            "Runbook": [{"type": "String", "value": "https://wiki.example.com/runbooks/api"}],
        },
        comments=(
            (480, "Probably related to the db-backup heartbeat alert a few minutes ago.", None),
            (600, "Backup job is holding a lock on the primary; killing it now.", on_call),
        ),
        response_content="<html><body><h1>503 Service Unavailable</h1></body></html>",
    )
    stage.log.add(a, api[0], 31 * 60, ACK_SECONDS, C_503, extra=headline)
    for k, (off, cause) in enumerate(SIBLINGS, start=1):
        stage.log.add(
            a + off,
            api[k],
            30 * 60 - off + 60 * k,
            420 - off + 30 * k,
            cause,
            extra=IncidentExtra(scenario="database_backup:sibling", acknowledged_by=on_call.name),
        )


def reports(stage: Stage) -> tuple[ReportRec, ...]:
    a = stage.start_of(SPEC)
    rid = STATUS_REPORT_ID
    return (
        ReportRec(
            rid,
            STATUS_PAGE_ID,
            "Elevated API error rates",
            "manual",
            a + STATUS_PAGE_DELAY,
            a + 32 * 60,
            (770001,),  # the "Public API" resource (the API monitor group)
            (
                UpdateRec(
                    990001,
                    rid,
                    "We are investigating elevated error rates on the public API.",
                    a + STATUS_PAGE_DELAY,
                    "downtime",
                ),
                UpdateRec(
                    990002,
                    rid,
                    "A database maintenance job locked the primary database. "
                    "We stopped it and the API is recovering.",
                    a + 25 * 60,
                    "degraded",
                ),
                UpdateRec(990003, rid, "The API is fully operational.", a + 32 * 60, "resolved"),
            ),
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    start = incidents.starts[i]
    hb_i = incidents.by_scenario["database_backup:heartbeat"][0]
    sib = incidents.by_scenario["database_backup:sibling"]
    report = reports(stage)[0]
    return {
        "ack_seconds": ACK_SECONDS,
        "acknowledged_by": incidents.extras[i].acknowledged_by,
        "on_call_email": stage.paged(start).email,
        "status_page_delay_seconds": STATUS_PAGE_DELAY,
        "status_page_id": str(STATUS_PAGE_ID),
        "status_report_id": str(STATUS_REPORT_ID),
        "status_report_first_update_at": iso(report.updates[0].published_at),
        "heartbeat_incident_id": incident_id(hb_i),
        "heartbeat_id": str(HEARTBEAT_ID_BASE + HEARTBEAT),
        "heartbeat_lead_seconds": start - incidents.starts[hb_i],
        "monitor_group_id": str(MONITOR_GROUP_ID_BASE + API_GROUP),
        "failed_monitor_ids": tuple(monitor_id(incidents.srcs[j]) for j in [i, *sib]),
        "related_incident_ids": (*(incident_id(j) for j in sib), incident_id(hb_i)),
        "failure_spread_seconds": incidents.starts[sib[-1]] - start,
        "comment_count": len(incidents.extras[i].comments),
        "policy_id": POLICY_ID,
    }


PLAY = Play(SPEC, cast, plant, facts, reports)
