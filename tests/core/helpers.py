"""Small helpers for tests over `httpx.MockTransport`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from betterstack_rca import AsyncBetterStack, BetterStack

TOKEN = "test-token-0123456789-wxyz"
BASE = "https://uptime.betterstack.com"


def json_response(
    status: int, body: Any = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    return httpx.Response(
        status, content=content, headers={"content-type": "application/json", **(headers or {})}
    )


class Recorder:
    """A MockTransport handler that answers from a script and remembers every request."""

    def __init__(self, answers: list[httpx.Response] | Callable[[httpx.Request], httpx.Response]):
        self._answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if callable(self._answers):
            return self._answers(request)
        return self._answers.pop(0)


def sync_client(handler: Any, **options: Any) -> tuple[BetterStack, list[float]]:
    """A client whose sleeps are recorded instead of slept."""
    options.setdefault("max_rps", 1000.0)
    client = BetterStack(TOKEN, transport=httpx.MockTransport(handler), **options)
    sleeps: list[float] = []
    client._sender._sleep = sleeps.append
    return client, sleeps


def async_client(handler: Any, **options: Any) -> tuple[AsyncBetterStack, list[float]]:
    options.setdefault("max_rps", 1000.0)
    client = AsyncBetterStack(TOKEN, transport=httpx.MockTransport(handler), **options)
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    client._sender._sleep = fake_sleep
    return client, sleeps
