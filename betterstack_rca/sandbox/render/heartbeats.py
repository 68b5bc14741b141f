"""Heartbeats."""

from __future__ import annotations

from betterstack_rca.sandbox.model.constants import HEARTBEAT_GROUP_ID_BASE
from betterstack_rca.sandbox.model.records import HeartbeatRec
from betterstack_rca.sandbox.render.base import Obj, View


def heartbeat(v: View, h: HeartbeatRec) -> Obj:
    a = v.account
    status = "down" if (-1 - h.index) in v.open_sources() else "up"
    return {
        "id": str(h.id),
        "type": "heartbeat",
        "attributes": {
            "url": f"https://uptime.betterstack.com/api/v1/heartbeat/{h.token}",
            "name": h.name,
            "period": h.period,
            "grace": h.grace,
            "call": False,
            "sms": False,
            "email": True,
            "push": True,
            "critical_alert": False,
            "team_wait": 180,
            "heartbeat_group_id": HEARTBEAT_GROUP_ID_BASE + h.group,
            "team_name": a.team_name,
            "sort_index": None,
            "paused": False,
            "paused_at": None,
            "policy_id": h.policy_id,
            "maintenance_from": None,
            "maintenance_to": None,
            "maintenance_timezone": None,
            "maintenance_days": None,
            "created_at": v.t(h.created, h.id),
            "updated_at": v.t(h.updated, h.id + 1),
            "status": status,
        },
    }
