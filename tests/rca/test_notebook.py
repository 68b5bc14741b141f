"""The bundle in a notebook: a short `str`, an HTML table of findings and timeline, a
DataFrame of the timeline, metrics in seconds and in words, the scenarios by name and a
sandbox clock that can be pinned."""

from __future__ import annotations

import sys
import types
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any

import pytest

from betterstack_rca import BetterStack
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.bundle import TIMELINE_COLUMNS
from betterstack_rca.rca.render import metric

from .conftest import REF, sandbox_client


@pytest.fixture(scope="module")
def headline(bundles: dict[str, IncidentBundle]) -> IncidentBundle:
    return bundles["database_backup"]


# --- 11. str is the summary -------------------------------------------------------------


def test_str_and_print_show_the_short_summary(
    headline: IncidentBundle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert str(headline) == repr(headline)
    assert len(str(headline)) < 200
    assert str(headline).startswith(f"<IncidentBundle incident={headline.incident.id} ")
    print(headline)
    assert capsys.readouterr().out.strip() == repr(headline)
    # the whole of it is one call away
    assert len(headline.to_json()) > 20 * len(str(headline))
    assert headline.model_dump()["incident"]["id"] == headline.incident.id


# --- 14. notebooks ----------------------------------------------------------------------


class Cells(HTMLParser):
    """The text of every table cell, per table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_repr_html_has_a_findings_table_and_a_timeline_table(headline: IncidentBundle) -> None:
    html = headline._repr_html_()
    assert "<script" not in html
    cells = Cells()
    cells.feed(html)
    findings, timeline = cells.tables
    assert findings[0] == ["#", "rule", "confidence", "summary", "evidence"]
    assert [row[1] for row in findings[1:]] == [f.rule for f in headline.findings]
    assert timeline[0] == ["id", "at (UTC)", "source", "kind", "summary"]
    assert [row[0] for row in timeline[1:]] == [e.id for e in headline.timeline]
    assert "6m 00s (360 s)" in html  # time to acknowledge, in words and in seconds


def test_repr_html_escapes_what_the_account_wrote(headline: IncidentBundle) -> None:
    hostile = headline.model_copy(deep=True)
    hostile.timeline[0].summary = "<img src=x onerror=alert(1)> & more"
    html = hostile._repr_html_()
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; more" in html


def test_repr_html_shows_the_diagnosis_escaped(headline: IncidentBundle) -> None:
    trigger = headline.diagnosis.trigger
    assert trigger is not None
    html = headline._repr_html_()
    assert "<h4>Diagnosis</h4>" in html
    assert html.index("<h4>Diagnosis</h4>") < html.index("<h4>Findings</h4>")
    assert "<b>Trigger:</b>" in html
    assert f"{trigger.summary} ({trigger.level})".replace("'", "&#x27;") in html
    hostile = headline.model_copy(deep=True)
    assert hostile.diagnosis.trigger is not None
    hostile.diagnosis.trigger.summary = "<script>alert(1)</script>"
    html = hostile._repr_html_()
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_repr_html_caps_a_long_timeline() -> None:
    from betterstack_rca.rca.renderers.html import render_html

    bundle = sandbox_client().bundle(sandbox_client().scenario().incident_id, now=REF)
    html = render_html(bundle, max_events=3)
    cells = Cells()
    cells.feed(html)
    assert len(cells.tables[1]) == 1 + 3
    assert f"… {len(bundle.timeline) - 3} more events" in html


class FakeFrame:
    """Stands in for pandas.DataFrame: records what it was built from."""

    def __init__(self, rows: list[dict[str, Any]], columns: list[str]) -> None:
        self.rows, self.columns = rows, columns


def test_timeline_frame_builds_a_dataframe_of_the_events(
    headline: IncidentBundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = types.ModuleType("pandas")
    fake.DataFrame = FakeFrame  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pandas", fake)
    frame = headline.timeline_frame()
    assert isinstance(frame, FakeFrame)
    assert frame.columns == list(TIMELINE_COLUMNS)
    assert [r["id"] for r in frame.rows] == [e.id for e in headline.timeline]
    start = next(r for r in frame.rows if r["kind"] == "started" and r["source"] == "incident")
    assert start["seconds_from_start"] == 0
    assert start["at"] == headline.incident.started_at
    assert all(set(r) == set(TIMELINE_COLUMNS) for r in frame.rows)


def test_timeline_frame_without_pandas_says_how_to_get_it(
    headline: IncidentBundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"betterstack-rca\[notebook\]"):
        headline.timeline_frame()


def test_timeline_frame_with_real_pandas(headline: IncidentBundle) -> None:
    pandas = pytest.importorskip("pandas")
    frame = headline.timeline_frame()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == list(TIMELINE_COLUMNS)
    assert len(frame) == len(headline.timeline)
    assert str(frame["at"].dt.tz) == "UTC"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "n/a"), (0, "0 s"), (42.4, "42 s"), (360, "6m 00s (360 s)"), (5400, "1h 30m (5400 s)")],
)
def test_metrics_read_as_words_and_seconds(seconds: float | None, text: str) -> None:
    assert metric(seconds) == text


def test_the_markdown_summary_gives_metrics_in_seconds_too(headline: IncidentBundle) -> None:
    lines = headline.to_markdown().splitlines()
    summary = next(line for line in lines if line.startswith("- **Started:**"))
    assert "**Acknowledged:** 6m 00s (360 s)" in summary
    assert "**Status page delay:** 12m 00s (720 s)" in summary


def test_a_scenario_by_name() -> None:
    bs = sandbox_client()
    scenario = bs.scenario("database_backup")
    assert scenario.key == "database_backup"
    assert bs.scenario() == scenario  # the headline is the default
    assert scenario is bs.sandbox_account.account.scenarios["database_backup"]  # type: ignore[union-attr]
    assert bs.bundle(scenario.incident_id, now=REF).incident.id == scenario.incident_id
    with pytest.raises(KeyError, match="region_blip"):
        bs.scenario("no_such_scenario")
    with pytest.raises(ValueError, match="sandbox"):
        BetterStack("t" * 20).scenario("database_backup")


def test_a_pinned_reference_time_gives_the_same_account_and_bundle() -> None:
    first = BetterStack.sandbox(reference_time="2026-11-23T01:00:00Z")
    second = BetterStack.sandbox(reference_time=datetime(2026, 11, 23, 1, tzinfo=timezone.utc))
    assert first.scenario().incident_id == second.scenario().incident_id
    assert first.scenario().started_at == "2026-11-23T00:10:00.000Z"
    a = first.bundle(first.scenario().incident_id)
    b = second.bundle(second.scenario().incident_id)
    assert a.to_markdown() == b.to_markdown()


def test_a_sandbox_bundle_is_as_of_the_sandbox_clock_not_the_wall_clock() -> None:
    """A pinned account is "now" at its reference time: the bundle's window, the 24 h
    response-time horizon and open incidents are measured from there, whatever the date."""
    bs = sandbox_client()
    incident_id = bs.scenario().incident_id
    default = bs.bundle(incident_id)
    pinned = bs.bundle(incident_id, now=REF)
    assert default.model_dump(exclude={"stats"}) == pinned.model_dump(exclude={"stats"})
    assert default.response_times is not None  # 50 minutes before the sandbox's "now"
    later = bs.bundle(incident_id, now=REF + timedelta(days=3))  # an explicit now still wins
    assert later.response_times is None
    assert any("24 h response-time horizon" in c.reason for c in later.checks)
