"""Metadata records: typed values on monitors, a heartbeat and the headline incident."""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import HEARTBEAT_ID_BASE, MONITOR_ID_BASE
from betterstack_rca.sandbox.model.records import USERS
from betterstack_rca.sandbox.model.timestamps import DAY
from betterstack_rca.sandbox.render.base import Obj, View


def metadata_records(v: View) -> list[Obj]:
    a = v.account
    recs: list[tuple[int, str, int, str, list[Obj]]] = []
    for k, mi in enumerate(a.casts["database_backup"].monitors):
        recs.append(
            (
                31000 + k,
                "Monitor",
                MONITOR_ID_BASE + mi,
                "Service",
                [{"type": "String", "value": "public-api"}],
            )
        )
    recs.append(
        (
            31050,
            "Monitor",
            MONITOR_ID_BASE + a.casts["bad_deploy"].monitors[0],
            "Runbook",
            [{"type": "String", "value": "https://wiki.example.com/runbooks/checkout"}],
        )
    )
    recs.append(
        (
            31051,
            "Heartbeat",
            HEARTBEAT_ID_BASE,
            "Owner",
            [{"type": "User", "email": USERS[3].email}],
        )
    )
    head = a.scenarios["database_backup"]
    recs.append(
        (
            31052,
            "Incident",
            int(head.incident_id),
            "Escalation policy",
            [{"type": "Policy", "item_id": "45602", "name": "API critical"}],
        )
    )
    created = a.ref - 60 * DAY
    return [
        {
            "id": str(rid),
            "type": "metadata",
            "attributes": {
                "key": key,
                "values": values,
                "team_name": a.team_name,
                "owner_id": str(oid),
                "owner_type": otype,
                "created_at": v.t(created + rid, rid),
                "updated_at": v.t(created + rid, rid),
            },
        }
        for rid, otype, oid, key, values in recs
    ]
