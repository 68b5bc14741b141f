"""Every command through `main(argv)` on the sandbox: output, exit codes, error lines."""

from __future__ import annotations

import json
import logging
import sys
import types
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from betterstack_rca import BetterStack, __version__, cli
from betterstack_rca.cli import _common, _window
from betterstack_rca.sandbox import SANDBOX_TOKEN

from .conftest import REFERENCE_TIME

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("betterstack-rca: error: "), err
    assert "Traceback" not in err
    return lines[0]


# --- global flags --------------------------------------------------------------------


def test_version_prints_the_package_version(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"betterstack-rca {__version__}"


def test_help_lists_every_command(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("demo", "incidents", "bundle", "report", "sandbox", "listen"):
        assert command in out


@pytest.mark.parametrize("command", ["incidents", "bundle", "report", "listen", "demo"])
def test_every_command_has_help(capsys: Capture, command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "--sandbox" in out


def test_global_flags_work_after_the_command(capsys: Capture) -> None:
    code, out, _ = run(capsys, "incidents", "--sandbox", "--format", "json")
    assert code == 0
    assert isinstance(json.loads(out), list)


def test_debug_logs_requests_to_stderr_and_detaches_afterwards(capsys: Capture) -> None:
    code, out, err = run(capsys, "--sandbox", "--debug", "incidents", "--format", "json")
    assert code == 0
    json.loads(out)
    assert "GET /api/v3/incidents" in err
    assert SANDBOX_TOKEN not in err
    assert not logging.getLogger("betterstack_rca").handlers


# --- demo ----------------------------------------------------------------------------


def test_demo_prints_the_headline_bundle_and_a_hint(capsys: Capture, headline_id: str) -> None:
    code, out, err = run(capsys, "demo")
    assert code == 0
    assert out.startswith(f"# Incident {headline_id}: ")
    assert "heartbeat_stopped" in out
    hint = err.strip().splitlines()
    assert len(hint) == 1
    assert "--sandbox incidents" in hint[0]


def test_demo_respects_max_chars(capsys: Capture) -> None:
    code, out, _ = run(capsys, "demo", "--max-chars", "1000")
    assert code == 0
    assert len(out.rstrip("\n")) <= 1000


# --- incidents -----------------------------------------------------------------------


def test_incidents_table_lists_the_last_day(capsys: Capture, headline_id: str) -> None:
    code, out, err = run(capsys, "--sandbox", "incidents")
    assert code == 0
    header, *rows = out.strip().splitlines()
    assert header.split() == ["ID", "STARTED", "(UTC)", "STATUS", "NAME", "CAUSE", "DURATION"]
    assert any(row.startswith(headline_id) for row in rows)
    assert f"{len(rows)} incidents started" in err


def test_incidents_json_is_a_list_of_incidents_and_nothing_else(capsys: Capture) -> None:
    code, out, err = run(capsys, "--sandbox", "incidents", "--since", "7d", "--format", "json")
    assert code == 0
    assert err == ""
    data = json.loads(out)
    assert len(data) > 50
    assert {"id", "name", "cause", "started_at", "status"} <= set(data[0])


def test_incidents_keeps_the_exact_window_not_whole_days(capsys: Capture) -> None:
    since = REFERENCE_TIME - timedelta(hours=30)
    until = REFERENCE_TIME - timedelta(hours=6)
    code, out, _ = run(
        capsys,
        "--sandbox",
        "incidents",
        "--since",
        since.isoformat(),
        "--until",
        until.strftime("%Y-%m-%dT%H:%M:%S"),  # no offset: taken as UTC
        "--format",
        "json",
    )
    assert code == 0
    starts = [
        datetime.fromisoformat(i["started_at"].replace("Z", "+00:00")) for i in json.loads(out)
    ]
    assert starts
    assert all(since <= s < until for s in starts)


def test_incidents_until_a_date_includes_that_day(capsys: Capture) -> None:
    day = (REFERENCE_TIME - timedelta(days=2)).date()
    code, out, _ = run(
        capsys,
        *("--sandbox", "incidents", "--since", day.isoformat(), "--until", day.isoformat()),
        *("--format", "json"),
    )
    assert code == 0
    data = json.loads(out)
    assert data
    assert {i["started_at"][:10] for i in data} == {day.isoformat()}


def test_incidents_unresolved_lists_only_open_ones(capsys: Capture) -> None:
    code, out, _ = run(
        capsys, "--sandbox", "incidents", "--since", "7d", "--unresolved", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data
    assert all(i["resolved_at"] is None for i in data)


def test_incidents_monitor_filter_and_limit(capsys: Capture) -> None:
    _, out, _ = run(capsys, "--sandbox", "incidents", "--since", "7d", "--format", "json")
    monitor_id = next(i["monitor_id"] for i in json.loads(out) if i["monitor_id"])
    code, out, _ = run(
        capsys,
        *("--sandbox", "incidents", "--since", "7d", "--monitor", monitor_id),
        *("--limit", "2", "--format", "json"),
    )
    assert code == 0
    data = json.loads(out)
    assert 1 <= len(data) <= 2
    assert {i["monitor_id"] for i in data} == {monitor_id}


def test_incidents_in_an_empty_window_print_no_table(capsys: Capture) -> None:
    code, out, err = run(capsys, "--sandbox", "incidents", "--since", "1s")
    assert code == 0
    assert out == ""
    assert "0 incidents started" in err


# --- bundle --------------------------------------------------------------------------


def test_bundle_markdown(capsys: Capture, headline_id: str) -> None:
    code, out, _ = run(capsys, "--sandbox", "bundle", headline_id)
    assert code == 0
    assert out.startswith(f"# Incident {headline_id}")
    assert "## Findings" in out


def test_bundle_json_is_the_bundle_and_nothing_else(capsys: Capture, headline_id: str) -> None:
    code, out, _ = run(capsys, "--sandbox", "bundle", headline_id, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["incident"]["id"] == headline_id
    assert data["findings"][0]["rule"] == "heartbeat_stopped"


def test_bundle_max_chars_is_a_hard_budget(capsys: Capture, headline_id: str) -> None:
    code, out, _ = run(capsys, "--sandbox", "bundle", headline_id, "--max-chars", "700")
    assert code == 0
    assert len(out.rstrip("\n")) <= 700


def test_bundle_options_reach_the_collector(capsys: Capture, headline_id: str) -> None:
    code, out, _ = run(
        capsys,
        *("--sandbox", "bundle", headline_id, "--format", "json"),
        *("--window-before", "2h", "--history", "3d", "--deadline", "30"),
    )
    assert code == 0
    data = json.loads(out)
    started = datetime.fromisoformat(data["incident"]["started_at"].replace("Z", "+00:00"))
    window = data["window"]
    assert datetime.fromisoformat(window["start"].replace("Z", "+00:00")) == started - timedelta(
        hours=2
    )
    history_start = datetime.fromisoformat(window["history_start"].replace("Z", "+00:00"))
    assert history_start == started - timedelta(days=3)


def test_bundle_out_writes_the_file(capsys: Capture, headline_id: str, tmp_path: Path) -> None:
    target = tmp_path / "nested" / "bundle.json"
    code, out, err = run(
        capsys, "--sandbox", "bundle", headline_id, "--format", "json", "--out", str(target)
    )
    assert code == 0
    assert out == ""
    assert str(target) in err
    assert json.loads(target.read_text())["incident"]["id"] == headline_id


def test_bundle_with_failed_sources_says_so_on_stderr(
    capsys: Capture, headline_id: str, sandbox_faults: Callable[..., None]
) -> None:
    sandbox_faults(forbidden=frozenset({"on-calls", "status-pages"}))
    code, out, err = run(capsys, "--sandbox", "bundle", headline_id, "--format", "json")
    assert code == 0
    assert json.loads(out)["gaps"]
    assert "bundle incomplete" in err


# --- exit codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--sandbox", "incidents", "--since", "bogus"],
        ["--sandbox", "incidents", "--since", "5x"],
        ["--sandbox", "incidents", "--since", "1h", "--until", "2h"],
        ["--sandbox", "incidents", "--limit", "many"],
        ["--sandbox", "incidents", "--format", "yaml"],
        ["--sandbox", "incidents", "--bogus-flag"],
        ["--sandbox", "bundle"],
        ["--sandbox", "bundle", "not/an/id"],
        ["--sandbox", "bundle", "410002054", "--window-before", "soon"],
        ["--sandbox", "bundle", "410002054", "--format", "json", "--max-chars", "10"],
        ["--sandbox", "report", "--since", "7d"],
        ["--seed", "3", "incidents"],
        ["--sandbox", "--token", "abc", "incidents"],
        ["frobnicate"],
        ["sandbox"],
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys: Capture, argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert_one_error_line(err)


def test_unknown_command_names_the_choices(capsys: Capture) -> None:
    code, _, err = run(capsys, "frobnicate")
    assert code == 2
    assert "invalid choice: 'frobnicate'" in assert_one_error_line(err)


def test_missing_token_exits_3_and_suggests_the_sandbox(capsys: Capture) -> None:
    code, out, err = run(capsys, "incidents")
    assert code == 3
    assert out == ""
    line = assert_one_error_line(err)
    assert "BETTERSTACK_API_TOKEN" in line
    assert "--sandbox" in line


def test_wrong_token_exits_3_and_never_prints_it(
    capsys: Capture, real_account: Callable[..., None]
) -> None:
    real_account()
    token = "uptime-token-that-must-stay-secret-9876"
    code, out, err = run(capsys, "--token", token, "incidents", "--format", "json")
    assert code == 3
    assert out == ""
    assert "401" in assert_one_error_line(err)
    assert token not in err
    assert token[:-4] not in err


def test_token_from_the_environment_reaches_the_api(
    capsys: Capture, real_account: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_account()
    monkeypatch.setenv("BETTERSTACK_API_TOKEN", SANDBOX_TOKEN)
    code, out, _ = run(capsys, "incidents", "--format", "json", "--limit", "1")
    assert code == 0
    assert len(json.loads(out)) == 1


def test_permission_denied_exits_3(capsys: Capture, sandbox_faults: Callable[..., None]) -> None:
    sandbox_faults(forbidden=frozenset({"incidents"}))
    code, _, err = run(capsys, "--sandbox", "incidents")
    assert code == 3
    assert "403" in assert_one_error_line(err)


def test_unknown_incident_exits_4(capsys: Capture) -> None:
    code, out, err = run(capsys, "--sandbox", "bundle", "999999999")
    assert code == 4
    assert out == ""
    assert "404" in assert_one_error_line(err)


@pytest.mark.parametrize(
    ("faults", "command"),
    [
        ({"error_rate": 1.0}, ["incidents"]),
        ({"error_rate": 1.0}, ["bundle", "410002054"]),
        ({"reset_rate": 1.0}, ["incidents", "--format", "json"]),
        ({"invalid_json_rate": 1.0}, ["incidents"]),
    ],
)
def test_api_and_network_failures_exit_5(
    capsys: Capture,
    sandbox_faults: Callable[..., None],
    faults: dict[str, Any],
    command: list[str],
) -> None:
    sandbox_faults(**faults)
    code, out, err = run(capsys, "--sandbox", *command)
    assert code == 5
    assert out == ""
    assert_one_error_line(err)


def test_debug_adds_the_traceback_to_an_error(
    capsys: Capture, sandbox_faults: Callable[..., None]
) -> None:
    sandbox_faults(error_rate=1.0)
    code, _, err = run(capsys, "--sandbox", "--debug", "incidents")
    assert code == 5
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("betterstack-rca: error: ")


def test_unexpected_errors_exit_1_with_one_line(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, headline_id: str
) -> None:
    def broken(self: BetterStack, incident_id: str, **options: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(BetterStack, "bundle", broken)
    code, _, err = run(capsys, "--sandbox", "bundle", headline_id)
    assert code == 1
    assert "RuntimeError: boom" in assert_one_error_line(err)


def test_a_file_that_cannot_be_written_exits_1_with_one_line(
    capsys: Capture, headline_id: str, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    code, _, err = run(
        capsys, "--sandbox", "bundle", headline_id, "--out", str(tmp_path / "file" / "x.md")
    )
    assert code == 1
    assert str(tmp_path / "file") in assert_one_error_line(err)


def test_ctrl_c_exits_130_quietly(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, headline_id: str
) -> None:
    def interrupted(self: BetterStack, incident_id: str, **options: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(BetterStack, "bundle", interrupted)
    code, _, err = run(capsys, "--sandbox", "bundle", headline_id)
    assert code == 130
    assert "Traceback" not in err


# --- sandbox serve -------------------------------------------------------------------


def test_sandbox_serve_hands_its_flags_to_the_sandbox_server(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import betterstack_rca.sandbox.__main__ as sandbox_main

    seen: list[list[str]] = []

    def fake_main(argv: list[str], prog: str = "") -> int:
        seen.append(list(argv))
        assert prog == "betterstack-rca sandbox serve"  # its errors name the program
        return 0

    monkeypatch.setattr(sandbox_main, "main", fake_main)
    assert cli.main(["sandbox", "serve", "--port", "0", "--scale", "2", "--error-rate", "0.1"]) == 0
    assert cli.main(["--seed", "7", "sandbox", "serve"]) == 0
    assert seen == [["--port", "0", "--scale", "2", "--error-rate", "0.1"], ["--seed", "7"]]


def test_sandbox_serve_help_is_the_servers_help(capsys: Capture) -> None:
    code, out, _ = run(capsys, "sandbox", "serve", "--help")
    assert code == 0
    assert "--port" in out
    assert "--error-rate" in out


def test_sandbox_serve_bad_flag_exits_2(capsys: Capture) -> None:
    code, _, err = run(capsys, "sandbox", "serve", "--port", "abc")
    assert code == 2
    assert "Traceback" not in err


# --- listen --------------------------------------------------------------------------


@pytest.fixture
def fake_receiver(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def listen(client: BetterStack, **kwargs: Any) -> int:
        calls.append({"client": client, **kwargs})
        return 0

    module = types.ModuleType("betterstack_rca.webhooks.receiver")
    module.listen = listen  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "betterstack_rca.webhooks.receiver", module)
    return calls


def test_listen_calls_the_receiver(
    capsys: Capture, fake_receiver: list[dict[str, Any]], tmp_path: Path
) -> None:
    code, _, _ = run(
        capsys, "--sandbox", "listen", "--port", "9911", "--out", str(tmp_path), "--secret", "s3"
    )
    assert code == 0
    [call] = fake_receiver
    assert call["host"] == "127.0.0.1"
    assert call["port"] == 9911
    assert call["out_dir"] == tmp_path
    assert call["secret"] == "s3"
    assert call["max_bytes"] == 1_048_576
    assert call["client"].sandbox_account is not None


def test_listen_passes_bundle_options_only_when_given(
    capsys: Capture, fake_receiver: list[dict[str, Any]], tmp_path: Path
) -> None:
    assert cli.main(["--sandbox", "listen", "--out", str(tmp_path), "--secret", "s"]) == 0
    assert (
        cli.main(
            [
                "--sandbox",
                "listen",
                "--out",
                str(tmp_path),
                "--insecure-no-secret",
                "--window-before",
                "2h",
                "--deadline",
                "9",
            ]
        )
        == 0
    )
    assert "bundle_options" not in fake_receiver[0]
    assert fake_receiver[1]["bundle_options"] == {"window_before": "2h", "deadline": 9.0}


def test_listen_reads_the_secret_from_an_environment_variable(
    capsys: Capture,
    fake_receiver: list[dict[str, Any]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOOK_SECRET", "from-env")
    code, _, _ = run(
        capsys, "--sandbox", "listen", "--out", str(tmp_path), "--secret-env", "HOOK_SECRET"
    )
    assert code == 0
    assert fake_receiver[0]["secret"] == "from-env"
    assert fake_receiver[0]["port"] == 8787


@pytest.mark.parametrize(
    "flags", [["--secret-env", "NOT_SET_ANYWHERE"], ["--secret", "a", "--secret-env", "HOME"]]
)
def test_listen_secret_mistakes_exit_2(
    capsys: Capture, fake_receiver: list[dict[str, Any]], tmp_path: Path, flags: list[str]
) -> None:
    code, _, err = run(capsys, "--sandbox", "listen", "--out", str(tmp_path), *flags)
    assert code == 2
    assert_one_error_line(err)
    assert fake_receiver == []


def test_listen_without_the_receiver_module_exits_2(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "betterstack_rca.webhooks.receiver", None)
    code, _, err = run(
        capsys, "--sandbox", "listen", "--out", str(tmp_path), "--insecure-no-secret"
    )
    assert code == 2
    assert "receiver" in assert_one_error_line(err)


def test_window_parsing_accepts_durations_dates_and_datetimes() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    assert _window.parse_when("90m", "--since", now=now) == now - timedelta(minutes=90)
    assert _window.parse_when("2026-11-20", "--since", now=now) == datetime(
        2026, 11, 20, tzinfo=timezone.utc
    )
    assert _window.parse_when("2026-11-20", "--until", now=now, end_of_day=True) == datetime(
        2026, 11, 21, tzinfo=timezone.utc
    )
    assert _window.parse_when("2026-11-20T08:30:00+02:00", "--since", now=now) == datetime(
        2026, 11, 20, 6, 30, tzinfo=timezone.utc
    )
    with pytest.raises(_common.UsageError, match="--since"):
        _window.parse_when("yesterday", "--since", now=now)


def test_an_open_incidents_duration_runs_to_the_pinned_reference_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["--sandbox", "--reference-time", "2026-11-23T01:00:00Z", "incidents", "--since", "1h"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    open_rows = [line for line in out.splitlines() if line.endswith("(open)")]
    assert open_rows, out
    # Edge 1 started 00:40 in the pinned account: 20 minutes to the pinned "now", not days
    # (its start carries the sandbox's id-derived sub-second jitter: 19m 59s or 20m 00s)
    assert any(line.endswith(("19m 59s (open)", "20m 00s (open)")) for line in open_rows), open_rows
    assert not [line for line in open_rows if "d " in line.split()[-2]], open_rows
