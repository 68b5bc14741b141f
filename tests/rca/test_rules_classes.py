"""The classes of issue 13 on hand-built bundles: shared dependencies beyond groups, trigger
vs symptom (each kind of trigger), maintenance arithmetic, who was paged, heartbeat wording,
history, the audit's None-not-0, and every rule's check."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from betterstack_rca.models import (
    Heartbeat,
    Incident,
    Monitor,
    MonitorGroup,
    MonitorResponseTimes,
    OnCallCalendar,
    Policy,
    Severity,
    StatusPage,
    StatusPageResource,
    StatusReport,
)
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.audit import derive_audit
from betterstack_rca.rca.bundle import Gap, StatusPageContext, Window
from betterstack_rca.rca.diagnosis import derive_diagnosis
from betterstack_rca.rca.findings import evaluate
from betterstack_rca.rca.responders import resolve_responders
from betterstack_rca.rca.rules.classify import cause_class, host_keys
from betterstack_rca.rca.rules.history import similar_incidents
from betterstack_rca.rca.timeline import build_timeline

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
MIN = timedelta(minutes=1)


def incident(id_: str, at: datetime, **attrs: Any) -> Incident:
    attrs.setdefault("name", f"incident {id_}")
    return Incident.model_validate({"id": id_, "type": "incident", "started_at": at, **attrs})


def monitor(id_: str, **attrs: Any) -> Monitor:
    attrs.setdefault("regions", ["us", "eu", "as", "au"])
    return Monitor.model_validate({"id": id_, "type": "monitor", **attrs})


def bundle(main: Incident, **fields: Any) -> IncidentBundle:
    start = main.started_at or T0
    b = IncidentBundle(
        generated_at=start + timedelta(hours=2),
        incident=main,
        window=Window(
            start=start - timedelta(hours=1),
            end=start + timedelta(hours=1),
            history_start=start - timedelta(days=30),
        ),
        **fields,
    )
    b.timeline = build_timeline(b, None, [])
    b.audit = derive_audit(b)
    return b


def run(b: IncidentBundle) -> IncidentBundle:
    result = evaluate(b)
    b.findings, b.checks = result.findings, b.checks + result.checks
    b.diagnosis = derive_diagnosis(b, result.findings)
    return b


def finding(b: IncidentBundle, rule: str) -> Any:
    return next((f for f in b.findings if f.rule == rule), None)


def check(b: IncidentBundle, name: str) -> Any:
    return next(c for c in b.checks if c.name == name)


# --- shared dependencies beyond groups ------------------------------------------------------


def test_url_keys_name_host_zone_domain_and_ip() -> None:
    k = host_keys("https://img.cdn.example.co.uk/a.png")
    assert (k.host, k.zone, k.domain) == (
        "img.cdn.example.co.uk",
        "cdn.example.co.uk",
        "example.co.uk",
    )
    assert host_keys("api.example.org").domain == "example.org"  # a bare host (ping, dns)
    assert host_keys("https://api.example.org/").zone is None  # the parent is the domain
    ip = host_keys("tcp://10.1.2.3:5432")
    assert (ip.ip, ip.subnet) == ("10.1.2.3", "10.1.2.0/24")
    assert host_keys("https://a.herokuapp.com").domain == "a.herokuapp.com"


def _dns(id_: str, off: int, url: str, **kw: Any) -> Incident:
    return incident(id_, T0 + off * MIN / 60, monitor_id=f"m{id_}", url=url, **kw)


def test_three_monitors_under_one_domain_in_other_groups_share_a_dependency() -> None:
    main = _dns("1", 0, "https://img.example.org/h", cause="DNS lookup failed")
    others = [
        _dns("2", -60, "example.org", cause="DNS lookup failed"),
        _dns("3", 40, "https://assets.example.org/x", cause="DNS resolution failed"),
        _dns("4", 100, "https://logos.example.org/", cause="Could not resolve host"),
    ]
    mons = [
        monitor("m2", monitor_group_id="g2", monitor_type="dns"),
        monitor("m3", monitor_group_id="g3"),
        monitor("m4", monitor_group_id="g4"),
    ]
    own = monitor("m1", monitor_group_id="g1")
    healthy = [monitor(f"s{i}", monitor_group_id="g1") for i in range(5)]
    b = run(
        bundle(main, related_incidents=others, related_monitors=mons, monitor=own, siblings=healthy)
    )
    shared = finding(b, "shared_failure")
    assert shared is not None
    assert shared.data["linked_by"] == "domain"
    assert shared.data["others"] == 3
    assert shared.data["groups"] == 4
    assert "4 monitors in 4 groups" in shared.summary
    assert "under example.org" in shared.summary
    assert "unrelated" not in shared.summary
    assert shared.level == "high"  # the DNS check failed first: it precedes the start
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "shared_failure"
    first = b.diagnosis.first_failure
    assert first is not None
    assert first.data["onset"][0]["monitor_id"] == "m2"


def test_one_other_failure_under_the_domain_is_a_coincidence() -> None:
    main = _dns("1", 0, "https://a.example.org/", cause="Status 503")
    other = _dns("2", 120, "https://b.example.org/", cause="Status 500")
    b = run(bundle(main, related_incidents=[other]))
    assert finding(b, "shared_failure") is None
    assert check(b, "shared_failure").status == "ruled_out"


def test_unrelated_blips_stay_out() -> None:
    main = _dns("1", 0, "https://img.example.org/", cause="DNS lookup failed")
    blips = [
        _dns("2", 120, "https://www.other.net/", cause="Status 500"),
        _dns("3", 240, "https://x.third.io/", cause="Request timeout"),
    ]
    b = run(bundle(main, related_incidents=blips))
    assert finding(b, "shared_failure") is None
    c = check(b, "shared_failure")
    assert c.status == "ruled_out"
    assert "coincidence" in c.reason


def _burst(offsets: list[int], cause: str = "Status 502") -> IncidentBundle:
    """This monitor and others on unrelated hosts and groups, failing at `offsets` seconds."""
    hosts = ["app.acmecloud.com", "search.acme-search.net", "sessions.acmecdn.net"]
    hosts += ["support.acmehelp.io", "portal.acmepartners.com", "shop.acme.store"]
    main = _dns("1", 0, f"https://{hosts[0]}/health", cause="Status 502")
    others = [
        _dns(str(k + 2), off, f"https://{hosts[k + 1]}/", cause=cause)
        for k, off in enumerate(offsets)
    ]
    mons = [monitor(f"m{k + 2}", monitor_group_id=f"g{k + 2}") for k in range(len(offsets))]
    own = monitor("m1", monitor_group_id="g1")
    return run(bundle(main, related_incidents=others, related_monitors=mons, monitor=own))


def test_a_burst_of_the_same_cause_on_unrelated_hosts_is_a_shared_dependency() -> None:
    b = _burst([25, 50, 80, 110])
    shared = finding(b, "shared_failure")
    assert shared is not None
    assert shared.data["linked_by"] == "burst"
    assert shared.data["others"] == 4
    assert shared.data["groups"] == 5
    assert shared.data["shared"] == []
    assert "5 monitors in 5 groups failed within 2 min" in shared.summary
    assert "with no host, group, DNS zone or domain common to all" in shared.summary
    assert shared.role == "trigger"
    assert shared.level == "medium"  # this one was first: nothing precedes the start
    assert shared.confidence > finding(b, "cause_http_5xx").confidence
    assert [f.rule for f in b.findings[:2]] == ["shared_failure", "cause_http_5xx"]
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "shared_failure"
    assert check(b, "shared_failure").status == "fired"


def test_a_burst_larger_than_a_group_link_is_the_cluster() -> None:
    b = _burst([25, 50, 80, 110])
    b.related_monitors[0] = monitor("m2", monitor_group_id="g1")  # one other in the group
    shared = finding(
        run(
            bundle(
                b.incident,
                related_incidents=b.related_incidents,
                related_monitors=b.related_monitors,
                monitor=b.monitor,
            )
        ),
        "shared_failure",
    )
    assert shared.data["linked_by"] == "burst"
    assert shared.data["others"] == 4
    assert "5 monitors in 4 groups" in shared.summary


def test_a_group_link_as_large_as_the_burst_wins() -> None:
    b = _burst([25, 50, 80])
    mons = [monitor(f"m{k + 2}", monitor_group_id="g1") for k in range(3)]
    again = run(
        bundle(
            b.incident,
            related_incidents=b.related_incidents,
            related_monitors=mons,
            monitor=b.monitor,
        )
    )
    shared = finding(again, "shared_failure")
    assert shared.data["linked_by"] == "group"


def test_a_burst_names_the_first_to_fail_when_it_is_another() -> None:
    shared = finding(_burst([-90, 30, 60]), "shared_failure")
    assert shared is not None
    assert "(first to fail: incident 2)" in shared.summary
    assert shared.level == "high"  # another monitor failed before this one


@pytest.mark.parametrize(
    ("offsets", "cause"),
    [
        ([25, 50], "Status 502"),  # two others: still a coincidence
        ([25, 50, 80], "Request timeout"),  # another cause class
        ([25, 50, 420], "Status 502"),  # the third 7 min later: not a burst
    ],
)
def test_too_few_too_different_or_too_spread_is_no_burst(offsets: list[int], cause: str) -> None:
    b = _burst(offsets, cause)
    assert finding(b, "shared_failure") is None
    c = check(b, "shared_failure")
    assert c.status == "ruled_out"
    assert "coincidence" in c.reason


@pytest.mark.parametrize(
    ("own_url", "other_url", "linked_by"),
    [
        ("https://a.svc.example.org/", "https://b.svc.example.org/", "zone"),
        ("tcp://10.0.0.5", "10.0.0.5", "host"),
        ("tcp://10.0.0.5", "10.0.0.9", "subnet"),
        ("https://api.example.org/a", "https://api.example.org/b", "host"),
    ],
)
def test_zone_ip_network_and_host_link_two_monitors(
    own_url: str, other_url: str, linked_by: str
) -> None:
    main = _dns("1", 0, own_url, cause="Connection refused")
    other = _dns("2", -30, other_url, cause="Connection refused")
    b = run(bundle(main, related_incidents=[other]))
    shared = finding(b, "shared_failure")
    assert shared is not None, b.checks
    assert shared.data["linked_by"] == linked_by
    assert shared.data["others"] == 1


def test_an_upstream_failure_first_links_a_downstream_symptom() -> None:
    main = _dns("1", 0, "https://orders.api.corp.io/h", cause="Status 502")
    upstream = _dns(
        "2",
        -120,
        "https://gw.api.corp.io/",
        cause="SSL certificate has expired",
        ssl_certificate_expires_at=T0 - 10 * MIN,
    )
    b = run(bundle(main, related_incidents=[upstream]))
    shared = finding(b, "shared_failure")
    assert shared is not None
    assert shared.data["linked_by"] == "zone"
    assert "certificate expired" in shared.summary
    # the same pair the other way round (the symptom first) is not linked
    later = _dns("3", 120, "https://gw.api.corp.io/", cause="SSL certificate has expired")
    assert finding(run(bundle(main, related_incidents=[later])), "shared_failure") is None


def test_the_same_failing_region_links_several_monitors() -> None:
    main = _dns("1", 0, "https://a.one.com/", cause="Request timeout", regions=["as"])
    others = [
        _dns("2", 30, "https://b.two.com/", cause="Request timeout", regions=["as"]),
        _dns("3", 60, "https://c.three.com/", cause="Timeout", regions=["as"]),
    ]
    b = run(bundle(main, monitor=monitor("m1"), related_incidents=others))
    shared = finding(b, "shared_failure")
    assert shared is not None
    assert shared.data["linked_by"] == "region"
    assert "failing only from AS" in shared.summary


def test_a_status_page_section_links_monitors() -> None:
    main = _dns("1", 0, "https://a.one.com/", cause="Status 503")
    other = _dns("2", 30, "https://b.two.com/", cause="Status 500")
    page = StatusPage.model_validate({"id": "p1", "type": "status_page"})

    def res(id_: str, mid: str) -> StatusPageResource:
        return StatusPageResource.model_validate(
            {
                "id": id_,
                "type": "status_page_resource",
                "resource_id": mid,
                "resource_type": "Monitor",
                "status_page_section_id": "s1",
            }
        )

    ctx = StatusPageContext(
        page=page, resources=[res("r1", "m1")], section_resources=[res("r2", "m2")]
    )
    b = run(bundle(main, status_pages=[ctx], related_incidents=[other]))
    shared = finding(b, "shared_failure")
    assert shared is not None
    assert shared.data["linked_by"] == "section"


def test_the_group_still_links_whatever_the_causes() -> None:
    main = _dns("1", 0, "https://a.one.com/", cause="Status 503")
    sib = _dns("2", 60, "https://b.two.com/", cause="Request timeout")
    group = MonitorGroup.model_validate({"id": "g1", "type": "monitor_group", "name": "API"})
    b = run(
        bundle(
            main,
            monitor=monitor("m1", monitor_group_id="g1"),
            group=group,
            siblings=[monitor("m2", monitor_group_id="g1")],
            related_incidents=[sib],
        )
    )
    shared = finding(b, "shared_failure")
    assert shared is not None
    assert shared.data["linked_by"] == "group"
    assert "group 'API'" in shared.summary
    assert shared.level == "medium"  # this monitor failed first: it coincides, not precedes


# --- trigger vs symptom -------------------------------------------------------------------


def test_a_config_change_is_the_trigger_not_the_5xx() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 502")
    mon = monitor("10", updated_at=T0 - 4 * MIN)
    b = run(bundle(main, monitor=mon))
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "config_changed"
    assert finding(b, "cause_http_5xx").role == "symptom"


def _ramp(start: datetime, climb_minutes: int, factor: float = 20.0) -> MonitorResponseTimes:
    """Samples every 5 min over 3 h before `start` from two regions, at 0.4 s, climbing
    linearly to x(1 + factor) over the last `climb_minutes` before the start."""
    regions = []
    for region in ("us", "eu"):
        rows = []
        for k in range(36, 0, -1):
            at = start - 5 * k * MIN
            left = (start - at) / MIN
            rt = 0.4
            if left < climb_minutes:
                rt *= 1 + factor * (climb_minutes - left) / climb_minutes
            rows.append({"at": at.isoformat(), "response_time": round(rt, 4)})
        regions.append({"region": region, "response_times": rows})
    return MonitorResponseTimes.model_validate(
        {"id": "10", "type": "monitor_response_times", "regions": regions}
    )


def test_a_degradation_before_a_timeout_is_the_trigger_not_a_later_sibling_edit() -> None:
    main = incident("1", T0, monitor_id="10", cause="Request timeout")
    mon = monitor("10", monitor_group_id="g1", updated_at=T0 - 19 * 24 * 60 * MIN)
    edited = monitor("11", monitor_group_id="g1", updated_at=T0 - 10 * MIN)  # healthy
    b = run(bundle(main, monitor=mon, siblings=[edited], response_times=_ramp(T0, 40)))
    rise = finding(b, "latency_rising")
    assert rise is not None
    assert rise.role == "trigger"
    assert rise.at == T0 - 35 * MIN  # the first sample above the baseline, not T-20 min
    assert "climbing since 11:25 UTC (35 min before)" in rise.summary
    assert rise.data["onset"] == (T0 - 35 * MIN).isoformat()
    assert finding(b, "config_changed") is None
    trigger = b.diagnosis.trigger
    assert trigger is not None
    assert trigger.rule == "latency_rising"
    assert trigger.data["role"] == "trigger"
    assert "No state change" not in trigger.summary
    assert trigger.level == "medium"
    assert finding(b, "cause_timeout").role == "symptom"


def test_a_config_change_still_beats_the_degradation_it_started() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 502")
    mon = monitor("10", updated_at=T0 - 16 * MIN)
    b = run(bundle(main, monitor=mon, response_times=_ramp(T0, 15, factor=9)))
    assert finding(b, "latency_rising") is not None
    assert finding(b, "config_changed").level == "high"  # response times rose after it
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "config_changed"


def test_a_config_change_made_after_the_climb_began_does_not_explain_it() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 502")
    mon = monitor("10", updated_at=T0 - 4 * MIN)
    b = run(bundle(main, monitor=mon, response_times=_ramp(T0, 30, factor=9)))
    assert finding(b, "config_changed").level == "medium"
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "latency_rising"  # the earlier state change


def test_flat_response_times_are_no_trigger() -> None:
    main = incident("1", T0, monitor_id="10", cause="Request timeout")
    b = run(bundle(main, monitor=monitor("10"), response_times=_ramp(T0, 0)))
    assert finding(b, "latency_rising") is None
    assert check(b, "latency_rising").status == "ran"


def test_a_config_change_after_the_start_is_ruled_out() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 502")
    b = run(bundle(main, monitor=monitor("10", updated_at=T0 + 5 * MIN)))
    assert finding(b, "config_changed") is None
    assert check(b, "config_changed").status == "ruled_out"
    trigger = b.diagnosis.trigger
    assert trigger is not None
    assert trigger.rule == "cause_http_5xx"
    assert trigger.level == "low"
    assert "No state change" in trigger.summary


def test_expired_from_one_region_with_a_valid_certificate_is_a_regional_edge() -> None:
    main = incident(
        "1",
        T0,
        monitor_id="10",
        cause="SSL certificate expired",
        regions=["eu"],
        ssl_certificate_expires_at=T0 + timedelta(days=80),
    )
    b = run(bundle(main, monitor=monitor("10")))
    tls = finding(b, "cause_tls")
    assert tls.role == "symptom"
    assert tls.data["expired"] is False
    assert "valid until 2027-02-08 12:00 UTC (80 days after the start), so it did not expire" in (
        tls.summary
    )
    regional = finding(b, "partial_regions")
    assert "a regional edge serving another certificate" in regional.summary
    assert [f.rule for f in b.findings[:2]] == ["partial_regions", "cause_tls"]
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "partial_regions"


@pytest.mark.parametrize(
    ("cause", "expires"),
    [("SSL handshake failed", 80), ("SSL certificate expired", None)],
)
def test_a_tls_cause_without_a_contradicting_date_reads_as_reported(
    cause: str, expires: int | None
) -> None:
    at = T0 + timedelta(days=expires) if expires is not None else None
    main = incident("1", T0, monitor_id="10", cause=cause, ssl_certificate_expires_at=at)
    tls = finding(run(bundle(main)), "cause_tls")
    assert tls.summary == f"Cause reported by Better Stack: {cause} (TLS)"
    assert "expired" not in tls.data


def test_an_expired_certificate_dates_the_tls_cause() -> None:
    main = incident(
        "1",
        T0,
        monitor_id="10",
        cause="SSL certificate expired",
        ssl_certificate_expires_at=T0 - timedelta(hours=2),
    )
    b = run(bundle(main))
    tls = finding(b, "cause_tls")
    assert tls.role == "trigger"
    assert tls.at == T0 - timedelta(hours=2)
    assert tls.level == "high"
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "cause_tls"


def test_an_expired_domain_dates_the_dns_cause() -> None:
    main = incident(
        "1",
        T0,
        monitor_id="10",
        cause="DNS lookup failed",
        domain_expires_at=T0 - timedelta(days=1),
    )
    b = run(bundle(main))
    assert finding(b, "cause_dns").role == "trigger"
    assert "domain registration expired" in finding(b, "cause_dns").summary


def test_a_heartbeat_stop_outranks_a_later_weaker_change() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 503", url="https://a.x.com/")
    hb = incident("2", T0 - 5 * MIN, heartbeat_id="h1", name="db-backup", cause="Missed heartbeat")
    sib = incident("3", T0 + MIN, monitor_id="11", cause="Status 503", url="https://b.x.com/")
    mon = monitor("10", updated_at=T0 - 25 * MIN)
    b = run(bundle(main, monitor=mon, related_incidents=[hb, sib]))
    assert finding(b, "heartbeat_stopped").level == "high"
    assert finding(b, "config_changed").level == "medium"
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "heartbeat_stopped"


def test_a_heartbeat_nothing_links_to_the_monitor_is_context_not_the_trigger() -> None:
    # any heartbeat of the account that happens to be down: no comment, no shared name,
    # no other monitor failing after it
    main = incident("1", T0, monitor_id="10", name="Checkout API", cause="Status 503")
    hb = incident("2", T0 - 5 * MIN, heartbeat_id="h1", name="newsletter-digest")
    mon = monitor("10", pronounceable_name="Checkout API", url="https://checkout.x.com/")
    b = run(bundle(main, monitor=mon, related_incidents=[hb]))
    f = finding(b, "heartbeat_stopped")
    assert (f.role, f.confidence, f.data["linked"]) == ("context", 0.45, False)
    assert "nothing links it to this monitor" in f.summary
    assert b.diagnosis.trigger is None or b.diagnosis.trigger.rule != "heartbeat_stopped"


def test_a_heartbeat_sharing_a_name_with_the_monitor_is_linked() -> None:
    main = incident("1", T0, monitor_id="10", name="Orders API", cause="Status 503")
    hb = incident("2", T0 - 5 * MIN, heartbeat_id="h1", name="orders-export cron")
    mon = monitor("10", pronounceable_name="Orders API", url="https://shop.x.com/orders")
    b = run(bundle(main, monitor=mon, related_incidents=[hb]))
    f = finding(b, "heartbeat_stopped")
    assert (f.role, f.level, f.data["linked"]) == ("trigger", "high", True)
    assert any("shares 'orders'" in s for s in f.signals)
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "heartbeat_stopped"


def test_generic_words_do_not_link_a_heartbeat() -> None:
    main = incident("1", T0, monitor_id="10", name="Billing API health", cause="Status 503")
    hb = incident("2", T0 - 5 * MIN, heartbeat_id="h1", name="api health cron job")
    b = run(bundle(main, related_incidents=[hb]))
    assert finding(b, "heartbeat_stopped").data["linked"] is False


def test_a_heartbeat_that_recovered_before_the_start_is_ruled_out() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 503")
    hb = incident("2", T0 - 30 * MIN, heartbeat_id="h1", resolved_at=T0 - 10 * MIN)
    b = run(bundle(main, related_incidents=[hb]))
    assert finding(b, "heartbeat_stopped") is None
    assert check(b, "heartbeat_stopped").status == "ruled_out"


# --- maintenance and time zones -----------------------------------------------------------


def _windowed(**attrs: Any) -> Monitor:
    return monitor("10", **attrs)


def test_the_monitors_own_window_is_never_claimed() -> None:
    # 07:30 UTC = 02:30 EST: inside 02:00-03:00 Eastern
    main = incident("1", T0.replace(hour=7, minute=30), monitor_id="10", cause="Status 503")
    mon = _windowed(
        maintenance_from="02:00:00",
        maintenance_to="03:00:00",
        maintenance_timezone="Eastern Time (US & Canada)",
        maintenance_days=["fri"],
    )
    b = run(bundle(main, monitor=mon))
    assert finding(b, "maintenance_window") is None
    c = check(b, "maintenance_window")
    assert c.status == "ruled_out"
    assert "not in force" in c.reason


def test_a_rails_zone_window_read_as_utc_would_be_wrong() -> None:
    # 02:30 UTC is inside 02:00-03:00 only when the zone is (wrongly) read as UTC
    main = incident("1", T0.replace(hour=2, minute=30), monitor_id="10", cause="Status 503")
    mon = _windowed(
        maintenance_from="02:00:00",
        maintenance_to="03:00:00",
        maintenance_timezone="Eastern Time (US & Canada)",
    )
    b = run(bundle(main, monitor=mon))
    assert check(b, "maintenance_window").status == "ran"
    assert check(b, "maintenance_overran").status == "ran"


def test_an_unknown_zone_gives_no_maintenance_claim_and_a_note() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 503")
    mon = _windowed(
        maintenance_from="11:00:00", maintenance_to="11:58:00", maintenance_timezone="Atlantis"
    )
    b = run(bundle(main, monitor=mon))
    assert finding(b, "maintenance_overran") is None
    for name in ("maintenance_window", "maintenance_overran"):
        c = check(b, name)
        assert c.status == "skipped"
        assert "Atlantis" in c.reason
        assert c.data.get("note")


def test_an_overrun_is_found_in_the_monitors_zone_and_across_midnight() -> None:
    # window 23:00-00:55 Prague (CET, UTC+1) ended at 23:55 UTC; the start is 00:00 UTC
    start = datetime(2026, 11, 21, 0, 0, tzinfo=timezone.utc)
    main = incident("1", start, monitor_id="10", cause="Status 503")
    mon = _windowed(
        maintenance_from="23:00:00",
        maintenance_to="00:55:00",
        maintenance_timezone="Prague",
        maintenance_days=["fri", "sat"],
        check_frequency=60,
    )
    b = run(bundle(main, monitor=mon))
    over = finding(b, "maintenance_overran")
    assert over is not None
    assert over.data["iana_zone"] == "Europe/Prague"
    assert over.data["seconds_after_end"] == 300
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "maintenance_overran"


def test_a_status_page_maintenance_is_a_real_signal() -> None:
    main = incident("1", T0, monitor_id="10", cause="Status 503")
    page = StatusPage.model_validate({"id": "p1", "type": "status_page"})
    report = StatusReport.model_validate(
        {
            "id": "r1",
            "type": "status_report",
            "report_type": "maintenance",
            "title": "DB upgrade",
            "starts_at": T0 - 20 * MIN,
            "ends_at": T0 + 40 * MIN,
        }
    )
    res = StatusPageResource.model_validate({"id": "x", "type": "status_page_resource"})
    b = run(
        bundle(main, status_pages=[StatusPageContext(page=page, resources=[res], reports=[report])])
    )
    assert finding(b, "maintenance_window") is not None
    assert b.diagnosis.trigger is not None
    assert b.diagnosis.trigger.rule == "maintenance_window"


# --- who was paged --------------------------------------------------------------------------


def _calendar(id_: str, users: list[dict[str, Any]], default: bool = False) -> OnCallCalendar:
    return OnCallCalendar.model_validate(
        {
            "id": id_,
            "type": "on_call_calendar",
            "name": None if default else f"cal {id_}",
            "default_calendar": default,
            "users": users,
        }
    )


def _policy(*steps: dict[str, Any]) -> Policy:
    return Policy.model_validate({"id": "p", "type": "policy", "name": "P", "steps": list(steps)})


def test_each_step_is_resolved_from_what_it_pages() -> None:
    main = incident("1", T0, monitor_id="10", acknowledged_at=T0 + 7 * MIN)
    default = _calendar(
        "1", [{"id": "u1", "first_name": "Dee", "email": "d@x", "phone_numbers": ["+1"]}], True
    )
    db = _calendar("2", [{"id": "u2", "first_name": "Gita", "email": "g@x", "phone_numbers": []}])
    sev = Severity.model_validate(
        {"id": "s", "type": "urgency", "name": "Crit", "call": True, "sms": True, "email": True}
    )
    policy = _policy(
        {
            "type": "escalation",
            "wait_before": 0,
            "urgency_id": "s",
            "step_members": [{"type": "current_on_call", "id": 2}, {"type": "current_on_call"}],
        },
        {
            "type": "escalation",
            "wait_before": 300,
            "step_members": [{"type": "user", "id": "u1"}, {"type": "entire_team"}],
        },
        {
            "type": "escalation",
            "wait_before": 600,
            "step_members": [{"type": "all_slack_integrations"}],
        },
    )
    r = resolve_responders(main, policy, [sev], default, [db], T0 + 7 * MIN)
    one, two, three = r.paged
    assert [m.calendar_id for m in one.members] == ["2", "1"]
    assert one.members[0].people[0].name == "Gita"
    assert one.members[0].people[0].reachable_by_phone is False
    assert one.members[1].people[0].reachable_by_phone is True
    assert one.channels == ["call", "sms", "email"]
    assert two.at_seconds == 300
    assert two.reached is True
    assert two.members[0].people[0].email == "d@x"
    assert "does not list" in (two.members[1].note or "")
    assert three.at_seconds == 900
    assert three.reached is False
    assert r.fallback is None
    b = run(bundle(main, responders=r))
    unreachable = finding(b, "responder_unreachable")
    assert unreachable is not None
    assert unreachable.data["step"] == 1
    assert b.audit.escalation.acknowledged_at_step == 2
    assert b.audit.escalation.acknowledged_within_wait is True


def test_without_a_policy_the_default_calendar_is_a_labelled_fallback() -> None:
    main = incident("1", T0, monitor_id="10")
    default = _calendar("1", [{"id": "u1", "first_name": "Dee"}], True)
    r = resolve_responders(main, None, [], default, [], T0, "no escalation policy")
    assert r.paged == []
    assert r.fallback is not None
    assert "default calendar" in r.fallback


# --- heartbeats, history, audit, checks ----------------------------------------------------


def test_a_heartbeat_incident_says_when_the_check_in_was_due() -> None:
    hb = Heartbeat.model_validate(
        {"id": "h1", "type": "heartbeat", "name": "nightly", "period": 86400, "grace": 900}
    )
    main = incident("1", T0, heartbeat_id="h1", cause="Missed heartbeat", name="nightly")
    b = run(bundle(main, heartbeat=hb))
    f = finding(b, "cause_heartbeat_missed")
    assert f.role == "trigger"
    assert f.at == T0 - timedelta(seconds=900)
    assert "every 24 h" in f.summary
    assert "15 min of grace" in f.summary
    assert "2026-11-19 11:45 UTC" in f.summary  # the last check-in, a day earlier
    assert b.audit.detection.check_frequency is None
    assert b.audit.detection.due_at == T0 - timedelta(seconds=900)
    assert b.audit.escalation.steps is None
    assert b.audit.communication.updates is None


def test_history_classifies_the_cause_and_scores_similar_incidents() -> None:
    main = incident("0", T0, monitor_id="10", cause="Status 504", regions=["us"])
    past = [
        incident(
            str(i),
            T0 - timedelta(days=d),
            monitor_id="10",
            cause=c,
            regions=["us"],
            resolved_at=T0 - timedelta(days=d) + 5 * MIN,
        )
        for i, (d, c) in enumerate(
            [(2, "Status 504"), (4, "Status 502"), (9, "Status 504"), (20, "Connection refused")], 1
        )
    ]
    b = run(bundle(main, history=past))
    f = finding(b, "past_incidents")
    assert f.data["verdict"] == "frequent"
    assert f.data["same_cause_class"] == 3
    top = similar_incidents(b)
    assert [s.incident_id for s in top[:2]] == ["1", "3"]
    assert top[0].matches == {
        "same_monitor": 2,
        "same_cause_class": 2,
        "same_cause": 1,
        "same_regions": 1,
        "same_time_of_day": 1,
    }
    assert top[0].duration == 300
    assert top[0].resolved_by is None
    first = run(bundle(incident("0", T0, monitor_id="10", cause="Status 504")))
    c = check(first, "past_incidents")
    assert c.status == "ran"
    assert c.data["verdict"] == "first_seen"


def test_a_forbidden_source_makes_its_checks_skipped_with_the_reason() -> None:
    main = incident("1", T0, monitor_id="10")
    b = bundle(
        main,
        gaps=[
            Gap(
                source="related_incidents",
                error="PermissionDeniedError",
                message="no",
                status_code=403,
            )
        ],
    )
    b = run(b)
    for name in ("shared_failure", "heartbeat_stopped"):
        c = check(b, name)
        assert c.status == "skipped"
        assert "403" in c.reason


def test_every_rule_leaves_exactly_one_check() -> None:
    from betterstack_rca.rca.findings import RULES

    b = run(bundle(incident("1", T0, monitor_id="10", cause="Status 500")))
    names = [c.name for c in b.checks]
    assert names == [n for n, _ in RULES]
    assert cause_class("Status 500") == "http_5xx"
