"""Credentials planted in the account's text never reach an agent: every tool, listings
included, prints account text through the scrubber bundles use (`_scrub.scrub`)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from betterstack_rca.agents import TOOL_NAMES, Toolbox

from .conftest import rewriting_client, toolbox

PASSWORD = "Hunter2-planted-pw"
TOKEN = "tok_live_planted_9f8e7d6c"
BEARER = "sk_planted_0a1b2c3d4e"
#: Short enough to be shown whole in a table cell (40 characters for names, 60 for causes).
NAME = f"token={TOKEN} "
CAUSE = f"https://ops:{PASSWORD}@db.example.com/ "
MESSAGE = f"Bearer {BEARER} curl https://ops:{PASSWORD}@hooks.example.com/x?token={TOKEN} "
SECRETS = (PASSWORD, TOKEN, BEARER)

#: Which attributes get which planted prefix, by JSON:API type.
PLANTS: dict[str, dict[str, str]] = {
    "incident": {"name": NAME, "cause": CAUSE},
    "monitor": {"pronounceable_name": NAME},
    "on_call_calendar": {"name": NAME},
    "status_page": {"company_name": NAME},
    "status_report": {"title": NAME},
    "status_update": {"message": MESSAGE},
    "incident_comment": {"content": MESSAGE},
}


def plant(_request: httpx.Request, body: Any) -> Any:
    resources = []
    if isinstance(body, dict):
        for key in ("data", "included"):
            value = body.get(key)
            resources += value if isinstance(value, list) else [value]
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("attributes"), dict):
            continue
        attributes = resource["attributes"]
        for name, prefix in PLANTS.get(str(resource.get("type")), {}).items():
            if isinstance(attributes.get(name), str):
                attributes[name] = prefix + attributes[name]
    return body


@pytest.fixture(scope="module")
def planted() -> Toolbox:
    return toolbox(rewriting_client(plant))


def answers(tools: Toolbox, incident_id: str) -> dict[str, str]:
    """Every tool's answer about the account (text and structured output)."""
    monitor_id = tools.client.incidents.get(incident_id).monitor_id
    calendar_id = next(iter(tools.client.on_call.list())).id
    calls: list[tuple[str, dict[str, Any]]] = [
        ("list_incidents", {"since": "30d", "limit": 100}),
        ("incident_bundle", {"incident_id": incident_id, "max_chars": 100_000}),
        ("incident_timeline", {"incident_id": incident_id, "limit": 500}),
        ("monitor_status", {"monitor_id": monitor_id}),
        ("who_is_on_call", {}),
        ("who_is_on_call", {"calendar_id": calendar_id}),
        ("similar_incidents", {"incident_id": incident_id, "limit": 20}),
        ("status_page_reports", {"since": "30d"}),
    ]
    assert {name for name, _ in calls} == set(TOOL_NAMES)
    out = {}
    for name, arguments in calls:
        result = tools.call(name, arguments)
        assert not result.is_error, result.text
        out[f"{name} {json.dumps(arguments)}"] = result.text + json.dumps(result.structured)
    return out


def test_the_planted_text_is_really_served(planted: Toolbox, headline_id: str) -> None:
    incident = planted.client.incidents.get(headline_id)
    assert incident.name is not None
    assert incident.name.startswith(NAME)
    assert incident.cause is not None
    assert PASSWORD in incident.cause  # the client itself hands it over as it came


@pytest.mark.parametrize("scenario", ["database_backup", "recurring_history", "bad_deploy"])
def test_no_tool_answer_carries_a_planted_credential(
    planted: Toolbox, scenario_ids: dict[str, str], scenario: str
) -> None:
    for call, text in answers(planted, scenario_ids[scenario]).items():
        leaked = [s for s in SECRETS if s in text]
        assert leaked == [], f"{call} shows {leaked}"


def test_the_listings_show_the_scrubbed_text_not_nothing(planted: Toolbox) -> None:
    # the planted values are within the cells' widths: the tables show them, redacted
    listing = planted.call("list_incidents", {"since": "7d"}).text
    assert "token=[redacted]" in listing  # the name
    assert "https://[redacted]@db.example.com/ " in listing  # the cause
    assert "token=[redacted]" in planted.call("who_is_on_call").text
    reports = planted.call("status_page_reports", {"since": "30d"}).text
    assert "Bearer [redacted]" in reports
