"""Whatever JSON arrives, a parser returns a model or raises a ValueError, nothing else."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from _model_samples import PARSERS, sample_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from betterstack_rca import models
from betterstack_rca.models import (
    JsonApiResource,
    parse_many,
    parse_on_call_events,
    parse_one,
    parse_rotation,
    parse_timeline,
)

# ~200 examples per parser by default; a CI profile with more examples raises it.
EXAMPLES = max(200, settings().max_examples)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

RESOURCE_MODELS: list[type[JsonApiResource]] = [
    obj
    for name in models.__all__
    if isinstance(obj := getattr(models, name), type)
    and issubclass(obj, JsonApiResource)
    and obj is not JsonApiResource
]

# Keys the models know, so random objects often hit real fields, not only extras.
KNOWN_KEYS = sorted(
    {key for model in RESOURCE_MODELS for key in model.model_fields}
    | {"data", "included", "attributes", "events", "steps", "step_members", "users"}
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["", "1", "2021-02-12 23:59:59 UTC", "2020-03-09T17:37:56.662Z", "{}"])
)
keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


def _resource_object() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"id": st.integers() | st.text(max_size=4) | st.none()},
        optional={
            "type": st.sampled_from(["monitor", "user", "status_update", "x"]) | st.none(),
            "attributes": st.dictionaries(keys, json_values, max_size=6) | json_values,
            "relationships": st.dictionaries(keys, json_values, max_size=3) | json_values,
            "steps": json_values,
        },
    )


documents = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"data": _resource_object() | st.lists(_resource_object(), max_size=3) | json_values},
        optional={
            "included": st.lists(_resource_object(), max_size=3) | _resource_object() | json_values
        },
    ),
    st.fixed_dictionaries({"events": st.lists(json_values, max_size=3) | json_values}),
)

PARSER_FUNCTIONS: dict[str, Callable[[Any, Any], Any]] = {
    "parse_one": parse_one,
    "parse_many": parse_many,
    "parse_timeline": lambda model, body: parse_timeline(body),
    "parse_on_call_events": lambda model, body: parse_on_call_events(body),
    "parse_rotation": lambda model, body: parse_rotation(body),
}


def _model_or_value_error(parse: Callable[[], Any]) -> None:
    try:
        result = parse()
    except ValueError as exc:  # DocumentShapeError or pydantic's ValidationError
        message = str(exc)
    else:
        message = "parsed"
        assert result is not None
    assert message


@pytest.mark.parametrize("parser", sorted(PARSER_FUNCTIONS))
@FUZZ
@given(model=st.sampled_from(RESOURCE_MODELS), body=documents)
def test_arbitrary_json_gives_a_model_or_a_value_error(
    parser: str, model: type[JsonApiResource], body: Any
) -> None:
    _model_or_value_error(lambda: PARSER_FUNCTIONS[parser](model, body))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replace(body: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    body = copy.deepcopy(body)
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return body


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(
    max_examples=max(25, EXAMPLES // 8),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_samples_give_a_model_or_a_value_error(name: str, data: st.DataObject) -> None:
    body = sample_body(name)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(_paths(body)))
        body = _replace(body, path, data.draw(json_values))
    _, parse = PARSERS[name]
    _model_or_value_error(lambda: parse(body))
