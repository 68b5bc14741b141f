"""Account records -> the JSON objects Better Stack serves (built per request).

Shapes follow ../shared/betterstack-api.md and the documented samples: ``data.id`` is always
a string while foreign keys in attributes keep the docs' mixed types.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_left
from typing import Any

from betterstack_rca.sandbox.account import Account
from betterstack_rca.sandbox.model.constants import (
    CAUSES,
    HEARTBEAT_GROUP_ID_BASE,
    HEARTBEAT_ID_BASE,
    HTTP_TYPES,
    INCIDENT_ID_BASE,
    MONITOR_GROUP_ID_BASE,
    MONITOR_ID_BASE,
    REGION_BIT,
    REGIONS,
)
from betterstack_rca.sandbox.model.records import (
    USERS,
    CalendarRec,
    HeartbeatRec,
    MonitorRec,
    PolicyRec,
    ReportRec,
    ResourceRec,
    User,
)
from betterstack_rca.sandbox.model.timestamps import DAY, iso
from betterstack_rca.sandbox.scenarios import SCENARIOS

Obj = dict[str, Any]


def _ms(seed: int, key: int) -> int:
    return (key * 2654435761 + seed * 40503) % 1000


class Renderer:
    """Builds JSON-ready objects for one account; cheap, stateless apart from caches."""

    def __init__(self, account: Account) -> None:
        self.a = account
        self._open_sources: set[int] | None = None

    # ------------------------------------------------------------------ helpers
    def open_sources(self) -> set[int]:
        if self._open_sources is None:
            a = self.a
            lo, hi = a.index_range(a.ref - 10 * DAY, None)
            self._open_sources = {a.srcs[i] for i in range(lo, hi) if a.durs[i] < 0}
        return self._open_sources

    def t(self, t: int | None, key: int = 0) -> str | None:
        if t is None:
            return None
        return iso(t, _ms(self.a.seed, key) if key else 0)

    def ti(self, t: int | None, i: int) -> str | None:
        """An incident's timestamp; scenario incidents use whole seconds (exact facts)."""
        if t is None:
            return None
        return iso(t, 0 if i in self.a.extras else _ms(self.a.seed, INCIDENT_ID_BASE + i))

    # ------------------------------------------------------------------ monitors
    def monitor_status(self, m: MonitorRec) -> str:
        if m.paused_at is not None:
            return "paused"
        if m.index in self.open_sources():
            return "down"
        if m.maintenance is not None and self._in_maintenance(m, self.a.ref):
            return "maintenance"
        return "up"

    @staticmethod
    def _in_maintenance(m: MonitorRec, t: int) -> bool:
        if m.maintenance is None:
            return False
        f, to, _tz, days = m.maintenance
        day = ("thu", "fri", "sat", "sun", "mon", "tue", "wed")[(t // DAY) % 7]
        sec = t % DAY

        def s(x: str) -> int:
            h, mi, se = (int(p) for p in x.split(":"))
            return h * 3600 + mi * 60 + se

        lo, hi = s(f), s(to)
        inside = lo <= sec < hi if lo <= hi else (sec >= lo or sec < hi)
        return inside and day in days

    def monitor(self, m: MonitorRec) -> Obj:
        a = self.a
        mt = m.monitor_type
        http = mt in HTTP_TYPES
        maint = m.maintenance
        attrs: Obj = {
            "url": m.url,
            "pronounceable_name": m.name,
            "monitor_type": mt,
            "monitor_group_id": str(MONITOR_GROUP_ID_BASE + m.group),
            "last_checked_at": self.t(a.ref - (m.index * 7) % m.check_frequency, m.id),
            "status": self.monitor_status(m),
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
            "paused_at": self.t(m.paused_at),
            "created_at": self.t(m.created, m.id),
            "updated_at": self.t(m.updated, m.id + 1),
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

    def group(self, g: Any, kind: str) -> Obj:
        return {
            "id": str(g.id),
            "type": kind,
            "attributes": {
                "name": g.name,
                "sort_index": g.index if g.index % 3 else None,
                "created_at": self.t(g.created, g.id),
                "updated_at": self.t(g.updated, g.id + 1),
                "team_name": self.a.team_name,
                "paused": False,
            },
        }

    def heartbeat(self, h: HeartbeatRec) -> Obj:
        a = self.a
        status = "down" if (-1 - h.index) in self.open_sources() else "up"
        return {
            "id": str(h.id),
            "type": "heartbeat",
            "attributes": {
                "url": f"https://uptime.betterstack.com/api/v1/heartbeat/{h.token}",
                "name": h.name,
                "period": h.period,
                "grace": h.grace,
                "call": False,
                "sms": False,
                "email": True,
                "push": True,
                "critical_alert": False,
                "team_wait": 180,
                "heartbeat_group_id": HEARTBEAT_GROUP_ID_BASE + h.group,
                "team_name": a.team_name,
                "sort_index": None,
                "paused": False,
                "paused_at": None,
                "policy_id": h.policy_id,
                "maintenance_from": None,
                "maintenance_to": None,
                "maintenance_timezone": None,
                "maintenance_days": None,
                "created_at": self.t(h.created, h.id),
                "updated_at": self.t(h.updated, h.id + 1),
                "status": status,
            },
        }

    def availability(self, src: int, lo: int, hi: int, kind: str, oid: int) -> Obj:
        """SLA-style summary of one monitor (src >= 0) or heartbeat over [lo, hi)."""
        a = self.a
        idx = a.incidents_of_source(src)
        total = 0
        longest = 0
        count = 0
        for i in idx:
            s = a.starts[i]
            if s >= hi:
                break
            d = a.durs[i]
            e = a.ref if d < 0 else s + d
            if e <= lo:
                continue
            part = min(e, hi) - max(s, lo)
            count += 1
            total += part
            longest = max(longest, part)
        window = max(1, hi - lo)
        avail = round(100.0 * (1 - total / window), 4)
        return {
            "id": str(oid),
            "type": kind,
            "attributes": {
                "availability": avail,
                "total_downtime": total,
                "number_of_incidents": count,
                "longest_incident": longest,
                "average_incident": total // count if count else 0,
            },
        }

    def response_times(self, m: MonitorRec) -> Obj:
        a = self.a
        rng = random.Random(a.seed * 1_000_003 + m.id)
        end = a.ref - a.ref % 300
        points = [end - 300 * k for k in range(287, -1, -1)]
        incidents = []
        idx = a.incidents_of_source(m.index)
        for i in idx[bisect_left(idx, a.index_range(a.ref - 2 * DAY, None)[0]) :]:
            s = a.starts[i]
            d = a.durs[i]
            e = a.ref if d < 0 else s + d
            mask = a.regs[i]
            incidents.append((s - 120, e, mask))
        deploy = None
        sc = a.scenarios.get("bad_deploy")
        if sc is not None and sc.monitor_id == str(m.id):
            deploy = a.ref - SCENARIOS["bad_deploy"].starts_before_reference
        regions = []
        for region in m.regions:
            base = (
                0.12 + 0.25 * rng.random() + {"us": 0.0, "eu": 0.05, "as": 0.2, "au": 0.25}[region]
            )
            rows = []
            for at in points:
                f = 1.0 + 0.15 * rng.random()
                rt = base * f
                if deploy is not None and deploy - 1800 <= at < deploy:
                    rt = rt * (1 + 9 * (at - (deploy - 1800)) / 1800)
                for s, e, mask in incidents:
                    if s <= at <= e and (mask == 0 or mask & REGION_BIT[region]):
                        rt = float(m.request_timeout)
                        break
                dns = round(0.004 + 0.01 * rng.random(), 5)
                conn = round(0.01 + 0.03 * rng.random(), 5)
                tls = round(0.02 + 0.04 * rng.random(), 5)
                rt = round(max(rt, dns + conn + tls + 0.001), 5)
                rows.append(
                    {
                        "at": iso(at),
                        "response_time": rt,
                        "name_lookup_time": dns,
                        "connection_time": conn,
                        "tls_handshake_time": tls,
                        "data_transfer_time": round(rt - dns - conn - tls, 5),
                    }
                )
            regions.append({"region": region, "response_times": rows})
        return {
            "id": str(m.id),
            "type": "monitor_response_times",
            "attributes": {"regions": regions},
        }

    # ------------------------------------------------------------------ incidents
    def _source(self, i: int) -> tuple[MonitorRec | None, HeartbeatRec | None]:
        src = self.a.srcs[i]
        if src >= 0:
            return self.a.monitors[src], None
        return None, self.a.heartbeats[-1 - src]

    def incident_times(self, i: int) -> tuple[int, int | None, int | None]:
        a = self.a
        s = a.starts[i]
        d = a.durs[i]
        k = a.acks[i]
        return s, (s + k if k >= 0 else None), (s + d if d >= 0 else None)

    def _people(self, i: int) -> tuple[str | None, str | None]:
        a = self.a
        extra = a.extras.get(i)
        _s, ack, res = self.incident_times(i)
        if extra is not None:
            return (extra.acknowledged_by if ack else None), (extra.resolved_by if res else None)
        acker = a.on_call_user(ack).name if ack else None
        resolver = acker if (res and acker and (INCIDENT_ID_BASE + i) % 2) else None
        return acker, resolver

    def incident(self, i: int, version: int = 3) -> Obj:
        a = self.a
        iid = INCIDENT_ID_BASE + i
        mon, hb = self._source(i)
        extra = a.extras.get(i)
        s, ack, res = self.incident_times(i)
        cause = CAUSES[a.causes[i]]
        ack_by, res_by = self._people(i)
        status = "Resolved" if res else ("Acknowledged" if ack else "Started")
        mask = a.regs[i]
        regions: list[str] | None
        if mon is None:
            regions = None
        elif extra is not None and extra.regions is not None:
            regions = list(extra.regions)
        elif mask:
            regions = [r for r in REGIONS if mask & REGION_BIT[r]]
        else:
            regions = list(mon.regions)
        policy_id = mon.policy_id if mon else (hb.policy_id if hb else None)
        meta: dict[str, list[dict[str, object]]] = {}
        response_content = None
        if extra is not None:
            meta = dict(extra.metadata)
            response_content = extra.response_content
        if cause.startswith("Status "):
            meta.setdefault(
                "Request duration",
                [{"type": "String", "value": f"{0.02 + (iid % 997) / 1000:.6f}"}],
            )
            meta.setdefault("Response code", [{"type": "String", "value": cause[7:]}])
            if response_content is None:
                response_content = f"{cause[7:]} error"
        metadata: Obj
        if version == 2:
            metadata = {
                k: str(v[0].get("value", v[0].get("name", ""))) if v else ""
                for k, v in meta.items()
            }
        else:
            metadata = meta
        name = mon.name if mon else (hb.name if hb else "")
        http = mon is not None and mon.monitor_type in HTTP_TYPES
        ssl_exp = extra.ssl_certificate_expires_at if extra is not None else None
        attrs: Obj = {
            "name": name,
            "url": mon.url if mon else None,
            "http_method": mon.http_method if http and mon else None,
            "cause": cause,
            "incident_group_id": None,
            "started_at": self.ti(s, i),
            "acknowledged_at": self.ti(ack, i),
            "acknowledged_by": ack_by,
            "resolved_at": self.ti(res, i),
            "resolved_by": res_by,
            "status": status,
            "team_name": a.team_name,
            "response_content": response_content,
            "response_options": "{}",
            "regions": regions,
            "response_url": None,
            "screenshot_url": (
                f"https://uptime-screenshots.example.com/incidents/{iid}.png" if http else None
            ),
            "origin_url": None,
            "escalation_policy_id": str(policy_id) if policy_id else None,
            "call": policy_id is not None,
            "sms": policy_id is not None,
            "email": True,
            "push": True,
            "critical_alert": False,
            "slack_channels": [],
            "ssl_certificate_expires_at": self.t(ssl_exp),
            "metadata": metadata,
        }
        if mon is not None:
            rel = {"monitor": {"data": {"id": str(mon.id), "type": "monitor"}}}
        else:
            assert hb is not None
            rel = {"heartbeat": {"data": {"id": str(hb.id), "type": "heartbeat"}}}
        return {"id": str(iid), "type": "incident", "attributes": attrs, "relationships": rel}

    def incident_included(self, i: int) -> Obj:
        mon, hb = self._source(i)
        if mon is not None:
            return self.monitor(mon)
        assert hb is not None
        return self.heartbeat(hb)

    def comments(self, i: int) -> list[tuple[int, int, str, User | None]]:
        """(comment id, at, text, user) for one incident."""
        a = self.a
        iid = INCIDENT_ID_BASE + i
        s, ack, _res = self.incident_times(i)
        extra = a.extras.get(i)
        out: list[tuple[int, int, str, User | None]] = []
        base = 6_000_000 + i * 4
        if extra is not None:
            for k, (off, text, user) in enumerate(extra.comments):
                out.append((base + k, s + off, text, user))
            return out
        if ack is not None and (iid * 2654435761 >> 7) % 9 == 0:
            texts = (
                "Looking into it.",
                "Upstream provider reports degraded performance in this region.",
                "Restarted the service; watching.",
                "Known flaky check, opened a ticket to tune the timeout.",
            )
            user = a.on_call_user(ack)
            out.append((base, ack + 60, texts[iid % len(texts)], user if iid % 3 else None))
        return [c for c in out if c[1] <= a.ref]

    def comment(self, cid: int, at: int, text: str, user: User | None) -> Obj:
        attrs: Obj = {"id": cid, "content": text}
        if user is not None:
            attrs["user_id"] = user.id
            attrs["user_email"] = user.email
        attrs["created_at"] = self.t(at, cid)
        attrs["updated_at"] = self.t(at, cid)
        return {"id": str(cid), "type": "incident_comment", "attributes": attrs}

    def timeline(self, i: int) -> list[Obj]:
        a = self.a
        iid = INCIDENT_ID_BASE + i
        mon, hb = self._source(i)
        s, ack, res = self.incident_times(i)
        cause = CAUSES[a.causes[i]]
        ack_by, res_by = self._people(i)
        items: list[tuple[int, str, str, Obj]] = []
        n = (i % 1_000_000) * 100 + 107_000_000
        counter = [0]

        def nid() -> str:
            counter[0] += 1
            return str(n + counter[0])

        name = mon.name if mon else (hb.name if hb else "")
        if mon is not None:
            inc = self.incident(i)
            regions = inc["attributes"]["regions"] or []
            started = f"{name} is down: {cause}. Failed checks from: {', '.join(regions)}."
        else:
            assert hb is not None
            started = f"Heartbeat {name} did not report within {hb.period + hb.grace} s."
        items.append((s, nid(), "generic", {"title": "Incident started", "content": started}))
        if mon is not None and mon.monitor_type in HTTP_TYPES:
            body = self.incident(i)["attributes"]["response_content"] or "Request timed out"
            items.append(
                (
                    s,
                    f"{iid}-content-response",
                    "response_item",
                    {"title": "Page response", "content": json.dumps([body])},
                )
            )
        # Notifications: one per escalation step whose wait elapsed before the acknowledgement.
        policy_id = mon.policy_id if mon else (hb.policy_id if hb else None)
        policy = a.policy_by_id.get(policy_id) if policy_id else None
        stop = ack if ack is not None else (res if res is not None else a.ref)
        steps = [st for st in (policy.steps if policy else ()) if st.get("type") == "escalation"]
        if not steps:
            steps = [{"wait_before": 0, "step_members": [{"type": "current_on_call"}]}]
        for k, st in enumerate(steps):
            wait = int(st.get("wait_before", 0))  # type: ignore[call-overload]
            at = s + wait + 5
            if at > stop and k > 0:
                break
            members = ", ".join(
                str(mm.get("type", "")).replace("_", " ")
                for mm in st.get("step_members", [])  # type: ignore[attr-defined]
            )
            user = a.on_call_user(at)
            title = (
                "Alerted the current on-call person"
                if k == 0
                else (f"Escalated to step {k + 1}: {members}")
            )
            items.append(
                (
                    at,
                    nid(),
                    "generic_card",
                    {
                        "title": title,
                        "content": f"Sent an email, push notification and SMS to {user.name} "
                        f"({user.email}) and {members}.",
                        "links": [f"https://uptime.betterstack.com/team/1/team-members/{user.id}"],
                    },
                )
            )
        if ack is not None:
            items.append(
                (
                    ack,
                    nid(),
                    "generic",
                    {"title": "Incident acknowledged", "content": f"{ack_by} acknowledged."},
                )
            )
        for cid, at, text, author in self.comments(i):
            items.append(
                (
                    at,
                    str(cid),
                    "comment",
                    {
                        "title": None,
                        "content": {
                            "text": text,
                            "user": {"id": author.id, "name": author.name} if author else None,
                        },
                        "attachments": [],
                    },
                )
            )
        if res is not None:
            text = f"{res_by} resolved the incident." if res_by else "Resolved automatically."
            items.append((res, nid(), "generic", {"title": "Incident resolved", "content": text}))
        if i == a.truncated_timeline_index:
            mid = s + (stop - s) // 2
            label = f"{iso(mid)[:10]} {iso(mid)[11:19]} UTC"
            items.append(
                (mid, label, "timeline_truncated", {"title": "Skipping 123 timeline events"})
            )
        items.sort(key=lambda x: (x[0], x[1]), reverse=True)
        return [
            {
                "id": item_id,
                "type": "timeline_item",
                "attributes": {"item_type": kind, "at": self.ti(at, i), "data": data},
            }
            for at, item_id, kind, data in items
        ]

    # ------------------------------------------------------------------ on-call, policies
    def user(self, u: User) -> Obj:
        return {
            "id": str(u.id),
            "type": "user",
            "attributes": {
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
                "phone_numbers": [u.phone],
            },
        }

    def calendar(self, c: CalendarRec, at: int) -> tuple[Obj, list[int]]:
        users = self.a.on_call_at(c, at)
        attrs: Obj = {"name": c.name, "default_calendar": c.default, "team_name": self.a.team_name}
        data = {
            "id": str(c.id),
            "type": "on_call_calendar",
            "attributes": attrs,
            "relationships": {
                "on_call_users": {
                    "data": [
                        {"id": str(USERS[u].id), "type": "user", "meta": {"email": USERS[u].email}}
                        for u in users
                    ]
                }
            },
        }
        return data, list(users)

    def events(self, c: CalendarRec) -> list[Obj]:
        a = self.a
        out: list[tuple[int, Obj]] = []
        covered: list[tuple[int, int]] = []
        for eid, s, e, users in c.overrides:
            covered.append((s, e))
            out.append((s, self._event(eid, s, e, users, True)))
        if c.rotation_users:
            step = c.rotation_seconds
            first = (a.ref - 35 * DAY - c.rotation_start) // step
            last = (a.ref + 14 * DAY - c.rotation_start) // step
            for n in range(first, last + 1):
                s = c.rotation_start + n * step
                e = s + step
                if any(cs <= s and e <= ce for cs, ce in covered):
                    continue
                users = (c.rotation_users[n % len(c.rotation_users)],)
                out.append((s, self._event(c.id * 10_000 + n % 10_000, s, e, users, False)))
        out.sort(key=lambda x: x[0])
        return [o for _, o in out]

    @staticmethod
    def _event(eid: int, s: int, e: int, users: tuple[int, ...], override: bool) -> Obj:
        return {
            "id": eid,
            "users": [USERS[u].email for u in users],
            "starts_at": iso(s)[:19] + "Z",
            "ends_at": iso(e)[:19] + "Z",
            "override": override,
        }

    def rotation(self, c: CalendarRec) -> Obj:
        return {
            "rotation_length": c.rotation_length,
            "rotation_interval": c.rotation_interval,
            "start_rotations_at": iso(c.rotation_start),
            "end_rotations_at": iso(c.rotation_end),
            "users": [USERS[u].email for u in c.rotation_users],
        }

    def policy(self, p: PolicyRec, version: int = 3) -> Obj:
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
                "team_name": self.a.team_name,
                "steps": steps,
            },
        }

    # ------------------------------------------------------------------ status pages
    def status_page(self, sp: Any) -> Obj:
        a = self.a
        state = "operational"
        for r in a.reports:
            if (
                r.status_page == sp.id
                and r.starts_at <= a.ref
                and (r.ends_at is None or r.ends_at > a.ref)
            ):
                state = "maintenance" if r.report_type == "maintenance" else "downtime"
        return {
            "id": str(sp.id),
            "type": "status_page",
            "attributes": {
                "company_name": sp.company_name,
                "company_url": "https://www.example.com",
                "contact_url": "mailto:support@example.com",
                "logo_url": None,
                "dark_logo_url": None,
                "timezone": sp.timezone,
                "subdomain": sp.subdomain,
                "custom_domain": None,
                "custom_css": None,
                "custom_javascript": None,
                "google_analytics_id": None,
                "min_incident_length": 180,
                "announcement": None,
                "announcement_embed_visible": False,
                "announcement_embed_css": None,
                "announcement_embed_link": None,
                "automatic_reports": True,
                "status_page_group_id": None,
                "subscribable": True,
                "hide_from_search_engines": sp.password_enabled,
                "password_enabled": sp.password_enabled,
                "ip_allowlist": [],
                "history": 90,
                "aggregate_state": state,
                "design": "v2",
                "navigation_links": [],
                "theme": "light",
                "layout": "vertical",
                "published": True,
                "require_sso": False,
                "created_at": self.t(sp.created, sp.id),
                "updated_at": self.t(sp.created + 30 * DAY, sp.id),
            },
        }

    def section(self, s: Any) -> Obj:
        return {
            "id": str(s.id),
            "type": "status_page_section",
            "attributes": {"name": s.name, "position": s.position, "fixed_position": False},
        }

    def _resource_sources(self, r: ResourceRec) -> list[int]:
        if r.resource_type == "Monitor":
            return [r.resource_index]
        if r.resource_type == "Heartbeat":
            return [-1 - r.resource_index]
        return [m.index for m in self.a.monitors if m.group == r.resource_index]

    def resource(self, r: ResourceRec) -> Obj:
        a = self.a
        days = 14
        today = a.ref - a.ref % DAY
        down = [0] * days
        maint = [0] * days
        total = 0
        window_lo = today - (days - 1) * DAY
        for src in self._resource_sources(r):
            idx = a.incidents_of_source(src)
            lo = bisect_left(idx, a.index_range(a.ref - 90 * DAY, None)[0])
            for i in idx[lo:]:
                s = a.starts[i]
                d = a.durs[i]
                e = a.ref if d < 0 else s + d
                total += e - s
                if e > window_lo:
                    k = max(0, (s - window_lo) // DAY)
                    if k < days:
                        down[k] += e - max(s, window_lo)
        for rep in a.reports:
            if r.id in rep.resources and rep.report_type == "maintenance" and rep.ends_at:
                k = (rep.starts_at - window_lo) // DAY
                if 0 <= k < days:
                    maint[k] += rep.ends_at - rep.starts_at
        history = []
        for k in range(days):
            status = "operational"
            if maint[k]:
                status = "maintenance"
            if down[k]:
                status = "downtime" if down[k] > 300 else "degraded"
            history.append(
                {
                    "day": iso(window_lo + k * DAY)[:10],
                    "status": status,
                    "downtime_duration": down[k],
                    "maintenance_duration": maint[k],
                }
            )
        n_src = max(1, len(self._resource_sources(r)))
        availability = round(1 - total / (90 * DAY * n_src), 5)
        if r.resource_type == "Monitor":
            rid = MONITOR_ID_BASE + r.resource_index
        elif r.resource_type == "Heartbeat":
            rid = HEARTBEAT_ID_BASE + r.resource_index
        else:
            rid = MONITOR_GROUP_ID_BASE + r.resource_index
        srcs = self._resource_sources(r)
        current = "downtime" if any(s in self.open_sources() for s in srcs) else "operational"
        return {
            "id": str(r.id),
            "type": "status_page_resource",
            "attributes": {
                "status_page_section_id": r.section,
                "resource_id": rid,
                "resource_type": r.resource_type,
                "history": True,
                "widget_type": "history",
                "public_name": r.public_name,
                "explanation": "",
                "position": r.position,
                "fixed_position": False,
                "mark_as_down_for": "any_incident",
                "mark_as_down_metadata_rule": None,
                "mark_as_degraded_for": "any_incident",
                "mark_as_degraded_metadata_rule": None,
                "availability": availability,
                "status": current,
                "status_history": history,
            },
        }

    def report(self, r: ReportRec) -> Obj:
        a = self.a
        visible = [u for u in r.updates if u.published_at <= a.ref]
        last = visible[-1].status if visible else "downtime"
        state = {"resolved": "operational"}.get(last, last)
        return {
            "id": str(r.id),
            "type": "status_report",
            "attributes": {
                "title": r.title,
                "report_type": r.report_type,
                "starts_at": self.t(r.starts_at),
                "ends_at": self.t(r.ends_at),
                "status_page_id": r.status_page,
                "affected_resources": [
                    {"status_page_resource_id": str(x), "status": state} for x in r.resources
                ],
                "aggregate_state": state,
            },
            "relationships": {
                "status_updates": {
                    "data": [{"id": str(u.id), "type": "status_update"} for u in visible]
                }
            },
        }

    def updates(self, r: ReportRec) -> list[Obj]:
        a = self.a
        return [
            {
                "id": str(u.id),
                "type": "status_update",
                "attributes": {
                    "message": u.message,
                    "published_at": self.t(u.published_at),
                    "status_report_id": r.id,
                    "affected_resources": [
                        {
                            "status_page_resource_id": str(x),
                            "status": {"resolved": "operational"}.get(u.status, u.status),
                        }
                        for x in r.resources
                    ],
                },
            }
            for u in r.updates
            if u.published_at <= a.ref
        ]

    # ------------------------------------------------------------------ integrations
    def webhook(self, w: Any) -> tuple[Obj, list[Obj]]:
        incident = w.trigger_type == "incident_change"
        data = {
            "id": str(w.id),
            "type": "outgoing_webhook",
            "attributes": {
                "name": w.name,
                "url": w.url,
                "trigger_type": w.trigger_type,
                "team_name": self.a.team_name,
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
                    "attributes": dict(w.template),
                }
            )
        return data, included

    def integration(self, x: Any) -> Obj:
        attrs: Obj = {"name": x.name, "team_name": self.a.team_name}
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
                "created_at": self.t(x.created, x.id),
                "updated_at": self.t(x.created, x.id),
            }
        )
        return {"id": str(x.id), "type": x.kind, "attributes": attrs}

    def metadata_records(self) -> list[Obj]:
        a = self.a
        recs: list[tuple[int, str, int, str, list[Obj]]] = []
        for k, mi in enumerate(a.casts["database_backup"].monitors):
            recs.append(
                (
                    31000 + k,
                    "Monitor",
                    MONITOR_ID_BASE + mi,
                    "Service",
                    [{"type": "String", "value": "public-api"}],
                )
            )
        recs.append(
            (
                31050,
                "Monitor",
                MONITOR_ID_BASE + a.casts["bad_deploy"].monitors[0],
                "Runbook",
                [{"type": "String", "value": "https://wiki.example.com/runbooks/checkout"}],
            )
        )
        recs.append(
            (
                31051,
                "Heartbeat",
                HEARTBEAT_ID_BASE,
                "Owner",
                [{"type": "User", "email": USERS[3].email}],
            )
        )
        head = a.scenarios["database_backup"]
        recs.append(
            (
                31052,
                "Incident",
                int(head.incident_id),
                "Escalation policy",
                [{"type": "Policy", "item_id": "45602", "name": "API critical"}],
            )
        )
        created = a.ref - 60 * DAY
        return [
            {
                "id": str(rid),
                "type": "metadata",
                "attributes": {
                    "key": key,
                    "values": values,
                    "team_name": a.team_name,
                    "owner_id": str(oid),
                    "owner_type": otype,
                    "created_at": self.t(created + rid, rid),
                    "updated_at": self.t(created + rid, rid),
                },
            }
            for rid, otype, oid, key, values in recs
        ]
