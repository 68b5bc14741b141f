"""What got in a new user's way in the first hour, fixed: help without arguments, ``--since
-1d``, errors that name the host and the attempts, a base URL with ``/api/v2``, one
``--format`` vocabulary, incident URLs for ids, the sandbox's program name and its clock."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from betterstack_rca import cli
from betterstack_rca.cli import _common
from betterstack_rca.sandbox import SCENARIOS

from .conftest import REFERENCE_TIME, sandbox_client
from .test_cli import Capture, assert_one_error_line, run

PINNED = "2026-11-23T01:00:00Z"


def test_no_arguments_prints_the_help(capsys: Capture) -> None:
    code, out, err = run(capsys)
    assert code == 2  # nothing was done
    assert out.startswith("usage: betterstack-rca ")
    assert "demo" in out
    assert "exit codes:" in out
    assert err == ""


def test_since_with_a_leading_minus_is_a_duration_back(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_common, "now", lambda: REFERENCE_TIME)
    code, dashed, err = run(capsys, "--sandbox", "incidents", "--since", "-1d")
    assert code == 0, err
    since = (REFERENCE_TIME - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert f"started from {since}" in err
    code, plain, _ = run(capsys, "--sandbox", "incidents", "--since", "1d")
    assert dashed == plain
    assert len(dashed.splitlines()) > 1


def test_a_dashed_value_that_is_no_duration_gets_the_flags_own_error(capsys: Capture) -> None:
    code, _, err = run(capsys, "--sandbox", "incidents", "--since", "-5x")
    assert code == 2
    assert "--since must be a duration like 90m" in assert_one_error_line(err)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_names_the_host_and_the_attempts(capsys: Capture) -> None:
    port = _closed_port()
    code, _, err = run(
        capsys, "--token", "t" * 24, "--base-url", f"http://127.0.0.1:{port}", "bundle", "1"
    )
    assert code == 5
    line = assert_one_error_line(err)
    assert f"connection to 127.0.0.1:{port} failed" in line
    assert "gave up after 4 attempts" in line  # 1 + the default 3 retries


@pytest.mark.parametrize("suffix", ["/api/v2", "/api/v3/", "/api"])
def test_a_base_url_with_the_api_path_is_refused_with_the_fix(capsys: Capture, suffix: str) -> None:
    url = "https://uptime.betterstack.com" + suffix
    code, _, err = run(capsys, "--token", "t" * 24, "--base-url", url, "incidents")
    assert code == 2
    line = assert_one_error_line(err)
    assert "must not end with" in line
    assert "use 'https://uptime.betterstack.com'" in line


@pytest.mark.parametrize(
    ("command", "choices"),
    [
        (["incidents"], {"table", "md", "json"}),
        (["bundle", "1"], {"md", "json"}),
        (["demo"], {"md", "json"}),
    ],
)
def test_every_format_flag_speaks_one_vocabulary(
    capsys: Capture, command: list[str], choices: set[str]
) -> None:
    code, out, _ = run(capsys, command[0], "--help")
    assert code == 0
    assert "--format {" + ",".join(sorted(choices, key=["table", "md", "json"].index)) + "}" in out
    code, _, err = run(capsys, "--sandbox", *command, "--format", "yaml")
    assert code == 2
    assert "choose from" in assert_one_error_line(err)


def test_incidents_as_a_markdown_table(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--sandbox", "incidents", "--since", "2h", "--format", "md")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "| ID | Started (UTC) | Status | Name | Cause | Duration |"
    assert lines[1] == "|---|---|---|---|---|---|"
    assert len(lines) > 2
    assert all(line.startswith("| 4100") and line.endswith(" |") for line in lines[2:])


@pytest.mark.parametrize(("alias", "canonical"), [("markdown", "md"), ("MD", "md")])
def test_older_spellings_stay_aliases(
    capsys: Capture, headline_id: str, alias: str, canonical: str
) -> None:
    _, via_alias, _ = run(capsys, "--sandbox", "bundle", headline_id, "--format", alias)
    _, via_name, _ = run(capsys, "--sandbox", "bundle", headline_id, "--format", canonical)
    assert via_alias == via_name
    assert via_alias.startswith(f"# Incident {headline_id}")


def test_demo_as_json(capsys: Capture) -> None:
    code, out, _ = run(capsys, "demo", "--format", "json")
    assert code == 0
    assert json.loads(out)["incident"]["cause"] == "Status 503"


def test_a_better_stack_incident_url_works_wherever_an_id_does(
    capsys: Capture, headline_id: str
) -> None:
    url = f"https://uptime.betterstack.com/team/48213/incidents/{headline_id}"
    code, out, err = run(capsys, "--sandbox", "bundle", url, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["incident"]["id"] == headline_id
    old_host = f"https://betteruptime.com/team/48213/incidents/{headline_id}/timeline"
    code, out, _ = run(capsys, "--sandbox", "bundle", old_host, "--format", "json")
    assert json.loads(out)["incident"]["id"] == headline_id
    monitor = sandbox_client().scenario("database_backup").monitor_id
    monitor_url = f"https://uptime.betterstack.com/team/48213/monitors/{monitor}"
    code, out, err = run(
        capsys,
        "--sandbox",
        "incidents",
        "--since",
        "2h",
        "--monitor",
        monitor_url,
        "--format",
        "json",
    )
    assert code == 0, err
    assert {i["id"] for i in json.loads(out)} == {headline_id}


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/team/1/incidents/410002054",  # not Better Stack
        "https://uptime.betterstack.com/team/1/monitors/2100004",  # not an incident
    ],
)
def test_a_url_that_is_not_an_incident_page_is_a_usage_error(capsys: Capture, value: str) -> None:
    code, _, err = run(capsys, "--sandbox", "bundle", value)
    assert code == 2
    assert "URL of an incident in Better Stack" in assert_one_error_line(err)


def test_sandbox_serve_errors_name_the_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "betterstack_rca", "sandbox", "serve", "--host", "10.1.2.3"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "betterstack-rca sandbox serve: error: the sandbox server only listens on a loopback "
        "address"
    )
    code = cli.main(["sandbox", "serve", "--port", "nope"])
    assert code == 2


def test_reference_time_pins_the_sandbox_clock(capsys: Capture) -> None:
    def demo() -> str:
        code, out, err = run(capsys, "--sandbox", "--reference-time", PINNED, "demo")
        assert code == 0, err
        return out

    first = demo()
    assert first == demo()
    # the headline starts 50 minutes before the pinned "now"
    assert "**Started:** 2026-11-23 00:10:00 UTC" in first
    code, out, _ = run(
        capsys,
        "incidents",
        "--sandbox",
        "--reference-time",
        PINNED,
        "--since",
        "2026-11-22T23:00Z",
        "--until",
        PINNED,
        "--format",
        "json",
    )
    assert code == 0
    assert {i["started_at"] for i in json.loads(out)} >= {"2026-11-23T00:10:00Z"}


def test_reference_time_needs_the_sandbox_and_a_date(capsys: Capture) -> None:
    code, _, err = run(capsys, "--reference-time", PINNED, "incidents")
    assert code == 2
    assert "--reference-time needs --sandbox" in assert_one_error_line(err)
    code, _, err = run(capsys, "--sandbox", "--reference-time", "tuesday", "demo")
    assert code == 2
    assert "--reference-time must be an ISO date" in assert_one_error_line(err)


def test_sandbox_serve_takes_the_reference_time() -> None:
    from betterstack_rca.sandbox.__main__ import build_parser

    args = build_parser().parse_args(["--reference-time", PINNED])
    assert args.reference_time.isoformat() == "2026-11-23T01:00:00+00:00"
    assert set(SCENARIOS)  # the account it serves has the scenarios around that time
