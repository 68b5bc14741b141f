"""What a bundle collects, how far around the incident it looks, and its limits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

#: Every source the collector knows; `sources=` picks a subset.
SOURCES: tuple[str, ...] = (
    "timeline",
    "comments",
    "monitor",
    "heartbeat",
    "availability",
    "response_times",
    "related_incidents",
    "history",
    "group",
    "related_heartbeats",
    "on_call",
    "policy",
    "status_pages",
    "routing",
    "metadata",
)

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", re.I)


def parse_duration(value: Any, name: str = "duration") -> timedelta:
    """A `timedelta`, a number of seconds, or text such as ``"90m"``, ``"24h"``, ``"7d"``."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str) and (match := _DURATION.fullmatch(value)):
        seconds = float(match.group(1)) * _UNITS[match.group(2).lower()]
    else:
        raise ValueError(
            f"{name} must be a timedelta, seconds, or text like '90m', '24h', '7d'; got {value!r}"
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{name} must be a non-negative duration, got {value!r}")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class BundleOptions:
    """Options of `bundle()`; every one can be passed as a keyword argument there."""

    window_before: timedelta = timedelta(minutes=60)
    """How far before the start to look."""
    window_after: timedelta | None = None
    """How far after the start to look; None: until resolution, and at least `min_after`."""
    min_after: timedelta = timedelta(minutes=60)
    max_open_after: timedelta = timedelta(hours=24)
    """For an incident still open: look at most this far past the start."""
    history: timedelta = timedelta(days=30)
    """How far back to look for earlier incidents of the same monitor or heartbeat (one
    filtered listing: the history rules classify the cause and rank similar incidents)."""
    max_related_incidents: int = 200
    max_history_incidents: int = 100
    max_siblings: int = 250
    max_related_heartbeats: int = 5
    max_related_monitors: int = 10
    """Monitors of other incidents near the start (outside the group) fetched to compare
    groups, types and regions (the shared-dependency rule)."""
    max_calendars: int = 5
    """On-call calendars the escalation policy pages, asked who was on call at the start."""
    max_status_pages: int = 10
    max_reports: int = 10
    """Status reports per page fetched in detail (with their updates)."""
    max_listed_reports: int = 500
    """Status reports listed per page that shows the incident (newest first, two pages)."""
    max_integrations: int = 250
    """Outgoing webhooks, email integrations and incoming webhooks listed (one page each)."""
    sources: frozenset[str] = field(default_factory=lambda: frozenset(SOURCES))
    eager: bool = True
    """Send the reads that need no answer of the incident (the status pages, the routing
    lists, its timeline, comments and metadata) together with the incident itself: one
    round trip less. An id the API does not know then costs those 8 requests as well,
    instead of one (the webhook receiver turns it off)."""
    deadline: float = 60.0
    """Seconds. When it expires the bundle is returned with what was collected; the rest
    becomes gaps."""
    now: datetime | None = None
    """The current time (default: the clock). For reproducible bundles and tests."""

    @classmethod
    def build(cls, **options: Any) -> BundleOptions:
        """Validate keyword options (durations as timedelta, seconds or '90m'/'24h'/'7d')."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise TypeError(f"unknown bundle option(s): {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, value in options.items():
            if name in ("window_before", "min_after", "max_open_after", "history"):
                values[name] = parse_duration(value, name)
            elif name == "window_after":
                values[name] = None if value is None else parse_duration(value, name)
            elif name == "sources":
                chosen = frozenset([value] if isinstance(value, str) else value)
                bad = sorted(chosen - set(SOURCES))
                if bad:
                    raise ValueError(
                        f"unknown source(s) {bad}; known sources: {', '.join(SOURCES)}"
                    )
                values[name] = chosen
            elif name == "deadline":
                if (
                    not isinstance(value, (int, float))
                    or isinstance(value, bool)
                    or not value > 0
                    or not math.isfinite(value)
                ):
                    raise ValueError(f"deadline must be a positive number of seconds: {value!r}")
                values[name] = float(value)
            elif name == "eager":
                if not isinstance(value, bool):
                    raise ValueError(f"eager must be True or False, got {value!r}")
                values[name] = value
            elif name == "now":
                if not isinstance(value, datetime) or value.tzinfo is None:
                    raise ValueError("now must be a timezone-aware datetime")
                values[name] = value
            else:
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
                values[name] = value
        return cls(**values)
