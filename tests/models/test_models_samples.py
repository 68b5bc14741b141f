"""Every documented Better Stack body parses, and nothing in it is silently dropped."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from _model_samples import PARSERS, SAMPLES, is_resource_sample, parse_sample, sample_body
from pydantic import BaseModel

from betterstack_rca.models import JsonApiResource, Timeline, UnknownStep

RESOURCE_SAMPLES = sorted(p.name for p in SAMPLES.glob("*.json") if is_resource_sample(p.name))


def test_samples_directory_is_found() -> None:
    assert SAMPLES.is_dir(), SAMPLES
    assert len(RESOURCE_SAMPLES) >= 20


def test_every_resource_sample_has_a_parser() -> None:
    assert sorted(PARSERS) == RESOURCE_SAMPLES


@pytest.mark.parametrize("name", RESOURCE_SAMPLES)
def test_sample_parses_with_its_model(name: str) -> None:
    parsed = parse_sample(name)
    assert parsed is not None
    if isinstance(parsed, list):
        assert parsed, f"{name} produced no items"


# --- completeness ----------------------------------------------------------------------


def _reachable(model: BaseModel, key: str) -> tuple[bool, Any]:
    if key in type(model).model_fields:
        return True, getattr(model, key)
    extra = model.model_extra or {}
    if key in extra:
        return True, extra[key]
    return False, None


def assert_nothing_dropped(raw: Any, parsed: Any, path: str = "$") -> None:
    """Every key of ``raw`` is a field or an extra of ``parsed`` (recursively into models)."""
    if isinstance(parsed, UnknownStep):
        assert parsed.raw == raw, path
        return
    if isinstance(parsed, BaseModel) and isinstance(raw, Mapping):
        attributes = raw.get("attributes") if isinstance(parsed, JsonApiResource) else None
        outer = {k: v for k, v in raw.items() if not (attributes is not None and k == "attributes")}
        for key, value in outer.items():
            found, child = _reachable(parsed, key)
            assert found, f"{path}.{key} was dropped"
            if key not in ("attributes",):
                assert_nothing_dropped(value, child, f"{path}.{key}")
        for key, value in (attributes or {}).items():
            found, child = _reachable(parsed, key)
            if key in ("id", "type", "relationships") and key in outer:
                renamed_found, _ = _reachable(parsed, f"attributes_{key}")
                same = str(value) == str(outer[key])
                assert same or renamed_found, f"{path}.attributes.{key} was dropped"
                continue
            assert found, f"{path}.attributes.{key} was dropped"
            assert_nothing_dropped(value, child, f"{path}.attributes.{key}")
    elif isinstance(parsed, Mapping) and isinstance(raw, Mapping):
        for key, value in raw.items():
            assert key in parsed, f"{path}.{key} was dropped"
            assert_nothing_dropped(value, parsed[key], f"{path}.{key}")
    elif isinstance(parsed, list) and isinstance(raw, list):
        assert len(parsed) == len(raw), f"{path}: {len(raw)} items became {len(parsed)}"
        for index, (raw_item, parsed_item) in enumerate(zip(raw, parsed, strict=True)):
            assert_nothing_dropped(raw_item, parsed_item, f"{path}[{index}]")


def _resources(value: Any) -> Iterator[JsonApiResource]:
    if isinstance(value, JsonApiResource):
        yield value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _resources(getattr(value, name))
    elif isinstance(value, list):
        for item in value:
            yield from _resources(item)


@pytest.mark.parametrize("name", RESOURCE_SAMPLES)
def test_sample_keys_are_all_reachable(name: str) -> None:
    body = sample_body(name)
    parsed = parse_sample(name)
    if isinstance(parsed, Timeline):
        by_id = {item.id: item for item in [*parsed.items, *parsed.markers]}
        for raw in body["data"]:
            assert_nothing_dropped(raw, by_id[raw["id"]], f"$.data[{raw['id']}]")
        return
    if isinstance(parsed, BaseModel) and not isinstance(parsed, JsonApiResource):
        assert_nothing_dropped(body, parsed)  # bare objects: rotation, incident-log event
        return
    if isinstance(parsed, list) and "events" in body:
        assert_nothing_dropped(body["events"], parsed, "$.events")
        return
    assert_nothing_dropped(body["data"], parsed, "$.data")
    # Included resources that a model resolves are reachable there, attribute for attribute.
    resolved = {(r.type, r.id): r for r in _resources(parsed)}
    for index, raw in enumerate(body.get("included") or []):
        key = (raw["type"], raw["id"])
        assert key in resolved, f"included[{index}] {key} was not resolved"
        assert_nothing_dropped(raw, resolved[key], f"$.included[{index}]")


def test_completeness_check_catches_a_dropped_key() -> None:
    class Strict(BaseModel):
        a: int

    with pytest.raises(AssertionError, match=r"\$\.b was dropped"):
        assert_nothing_dropped({"a": 1, "b": 2}, Strict(a=1))
