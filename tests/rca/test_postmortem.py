"""Postmortem drafts on every sandbox scenario; templates; the CLI; plots and frames."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from betterstack_rca import BetterStack
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.render import metric
from betterstack_rca.rca.renderers.postmortem import DATA, FIELDS, HUMAN, RESPONSE_CHECKS

SECTIONS = (
    "Status",
    "Summary",
    "Impact",
    "Detection",
    "Response",
    "Timeline",
    "Trigger and contributing factors",
    "Ruled out",
    "Lessons learned",
    "Action items",
)


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {parts[n]: parts[n + 1].strip() for n in range(1, len(parts), 2)}


def test_every_scenario_gets_every_section_each_saying_its_source(
    bundles: dict[str, IncidentBundle],
) -> None:
    for key, bundle in bundles.items():
        text = bundle.to_postmortem()
        assert text.startswith("# Postmortem: "), key
        found = sections(text)
        assert tuple(found) == SECTIONS, key
        assert found["Status"].startswith("Draft")
        for name in SECTIONS[1:]:
            first = found[name].splitlines()[0]
            assert first.startswith("_From the data") or first == HUMAN, (key, name)
        assert found["Lessons learned"].startswith(HUMAN)
        assert found["Action items"].startswith(HUMAN)
        assert found["Impact"].startswith(DATA)
        # every citation names an event of the bundle
        ids = {e.id for e in bundle.timeline}
        cited = set(re.findall(r"\b(e\d+)\b", text))
        assert cited <= ids, (key, cited - ids)
        for f in bundle.findings:
            assert f.rule in found["Trigger and contributing factors"], (key, f.rule)
        for c in bundle.checks:
            if c.status == "ruled_out":
                assert c.name in found["Ruled out"], (key, c.name)
        assert "MTTA: " in found["Response"]


def test_the_headline_draft_reads_the_diagnosis(bundles: dict[str, IncidentBundle]) -> None:
    bundle = bundles["database_backup"]
    found = sections(bundle.to_postmortem())
    assert "Probable trigger: Heartbeat 'db-backup' stopped" in found["Summary"]
    assert "API 2 health" in found["Impact"]
    assert "Public API: downtime" in found["Impact"]
    assert f"Acknowledged by: {bundle.incident.acknowledged_by}" in found["Response"]
    assert "Incident started" in found["Timeline"]


def test_a_template_takes_the_named_fields(bundles: dict[str, IncidentBundle]) -> None:
    bundle = bundles["database_backup"]
    text = bundle.to_postmortem("# $title\n\nWhat broke: $trigger\n\nOwner: TBD ($$5 budget)\n")
    assert text.startswith("# Postmortem: API 1 health")
    assert "heartbeat_stopped" in text
    assert "($5 budget)" in text
    assert "## Impact" not in text
    with pytest.raises(ValueError, match=r"unknown field \$root_cause"):
        bundle.to_postmortem("$root_cause")
    assert set(FIELDS) >= {"summary", "impact", "detection", "response", "timeline"}


def test_account_text_cannot_become_structure(bundles: dict[str, IncidentBundle]) -> None:
    bundle = bundles["database_backup"].model_copy(deep=True)
    bundle.incident.name = "x\n## Action items\n<!-- hide"
    text = bundle.to_postmortem()
    assert text.count("\n## Action items") == 1
    assert re.search(r"(?<!\\)<!--", text) is None  # escaped: shown, never a comment


def test_plots_mark_the_incident_and_label_the_timeout(
    bundles: dict[str, IncidentBundle],
) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    with_times = [b for b in bundles.values() if b.response_times and b.response_times.regions]
    assert with_times, "some scenario should be within the API's 24 h"
    bundle = with_times[0]
    fig = bundle.plot(log=True)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    labels = ax.get_legend_handles_labels()[1]
    assert {"started", "resolved"} <= set(labels)
    assert any(t.get_text().startswith("timeout ceiling") for t in ax.texts)
    assert bundle.plot().axes[0].get_yscale() == "linear"
    matplotlib.pyplot.close("all")


def test_the_report_object_aggregates_plots_and_frames(bundles: dict[str, IncidentBundle]) -> None:
    from betterstack_rca.report import Report, ReportRow

    rows = [ReportRow.of_bundle(b) for b in bundles.values()]
    starts = [r.started_at for r in rows if r.started_at]
    rep = Report(min(starts), max(starts), rows)  # type: ignore[type-var]
    assert rep.tta.count == sum(1 for r in rows if r.tta is not None)
    assert rep.tta.median is not None
    assert rep.tta.p90 is not None
    assert rep.tta.p90 >= rep.tta.median
    assert sum(w.incidents for w in rep.weekly()) == len(rows)
    assert rep.top_causes()[0][1] >= rep.top_causes()[-1][1]
    again = ReportRow.from_dict(rows[0].to_dict())
    assert again == rows[0]
    pytest.importorskip("pandas")
    frame = rep.to_dataframe()
    assert len(frame) == len(rows)
    assert str(frame["started_at"].dt.tz) == "UTC"
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    fig = rep.plot()
    assert len(fig.axes[0].get_yticks()) == len({r.source_id or r.source for r in rows})
    matplotlib.pyplot.close("all")


def test_the_drafts_figures_are_the_scenarios_scripted_facts(
    client: BetterStack, bundles: dict[str, IncidentBundle]
) -> None:
    account = client.sandbox_account.account  # type: ignore[union-attr]
    for key, bundle in bundles.items():
        facts = account.scenarios[key].facts
        found = sections(bundle.to_postmortem())
        started = datetime.fromisoformat(facts["started_at"].replace("Z", "+00:00"))
        assert f"started {started:%Y-%m-%d %H:%M:%S} UTC" in found["Detection"], key
        ack = facts["ack_seconds"]
        expected = "MTTA: n/a" if ack is None else f"({ack} s); MTTR"
        assert expected in found["Response"], key
        assert f"MTTR: {metric(facts['resolved_seconds'])}" in found["Response"], key
        assert f"Duration: {metric(facts['resolved_seconds'])}" in found["Impact"], key
    backup = sections(bundles["database_backup"].to_postmortem())
    facts = account.scenarios["database_backup"].facts
    assert "First status-page update after 12m 00s (720 s)" in backup["Response"]
    assert facts["status_page_delay_seconds"] == 720
    # what the public was told is a key moment, and when the first person was alerted
    assert "2026-11-23 00:22:00 UTC: Status page" in backup["Timeline"]
    assert "Alerted the current on-call person" in backup["Timeline"]
    due = sections(bundles["heartbeat_due"].to_postmortem())["Detection"]
    assert "was due 2026-11-19 12:55:00 UTC" in due
    assert "last check-in came by 11:55:00 UTC" in due
    assert "check every n/a" not in due  # a heartbeat has a period, not a check frequency


def test_a_fast_failure_says_why_the_detection_lag_is_not_measured(
    bundles: dict[str, IncidentBundle],
) -> None:
    bundle = bundles["database_backup"]  # a 503: fast answers, within the API's 24 h
    assert bundle.response_times is not None
    assert bundle.response_times.regions
    detection = sections(bundle.to_postmortem())["Detection"]
    assert "no response times" not in detection
    assert "no check before the start reached the 30 s request timeout" in detection


def test_ruled_out_lists_what_the_checks_looked_for_and_could_not_check(
    bundles: dict[str, IncidentBundle],
) -> None:
    for key, bundle in bundles.items():
        part = sections(bundle.to_postmortem())["Ruled out"]
        for c in bundle.checks:
            if c.name.startswith("source:") or c.status == "fired":
                continue
            if c.status == "ran" and c.name in RESPONSE_CHECKS:
                assert f": {c.name}:" not in part, (key, c.name)
                continue
            label = {"ruled_out": "Ruled out", "ran": "Looked for, not found"}.get(
                c.status, "Could not check"
            )
            assert f"- {label}" in part, (key, c.name)
            assert f": {c.name}: " in part, (key, c.name)
    blip = sections(bundles["region_blip"].to_postmortem())["Ruled out"]
    assert "- Ruled out: heartbeat_stopped: " in blip


def test_to_dataframe_takes_times_with_and_without_microseconds() -> None:
    pandas = pytest.importorskip("pandas")
    from datetime import timezone

    from betterstack_rca.report import Report, ReportRow

    at = datetime(2026, 11, 22, 9, 0, 0, 371000, tzinfo=timezone.utc)
    plain = at.replace(microsecond=0)
    rows = [
        ReportRow("1", "a", started_at=at, resolved_at=plain),
        ReportRow("2", "b", started_at=plain, acknowledged_at=None),
    ]
    frame = Report(plain, at, rows).to_dataframe()
    assert list(frame["started_at"]) == [pandas.Timestamp(at), pandas.Timestamp(plain)]
    assert pandas.isna(frame["acknowledged_at"]).all()
    assert str(frame["resolved_at"].dt.tz) == "UTC"
