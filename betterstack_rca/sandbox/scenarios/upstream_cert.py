"""(l) ``upstream_cert``: the payments gateway's TLS certificate expired; the orders API,
which calls it, answered 502 two minutes after the gateway's own monitor failed.

Both hosts are in the DNS zone api.acme-corp.io but in different groups; the causes
differ (TLS first, then a 5xx), as a dependency's failure and its dependant's symptom do.
The trap: the orders API's monitor was edited 25 minutes before (a config change that
precedes the start, but with nothing else behind it).
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_502, C_TLS
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import HOUR, iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id, monitor_id

SPEC = ScenarioSpec(
    key="upstream_cert",
    letter="l",
    title="Orders API returns 502: the payments gateway's certificate expired first",
    root_cause=(
        "The payments gateway's TLS certificate expired; its monitor failed with a TLS "
        "error two minutes before the orders API, which depends on it, started returning 502."
    ),
    expected_rules=("shared_failure", "cause_http_5xx"),
    forbidden_rules=("heartbeat_stopped", "maintenance_window", "partial_regions"),
    starts_before_reference=58 * HOUR,
    trap="a config change of the orders API monitor 25 min before the start",
)

ZONE = "api.acme-corp.io"
OWN = (5, 1)  # "Back office", second monitor: the orders API
UPSTREAM = (7, 1)  # "Auth", second monitor: the payments gateway
UPSTREAM_LEAD = 120
EXPIRED_BEFORE = 600  # the certificate expired this long before the orders API failed
EDITED_BEFORE = 25 * 60


def cast(stage: Stage) -> Cast:
    own = stage.group_monitors(OWN[0])[OWN[1]]
    stage.recast(own, "Orders API", f"https://orders.{ZONE}/health", 45601)
    own.updated = stage.start_of(SPEC) - EDITED_BEFORE
    up = stage.group_monitors(UPSTREAM[0])[UPSTREAM[1]]
    stage.recast(up, "Payments gateway", f"https://pay-gw.{ZONE}/", 45601)
    up.ssl_expiration = 7
    return Cast(monitors=(own.index, up.index))


def plant(stage: Stage, cast: Cast) -> None:
    t = stage.start_of(SPEC)
    who = stage.paged(t + 240).name
    stage.log.add(
        t - UPSTREAM_LEAD,
        cast.monitors[1],
        45 * 60,
        -1,
        C_TLS,
        extra=IncidentExtra(
            scenario=f"{SPEC.key}:upstream", ssl_certificate_expires_at=t - EXPIRED_BEFORE
        ),
    )
    stage.log.add(
        t,
        cast.monitors[0],
        42 * 60,
        240,
        C_502,
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=who,
            resolved_by=who,
            response_content="502 Bad Gateway: upstream pay-gw certificate verify failed",
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    up = incidents.by_scenario[f"{SPEC.key}:upstream"][0]
    return {
        "zone": ZONE,
        "upstream_incident_id": incident_id(up),
        "upstream_monitor_id": monitor_id(incidents.srcs[up]),
        "upstream_lead_seconds": UPSTREAM_LEAD,
        "certificate_expired_at": iso(incidents.starts[i] - EXPIRED_BEFORE),
        "config_changed_seconds_before": EDITED_BEFORE,
    }


PLAY = Play(SPEC, cast, plant, facts)
