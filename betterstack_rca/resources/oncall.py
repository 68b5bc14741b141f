"""On-call calendars, their events and rotation (v2)."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from functools import partial

from betterstack_rca._core.endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca._core.pagination import PagedCall
from betterstack_rca.models import (
    OnCallCalendar,
    OnCallEvent,
    Rotation,
    parse_many,
    parse_on_call_events,
    parse_one,
    parse_rotation,
)
from betterstack_rca.resources._params import ident, instant, query


class OnCall(Resource[E]):
    """`/api/v2/on-calls`: https://betterstack.com/docs/uptime/api/get-a-single-on-call-calendar/"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[OnCallCalendar]:
        return PagedCall(
            "/api/v2/on-calls", {}, partial(parse_many, OnCallCalendar), 250, max_items
        )

    @endpoint
    def get(
        self, calendar_id: int | str = "default", at: date | datetime | str | None = None
    ) -> Call[OnCallCalendar]:
        """A calendar and who is on call in it; `at=` asks who was on call at that time."""
        return Call(
            f"/api/v2/on-calls/{ident(calendar_id, 'calendar_id')}",
            query(date=None if at is None else instant(at, "at")),
            partial(parse_one, OnCallCalendar),
        )

    @endpoint
    def events(self, calendar_id: int | str = "default") -> Call[builtins.list[OnCallEvent]]:
        """Every shift of the calendar (not paginated; no date filter exists)."""
        return Call(
            f"/api/v2/on-calls/{ident(calendar_id, 'calendar_id')}/events",
            {},
            parse_on_call_events,
        )

    @endpoint
    def rotation(self, calendar_id: int | str = "default") -> Call[Rotation | None]:
        """The calendar's rotation, or None when it has none (the API answers 404)."""
        return Call(
            f"/api/v2/on-calls/{ident(calendar_id, 'calendar_id')}/rotation",
            {},
            parse_rotation,
            none_on_404=True,
            team_scoped=True,
        )
