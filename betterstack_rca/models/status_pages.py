"""Status pages, their sections, resources, reports and report updates.

https://betterstack.com/docs/uptime/api/get-a-single-status-page/
https://betterstack.com/docs/uptime/api/get-a-single-status-page-resource/
https://betterstack.com/docs/uptime/api/list-existing-reports-on-a-status-page/
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar

from pydantic import AliasChoices, Field

from ._base import (
    BetterStackModel,
    Id,
    JsonApiResource,
    OpenEnum,
    UTCDateTime,
    find_included,
    relationship_refs,
)
from .metadata import MetadataValues

__all__ = [
    "AffectedResource",
    "MetadataRule",
    "ReportType",
    "ResourceStatus",
    "StatusHistoryDay",
    "StatusPage",
    "StatusPageResource",
    "StatusPageSection",
    "StatusReport",
    "StatusUpdate",
]


class ResourceStatus(OpenEnum):
    """State of a status page, report or resource (lowercase on the wire)."""

    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    DOWNTIME = "downtime"
    MAINTENANCE = "maintenance"
    NOT_MONITORED = "not_monitored"


class ReportType(OpenEnum):
    """Kind of status report."""

    MANUAL = "manual"
    AUTOMATIC = "automatic"
    MAINTENANCE = "maintenance"


ResourceStatusValue = Annotated[ResourceStatus | str, Field(union_mode="left_to_right")]
ReportTypeValue = Annotated[ReportType | str, Field(union_mode="left_to_right")]


class StatusPage(JsonApiResource):
    """A status page (``GET /api/v2/status-pages/{id}``)."""

    api_types: ClassVar[tuple[str, ...]] = ("status_page",)

    type: str = "status_page"
    """JSON:API resource type, ``status_page``."""
    company_name: str | None = None
    """Company name shown on the page."""
    company_url: str | None = None
    """Company website."""
    contact_url: str | None = None
    """Where visitors can get in touch."""
    logo_url: str | None = None
    """Logo image URL."""
    dark_logo_url: str | None = None
    """Logo image URL for the dark theme."""
    timezone: str | None = None
    """Time zone the page shows times in."""
    subdomain: str | None = None
    """Subdomain under betteruptime.com / betterstack.com."""
    custom_domain: str | None = None
    """Custom domain of the page, if any."""
    custom_css: str | None = None
    """Custom CSS."""
    custom_javascript: str | None = None
    """Custom JavaScript."""
    google_analytics_id: str | None = None
    """Google Analytics id."""
    min_incident_length: float | None = None
    """Incidents shorter than this many seconds are not shown."""
    announcement: str | None = None
    """Announcement banner text."""
    announcement_embed_visible: bool | None = Field(
        default=None,
        validation_alias=AliasChoices("announcement_embed_visible", "announcement_embed_enabled"),
    )
    """Whether the announcement shows in embeds (older answers: ``announcement_embed_enabled``)."""
    announcement_embed_css: str | None = None
    """CSS of the embedded announcement."""
    announcement_embed_link: str | None = None
    """Link of the embedded announcement."""
    automatic_reports: bool | None = None
    """Whether incidents create status reports automatically."""
    status_page_group_id: Id | None = None
    """Id of the status page group."""
    subscribable: bool | None = None
    """Whether visitors can subscribe to updates."""
    hide_from_search_engines: bool | None = None
    """Whether search engines are asked not to index the page."""
    password_enabled: bool | None = None
    """Whether the page is password protected."""
    whitelabeled: bool | None = None
    """Whether Better Stack branding is hidden."""
    ip_allowlist: list[str] | None = None
    """IP ranges allowed to view the page."""
    history: int | None = None
    """Days of history shown (e.g. 90)."""
    aggregate_state: ResourceStatusValue | None = None
    """Overall state: operational, degraded, downtime or maintenance."""
    design: str | None = None
    """Page design version, e.g. ``v1``."""
    theme: str | None = None
    """Colour theme, e.g. ``light``."""
    layout: str | None = None
    """Page layout."""
    navigation_links: list[Any] | None = None
    """Extra navigation links (raw)."""
    published: bool | None = None
    """Whether the page is public."""
    require_sso: bool | None = None
    """Whether viewing requires single sign-on."""
    created_at: UTCDateTime | None = None
    """When the page was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the page last changed (UTC)."""


class StatusPageSection(JsonApiResource):
    """A section grouping resources on a status page."""

    api_types: ClassVar[tuple[str, ...]] = ("status_page_section",)

    type: str = "status_page_section"
    """JSON:API resource type, ``status_page_section``."""
    name: str | None = None
    """Section heading."""
    position: int | None = None
    """Order on the page (0 first)."""
    fixed_position: bool | None = None
    """Whether the position is pinned."""
    status_page_id: Id | None = None
    """Id of the status page."""
    created_at: UTCDateTime | None = None
    """When the section was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the section last changed (UTC)."""


class MetadataRule(BetterStackModel):
    """A metadata condition (``key`` + values) selecting which incidents count."""

    key: str | None = None
    """Metadata key to match."""
    values: MetadataValues = Field(default_factory=list)
    """Typed values to match."""


class StatusHistoryDay(BetterStackModel):
    """One day of a resource's status history."""

    day: dt.date | None = None
    """The calendar day."""
    status: ResourceStatusValue | None = None
    """Worst state that day."""
    downtime_duration: float | None = None
    """Downtime that day, in seconds."""
    maintenance_duration: float | None = None
    """Maintenance that day, in seconds."""


