"""Incidents, their timeline and comments.

https://betterstack.com/docs/uptime/api/list-all-incidents/
https://betterstack.com/docs/uptime/api/list-of-incident-timeline-events/
https://betterstack.com/docs/uptime/api/list-all-comments/
"""

from __future__ import annotations

import builtins
import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import Field, PrivateAttr

from ._base import (
    BetterStackModel,
    Id,
    JsonApiResource,
    OpenEnum,
    UTCDateTime,
    find_included,
    parse_json_object,
    relationship_id,
)
from .heartbeats import Heartbeat
from .metadata import MetadataMap
from .monitors import Monitor

__all__ = [
    "TRUNCATION_ITEM_TYPES",
    "Incident",
    "IncidentComment",
    "IncidentStatus",
    "Timeline",
    "TimelineAttachment",
    "TimelineContent",
    "TimelineItem",
    "TimelineItemData",
    "TimelineItemType",
    "TimelineUser",
]


class IncidentStatus(OpenEnum):
    """An incident's state (capitalised on the wire, unlike monitor states)."""

    STARTED = "Started"
    ACKNOWLEDGED = "Acknowledged"
    RESOLVED = "Resolved"
    UNCONFIRMED = "Unconfirmed"
    VALIDATING = "Validating"


IncidentStatusValue = Annotated[IncidentStatus | str, Field(union_mode="left_to_right")]
_I = TypeVar("_I", bound="Incident")


class Incident(JsonApiResource):
    """An incident (``GET /api/v3/incidents/{id}``), with its monitor when included."""

    api_types: ClassVar[tuple[str, ...]] = ("incident",)

    type: str = "incident"
    """JSON:API resource type, ``incident``."""
    name: str | None = None
    """Incident name (usually the monitor's name)."""
    url: str | None = None
    """The checked URL that failed."""
    http_method: str | None = None
    """HTTP method of the failing check (lowercase)."""
    cause: str | None = None
    """Why the incident started, e.g. ``Status 404`` or ``Timeout``."""
    incident_group_id: Id | None = None
    """Id of the incident group, if grouped."""
    started_at: UTCDateTime | None = None
    """When the incident started (UTC)."""
    acknowledged_at: UTCDateTime | None = None
    """When it was acknowledged (UTC), or null."""
    acknowledged_by: str | None = None
    """Who acknowledged it (a name or e-mail), or null."""
    resolved_at: UTCDateTime | None = None
    """When it was resolved (UTC), or null."""
    resolved_by: str | None = None
    """Who or what resolved it, or null."""
    status: IncidentStatusValue | None = None
    """State: Started, Acknowledged, Resolved, Unconfirmed or Validating."""
    team_name: str | None = None
    """Name of the owning team."""
    response_content: str | None = None
    """Body of the failing response when it is under 500 bytes."""
    response_url: str | None = None
    """Link to the stored failing response when it is 500 bytes or more."""
    response_options: str | dict[str, Any] | None = None
    """Request options of the failing check, as sent: a JSON string such as ``"{}"``.

    See :attr:`response_options_parsed` for the decoded object."""
    regions: list[str] | None = None
    """Regions that saw the failure: us, eu, as, au."""
    screenshot_url: str | None = None
    """Screenshot of the failing page, if taken."""
    origin_url: str | None = None
    """URL of the integration that caused the incident."""
    escalation_policy_id: Id | None = None
    """Id of the escalation policy that handled the incident."""
    ssl_certificate_expires_at: UTCDateTime | None = None
    """Certificate expiry for SSL incidents (UTC)."""
    domain_expires_at: UTCDateTime | None = None
    """Domain expiry for domain incidents (UTC)."""
    call: bool | None = None
    """Responders were alerted by phone call."""
    sms: bool | None = None
    """Responders were alerted by SMS."""
    email: bool | None = None
    """Responders were alerted by e-mail."""
    push: bool | None = None
    """Responders were alerted by push notification."""
    critical_alert: bool | None = None
    """Push alerts were sent as critical alerts."""
    slack_channels: list[str] | None = None
    """Slack channels created for the incident."""
    metadata: MetadataMap | None = None
    """Key -> typed values (v3); v2 plain strings become ``String`` values."""
    monitor_id: Id | None = None
    """Id of the monitor that raised it (``relationships.monitor`` or the attribute)."""
    heartbeat_id: Id | None = None
    """Id of the heartbeat that raised it (``relationships.heartbeat`` or the attribute)."""
    monitor: Monitor | None = None
    """The monitor from the single-incident document's ``included``, when present."""
    _heartbeat: Heartbeat | None = PrivateAttr(default=None)

    @classmethod
    def from_resource(
        cls: builtins.type[_I], obj: Any, included: Sequence[Mapping[str, Any]] = ()
    ) -> _I:
        incident = super().from_resource(obj, included)
        if included and incident.heartbeat_id is not None:
            found = find_included(included, ("heartbeat",), incident.heartbeat_id)
            if found is not None:
                # a malformed extra is no reason to lose the incident: it is asked for instead
                with contextlib.suppress(ValueError):
                    incident._heartbeat = Heartbeat.from_resource(found)
        return incident

    @property
    def heartbeat(self) -> Heartbeat | None:
        """The heartbeat from the single-incident document's ``included``, when present (a
        heartbeat incident's; not part of the incident's JSON)."""
        return self._heartbeat

    def without_included(self) -> Incident:
        """A copy without the monitor and the heartbeat Better Stack included with it (a
        bundle keeps them as its own ``monitor`` and ``heartbeat``)."""
        copy = self.model_copy(update={"monitor": None})
        copy._heartbeat = None
        return copy

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        rels = flat.get("relationships")
        for field, rel_names in (
            ("monitor_id", ("monitor",)),
            ("heartbeat_id", ("heartbeat",)),
            ("escalation_policy_id", ("escalation_policy", "policy")),
        ):
            if flat.get(field) is None:
                for rel in rel_names:
                    rel_id = relationship_id(rels, rel)
                    if rel_id is not None:
                        flat[field] = rel_id
                        break
        if "monitor" not in flat and included:
            monitor_obj = _included_monitor(flat.get("monitor_id"), included)
            if monitor_obj is not None:
                flat["monitor"] = Monitor.from_resource(monitor_obj)

    @property
    def response_options_parsed(self) -> dict[str, Any] | None:
        """:attr:`response_options` decoded: a dict when it is a JSON object, else ``None``."""
        return parse_json_object(self.response_options)

    @property
    def source_id(self) -> str | None:
        """The monitor or heartbeat id, whichever raised the incident."""
        return self.monitor_id or self.heartbeat_id


