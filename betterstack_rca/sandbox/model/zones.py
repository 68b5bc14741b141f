"""Time zones as Better Stack spells them (Rails names) for the few the sandbox uses.

The sandbox imports nothing from the client, so it keeps its own small table; a name it
does not know is tried as an IANA name, then treated as UTC (Better Stack's default).
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RAILS = {
    "UTC": "Etc/UTC",
    "Eastern Time (US & Canada)": "America/New_York",
    "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Central Time (US & Canada)": "America/Chicago",
    "London": "Europe/London",
    "Amsterdam": "Europe/Amsterdam",
    "Berlin": "Europe/Berlin",
    "Prague": "Europe/Prague",
    "Tokyo": "Asia/Tokyo",
    "Sydney": "Australia/Sydney",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(RAILS.get(name or "UTC", name or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Etc/UTC")


def local(t: int, name: str | None) -> datetime:
    """Epoch seconds as local time in a Rails (or IANA) zone."""
    return datetime.fromtimestamp(t, timezone.utc).astimezone(zone(name))


def hms(d: datetime) -> str:
    return f"{d:%H:%M:%S}"


def weekday(d: datetime) -> str:
    return WEEKDAYS[d.weekday()]
