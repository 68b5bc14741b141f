"""The installed `betterstack-rca` console script, `python -m betterstack_rca.cli` and
`python -m betterstack_rca`, in a subprocess: real exit codes, real stdout/stderr, no
traceback. Everything is the sandbox (in-process, or on 127.0.0.1 for `sandbox serve`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from betterstack_rca.sandbox import SANDBOX_TOKEN

SCRIPT = Path(sys.executable).parent / (
    "betterstack-rca.exe" if os.name == "nt" else "betterstack-rca"
)


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BETTERSTACK_")}
    clean["PYTHONWARNINGS"] = "error"
    return clean


def test_console_script_lists_sandbox_incidents_as_json() -> None:
    assert SCRIPT.exists(), f"console script not installed next to {sys.executable}"
    done = subprocess.run(
        [str(SCRIPT), "--sandbox", "incidents", "--format", "json"],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    incidents = json.loads(done.stdout)
    assert incidents
    assert all("id" in i and "started_at" in i for i in incidents)


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--sandbox", "bundle", "999999999"], 4),
        (["incidents"], 3),
        (["--sandbox", "incidents", "--since", "last tuesday"], 2),
        (["no-such-command"], 2),
    ],
)
def test_module_errors_are_one_line_with_the_right_exit_code(argv: list[str], code: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "betterstack_rca.cli", *argv],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("betterstack-rca: error: ")


COMMANDS = ("demo", "incidents", "bundle", "report", "sandbox", "listen")


def test_python_dash_m_betterstack_rca_is_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "betterstack_rca", "--help"],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: betterstack-rca ")
    assert all(command in done.stdout for command in COMMANDS)


def test_help_loads_neither_the_sandbox_nor_the_webhook_receiver_nor_the_mcp_sdk() -> None:
    # -X importtime names every module imported, one per line on stderr.
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "betterstack_rca.cli", "--help"],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert all(command in done.stdout for command in COMMANDS)
    loaded = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "betterstack_rca.cli.listen" in loaded  # the command modules are there...
    heavy = {
        name
        for name in loaded
        if name == "http.server"
        or "receiver" in name
        or name == "betterstack_rca.sandbox"
        or name.startswith("betterstack_rca.sandbox.")
        or name == "mcp"  # the MCP SDK: only `betterstack-rca mcp` imports it
        or name.startswith(("mcp.", "betterstack_rca.agents"))
    }
    assert heavy == set()  # ...what their commands run is not


@pytest.mark.skipif(os.name == "nt", reason="SIGTERM")
def test_sandbox_serve_answers_on_loopback_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [str(SCRIPT), "sandbox", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
    )
    timer = threading.Timer(30, proc.kill)  # never hang the suite
    timer.start()
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "Better Stack sandbox API at http://127.0.0.1:" in first, first
        url = first.split(" at ")[1].split()[0]
        response = httpx.get(
            f"{url}/api/v2/monitors", headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        )
        assert response.status_code == 200
        assert response.json()["data"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.skipif(os.name == "nt", reason="SIGTERM")
def test_listen_writes_the_bundle_of_a_webhook_and_stops_on_sigterm(tmp_path: Path) -> None:
    from .conftest import sandbox_client

    account = sandbox_client().sandbox_account
    assert account is not None
    incident_id = account.account.scenarios["database_backup"].incident_id
    proc = subprocess.Popen(
        [
            *(str(SCRIPT), "--sandbox", "listen", "--port", "0"),
            *("--out", str(tmp_path), "--secret-env", "HOOK_SECRET"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env(), "HOOK_SECRET": "s3cret"},
    )
    timer = threading.Timer(30, proc.kill)
    timer.start()
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert "listening on http://127.0.0.1:" in first, first
        url = first.split("listening on ")[1].split()[0]
        body = {"event": "started", "data": {"id": incident_id, "type": "incident"}}
        refused = httpx.post(f"{url}/webhook", json=body)
        assert refused.status_code in (401, 403)
        accepted = httpx.post(f"{url}/webhook", json=body, headers={"X-Webhook-Secret": "s3cret"})
        assert accepted.status_code == 202
        bundle = tmp_path / incident_id / "bundle.json"
        deadline = time.monotonic() + 20
        while not bundle.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert json.loads(bundle.read_text())["incident"]["id"] == incident_id
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert "s3cret" not in proc.stderr.read()
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
