"""Recorded end-to-end flows replay offline (record mode "none"), and hold no secret."""

from __future__ import annotations

import json
import re

import pytest
from cassette_flows import CASSETTES, FLOWS, REF, TOKEN, run

from betterstack_rca.sandbox import Sandbox

HEADLINE = json.loads((CASSETTES / "headline.json").read_text())["incident_id"]


def test_cassettes_exist_for_every_flow() -> None:
    for name in FLOWS:
        assert (CASSETTES / f"{name}.yaml").is_file(), f"run `make cassettes` to record {name}"


def test_list_incidents_replays() -> None:
    incidents = run("list_incidents", HEADLINE, "none")
    assert 0 < len(incidents) <= 60
    assert all(i.started_at is not None and i.started_at.tzinfo for i in incidents)
    starts = [i.started_at for i in incidents]
    assert starts == sorted(starts, reverse=True)  # newest first, as recorded


def test_monitor_flow_replays() -> None:
    monitor, times = run("monitor", HEADLINE, "none")
    assert monitor.pronounceable_name == "API 1 health"
    assert times.regions
    assert monitor.auth_password in (None, "[redacted]")


def test_bundle_replays_with_the_same_findings() -> None:
    bundle = run("bundle", HEADLINE, "none")
    assert [f.rule for f in bundle.findings[:2]] == ["heartbeat_stopped", "shared_failure"]
    assert bundle.gaps == []
    assert bundle.generated_at == REF


TOKEN_SHAPED = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9]{24,}(?![A-Za-z0-9_-])")


@pytest.mark.parametrize("name", list(FLOWS))
def test_cassette_holds_no_token_or_planted_secret(name: str) -> None:
    text = (CASSETTES / f"{name}.yaml").read_text()
    assert TOKEN not in text
    assert not re.search(r"^\s+authorization:", text, re.M | re.I)  # no request header
    assert "Bearer " not in text
    assert not TOKEN_SHAPED.findall(text)
    secrets = Sandbox(reference_time=REF).account.planted_secrets()
    leaked = [s for s in secrets if s in text]
    assert not leaked, leaked
