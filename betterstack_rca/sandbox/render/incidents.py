"""Incidents: the incident object (v2 and v3), its comments and its timeline."""

from __future__ import annotations

import json
from collections.abc import Mapping

from betterstack_rca.sandbox.model.checks import request_duration
from betterstack_rca.sandbox.model.constants import (
    CAUSES,
    HTTP_TYPES,
    INCIDENT_ID_BASE,
    REGION_BIT,
    REGIONS,
)
from betterstack_rca.sandbox.model.records import HeartbeatRec, MonitorRec, User
from betterstack_rca.sandbox.model.timestamps import iso
from betterstack_rca.sandbox.render.base import Obj, View
from betterstack_rca.sandbox.render.heartbeats import heartbeat
from betterstack_rca.sandbox.render.monitors import monitor


def incident(v: View, i: int, version: int = 3) -> Obj:
    a = v.account
    iid = INCIDENT_ID_BASE + i
    mon, hb = source(v, i)
    extra = a.extras.get(i)
    s, ack, res = incident_times(v, i)
    cause = CAUSES[a.causes[i]]
    ack_by, res_by = _people(v, i)
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
            [{"type": "String", "value": f"{request_duration(iid, meta):.6f}"}],
        )
        meta.setdefault("Response code", [{"type": "String", "value": cause[7:]}])
        if response_content is None:
            response_content = f"{cause[7:]} error"
    metadata: Obj
    if version == 2:
        metadata = {
            k: str(v[0].get("value", v[0].get("name", ""))) if v else "" for k, v in meta.items()
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
        "started_at": v.ti(s, i),
        "acknowledged_at": v.ti(ack, i),
        "acknowledged_by": ack_by,
        "resolved_at": v.ti(res, i),
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
        "ssl_certificate_expires_at": v.t(ssl_exp),
        "metadata": metadata,
    }
    if mon is not None:
        rel = {"monitor": {"data": {"id": str(mon.id), "type": "monitor"}}}
    else:
        assert hb is not None
        rel = {"heartbeat": {"data": {"id": str(hb.id), "type": "heartbeat"}}}
    return {"id": str(iid), "type": "incident", "attributes": attrs, "relationships": rel}


def incident_included(v: View, i: int) -> Obj:
    mon, hb = source(v, i)
    if mon is not None:
        return monitor(v, mon)
    assert hb is not None
    return heartbeat(v, hb)


def source(v: View, i: int) -> tuple[MonitorRec | None, HeartbeatRec | None]:
    src = v.account.srcs[i]
    if src >= 0:
        return v.account.monitors[src], None
    return None, v.account.heartbeats[-1 - src]


def incident_times(v: View, i: int) -> tuple[int, int | None, int | None]:
    a = v.account
    s = a.starts[i]
    d = a.durs[i]
    k = a.acks[i]
    return s, (s + k if k >= 0 else None), (s + d if d >= 0 else None)


def _people(v: View, i: int) -> tuple[str | None, str | None]:
    a = v.account
    extra = a.extras.get(i)
    _s, ack, res = incident_times(v, i)
    if extra is not None:
        return (extra.acknowledged_by if ack else None), (extra.resolved_by if res else None)
    acker = a.on_call_user(ack).name if ack else None
    resolver = acker if (res and acker and (INCIDENT_ID_BASE + i) % 2) else None
    return acker, resolver


def step_people(v: View, step: Mapping[str, object], t: int) -> list[User]:
    """Who an escalation step pages at ``t``: the on-call person of each calendar it names
    (the default calendar when a ``current_on_call`` member names none) and its users."""
    a = v.account
    people: list[User] = []
    members = step.get("step_members") or []
    assert isinstance(members, list)
    for mm in members:
        kind, mid = mm.get("type"), mm.get("id")
        if kind == "current_on_call":
            cal = next((c for c in a.calendars if c.id == mid), None) if mid else None
            cal = cal or a.calendars[0]
            who = cal.on_call_at(t)
            people += [a.users[u] for u in who]
        elif kind == "user":
            people += [u for u in a.users if u.id == mid]
    return people or [a.on_call_user(t)]


def comments(v: View, i: int) -> list[tuple[int, int, str, User | None]]:
    """(comment id, at, text, user) for one incident."""
    a = v.account
    iid = INCIDENT_ID_BASE + i
    s, ack, _res = incident_times(v, i)
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


def comment(v: View, cid: int, at: int, text: str, user: User | None) -> Obj:
    attrs: Obj = {"id": cid, "content": text}
    if user is not None:
        attrs["user_id"] = user.id
        attrs["user_email"] = user.email
    attrs["created_at"] = v.t(at, cid)
    attrs["updated_at"] = v.t(at, cid)
    return {"id": str(cid), "type": "incident_comment", "attributes": attrs}


def timeline(v: View, i: int) -> list[Obj]:
    a = v.account
    iid = INCIDENT_ID_BASE + i
    mon, hb = source(v, i)
    s, ack, res = incident_times(v, i)
    cause = CAUSES[a.causes[i]]
    ack_by, res_by = _people(v, i)
    items: list[tuple[int, str, str, Obj]] = []
    n = (i % 1_000_000) * 100 + 107_000_000
    counter = [0]

    def nid() -> str:
        counter[0] += 1
        return str(n + counter[0])

    name = mon.name if mon else (hb.name if hb else "")
    if mon is not None:
        inc = incident(v, i)
        regions = inc["attributes"]["regions"] or []
        started = f"{name} is down: {cause}. Failed checks from: {', '.join(regions)}."
    else:
        assert hb is not None
        started = f"Heartbeat {name} did not report within {hb.period + hb.grace} s."
    items.append((s, nid(), "generic", {"title": "Incident started", "content": started}))
    if mon is not None and mon.monitor_type in HTTP_TYPES:
        body = incident(v, i)["attributes"]["response_content"] or "Request timed out"
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
    at = s
    for k, st in enumerate(steps):
        at += int(st.get("wait_before", 0))  # type: ignore[call-overload]
        if at + 5 > stop and k > 0:
            break
        members = ", ".join(
            str(mm.get("type", "")).replace("_", " ")
            for mm in st.get("step_members", [])  # type: ignore[attr-defined]
        )
        people = step_people(v, st, at + 5)
        title = (
            "Alerted the current on-call person"
            if k == 0
            else (f"Escalated to step {k + 1}: {members}")
        )
        reached = "; ".join(
            f"{u.name} ({u.email})" + ("" if u.phone else ", no phone number for calls or SMS")
            for u in people
        )
        items.append(
            (
                at + 5,
                nid(),
                "generic_card",
                {
                    "title": title,
                    "content": f"Sent an email, push notification and SMS to {reached} "
                    f"and {members}.",
                    "links": [
                        f"https://uptime.betterstack.com/team/1/team-members/{u.id}" for u in people
                    ],
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
    for cid, at, text, author in comments(v, i):
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
        items.append((mid, label, "timeline_truncated", {"title": "Skipping 123 timeline events"}))
    items.sort(key=lambda x: (x[0], x[1]), reverse=True)
    return [
        {
            "id": item_id,
            "type": "timeline_item",
            "attributes": {"item_type": kind, "at": v.ti(at, i), "data": data},
        }
        for at, item_id, kind, data in items
    ]
