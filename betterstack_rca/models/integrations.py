"""Outgoing webhooks (with their custom template), e-mail and incoming-webhook integrations.

https://betterstack.com/docs/uptime/api/create-outgoing-webhook-integration/
https://betterstack.com/docs/uptime/api/outgoing-webhook-integrations-response-params/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

from pydantic import Field

from ._base import (
    AlertSettings,
    BetterStackModel,
    Id,
    JsonApiResource,
    OpenEnum,
    UTCDateTime,
    find_included,
    relationship_id,
)

__all__ = [
    "CustomWebhookTemplate",
    "EmailIntegration",
    "HeaderTemplate",
    "IncomingWebhook",
    "OutgoingWebhook",
    "TriggerType",
]


class TriggerType(OpenEnum):
    """What an outgoing webhook fires on."""

    INCIDENT_CHANGE = "incident_change"
    ON_CALL_CHANGE = "on_call_change"
    MONITOR_CHANGE = "monitor_change"


class HeaderTemplate(BetterStackModel):
    """A header a custom webhook template sends (values may hold ``$VARIABLES``)."""

    name: str | None = None
    """Header name."""
    value: str | None = None
    """Header value (may hold credentials: redact before sharing)."""


class CustomWebhookTemplate(BetterStackModel):
    """How a custom outgoing webhook request is built (``$VARIABLE`` placeholders)."""

    id: Id | None = None
    """Template id, when it came from ``included``."""
    type: str | None = None
    """JSON:API type of the template, when it came from ``included``."""
    http_method: str | None = None
    """get, post, put, patch or head."""
    auth_username: str | None = None
    """Basic-auth user sent with the webhook."""
    auth_password: str | None = None
    """Basic-auth password sent with the webhook (secret: redact before sharing)."""
    headers_template: list[HeaderTemplate] | None = None
    """Headers sent with the webhook."""
    body_template: str | dict[str, Any] | list[Any] | None = None
    """Request body: a string or a JSON structure with ``$VARIABLE`` placeholders."""


class OutgoingWebhook(JsonApiResource):
    """An outgoing webhook integration (``GET /api/v2/outgoing-webhooks/{id}``)."""

    api_types: ClassVar[tuple[str, ...]] = ("outgoing_webhook",)

    type: str = "outgoing_webhook"
    """JSON:API resource type, ``outgoing_webhook``."""
    name: str | None = None
    """Integration name."""
    url: str | None = None
    """Where Better Stack POSTs (may embed a token: redact query strings)."""
    trigger_type: Annotated[TriggerType | str, Field(union_mode="left_to_right")] | None = None
    """incident_change, on_call_change or monitor_change."""
    team_name: str | None = None
    """Name of the owning team."""
    on_incident_started: bool | None = None
    """Fires when an incident starts."""
    on_incident_acknowledged: bool | None = None
    """Fires when an incident is acknowledged."""
    on_incident_resolved: bool | None = None
    """Fires when an incident is resolved."""
    on_incident_reopened: bool | None = None
    """Fires when an incident is reopened."""
    on_incident_comment: bool | None = None
    """Fires when an incident is commented on."""
    notify_alongside_primary_responder: bool | None = None
    """Fires alongside the primary responder instead of as an escalation step."""
    custom_webhook_template_id: Id | None = None
    """Id of the custom template (``relationships.custom_webhook_template``), if any."""
    custom_webhook_template: CustomWebhookTemplate | None = None
    """The custom template, resolved from ``included`` when present."""

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        rels = flat.get("relationships")
        template_id = relationship_id(rels, "custom_webhook_template")
        if template_id is not None and flat.get("custom_webhook_template_id") is None:
            flat["custom_webhook_template_id"] = template_id
        if "custom_webhook_template" in flat:
            return
        if template_id is not None:
            obj = find_included(included, ("custom_webhook_template",), template_id)
            if obj is not None:
                flat["custom_webhook_template"] = JsonApiResource.flatten(obj)
                return
        inline = flat.get("custom_webhook_template_attributes")
        if isinstance(inline, Mapping):
            flat["custom_webhook_template"] = dict(inline)


class _AlertingIntegration(AlertSettings, JsonApiResource):
    """Fields shared by e-mail and incoming-webhook integrations."""

    name: str | None = None
    """Integration name."""
    team_name: str | None = None
    """Name of the owning team."""
    policy_id: Id | None = None
    """Escalation policy id; when set, the call/sms/email/push flags are ignored."""
    team_wait: float | None = None
    """Seconds to wait before escalating to the whole team."""
    recovery_period: float | None = None
    """Seconds without new alerts before an incident auto-resolves."""
    paused: bool | None = None
    """Whether the integration is paused."""
    started_rule_type: str | None = None
    """How started-incident rules combine (e.g. ``any``/``all``)."""
    acknowledged_rule_type: str | None = None
    """How acknowledged-incident rules combine."""
    resolved_rule_type: str | None = None
    """How resolved-incident rules combine."""
    started_rules: list[Any] | None = None
    """Rules that start an incident (raw)."""
    acknowledged_rules: list[Any] | None = None
    """Rules that acknowledge an incident (raw)."""
    resolved_rules: list[Any] | None = None
    """Rules that resolve an incident (raw)."""
    created_at: UTCDateTime | None = None
    """When it was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When it last changed (UTC)."""


class EmailIntegration(_AlertingIntegration):
    """An e-mail integration: incidents from inbound e-mail (``GET /api/v2/email-integrations``)."""

    api_types: ClassVar[tuple[str, ...]] = ("email_integration",)

    type: str = "email_integration"
    """JSON:API resource type, ``email_integration``."""
    email_address: str | None = None
    """The inbound address that creates incidents."""


class IncomingWebhook(_AlertingIntegration):
    """An incoming webhook integration (``GET /api/v2/incoming-webhooks``)."""

    api_types: ClassVar[tuple[str, ...]] = ("incoming_webhook",)

    type: str = "incoming_webhook"
    """JSON:API resource type, ``incoming_webhook``."""
    url: str | None = None
    """The inbound URL that creates incidents (embeds a token: redact before sharing)."""
