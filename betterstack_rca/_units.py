"""Durations as people read them: the one spelling of the CLI, the report and the agent
tools (``6m 00s``, ``2h 05m``, ``3d 04h``; ``-`` when unknown).

This module imports nothing of the package.
"""

from __future__ import annotations


def duration(seconds: float | None) -> str:
    """``6m 00s``, ``2h 05m``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    s = max(0, round(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {(s % 3600) // 60:02d}m"
    return f"{s // 86400}d {(s % 86400) // 3600:02d}h"
