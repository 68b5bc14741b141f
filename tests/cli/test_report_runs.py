"""`report` at scale: resumable, crash-safe, the JSON index, the HTML page, the cache."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from betterstack_rca import BetterStack, cli
from betterstack_rca.rca import IncidentBundle

from .conftest import REFERENCE_TIME

Capture = pytest.CaptureFixture[str]
REAL_BUNDLE = BetterStack.bundle


def counting_bundles(monkeypatch: pytest.MonkeyPatch, stop_at: int | None = None) -> list[str]:
    """Record every bundle collected; with `stop_at`, Ctrl-C at that call."""
    done: list[str] = []
    calls = [0]
    real = REAL_BUNDLE

    def bundle(self: BetterStack, incident_id: str, **options: Any) -> IncidentBundle:
        calls[0] += 1
        if stop_at is not None and calls[0] == stop_at:
            raise KeyboardInterrupt
        result = real(self, incident_id, **options)
        done.append(str(incident_id))
        return result

    monkeypatch.setattr(BetterStack, "bundle", bundle)
    return done


def report(out: Path, *extra: str) -> int:
    """A report over a pinned window (the session's sandbox "now" and 3 h before it): the
    same incidents on every run, however long the suite takes."""
    until = REFERENCE_TIME.isoformat()
    since = (REFERENCE_TIME - timedelta(hours=3)).isoformat()
    argv = ["--sandbox", "report", "--since", since, "--until", until, "--out", str(out)]
    return cli.main([*argv, *extra])


def test_an_interrupted_report_writes_its_index_and_a_rerun_resumes(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = counting_bundles(monkeypatch, stop_at=3)
    assert report(tmp_path) == 130
    _, err = capsys.readouterr()
    assert len(first) == 2
    index = (tmp_path / "index.md").read_text()
    assert "interrupted after 2 of " in index
    data = json.loads((tmp_path / "index.json").read_text())
    assert data["interrupted"].startswith("interrupted after 2 of ")
    assert data["interrupted"].endswith(": Ctrl-C (KeyboardInterrupt)")  # not the name twice
    assert "KeyboardInterrupt: KeyboardInterrupt" not in index
    assert [r["incident_id"] for r in data["rows"]] == first
    total = data["total"]
    assert total > 3

    second = counting_bundles(monkeypatch)
    assert report(tmp_path) == 0
    _, err = capsys.readouterr()
    assert "kept 2 from an earlier run" in err
    assert not set(first) & set(second)
    assert Counter(first + second) == Counter(dict.fromkeys(first + second, 1))
    assert len(first) + len(second) == total  # every bundle written exactly once
    data = json.loads((tmp_path / "index.json").read_text())
    assert data["interrupted"] is None
    assert len(data["rows"]) == total

    third = counting_bundles(monkeypatch)
    assert report(tmp_path, "--refresh") == 0
    assert sorted(third) == sorted(first + second)


def test_a_changed_option_or_incident_state_rebuilds_the_bundle(
    capsys: Capture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert report(tmp_path) == 0
    some = sorted(p.parent.name for p in tmp_path.glob("*/row.json"))[0]
    saved = json.loads((tmp_path / some / "row.json").read_text())
    saved["fingerprint"] = "an-older-state"
    (tmp_path / some / "row.json").write_text(json.dumps(saved))
    again = counting_bundles(monkeypatch)
    assert report(tmp_path) == 0
    assert again == [some]
    other = counting_bundles(monkeypatch)
    assert report(tmp_path, "--history", "3d") == 0  # other options: every bundle again
    assert len(other) == len(list(tmp_path.glob("*/row.json")))


def test_every_file_is_private_and_no_temporary_file_is_left(
    capsys: Capture, tmp_path: Path
) -> None:
    assert report(tmp_path, "--format", "html") == 0
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"index.md", "index.json", "index.html", "bundle.html"}
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in files)
    assert not [p for p in files if p.name.endswith(".tmp")]


class _Checker(HTMLParser):
    """Well-formedness: every element closed in order; counts lanes, scripts, links."""

    VOID = frozenset({"meta", "br", "line", "rect", "link", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.lanes = 0
        self.tags: Counter[str] = Counter()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        attr = dict(attrs)
        if tag == "g" and attr.get("class") == "lane":
            self.lanes += 1
        if attr.get("href") is not None:
            self.hrefs.append(attr["href"] or "")
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def test_the_html_index_is_well_formed_with_one_lane_per_monitor(
    capsys: Capture, tmp_path: Path
) -> None:
    assert (
        cli.main(
            ["--sandbox", "report", "--since", "1d", "--out", str(tmp_path), "--format", "html"]
        )
        == 0
    )
    page = (tmp_path / "index.html").read_text()
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    rows = json.loads((tmp_path / "index.json").read_text())["rows"]
    sources = {r["source_id"] or r["source"] for r in rows}
    assert len(sources) > 1
    assert checker.lanes == len(sources)
    assert checker.tags["svg"] == 1
    assert checker.tags["rect"] == len(rows)  # a bar per incident
    assert checker.tags["script"] == 0
    assert not [h for h in checker.hrefs if h.startswith(("http:", "https:", "//"))]
    for href in checker.hrefs:  # every link is a bundle page that exists
        assert (tmp_path / href).is_file()
    assert "MTTA median / p90" in page
    assert "@media print" in page
    bundle_page = next(tmp_path.glob("*/bundle.html")).read_text()
    inner = _Checker()
    inner.feed(bundle_page)
    assert inner.errors == []
    assert inner.tags["script"] == 0


def test_account_text_in_the_html_is_escaped(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from betterstack_rca.report import Report, ReportRow

    at = datetime(2025, 6, 1, 10, tzinfo=timezone.utc)
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    rep = Report(at, at.replace(hour=12), [ReportRow("1", evil, cause=evil, started_at=at)])
    page = rep.to_html()
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;" in page


def test_the_report_shares_one_cache_across_its_bundles(capsys: Capture, tmp_path: Path) -> None:
    argv = ["--sandbox", "report", "--since", "1d", "--until", REFERENCE_TIME.isoformat()]
    assert cli.main([*argv, "--out", str(tmp_path)]) == 0
    _, err = capsys.readouterr()
    data = json.loads((tmp_path / "index.json").read_text())
    assert f"{data['requests']} requests, {data['cache_hits']} cache hits" in err
    assert data["cache_hits"] > data["requests"]
    assert sum(r["cache_hits"] for r in data["rows"]) > 0


def test_with_the_cache_a_report_costs_a_fraction_with_the_same_findings(tmp_path: Path) -> None:
    from betterstack_rca.report.run import run_report

    since, until = REFERENCE_TIME - timedelta(days=1), REFERENCE_TIME
    plain = BetterStack.sandbox(reference_time=REFERENCE_TIME, max_rps=1e6, cache_ttl=0)
    shared = BetterStack.sandbox(sandbox=plain.sandbox_account, max_rps=1e6)
    a = run_report(plain, since, until, out=tmp_path / "a")
    b = run_report(shared, since, until, out=tmp_path / "b")
    assert len(a.rows) == len(b.rows) > 5
    assert b.requests <= 0.5 * a.requests
    assert a.cache_hits == 0
    for row in a.rows:
        one = json.loads((tmp_path / "a" / row.incident_id / "bundle.json").read_text())
        two = json.loads((tmp_path / "b" / row.incident_id / "bundle.json").read_text())
        for key in ("findings", "diagnosis", "checks", "related_incidents", "history"):
            assert one[key] == two[key], (row.incident_id, key)


def test_sigint_leaves_an_index_saying_where_it_stopped(tmp_path: Path) -> None:
    out = tmp_path / "r"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # the child takes Ctrl-C as a terminal's foreground job would, also where this suite
    # runs with SIGINT ignored (a job started with `&` by a script inherits SIG_IGN, and
    # Python then installs no KeyboardInterrupt handler)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "runpy.run_module('betterstack_rca', run_name='__main__', alter_sys=True)",
            "--sandbox",
            "--max-rps",
            "20",
            "report",
            "--since",
            "2d",
            "--out",
            str(out),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        for _ in range(3000):  # until the first bundle is on disk (or the run ended)
            if list(out.glob("*/row.json")) or proc.poll() is not None:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the report ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err.decode()[-2000:]
    index = (out / "index.md").read_text()
    assert "interrupted after " in index
    written = len(list(out.glob("*/row.json")))
    data = json.loads((out / "index.json").read_text())
    # the signal may land between a bundle's last file and its row (the rerun keeps it)
    assert len(data["rows"]) in (written, written - 1)
    assert data["interrupted"].startswith(f"interrupted after {len(data['rows'])} of ")
