"""Shared helpers for the sandbox tests (imported by module name; tests/ is not a package)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx

from betterstack_rca.sandbox import SANDBOX_BASE_URL, SANDBOX_TOKEN, SandboxApp, SandboxTransport

REF = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}


def make_client(app: SandboxApp, **kwargs: object) -> httpx.Client:
    options: dict[str, object] = {"base_url": SANDBOX_BASE_URL, "headers": AUTH}
    options.update(kwargs)
    return httpx.Client(transport=SandboxTransport(app), **options)  # type: ignore[arg-type]
