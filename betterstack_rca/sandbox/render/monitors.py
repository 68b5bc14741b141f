"""Monitors: the monitor object, its current status and its response times."""

from __future__ import annotations

import random
from bisect import bisect_left

from betterstack_rca.sandbox.model.checks import (
    ANSWERED,
    NO_DNS,
    REFUSED,
    TIMED_OUT,
    TLS_FAILED,
    failure_mode,
    request_duration,
)
from betterstack_rca.sandbox.model.constants import (
    CAUSES,
    HTTP_TYPES,
    INCIDENT_ID_BASE,
    MONITOR_GROUP_ID_BASE,
    REGION_BIT,
)
from betterstack_rca.sandbox.model.records import MonitorRec
from betterstack_rca.sandbox.model.timestamps import DAY, iso
from betterstack_rca.sandbox.model.zones import hms, local, weekday
from betterstack_rca.sandbox.render.base import Obj, View


def monitor(v: View, m: MonitorRec) -> Obj:
    a = v.account
    mt = m.monitor_type
    http = mt in HTTP_TYPES
    maint = m.maintenance
    attrs: Obj = {
        "url": m.url,
        "pronounceable_name": m.name,
        "monitor_type": mt,
        "monitor_group_id": str(MONITOR_GROUP_ID_BASE + m.group),
        "last_checked_at": v.t(a.ref - (m.index * 7) % m.check_frequency, m.id),
        "status": monitor_status(v, m),
        "policy_id": m.policy_id,
        "expiration_policy_id": None,
        "team_name": a.team_name,
        "required_keyword": m.required_keyword,
        "verify_ssl": http,
        "check_frequency": m.check_frequency,
        "call": m.policy_id is None and m.index % 3 == 0,
        "sms": m.policy_id is None and m.index % 4 == 0,
        "email": True,
        "push": True,
        "critical_alert": False,
        "team_wait": None if m.index % 5 else 180,
        "http_method": m.http_method,
        "request_timeout": m.request_timeout,
        "recovery_period": 180 if m.index % 2 else 0,
        "request_headers": [
            {"id": str(9_000_000 + m.index * 4 + k), "name": n, "value": v}
            for k, (n, v) in enumerate(m.headers)
        ],
        "request_body": "",
        "auth_username": m.auth[0] if m.auth else None,
        "auth_password": m.auth[1] if m.auth else None,
        "follow_redirects": http,
        "remember_cookies": False,
        "paused": m.paused_at is not None,
        "paused_at": v.t(m.paused_at),
        "created_at": v.t(m.created, m.id),
        "updated_at": v.t(m.updated, m.id + 1),
        "ssl_expiration": m.ssl_expiration if http else None,
        "domain_expiration": m.domain_expiration if http else None,
        "regions": list(m.regions),
        "ip_version": None,
        "maintenance_from": maint[0] if maint else None,
        "maintenance_to": maint[1] if maint else None,
        "maintenance_timezone": maint[2] if maint else None,
        "maintenance_days": list(maint[3]) if maint else None,
        "port": m.port,
        "confirmation_period": m.confirmation_period,
        "expected_status_codes": [200] if mt == "expected_status_code" else [],
    }
    policy = {"id": str(m.policy_id), "type": "policy"} if m.policy_id else None
    return {
        "id": str(m.id),
        "type": "monitor",
        "attributes": attrs,
        "relationships": {"policy": {"data": policy}},
    }


def monitor_status(v: View, m: MonitorRec) -> str:
    """paused, down (an incident is open), maintenance (inside its window) or up."""
    if m.paused_at is not None:
        return "paused"
    if m.index in v.open_sources():
        return "down"
    if m.maintenance is not None and in_maintenance(m, v.account.ref):
        return "maintenance"
    return "up"


def in_maintenance(m: MonitorRec, t: int) -> bool:
    """Whether ``t`` falls inside the monitor's daily maintenance window, in its own zone
    (a window across midnight covers each local day it touches, as both days are listed)."""
    if m.maintenance is None:
        return False
    f, to, tz, days = m.maintenance
    here = local(t, tz)
    now = hms(here)
    inside = f <= now < to if f <= to else (now >= f or now < to)
    return inside and weekday(here) in days


