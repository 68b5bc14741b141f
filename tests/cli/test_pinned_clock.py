"""Under `--reference-time` every command's output is the same whenever it runs: the
"Generated" line of a report is the pinned time, not the wall clock (issue 20, item 3)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from betterstack_rca import cli
from betterstack_rca.cli import _common
from betterstack_rca.report.run import run_report

from .conftest import sandbox_client

PINNED = "2026-11-23T01:00:00"
PINNED_AT = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
Capture = pytest.CaptureFixture[str]


def _outputs(capsys: Capture, out: Path) -> dict[str, str]:
    """Every command's output against the pinned sandbox, by name."""
    pinned = ["--sandbox", "--reference-time", PINNED]
    got: dict[str, str] = {}
    assert cli.main([*pinned, "incidents", "--since", "1d"]) == 0
    got["incidents"] = capsys.readouterr().out
    assert cli.main([*pinned, "incidents", "--since", "1d", "--format", "json"]) == 0
    got["incidents.json"] = capsys.readouterr().out
    incident_id = _first_id(got["incidents"])
    for fmt in ("md", "json"):
        assert cli.main([*pinned, "bundle", incident_id, "--format", fmt]) == 0
        got[f"bundle.{fmt}"] = _no_stats(capsys.readouterr().out)
    assert cli.main([*pinned, "postmortem", incident_id]) == 0
    got["postmortem"] = capsys.readouterr().out
    for fmt in ("md", "html"):
        folder = out / fmt
        args = [*pinned, "report", "--since", "1d", "--out", str(folder), "--format", fmt]
        assert cli.main([*args, "--limit", "3"]) == 0
        capsys.readouterr()
        for name in ("index.md", "index.html"):
            if (folder / name).exists():
                got[f"report.{fmt}/{name}"] = (folder / name).read_text()
    return got


def _first_id(table: str) -> str:
    return table.strip().splitlines()[1].split()[0]


def _no_stats(text: str) -> str:
    """A bundle's JSON without its request statistics (timings of this run, by design)."""
    if not text.lstrip().startswith("{"):
        return text
    data = json.loads(text)
    data.pop("stats", None)
    return json.dumps(data)


def test_every_command_gives_the_same_output_a_minute_later(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wall = datetime(2026, 12, 1, 13, 40, tzinfo=timezone.utc)
    monkeypatch.setattr(_common, "now", lambda: wall)
    first = _outputs(capsys, tmp_path / "first")
    wall += timedelta(minutes=1)
    second = _outputs(capsys, tmp_path / "second")
    assert first.keys() == second.keys()
    assert {"report.md/index.md", "report.html/index.html"} <= set(first)
    for name in first:
        assert first[name] == second[name], name
    assert "Generated 2026-11-23 01:00:00 UTC" in first["report.md/index.md"]
    assert "Generated 2026-11-23 01:00:00 UTC" in first["report.html/index.html"]


def test_a_library_report_of_a_pinned_sandbox_is_generated_at_its_reference_time(
    tmp_path: Path,
) -> None:
    with sandbox_client(reference_time=PINNED_AT) as bs:
        run_report(bs, PINNED_AT - timedelta(hours=3), PINNED_AT, out=tmp_path, limit=1)
    assert "Generated 2026-11-23 01:00:00 UTC" in (tmp_path / "index.md").read_text()
