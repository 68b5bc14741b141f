"""The MCP server through the SDK's in-memory client: the tools, their annotations, the
structured output, errors, the cap, the resource and the prompt."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import jsonschema
import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from betterstack_rca import BetterStack
from betterstack_rca.agents import TOOL_NAMES, Toolbox
from betterstack_rca.agents.server import build_server

from .conftest import toolbox

T = TypeVar("T")

#: Everything `tools/list` answers (names, descriptions, input and output schemas,
#: annotations), in characters of JSON.
#: 9,000 since similar_incidents and the diagnosis in incident_bundle's output schema (was
#: 8,000 for six tools).
MAX_TOOL_LIST_CHARS = 9_000


def run(body: Callable[[Client], Awaitable[T]], tools: Toolbox, mode: str = "auto") -> T:
    """`body(client)` against a server over `tools`, connected in-process."""

    async def main() -> T:
        async with Client(build_server(tools), mode=mode) as client:
            return await body(client)

    return anyio.run(main)


def text_of(result: CallToolResult) -> str:
    assert len(result.content) == 1
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text


@pytest.fixture(scope="module")
def served(client: BetterStack) -> Toolbox:
    return toolbox(client)


def test_every_tool_is_listed_and_annotated_read_only(served: Toolbox) -> None:
    listed = run(lambda c: c.list_tools(), served).tools
    assert [t.name for t in listed] == list(TOOL_NAMES)
    for tool in listed:
        hints = tool.annotations
        assert hints is not None, tool.name
        assert hints.read_only_hint is True
        assert hints.destructive_hint is False
        assert hints.idempotent_hint is True
        assert hints.open_world_hint is True
        assert tool.title
        assert tool.input_schema["additionalProperties"] is False
    bundle = next(t for t in listed if t.name == "incident_bundle")
    assert bundle.output_schema is not None
    assert "findings" in bundle.output_schema["properties"]


def test_the_tool_list_stays_small(served: Toolbox) -> None:
    listed = run(lambda c: c.list_tools(), served).tools
    size = len(
        json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in listed])
    )
    assert size < MAX_TOOL_LIST_CHARS, f"tools/list is {size} characters"


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_every_tool_answers_on_the_sandbox(
    served: Toolbox, client: BetterStack, headline_id: str, mode: str
) -> None:
    incident = client.incidents.get(headline_id)
    calls: list[tuple[str, dict[str, Any], str]] = [
        ("list_incidents", {"since": "7d", "limit": 5}, "next_cursor: "),
        ("incident_bundle", {"incident_id": headline_id, "max_chars": 3000}, "## Findings"),
        ("incident_timeline", {"incident_id": headline_id, "limit": 3}, "e1 | "),
        ("monitor_status", {"monitor_id": incident.monitor_id}, "## Response times"),
        ("who_is_on_call", {}, "On call at "),
        ("similar_incidents", {"incident_id": headline_id}, "earlier incident(s) of its monitor"),
        ("status_page_reports", {"since": "7d"}, "## Page "),
    ]
    assert {name for name, _, _ in calls} == set(TOOL_NAMES)

    async def body(c: Client) -> list[CallToolResult]:
        return [await c.call_tool(name, arguments) for name, arguments, _ in calls]

    for (name, _, says), result in zip(calls, run(body, served, mode), strict=True):
        assert result.is_error is False, text_of(result)
        assert says in text_of(result), name
        assert len(text_of(result)) <= served.max_chars


def test_incident_bundle_returns_its_findings_as_structured_output(
    served: Toolbox, headline_id: str
) -> None:
    async def body(c: Client) -> tuple[CallToolResult, dict[str, Any]]:
        listed = await c.list_tools()
        schema = next(t for t in listed.tools if t.name == "incident_bundle").output_schema
        assert schema is not None
        return await c.call_tool("incident_bundle", {"incident_id": headline_id}), schema

    result, schema = run(body, served)
    assert result.structured_content is not None
    jsonschema.validate(result.structured_content, schema)
    rules = [f["rule"] for f in result.structured_content["findings"]]
    assert rules == [f.rule for f in served.bundle(headline_id).findings]
    assert "heartbeat_stopped" in rules
    trigger = served.bundle(headline_id).diagnosis.trigger
    assert trigger is not None
    assert result.structured_content["diagnosis"]["trigger"]["rule"] == trigger.rule
    assert result.structured_content["diagnosis"]["trigger"]["confidence"] == trigger.confidence


def test_bad_arguments_are_one_line_tool_errors(served: Toolbox) -> None:
    async def body(c: Client) -> list[CallToolResult]:
        return [
            await c.call_tool("list_incidents", {"limit": "lots"}),
            await c.call_tool("incident_bundle", {"incident": "1"}),
            await c.call_tool("incident_bundle", {"incident_id": "999999999"}),
            await c.call_tool("resolve_incident", {"incident_id": "1"}),
        ]

    says = [
        "limit: Input should be a valid integer",
        "incident_id is required; unknown argument 'incident'",
        "no such incident",
        "unknown tool 'resolve_incident'",
    ]
    for result, expected in zip(run(body, served), says, strict=True):
        assert result.is_error is True
        assert result.structured_content is None
        message = text_of(result)
        assert expected in message
        assert "\n" not in message
        assert "Traceback" not in message


def test_numbers_as_strings_are_coerced(served: Toolbox, headline_id: str) -> None:
    async def body(c: Client) -> list[CallToolResult]:
        return [
            await c.call_tool("incident_timeline", {"incident_id": headline_id, "limit": "2"}),
            await c.call_tool("incident_timeline", {"incident_id": int(headline_id), "limit": 2}),
        ]

    as_text, as_numbers = run(body, served)
    assert text_of(as_text) == text_of(as_numbers)
    assert "events 1-2 of" in text_of(as_text)


def test_an_api_failure_is_a_tool_error(failing: Callable[..., Toolbox]) -> None:
    tools = failing(error_rate=1.0)
    result = run(lambda c: c.call_tool("list_incidents", {}), tools)
    assert result.is_error is True
    assert "did not answer after retries; try again in a minute" in text_of(result)


def test_the_cap_holds_on_a_large_account(large: Toolbox, scenario_ids: dict[str, str]) -> None:
    async def body(c: Client) -> list[CallToolResult]:
        results = [await c.call_tool("list_incidents", {"since": "7d", "limit": 100})]
        for incident_id in scenario_ids.values():
            arguments = {"incident_id": incident_id, "max_chars": 100_000}
            results.append(await c.call_tool("incident_bundle", arguments))
        return results

    results = run(body, large)
    assert "left out: " in text_of(results[0])
    for result in results:
        assert result.is_error is False
        structured = json.dumps(result.structured_content) if result.structured_content else ""
        assert len(text_of(result)) + len(structured) <= large.max_chars


def test_concurrent_calls_share_one_client_and_one_collection(
    client: BetterStack, headline_id: str
) -> None:
    tools = toolbox(client)
    before = client.stats.requests

    async def body(c: Client) -> list[str]:
        texts: list[str] = []

        async def call(name: str, arguments: dict[str, Any]) -> None:
            texts.append(text_of(await c.call_tool(name, arguments)))

        async with anyio.create_task_group() as group:
            for _ in range(4):
                group.start_soon(call, "incident_bundle", {"incident_id": headline_id})
                group.start_soon(call, "incident_timeline", {"incident_id": headline_id})
        return texts

    texts = run(body, tools)
    assert len(texts) == 8
    assert len(set(texts)) == 2  # every bundle alike, every timeline alike
    one_bundle = client.stats.requests - before
    tools.bundle(headline_id)  # cached now: no new requests
    assert client.stats.requests - before == one_bundle
    fresh = toolbox(client)
    again = client.stats.requests
    fresh.bundle(headline_id)
    assert client.stats.requests - again == one_bundle  # eight calls cost one collection


def test_the_bundle_resource_is_the_bundles_json(served: Toolbox, headline_id: str) -> None:
    async def body(c: Client) -> tuple[Any, Any]:
        templates = await c.list_resource_templates()
        return templates, await c.read_resource(f"betterstack://incident/{headline_id}/bundle.json")

    templates, read = run(body, served)
    assert [t.uri_template for t in templates.resource_templates] == [
        "betterstack://incident/{id}/bundle.json"
    ]
    (content,) = read.contents
    assert content.mime_type == "application/json"
    data = json.loads(content.text)
    from betterstack_rca.rca import SCHEMA_VERSION

    assert data["schema_version"] == SCHEMA_VERSION
    assert data["incident"]["id"] == headline_id


def test_the_investigate_prompt_lays_out_the_method(served: Toolbox, headline_id: str) -> None:
    async def body(c: Client) -> tuple[Any, Any]:
        prompts = await c.list_prompts()
        return prompts, await c.get_prompt("investigate_incident", {"incident_id": headline_id})

    prompts, prompt = run(body, served)
    (listed,) = prompts.prompts
    assert listed.name == "investigate_incident"
    assert [a.name for a in listed.arguments or []] == ["incident_id"]
    (message,) = prompt.messages
    text = message.content.text
    assert f'incident_bundle(incident_id="{headline_id}")' in text
    for step in (
        "Diagnosis first",
        "Compare with the baseline",
        "competing hypotheses",
        "could not be checked",
    ):
        assert step.lower() in text.lower()
    # in that order, with the tool for each step
    steps = ["1. Diagnosis first", "2. Compare with the baseline", "3. Keep competing", "4. Say"]
    at = [text.index(step) for step in steps]
    assert at == sorted(at)
    diagnosis, baseline, _, unchecked = (
        text[a:b] for a, b in zip(at, [*at[1:], len(text)], strict=True)
    )
    assert "trigger" in diagnosis
    assert "first failure" in diagnosis
    assert "confidence" in diagnosis
    assert f'similar_incidents(incident_id="{headline_id}")' in baseline
    assert f'incident_bundle(incident_id="{headline_id}", sections=["checks", "gaps"])' in (
        unchecked.replace("\n   ", " ")
    )
