"""Postmortem drafts on every sandbox scenario; templates; the CLI; plots and frames."""

from __future__ import annotations

import re

import pytest

from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.renderers.postmortem import DATA, FIELDS, HUMAN

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
