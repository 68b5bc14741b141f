"""/api/v2/outgoing-webhooks, /api/v2/email-integrations and /api/v2/incoming-webhooks."""

from __future__ import annotations

from betterstack_rca.sandbox.app.errors import not_found
from betterstack_rca.sandbox.app.request import Request
from betterstack_rca.sandbox.model.records import IntegrationRec
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.integrations import integration, webhook


def list_webhooks(req: Request) -> Obj:
    """``included`` holds the custom templates of the webhooks on this page only."""
    rows = []
    included: list[Obj] = []
    for w in req.account.webhooks:
        data, inc = webhook(req.view, w)
        rows.append(data)
        included.extend(inc)
    out = req.page(rows, lambda x: x)
    shown = {
        d["relationships"]["custom_webhook_template"]["data"]["id"]
        for d in out["data"]
        if d["relationships"]["custom_webhook_template"]["data"]
    }
    pagination = out.pop("pagination")  # keep "included" before "pagination"
    out["included"] = [x for x in included if x["id"] in shown]
    out["pagination"] = pagination
    return out


def get_webhook(req: Request) -> Obj:
    for w in req.account.webhooks:
        if str(w.id) == req.args[0]:
            data, inc = webhook(req.view, w)
            return {"data": data, "included": inc}
    raise not_found()


def _rows(req: Request, kind: str) -> tuple[IntegrationRec, ...]:
    a = req.account
    return a.email_integrations if kind == "email" else a.incoming_webhooks


def list_integrations(req: Request, kind: str) -> Obj:
    return req.page(_rows(req, kind), lambda x: integration(req.view, x))


def get_integration(req: Request, kind: str) -> Obj:
    for x in _rows(req, kind):
        if str(x.id) == req.args[0]:
            return {"data": integration(req.view, x)}
    raise not_found()
