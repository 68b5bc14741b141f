"""Agent tools over the sandbox at a pinned reference time (the account is generated once)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from betterstack_rca import BetterStack
from betterstack_rca.agents import Toolbox
from betterstack_rca.sandbox import HEADLINE_SCENARIO, SCENARIOS, Faults, Sandbox

#: The sandbox generates its account around this time, and the tools' clock reads it.
REF = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def sandbox_client(**options: Any) -> BetterStack:
    options.setdefault("max_rps", 10_000.0)
    return BetterStack.sandbox(reference_time=REF, **options)


#: Rewrites one JSON answer of the sandbox: (request, decoded body) -> the body to answer,
#: or a whole `httpx.Response` to answer instead.
Rewrite = Callable[[httpx.Request, Any], Any]


def rewriting_client(rewrite: Rewrite, **options: Any) -> BetterStack:
    """A client over the sandbox's account whose JSON answers pass through `rewrite` first
    (an `httpx.MockTransport` in front of the sandbox's transport)."""
    sandbox = Sandbox(reference_time=REF)
    inner = sandbox.transport()

    def handle(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        response.read()
        if response.status_code != 200 or "json" not in response.headers.get("content-type", ""):
            return response
        rewritten = rewrite(request, response.json())
        if isinstance(rewritten, httpx.Response):
            return rewritten
        return httpx.Response(200, json=rewritten, request=request)

    options.setdefault("max_rps", 10_000.0)
    return BetterStack(
        sandbox.token, base_url=sandbox.base_url, transport=httpx.MockTransport(handle), **options
    )


def toolbox(client: BetterStack | None = None, **options: Any) -> Toolbox:
    return Toolbox(client or sandbox_client(), clock=lambda: REF, **options)


@pytest.fixture(scope="session")
def client() -> BetterStack:
    return sandbox_client()


@pytest.fixture(scope="session")
def tools(client: BetterStack) -> Toolbox:
    return toolbox(client)


@pytest.fixture(scope="session")
def large() -> Toolbox:
    """A ten-times account, with answers capped at 2,000 characters."""
    return toolbox(sandbox_client(scale=10), max_chars=2000)


@pytest.fixture
def failing() -> Callable[..., Toolbox]:
    """A toolbox over an account that misbehaves, without retries (failures are quick)."""

    def make(**faults: Any) -> Toolbox:
        return toolbox(sandbox_client(faults=Faults(**faults), max_retries=0))

    return make


@pytest.fixture(scope="session")
def scenario_ids(client: BetterStack) -> dict[str, str]:
    account = client.sandbox_account.account  # type: ignore[union-attr]
    return {key: account.scenarios[key].incident_id for key in SCENARIOS}


@pytest.fixture(scope="session")
def headline_id(scenario_ids: dict[str, str]) -> str:
    return scenario_ids[HEADLINE_SCENARIO]
