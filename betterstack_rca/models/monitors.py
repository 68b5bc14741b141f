"""Monitors, monitor groups, response times and availability (SLA) summaries.

https://betterstack.com/docs/uptime/api/get-a-single-monitor/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

from pydantic import AliasChoices, BeforeValidator, Field

from ._base import (
    AlertSettings,
    BetterStackModel,
    Id,
    JsonApiResource,
    LaxStr,
    MaintenanceSettings,
    OpenEnum,
    UTCDateTime,
    relationship_id,
)

__all__ = [
    "Availability",
    "Monitor",
    "MonitorGroup",
    "MonitorResponseTimes",
    "MonitorStatus",
    "MonitorType",
    "RegionResponseTimes",
    "RequestHeader",
    "ResponseTimeSample",
]


class MonitorStatus(OpenEnum):
    """A monitor's state (lowercase on the wire)."""

    PAUSED = "paused"
    PENDING = "pending"
    MAINTENANCE = "maintenance"
    UP = "up"
    VALIDATING = "validating"
    DOWN = "down"


class MonitorType(OpenEnum):
    """What a monitor checks (values from the official Terraform provider)."""

    STATUS = "status"
    EXPECTED_STATUS_CODE = "expected_status_code"
    KEYWORD = "keyword"
    KEYWORD_ABSENCE = "keyword_absence"
    PING = "ping"
    TCP = "tcp"
    UDP = "udp"
    SMTP = "smtp"
    POP = "pop"
    IMAP = "imap"
    DNS = "dns"
    PLAYWRIGHT = "playwright"


def _zero_is_no_group(value: Any) -> Any:
    # Recorded answers send `monitor_group_id: 0` beside `null` for "no group"; as an id
    # it would be looked up (a 404, then a gap in every bundle).
    if isinstance(value, bool):
        return value
    return None if value in (0, "0") else value


GroupId = Annotated[Id | None, BeforeValidator(_zero_is_no_group)]
"""A monitor group id; ``0`` (and ``"0"``) means "no group" and becomes ``None``."""

MonitorStatusValue = Annotated[MonitorStatus | str, Field(union_mode="left_to_right")]
MonitorTypeValue = Annotated[MonitorType | str, Field(union_mode="left_to_right")]


class RequestHeader(BetterStackModel):
    """A custom HTTP header a monitor sends with its check request."""

    id: Id | None = None
    """The header's id."""
    name: str | None = None
    """Header name, e.g. ``Content-Type``."""
    value: str | None = None
    """Header value (may hold credentials: redact before sharing)."""


class Monitor(AlertSettings, MaintenanceSettings, JsonApiResource):
    """An uptime monitor (``GET /api/v2/monitors/{id}``)."""

    api_types: ClassVar[tuple[str, ...]] = ("monitor",)

    type: str = "monitor"
    """JSON:API resource type, ``monitor``."""
    url: str | None = None
    """The checked URL or host."""
    pronounceable_name: str | None = None
    """Human-friendly monitor name (read out in phone alerts)."""
    monitor_type: MonitorTypeValue | None = None
    """Kind of check: status, keyword, ping, tcp, ... (unknown kinds kept as strings)."""
    monitor_group_id: GroupId = None
    """Id of the monitor group this monitor belongs to (``None``: no group; the API also
    says that with ``0``)."""
    last_checked_at: UTCDateTime | None = None
    """When the monitor was last checked (UTC)."""
    status: MonitorStatusValue | None = None
    """Current state: paused, pending, maintenance, up, validating or down."""
    policy_id: Id | None = None
    """Escalation policy id; when set, the call/sms/email/push flags are ignored."""
    expiration_policy_id: Id | None = None
    """Escalation policy used for SSL/domain expiration alerts."""
    team_name: str | None = None
    """Name of the owning team."""
    required_keyword: str | None = None
    """Keyword that must (or must not, for keyword_absence) appear in the response."""
    expected_status_codes: list[int] | None = None
    """HTTP status codes counted as up (expected_status_code monitors)."""
    verify_ssl: bool | None = None
    """Whether the TLS certificate is verified."""
    check_frequency: float | None = None
    """Seconds between checks."""
    request_timeout: float | None = None
    """Request timeout in seconds (milliseconds for server/ping monitors, per Terraform)."""
    recovery_period: float | None = None
    """Seconds the monitor must stay up before an incident auto-resolves."""
    confirmation_period: float | None = None
    """Seconds a failure must persist before an incident is started."""
    team_wait: float | None = None
    """Seconds to wait before escalating to the whole team (null: never)."""
    http_method: str | None = None
    """HTTP method of the check request (lowercase, e.g. ``get``)."""
    request_headers: list[RequestHeader] | None = None
    """Custom request headers sent with each check."""
    request_body: str | None = None
    """Body sent with the check request."""
    follow_redirects: bool | None = None
    """Whether redirects are followed."""
    remember_cookies: bool | None = None
    """Whether cookies are kept between redirects."""
    auth_username: str | None = None
    """Basic-auth user of the check request."""
    auth_password: str | None = None
    """Basic-auth password of the check request (secret: redact before sharing)."""
    port: LaxStr | None = None
    """TCP/UDP/SMTP/... port, as a string."""
    regions: list[str] | None = None
    """Regions the monitor checks from: us, eu, as, au."""
    ip_version: str | None = None
    """Restrict checks to ``ipv4`` or ``ipv6``."""
    proxy_host: str | None = None
    """Proxy used for the check, if any."""
    proxy_port: int | None = None
    """Port of the proxy."""
    paused: bool | None = None
    """Whether the monitor is paused."""
    paused_at: UTCDateTime | None = None
    """When the monitor was paused (UTC), or null."""
    archived_at: UTCDateTime | None = None
    """When the monitor was archived (UTC), or null (seen in webhook payloads)."""
    created_at: UTCDateTime | None = None
    """When the monitor was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the monitor's configuration last changed (UTC)."""
    ssl_expiration: int | None = None
    """Days before TLS certificate expiry to alert (-1: disabled)."""
    domain_expiration: int | None = None
    """Days before domain expiry to alert (-1: disabled)."""
    playwright_script: str | None = None
    """Script of a playwright monitor."""
    scenario_name: str | None = None
    """Scenario name of a playwright monitor."""
    environment_variables: Any = None
    """Environment variables of a playwright monitor (raw)."""

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        if flat.get("policy_id") is None:
            policy = relationship_id(flat.get("relationships"), "policy")
            if policy is not None:
                flat["policy_id"] = policy


