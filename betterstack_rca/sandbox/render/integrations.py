"""Outgoing webhooks (with their custom templates), email integrations, incoming webhooks."""

from __future__ import annotations

from betterstack_rca.sandbox.model.records import IntegrationRec, WebhookRec
from betterstack_rca.sandbox.render.base import Obj, View


def webhook(v: View, w: WebhookRec) -> tuple[Obj, list[Obj]]:
    incident = w.trigger_type == "incident_change"
    data = {
        "id": str(w.id),
        "type": "outgoing_webhook",
        "attributes": {
            "name": w.name,
            "url": w.url,
            "trigger_type": w.trigger_type,
            "team_name": v.account.team_name,
            "on_incident_started": incident,
            "on_incident_acknowledged": incident,
            "on_incident_resolved": incident,
            "on_incident_reopened": False,
            "on_incident_comment": False,
            "notify_alongside_primary_responder": False,
        },
        "relationships": {
            "custom_webhook_template": {
                "data": (
                    {"id": str(w.template_id), "type": "custom_webhook_template"}
                    if w.template_id
                    else None
                )
            }
        },
    }
    included = []
    if w.template_id:
        included.append(
            {
                "id": str(w.template_id),
                "type": "custom_webhook_template",
                "attributes": dict(w.template or {}),
            }
        )
    return data, included


def integration(v: View, x: IntegrationRec) -> Obj:
    attrs: Obj = {"name": x.name, "team_name": v.account.team_name}
    if x.kind == "email_integration":
        attrs["email_address"] = x.address
    else:
        attrs["url"] = x.address
    attrs.update(
        {
            "policy_id": x.policy_id,
            "call": False,
            "sms": False,
            "email": True,
            "push": True,
            "critical_alert": False,
            "team_wait": None,
            "recovery_period": 0,
            "paused": False,
            "started_rule_type": "any",
            "started_rules": [],
            "acknowledged_rules": [],
            "resolved_rules": [],
            "created_at": v.t(x.created, x.id),
            "updated_at": v.t(x.created, x.id),
        }
    )
    return {"id": str(x.id), "type": x.kind, "attributes": attrs}
