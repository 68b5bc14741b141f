"""Every scenario's play, in letter order, and the steps that run them on a ``Stage``."""

from __future__ import annotations

from types import MappingProxyType

from betterstack_rca.sandbox.model.constants import HEARTBEAT_ID_BASE
from betterstack_rca.sandbox.model.incidents import Incidents
from betterstack_rca.sandbox.model.records import ReportRec
from betterstack_rca.sandbox.model.timestamps import iso
from betterstack_rca.sandbox.scenarios.bad_deploy import PLAY as BAD_DEPLOY
from betterstack_rca.sandbox.scenarios.database_backup import PLAY as DATABASE_BACKUP
from betterstack_rca.sandbox.scenarios.dns_zone import PLAY as DNS_ZONE
from betterstack_rca.sandbox.scenarios.heartbeat_due import PLAY as HEARTBEAT_DUE
from betterstack_rca.sandbox.scenarios.heartbeat_incident import PLAY as HEARTBEAT_INCIDENT
from betterstack_rca.sandbox.scenarios.maintenance import PLAY as MAINTENANCE
from betterstack_rca.sandbox.scenarios.maintenance_overran import PLAY as MAINTENANCE_OVERRAN
from betterstack_rca.sandbox.scenarios.recurring_history import PLAY as RECURRING_HISTORY
from betterstack_rca.sandbox.scenarios.region_blip import PLAY as REGION_BLIP
from betterstack_rca.sandbox.scenarios.regional_tls import PLAY as REGIONAL_TLS
from betterstack_rca.sandbox.scenarios.shared_upstream import PLAY as SHARED_UPSTREAM
from betterstack_rca.sandbox.scenarios.slow_degradation import PLAY as SLOW_DEGRADATION
from betterstack_rca.sandbox.scenarios.spec import Scenario
from betterstack_rca.sandbox.scenarios.stage import Cast, Play, Stage, incident_id, monitor_id
from betterstack_rca.sandbox.scenarios.tls_expiry import PLAY as TLS_EXPIRY
from betterstack_rca.sandbox.scenarios.unacknowledged_escalation import (
    PLAY as UNACKNOWLEDGED_ESCALATION,
)
from betterstack_rca.sandbox.scenarios.upstream_cert import PLAY as UPSTREAM_CERT
from betterstack_rca.sandbox.scenarios.wrong_responder import PLAY as WRONG_RESPONDER

PLAYS: tuple[Play, ...] = (
    DATABASE_BACKUP,
    TLS_EXPIRY,
    REGION_BLIP,
    MAINTENANCE,
    BAD_DEPLOY,
    UNACKNOWLEDGED_ESCALATION,
    HEARTBEAT_INCIDENT,
    WRONG_RESPONDER,
    DNS_ZONE,
    MAINTENANCE_OVERRAN,
    HEARTBEAT_DUE,
    UPSTREAM_CERT,
    RECURRING_HISTORY,
    SHARED_UPSTREAM,
    SLOW_DEGRADATION,
    REGIONAL_TLS,
)


def cast_all(stage: Stage) -> dict[str, Cast]:
    return {play.spec.key: play.cast(stage) for play in PLAYS}


def plant_all(stage: Stage, casts: dict[str, Cast]) -> None:
    for play in PLAYS:
        play.plant(stage, casts[play.spec.key])


def all_reports(stage: Stage) -> tuple[ReportRec, ...]:
    return tuple(r for play in PLAYS for r in play.reports(stage))


def planted(stage: Stage, incidents: Incidents) -> dict[str, Scenario]:
    """The ``Scenario`` (ids and facts) of every play, from the sorted incidents."""
    out: dict[str, Scenario] = {}
    for play in PLAYS:
        spec = play.spec
        i = incidents.by_scenario[spec.key][0]
        start = incidents.starts[i]
        src = incidents.srcs[i]
        facts: dict[str, object] = {"started_at": iso(start)}
        if incidents.durs[i] >= 0:
            facts["resolved_seconds"] = incidents.durs[i]
        facts["ack_seconds"] = incidents.acks[i] if incidents.acks[i] >= 0 else None
        facts.update(play.facts(stage, incidents, i))
        out[spec.key] = Scenario(
            key=spec.key,
            letter=spec.letter,
            title=spec.title,
            root_cause=spec.root_cause,
            incident_id=incident_id(i),
            monitor_id=monitor_id(src) if src >= 0 else None,
            heartbeat_id=str(HEARTBEAT_ID_BASE - 1 - src) if src < 0 else None,
            expected_rules=spec.expected_rules,
            forbidden_rules=spec.forbidden_rules,
            facts=MappingProxyType(facts),
            started_at=iso(start),
            trigger_rule=spec.trigger_rule or spec.expected_rules[0],
            trap=spec.trap,
        )
    return out
