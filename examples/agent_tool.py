"""Better Stack incident tools for an LLM agent, without MCP.

`tool_schemas()` gives the tool definitions to send to the model API; when the model calls
one, hand its name and arguments (the JSON string as it sent them) to `call_tool()` and send
the returned text back as the tool result. Every answer stays under a hard character cap,
a bad argument comes back as ``error: ...`` the model can correct, and nothing can write
to the account. With OpenAI's Chat Completions API, for example:

    tools = tool_schemas("openai")
    reply = openai.chat.completions.create(model=..., messages=messages, tools=tools)
    for call in reply.choices[0].message.tool_calls or []:
        text = call_tool(call.function.name, call.function.arguments)
        messages.append({"role": "tool", "tool_call_id": call.id, "content": text})

(``tool_schemas("anthropic")`` for Anthropic's Messages API, whose ``tool_use`` blocks
carry ``name`` and ``input``.) This script runs without a model: it plays the calls a model
would make, against the built-in sandbox (no token, no network) unless
BETTERSTACK_API_TOKEN is set:

    python examples/agent_tool.py
"""

from __future__ import annotations

import json
import os

from betterstack_rca import BetterStack
from betterstack_rca.agents import call_tool, tool_schemas


def client() -> BetterStack:
    """The real account when a token is set, else the sandbox."""
    if os.environ.get("BETTERSTACK_API_TOKEN"):
        return BetterStack()
    return BetterStack.sandbox()


def newest_incident(bs: BetterStack) -> str | None:
    if bs.sandbox_account is not None:
        return bs.scenario().incident_id  # the sandbox's headline incident
    newest = next(iter(bs.incidents.list(max_items=1)), None)
    return None if newest is None else newest.id


def main() -> None:
    bs = client()
    tools = tool_schemas("openai")
    print(f"{len(tools)} tools: {', '.join(t['function']['name'] for t in tools)}")
    print(json.dumps(tools[1], indent=2))  # incident_bundle, as the model sees it
    incident_id = newest_incident(bs)
    if incident_id is None:
        print("no incidents in this account")
        return
    # What a model sends: a JSON string, sometimes with numbers as strings.
    calls = [
        ("list_incidents", '{"since": "24h", "limit": "5"}'),
        ("incident_bundle", json.dumps({"incident_id": incident_id, "max_chars": "3000"})),
        ("incident_timeline", json.dumps({"incident_id": incident_id, "kinds": ["comment"]})),
        ("similar_incidents", json.dumps({"incident_id": incident_id, "limit": 3})),
    ]
    for name, arguments in calls:
        print(f"\n{name}({arguments}) ->")
        print(call_tool(name, arguments, client=bs))


if __name__ == "__main__":
    main()