class MonitorGroup(JsonApiResource):
    """A group of monitors (``GET /api/v2/monitor-groups/{id}``)."""

    api_types: ClassVar[tuple[str, ...]] = ("monitor_group",)

    type: str = "monitor_group"
    """JSON:API resource type, ``monitor_group``."""
    name: str | None = None
    """Group name."""
    sort_index: int | None = None
    """Position of the group in the dashboard."""
    paused: bool | None = None
    """Whether every monitor of the group is paused."""
    team_name: str | None = None
    """Name of the owning team."""
    created_at: UTCDateTime | None = None
    """When the group was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the group last changed (UTC)."""


class ResponseTimeSample(BetterStackModel):
    """One check's timing breakdown; every duration is in seconds."""

    at: UTCDateTime | None = None
    """When the check ran (UTC)."""
    response_time: float | None = None
    """Total response time in seconds."""
    name_lookup_time: float | None = None
    """DNS lookup time in seconds."""
    connection_time: float | None = None
    """TCP connect time in seconds."""
    tls_handshake_time: float | None = None
    """TLS handshake time in seconds."""
    data_transfer_time: float | None = None
    """Time to transfer the response body, in seconds."""


class RegionResponseTimes(BetterStackModel):
    """Response-time samples of one checking region."""

    region: str | None = None
    """Region code: us, eu, as, au."""
    response_times: list[ResponseTimeSample] = Field(default_factory=list)
    """Samples of the last 24 hours, durations in seconds."""


class MonitorResponseTimes(JsonApiResource):
    """``GET /api/v2/monitors/{id}/response-times``: the last 24 h by region (seconds)."""

    api_types: ClassVar[tuple[str, ...]] = ("monitor_response_times",)

    type: str = "monitor_response_times"
    """JSON:API resource type, ``monitor_response_times``."""
    regions: list[RegionResponseTimes] = Field(default_factory=list)
    """Per-region response-time samples; all durations in seconds."""

    def region(self, name: str) -> RegionResponseTimes | None:
        """The samples of one region, or ``None``."""
        return next((r for r in self.regions if r.region == name), None)


class Availability(JsonApiResource):
    """An availability summary: ``monitor_sla`` (monitors) or ``heartbeat_availability``.

    ``availability`` is a PERCENT (99.98), unlike status-page resources (a fraction).
    """

    api_types: ClassVar[tuple[str, ...]] = ("monitor_sla", "heartbeat_availability")

    availability: float | None = None
    """Availability in the window as a percent, 0-100 (e.g. 99.98), not a fraction."""
    total_downtime: float | None = Field(
        default=None, validation_alias=AliasChoices("total_downtime", "downtime_duration")
    )
    """Total downtime in the window, in seconds (older answers: ``downtime_duration``)."""
    number_of_incidents: int | None = None
    """Number of incidents in the window."""
    longest_incident: float | None = None
    """Duration of the longest incident, in seconds."""
    average_incident: float | None = None
    """Average incident duration, in seconds."""

    @property
    def availability_fraction(self) -> float | None:
        """Availability as a fraction 0-1 (``availability / 100``)."""
        return None if self.availability is None else self.availability / 100.0
