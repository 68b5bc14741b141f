"""Read-only, at every layer: the library's guard, its transport, and the suite's own guard."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest

from betterstack_rca import AsyncBetterStack, BetterStack, ReadOnlyError, cli
from betterstack_rca._core.http import ensure_read_only
from betterstack_rca.cli import _common

from .support import REF, headline_id, sandbox_client

TOKEN = "read-only-token-0123456789"
METHODS = ["POST", "PUT", "PATCH", "DELETE"]


class Recorder:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={"data": []})


@pytest.mark.parametrize("method", METHODS)
def test_a_direct_write_raises_read_only_error_before_anything_is_sent(method: str) -> None:
    recorder = Recorder()
    client = BetterStack(TOKEN, transport=httpx.MockTransport(recorder))
    url = "https://uptime.betterstack.com/api/v2/monitors"
    with pytest.raises(ReadOnlyError, match=method):
        client._http.request(method, url, json={"url": "https://x"})
    with pytest.raises(ReadOnlyError):
        client._http.post(url, json={"url": "https://x"})
    with pytest.raises(ReadOnlyError):
        ensure_read_only(method, "/api/v2/monitors")
    assert recorder.requests == []
    assert client.stats.requests == 0


@pytest.mark.parametrize("method", METHODS)
def test_a_direct_async_write_raises_read_only_error_before_anything_is_sent(method: str) -> None:
    recorder = Recorder()

    async def attempt() -> None:
        async with AsyncBetterStack(TOKEN, transport=httpx.MockTransport(recorder)) as client:
            with pytest.raises(ReadOnlyError, match=method):
                await client._http.request(method, "https://uptime.betterstack.com/api/v2/x")

    asyncio.run(attempt())
    assert recorder.requests == []


def test_the_sender_only_builds_gets() -> None:
    recorder = Recorder()
    client = BetterStack(TOKEN, transport=httpx.MockTransport(recorder), max_rps=1e6)
    client.monitors.list().to_list()
    client.get_json("/api/v2/monitors")
    request = client._sender.build(client._http.build_request, httpx.URL("https://x.test/"))
    assert request.method == "GET"
    assert {r.method for r in recorder.requests} == {"GET"}


def test_a_whole_bundle_and_report_send_nothing_but_get(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = sandbox_client()
    client.bundle(headline_id(client), now=REF)
    monkeypatch.setattr(_common, "sandbox_client", lambda seed, max_rps: client)
    monkeypatch.setattr(_common, "now", lambda: REF)
    with tempfile.TemporaryDirectory() as out:
        argv = ["--sandbox", "report", "--since", "1d", "--limit", "2", "--out", out]
        assert cli.main(argv) == 0
    stats = client.sandbox_account.app.stats  # type: ignore[union-attr]
    assert stats.requests > 20
    assert stats.non_get == 0


def _violations(func: Any) -> list[str]:
    """The suite guard's list of violations (in the closure of the wrapped method)."""
    for cell in func.__closure__ or ():
        if isinstance(cell.cell_contents, list):
            return cell.cell_contents  # type: ignore[no-any-return]
    raise AssertionError("the read-only guard of tests/conftest.py is not installed")


def test_the_suite_guard_fails_any_write_to_a_real_host(tmp_path: Path) -> None:
    violations = _violations(httpx.MockTransport.handle_request)
    transport = httpx.MockTransport(lambda request: httpx.Response(201))
    with httpx.Client(transport=transport) as raw:
        assert raw.get("https://uptime.betterstack.com/api/v2/monitors").status_code == 201
        assert raw.post("http://127.0.0.1:8787/webhook", content=b"{}").status_code == 201
        assert raw.post("http://localhost:8787/webhook", content=b"{}").status_code == 201
        assert violations == []
        with pytest.raises(AssertionError, match="read-only violation"):
            raw.post("https://uptime.betterstack.com/api/v2/monitors", json={})
    assert len(violations) == 1
    violations.clear()  # this test provoked it on purpose; any other test would fail

    async def attempt() -> None:
        async with httpx.AsyncClient(transport=transport) as raw_async:
            await raw_async.delete("https://uptime.betterstack.com/api/v2/monitors/1")

    with pytest.raises(AssertionError, match="read-only violation"):
        asyncio.run(attempt())
    _violations(httpx.MockTransport.handle_async_request).clear()
    for cls, name in (
        (httpx.HTTPTransport, "handle_request"),
        (httpx.AsyncHTTPTransport, "handle_async_request"),
    ):
        _violations(getattr(cls, name))  # installed on the real transports too
