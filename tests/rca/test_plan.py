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
import math
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from betterstack_rca import AsyncBetterStack, NotFoundError
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.tasks import Slots
from betterstack_rca.sandbox import SCENARIOS, Sandbox, SandboxTransport

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


class Rounds(httpx.AsyncBaseTransport):
    """Answers in rounds: holds every request until the client has nothing left to do but
    wait for answers, then answers all of them at once.

    With no time involved, a request's round is the number of answers it waited for one
    after the other (plus the answers its turn for a slot waited for): the rounds of a
    bundle are its real depth, and the claim in `stats.depth` can be checked against it.
    """

    QUIET_TURNS = 200
    """Event-loop turns without a new request that mean "the client only waits now"."""

    def __init__(self, inner: SandboxTransport) -> None:
        self.inner = inner
        self.rounds: list[list[str]] = []
        self._held: list[tuple[httpx.Request, asyncio.Future[None]]] = []
        self._releasing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._held.append((request, turn))
        if not self._releasing:
            self._releasing = True
            asyncio.get_running_loop().create_task(self._release())
        await turn
        return await self.inner.handle_async_request(request)

    async def _release(self) -> None:
        while self._held:
            seen, quiet = len(self._held), 0
            while quiet < self.QUIET_TURNS:
                await asyncio.sleep(0)
                quiet = quiet + 1 if len(self._held) == seen else 0
                seen = len(self._held)
            held, self._held = self._held, []
            self.rounds.append([r.url.path for r, _ in held])
            for _, turn in held:
                turn.set_result(None)
            await asyncio.sleep(0)
        self._releasing = False


def collect_in_rounds(key: str, concurrency: int) -> tuple[IncidentBundle, list[list[str]]]:
    sandbox = Sandbox(reference_time=REF)
    transport = Rounds(sandbox.transport())

    async def collect() -> IncidentBundle:
        async with AsyncBetterStack(
            sandbox.token,
            base_url=sandbox.base_url,
            transport=transport,
            max_rps=1_000_000.0,
            burst=1_000_000,
            max_concurrency=concurrency,
        ) as client:
            return await client.bundle(sandbox.account.scenarios[key].incident_id, now=REF)

    bundle = asyncio.run(collect())
    return bundle, transport.rounds


@pytest.mark.parametrize("key", KEYS)
def test_the_claimed_depth_is_the_rounds_the_requests_take(key: str) -> None:
    bundle, rounds = collect_in_rounds(key, concurrency=64)
    assert sum(len(r) for r in rounds) == bundle.stats.requests
    assert len(rounds) == bundle.stats.depth, rounds
    assert_same_facts(key, facts(bundle))


@pytest.mark.parametrize("key", KEYS)
def test_eight_slots_by_priority_take_as_few_rounds_as_they_can(key: str) -> None:
    """The default max_concurrency: the leaves wait for free slots, never the long chain, so
    a bundle takes its depth, or as many rounds as eight slots need for its requests."""
    bundle, rounds = collect_in_rounds(key, concurrency=8)
    assert max(len(r) for r in rounds) <= 8
    least = max(bundle.stats.depth, math.ceil(bundle.stats.requests / 8))
    assert len(rounds) == least, rounds
    assert_same_facts(key, facts(bundle))


def test_the_headline_takes_four_rounds_the_status_page_chain_first() -> None:
    bundle, rounds = collect_in_rounds("database_backup", concurrency=8)
    assert bundle.stats.depth == 4
    first = rounds[0]
    # what needs no answer of the incident goes out with it
    assert {p.rsplit("/", 1)[-1] for p in first} >= {"status-pages", "timeline", "metadata"}
    assert "/api/v2/outgoing-webhooks" in first
    assert any(p.startswith("/api/v3/incidents/") for p in first)
    # each round of the chain: pages, their resources, the reports, the report
    assert sum(p.endswith("/resources") for p in rounds[1]) == 3
    assert any(p.endswith("/status-reports") for p in rounds[2])
    assert any("/status-reports/" in p for p in rounds[3])


def test_without_eager_the_incident_goes_first_and_alone_one_round_more() -> None:
    sandbox = Sandbox(reference_time=REF)
    transport = Rounds(sandbox.transport())

    async def collect() -> IncidentBundle:
        async with AsyncBetterStack(
            sandbox.token,
            base_url=sandbox.base_url,
            transport=transport,
            max_rps=1_000_000.0,
            burst=1_000_000,
        ) as client:
            incident_id = sandbox.account.scenarios["database_backup"].incident_id
            return await client.bundle(incident_id, now=REF, eager=False)

    bundle = asyncio.run(collect())
    assert len(transport.rounds[0]) == 1
    assert bundle.stats.depth == len(transport.rounds) == 5
    assert_same_facts("database_backup", facts(bundle))


def test_an_unknown_incident_raises_and_the_early_reads_are_stopped() -> None:
    sandbox = Sandbox(reference_time=REF)

    async def collect() -> None:
        async with AsyncBetterStack.sandbox(sandbox=sandbox, max_rps=10_000) as client:
            with pytest.raises(NotFoundError):
                await client.bundle("999999999", now=REF)
            # nothing of that collection is still running (or was left unawaited)
            assert asyncio.all_tasks() == {asyncio.current_task()}

    asyncio.run(collect())
    assert sandbox.app.stats.requests <= 8  # the incident and the reads that went with it


def test_the_heartbeat_included_with_the_incident_is_not_asked_again() -> None:
    sandbox = Sandbox(reference_time=REF)
    scenario = sandbox.account.scenarios["heartbeat_incident"]
    transport = Rounds(sandbox.transport())

    async def collect() -> IncidentBundle:
        async with AsyncBetterStack(
            sandbox.token, base_url=sandbox.base_url, transport=transport, max_rps=10_000
        ) as client:
            return await client.bundle(scenario.incident_id, now=REF)

    bundle = asyncio.run(collect())
    heartbeat_id = scenario.facts["heartbeat_id"]
    assert bundle.heartbeat is not None
    assert bundle.heartbeat.id == heartbeat_id
    paths = [path for round_ in transport.rounds for path in round_]
    assert f"/api/v2/heartbeats/{heartbeat_id}/availability" in paths
    assert f"/api/v2/heartbeats/{heartbeat_id}" not in paths
    # the bundle keeps it once, redacted: its incident no longer carries the included one
    assert bundle.incident.heartbeat is None
    assert bundle.incident.monitor is None
    assert "[redacted]" in (bundle.heartbeat.url or "")


def test_waiting_requests_are_served_by_priority_then_in_order() -> None:
    served: list[str] = []

    async def scenario() -> None:
        slots = Slots(1, urgent=3)
        await slots.take(1)  # the only slot is busy

        async def ask(name: str, priority: int) -> None:
            await slots.take(priority)
            served.append(name)
            slots.give()

        waiting = [
            asyncio.ensure_future(ask(name, priority))
            for name, priority in (("leaf", 1), ("responders", 2), ("leaf 2", 1), ("chain", 3))
        ]
        await asyncio.sleep(0)
        slots.give()
        await asyncio.gather(*waiting)

    asyncio.run(scenario())
    assert served == ["chain", "responders", "leaf", "leaf 2"]
