"""/api/v2/status-pages and everything under one page: sections, resources, reports, updates.

Reports show only once their first update is published (at or before the reference time).
"""

from __future__ import annotations

from betterstack_rca.sandbox.app.errors import not_found
from betterstack_rca.sandbox.app.request import Request
from betterstack_rca.sandbox.model.records import ReportRec, StatusPageRec
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.status_pages import (
    report,
    resource,
    section,
    status_page,
    updates,
)


def _page(req: Request) -> StatusPageRec:
    for sp in req.account.status_pages:
        if str(sp.id) == req.args[0]:
            return sp
    raise not_found()


def _visible_reports(req: Request, sp: StatusPageRec) -> list[ReportRec]:
    a = req.account
    return [
        r
        for r in a.reports
        if r.status_page == sp.id and any(u.published_at <= a.ref for u in r.updates)
    ]


def _report(req: Request) -> ReportRec:
    for r in _visible_reports(req, _page(req)):
        if str(r.id) == req.args[1]:
            return r
    raise not_found()


def list_status_pages(req: Request) -> Obj:
    return req.page(req.account.status_pages, lambda sp: status_page(req.view, sp))


def get_status_page(req: Request) -> Obj:
    return {"data": status_page(req.view, _page(req))}


def list_sections(req: Request) -> Obj:
    sp = _page(req)
    return req.page([s for s in req.account.sections if s.status_page == sp.id], section)


def get_section(req: Request) -> Obj:
    sp = _page(req)
    for s in req.account.sections:
        if s.status_page == sp.id and str(s.id) == req.args[1]:
            return {"data": section(s)}
    raise not_found()


def list_resources(req: Request) -> Obj:
    sp = _page(req)
    rows = [r for r in req.account.resources if r.status_page == sp.id]
    return req.page(rows, lambda r: resource(req.view, r))


def get_resource(req: Request) -> Obj:
    sp = _page(req)
    for r in req.account.resources:
        if r.status_page == sp.id and str(r.id) == req.args[1]:
            return {"data": resource(req.view, r)}
    raise not_found()


def list_reports(req: Request) -> Obj:
    return req.page(_visible_reports(req, _page(req)), lambda r: report(req.view, r))


def get_report(req: Request) -> Obj:
    r = _report(req)
    return {"data": report(req.view, r), "included": updates(req.view, r)}


def list_updates(req: Request) -> Obj:
    return req.page(updates(req.view, _report(req)), lambda x: x)


def get_update(req: Request) -> Obj:
    for u in updates(req.view, _report(req)):
        if u["id"] == req.args[2]:
            return {"data": u}
    raise not_found()
