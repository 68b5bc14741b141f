"""Escalation policies (v2 and v3 shapes) and urgencies."""

from __future__ import annotations

from betterstack_rca.sandbox.model.records import PolicyRec, UrgencyRec
from betterstack_rca.sandbox.render.base import Obj, View


def policy(v: View, p: PolicyRec, version: int = 3) -> Obj:
    steps = [dict(s) for s in p.steps]
    if version == 2:
        # v2 quirk as documented: "steps" sits beside "attributes".
        return {
            "id": str(p.id),
            "type": "policy",
            "attributes": {
                "name": p.name,
                "repeat_count": p.repeat_count,
                "repeat_delay": p.repeat_delay,
                "incident_token": p.incident_token,
            },
            "steps": steps,
        }
    return {
        "id": str(p.id),
        "type": "policy",
        "attributes": {
            "name": p.name,
            "repeat_count": p.repeat_count,
            "repeat_delay": p.repeat_delay,
            "incident_token": p.incident_token,
            "policy_group_id": p.policy_group_id,
            "team_name": v.account.team_name,
            "steps": steps,
        },
    }


def urgency(v: View, u: UrgencyRec) -> Obj:
    return {
        "id": str(u.id),
        "type": "urgency",
        "attributes": {
            "name": u.name,
            "team_name": v.account.team_name,
            "sms": u.sms,
            "call": u.call,
            "email": u.email,
            "push": u.push,
        },
    }
