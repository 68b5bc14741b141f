"""The first failing check is found for every cause its timing shows, not only for a
timeout (issue 20, item 4): a check that ended without an answer (the lookup, the
connection or the handshake failed) is a failing check too. An error status is an answer,
so its timing says nothing, and no first failing check is claimed for it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from betterstack_rca.models import MonitorResponseTimes
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.signals import first_failing_check
from betterstack_rca.sandbox.model.checks import failure_mode
from betterstack_rca.sandbox.render.monitors import _failed_check

START = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
TIMEOUT = 30.0


def _times(cause: str, failing_from: datetime) -> MonitorResponseTimes:
    """Checks every 5 min in two regions, shaped by the sandbox's own model of a failing
    check; EU starts failing 10 min before the start, US 5 min later."""
    regions = []
    for region, first in (("eu", failing_from), ("us", failing_from + timedelta(minutes=5))):
        rows = []
        for k in range(-12, 3):
            at = START + timedelta(minutes=5 * k)
            rt, dns, conn, tls = 0.3, 0.01, 0.03, 0.04
            if at >= first:
                failed = _failed_check((failure_mode(cause), 0.2), 1.05, TIMEOUT, dns, conn, tls)
                if failed is not None:
                    rt, dns, conn, tls = failed
            rows.append(
                {
                    "at": at.isoformat(),
                    "response_time": rt,
                    "name_lookup_time": dns,
                    "connection_time": conn,
                    "tls_handshake_time": tls,
                    "data_transfer_time": round(max(0.0, rt - dns - conn - tls), 5),
                }
            )
        regions.append({"region": region, "response_times": rows})
    return MonitorResponseTimes.model_validate({"id": "1", "regions": regions})


@pytest.mark.parametrize(
    "cause",
    ["Request timeout", "DNS lookup failed", "Connection refused", "SSL certificate expired"],
)
def test_a_check_that_timed_out_or_got_no_answer_is_the_first_failing_one(cause: str) -> None:
    times = _times(cause, START - timedelta(minutes=10))
    assert first_failing_check(times, START, TIMEOUT) == ("eu", START - timedelta(minutes=10))


def test_without_a_known_timeout_an_unanswered_check_still_counts() -> None:
    times = _times("Connection refused", START - timedelta(minutes=10))
    assert first_failing_check(times, START, None) == ("eu", START - timedelta(minutes=10))


@pytest.mark.parametrize("cause", ["Status 503", "Keyword not found"])
def test_an_answer_is_no_failing_check_by_its_timing(cause: str) -> None:
    assert first_failing_check(_times(cause, START - timedelta(minutes=10)), START, TIMEOUT) is None


def test_a_failure_after_the_start_is_not_before_it() -> None:
    times = _times("Connection refused", START + timedelta(minutes=5))
    assert first_failing_check(times, START, TIMEOUT) is None


def test_the_dns_scenario_shows_its_first_failing_check(
    bundles: dict[str, IncidentBundle],
) -> None:
    bundle = bundles["dns_zone"]
    assert bundle.incident.cause == "DNS lookup failed"
    detection = bundle.audit.detection
    assert detection.first_failing_region is not None
    assert detection.lag is not None
    assert "; first failing check " in bundle.to_markdown()
    assert "- First failing check: " in bundle.to_postmortem()


def test_a_first_failing_check_at_the_start_says_so(bundles: dict[str, IncidentBundle]) -> None:
    bundle = bundles["dns_zone"].model_copy(deep=True)
    region = (bundle.audit.detection.first_failing_region or "?").upper()
    bundle.audit.detection.lag = 0.0
    assert f"; first failing check at the start, from {region}" in bundle.to_markdown()
    assert "0s before the start" not in bundle.to_markdown()
    bundle.audit.detection.lag = 90.0
    assert "; first failing check 1m 30s before the start, from " in bundle.to_markdown()
