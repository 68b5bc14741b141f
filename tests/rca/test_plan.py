"""The collection plan: the facts of every sandbox bundle are pinned, whatever the plan.

`snapshots/bundles/<scenario>.json` holds each scenario's bundle JSON without `stats`, as
collected by the plan before the critical-path rework of issue 18 (one top-level field per
line). A new plan may send fewer requests, in another order, over fewer rounds: the bundle
must stay the same. Re-record (``RECORD_BUNDLE_SNAPSHOTS=1``) only when a change of the
bundle's content is intended, never to make a plan change pass.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest

from betterstack_rca import AsyncBetterStack
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.sandbox import SCENARIOS

from .conftest import REF

KEYS = list(SCENARIOS)
BUNDLES = Path(__file__).parent / "snapshots" / "bundles"


def facts(bundle: IncidentBundle) -> dict[str, Any]:
    """The bundle as JSON data, without what collecting it cost."""
    data: dict[str, Any] = json.loads(bundle.to_json())
    data.pop("stats")
    return data


def dump(data: dict[str, Any]) -> str:
    lines = [f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in data.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def pinned(key: str) -> dict[str, Any]:
    path = BUNDLES / f"{key}.json"
    assert path.exists(), f"no snapshot {path.name}"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def assert_same_facts(key: str, got: dict[str, Any]) -> None:
    want = pinned(key)
    assert list(got) == list(want), f"{key}: fields differ"
    differ = [field for field in want if got[field] != want[field]]
    assert not differ, f"{key}: the bundle's {differ} differ from the pinned snapshot"


@pytest.mark.parametrize("key", KEYS)
def test_sync_bundle_facts_are_the_pinned_ones(
    key: str, bundles: dict[str, IncidentBundle]
) -> None:
    got = facts(bundles[key])
    if os.environ.get("RECORD_BUNDLE_SNAPSHOTS"):
        BUNDLES.mkdir(parents=True, exist_ok=True)
        (BUNDLES / f"{key}.json").write_text(dump(got))
    assert_same_facts(key, got)


def test_async_bundle_facts_are_the_pinned_ones() -> None:
    async def collect() -> dict[str, IncidentBundle]:
        async with AsyncBetterStack.sandbox(reference_time=REF, max_rps=10_000) as client:
            account = client.sandbox_account.account  # type: ignore[union-attr]
            return {
                key: await client.bundle(sc.incident_id, now=REF)
                for key, sc in account.scenarios.items()
            }

    got = asyncio.run(collect())
    assert sorted(got) == sorted(KEYS)
    for key, bundle in got.items():
        assert_same_facts(key, facts(bundle))
