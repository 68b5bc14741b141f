"""`report`: a bundle per incident, an index with totals, failures recorded, progress bar."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from betterstack_rca import BetterStack, ServerError, cli
from betterstack_rca.rca import IncidentBundle

Capture = pytest.CaptureFixture[str]


def incident_ids(capsys: Capture, since: str) -> list[str]:
    assert cli.main(["--sandbox", "incidents", "--since", since, "--format", "json"]) == 0
    ids = [i["id"] for i in json.loads(capsys.readouterr().out)]
    assert ids
    return ids


def test_report_writes_a_bundle_per_incident_and_an_index(
    capsys: Capture, tmp_path: Path, headline_id: str
) -> None:
    ids = incident_ids(capsys, "3h")
    code = cli.main(["--sandbox", "report", "--since", "3h", "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == ""
    assert "\r" not in err  # stderr is not a terminal: no progress bar
    for incident_id in ids:
        bundle = json.loads((tmp_path / incident_id / "bundle.json").read_text())
        assert bundle["incident"]["id"] == incident_id
        assert (
            (tmp_path / incident_id / "bundle.md")
            .read_text()
            .startswith(f"# Incident {incident_id}")
        )
    index = (tmp_path / "index.md").read_text()
    rows = [line for line in index.splitlines() if line.startswith("| [")]
    assert len(rows) == len(ids)
    headline = next(row for row in rows if row.startswith(f"| [{headline_id}]"))
    assert "API 1 health" in headline
    assert "Status 503" in headline
    assert "6m 00s" in headline  # acknowledged after
    assert "31m 00s" in headline  # resolved after
    assert "heartbeat_stopped" in headline  # top finding
    assert f"- Incidents: {len(ids)}" in index
    assert "- Time to acknowledge: median" in index
    assert "- Time to resolve: median" in index
    assert "- Not acknowledged: " in index
    assert "- Findings by rule: " in index
    assert "heartbeat_stopped" in index.split("## Incidents")[0]


def test_report_max_chars_bounds_every_markdown_bundle(capsys: Capture, tmp_path: Path) -> None:
    code = cli.main(
        ["--sandbox", "report", "--since", "2h", "--out", str(tmp_path), "--max-chars", "600"]
    )
    assert code == 0
    files = list(tmp_path.glob("*/bundle.md"))
    assert files
    assert all(len(f.read_text().rstrip("\n")) <= 600 for f in files)


def test_a_failed_bundle_is_recorded_and_the_report_goes_on(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, headline_id: str
) -> None:
    real_bundle = BetterStack.bundle

    def flaky(self: BetterStack, incident_id: str, **options: Any) -> IncidentBundle:
        if str(incident_id) == headline_id:
            raise ServerError("upstream exploded", status_code=502, path="/api/v3/incidents/x")
        return real_bundle(self, incident_id, **options)

    monkeypatch.setattr(BetterStack, "bundle", flaky)
    code = cli.main(["--sandbox", "report", "--since", "3h", "--out", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 0
    assert "1 bundle failed" in err
    assert not (tmp_path / headline_id).exists()
    index = (tmp_path / "index.md").read_text()
    assert "(1 bundle failed, see below)" in index
    failed = index.split("## Failed bundles")[1]
    assert headline_id in failed
    assert "ServerError" in failed
    row = next(line for line in index.splitlines() if line.startswith(f"| {headline_id} "))
    assert "FAILED" in row
    assert "6m 00s" in row  # the listing's own times still count


def test_report_fails_when_the_listing_fails(
    capsys: Capture, tmp_path: Path, sandbox_faults: Callable[..., None]
) -> None:
    sandbox_faults(error_rate=1.0)
    code = cli.main(["--sandbox", "report", "--since", "1d", "--out", str(tmp_path / "r")])
    _, err = capsys.readouterr()
    assert code == 5
    assert err.startswith("betterstack-rca: error: ")
    assert not (tmp_path / "r" / "index.md").exists()


def test_report_of_an_empty_window_still_writes_the_index(capsys: Capture, tmp_path: Path) -> None:
    code = cli.main(["--sandbox", "report", "--since", "1s", "--out", str(tmp_path)])
    assert code == 0
    index = (tmp_path / "index.md").read_text()
    assert "- Incidents: 0" in index
    assert "No incidents started in this window." in index


def test_report_limit_keeps_the_newest(capsys: Capture, tmp_path: Path) -> None:
    newest = incident_ids(capsys, "1d")[:2]
    code = cli.main(
        ["--sandbox", "report", "--since", "1d", "--limit", "2", "--out", str(tmp_path)]
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == sorted(newest)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = cli.main(["--sandbox", "report", "--since", "2h", "--out", str(tmp_path)])
    assert code == 0
    drawn = terminal.getvalue()
    assert "\r[" in drawn
    assert "#" * 30 in drawn  # reached the end


def test_a_bad_bundle_flag_fails_before_any_file_is_written(
    capsys: Capture, tmp_path: Path
) -> None:
    code = cli.main(["--sandbox", "report", "--out", str(tmp_path / "r"), "--history", "soon"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "--history must be a duration" in err
    assert not (tmp_path / "r").exists()
