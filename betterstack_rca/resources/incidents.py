"""Incidents (v3), their timeline (v3) and comments (v2 only)."""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from betterstack_rca._core.endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca._core.pagination import PagedCall
from betterstack_rca.models import (
    Incident,
    IncidentComment,
    Timeline,
    parse_many,
    parse_one,
    parse_timeline,
)
from betterstack_rca.resources._params import day, flag, ident, query, to_datetime

DateLike = date | datetime | str


def _started_between(
    lo: date | datetime | None, hi: date | datetime | None
) -> Callable[[Incident], bool] | None:
    """A filter for the exact bounds (only datetimes are exact; dates are whole days)."""
    lo_at = lo if isinstance(lo, datetime) else None
    hi_at = hi if isinstance(hi, datetime) else None
    if lo_at is None and hi_at is None:
        return None

    def keep(incident: Incident) -> bool:
        at = incident.started_at
        if at is None:
            return True  # cannot tell: keep rather than lose it
        return (lo_at is None or at >= lo_at) and (hi_at is None or at <= hi_at)

    return keep


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
        """Incidents, newest first, pages of 50 (the endpoint's maximum).

        The API filters `from`/`to` by whole UTC days. A `date` (or "YYYY-MM-DD") bound is
        that whole day; an aware `datetime` (or an ISO date-time string) bound is exact: the
        day is sent and incidents that started outside the instant are left out here.
        """
        keep = _started_between(
            None if from_ is None else to_datetime(from_, "from_"),
            None if to is None else to_datetime(to, "to"),
        )
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
            keep=keep,
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
