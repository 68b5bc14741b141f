"""Incidents (v3), their timeline (v3) and comments (v2 only)."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from functools import partial

from betterstack_rca._endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca.models import (
    Incident,
    IncidentComment,
    Timeline,
    parse_many,
    parse_one,
    parse_timeline,
)
from betterstack_rca.pagination import PagedCall
from betterstack_rca.resources._params import day, flag, ident, query

DateLike = date | datetime | str


class Incidents(Resource[E]):
    """`/api/v3/incidents`: https://betterstack.com/docs/uptime/api/list-all-incidents/"""

    @paged
    def list(
        self,
        *,
        from_: DateLike | None = None,
        to: DateLike | None = None,
        monitor_id: int | str | None = None,
        heartbeat_id: int | str | None = None,
        resolved: bool | None = None,
        acknowledged: bool | None = None,
        max_items: int | None = None,
    ) -> PagedCall[Incident]:
        """Incidents, newest first. `from_`/`to` are whole UTC days (the API takes dates):
        filter to an exact window yourself. Pages of 50 (the endpoint's maximum)."""
        params = query(
            **{
                "from": None if from_ is None else day(from_, "from_"),
                "to": None if to is None else day(to, "to"),
                "monitor_id": None if monitor_id is None else ident(monitor_id, "monitor_id"),
                "heartbeat_id": None
                if heartbeat_id is None
                else ident(heartbeat_id, "heartbeat_id"),
                "resolved": None if resolved is None else flag(resolved, "resolved"),
                "acknowledged": None
                if acknowledged is None
                else flag(acknowledged, "acknowledged"),
            }
        )
        return PagedCall(
            "/api/v3/incidents",
            params,
            partial(parse_many, Incident),
            per_page=50,
            max_items=max_items,
        )

    @endpoint
    def get(self, incident_id: int | str) -> Call[Incident]:
        """One incident; `incident.monitor` holds the monitor Better Stack includes with it."""
        return Call(
            f"/api/v3/incidents/{ident(incident_id, 'incident_id')}",
            {},
            partial(parse_one, Incident),
        )

    @endpoint
    def timeline(self, incident_id: int | str) -> Call[Timeline]:
        """Better Stack's own timeline (not paginated). `timeline.truncated` says if it
        skipped events."""
        return Call(
            f"/api/v3/incidents/{ident(incident_id, 'incident_id')}/timeline", {}, parse_timeline
        )

    @endpoint
    def comments(self, incident_id: int | str) -> Call[builtins.list[IncidentComment]]:
        """Comments (v2 only; not paginated). An unknown incident raises `NotFoundError`."""
        return Call(
            f"/api/v2/incidents/{ident(incident_id, 'incident_id')}/comments",
            {},
            partial(parse_many, IncidentComment),
        )
