"""Time units and Better Stack's timestamp format."""

from __future__ import annotations

from datetime import datetime, timezone

DAY = 86400
HOUR = 3600


def iso(t: int, ms: int = 0) -> str:
    """Epoch seconds -> Better Stack's ISO 8601 form with milliseconds and ``Z``."""
    d = datetime.fromtimestamp(t, timezone.utc)
    return f"{d:%Y-%m-%dT%H:%M:%S}.{ms:03d}Z"
