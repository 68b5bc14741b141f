"""Better Stack incident tools for LLM agents: plain functions, function-calling schemas, and
``call_tool`` for any framework; ``betterstack-rca mcp`` serves the same tools over MCP.

    from betterstack_rca.agents import tool_schemas, call_tool

    tools = tool_schemas("openai")        # or "anthropic"
    text = call_tool(name, arguments)     # arguments: a dict or the model's JSON string

Every tool only reads (the client beneath can send nothing but GET), every answer is text
under a hard cap (`DEFAULT_MAX_CHARS`), and `call_tool` never raises for a bad argument or
an API failure: it answers ``error: ...`` with what to pass or do instead. The plain
functions raise `ToolError` with the same message. See docs/agents.md.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from betterstack_rca.agents.schemas import STYLES, tool_schemas
from betterstack_rca.agents.toolbox import DEFAULT_DEADLINE, DEFAULT_MAX_CHARS, Toolbox
from betterstack_rca.agents.tools import TOOLS, ToolError, ToolResult
from betterstack_rca.client import BetterStack

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_CHARS",
    "STYLES",
    "TOOL_NAMES",
    "ToolError",
    "ToolResult",
    "Toolbox",
    "call_tool",
    "incident_bundle",
    "incident_timeline",
    "list_incidents",
    "monitor_status",
    "similar_incidents",
    "status_page_reports",
    "tool_schemas",
    "who_is_on_call",
]

#: The tools' names, in the order `tool_schemas` lists them.
TOOL_NAMES: tuple[str, ...] = tuple(TOOLS)

_default: dict[str, Toolbox] = {}  # the process's toolbox over the environment's account
_default_lock = threading.Lock()


def _toolbox(client: BetterStack | None) -> Toolbox:
    """A toolbox over `client`, or the process's one over the environment's account."""
    if client is not None:
        return Toolbox(client)
    with _default_lock:
        return _default.setdefault("toolbox", Toolbox())


def call_tool(
    name: str,
    arguments: Mapping[str, Any] | str | None = None,
    *,
    client: BetterStack | None = None,
) -> str:
    """Run the tool a model called; `arguments` as it sent them (a dict or a JSON string).

    Returns the answer's text, or ``error: <what to pass or do instead>``; never raises
    for a bad argument or an API failure. Without `client`, the account comes from
    ``BETTERSTACK_API_TOKEN`` (one client for the process).
    """
    return _toolbox(client).call(name, arguments).text


def _run(name: str, arguments: dict[str, Any], client: BetterStack | None) -> str:
    return _toolbox(client).run(name, arguments)


def list_incidents(  # noqa: PLR0917 (the tool's arguments, in its order)
    since: str = "24h",
    until: str | None = None,
    monitor_id: str | None = None,
    resolved: bool | None = None,
    limit: int = 20,
    cursor: str | None = None,
    *,
    client: BetterStack | None = None,
) -> str:
    """Incidents that started in [since, until), newest first, as a compact table, with a
    ``next_cursor`` when there are more."""
    args = {"since": since, "until": until, "monitor_id": monitor_id, "resolved": resolved}
    return _run("list_incidents", {**args, "limit": limit, "cursor": cursor}, client)


def incident_bundle(
    incident_id: str | int,
    max_chars: int = 8000,
    sections: list[str] | None = None,
    *,
    client: BetterStack | None = None,
) -> str:
    """Everything around one incident as Markdown of at most `max_chars` characters."""
    args = {"incident_id": incident_id, "max_chars": max_chars, "sections": sections}
    return _run("incident_bundle", args, client)


def incident_timeline(
    incident_id: str | int,
    kinds: list[str] | None = None,
    limit: int = 100,
    cursor: str | None = None,
    *,
    client: BetterStack | None = None,
) -> str:
    """The incident's merged timeline, `limit` events from `cursor` on."""
    args = {"incident_id": incident_id, "kinds": kinds, "limit": limit, "cursor": cursor}
    return _run("incident_timeline", args, client)


def monitor_status(monitor_id: str | int, *, client: BetterStack | None = None) -> str:
    """One monitor's status, RCA-relevant config, recent incidents and response times."""
    return _run("monitor_status", {"monitor_id": monitor_id}, client)


def who_is_on_call(
    at: str | None = None, calendar_id: str | None = None, *, client: BetterStack | None = None
) -> str:
    """Who was on call at `at` (default now), per calendar."""
    return _run("who_is_on_call", {"at": at, "calendar_id": calendar_id}, client)


def similar_incidents(
    incident_id: str | int, limit: int = 5, *, client: BetterStack | None = None
) -> str:
    """The earlier incidents of the same monitor or heartbeat most like this one, with their
    score, why, and how each ended."""
    return _run("similar_incidents", {"incident_id": incident_id, "limit": limit}, client)


def status_page_reports(
    since: str = "7d", status_page_id: str | None = None, *, client: BetterStack | None = None
) -> str:
    """Status page reports active since `since`, with their updates."""
    return _run("status_page_reports", {"since": since, "status_page_id": status_page_id}, client)
