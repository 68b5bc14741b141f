"""Incident context as a function-calling tool for an LLM agent.

The model sees `TOOL` (a name, a description and a JSON schema of the arguments); when it
calls the tool, hand its arguments to `call_tool()` and send the returned Markdown back as
the tool result. The Markdown never exceeds `max_chars`, so it fits the context budget.

Runs against the built-in sandbox (no token, no network) unless BETTERSTACK_API_TOKEN is
set:

    python examples/agent_tool.py
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

from betterstack_rca import BetterStack, NotFoundError

#: JSON schema of the tool's arguments. Anthropic's API takes it as `input_schema`,
#: OpenAI's as `parameters` of a function tool.
INCIDENT_CONTEXT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "incident_id": {
            "type": "string",
            "description": "The Better Stack Uptime incident id, e.g. '410002054'.",
            "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        },
        "max_chars": {
            "type": "integer",
            "description": "Upper bound on the length of the returned Markdown.",
            "minimum": 500,
            "maximum": 60000,
            "default": 8000,
        },
        "window_before": {
            "type": "string",
            "description": "How far before the incident's start to look, e.g. '60m', '2h'.",
            "pattern": r"^\d+(\.\d+)?[smhdw]$",
            "default": "60m",
        },
        "history": {
            "type": "string",
            "description": "How far back to look for earlier incidents of the same monitor, "
            "e.g. '7d', '14d'.",
            "pattern": r"^\d+(\.\d+)?[smhdw]$",
            "default": "7d",
        },
    },
    "required": ["incident_id"],
    "additionalProperties": False,
}

TOOL: dict[str, Any] = {
    "name": "incident_context",
    "description": (
        "Everything Better Stack Uptime knows around one incident, as Markdown: a summary, "
        "evidence-backed findings (each citing timeline events such as e3), the merged "
        "timeline, who was on call and the escalation policy, other monitors and heartbeats "
        "that failed nearby, status page updates and alert routing. Read-only."
    ),
    "input_schema": INCIDENT_CONTEXT_SCHEMA,
}


@functools.cache
def client() -> BetterStack:
    """One client for the process: the real account when a token is set, else the sandbox."""
    if os.environ.get("BETTERSTACK_API_TOKEN"):
        return BetterStack()
    return BetterStack.sandbox(max_rps=1000)  # in-process: no need to pace


def incident_context(
    incident_id: str,
    max_chars: int = 8000,
    window_before: str = "60m",
    history: str = "7d",
    *,
    bs: BetterStack | None = None,
) -> str:
    """The incident's bundle as Markdown of at most `max_chars` characters.

    A wrong id or bad argument comes back as a one-line error text rather than an exception,
    so the model can correct itself; API failures (auth, outages) still raise.
    """
    bs = bs or client()
    try:
        bundle = bs.bundle(incident_id, window_before=window_before, history=history)
    except NotFoundError:
        return f"error: no incident with id {incident_id!r} in this Better Stack account"
    except ValueError as exc:
        return f"error: {exc}"
    return bundle.to_markdown(max_chars=max_chars)


def call_tool(arguments: str | dict[str, Any], *, bs: BetterStack | None = None) -> str:
    """Run the tool on the arguments a model sent (a JSON string or an already decoded dict)."""
    args = json.loads(arguments) if isinstance(arguments, str) else dict(arguments)
    unknown = sorted(set(args) - set(INCIDENT_CONTEXT_SCHEMA["properties"]))
    if unknown or "incident_id" not in args:
        return f"error: expected arguments {INCIDENT_CONTEXT_SCHEMA['required']}, got {args}"
    return incident_context(**args, bs=bs)


def main() -> None:
    bs = client()
    if bs.sandbox_account is not None:
        incident_id = bs.scenario().incident_id  # the sandbox's headline incident
    else:  # a real account: the newest incident
        newest = next(iter(bs.incidents.list(max_items=1)), None)
        if newest is None:
            print("no incidents in this account")
            return
        incident_id = newest.id
    print("Tool definition:")
    print(json.dumps(TOOL, indent=2))
    print()
    arguments = json.dumps({"incident_id": incident_id, "max_chars": 3000})
    print(f"incident_context({arguments}) ->")
    print(call_tool(arguments, bs=bs))


if __name__ == "__main__":
    main()
