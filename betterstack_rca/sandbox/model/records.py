"""The records a generated account is made of (one dataclass per resource).

Times are epoch seconds. Monitors, heartbeats and their groups carry ``index``, their
position in the account's list; their id is an id base (``constants``) plus that index.
Monitors and heartbeats are mutable: the scenarios recast a few of them after the
inventory is generated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


USERS = (
    User(20451, "Alice", "Nguyen", "alice.nguyen@acme.example.com", "+14155550101"),
    User(20452, "Bob", "Okafor", "bob.okafor@acme.example.com", "+14155550102"),
    User(20453, "Carla", "Jensen", "carla.jensen@acme.example.com", "+4930555010300"),
    User(20454, "Dmitri", "Ivanov", "dmitri.ivanov@acme.example.com", "+4930555010400"),
    User(20455, "Emeka", "Bello", "emeka.bello@acme.example.com", "+61255550105"),
    User(20456, "Farah", "Haddad", "farah.haddad@acme.example.com", "+61255550106"),
    # no phone number: calls and SMS cannot reach her (the wrong_responder scenario)
    User(20457, "Gita", "Rao", "gita.rao@acme.example.com", ""),
)


@dataclass(slots=True)
class MonitorRec:
    index: int
    id: int
    group: int
    name: str
    url: str
    monitor_type: str
    regions: tuple[str, ...]
    check_frequency: int
    request_timeout: int
    created: int
    updated: int
    policy_id: int | None
    auth: tuple[str, str] | None
    headers: tuple[tuple[str, str], ...]
    paused_at: int | None
    maintenance: tuple[str, str, str, tuple[str, ...]] | None
    required_keyword: str | None
    port: str | None
    http_method: str | None
    ssl_expiration: int
    domain_expiration: int
    confirmation_period: int


@dataclass(slots=True)
class HeartbeatRec:
    index: int
    id: int
    group: int
    name: str
    token: str
    period: int
    grace: int
    created: int
    updated: int
    policy_id: int | None
    paused_at: int | None


@dataclass(frozen=True)
class GroupRec:
    index: int
    id: int
    name: str
    created: int
    updated: int


@dataclass(frozen=True)
class PolicyRec:
    id: int
    name: str
    repeat_count: int
    repeat_delay: int
    incident_token: str
    policy_group_id: int | None
    steps: tuple[Mapping[str, object], ...]


@dataclass(frozen=True)
class UrgencyRec:
    id: int
    name: str
    sms: bool
    call: bool
    email: bool
    push: bool


@dataclass(frozen=True)
class CalendarRec:
    id: int
    name: str | None
    default: bool
    rotation_users: tuple[int, ...]  # indexes into USERS; empty = no rotation
    rotation_seconds: int
    rotation_length: int
    rotation_interval: str
    rotation_start: int
    rotation_end: int
    # (event id, start, end, user indexes); overrides take precedence over the rotation
    overrides: tuple[tuple[int, int, int, tuple[int, ...]], ...]

    def on_call_at(self, t: int) -> tuple[int, ...]:
        """User indexes on call at epoch second ``t``."""
        for _eid, s, e, users in self.overrides:
            if s <= t < e:
                return users
        if not self.rotation_users or not (self.rotation_start <= t < self.rotation_end):
            return ()
        n = (t - self.rotation_start) // self.rotation_seconds
        return (self.rotation_users[n % len(self.rotation_users)],)

    def paged_at(self, t: int) -> User:
        """The person alerted at ``t``: the first on call (the first user when nobody is)."""
        users = self.on_call_at(t)
        return USERS[users[0] if users else 0]


@dataclass(frozen=True)
class SectionRec:
    id: int
    status_page: int
    name: str
    position: int


@dataclass(frozen=True)
class ResourceRec:
    id: int
    status_page: int
    section: int
    resource_type: str  # "Monitor" | "MonitorGroup" | "Heartbeat"
    resource_index: int  # index into monitors / groups / heartbeats
    public_name: str
    position: int


@dataclass(frozen=True)
class UpdateRec:
    id: int
    report: int
    message: str
    published_at: int
    status: str


@dataclass(frozen=True)
class ReportRec:
    id: int
    status_page: int
    title: str
    report_type: str
    starts_at: int
    ends_at: int | None
    resources: tuple[int, ...]  # status page resource ids
    updates: tuple[UpdateRec, ...]


@dataclass(frozen=True)
class StatusPageRec:
    id: int
    company_name: str
    subdomain: str
    timezone: str
    password_enabled: bool
    created: int


@dataclass(frozen=True)
class WebhookRec:
    id: int
    name: str
    url: str
    trigger_type: str
    template_id: int | None
    template: Mapping[str, object] | None


@dataclass(frozen=True)
class IntegrationRec:
    id: int
    kind: str  # "email_integration" | "incoming_webhook"
    name: str
    address: str
    policy_id: int | None
    created: int


@dataclass
class IncidentExtra:
    """Scenario-specific attributes of one incident (background incidents have none)."""

    scenario: str = ""
    acknowledged_by: str | None = None
    resolved_by: str | None = None
    regions: tuple[str, ...] | None = None
    metadata: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    comments: tuple[tuple[int, str, User | None], ...] = ()  # (offset seconds, text, user)
    timeline: tuple[tuple[int, str, str, str], ...] = ()  # (offset, item_type, title, content)
    ssl_certificate_expires_at: int | None = None
    response_content: str | None = None
    # (seconds, factor): the monitor's response times grow linearly over this long before the
    # start, by ``factor`` times their baseline (x(1 + factor) at the start)
    latency_rise: tuple[int, float] | None = None
