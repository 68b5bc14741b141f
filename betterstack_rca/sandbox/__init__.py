"""A faithful local fake of the Better Stack Uptime API over a generated demo account.

The sandbox speaks HTTP only and imports nothing from the rest of ``betterstack_rca``, so
it cannot share the client's mistakes. See docs/sandbox.md; its "Layout of the code"
walks the folders in the order data flows: ``model`` -> ``scenarios`` -> ``account`` ->
``render`` -> ``app`` -> the transport and the server.
"""

from __future__ import annotations

from datetime import datetime

from betterstack_rca.sandbox.account import Account, generate_account
from betterstack_rca.sandbox.app import (
    SANDBOX_BASE_URL,
    SANDBOX_TOKEN,
    SandboxApp,
    SandboxResponse,
)
from betterstack_rca.sandbox.faults import Faults, SandboxStats
from betterstack_rca.sandbox.scenarios import (
    HEADLINE_SCENARIO,
    RULES,
    SCENARIOS,
    Scenario,
    ScenarioSpec,
)
from betterstack_rca.sandbox.server import SandboxServer
from betterstack_rca.sandbox.transport import SandboxTransport


class Sandbox:
    """Convenience bundle: an account, an app over it, and ways in (transport, server)."""

    def __init__(
        self,
        seed: int = 0,
        scale: int = 1,
        reference_time: datetime | None = None,
        faults: Faults | None = None,
        token: str = SANDBOX_TOKEN,
    ) -> None:
        self.account = generate_account(seed=seed, scale=scale, reference_time=reference_time)
        self.app = SandboxApp(self.account, faults=faults, token=token)
        self.token = token
        self.base_url = SANDBOX_BASE_URL

    def transport(self) -> SandboxTransport:
        return SandboxTransport(self.app)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
        return SandboxServer(self.app, host=host, port=port)


__all__ = [
    "HEADLINE_SCENARIO",
    "RULES",
    "SANDBOX_BASE_URL",
    "SANDBOX_TOKEN",
    "SCENARIOS",
    "Account",
    "Faults",
    "Sandbox",
    "SandboxApp",
    "SandboxResponse",
    "SandboxServer",
    "SandboxStats",
    "SandboxTransport",
    "Scenario",
    "ScenarioSpec",
    "generate_account",
]
