"""Monitors, their response times and availability, and monitor groups (all v2)."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from betterstack_rca._core.endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca._core.pagination import PagedCall
from betterstack_rca.models import (
    Availability,
    Monitor,
    MonitorGroup,
    MonitorResponseTimes,
    parse_many,
    parse_one,
)
from betterstack_rca.resources._params import day, ident, query, text

DateLike = date | datetime | str


def availability_params(from_: DateLike | None, to: DateLike | None) -> dict[str, str]:
    return query(
        **{
            "from": None if from_ is None else day(from_, "from_"),
            "to": None if to is None else day(to, "to"),
        }
    )


class Monitors(Resource[E]):
    """`/api/v2/monitors`: https://betterstack.com/docs/uptime/api/list-all-existing-monitors/"""

    @paged
    def list(
        self,
        *,
        url: str | None = None,
        pronounceable_name: str | None = None,
        max_items: int | None = None,
    ) -> PagedCall[Monitor]:
        """Every monitor (pages of 250), optionally filtered by exact `url` or name."""
        params = query(
            url=None if url is None else text(url, "url"),
            pronounceable_name=None
            if pronounceable_name is None
            else text(pronounceable_name, "pronounceable_name"),
        )
        return PagedCall("/api/v2/monitors", params, partial(parse_many, Monitor), 250, max_items)

    @endpoint
    def get(self, monitor_id: int | str) -> Call[Monitor]:
        return Call(
            f"/api/v2/monitors/{ident(monitor_id, 'monitor_id')}", {}, partial(parse_one, Monitor)
        )

    @endpoint
    def response_times(self, monitor_id: int | str) -> Call[MonitorResponseTimes]:
        """Response times of the last 24 hours, by region, in seconds."""
        return Call(
            f"/api/v2/monitors/{ident(monitor_id, 'monitor_id')}/response-times",
            {},
            partial(parse_one, MonitorResponseTimes),
        )

    @endpoint
    def sla(
        self,
        monitor_id: int | str,
        *,
        from_: DateLike | None = None,
        to: DateLike | None = None,
    ) -> Call[Availability]:
        """Availability (percent) and downtime (seconds) between two days (inclusive)."""
        return Call(
            f"/api/v2/monitors/{ident(monitor_id, 'monitor_id')}/sla",
            availability_params(from_, to),
            partial(parse_one, Availability),
        )


class MonitorGroups(Resource[E]):
    """`/api/v2/monitor-groups`"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[MonitorGroup]:
        return PagedCall(
            "/api/v2/monitor-groups", {}, partial(parse_many, MonitorGroup), 250, max_items
        )

    @endpoint
    def get(self, group_id: int | str) -> Call[MonitorGroup]:
        return Call(
            f"/api/v2/monitor-groups/{ident(group_id, 'group_id')}",
            {},
            partial(parse_one, MonitorGroup),
        )

    @paged
    def monitors(self, group_id: int | str, *, max_items: int | None = None) -> PagedCall[Monitor]:
        """The monitors of one group (cheaper than listing every monitor)."""
        return PagedCall(
            f"/api/v2/monitor-groups/{ident(group_id, 'group_id')}/monitors",
            {},
            partial(parse_many, Monitor),
            250,
            max_items,
        )
