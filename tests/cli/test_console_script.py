"""The installed `betterstack-rca` console script and `python -m betterstack_rca.cli`, in a
subprocess: real exit codes, real stdout/stderr, no traceback. Everything is the sandbox
(in-process, or on 127.0.0.1 for `sandbox serve`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
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
