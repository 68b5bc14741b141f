"""Status pages: the page, its sections and resources, its reports and their updates."""

from __future__ import annotations

from bisect import bisect_left

from betterstack_rca.sandbox.model.constants import (
    HEARTBEAT_ID_BASE,
    MONITOR_GROUP_ID_BASE,
    MONITOR_ID_BASE,
)
from betterstack_rca.sandbox.model.records import ReportRec, ResourceRec, SectionRec, StatusPageRec
from betterstack_rca.sandbox.model.timestamps import DAY, iso
from betterstack_rca.sandbox.render.base import Obj, View


def status_page(v: View, sp: StatusPageRec) -> Obj:
    a = v.account
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
            "created_at": v.t(sp.created, sp.id),
            "updated_at": v.t(sp.created + 30 * DAY, sp.id),
        },
    }


def section(s: SectionRec) -> Obj:
    return {
        "id": str(s.id),
        "type": "status_page_section",
        "attributes": {"name": s.name, "position": s.position, "fixed_position": False},
    }


def _resource_sources(v: View, r: ResourceRec) -> list[int]:
    if r.resource_type == "Monitor":
        return [r.resource_index]
    if r.resource_type == "Heartbeat":
        return [-1 - r.resource_index]
    return [m.index for m in v.account.monitors if m.group == r.resource_index]


def resource(v: View, r: ResourceRec) -> Obj:
    a = v.account
    days = 14
    today = a.ref - a.ref % DAY
    down = [0] * days
    maint = [0] * days
    total = 0
    window_lo = today - (days - 1) * DAY
    for src in _resource_sources(v, r):
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
    n_src = max(1, len(_resource_sources(v, r)))
    availability = round(1 - total / (90 * DAY * n_src), 5)
    if r.resource_type == "Monitor":
        rid = MONITOR_ID_BASE + r.resource_index
    elif r.resource_type == "Heartbeat":
        rid = HEARTBEAT_ID_BASE + r.resource_index
    else:
        rid = MONITOR_GROUP_ID_BASE + r.resource_index
    srcs = _resource_sources(v, r)
    current = "downtime" if any(s in v.open_sources() for s in srcs) else "operational"
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


def report(v: View, r: ReportRec) -> Obj:
    a = v.account
    visible = [u for u in r.updates if u.published_at <= a.ref]
    last = visible[-1].status if visible else "downtime"
    state = {"resolved": "operational"}.get(last, last)
    return {
        "id": str(r.id),
        "type": "status_report",
        "attributes": {
            "title": r.title,
            "report_type": r.report_type,
            "starts_at": v.t(r.starts_at),
            "ends_at": v.t(r.ends_at),
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


def updates(v: View, r: ReportRec) -> list[Obj]:
    a = v.account
    return [
        {
            "id": str(u.id),
            "type": "status_update",
            "attributes": {
                "message": u.message,
                "published_at": v.t(u.published_at),
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