class StatusPageResource(JsonApiResource):
    """A monitor/heartbeat/... shown on a status page.

    ``availability`` is a FRACTION (0.99963), unlike SLA summaries (a percent).
    """

    api_types: ClassVar[tuple[str, ...]] = ("status_page_resource",)

    type: str = "status_page_resource"
    """JSON:API resource type, ``status_page_resource``."""
    status_page_section_id: Id | None = None
    """Id of the section it is shown in."""
    resource_id: Id | None = None
    """Id of the monitored resource (a monitor id when resource_type is Monitor)."""
    resource_type: str | None = None
    """Monitor, MonitorGroup, Heartbeat, HeartbeatGroup, WebhookIntegration, ..."""
    history: bool | None = None
    """Deprecated: whether the history bar shows (see ``widget_type``)."""
    widget_type: str | None = None
    """plain, history, intraday_history, response_times or chart_only."""
    public_name: str | None = None
    """Name shown to visitors."""
    explanation: str | None = None
    """Help text shown beside the name."""
    position: int | None = None
    """Order within the section."""
    fixed_position: bool | None = None
    """Whether the position is pinned."""
    mark_as_down_for: str | None = None
    """Which incidents mark it down, e.g. ``any_incident``, ``incident_matching_metadata``."""
    mark_as_down_metadata_rule: MetadataRule | None = None
    """Metadata rule used when ``mark_as_down_for`` matches on metadata."""
    mark_as_degraded_for: str | None = None
    """Which incidents mark it degraded."""
    mark_as_degraded_metadata_rule: MetadataRule | None = None
    """Metadata rule used when ``mark_as_degraded_for`` matches on metadata."""
    availability: float | None = None
    """Availability as a FRACTION 0-1 (0.99963 = 99.963 %), not a percent."""
    status: ResourceStatusValue | None = None
    """Current state: operational, degraded, downtime, maintenance, not_monitored."""
    status_history: list[StatusHistoryDay] | None = None
    """Per-day states; durations in seconds."""
    created_at: UTCDateTime | None = None
    """When the resource was added to the page (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the resource last changed (UTC)."""

    @property
    def availability_percent(self) -> float | None:
        """Availability as a percent 0-100 (``availability * 100``)."""
        return None if self.availability is None else self.availability * 100.0


class AffectedResource(BetterStackModel):
    """A status page resource affected by a report or update, with its state."""

    status_page_resource_id: Id | None = None
    """Id of the status page resource."""
    status: ResourceStatusValue | None = None
    """State shown for it: operational, degraded, downtime, maintenance."""


class StatusUpdate(JsonApiResource):
    """One published update of a status report."""

    api_types: ClassVar[tuple[str, ...]] = ("status_update",)

    type: str = "status_update"
    """JSON:API resource type, ``status_update``."""
    message: str | None = None
    """Text shown to visitors."""
    published_at: UTCDateTime | None = None
    """When the update was published (UTC)."""
    status_report_id: Id | None = None
    """Id of the status report."""
    notify_subscribers: bool | None = None
    """Whether subscribers were notified."""
    affected_resources: list[AffectedResource] | None = None
    """Resource states set by this update."""


class StatusReport(JsonApiResource):
    """An incident or maintenance report shown on a status page."""

    api_types: ClassVar[tuple[str, ...]] = ("status_report",)

    type: str = "status_report"
    """JSON:API resource type, ``status_report``."""
    title: str | None = None
    """Report title."""
    report_type: ReportTypeValue | None = None
    """manual, automatic (from an incident) or maintenance."""
    starts_at: UTCDateTime | None = None
    """Start (UTC)."""
    ends_at: UTCDateTime | None = None
    """End (UTC); required for maintenance, null while ongoing."""
    status_page_id: Id | None = None
    """Id of the status page."""
    affected_resources: list[AffectedResource] | None = None
    """Resources the report affects, with their states."""
    aggregate_state: ResourceStatusValue | None = None
    """Overall state of the report: operational, degraded, downtime, maintenance."""
    created_at: UTCDateTime | None = None
    """When the report was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the report last changed (UTC)."""
    status_updates: list[StatusUpdate] = Field(default_factory=list)
    """Updates resolved from ``relationships.status_updates`` + ``included`` (when sent)."""

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        if "status_updates" in flat or not included:
            return
        updates: list[StatusUpdate] = []
        for ref in relationship_refs(flat.get("relationships"), "status_updates"):
            obj = find_included(included, StatusUpdate.api_types, ref.get("id"))
            if obj is not None:
                updates.append(StatusUpdate.from_resource(obj))
        flat["status_updates"] = updates

    @property
    def status_update_ids(self) -> list[str]:
        """Ids of the report's updates, from the raw relationships."""
        refs = relationship_refs(self.relationships, "status_updates")
        return [str(ref.get("id")) for ref in refs]
