"""On-call calendars, their users, events and rotation.

https://betterstack.com/docs/uptime/api/get-a-single-on-call-calendar/
https://betterstack.com/docs/uptime/api/list-on-call-calendar-events/
https://betterstack.com/docs/uptime/api/get-on-call-calendar-rotation/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from ._base import (
    BetterStackModel,
    Id,
    JsonApiResource,
    UTCDateTime,
    find_included,
    relationship_refs,
    to_utc,
)

__all__ = ["OnCallCalendar", "OnCallEvent", "OnCallUser", "Rotation"]


class OnCallUser(JsonApiResource):
    """A person on call, from the document's ``included`` users."""

    # The response-params page says "on_call_user"; the JSON examples say "user".
    api_types: ClassVar[tuple[str, ...]] = ("user", "on_call_user")

    type: str = "user"
    """JSON:API resource type, ``user``."""
    first_name: str | None = None
    """First name."""
    last_name: str | None = None
    """Last name."""
    email: str | None = None
    """E-mail (from the included user, else the relationship's ``meta.email``)."""
    phone_numbers: list[str] | None = None
    """Phone numbers in E.164 form."""

    @property
    def name(self) -> str | None:
        """``first_name last_name``, or the e-mail when no name is known."""
        parts = [p for p in (self.first_name, self.last_name) if p]
        return " ".join(parts) if parts else self.email


class OnCallCalendar(JsonApiResource):
    """An on-call calendar (schedule) with the users on call (``GET /api/v2/on-calls/{id}``)."""

    api_types: ClassVar[tuple[str, ...]] = ("on_call_calendar",)

    type: str = "on_call_calendar"
    """JSON:API resource type, ``on_call_calendar``."""
    name: str | None = None
    """Calendar name (null for the default calendar in the docs' example)."""
    default_calendar: bool | None = None
    """Whether this is the team's default calendar."""
    team_name: str | None = None
    """Name of the owning team."""
    users: list[OnCallUser] = Field(default_factory=list)
    """Users on call (at the requested ``date``), resolved from ``included``."""
    created_at: UTCDateTime | None = None
    """When the calendar was created (UTC)."""
    updated_at: UTCDateTime | None = None
    """When the calendar last changed (UTC)."""

    @classmethod
    def prepare(cls, flat: dict[str, Any], included: Sequence[Mapping[str, Any]]) -> None:
        if "users" in flat:
            return
        users: list[OnCallUser] = []
        for ref in relationship_refs(flat.get("relationships"), "on_call_users"):
            obj = find_included(included, OnCallUser.api_types, ref.get("id"))
            user = dict(OnCallUser.flatten(obj if obj is not None else ref))
            meta = ref.get("meta")
            if isinstance(meta, Mapping):
                if user.get("email") is None and meta.get("email") is not None:
                    user["email"] = meta.get("email")
                user.setdefault("meta", dict(meta))
            users.append(OnCallUser.model_validate(user))
        flat["users"] = users

    @property
    def user_emails(self) -> list[str]:
        """E-mails of the users on call."""
        return [u.email for u in self.users if u.email]


class OnCallEvent(BetterStackModel):
    """A shift of an on-call calendar (``GET /api/v2/on-calls/{id}/events``)."""

    id: Id
    """Event id (an integer on the wire)."""
    users: list[str] = Field(default_factory=list)
    """E-mails of the users on call during the shift."""
    starts_at: UTCDateTime | None = None
    """Shift start (UTC)."""
    ends_at: UTCDateTime | None = None
    """Shift end (UTC)."""
    override: bool | None = None
    """Whether the shift is a manual override of the rotation."""

    def covers(self, at: datetime | str) -> bool:
        """Whether ``at`` falls within ``[starts_at, ends_at)``."""
        moment = to_utc(at)
        if self.starts_at is None or self.starts_at > moment:
            return False
        return self.ends_at is None or moment < self.ends_at


class Rotation(BetterStackModel):
    """A calendar's rotation (``GET /api/v2/on-calls/{id}/rotation``, a bare object)."""

    rotation_length: int | None = None
    """Length of one shift, in ``rotation_interval`` units."""
    rotation_interval: str | None = None
    """Unit of ``rotation_length``: ``hour``, ``day``, ``week``..."""
    start_rotations_at: UTCDateTime | None = None
    """When the rotation starts (UTC)."""
    end_rotations_at: UTCDateTime | None = None
    """When the rotation ends (UTC)."""
    users: list[str] = Field(default_factory=list)
    """E-mails of the rotating users, in order."""
