"""/api/v2|v3/metadata (filtered by ``owner_id`` / ``owner_type``) and one record."""

from __future__ import annotations

from betterstack_rca.sandbox.app.errors import not_found
from betterstack_rca.sandbox.app.request import Request
from betterstack_rca.sandbox.render.base import Obj
from betterstack_rca.sandbox.render.metadata import metadata_records


def list_metadata(req: Request) -> Obj:
    recs = metadata_records(req.view)
    oid = req.q("owner_id")
    otype = req.q("owner_type")
    if oid is not None:
        recs = [r for r in recs if r["attributes"]["owner_id"] == oid]
    if otype is not None:
        recs = [r for r in recs if r["attributes"]["owner_type"] == otype]
    return req.page(recs, lambda x: x)


def get_metadata(req: Request) -> Obj:
    for r in metadata_records(req.view):
        if r["id"] == req.args[0]:
            return {"data": r}
    raise not_found()
