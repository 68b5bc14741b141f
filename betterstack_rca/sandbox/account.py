"""The generated demo account: deterministic for (seed, scale, reference_time).

Small resources are plain records; incidents are stored column-wise in ``array`` columns so
that a scale-100 account (200,000+ incidents) stays small. Everything an endpoint returns
that is not stored here (timelines, comments, response times, per-incident details) is
derived on request from ``(seed, id)``, so the same account always serves the same bytes.
"""

from __future__ import annotations

import math
import random
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType

from betterstack_rca.sandbox.scenarios import SCENARIOS, Scenario

TEAM = "Acme Production"
DAY = 86400
HOUR = 3600
REGIONS = ("us", "eu", "as", "au")
REGION_BIT = {"us": 1, "eu": 2, "as": 4, "au": 8}

INCIDENT_ID_BASE = 410_000_000
MONITOR_ID_BASE = 2_100_000
MONITOR_GROUP_ID_BASE = 95_100
HEARTBEAT_ID_BASE = 512_000
HEARTBEAT_GROUP_ID_BASE = 61_000

CAUSES = (
    "Status 500",  # 0
    "Status 502",  # 1
    "Status 503",  # 2
    "Status 504",  # 3
    "Status 404",  # 4
    "Status 429",  # 5
    "Request timeout",  # 6
    "Connection refused",  # 7
    "DNS lookup failed",  # 8
    "SSL certificate expired",  # 9
    "Keyword not found",  # 10
    "Missed heartbeat",  # 11
    "Host unreachable",  # 12
    "Connection reset by peer",  # 13
    "Status 401",  # 14
)
C_500, C_502, C_503, C_504, C_404, C_429, C_TIMEOUT, C_REFUSED, C_DNS, C_TLS = range(10)
C_KEYWORD, C_HEARTBEAT, C_UNREACHABLE, C_RESET, C_401 = range(10, 15)

_HTTP_CAUSES = (C_500, C_502, C_503, C_503, C_504, C_404, C_429, C_TIMEOUT, C_TIMEOUT, C_REFUSED)
_CAUSES_BY_TYPE: dict[str, tuple[int, ...]] = {
    "status": (*_HTTP_CAUSES, C_DNS),
    "expected_status_code": (*_HTTP_CAUSES, C_401),
    "keyword": (*_HTTP_CAUSES, C_KEYWORD, C_KEYWORD),
    "keyword_absence": (*_HTTP_CAUSES, C_KEYWORD),
    "playwright": (*_HTTP_CAUSES, C_KEYWORD),
    "ping": (C_TIMEOUT, C_UNREACHABLE, C_UNREACHABLE),
    "tcp": (C_REFUSED, C_TIMEOUT, C_RESET),
    "smtp": (C_REFUSED, C_TIMEOUT, C_RESET),
    "dns": (C_DNS, C_DNS, C_TIMEOUT),
}
HTTP_TYPES = frozenset(
    ("status", "expected_status_code", "keyword", "keyword_absence", "playwright")
)

_GROUPS = (
    ("API", "api", "/health"),
    ("Website", "www", "/"),
    ("Payments", "pay", "/healthz"),
    ("Search", "search", "/api/health"),
    ("Internal tools", "tools", "/status"),
    ("Back office", "office", "/login"),
    ("Edge", "edge", "/ping"),
    ("Auth", "auth", "/.well-known/openid-configuration"),
    ("Messaging", "mq", "/health"),
    ("Data platform", "data", "/status"),
    ("Mobile backend", "mobile", "/v1/health"),
    ("Partners", "partners", "/api/status"),
)
_HB_GROUPS = ("Database", "Batch jobs", "Cron", "Queues")
_HB_NAMES = {
    "Database": ("db-backup", "db-vacuum", "wal-archive", "replica-lag-check", "db-snapshot"),
    "Batch jobs": ("nightly-invoice-export", "report-builder", "search-reindex", "sitemap"),
    "Cron": ("cert-renewal", "cleanup-tmp", "usage-rollup", "digest-mailer"),
    "Queues": ("queue-drain", "dead-letter-sweeper", "email-worker", "webhook-worker"),
}
_TYPES = (
    ("status", 40),
    ("keyword", 15),
    ("expected_status_code", 10),
    ("ping", 8),
    ("tcp", 8),
    ("dns", 5),
    ("playwright", 4),
    ("keyword_absence", 4),
    ("smtp", 3),
)


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


@dataclass(frozen=True)
class MetadataRec:
    id: int
    owner_type: str
    owner_id: int
    key: str
    values: tuple[Mapping[str, object], ...]
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


def _hex(rng: random.Random, nbytes: int = 8) -> str:
    return f"{rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"


