"""Every sandbox id the README and the docs use exists in the sandbox (issue 20, item 5):
an example whose `bundle 410002054` answers 404 is a defect. Ids that stand for the
reader's own account (`123456789`) or a deliberate 404 (`999999999`) have another shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from betterstack_rca import BetterStack

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: The sandbox's incident and monitor ids (seed 0): 4100xxxxx and 2100xxx.
INCIDENT = re.compile(r"\b4100\d{5}\b")
MONITOR = re.compile(r"\b2100\d{3}\b")


def _ids(pattern: re.Pattern[str]) -> list[tuple[str, str]]:
    found = {(page.name, match) for page in PAGES for match in pattern.findall(page.read_text())}
    return sorted(found)


@pytest.fixture(scope="module")
def sandbox() -> BetterStack:
    return BetterStack.sandbox(reference_time="2026-11-23T01:00:00Z", max_rps=10_000.0)


def test_the_docs_use_sandbox_ids() -> None:
    assert len(_ids(INCIDENT)) > 10
    assert _ids(MONITOR)


@pytest.mark.parametrize(("page", "incident_id"), _ids(INCIDENT))
def test_every_documented_incident_id_exists(
    sandbox: BetterStack, page: str, incident_id: str
) -> None:
    assert sandbox.incidents.get(incident_id).id == incident_id, page


@pytest.mark.parametrize(("page", "monitor_id"), _ids(MONITOR))
def test_every_documented_monitor_id_exists(
    sandbox: BetterStack, page: str, monitor_id: str
) -> None:
    assert sandbox.monitors.get(monitor_id).id == monitor_id, page


def test_the_api_reference_names_the_sandbox_ids_it_uses(sandbox: BetterStack) -> None:
    head = (ROOT / "docs" / "api.md").read_text().split("Use your own ids", 1)[0]
    named = dict(
        re.findall(r"(monitor group|heartbeat group|heartbeat|policy|calendar) `(\d+)`", head)
    )
    assert sandbox.monitor_groups.get(named["monitor group"]).id == named["monitor group"]
    assert sandbox.heartbeats.get(named["heartbeat"]).id == named["heartbeat"]
    assert sandbox.heartbeat_groups.get(named["heartbeat group"]).id == named["heartbeat group"]
    assert sandbox.policies.get(named["policy"]).id == named["policy"]
    assert sandbox.on_call.get(named["calendar"]).id == named["calendar"]
