"""Fixtures for the sandbox tests: one fixed reference time so every run serves the same bytes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sandbox_support import REF, make_client

from betterstack_rca.sandbox import Account, SandboxApp, generate_account


@pytest.fixture(scope="session")
def account() -> Account:
    return generate_account(seed=0, scale=1, reference_time=REF)


@pytest.fixture
def app(account: Account) -> SandboxApp:
    return SandboxApp(account)


@pytest.fixture
def client(app: SandboxApp) -> Iterator[httpx.Client]:
    with make_client(app) as c:
        yield c
