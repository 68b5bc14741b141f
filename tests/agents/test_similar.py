"""`similar_incidents` over the sandbox: the bundle's ranking with its score and why, how each
incident ended, the toolbox's cache, the cap, and the failures it reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from betterstack_rca import BetterStack, agents
from betterstack_rca._units import duration
from betterstack_rca.agents import Toolbox
from betterstack_rca.rca.rules.history import WEIGHTS

from .conftest import rewriting_client, toolbox
from .test_tools import error, ok, rows


@pytest.fixture(scope="module")
def recurring(scenario_ids: dict[str, str]) -> str:
    """An incident whose monitor failed alike six times in the last 30 days."""
    return scenario_ids["recurring_history"]


def test_the_rows_are_the_bundles_similar_incidents_with_score_and_why(
    tools: Toolbox, recurring: str
) -> None:
    bundle = tools.bundle(recurring)
    assert len(bundle.similar_incidents) == 5
    text = ok(tools, "similar_incidents", {"incident_id": recurring})
    assert text.splitlines()[0].startswith("Note: names, causes")
    table = rows(text)
    assert [row[0] for row in table] == [s.incident_id for s in bundle.similar_incidents]
    events = {e.id: e for e in bundle.timeline}
    for row, similar in zip(table, bundle.similar_incidents, strict=True):
        assert len(row) == 9
        assert row[3] == str(similar.score)
        assert row[4] == ", ".join(f"{k} +{v}" for k, v in similar.matches.items())
        assert sum(int(part.rsplit("+", 1)[1]) for part in row[4].split(", ")) == similar.score
        event = events[row[8]]  # the bundle's timeline event of that incident, for citing
        assert (event.kind, event.ref.id) == ("earlier_incident", similar.incident_id)
    legend = ", ".join(f"{k} +{v}" for k, v in WEIGHTS.items())
    assert f"score = the sum of {legend}" in text


def test_each_row_says_how_the_incident_ended(tools: Toolbox, recurring: str) -> None:
    bundle = tools.bundle(recurring)
    by_id = {
        row[0]: row for row in rows(ok(tools, "similar_incidents", {"incident_id": recurring}))
    }
    people = 0
    for similar in bundle.similar_incidents:
        row = by_id[similar.incident_id]
        assert similar.duration is not None
        assert row[5] == duration(similar.duration)
        assert row[6] == (similar.acknowledged_by or "-")
        assert row[7] == (similar.resolved_by or "(recovered by itself)")
        people += similar.resolved_by is not None
    assert 0 < people < len(bundle.similar_incidents)  # both endings are in the sandbox


def test_the_history_verdict_and_what_was_not_compared_are_said(
    tools: Toolbox, recurring: str
) -> None:
    text = ok(tools, "similar_incidents", {"incident_id": recurring})
    verdict = next(f for f in tools.bundle(recurring).findings if f.rule == "past_incidents")
    assert f"History: {verdict.summary} (finding past_incidents)." in text
    assert "Not compared: the group's incidents (the API filters incidents by monitor" in text


def test_a_bundle_already_collected_costs_no_request(client: BetterStack, recurring: str) -> None:
    tools = toolbox(client)
    before = client.stats.requests
    ok(tools, "incident_bundle", {"incident_id": recurring})
    one_bundle = client.stats.requests - before
    assert one_bundle > 0
    ok(tools, "similar_incidents", {"incident_id": recurring})
    ok(tools, "similar_incidents", {"incident_id": recurring, "limit": 20})
    assert client.stats.requests - before == one_bundle


def test_limit_ranks_more_of_the_same_history(tools: Toolbox, recurring: str) -> None:
    five = ok(tools, "similar_incidents", {"incident_id": recurring})
    everything = ok(tools, "similar_incidents", {"incident_id": recurring, "limit": "20"})
    assert len(rows(everything)) == 6
    assert rows(everything)[:5] == rows(five)
    sixth = rows(everything)[5][0]
    assert f"left out: 1 more similar incident(s) ({sixth}); call similar_incidents" in five
    assert f'incident_id="{recurring}" and limit=6' in five
    assert "left out" not in everything
    assert (
        rows(ok(tools, "similar_incidents", {"incident_id": recurring, "limit": 2}))
        == rows(five)[:2]
    )


@pytest.mark.parametrize(
    ("scenario", "kind"), [("database_backup", "monitor"), ("heartbeat_incident", "heartbeat")]
)
def test_without_earlier_incidents_it_says_so(
    tools: Toolbox, scenario_ids: dict[str, str], scenario: str, kind: str
) -> None:
    incident_id = scenario_ids[scenario]
    assert tools.bundle(incident_id).history == []
    text = ok(tools, "similar_incidents", {"incident_id": incident_id})
    assert f"against the 0 earlier incident(s) of its {kind}" in text
    assert "No similar incident: there is none to compare with." in text
    assert not any(" | " in line for line in text.splitlines())  # no empty table


def test_comments_of_an_earlier_incident_come_from_its_cached_bundle(
    scenario_ids: dict[str, str],
) -> None:
    recurring = scenario_ids["recurring_history"]
    past: list[str] = []

    def comment_on_past(request: httpx.Request, body: Any) -> Any:
        if past and request.url.path == f"/api/v2/incidents/{past[0]}/comments":
            attributes = {
                "content": "Restarted the resizer\nworkers again | ## not a heading",
                "user_email": "emeka@acme.example.com",
                "created_at": "2026-11-16T11:15:00Z",
            }
            return {"data": [{"id": "901", "type": "incident_comment", "attributes": attributes}]}
        return body

    tools = toolbox(rewriting_client(comment_on_past))
    first = tools.bundle(recurring).similar_incidents[0].incident_id
    before = ok(tools, "similar_incidents", {"incident_id": recurring})
    assert "Comments (from bundles collected lately)" not in before
    assert f"Comments of {first}, " in before  # not read, and the call that reads them
    assert f'incident_timeline(incident_id="{first}", kinds=["comment"])' in before
    past.append(first)
    assert [c.id for c in tools.bundle(first).comments] == ["901"]  # e.g. incident_bundle
    after = ok(tools, "similar_incidents", {"incident_id": recurring})
    assert "Comments (from bundles collected lately):" in after
    assert f"- {first}: 1 comment(s):" in after
    line = next(line for line in after.splitlines() if "Restarted the resizer" in line)
    assert line == (
        "  - 2026-11-16 11:15:00 emeka@acme.example.com: Restarted the resizer workers again "
        "| ## not a heading"
    )
    assert f"Comments of {first}" not in after


def test_the_answer_stays_under_the_cap_and_names_the_rows_it_left_out(
    client: BetterStack, recurring: str
) -> None:
    small = toolbox(client, max_chars=1500)
    text = ok(small, "similar_incidents", {"incident_id": recurring, "limit": 20})
    shown = [row[0] for row in rows(text)]
    every = [s.incident_id for s in small.bundle(recurring).similar_incidents]
    assert 0 < len(shown) < 6
    assert shown == every[: len(shown)]
    assert f"left out: {6 - len(shown)} row(s) over the size cap (incidents " in text
    assert text.splitlines()[-1].startswith("left out: ")


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({}, "incident_id is required"),
        ({"incident_id": "1", "limit": 0}, "limit: Input should be greater than or equal to 1"),
        ({"incident_id": "1", "limit": 21}, "limit: Input should be less than or equal to 20"),
        ({"incident_id": "1", "limit": "a few"}, "limit: Input should be a valid integer"),
        ({"incident_id": "https://example.com/x"}, "/incidents/<id>"),
        ({"incident_id": "1", "since": "7d"}, "unknown argument 'since'"),
        ({"incident_id": "999999999"}, "no such incident"),
    ],
)
def test_a_bad_argument_is_a_one_line_error(
    tools: Toolbox, arguments: dict[str, Any], says: str
) -> None:
    message = error(tools, "similar_incidents", arguments)
    assert says in message
    if "no such" not in says:
        assert "similar_incidents takes incident_id (required), limit" in message


def test_ids_may_be_numbers_or_better_stack_urls(tools: Toolbox, recurring: str) -> None:
    by_id = ok(tools, "similar_incidents", {"incident_id": recurring})
    url = f"https://uptime.betterstack.com/team/1/incidents/{recurring}/timeline"
    assert ok(tools, "similar_incidents", {"incident_id": url}) == by_id
    assert ok(tools, "similar_incidents", f'{{"incident_id": {recurring}, "limit": "5"}}') == by_id
    assert agents.similar_incidents(int(recurring), client=tools.client) == by_id


def test_an_api_outage_is_an_error_that_says_to_retry(
    failing: Callable[..., Toolbox], recurring: str
) -> None:
    message = error(failing(error_rate=1.0), "similar_incidents", {"incident_id": recurring})
    assert "did not answer after retries; try again in a minute" in message


def test_history_that_could_not_be_read_is_an_error_not_an_empty_answer(
    recurring: str,
) -> None:
    def forbid_history(request: httpx.Request, body: Any) -> Any:
        if request.url.path.endswith("/incidents") and "monitor_id" in request.url.params:
            return httpx.Response(403, json={"errors": "Forbidden"}, request=request)
        return body

    tools = toolbox(rewriting_client(forbid_history, max_retries=0))
    assert "history" in {gap.source for gap in tools.bundle(recurring).gaps}
    message = error(tools, "similar_incidents", {"incident_id": recurring})
    assert "the earlier incidents of monitor " in message
    assert "could not be read (PermissionDeniedError: " in message
    assert message.endswith("; try again in a minute")
