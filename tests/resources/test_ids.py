"""One id parser for the whole library: ids as ints or strings, or the address of the thing's
page in Better Stack (the current host and the former one)."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from betterstack_rca import BetterStack
from betterstack_rca.resources import parse_id
from betterstack_rca.resources._params import ident, is_plain_id, parse_incident_ref


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (410002025, "incident", "410002025"),
        (" 410002025 ", "incident", "410002025"),
        ("https://uptime.betterstack.com/team/48213/incidents/410002025", "incident", "410002025"),
        (
            "https://uptime.betterstack.com/team/t48213/incidents/410002025/timeline",
            "incident",
            "410002025",
        ),
        ("https://betteruptime.com/team/9/incidents/123?tab=comments#c5", "incident", "123"),
        ("http://uptime.betterstack.com/team/9/monitors/2100004", "monitor", "2100004"),
        ("https://uptime.betterstack.com/team/9/heartbeats/512000", "heartbeat", "512000"),
        ("https://uptime.betterstack.com/api/v3/incidents/410002054", "incident", "410002054"),
        ("https://uptime.betterstack.com/team/9/status-pages/123456", "status_page", "123456"),
    ],
)
def test_ids_and_page_urls(value: object, kind: str, expected: str) -> None:
    assert parse_id(value, kind) == expected


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("https://uptime.betterstack.com/team/9/monitors/2100004", "incident"),
        ("https://example.com/team/9/incidents/1", "incident"),
        ("https://betterstack.com.example.net/incidents/1", "incident"),
        ("ftp://uptime.betterstack.com/incidents/1", "incident"),
        ("https://uptime.betterstack.com/team/9/incidents/", "incident"),
        ("https://uptime.betterstack.com/team/9/incidents/../../x", "incident"),
        ("", "incident"),
        (True, "incident"),
        ("1", "policy"),
    ],
)
def test_anything_else_is_a_value_error(value: object, kind: str) -> None:
    with pytest.raises(ValueError, match=r"Better Stack id|kind must be"):
        parse_id(value, kind)


def test_resource_methods_take_the_url_and_request_the_id() -> None:
    seen: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        if request.url.path == "/api/v3/incidents":
            return httpx.Response(200, json={"data": [], "pagination": {"next": None}})
        return httpx.Response(200, json={"data": {"id": "410002025", "type": "incident"}})

    client = BetterStack("t" * 24, transport=httpx.MockTransport(answer))
    client.incidents.get("https://uptime.betterstack.com/team/1/incidents/410002025")
    list(client.incidents.list(monitor_id="https://uptime.betterstack.com/team/1/monitors/7"))
    assert seen[0].path == "/api/v3/incidents/410002025"
    assert seen[1].params["monitor_id"] == "7"


def test_bundle_takes_the_incident_url() -> None:
    ref = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
    bs = BetterStack.sandbox(reference_time=ref)
    headline = bs.scenario().incident_id
    bundle = bs.bundle(f"https://uptime.betterstack.com/team/1/incidents/{headline}", now=ref)
    assert bundle.incident.id == headline
    with pytest.raises(ValueError, match="incident"):
        bs.bundle("https://uptime.betterstack.com/team/1/monitors/2100004")


@pytest.mark.parametrize(
    "value",
    [
        410002054,
        "410002054",
        "https://uptime.betterstack.com/team/12/incidents/410002054/timeline",
        "https://example.com/team/12/incidents/410002054",
        "https://uptime.betterstack.com/team/12/monitors/5",
        "../x",
        -1,
        None,
    ],
)
def test_the_agents_incident_parser_is_the_same_parser(value: object) -> None:
    """`parse_incident_ref` (the agents' name) is `parse_id(value, "incident")`, no other."""
    try:
        expected: object = parse_id(value, "incident")
    except ValueError as exc:
        expected = str(exc)
    try:
        got: object = parse_incident_ref(value)
    except ValueError as exc:
        got = str(exc)
    assert got == expected


@pytest.mark.parametrize(
    "value", ["410002054", "a-b_c", "x" * 64, "x" * 65, "-1", "_a", "a/b", "a b", "", "é"]
)
def test_one_id_rule_for_the_client_the_report_and_the_receiver(value: str) -> None:
    """A plain id is what `ident` takes as it is (it only trims blanks around it)."""
    try:
        taken = ident(value, "incident_id") == value
    except ValueError:
        taken = False
    assert taken is is_plain_id(value)