def response_times(v: View, m: MonitorRec) -> Obj:
    """Every 5 min over the 24 h before the reference time, per region. Checks during an
    incident (from 2 min before it) in its failing regions look like its cause says
    (``model.checks``): the request duration of an error status, the full request timeout
    of a timeout, the lookup and connect of a refused connection, and so on."""
    a = v.account
    rng = random.Random(a.seed * 1_000_003 + m.id)
    end = a.ref - a.ref % 300
    points = [end - 300 * k for k in range(287, -1, -1)]
    incidents: list[tuple[int, int, int, str, float]] = []
    rises: list[tuple[int, int, float]] = []  # (start, window, factor)
    idx = a.incidents_of_source(m.index)
    for i in idx[bisect_left(idx, a.index_range(a.ref - 2 * DAY, None)[0]) :]:
        s = a.starts[i]
        d = a.durs[i]
        e = a.ref if d < 0 else s + d
        mask = a.regs[i]
        extra = a.extras.get(i)
        took = request_duration(INCIDENT_ID_BASE + i, extra.metadata if extra else {})
        incidents.append((s - 120, e, mask, failure_mode(CAUSES[a.causes[i]]), took))
        if extra is not None and extra.latency_rise is not None:
            rises.append((s, *extra.latency_rise))
    regions = []
    for region in m.regions:
        base = 0.12 + 0.25 * rng.random() + {"us": 0.0, "eu": 0.05, "as": 0.2, "au": 0.25}[region]
        rows = []
        for at in points:
            f = 1.0 + 0.15 * rng.random()
            rt = base * f
            # a scenario's monitor may get slower and slower before its incident starts
            for start, window, factor in rises:
                if start - window <= at < start:
                    rt = rt * (1 + factor * (at - (start - window)) / window)
            dns = round(0.004 + 0.01 * rng.random(), 5)
            conn = round(0.01 + 0.03 * rng.random(), 5)
            tls = round(0.02 + 0.04 * rng.random(), 5)
            failing = next(
                (
                    (mode, took)
                    for s, e, mask, mode, took in incidents
                    if s <= at <= e and (mask == 0 or mask & REGION_BIT[region])
                ),
                None,
            )
            if failing is not None:
                failed = _failed_check(failing, f, float(m.request_timeout), dns, conn, tls)
                if failed is not None:
                    rt, dns, conn, tls = failed
            rt = round(max(rt, dns + conn + tls), 5)
            rows.append(
                {
                    "at": iso(at),
                    "response_time": rt,
                    "name_lookup_time": dns,
                    "connection_time": conn,
                    "tls_handshake_time": tls,
                    "data_transfer_time": round(max(0.0, rt - dns - conn - tls), 5),
                }
            )
        regions.append({"region": region, "response_times": rows})
    return {
        "id": str(m.id),
        "type": "monitor_response_times",
        "attributes": {"regions": regions},
    }


def _failed_check(  # noqa: PLR0917
    failing: tuple[str, float],
    jitter: float,
    timeout: float,
    dns: float,
    conn: float,
    tls: float,
) -> tuple[float, float, float, float] | None:
    """(response time, lookup, connect, handshake) of a check that failed as `failing` says
    (its mode and the incident's request duration), or None when it took its usual time;
    `jitter` is the check's own 1.0-1.15."""
    mode, took = failing
    if mode == ANSWERED:
        return None
    if mode == TIMED_OUT:
        return timeout, dns, conn, tls
    if mode == NO_DNS:
        return dns, dns, 0.0, 0.0
    if mode == REFUSED:
        return dns + conn, dns, conn, 0.0
    if mode == TLS_FAILED:
        return dns + conn + tls, dns, conn, tls
    # an error status after the incident's request duration, give or take 5 %
    rt = took * (0.95 + (jitter - 1.0) * 0.66)
    setup = dns + conn + tls
    if setup >= rt * 0.8:  # a quick answer: the phases shrink to fit inside it
        scale = rt * 0.8 / setup
        dns, conn, tls = (round(x * scale, 5) for x in (dns, conn, tls))
    return rt, dns, conn, tls
