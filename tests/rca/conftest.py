"""Bundles of the sandbox scenarios at a fixed reference time, collected once per session."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from betterstack_rca import BetterStack
from betterstack_rca.rca import IncidentBundle

REF = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)


def sandbox_client(**kwargs: object) -> BetterStack:
    kwargs.setdefault("max_rps", 10_000.0)
    return BetterStack.sandbox(reference_time=REF, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def client() -> BetterStack:
    return sandbox_client()


@pytest.fixture(scope="session")
def bundles(client: BetterStack) -> dict[str, IncidentBundle]:
    account = client.sandbox_account.account  # type: ignore[union-attr]
    return {
        key: client.bundle(scenario.incident_id, now=REF)
        for key, scenario in account.scenarios.items()
    }
