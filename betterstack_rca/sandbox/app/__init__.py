"""Request -> response for the sandbox API.

``SandboxApp.dispatch(method, target, headers, base_url)`` returns a ``SandboxResponse``
(status, headers, body, the latency to apply and an optional connection-level fault);
``SandboxApp.handle(...)`` is the plain ``(status, headers, body)`` form of it.

The flow: ``dispatch`` (the order of checks) -> ``injector`` (faults) -> ``routes`` (the
routing table) -> ``handlers/`` (one module per resource family, over a ``request``) ->
``sandbox.render`` (the JSON objects); ``errors`` holds the error bodies.
"""

from __future__ import annotations

from betterstack_rca.sandbox.app.dispatch import (
    SANDBOX_BASE_URL,
    SANDBOX_TOKEN,
    SandboxApp,
    SandboxResponse,
)

__all__ = ["SANDBOX_BASE_URL", "SANDBOX_TOKEN", "SandboxApp", "SandboxResponse"]
