"""(p) ``regional_tls``: one CDN region kept serving last year's certificate after a renewal;
checks from ``eu`` failed with ``SSL certificate expired`` while us, as and au passed.

The certificate the origin serves is valid for another 80 days (the incident's
``ssl_certificate_expires_at``). The trap: "the certificate expired, renew it": the
failure is one region's edge, not the certificate.

Added after the snapshots were pinned (``shapes_background=False``): the background is
drawn as without it, so its monitor keeps its everyday history; the start is placed where
the monitor and its group are quiet at the default seed.
"""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import C_TLS, REGION_BIT, REGIONS
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import IncidentExtra
from betterstack_rca.sandbox.model.timestamps import DAY, HOUR, iso
from betterstack_rca.sandbox.scenarios.spec import ScenarioSpec
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage

SPEC = ScenarioSpec(
    key="regional_tls",
    letter="p",
    title="SSO login fails TLS from one region only (a stale certificate at one edge)",
    root_cause=(
        "One CDN region kept serving the previous, expired certificate after a renewal: "
        "only eu checks failed TLS; the certificate the others saw is valid for 80 days."
    ),
    expected_rules=("partial_regions", "cause_tls"),
    forbidden_rules=("shared_failure", "config_changed", "maintenance_window", "heartbeat_stopped"),
    starts_before_reference=11 * HOUR,
    trap="'SSL certificate expired' read as the certificate itself expiring",
    shapes_background=False,
)

GROUP, POSITION = 7, 6  # "Auth": its monitor 6 becomes the SSO login page
FAILED_REGIONS = ("eu",)
VALID_FOR = 80 * DAY
DURATION = 47 * 60


def cast(stage: Stage) -> Cast:
    mon = stage.group_monitors(GROUP)[POSITION]
    stage.recast(mon, "SSO login", "https://sso.acme-id.com/login", 45601)
    mon.ssl_expiration = 14
    return Cast(monitors=(mon.index,))


def plant(stage: Stage, cast: Cast) -> None:
    t = stage.start_of(SPEC)
    who = stage.paged(t + 420).name
    stage.log.add(
        t,
        cast.monitors[0],
        DURATION,
        420,
        C_TLS,
        REGION_BIT[FAILED_REGIONS[0]],
        extra=IncidentExtra(
            scenario=SPEC.key,
            acknowledged_by=who,
            resolved_by=who,
            ssl_certificate_expires_at=t + VALID_FOR,
        ),
    )


def facts(stage: Stage, incidents: Incidents, i: int) -> dict[str, object]:
    return {
        "failed_regions": FAILED_REGIONS,
        "monitor_regions": REGIONS,
        "certificate_expires_at": iso(incidents.starts[i] + VALID_FOR),
    }


PLAY = Play(SPEC, cast, plant, facts)
