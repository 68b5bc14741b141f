"""Status pages and their sections, resources, reports and updates (v2)."""

from __future__ import annotations

from functools import partial

from betterstack_rca._core.endpoints import Call, E, Resource, endpoint, paged
from betterstack_rca._core.pagination import PagedCall
from betterstack_rca.models import (
    StatusPage,
    StatusPageResource,
    StatusPageSection,
    StatusReport,
    StatusUpdate,
    parse_many,
    parse_one,
)
from betterstack_rca.resources._params import ident


def _page(status_page_id: int | str) -> str:
    return f"/api/v2/status-pages/{ident(status_page_id, 'status_page_id')}"


class StatusPages(Resource[E]):
    """`/api/v2/status-pages`"""

    @paged
    def list(self, *, max_items: int | None = None) -> PagedCall[StatusPage]:
        return PagedCall(
            "/api/v2/status-pages", {}, partial(parse_many, StatusPage), 250, max_items
        )

    @endpoint
    def get(self, status_page_id: int | str) -> Call[StatusPage]:
        return Call(_page(status_page_id), {}, partial(parse_one, StatusPage))

    @paged
    def sections(
        self, status_page_id: int | str, *, max_items: int | None = None
    ) -> PagedCall[StatusPageSection]:
        return PagedCall(
            f"{_page(status_page_id)}/sections",
            {},
            partial(parse_many, StatusPageSection),
            250,
            max_items,
        )

    @paged
    def resources(
        self, status_page_id: int | str, *, max_items: int | None = None
    ) -> PagedCall[StatusPageResource]:
        """What the page shows: monitors, groups, heartbeats... (availability is a fraction)."""
        return PagedCall(
            f"{_page(status_page_id)}/resources",
            {},
            partial(parse_many, StatusPageResource),
            250,
            max_items,
        )

    @paged
    def reports(
        self, status_page_id: int | str, *, max_items: int | None = None
    ) -> PagedCall[StatusReport]:
        """Status reports (manual, automatic, maintenance)."""
        return PagedCall(
            f"{_page(status_page_id)}/status-reports",
            {},
            partial(parse_many, StatusReport),
            250,
            max_items,
        )

    @endpoint
    def report(self, status_page_id: int | str, report_id: int | str) -> Call[StatusReport]:
        """One report with its status updates (`report.status_updates`)."""
        return Call(
            f"{_page(status_page_id)}/status-reports/{ident(report_id, 'report_id')}",
            {},
            partial(parse_one, StatusReport),
        )

    @paged
    def updates(
        self, status_page_id: int | str, report_id: int | str, *, max_items: int | None = None
    ) -> PagedCall[StatusUpdate]:
        return PagedCall(
            f"{_page(status_page_id)}/status-reports/{ident(report_id, 'report_id')}"
            "/status-updates",
            {},
            partial(parse_many, StatusUpdate),
            250,
            max_items,
        )
