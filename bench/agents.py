"""Agent tools: the latency of each tool call through the MCP server, and the size of the tool
list an agent carries in its context.

Each tool is called through the SDK's in-memory client (the server's whole path: argument
validation, the worker thread, the tool, the result) against the in-process sandbox (the
client at 1000 req/s, as ``--sandbox`` runs it; ``--latency`` adds server latency per
request). Every run uses a fresh `Toolbox`, so ``incident_bundle`` and ``incident_timeline``
collect their bundle ("cold"); ``incident_timeline (warm)`` and ``similar_incidents (warm)``
follow an ``incident_bundle`` of the same incident and reuse its bundle. ``similar_incidents``
runs on the sandbox's recurring incident (six alike in 30 days). Figures are medians over
``--runs``.

Usage: python bench/agents.py [--runs 7] [--latency 0] [--scale 1]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from typing import Any

import anyio
from mcp import Client

from betterstack_rca import BetterStack
from betterstack_rca.agents import Toolbox, tool_schemas
from betterstack_rca.agents.server import build_server
from betterstack_rca.sandbox import HEADLINE_SCENARIO, Faults, Sandbox


def calls(bs: BetterStack) -> list[tuple[str, str, dict[str, Any]]]:
    account = bs.sandbox_account.account  # type: ignore[union-attr]
    incident_id = account.scenarios[HEADLINE_SCENARIO].incident_id
    recurring = account.scenarios["recurring_history"].incident_id
    monitor_id = bs.incidents.get(incident_id).monitor_id
    return [
        ("list_incidents", "list_incidents", {"since": "24h"}),
        ("list_incidents (7d, 100 rows)", "list_incidents", {"since": "7d", "limit": 100}),
        ("incident_bundle", "incident_bundle", {"incident_id": incident_id}),
        ("incident_timeline", "incident_timeline", {"incident_id": incident_id}),
        ("incident_timeline (warm)", "incident_timeline", {"incident_id": incident_id}),
        ("monitor_status", "monitor_status", {"monitor_id": monitor_id}),
        ("who_is_on_call", "who_is_on_call", {}),
        ("similar_incidents", "similar_incidents", {"incident_id": recurring}),
        ("similar_incidents (warm)", "similar_incidents", {"incident_id": recurring}),
        ("status_page_reports", "status_page_reports", {"since": "7d"}),
    ]


async def one_run(
    bs: BetterStack, label: str, name: str, arguments: dict[str, Any]
) -> tuple[float, int, int]:
    """Seconds of one call, characters of its text, requests it cost."""
    tools = Toolbox(bs)
    async with Client(build_server(tools)) as client:
        if label.endswith("(warm)"):
            await client.call_tool("incident_bundle", {"incident_id": arguments["incident_id"]})
        before = bs.stats.requests
        started = time.perf_counter()
        result = await client.call_tool(name, arguments)
        took = time.perf_counter() - started
    assert not result.is_error, result.content
    text = result.content[0].text  # type: ignore[union-attr]
    return took, len(text), bs.stats.requests - before


def schema_sizes(bs: BetterStack) -> dict[str, int]:
    async def listed() -> int:
        async with Client(build_server(Toolbox(bs))) as client:
            tools = (await client.list_tools()).tools
        return len(
            json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools])
        )

    return {
        "MCP tools/list (with output schema, annotations)": anyio.run(listed),
        'tool_schemas("openai")': len(json.dumps(tool_schemas("openai"))),
        'tool_schemas("anthropic")': len(json.dumps(tool_schemas("anthropic"))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--latency", type=float, default=0.0, help="sandbox latency per request, s")
    parser.add_argument("--scale", type=int, default=1, help="sandbox account size")
    args = parser.parse_args()
    sandbox = Sandbox(scale=args.scale, faults=Faults(latency=args.latency))
    bs = BetterStack.sandbox(sandbox=sandbox)
    print(
        f"python {platform.python_version()}, sandbox scale {args.scale}, latency "
        f"{args.latency * 1000:.0f} ms/request, medians of {args.runs} runs"
    )
    print(f"{'tool call':32} {'median ms':>10} {'min ms':>8} {'chars':>6} {'requests':>8}")
    for label, name, arguments in calls(bs):
        runs = [anyio.run(one_run, bs, label, name, arguments) for _ in range(args.runs)]
        times = [r[0] * 1000 for r in runs]
        print(
            f"{label:32} {statistics.median(times):10.1f} {min(times):8.1f} "
            f"{runs[-1][1]:6d} {runs[-1][2]:8d}"
        )
    print()
    for what, size in schema_sizes(bs).items():
        print(f"{what:50} {size:6d} characters")


if __name__ == "__main__":
    main()