def _included_monitor(
    monitor_id: Any, included: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    if monitor_id is not None:
        return find_included(included, ("monitor",), monitor_id)
    monitors = [obj for obj in included if obj.get("type") == "monitor"]
    return monitors[0] if len(monitors) == 1 else None


class TimelineItemType(OpenEnum):
    """Kinds of timeline items, per the docs."""

    GENERIC = "generic"
    GENERIC_CARD = "generic_card"
    RESPONSE_ITEM = "response_item"
    PAYLOAD = "payload"
    COMMENT = "comment"
    TIMELINE_TRUNCATED = "timeline_truncated"


TRUNCATION_ITEM_TYPES = frozenset({"timeline_truncated", "timeline_trucated"})
"""Item types that mark a truncated timeline (the docs' prose spells it ``trucated``)."""


class TimelineUser(BetterStackModel):
    """The author of a timeline comment."""

    id: Id | None = None
    """User id."""
    name: str | None = None
    """User's display name."""


class TimelineContent(BetterStackModel):
    """Structured content of a comment item: ``{text, user{id, name}}``."""

    text: str | None = None
    """The comment text (markdown)."""
    user: TimelineUser | None = None
    """Who wrote it."""


class TimelineAttachment(BetterStackModel):
    """A file attached to a timeline comment."""

    size: int | None = None
    """Size in bytes."""
    filename: str | None = None
    """File name."""
    mime_type: str | None = None
    """MIME type, e.g. ``image/png``."""
    url: str | None = None
    """Download URL."""


class TimelineItemData(BetterStackModel):
    """The polymorphic ``data`` of a timeline item."""

    title: str | None = None
    """Headline of the item (the truncation marker says how many items were skipped)."""
    content: Annotated[str | TimelineContent | Any, Field(union_mode="left_to_right")] = None
    """A string for generic_card/response_item, ``{text, user}`` for comments, else raw."""
    attachments: list[TimelineAttachment] | None = None
    """Files attached to a comment."""
    links: list[str] | None = None
    """Links shown on a generic card."""


class TimelineItem(JsonApiResource):
    """One entry of an incident's timeline (ids may be non-numeric strings)."""

    api_types: ClassVar[tuple[str, ...]] = ("timeline_item",)

    type: str = "timeline_item"
    """JSON:API resource type, ``timeline_item``."""
    item_type: Annotated[TimelineItemType | str, Field(union_mode="left_to_right")] | None = None
    """generic, generic_card, response_item, payload, comment (or an unknown kind)."""
    at: UTCDateTime | None = None
    """When it happened (UTC)."""
    data: Annotated[TimelineItemData | Any, Field(union_mode="left_to_right")] = None
    """Item payload; its ``content`` shape depends on ``item_type``."""

    @property
    def title(self) -> str | None:
        """``data.title``."""
        return self.data.title if isinstance(self.data, TimelineItemData) else None

    @property
    def text(self) -> str | None:
        """The item's readable text: a comment's text or the content string."""
        if not isinstance(self.data, TimelineItemData):
            return None
        content = self.data.content
        if isinstance(content, TimelineContent):
            return content.text
        return content if isinstance(content, str) else None

    @property
    def is_truncation_marker(self) -> bool:
        """Whether this item only says that the API skipped older items."""
        return str(self.item_type) in TRUNCATION_ITEM_TYPES


_SKIPPED = re.compile(r"(\d+)")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Timeline(BetterStackModel):
    """An incident's timeline (not paginated); iterate it for its items.

    Better Stack truncates long timelines with a marker item; the marker is surfaced as
    :attr:`truncated`/:attr:`truncation_note` (and kept in :attr:`markers`), never as an item.
    """

    items: list[TimelineItem] = Field(default_factory=list)
    """The timeline items, in the API's order, without truncation markers."""
    truncated: bool = False
    """Whether the API skipped some items."""
    truncation_note: str | None = None
    """The marker's text, e.g. ``Skipping 123 timeline events``."""
    markers: list[TimelineItem] = Field(default_factory=list)
    """The raw truncation marker items, kept for completeness."""

    def __iter__(self) -> Iterator[TimelineItem]:  # type: ignore[override]
        yield from self.items

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> TimelineItem:
        return self.items[index]

    @property
    def skipped_count(self) -> int | None:
        """How many items the API skipped, when the marker says so."""
        if self.truncation_note is None:
            return None
        match = _SKIPPED.search(self.truncation_note)
        return int(match.group(1)) if match else None

    def chronological(self) -> list[TimelineItem]:
        """The items oldest first (items without a time first)."""
        return sorted(self.items, key=lambda item: item.at or _EPOCH)

    @classmethod
    def from_items(cls, items: Sequence[TimelineItem]) -> Timeline:
        """Split truncation markers from ordinary items."""
        markers = [item for item in items if item.is_truncation_marker]
        note = next((m.title for m in markers if m.title), None)
        return cls(
            items=[item for item in items if not item.is_truncation_marker],
            truncated=bool(markers),
            truncation_note=note,
            markers=markers,
        )


class IncidentComment(JsonApiResource):
    """A comment on an incident (``GET /api/v2/incidents/{id}/comments``)."""

    api_types: ClassVar[tuple[str, ...]] = ("incident_comment",)

    type: str = "incident_comment"
    """JSON:API resource type, ``incident_comment``."""
    content: str | None = None
    """Comment text (markdown)."""
    user_id: Id | None = None
    """Author's user id; absent for comments posted through the API."""
    user_email: str | None = None
    """Author's e-mail; absent for comments posted through the API."""
    incident_id: Id | None = None
    """Id of the incident, when the API includes it."""
    created_at: UTCDateTime | None = None
    """When it was posted (UTC)."""
    updated_at: UTCDateTime | None = None
    """When it was last edited (UTC)."""
