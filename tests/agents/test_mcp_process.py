"""`betterstack-rca mcp` as a client runs it: a subprocess over stdio, and over streamable
HTTP behind its bearer secret; and the command's refusals."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import TextContent

from betterstack_rca import agents
from betterstack_rca.cli import main
from betterstack_rca.sandbox import HEADLINE_SCENARIO, Sandbox

SCRIPT = Path(sys.executable).parent / "betterstack-rca"
SECRET = "s3cret-" + "x" * 24


def env(**extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BETTERSTACK_")}
    clean["PYTHONWARNINGS"] = "error"
    return {**clean, **extra}


def headline_id() -> str:
    # `--sandbox` generates the account around now; scenario ids do not depend on the time.
    return Sandbox().account.scenarios[HEADLINE_SCENARIO].incident_id


def test_stdio_server_in_a_subprocess_answers_incident_bundle() -> None:
    incident_id = headline_id()
    params = StdioServerParameters(command=str(SCRIPT), args=["--sandbox", "mcp"], env=env())

    async def main_() -> tuple[list[str], str, bool]:
        with anyio.fail_after(60):
            async with Client(params) as client:
                tools = await client.list_tools()
                result = await client.call_tool(
                    "incident_bundle", {"incident_id": incident_id, "max_chars": 4000}
                )
        block = result.content[0]
        assert isinstance(block, TextContent)
        return [t.name for t in tools.tools], block.text, bool(result.is_error)

    names, text, is_error = anyio.run(main_)
    assert "incident_bundle" in names
    assert is_error is False
    assert f"# Incident {incident_id}" in text
    assert "heartbeat_stopped" in text
    assert len(text) <= 4000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def http_server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(SCRIPT), "--sandbox", "mcp", "--transport", "streamable-http", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(BETTERSTACK_RCA_MCP_SECRET=SECRET),
    )
    timer = threading.Timer(60, proc.kill)  # never hang the suite
    timer.start()
    try:
        assert proc.stderr is not None
        ready = proc.stderr.readline()
        assert f"serving MCP on http://127.0.0.1:{port}/mcp" in ready, ready
        url = f"http://127.0.0.1:{port}/mcp"
        for _ in range(100):  # the line comes just before uvicorn binds
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        yield url
    finally:
        timer.cancel()
        proc.terminate()
        proc.communicate(timeout=10)  # reaps it and closes its pipes


def test_http_server_refuses_requests_without_the_bearer_secret(http_server: str) -> None:
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": SECRET}):
        answer = httpx.post(http_server, json=initialize, headers=headers, timeout=10)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_http_server_answers_with_the_bearer_secret(http_server: str) -> None:
    async def main_() -> tuple[list[str], str]:
        headers = {"Authorization": f"Bearer {SECRET}"}
        with anyio.fail_after(60):
            async with (
                httpx2.AsyncClient(headers=headers) as http,
                Client(streamable_http_client(http_server, http_client=http)) as client,
            ):
                tools = await client.list_tools()
                result = await client.call_tool("who_is_on_call", {})
        block = result.content[0]
        assert isinstance(block, TextContent)
        return [t.name for t in tools.tools], block.text

    names, text = anyio.run(main_)
    assert "who_is_on_call" in names
    assert "On call at " in text


# --- the command's refusals (in-process) -----------------------------------------------


def test_http_without_a_secret_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", "mcp", "--transport", "streamable-http"]) == 2
    err = capsys.readouterr().err
    assert "needs a bearer secret of at least 16 characters in $BETTERSTACK_RCA_MCP_SECRET" in err


def test_without_the_sdk_the_command_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "mcp" or m.startswith("mcp.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delitem(sys.modules, "betterstack_rca.agents.server", raising=False)
    monkeypatch.delattr(agents, "server", raising=False)
    monkeypatch.setitem(sys.modules, "mcp", None)  # import mcp -> ImportError, as if absent
    assert main(["--sandbox", "mcp"]) == 1
    assert "pip install 'betterstack-rca[mcp]'" in capsys.readouterr().err


def test_a_small_max_chars_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sandbox", "mcp", "--max-chars", "200"]) == 2
    assert "--max-chars must be at least 1000" in capsys.readouterr().err
