"""CLI test helpers: every command runs in-process against the sandbox, fast.

`BetterStack.sandbox()` generates its account around "now"; pinning one reference time
for the session lets every client reuse the same generated account (it is cached by
seed, scale and second), which keeps the suite quick.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pytest

from betterstack_rca import BetterStack
from betterstack_rca.cli import _common
from betterstack_rca.sandbox import HEADLINE_SCENARIO, SCENARIOS, Faults, Sandbox

REFERENCE_TIME = datetime.now(timezone.utc).replace(microsecond=0)


def sandbox_client(
    seed: int = 0,
    faults: Faults | None = None,
    reference_time: datetime | None = None,
    **options: Any,
) -> BetterStack:
    options.setdefault("max_rps", 1000.0)
    return BetterStack.sandbox(
        seed=seed, reference_time=reference_time or REFERENCE_TIME, faults=faults, **options
    )


@pytest.fixture(autouse=True)
def _pinned_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--sandbox` gets the session's pinned account (unless --reference-time pins another)."""
    monkeypatch.setattr(
        _common,
        "sandbox_client",
        lambda seed, max_rps, reference_time=None: sandbox_client(
            seed, max_rps=max_rps, reference_time=reference_time
        ),
    )


@pytest.fixture
def sandbox_faults(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """`--sandbox` over an account that misbehaves; no retries, so failures are quick."""

    def install(**faults: Any) -> None:
        monkeypatch.setattr(
            _common,
            "sandbox_client",
            lambda seed, max_rps, reference_time=None: sandbox_client(
                seed,
                faults=Faults(**faults),
                max_retries=0,
                max_rps=max_rps,
                reference_time=reference_time,
            ),
        )

    return install


@pytest.fixture
def real_account(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make the non-sandbox client (token, base URL, team flags) talk to a sandbox app
    in-process, so token handling and auth errors can be tested without a network."""

    def install(faults: Faults | None = None) -> None:
        sandbox = Sandbox(reference_time=REFERENCE_TIME, faults=faults)

        class SandboxedBetterStack(BetterStack):
            def __init__(self, token: str | None = None, **options: Any) -> None:
                options.setdefault("max_rps", 1000.0)
                options.setdefault("max_retries", 0)
                super().__init__(token, transport=sandbox.transport(), **options)

        monkeypatch.setattr(_common, "BetterStack", SandboxedBetterStack)

    return install


@pytest.fixture(scope="session")
def headline_id() -> str:
    return sandbox_client().sandbox_account.account.scenarios[HEADLINE_SCENARIO].incident_id  # type: ignore[union-attr]


@pytest.fixture(scope="session")
def scenario_ids() -> dict[str, str]:
    account = sandbox_client().sandbox_account.account  # type: ignore[union-attr]
    return {key: account.scenarios[key].incident_id for key in SCENARIOS}
