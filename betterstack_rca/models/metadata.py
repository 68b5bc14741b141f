"""Metadata records and typed metadata values.

v3 (``GET /api/v3/metadata``) sends ``values: [{type, value|item_id|name|email}]``; v2 and the
v2 incident ``metadata`` map send plain strings. Both are normalised to typed values here.
https://betterstack.com/docs/uptime/api/list-all-existing-metadata/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, model_validator

from ._base import (
    BetterStackModel,
    Id,
    JsonApiResource,
    LaxStr,
    OpenEnum,
    UTCDateTime,
    optional_id,
    relationship_data,
)

__all__ = [
    "Metadata",
    "MetadataMap",
    "MetadataValue",
    "MetadataValueType",
    "MetadataValues",
]


class MetadataValueType(OpenEnum):
    """What a typed metadata value refers to."""

    STRING = "String"
    USER = "User"
    TEAM = "Team"
    POLICY = "Policy"
    SCHEDULE = "Schedule"
    SLACK_INTEGRATION = "SlackIntegration"
    LINEAR_INTEGRATION = "LinearIntegration"
    JIRA_INTEGRATION = "JiraIntegration"
    MICROSOFT_TEAMS_WEBHOOK = "MicrosoftTeamsWebhook"
    ZAPIER_WEBHOOK = "ZapierWebhook"
    NATIVE_WEBHOOK = "NativeWebhook"
    PAGER_DUTY_WEBHOOK = "PagerDutyWebhook"


class MetadataValue(BetterStackModel):
    """One typed metadata value: a String scalar or a reference to a user, team, policy..."""

    type: Annotated[MetadataValueType | str, Field(union_mode="left_to_right")] = (
        MetadataValueType.STRING
    )
    """Value kind: ``String`` for a scalar, else the referenced resource's kind."""
    value: LaxStr | None = None
    """The scalar text (``String`` values)."""
    item_id: Id | None = None
    """Id of the referenced resource (non-String values)."""
    name: str | None = None
    """Display name of the referenced resource."""
    email: str | None = None
    """E-mail of a referenced user."""

    @model_validator(mode="before")
    @classmethod
    def _scalar_is_a_string_value(cls, data: Any) -> Any:
        # v2 sends "key": "0.036304" where v3 sends [{"type": "String", "value": "0.036304"}].
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            return {"type": "String", "value": data}
        return data

    @property
    def text(self) -> str | None:
        """The most readable form: value, else name, else email, else item id."""
        return self.value or self.name or self.email or self.item_id


def _as_value_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str | int | float | Mapping) and not isinstance(value, bool):
        return [value]
    return value


MetadataValues = Annotated[list[MetadataValue], BeforeValidator(_as_value_list)]
"""A list of typed values; a lone scalar (v2) or object becomes a one-item list."""

MetadataMap = dict[str, MetadataValues]
"""Incident-style metadata: key -> typed values (v2 plain strings normalised)."""


class Metadata(JsonApiResource):
    """A metadata record attached to a monitor, heartbeat, incident or integration."""

    api_types: ClassVar[tuple[str, ...]] = ("metadata",)

    type: str = "metadata"
    """JSON:API resource type, ``metadata``."""
    key: str | None = None
    """Metadata key, e.g. ``Escalation policy``."""
    values: MetadataValues = Field(default_factory=list)
    """Typed values (v3); a v2 plain ``value`` string is exposed here as a String value."""
    value: LaxStr | None = None
    """The v2 plain string value, as sent (``None`` for v3 records)."""
    owner_id: Id | None = None
    """Id of the resource this record belongs to."""
    owner_type: str | None = None
    """Kind of owner: Monitor, Heartbeat, Incident, WebhookIntegration, EmailIntegration, ..."""
    team_name: str | None = None
    """Name of the owning team."""
    created_at: UTCDateTime | None = None
    """When the record was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the record last changed (UTC)."""

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        if flat.get("values") is None and isinstance(flat.get("value"), str | int | float):
            flat["values"] = [flat["value"]]
        # v2 records may name their owner only as a relationship:
        # "relationships": {"owner": {"data": {"id": "123", "type": "monitor"}}}
        owner = relationship_data(flat.get("relationships"), "owner")
        if flat.get("owner_id") is None and isinstance(owner, Mapping):
            owner_id = optional_id(owner.get("id"))
            if owner_id is not None:
                flat["owner_id"] = owner_id
                kind = owner.get("type")
                if flat.get("owner_type") is None and isinstance(kind, str) and kind:
                    flat["owner_type"] = owner_type_name(kind)

    @property
    def texts(self) -> list[str]:
        """Readable form of every value."""
        return [t for t in (v.text for v in self.values) if t is not None]


def owner_type_name(kind: str) -> str:
    """The attribute spelling of an owner kind: JSON:API ``webhook_integration`` becomes
    ``WebhookIntegration`` (as ``owner_type`` says it); a spelling in capitals is kept."""
    if kind[:1].isupper():
        return kind
    return "".join(part[:1].upper() + part[1:] for part in kind.split("_"))
