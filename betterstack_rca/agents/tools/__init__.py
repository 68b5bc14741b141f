"""The tools, one module per family, in the order agents see them."""

from __future__ import annotations

from typing import Any

from betterstack_rca.agents.tools import (
    bundle,
    incidents,
    monitors,
    oncall,
    similar,
    status_pages,
    timeline,
)
from betterstack_rca.agents.tools._spec import ToolContext, ToolError, ToolResult, ToolSpec

__all__ = ["TOOLS", "ToolContext", "ToolError", "ToolResult", "ToolSpec"]

#: Every tool by name. All of them only read: the client beneath cannot send anything but GET.
TOOLS: dict[str, ToolSpec[Any]] = {
    spec.name: spec
    for spec in (
        incidents.SPEC,
        bundle.SPEC,
        timeline.SPEC,
        monitors.SPEC,
        oncall.SPEC,
        similar.SPEC,
        status_pages.SPEC,
    )
}
