from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import pytest
from sandbox_support import REF

from betterstack_rca.sandbox import (
    SANDBOX_TOKEN,
    Account,
    Faults,
    Sandbox,
    SandboxApp,
    SandboxServer,
)


def _get(url: str, token: str | None = SANDBOX_TOKEN, timeout: float = 5) -> tuple[int, bytes]:
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_loopback_server_answers_a_plain_urllib_request(app: SandboxApp) -> None:
    with SandboxServer(app, port=0) as srv:
        assert srv.url.startswith("http://127.0.0.1:")
        status, body = _get(f"{srv.url}/api/v2/monitors?per_page=5")
        assert status == 200
        data = json.loads(body)
        assert len(data["data"]) == 5
        # Pagination links point at the server itself.
        assert data["pagination"]["next"].startswith(f"{srv.url}/api/v2/monitors?")
        assert _get(f"{srv.url}/api/v2/monitors", token=None)[0] == 401
        assert _get(f"{srv.url}/api/v2/nothing-here", token=None)[0] == 404


def test_server_refuses_non_loopback_hosts(app: SandboxApp) -> None:
    with pytest.raises(ValueError, match="loopback"):
        SandboxServer(app, host="0.0.0.0")


def test_server_timeouts_and_resets_fail_the_connection(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(timeout_rate=1.0, timeout_seconds=0.2))
    with SandboxServer(app) as srv, pytest.raises((OSError, urllib.error.URLError)):
        _get(f"{srv.url}/api/v2/monitors", timeout=5)
    app = SandboxApp(account, faults=Faults(reset_rate=1.0))
    with SandboxServer(app) as srv, pytest.raises((OSError, urllib.error.URLError)):
        _get(f"{srv.url}/api/v2/monitors", timeout=5)


def test_server_rate_limit_sends_retry_after(account: Account) -> None:
    app = SandboxApp(account, faults=Faults(rate_limit_rps=0.5, rate_limit_burst=1))
    with SandboxServer(app) as srv:
        assert _get(f"{srv.url}/api/v2/urgencies")[0] == 200
        req = urllib.request.Request(f"{srv.url}/api/v2/urgencies")
        req.add_header("Authorization", f"Bearer {SANDBOX_TOKEN}")
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(req, timeout=5)
        assert info.value.code == 429
        assert int(info.value.headers["Retry-After"]) >= 1
        info.value.close()


def test_sandbox_convenience_serves_through_both_ways_in() -> None:
    sb = Sandbox(reference_time=REF)
    assert sb.account.scenarios["database_backup"].incident_id
    with sb.serve() as srv:
        assert _get(f"{srv.url}/api/v2/urgencies")[0] == 200
    assert sb.transport().app is sb.app


def test_cli_prints_url_and_token_and_stops_on_sigterm() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "betterstack_rca.sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        token_line = proc.stdout.readline()
        assert "http://127.0.0.1:" in first
        assert SANDBOX_TOKEN in token_line
        url = first.split(" at ")[1].split()[0]
        assert _get(f"{url}/api/v2/urgencies")[0] == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "stopped" in out


def test_server_sends_without_waiting_for_delayed_acks(
    app: SandboxApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # headers and body are two writes: with Nagle on, a small body would wait for the
    # client's delayed ACK of the headers (tens of ms per answer), which benchmarks would count
    with SandboxServer(app) as srv:
        handler = srv._httpd.RequestHandlerClass
        nodelay: list[int] = []
        original = handler.setup

        def setup(self: Any) -> None:
            original(self)
            nodelay.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        monkeypatch.setattr(handler, "setup", setup)
        assert _get(f"{srv.url}/api/v2/monitors?per_page=5")[0] == 200
    assert nodelay
    assert all(nodelay)
