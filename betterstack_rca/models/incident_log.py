"""Events of the incident-log ("Reporting") integration: flat JSON, not JSON:API.

Teams that forward these to a log store have per-check evidence (``monitor.checked``).
https://betterstack.com/docs/uptime/api/reporting/
"""

from __future__ import annotations

from ._base import BetterStackModel, Id, UTCDateTime

__all__ = ["IncidentLogEvent"]


class IncidentLogEvent(BetterStackModel):
    """One incident-log event, e.g. ``monitor.checked`` or ``incident.started``."""

    dt: UTCDateTime | None = None
    """When the event happened (UTC)."""
    event: str | None = None
    """Event name: monitor.checked, monitor.created, monitor.destroyed, incident.started..."""
    message: str | None = None
    """Human-readable description."""
    organization_id: Id | None = None
    """Organization id."""
    team_id: Id | None = None
    """Team id."""
    monitor_id: Id | None = None
    """Id of the monitor concerned."""
    monitor_url: str | None = None
    """URL of the monitor concerned."""
    monitor_name: str | None = None
    """Name of the monitor concerned."""
    monitor_type: str | None = None
    """Kind of monitor (status, keyword, ...)."""
    region: str | None = None
    """Checking region, e.g. ``eu-central-1``."""
    response_time: float | None = None
    """Response time of the check, in seconds."""
    response_code: int | None = None
    """HTTP status code of the check."""
    success: bool | None = None
    """Whether the check passed."""
    cause: str | None = None
    """Failure cause, or null."""
