"""Heartbeats, their availability, and heartbeat groups (all v2)."""

from __future__ import annotations

from functools import partial

from betterstack_rca._core.endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca._core.pagination import PagedCall
from betterstack_rca.models import Availability, Heartbeat, HeartbeatGroup, parse_many, parse_one
from betterstack_rca.resources._params import ident
from betterstack_rca.resources.monitors import DateLike, availability_params


class Heartbeats(Resource[E]):
    """`/api/v2/heartbeats`: https://betterstack.com/docs/uptime/api/list-all-existing-hearbeats/"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[Heartbeat]:
        return PagedCall("/api/v2/heartbeats", {}, partial(parse_many, Heartbeat), 250, max_items)

    @endpoint
    def get(self, heartbeat_id: int | str) -> Call[Heartbeat]:
        return Call(
            f"/api/v2/heartbeats/{ident(heartbeat_id, 'heartbeat_id')}",
            {},
            partial(parse_one, Heartbeat),
        )

    @endpoint
    def availability(
        self,
        heartbeat_id: int | str,
        *,
        from_: DateLike | None = None,
        to: DateLike | None = None,
    ) -> Call[Availability]:
        """Availability (percent) between two days; note the path is `/availability`."""
        return Call(
            f"/api/v2/heartbeats/{ident(heartbeat_id, 'heartbeat_id')}/availability",
            availability_params(from_, to),
            partial(parse_one, Availability),
        )


class HeartbeatGroups(Resource[E]):
    """`/api/v2/heartbeat-groups`"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[HeartbeatGroup]:
        return PagedCall(
            "/api/v2/heartbeat-groups", {}, partial(parse_many, HeartbeatGroup), 250, max_items
        )

    @endpoint
    def get(self, group_id: int | str) -> Call[HeartbeatGroup]:
        return Call(
            f"/api/v2/heartbeat-groups/{ident(group_id, 'group_id')}",
            {},
            partial(parse_one, HeartbeatGroup),
        )

    @paged
    def heartbeats(
        self, group_id: int | str, *, max_items: int | None = None
    ) -> PagedCall[Heartbeat]:
        return PagedCall(
            f"/api/v2/heartbeat-groups/{ident(group_id, 'group_id')}/heartbeats",
            {},
            partial(parse_many, Heartbeat),
            250,
            max_items,
        )
