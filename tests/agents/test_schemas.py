"""The function-calling schemas (OpenAI strict mode, Anthropic, MCP) and their size."""

from __future__ import annotations

import json
from typing import Any

import pytest

from betterstack_rca.agents import TOOL_NAMES, tool_schemas
from betterstack_rca.agents.tools import TOOLS

#: All tool definitions together, as a model sees them. Every character is context an agent
#: pays on every turn: keep the whole list small (PagerDuty's server caps its at 150,000).
MAX_SCHEMA_CHARS = 6_000


def walk(node: Any) -> list[dict[str, Any]]:
    """Every object node of a schema."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += walk(value)
    elif isinstance(node, list):
        for value in node:
            found += walk(value)
    return found


@pytest.mark.parametrize("style", ["openai", "anthropic", "mcp"])
def test_the_whole_tool_list_stays_small(style: str) -> None:
    size = len(json.dumps(tool_schemas(style)))  # type: ignore[arg-type]
    assert size < MAX_SCHEMA_CHARS, f"{style} schemas are {size} characters"


def test_openai_schemas_are_strict_mode_compatible() -> None:
    schemas = tool_schemas("openai")
    assert [s["function"]["name"] for s in schemas] == list(TOOL_NAMES)
    for tool in schemas:
        assert tool["type"] == "function"
        function = tool["function"]
        assert function["strict"] is True
        params = function["parameters"]
        model = TOOLS[function["name"]].arguments
        assert list(params["properties"]) == list(model.model_fields)
        for node in walk(params):
            if node.get("type") == "object":
                assert node["additionalProperties"] is False
                assert sorted(node["required"]) == sorted(node["properties"])
            assert not {"default", "minimum", "maximum", "title", "anyOf"} & set(node)
        for name, prop in params["properties"].items():
            optional = not model.model_fields[name].is_required()
            assert ("null" in prop["type"]) is optional, name
            assert prop["description"]


def test_strict_nulls_mean_the_defaults() -> None:
    # A strict-mode model sends every argument; the optional ones as null.
    model = TOOLS["list_incidents"].arguments
    nulls = dict.fromkeys(model.model_fields)
    assert model.model_validate(nulls) == model.model_validate({})


def test_anthropic_and_mcp_schemas_keep_defaults_and_bounds() -> None:
    anthropic = {t["name"]: t for t in tool_schemas("anthropic")}
    mcp = {t["name"]: t for t in tool_schemas("mcp")}
    assert list(anthropic) == list(mcp) == list(TOOL_NAMES)
    for name in TOOL_NAMES:
        assert anthropic[name]["input_schema"] == mcp[name]["inputSchema"]
        assert anthropic[name]["description"] == TOOLS[name].description
    limit = mcp["list_incidents"]["inputSchema"]["properties"]["limit"]
    assert limit == {
        "default": 20,
        "description": "Rows per page, 1-100 (default 20).",
        "maximum": 100,
        "minimum": 1,
        "type": "integer",
    }
    assert mcp["incident_bundle"]["inputSchema"]["required"] == ["incident_id"]
    sections = mcp["incident_bundle"]["inputSchema"]["properties"]["sections"]
    from betterstack_rca.rca.render import SECTIONS

    assert sections["items"]["enum"] == list(SECTIONS)
    assert sections["items"]["enum"][:3] == ["diagnosis", "findings", "timeline"]


def test_an_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="style must be one of openai, anthropic, mcp"):
        tool_schemas("gemini")  # type: ignore[arg-type]
