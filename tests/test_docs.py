"""The reference docs stay true to the code: every resource method, rule and bundle field
the code has is documented (docs/api.md, docs/findings.md, docs/bundle.md)."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from betterstack_rca._core.endpoints import _Endpoint, _PagedEndpoint
from betterstack_rca.rca import bundle as bundle_module
from betterstack_rca.rca.findings import RULE_ORDER
from betterstack_rca.rca.options import BundleOptions
from betterstack_rca.resources import ResourceSet

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _resource_methods() -> list[tuple[str, str]]:
    """(attribute on the client, public method) for every resource family."""
    hints = typing.get_type_hints(ResourceSet)
    pairs = []
    for attr, hint in hints.items():
        if attr.startswith("_"):
            continue
        cls = typing.get_origin(hint) or hint
        for name, value in vars(cls).items():
            if not name.startswith("_") and isinstance(value, (_Endpoint, _PagedEndpoint)):
                pairs.append((attr, name))
    return sorted(pairs)


def test_the_resource_inventory_is_not_empty() -> None:
    pairs = _resource_methods()
    assert ("incidents", "get") in pairs
    assert ("status_pages", "updates") in pairs
    assert len(pairs) >= 30


@pytest.mark.parametrize(("attr", "method"), _resource_methods())
def test_every_resource_method_is_in_the_api_reference(attr: str, method: str) -> None:
    assert f".{attr}.{method}(" in _doc("api.md"), f"docs/api.md lacks `bs.{attr}.{method}(`"


def _headings(text: str) -> set[str]:
    return {
        m.group(1).strip().strip("`")
        for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", text, re.MULTILINE)
    }


@pytest.mark.parametrize("rule", RULE_ORDER)
def test_every_rule_has_a_heading_in_the_findings_doc(rule: str) -> None:
    assert rule in _headings(_doc("findings.md")), f"docs/findings.md lacks a `## {rule}`"


def _bundle_models() -> list[type[BaseModel]]:
    """`IncidentBundle` and the bundle's own sub-objects (not the Better Stack models)."""
    return [
        bundle_module.IncidentBundle,
        bundle_module.Window,
        bundle_module.Responders,
        bundle_module.StatusPageContext,
        bundle_module.Routing,
        bundle_module.Event,
        bundle_module.Ref,
        bundle_module.Finding,
        bundle_module.Gap,
        bundle_module.Metrics,
        bundle_module.Stats,
    ]


@pytest.mark.parametrize(
    ("model", "field"),
    [(m.__name__, f) for m in _bundle_models() for f in m.model_fields],
)
def test_every_bundle_field_is_in_the_bundle_doc(model: str, field: str) -> None:
    assert f"`{field}`" in _doc("bundle.md"), f"docs/bundle.md lacks {model}.{field}"


@pytest.mark.parametrize("option", [f.name for f in dataclasses.fields(BundleOptions)])
def test_every_bundle_option_is_in_the_bundle_doc(option: str) -> None:
    assert f"`{option}`" in _doc("bundle.md"), f"docs/bundle.md lacks option {option}"


def test_the_bundle_doc_names_the_current_schema_version() -> None:
    assert f'"{bundle_module.SCHEMA_VERSION}"' in _doc("bundle.md")
