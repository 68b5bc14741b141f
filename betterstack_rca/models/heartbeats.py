"""Heartbeats (cron/job check-ins) and heartbeat groups.

https://betterstack.com/docs/uptime/api/get-a-single-hearbeat/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

from pydantic import Field

from ._base import (
    AlertSettings,
    Id,
    JsonApiResource,
    MaintenanceSettings,
    OpenEnum,
    UTCDateTime,
    relationship_id,
)

__all__ = ["Heartbeat", "HeartbeatGroup", "HeartbeatStatus"]


class HeartbeatStatus(OpenEnum):
    """A heartbeat's state (lowercase on the wire)."""

    PAUSED = "paused"
    PENDING = "pending"
    UP = "up"
    DOWN = "down"


HeartbeatStatusValue = Annotated[HeartbeatStatus | str, Field(union_mode="left_to_right")]


class Heartbeat(AlertSettings, MaintenanceSettings, JsonApiResource):
    """A heartbeat (``GET /api/v2/heartbeats/{id}``): alerts when a ping does not arrive."""

    api_types: ClassVar[tuple[str, ...]] = ("heartbeat",)

    type: str = "heartbeat"
    """JSON:API resource type, ``heartbeat``."""
    url: str | None = None
    """The ping URL; it embeds the heartbeat's secret token (redact before sharing)."""
    name: str | None = None
    """Heartbeat name."""
    period: float | None = None
    """Expected seconds between pings."""
    grace: float | None = None
    """Extra seconds tolerated after a missed period before an incident starts."""
    status: HeartbeatStatusValue | None = None
    """State: paused, pending, up or down."""
    team_name: str | None = None
    """Name of the owning team."""
    heartbeat_group_id: Id | None = None
    """Id of the heartbeat group it belongs to."""
    sort_index: int | None = None
    """Position in the dashboard."""
    policy_id: Id | None = None
    """Escalation policy id; when set, the call/sms/email/push flags are ignored."""
    team_wait: float | None = None
    """Seconds to wait before escalating to the whole team (null: never)."""
    server_timezone: str | None = None
    """Time zone of the pinging server."""
    paused: bool | None = None
    """Whether the heartbeat is paused."""
    paused_at: UTCDateTime | None = None
    """When it was paused (UTC), or null."""
    created_at: UTCDateTime | None = None
    """When it was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When its configuration last changed (UTC)."""

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        if flat.get("policy_id") is None:
            policy = relationship_id(flat.get("relationships"), "policy")
            if policy is not None:
                flat["policy_id"] = policy


class HeartbeatGroup(JsonApiResource):
    """A group of heartbeats (``GET /api/v2/heartbeat-groups/{id}``)."""

    api_types: ClassVar[tuple[str, ...]] = ("heartbeat_group", "hearbeat_group")
    # The docs' list example spells the type "hearbeat_group"; read it as the real one.
    type_aliases: ClassVar[Mapping[str, str]] = {"hearbeat_group": "heartbeat_group"}

    type: str = "heartbeat_group"
    """JSON:API resource type, ``heartbeat_group``."""
    name: str | None = None
    """Group name."""
    sort_index: int | None = None
    """Position of the group in the dashboard."""
    paused: bool | None = None
    """Whether every heartbeat of the group is paused."""
    team_name: str | None = None
    """Name of the owning team."""
    created_at: UTCDateTime | None = None
    """When the group was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the group last changed (UTC)."""
