"""(b) ``tls_expiry``: the billing portal's TLS certificate expired 2 h before it went down."""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_TLS
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR, iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="tls_expiry",
    letter="b",
    title="Billing portal down: TLS certificate expired",
    root_cause="The billing portal's TLS certificate expired and was not renewed in time.",
    expected_rules=("cause_tls",),
    forbidden_rules=(
        "maintenance_window",
        "config_changed",
        "partial_regions",
        "heartbeat_stopped",
        "shared_failure",
    ),
    starts_before_reference=2 * DAY + 3 * HOUR,
)

GROUP = 1  # "Website": its first monitor becomes the billing portal
EXPIRED_BEFORE = 2 * HOUR
ACK_SECONDS = 240


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[0]
    stage.recast(mon, "Billing portal", "https://billing.example.com/", 45601)
    mon.ssl_expiration = 14  # days of warning before expiry (it did not help)
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    b = stage.start_of(SPEC)
    responder = stage.paged(b + ACK_SECONDS).name
    stage.log.add(
        b,
        cast.monitors[0],
        55 * 60,
        ACK_SECONDS,
        C_TLS,
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=responder,
            resolved_by=responder,
            ssl_certificate_expires_at=b - EXPIRED_BEFORE,
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    expired = incidents.extras[i].ssl_certificate_expires_at or 0
    return {
        "ssl_certificate_expires_at": iso(expired),
        "expired_seconds_before_start": incidents.starts[i] - expired,
    }


PLAY = Play(SPEC, cast, plant, facts)
