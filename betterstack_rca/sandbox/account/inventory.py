"""What the account checks: monitor groups, monitors, heartbeat groups and heartbeats.

``scale`` multiplies every count; at scale 1 there are 12 monitor groups, 100 monitors, 4
heartbeat groups and 20 heartbeats. Monitors are dealt round-robin over the groups, so the
first 12 groups (and the first 100 monitors) look the same at every scale.
"""

from __future__ import annotations

import random

from betterstack_rca.sandbox.account.fake_secrets import random_hex
from betterstack_rca.sandbox.model.constants import (
    HEARTBEAT_GROUP_ID_BASE,
    HEARTBEAT_ID_BASE,
    HTTP_TYPES,
    MONITOR_GROUP_ID_BASE,
    MONITOR_ID_BASE,
    REGIONS,
)
from betterstack_rca.sandbox.model.records import GroupRec, HeartbeatRec, MonitorRec
from betterstack_rca.sandbox.model.timestamps import DAY

# (group name, host prefix, health-check path)
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


def _history(scale: int) -> int:
    """How far back the account's incidents go (groups and checks are older still)."""
    return 28 * DAY * scale


def generate_monitors(
    rng: random.Random, ref: int, scale: int, secrets: list[str]
) -> tuple[tuple[GroupRec, ...], list[MonitorRec]]:
    history = _history(scale)
    n_groups = 12 * scale
    groups = tuple(
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
        url, port, method, keyword = _monitor_target(rng, mtype, host, path)
        name = f"{base} {j + 1}" if mtype in HTTP_TYPES else f"{host} {mtype}"
        created = ref - history - int(rng.random() * 200 * DAY) - 30 * DAY
        updated = ref - 3 * DAY - int(rng.random() * 40 * DAY)
        regions = REGIONS if rng.random() < 0.8 else ("us", "eu")
        url, auth, headers = _credentials(rng, mtype, url, secrets)
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
    return groups, monitors


def _monitor_target(
    rng: random.Random, mtype: str, host: str, path: str
) -> tuple[str, str | None, str | None, str | None]:
    """(url, port, http_method, required_keyword) of a monitor of type ``mtype``."""
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


def _credentials(
    rng: random.Random, mtype: str, url: str, secrets: list[str]
) -> tuple[str, tuple[str, str] | None, tuple[tuple[str, str], ...]]:
    """(url, auth, headers): some HTTP monitors carry basic auth, a header or a URL token."""
    auth: tuple[str, str] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    if mtype in HTTP_TYPES:
        r = rng.random()
        if r < 0.12:
            auth = (f"svc-SECRET-user-{random_hex(rng, 3)}", f"SECRET-pw-{random_hex(rng)}")
            secrets.extend(auth)
        elif r < 0.22:
            secret = f"SECRET-bearer-{random_hex(rng)}"
            headers = (("Authorization", f"Bearer {secret}"),)
            secrets.append(secret)
        elif r < 0.3:
            headers = (
                ("Content-Type", "application/json"),
                ("X-Api-Key", f"SECRET-apikey-{random_hex(rng)}"),
            )
            secrets.append(headers[1][1])
        elif r < 0.36:
            secret = f"SECRET-q-{random_hex(rng)}"
            url = f"{url}?token={secret}"
            secrets.append(secret)
    return url, auth, headers


def generate_heartbeats(
    rng: random.Random, ref: int, scale: int, secrets: list[str]
) -> tuple[tuple[GroupRec, ...], list[HeartbeatRec]]:
    history = _history(scale)
    n_hbg = 4 * scale
    heartbeat_groups = tuple(
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
        tok = f"SECRET-hb-{random_hex(rng, 10)}"
        secrets.append(tok)  # the secret part of the ping URL
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
    return heartbeat_groups, heartbeats