class Account:
    """A generated Better Stack account. Build one with ``generate_account``."""

    def __init__(self, seed: int, scale: int, reference_time: datetime) -> None:
        if scale < 1:
            raise ValueError("scale must be >= 1")
        if reference_time.tzinfo is None:
            raise ValueError("reference_time must be timezone-aware")
        self.seed = seed
        self.scale = scale
        self.reference_time = reference_time.astimezone(timezone.utc).replace(microsecond=0)
        self.ref = int(self.reference_time.timestamp())
        self.team_name = TEAM
        self.users = USERS
        self._lock = threading.Lock()
        self._by_source: dict[int, array[int]] | None = None
        self._secrets: list[str] = []
        rng = random.Random(seed * 7919 + scale)
        self._generate_static(rng)
        self._generate_incidents(rng)

    # ------------------------------------------------------------------ static resources
    def _generate_static(self, rng: random.Random) -> None:
        ref, scale = self.ref, self.scale
        history = 28 * DAY * scale
        self.urgencies = (
            UrgencyRec(8201, "High Severity", True, True, True, True),
            UrgencyRec(8202, "Low Severity", False, False, True, False),
            UrgencyRec(8203, "Critical", True, True, True, True),
        )
        self.policy_groups = {7101: "Production", 7102: "Internal"}

        def token() -> str:
            t = f"SECRET-inc-{_hex(rng)}"
            self._secrets.append(t)
            return t

        step = self._step
        self.policies = (
            PolicyRec(
                45601,
                "Default escalation",
                2,
                1800,
                token(),
                None,
                (step(0, 8201, "current_on_call"), step(900, 8201, "entire_team")),
            ),
            PolicyRec(
                45602,
                "API critical",
                3,
                600,
                token(),
                7101,
                (
                    step(0, 8203, "current_on_call", "all_slack_integrations"),
                    step(600, 8203, "entire_team"),
                ),
            ),
            PolicyRec(
                45603,
                "Back office escalation",
                0,
                0,
                token(),
                7102,
                (
                    step(0, 8201, "current_on_call"),
                    step(300, 8201, "entire_team"),
                    step(600, 8203, "all_slack_integrations", "entire_team"),
                ),
            ),
            PolicyRec(
                45604,
                "Business hours routing",
                1,
                900,
                token(),
                7101,
                (
                    {
                        "type": "time_branching",
                        "wait_before": 0,
                        "timezone": "Prague",
                        "days": ["mon", "tue", "wed", "thu", "fri"],
                        "time_from": "09:00",
                        "time_to": "17:00",
                        "policy_id": 45605,
                    },
                    step(0, 8201, "current_on_call"),
                ),
            ),
            PolicyRec(
                45605,
                "Low priority",
                0,
                0,
                token(),
                7102,
                (step(0, 8202, "all_slack_integrations"),),
            ),
        )
        self.policy_by_id = {p.id: p for p in self.policies}

        # Monitor groups and monitors.
        n_groups = 12 * scale
        self.groups = tuple(
            GroupRec(
                g,
                MONITOR_GROUP_ID_BASE + g,
                _GROUPS[g % 12][0] + ("" if g < 12 else f" {g // 12 + 1}"),
                ref - history - 400 * DAY + g * 600,
                ref - history - 300 * DAY + g * 600,
            )
            for g in range(n_groups)
        )
        n_mon = 100 * scale
        types = [t for t, w in _TYPES for _ in range(w)]
        monitors: list[MonitorRec] = []
        for i in range(n_mon):
            g = i % n_groups
            j = i // n_groups
            base, prefix, path = _GROUPS[g % 12]
            domain = "example.com" if g < 12 else f"c{g // 12}.example.com"
            host = f"{prefix}-{j + 1}.{domain}"
            mtype = types[int(rng.random() * len(types))]
            url, port, method, keyword = self._monitor_target(rng, mtype, host, path)
            name = f"{base} {j + 1}" if mtype in HTTP_TYPES else f"{host} {mtype}"
            created = ref - history - int(rng.random() * 200 * DAY) - 30 * DAY
            updated = ref - 3 * DAY - int(rng.random() * 40 * DAY)
            regions = REGIONS if rng.random() < 0.8 else ("us", "eu")
            auth: tuple[str, str] | None = None
            headers: tuple[tuple[str, str], ...] = ()
            if mtype in HTTP_TYPES:
                r = rng.random()
                if r < 0.12:
                    auth = (f"svc-SECRET-user-{_hex(rng, 3)}", f"SECRET-pw-{_hex(rng)}")
                    self._secrets.extend(auth)
                elif r < 0.22:
                    secret = f"SECRET-bearer-{_hex(rng)}"
                    headers = (("Authorization", f"Bearer {secret}"),)
                    self._secrets.append(secret)
                elif r < 0.3:
                    headers = (
                        ("Content-Type", "application/json"),
                        ("X-Api-Key", f"SECRET-apikey-{_hex(rng)}"),
                    )
                    self._secrets.append(headers[1][1])
                elif r < 0.36:
                    secret = f"SECRET-q-{_hex(rng)}"
                    url = f"{url}?token={secret}"
                    self._secrets.append(secret)
            maintenance = None
            if rng.random() < 0.03:
                maintenance = ("02:00:00", "03:00:00", "UTC", ("sun",))
            paused_at = None
            if rng.random() < 0.02 and i >= n_groups:
                paused_at = ref - int(rng.random() * 20 * DAY) - DAY
            policy_id = (None, None, 45601, 45601, 45604, 45605)[int(rng.random() * 6)]
            monitors.append(
                MonitorRec(
                    index=i,
                    id=MONITOR_ID_BASE + i,
                    group=g,
                    name=name,
                    url=url,
                    monitor_type=mtype,
                    regions=regions,
                    check_frequency=(30, 60, 60, 180, 300)[int(rng.random() * 5)],
                    request_timeout=(15, 30, 30, 10)[int(rng.random() * 4)],
                    created=created,
                    updated=updated,
                    policy_id=policy_id,
                    auth=auth,
                    headers=headers,
                    paused_at=paused_at,
                    maintenance=maintenance,
                    required_keyword=keyword,
                    port=port,
                    http_method=method,
                    ssl_expiration=(7, 14, 30, -1)[int(rng.random() * 4)],
                    domain_expiration=(14, 30, -1)[int(rng.random() * 3)],
                    confirmation_period=(0, 60, 120)[int(rng.random() * 3)],
                )
            )
        self.monitors = monitors
        # Heartbeats and heartbeat groups.
        n_hbg = 4 * scale
        self.heartbeat_groups = tuple(
            GroupRec(
                g,
                HEARTBEAT_GROUP_ID_BASE + g,
                _HB_GROUPS[g % 4] + ("" if g < 4 else f" {g // 4 + 1}"),
                ref - history - 380 * DAY + g * 600,
                ref - history - 200 * DAY + g * 600,
            )
            for g in range(n_hbg)
        )
        heartbeats: list[HeartbeatRec] = []
        for i in range(20 * scale):
            g = i % n_hbg
            j = i // n_hbg
            names = _HB_NAMES[_HB_GROUPS[g % 4]]
            name = names[j] if j < len(names) else f"{names[j % len(names)]}-{j // len(names)}"
            if g >= 4:
                name = f"{name}-{g // 4 + 1}"
            tok = f"SECRET-hb-{_hex(rng, 10)}"
            self._secrets.append(tok)  # the secret part of the ping URL
            period = (60, 300, 3600, 3600, 86400)[int(rng.random() * 5)]
            heartbeats.append(
                HeartbeatRec(
                    index=i,
                    id=HEARTBEAT_ID_BASE + i,
                    group=g,
                    name=name,
                    token=tok,
                    period=period,
                    grace=max(60, period // 10),
                    created=ref - history - int(rng.random() * 100 * DAY) - 20 * DAY,
                    updated=ref - 5 * DAY - int(rng.random() * 30 * DAY),
                    policy_id=(None, 45601, 45605)[int(rng.random() * 3)],
                    paused_at=None,
                )
            )
        self.heartbeats = heartbeats

        # On-call calendars: default with a daily rotation, one with a weekly rotation,
        # one without a rotation (its /rotation answers 404 with an empty body).
        rot_start = (ref - 400 * DAY) // DAY * DAY + 7 * HOUR
        six = ref - 6 * DAY
        shift = (six - rot_start) // DAY
        ov_start = rot_start + shift * DAY
        self.calendars = (
            CalendarRec(
                33001,
                None,
                True,
                (0, 1, 2, 3),
                DAY,
                1,
                "day",
                rot_start,
                rot_start + 1200 * DAY,
                ((990001, ov_start, ov_start + DAY, (4,)),),
            ),
            CalendarRec(
                33002,
                "Database",
                False,
                (4, 5),
                7 * DAY,
                1,
                "week",
                rot_start,
                rot_start + 1200 * DAY,
                (),
            ),
            CalendarRec(
                33003,
                "Tier 2",
                False,
                (),
                0,
                0,
                "",
                0,
                0,
                ((990101, ref - 60 * DAY, ref + 60 * DAY, (5,)),),
            ),
        )

    @staticmethod
    def _step(wait: int, urgency: int, *members: str) -> Mapping[str, object]:
        return {
            "type": "escalation",
            "wait_before": wait,
            "urgency_id": urgency,
            "step_members": [{"type": m} for m in members],
        }

    @staticmethod
    def _monitor_target(
        rng: random.Random, mtype: str, host: str, path: str
    ) -> tuple[str, str | None, str | None, str | None]:
        if mtype in HTTP_TYPES:
            keyword = None
            if mtype in ("keyword", "keyword_absence"):
                keyword = "ok" if mtype == "keyword" else "error"
            return f"https://{host}{path}", None, "get", keyword
        if mtype == "tcp":
            return host, ("5432", "6379", "443", "9092")[int(rng.random() * 4)], None, None
        if mtype == "smtp":
            return host, "587", None, None
        return host, None, None, None

    # ------------------------------------------------------------------ incidents
    def _generate_incidents(self, rng: random.Random) -> None:
        ref, scale = self.ref, self.scale
        starts: array[int] = array("q")
        srcs: array[int] = array("l")
        durs: array[int] = array("l")
        acks: array[int] = array("l")
        causes: array[int] = array("b")
        regs: array[int] = array("b")
        extras: dict[int, IncidentExtra] = {}  # keyed by pre-sort position
        scen_pos: dict[str, list[int]] = {}

        def add(  # noqa: PLR0917
            start: int,
            src: int,
            dur: int,
            ack: int,
            cause: int,
            regmask: int = 0,
            extra: IncidentExtra | None = None,
        ) -> int:
            pos = len(starts)
            if dur >= 0 and start + dur > ref:
                dur = -1
            if ack >= 0 and start + ack > ref:
                ack = -1
            starts.append(start)
            srcs.append(src)
            durs.append(dur)
            acks.append(ack)
            causes.append(cause)
            regs.append(regmask)
            if extra is not None:
                extras[pos] = extra
                scen_pos.setdefault(extra.scenario, []).append(pos)
            return pos

        m = self.monitors
        # Scenario monitors/heartbeats (scale-independent positions in the first groups).
        api = [mm for mm in m if mm.group == 0][:6]
        self._scenario_setup(api)
        sc_monitors = {mm.index for mm in api} | {
            self.m_tls,
            self.m_region,
            self.m_maint,
            self.m_deploy,
            self.m_crm,
        }
        sc_groups = {m[i].group for i in sc_monitors}
        sc_hb_groups = {0, 1}
        windows = [
            (ref - s.starts_before_reference - 3 * HOUR, ref - s.starts_before_reference + 3 * HOUR)
            for s in SCENARIOS.values()
        ]
        window_used = [0] * len(windows)
        full_pool = [mm.index for mm in m if mm.index not in sc_monitors and mm.paused_at is None]
        full_hb_pool = [h.index for h in self.heartbeats if h.index not in (0, 1)]
        # The last four weeks are the same at every scale: the same number of background
        # incidents, drawn from the same stream over the "core" of the account (the first 100
        # monitors of the first 12 groups, the first 20 heartbeats of the first 4 groups),
        # whose group layout is identical at every scale. A bigger account is an *older* one:
        # its other monitors and heartbeats only have incidents further back. So an incident's
        # neighbourhood, and with it the correlator's request count, does not change with the
        # scale, which is exactly what the frugality tests and benchmarks compare.
        core = [mm.index for mm in m if mm.group < 12][:100]
        core_pool = [i for i in core if i not in sc_monitors] or [0]
        core_hb = [h.index for h in self.heartbeats if h.group < 4][:20]
        core_hb_pool = [i for i in core_hb if i not in (0, 1)] or [0]
        recent_span = 28 * DAY
        recent = ref - 6 * DAY
        plans = [
            (
                random.Random(f"{self.seed}-recent"),
                2000 + 150,
                0,
                recent_span,
                core_pool,
                core_hb_pool,
            )
        ]
        if scale > 1:
            plans.append(
                (
                    rng,
                    2000 * (scale - 1),
                    recent_span,
                    28 * DAY * scale,
                    full_pool or [0],
                    full_hb_pool or [0],
                )
            )
        for stream, n_bg, oldest_offset, newest_offset_span, pool, hb_pool in plans:
            rnd = stream.random
            for _ in range(n_bg):
                offset = oldest_offset + int(rnd() * (newest_offset_span - oldest_offset))
                start = ref - 600 - offset
                if rnd() < 0.15:
                    hb = hb_pool[int(rnd() * len(hb_pool))]
                    src = -1 - hb
                    group = self.heartbeats[hb].group
                    cause = C_HEARTBEAT
                    in_sc_group = group in sc_hb_groups
                    regmask = 0
                else:
                    mi = pool[int(len(pool) * rnd() ** 2)]
                    src = mi
                    mon = m[mi]
                    in_sc_group = mon.group in sc_groups
                    options = _CAUSES_BY_TYPE[mon.monitor_type]
                    cause = options[int(rnd() * len(options))]
                    regmask = 0
                    if rnd() < 0.12:
                        regmask = REGION_BIT[mon.regions[int(rnd() * len(mon.regions))]]
                dur = int(90 * math.exp(rnd() * 4.5))
                ack = int(20 + rnd() * 900) if rnd() < 0.65 else -1
                if ack >= dur:
                    ack = -1
                if start > recent:
                    hit = -1
                    for w, (lo, hi) in enumerate(windows):
                        if lo <= start <= hi:
                            hit = w
                            break
                    if hit >= 0:
                        if in_sc_group or window_used[hit] >= 1:
                            continue
                        window_used[hit] += 1
                add(start, src, dur, ack, cause, regmask)
        # One incident still open at the reference time, outside the scenario groups.
        edge = next((mm.index for mm in m if mm.group == 6 and mm.paused_at is None), core_pool[0])
        add(ref - 20 * 60, edge, -1, -1, C_504)
        n_background = len(starts)
        self._plant_scenarios(add)

        # Sort everything by start; ids follow the order (Better Stack ids grow with time).
        order = sorted(range(len(starts)), key=starts.__getitem__)
        self.starts = array("q", (starts[i] for i in order))
        self.srcs = array("l", (srcs[i] for i in order))
        self.durs = array("l", (durs[i] for i in order))
        self.acks = array("l", (acks[i] for i in order))
        self.causes = array("b", (causes[i] for i in order))
        self.regs = array("b", (regs[i] for i in order))
        new_pos = {old: new for new, old in enumerate(order) if old >= n_background}
        self.extras: dict[int, IncidentExtra] = {new_pos[p]: e for p, e in extras.items()}
        self._scenario_index = {k: [new_pos[p] for p in v] for k, v in scen_pos.items()}
        del order
        # The longest recent background incident gets a truncated timeline.
        best, best_dur = -1, -1
        lo = bisect_left(self.starts, ref - 28 * DAY)
        for i in range(lo, len(self.starts)):
            if i not in self.extras and self.durs[i] > best_dur:
                best, best_dur = i, self.durs[i]
        self.truncated_timeline_index = best
        self.scenarios = self._build_scenarios()

    # ------------------------------------------------------------------ scenarios
    def _scenario_setup(self, api: list[MonitorRec]) -> None:
        """Give the scenario monitors their names, types, policies and settings."""
        ref = self.ref
        m = self.monitors
        for k, mon in enumerate(api):
            mon.name = f"API {k + 1} health"
            mon.url = f"https://api-{k + 1}.example.com/health"
            mon.monitor_type = "status"
            mon.regions = REGIONS
            mon.policy_id = 45602
            mon.http_method = "get"
            mon.required_keyword = None
            mon.port = None
            mon.maintenance = None
            mon.paused_at = None
        api[2].url = "https://api-3.example.com/health?token=SECRET-q-api3healthcheck"
        self._secrets.append("SECRET-q-api3healthcheck")
        self.api_monitors = [mm.index for mm in api]

        def pick(group: int) -> int:
            return next(mm.index for mm in m if mm.group == group)

        def setup(idx: int, name: str, url: str, mtype: str = "status") -> None:
            mon = m[idx]
            mon.name, mon.url, mon.monitor_type = name, url, mtype
            mon.regions, mon.http_method, mon.port = REGIONS, "get", None
            mon.required_keyword = "ok" if mtype == "keyword" else None
            mon.maintenance, mon.paused_at = None, None

        self.m_tls = pick(1)
        setup(self.m_tls, "Billing portal", "https://billing.example.com/")
        m[self.m_tls].ssl_expiration = 14
        self.m_deploy = pick(2)
        setup(self.m_deploy, "Checkout API", "https://checkout.example.com/api/health")
        self.m_region = pick(3)
        setup(self.m_region, "Search API", "https://search.example.com/api/health")
        self.m_maint = pick(4)
        setup(self.m_maint, "Reports service", "https://reports.example.com/status", "keyword")
        self.m_crm = pick(5)
        setup(self.m_crm, "Legacy CRM login", "https://crm.example.com/login")
        m[self.m_crm].policy_id = 45603
        m[self.m_deploy].policy_id = 45601
        m[self.m_region].policy_id = 45601
        m[self.m_tls].policy_id = 45601
        m[self.m_maint].policy_id = None
        hb = self.heartbeats
        hb[0].name, hb[0].period, hb[0].grace = "db-backup", 3600, 300
        hb[0].policy_id = 45601
        hb[1].name, hb[1].period, hb[1].grace = "nightly-invoice-export", 86400, 900
        hb[1].policy_id = 45601
        # Maintenance scenario: a daily window on the monitor that covers its start.
        d_start = ref - SCENARIOS["maintenance"].starts_before_reference
        w_from = (d_start - 20 * 60) % DAY
        w_to = (d_start + 40 * 60) % DAY

        def hms(s: int) -> str:
            return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"

        day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[
            datetime.fromtimestamp(d_start, timezone.utc).weekday()
        ]
        m[self.m_maint].maintenance = (hms(w_from), hms(w_to), "UTC", (day,))
        # Bad deploy: the monitor's configuration changed four minutes before the start.
        e_start = ref - SCENARIOS["bad_deploy"].starts_before_reference
        m[self.m_deploy].updated = e_start - 240

    def on_call_at(self, calendar: CalendarRec, t: int) -> tuple[int, ...]:
        """User indexes on call in ``calendar`` at epoch second ``t``."""
        for _eid, s, e, users in calendar.overrides:
            if s <= t < e:
                return users
        if not calendar.rotation_users or not (
            calendar.rotation_start <= t < calendar.rotation_end
        ):
            return ()
        n = (t - calendar.rotation_start) // calendar.rotation_seconds
        return (calendar.rotation_users[n % len(calendar.rotation_users)],)

    def on_call_user(self, t: int) -> User:
        users = self.on_call_at(self.calendars[0], t)
        return USERS[users[0] if users else 0]

    def _plant_scenarios(self, add: Callable[..., int]) -> None:
        ref = self.ref
        api = self.api_monitors

        def start_of(key: str) -> int:
            return ref - SCENARIOS[key].starts_before_reference

        # (a) database_backup
        a = start_of("database_backup")
        oc = self.on_call_user(a)
        add(
            a - 300,
            -1 - 0,
            35 * 60 + 300,
            8 * 60 + 300,
            C_HEARTBEAT,
            extra=IncidentExtra(
                scenario="database_backup:heartbeat",
                acknowledged_by=oc.name,
                resolved_by=None,
            ),
        )
        headline_extra = IncidentExtra(
            scenario="database_backup",
            acknowledged_by=oc.name,
            resolved_by=oc.name,
            metadata={
                "Service": [{"type": "String", "value": "public-api"}],
                "Runbook": [{"type": "String", "value": "https://wiki.example.com/runbooks/api"}],
            },
            comments=(
                (480, "Probably related to the db-backup heartbeat alert a few minutes ago.", None),
                (600, "Backup job is holding a lock on the primary; killing it now.", oc),
            ),
            response_content="<html><body><h1>503 Service Unavailable</h1></body></html>",
        )
        add(a, api[0], 31 * 60, 360, C_503, extra=headline_extra)
        for k, (off, cause) in enumerate(((50, C_503), (110, C_TIMEOUT), (170, C_503)), start=1):
            add(
                a + off,
                api[k],
                30 * 60 - off + 60 * k,
                420 - off + 30 * k,
                cause,
                extra=IncidentExtra(scenario="database_backup:sibling", acknowledged_by=oc.name),
            )
        # (b) tls_expiry
        b = start_of("tls_expiry")
        add(
            b,
            self.m_tls,
            55 * 60,
            240,
            C_TLS,
            extra=IncidentExtra(
                scenario="tls_expiry",
                acknowledged_by=self.on_call_user(b + 240).name,
                resolved_by=self.on_call_user(b + 240).name,
                ssl_certificate_expires_at=b - 2 * HOUR,
            ),
        )
        # (c) region_blip: four earlier single-region blips this week, then the fifth.
        c = start_of("region_blip")
        for k, back in enumerate((DAY + 2 * HOUR, 2 * DAY + 12 * HOUR, 3 * DAY + 17 * HOUR)):
            add(
                c - back,
                self.m_region,
                120 + 45 * k,
                -1,
                C_TIMEOUT,
                REGION_BIT["as"],
                extra=IncidentExtra(scenario="region_blip:earlier"),
            )
        add(
            c - 5 * DAY - 10 * HOUR,
            self.m_region,
            300,
            150,
            C_TIMEOUT,
            REGION_BIT["as"],
            extra=IncidentExtra(
                scenario="region_blip:earlier",
                acknowledged_by=self.on_call_user(c - 5 * DAY - 10 * HOUR).name,
            ),
        )
        add(
            c,
            self.m_region,
            270,
            150,
            C_TIMEOUT,
            REGION_BIT["as"],
            extra=IncidentExtra(
                scenario="region_blip", acknowledged_by=self.on_call_user(c + 150).name
            ),
        )
        # (d) maintenance
        d = start_of("maintenance")
        add(
            d,
            self.m_maint,
            25 * 60,
            180,
            C_503,
            extra=IncidentExtra(
                scenario="maintenance",
                acknowledged_by=self.on_call_user(d).name,
                response_content="Down for scheduled maintenance",
            ),
        )
        # (e) bad_deploy
        e = start_of("bad_deploy")
        add(
            e,
            self.m_deploy,
            18 * 60,
            180,
            C_502,
            extra=IncidentExtra(
                scenario="bad_deploy",
                acknowledged_by=self.on_call_user(e).name,
                resolved_by=self.on_call_user(e).name,
                comments=((720, "Rolled back release 2.14.0; latency back to normal.", None),),
                response_content="<html><body><h1>502 Bad Gateway</h1></body></html>",
            ),
        )
        # (f) unacknowledged_escalation: never acknowledged, resolved by itself after 27 min.
        f = start_of("unacknowledged_escalation")
        add(
            f,
            self.m_crm,
            27 * 60,
            -1,
            C_REFUSED,
            extra=IncidentExtra(scenario="unacknowledged_escalation"),
        )
        # (g) heartbeat_incident
        g = start_of("heartbeat_incident")
        add(
            g,
            -1 - 1,
            47 * 60,
            9 * 60,
            C_HEARTBEAT,
            extra=IncidentExtra(
                scenario="heartbeat_incident",
                acknowledged_by=self.on_call_user(g + 540).name,
                resolved_by=self.on_call_user(g + 540).name,
            ),
        )
        self._generate_status_pages()

    def _generate_status_pages(self) -> None:
        ref = self.ref
        history = 28 * DAY * self.scale
        m = self.monitors
        a = ref - SCENARIOS["database_backup"].starts_before_reference
        d = ref - SCENARIOS["maintenance"].starts_before_reference
        e = ref - SCENARIOS["bad_deploy"].starts_before_reference
        created = ref - history - 90 * DAY
        self.status_pages = (
            StatusPageRec(150001, "Acme", "acme-status", "UTC", False, created),
            StatusPageRec(
                150002, "Acme Platform (internal)", "acme-platform", "UTC", True, created
            ),
            StatusPageRec(150003, "Acme Partners", "acme-partners", "Berlin", False, created),
        )
        self.sections = (
            SectionRec(456701, 150001, "API", 0),
            SectionRec(456702, 150001, "Website", 1),
            SectionRec(456703, 150001, "Services", 2),
            SectionRec(456711, 150002, "Core", 0),
            SectionRec(456712, 150002, "Search & Payments", 1),
            SectionRec(456721, 150003, "Partner API", 0),
        )
        website = [mm.index for mm in m if mm.group == 1][:3]
        partners = 11 if len(self.groups) > 11 else 0
        res: list[ResourceRec] = [
            ResourceRec(770001, 150001, 456701, "MonitorGroup", 0, "Public API", 0),
        ]
        for k, wi in enumerate(website):
            res.append(ResourceRec(770002 + k, 150001, 456702, "Monitor", wi, m[wi].name, k))
        res.append(ResourceRec(770010, 150001, 456703, "Monitor", self.m_maint, "Reports", 0))
        res.append(ResourceRec(770011, 150001, 456703, "Heartbeat", 1, "Invoice export", 1))
        res.append(ResourceRec(770020, 150002, 456711, "Monitor", self.m_crm, "CRM", 0))
        res.append(ResourceRec(770021, 150002, 456712, "Monitor", self.m_region, "Search", 0))
        res.append(ResourceRec(770022, 150002, 456712, "Monitor", self.m_deploy, "Checkout", 1))
        res.append(ResourceRec(770023, 150002, 456712, "MonitorGroup", 2, "Payments", 2))
        res.append(ResourceRec(770030, 150003, 456721, "MonitorGroup", partners, "Partner API", 0))
        self.resources = tuple(res)

        def upd(uid: int, rid: int, msg: str, at: int, status: str) -> UpdateRec:
            return UpdateRec(uid, rid, msg, at, status)

        self.reports = (
            ReportRec(
                880001,
                150001,
                "Elevated API error rates",
                "manual",
                a + 720,
                a + 32 * 60,
                (770001,),
                (
                    upd(
                        990001,
                        880001,
                        "We are investigating elevated error rates on the public API.",
                        a + 720,
                        "downtime",
                    ),
                    upd(
                        990002,
                        880001,
                        "A database maintenance job locked the primary database. "
                        "We stopped it and the API is recovering.",
                        a + 25 * 60,
                        "degraded",
                    ),
                    upd(990003, 880001, "The API is fully operational.", a + 32 * 60, "resolved"),
                ),
            ),
            ReportRec(
                880002,
                150001,
                "Scheduled maintenance: reports service upgrade",
                "maintenance",
                d - 20 * 60,
                d + 40 * 60,
                (770010,),
                (
                    upd(
                        990011,
                        880002,
                        "We will upgrade the reports service; it will be unavailable "
                        "for up to one hour.",
                        d - 2 * DAY,
                        "maintenance",
                    ),
                    upd(990012, 880002, "The maintenance is complete.", d + 40 * 60, "resolved"),
                ),
            ),
            ReportRec(
                880003,
                150002,
                "Checkout API is down",
                "automatic",
                e + 60,
                e + 18 * 60,
                (770022,),
                (
                    upd(990021, 880003, "Checkout is not responding.", e + 60, "downtime"),
                    upd(990022, 880003, "Checkout has recovered.", e + 18 * 60, "resolved"),
                ),
            ),
            ReportRec(
                880004,
                150001,
                "Website slow for some visitors",
                "manual",
                ref - 12 * DAY,
                ref - 12 * DAY + 2 * HOUR,
                (770002,),
                (
                    upd(
                        990031,
                        880004,
                        "Some visitors see slow page loads.",
                        ref - 12 * DAY,
                        "degraded",
                    ),
                    upd(990032, 880004, "Resolved.", ref - 12 * DAY + 2 * HOUR, "resolved"),
                ),
            ),
            ReportRec(
                880005,
                150003,
                "Partner API maintenance",
                "maintenance",
                ref - 20 * DAY,
                ref - 20 * DAY + HOUR,
                (770030,),
                (
                    upd(
                        990041,
                        880005,
                        "Planned partner API maintenance.",
                        ref - 21 * DAY,
                        "maintenance",
                    ),
                ),
            ),
        )
        self.report_by_id = {r.id: r for r in self.reports}

        # Outgoing webhooks (two with custom templates carrying credentials).
        rng = random.Random(self.seed * 31 + 7)
        pw = f"SECRET-whpw-{_hex(rng)}"
        hdr = f"SECRET-whhdr-{_hex(rng)}"
        body_tok = f"SECRET-whbody-{_hex(rng)}"
        bearer_tok = f"SECRET-whbearer-{_hex(rng)}"
        bearer = f"Bearer {bearer_tok}"
        self._secrets.extend((pw, hdr, body_tok, bearer_tok))
        self.webhooks = (
            WebhookRec(
                16001,
                "Ops bot incident feed",
                "https://hooks.example.com/betterstack/incidents",
                "incident_change",
                17001,
                {
                    "http_method": "post",
                    "auth_username": "betterstack",
                    "auth_password": pw,
                    "headers_template": [
                        {"name": "Content-Type", "value": "application/json"},
                        {"name": "X-Ops-Token", "value": hdr},
                    ],
                    "body_template": (
                        '{"incident": "$INCIDENT_ID", "name": "$NAME", "url": "$URL", '
                        f'"started_at": "$STARTED_AT", "token": "{body_tok}"}}'
                    ),
                },
            ),
            WebhookRec(
                16002,
                "On-call changes to chat",
                "https://chat.example.com/hooks/oncall",
                "on_call_change",
                None,
                None,
            ),
            WebhookRec(
                16003,
                "Monitor change audit log",
                "https://audit.example.com/ingest/betterstack",
                "monitor_change",
                17002,
                {
                    "http_method": "post",
                    "auth_username": None,
                    "auth_password": None,
                    "headers_template": [{"name": "Authorization", "value": bearer}],
                    "body_template": '{"monitor": "$NAME", "url": "$URL"}',
                },
            ),
        )
        inc_tok = f"SECRET-inwh-{_hex(rng)}"
        self._secrets.append(inc_tok)
        self.email_integrations = (
            IntegrationRec(
                18001,
                "email_integration",
                "Vendor alerts",
                "vendor-alerts@inbound.example.com",
                45601,
                created,
            ),
            IntegrationRec(
                18002,
                "email_integration",
                "Backup reports",
                "backup-reports@inbound.example.com",
                45605,
                created,
            ),
        )
        self.incoming_webhooks = (
            IntegrationRec(
                18501,
                "incoming_webhook",
                "Grafana alerts",
                f"https://uptime.betterstack.com/api/v1/incoming-webhook/{inc_tok}",
                45601,
                created,
            ),
        )

    def _build_scenarios(self) -> dict[str, Scenario]:
        ref = self.ref
        out: dict[str, Scenario] = {}
        idx = self._scenario_index

        def iid(i: int) -> str:
            return str(INCIDENT_ID_BASE + i)

        def mid(i: int) -> str:
            return str(MONITOR_ID_BASE + i)

        for key, spec in SCENARIOS.items():
            i = idx[key][0]
            start = self.starts[i]
            src = self.srcs[i]
            facts: dict[str, object] = {"started_at": iso(start)}
            if self.durs[i] >= 0:
                facts["resolved_seconds"] = self.durs[i]
            facts["ack_seconds"] = self.acks[i] if self.acks[i] >= 0 else None
            if key == "database_backup":
                hb_i = idx["database_backup:heartbeat"][0]
                sib = idx["database_backup:sibling"]
                rep = self.report_by_id[880001]
                facts.update(
                    ack_seconds=360,
                    acknowledged_by=self.extras[i].acknowledged_by,
                    on_call_email=self.on_call_user(start).email,
                    status_page_delay_seconds=720,
                    status_page_id="150001",
                    status_report_id="880001",
                    status_report_first_update_at=iso(rep.updates[0].published_at),
                    heartbeat_incident_id=iid(hb_i),
                    heartbeat_id=str(HEARTBEAT_ID_BASE),
                    heartbeat_lead_seconds=start - self.starts[hb_i],
                    monitor_group_id=str(MONITOR_GROUP_ID_BASE),
                    failed_monitor_ids=tuple(mid(self.srcs[j]) for j in [i, *sib]),
                    related_incident_ids=(*(iid(j) for j in sib), iid(hb_i)),
                    failure_spread_seconds=self.starts[sib[-1]] - start,
                    comment_count=2,
                    policy_id=45602,
                )
            elif key == "tls_expiry":
                exp = self.extras[i].ssl_certificate_expires_at or 0
                facts.update(
                    ssl_certificate_expires_at=iso(exp),
                    expired_seconds_before_start=start - exp,
                )
            elif key == "region_blip":
                earlier = list(idx["region_blip:earlier"])
                facts.update(
                    failed_regions=("as",),
                    monitor_regions=REGIONS,
                    earlier_incidents_7d=len(earlier),
                    related_incident_ids=tuple(iid(j) for j in earlier),
                )
            elif key == "maintenance":
                rep = self.report_by_id[880002]
                facts.update(
                    status_page_id="150001",
                    status_report_id="880002",
                    maintenance_starts_at=iso(rep.starts_at),
                    maintenance_ends_at=iso(rep.ends_at or 0),
                    monitor_maintenance=self.monitors[src].maintenance,
                )
            elif key == "bad_deploy":
                facts.update(
                    config_changed_seconds_before=240,
                    monitor_updated_at=iso(self.monitors[src].updated),
                    latency_baseline_seconds=0.25,
                    latency_before_start_seconds=2.5,
                    latency_rise_window_seconds=1800,
                )
            elif key == "unacknowledged_escalation":
                facts.update(
                    ack_seconds=None,
                    policy_id=45603,
                    escalation_steps=3,
                    step_wait_before=(0, 300, 600),
                    resolved_seconds=27 * 60,
                )
            elif key == "heartbeat_incident":
                facts.update(heartbeat_id=str(HEARTBEAT_ID_BASE + 1))
            out[key] = Scenario(
                key=key,
                letter=spec.letter,
                title=spec.title,
                root_cause=spec.root_cause,
                incident_id=iid(i),
                monitor_id=mid(src) if src >= 0 else None,
                heartbeat_id=str(HEARTBEAT_ID_BASE - 1 - src) if src < 0 else None,
                expected_rules=spec.expected_rules,
                forbidden_rules=spec.forbidden_rules,
                facts=MappingProxyType(facts),
                started_at=iso(start),
            )
        del ref
        return out

    # ------------------------------------------------------------------ queries
    def planted_secrets(self) -> list[str]:
        """Every secret value planted in the account (sorted, de-duplicated)."""
        return sorted(set(self._secrets))

    @property
    def incident_count(self) -> int:
        return len(self.starts)

    def incident_index(self, incident_id: str) -> int | None:
        try:
            i = int(incident_id) - INCIDENT_ID_BASE
        except ValueError:
            return None
        return i if 0 <= i < len(self.starts) else None

    def incidents_of_source(self, src: int) -> array[int]:
        """Incident indexes (ascending) raised by one monitor (>= 0) or heartbeat (< 0)."""
        with self._lock:
            if self._by_source is None:
                by: dict[int, array[int]] = {}
                for i, s in enumerate(self.srcs):
                    a = by.get(s)
                    if a is None:
                        a = by[s] = array("l")
                    a.append(i)
                self._by_source = by
            return self._by_source.get(src, array("l"))

    def index_range(self, lo: int | None, hi: int | None) -> tuple[int, int]:
        """[start, stop) incident indexes whose start lies in [lo, hi] (epoch seconds)."""
        a = 0 if lo is None else bisect_left(self.starts, lo)
        b = len(self.starts) if hi is None else bisect_right(self.starts, hi)
        return a, b


def iso(t: int, ms: int = 0) -> str:
    """Epoch seconds -> Better Stack's ISO 8601 form with milliseconds and ``Z``."""
    d = datetime.fromtimestamp(t, timezone.utc)
    return f"{d:%Y-%m-%dT%H:%M:%S}.{ms:03d}Z"


_CACHE: dict[tuple[int, int, int], Account] = {}
_CACHE_LOCK = threading.Lock()


def generate_account(
    seed: int = 0, scale: int = 1, reference_time: datetime | None = None
) -> Account:
    """Generate (or reuse) the account for ``(seed, scale, reference_time)``.

    ``reference_time`` is the account's "now" (aware datetime; default: now in UTC). The
    same arguments always give an account that serves byte-identical responses.
    """
    ref = reference_time or datetime.now(timezone.utc)
    if ref.tzinfo is None:
        raise ValueError("reference_time must be timezone-aware")
    key = (seed, scale, int(ref.timestamp()))
    with _CACHE_LOCK:
        acc = _CACHE.get(key)
    if acc is None:
        acc = Account(seed, scale, ref)
        with _CACHE_LOCK:
            if scale <= 10:
                if len(_CACHE) > 8:
                    _CACHE.clear()
                _CACHE[key] = acc
    return acc
