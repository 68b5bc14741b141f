"""The tools' argument schemas in the shapes model APIs take.

- ``"mcp"``: a JSON schema per tool as MCP's ``inputSchema`` (optional arguments with their
  defaults, only the required ones listed as required).
- ``"openai"``: Chat Completions function tools in strict mode: every property listed as
  required, nullable where optional (``null`` means the default), ``additionalProperties``
  false, and no keywords strict mode refuses (defaults and bounds move into the description).
  The Responses API takes the same with the ``function`` object's keys at the top level.
- ``"anthropic"``: Messages API tools (``name``, ``description``, ``input_schema``).
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from pydantic import BaseModel

from betterstack_rca.agents.tools import TOOLS

Style = Literal["openai", "anthropic", "mcp"]
STYLES: tuple[str, ...] = ("openai", "anthropic", "mcp")

#: Keywords OpenAI's strict mode does not take; what they said goes into the description.
_STRICT_DROPS = ("default", "minimum", "maximum", "minLength", "maxLength", "title")


def _simplify(node: Any) -> Any:
    """pydantic's schema without titles, with ``anyOf [X, null]`` as ``type: [X, "null"]``."""
    if isinstance(node, list):
        return [_simplify(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _simplify(v) for k, v in node.items() if k != "title"}
    options = out.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        other = next(o for o in options if o != {"type": "null"})
        if isinstance(other.get("type"), str):
            del out["anyOf"]
            merged = {**other, **out}
            merged["type"] = [other["type"], "null"]
            return merged
    return out


def _compact(schema: dict[str, Any]) -> dict[str, Any]:
    """`_simplify`, and no ``"default": null`` (absent says the same in fewer characters)."""
    out: dict[str, Any] = _simplify(schema)
    for node in [out, *out.get("$defs", {}).values()]:
        for prop in node.get("properties", {}).values():
            if "default" in prop and prop["default"] is None:
                del prop["default"]
    return out


def input_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The MCP ``inputSchema`` of a tool's argument model."""
    schema = _compact(model.model_json_schema())
    schema.setdefault("required", [])
    return {
        "type": "object",
        "properties": schema["properties"],
        "required": schema["required"],
        "additionalProperties": False,
    }


def output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The MCP ``outputSchema`` of a tool's structured output (its model's JSON schema,
    compact: no titles, no null defaults)."""
    return _compact(model.model_json_schema())


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAI strict mode: all properties required, optional ones nullable (``null``: the
    default, which each description states along with any bounds)."""
    schema = copy.deepcopy(input_schema(model))
    required = set(schema["required"])
    for name, prop in schema["properties"].items():
        kind = prop.get("type")
        if name not in required and isinstance(kind, str):
            prop["type"] = [kind, "null"]
        for key in _STRICT_DROPS:
            prop.pop(key, None)
    schema["required"] = list(schema["properties"])
    return schema


def tool_schemas(style: Style = "openai") -> list[dict[str, Any]]:
    """Every tool's definition as `style`'s API takes it (see the module docstring)."""
    out: list[dict[str, Any]] = []
    for spec in TOOLS.values():
        if style == "openai":
            out.append(
                {
                    "type": "function",
                    "function": {
                        "name": spec.name,
                        "description": spec.description,
                        "parameters": strict_schema(spec.arguments),
                        "strict": True,
                    },
                }
            )
        elif style == "anthropic":
            out.append(
                {
                    "name": spec.name,
                    "description": spec.description,
                    "input_schema": input_schema(spec.arguments),
                }
            )
        elif style == "mcp":
            out.append(
                {
                    "name": spec.name,
                    "description": spec.description,
                    "inputSchema": input_schema(spec.arguments),
                }
            )
        else:
            raise ValueError(f"style must be one of {', '.join(STYLES)}; got {style!r}")
    return out
