"""Rule edge cases on hand-built bundles: each rule says only what its data shows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from betterstack_rca import BetterStack, redact
from betterstack_rca.models import Incident, Monitor
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.bundle import Window
from betterstack_rca.rca.findings import derive_findings
from betterstack_rca.rca.timeline import build_timeline

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def incident(id_: str, at: datetime, **attrs: Any) -> Incident:
    attrs.setdefault("name", f"incident {id_}")
    return Incident.model_validate({"id": id_, "type": "incident", "started_at": at, **attrs})


def bundle(main: Incident, **fields: Any) -> IncidentBundle:
    start = main.started_at or T0
    b = IncidentBundle(
        generated_at=start + timedelta(hours=2),
        incident=main,
        window=Window(
            start=start - timedelta(hours=1),
            end=start + timedelta(hours=1),
            history_start=start - timedelta(days=7),
        ),
        **fields,
    )
    b.timeline = build_timeline(b, None, [])
    return b


def rules(b: IncidentBundle) -> list[str]:
    return [f.rule for f in derive_findings(b)]


def test_a_flapping_monitor_is_not_a_shared_failure() -> None:
    main = incident("1", T0, monitor_id="10", url="https://api.example.com/health")
    again = incident(
        "2", T0 + timedelta(minutes=3), monitor_id="10", url="https://api.example.com/health"
    )
    assert "shared_failure" not in rules(bundle(main, related_incidents=[again]))


def test_same_host_failures_are_a_shared_failure() -> None:
    main = incident("1", T0, monitor_id="10", url="https://api.example.com/health")
    other = incident(
        "2", T0 + timedelta(minutes=2), monitor_id="11", url="https://api.example.com/login"
    )
    assert "shared_failure" in rules(bundle(main, related_incidents=[other]))


@pytest.mark.parametrize(
    ("cause", "rule"),
    [
        ("Status 503", "cause_http_5xx"),
        ("Error 500", "cause_http_5xx"),
        ("Bad Gateway", "cause_http_5xx"),
        ("Response took 512 ms", None),
        ("Status 404", "cause_http_4xx"),
        ("SSL certificate expired", "cause_tls"),
        ("DNS lookup failed", "cause_dns"),
        ("Connection refused", "cause_connection"),
        ("Request timeout", "cause_timeout"),
        ("Keyword not found", "cause_keyword"),
        ("Something odd", None),
    ],
)
def test_cause_classification(cause: str, rule: str | None) -> None:
    found = [
        r
        for r in rules(bundle(incident("1", T0, monitor_id="10", cause=cause)))
        if r.startswith("cause_")
    ]
    assert found == ([rule] if rule else [])


def test_partial_regions_needs_the_monitor_regions() -> None:
    main = incident("1", T0, monitor_id="10", regions=["eu"])
    assert "partial_regions" not in rules(bundle(main))  # no monitor: no claim
    monitor = Monitor.model_validate(
        {"id": "10", "type": "monitor", "regions": ["us", "eu", "as", "au"]}
    )
    assert "partial_regions" in rules(bundle(main, monitor=monitor))
    everywhere = incident("1", T0, monitor_id="10", regions=["us", "eu", "as", "au"])
    assert "partial_regions" not in rules(bundle(everywhere, monitor=monitor))


def test_config_change_after_the_start_is_not_a_cause() -> None:
    main = incident("1", T0, monitor_id="10")
    later = Monitor.model_validate(
        {"id": "10", "type": "monitor", "updated_at": T0 + timedelta(minutes=5)}
    )
    assert "config_changed" not in rules(bundle(main, monitor=later))
    before = Monitor.model_validate(
        {"id": "10", "type": "monitor", "updated_at": T0 - timedelta(minutes=4)}
    )
    assert "config_changed" in rules(bundle(main, monitor=before))


def test_acknowledged_incident_is_not_unacknowledged() -> None:
    main = incident("1", T0, monitor_id="10", acknowledged_at=T0 + timedelta(minutes=1))
    assert "not_acknowledged" not in rules(bundle(main))
    never = incident("1", T0, monitor_id="10", resolved_at=T0 + timedelta(minutes=30))
    assert "not_acknowledged" in rules(bundle(never))


def test_public_redact_scrubs_models_lists_and_data() -> None:
    monitor = Monitor.model_validate(
        {
            "id": "1",
            "type": "monitor",
            "url": "https://x.example.com/health?token=SECRETTOKEN123",
            "auth_password": "hunter2-long-password",
            "request_headers": [{"name": "Authorization", "value": "Bearer abcdefghijkl"}],
        }
    )
    clean = redact(monitor)
    text = clean.model_dump_json()
    assert "hunter2-long-password" not in text
    assert "SECRETTOKEN123" not in text
    assert "abcdefghijkl" not in text
    assert redact([monitor])[0] == clean
    assert "hunter2" not in str(redact({"password": "hunter2-long-password"}))


def test_sandbox_client_can_reuse_an_existing_sandbox() -> None:
    from betterstack_rca.sandbox import Sandbox

    sb = Sandbox(reference_time=T0)
    client = BetterStack.sandbox(sandbox=sb)
    assert client.sandbox_account is sb
    client.monitors.list(max_items=1).to_list()
    assert sb.app.stats.requests == 1
    assert client._sender.bucket.rate > 100  # not paced like the real API by default
