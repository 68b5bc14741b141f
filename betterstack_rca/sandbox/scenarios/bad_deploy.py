"""(e) ``bad_deploy``: a deploy made the checkout API slower and slower until it returned 502s.

The monitor's configuration changed 4 min before the start; its response times rise from
every region over the 30 min before (the incident's ``latency_rise``).
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_502
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra, ReportRec, UpdateRec
from betterstack_rca.sandbox.model.timestamps import HOUR, iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="bad_deploy",
    letter="e",
    title="Checkout API returns 502 after a configuration change",
    root_cause=(
        "A deploy (the monitor's configuration changed four minutes before) made the "
        "checkout API progressively slower until it returned 502s."
    ),
    expected_rules=("config_changed", "cause_http_5xx", "latency_rising"),
    forbidden_rules=(
        "maintenance_window",
        "partial_regions",
        "heartbeat_stopped",
        "recurrence",
    ),
    starts_before_reference=16 * HOUR,
)

GROUP = 2  # "Payments": its first monitor becomes the checkout API
CONFIG_CHANGED_BEFORE = 240
LATENCY_RISE_WINDOW = 1800  # response times grow over this long before the start
LATENCY_RISE_FACTOR = 9  # by this much of the baseline: x10 at the start
DURATION = 18 * 60
STATUS_PAGE_ID = 150002
STATUS_REPORT_ID = 880003


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[0]
    stage.recast(mon, "Checkout API", "https://checkout.example.com/api/health", 45601)
    mon.updated = stage.start_of(SPEC) - CONFIG_CHANGED_BEFORE
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    e = stage.start_of(SPEC)
    responder = stage.paged(e).name
    stage.log.add(
        e,
        cast.monitors[0],
        DURATION,
        180,
        C_502,
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=responder,
            resolved_by=responder,
            comments=((720, "Rolled back release 2.14.0; latency back to normal.", None),),
            response_content="<html><body><h1>502 Bad Gateway</h1></body></html>",
            # the gateway gave up on the stalled release after 2.5 s: the latency the
            # response times had climbed to (model.checks reads it for the failing checks)
            metadata={"Request duration": [{"type": "String", "value": "2.512036"}]},
            latency_rise=(LATENCY_RISE_WINDOW, LATENCY_RISE_FACTOR),
        ),
    )


def reports(stage: Stage) -> tuple[ReportRec, ...]:
    """An automatic report on the internal status page, from 1 min after the start."""
    e = stage.start_of(SPEC)
    rid = STATUS_REPORT_ID
    return (
        ReportRec(
            rid,
            STATUS_PAGE_ID,
            "Checkout API is down",
            "automatic",
            e + 60,
            e + DURATION,
            (770022,),  # the "Checkout" resource
            (
                UpdateRec(990021, rid, "Checkout is not responding.", e + 60, "downtime"),
                UpdateRec(990022, rid, "Checkout has recovered.", e + DURATION, "resolved"),
            ),
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    return {
        "config_changed_seconds_before": CONFIG_CHANGED_BEFORE,
        "monitor_updated_at": iso(stage.monitors[incidents.srcs[i]].updated),
        "latency_baseline_seconds": 0.25,
        "latency_before_start_seconds": 2.5,
        "latency_rise_window_seconds": LATENCY_RISE_WINDOW,
    }


PLAY = Play(SPEC, cast, plant, facts, reports)
