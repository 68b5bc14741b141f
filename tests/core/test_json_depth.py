"""The depth limit read off the bytes (jiter's path) agrees with the walk over the value."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from betterstack_rca._core.http import json_depth_exceeds, json_text_depth_exceeds

# strings full of what the byte scan must not take for structure: brackets, quotes, escapes
_TRICKY = st.text(alphabet=st.sampled_from('[]{}"\\/ ab\u00e9\n\u2028'), max_size=8)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), _TRICKY)


def _nested(leaf: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(_TRICKY, inner, max_size=3)
        ),
        max_leaves=40,
    )


def _chain(depth: int, inner: Any, key: str) -> Any:
    value = inner
    for level in range(depth):
        value = [value, key] if level % 2 else {key: value, "]": key}
    return value


@settings(max_examples=300, deadline=None)
@given(value=_nested(_SCALARS), ascii_only=st.booleans(), limit=st.integers(1, 8))
def test_the_byte_scan_agrees_with_the_walk(value: Any, ascii_only: bool, limit: int) -> None:
    content = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_text_depth_exceeds(content, limit) == json_depth_exceeds(value, limit)


@settings(max_examples=100, deadline=None)
@given(depth=st.integers(55, 75), inner=_nested(_SCALARS), key=_TRICKY, indent=st.booleans())
def test_the_byte_scan_agrees_near_the_limit(
    depth: int, inner: Any, key: str, indent: bool
) -> None:
    value = _chain(depth, inner, key)
    content = json.dumps(value, indent=1 if indent else None).encode()
    assert json_text_depth_exceeds(content) == json_depth_exceeds(value)
