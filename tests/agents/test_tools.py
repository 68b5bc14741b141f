"""The agent tools over the sandbox, called as a model would call them: `Toolbox.call` and
`call_tool` (arguments as dicts or JSON text), and the plain functions."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from betterstack_rca import BetterStack, agents
from betterstack_rca.agents import TOOL_NAMES, Toolbox, ToolError, call_tool
from betterstack_rca.agents._text import UNTRUSTED_NOTE
from betterstack_rca.agents.tools import TOOLS
from betterstack_rca.rca.render import SECTIONS

from .conftest import REF, toolbox

#: The tools issue 15 names, in its order.
ISSUE_TOOLS = (
    "list_incidents",
    "incident_bundle",
    "incident_timeline",
    "monitor_status",
    "who_is_on_call",
    "similar_incidents",
    "status_page_reports",
)


def ok(tools: Toolbox, name: str, arguments: Any = None) -> str:
    result = tools.call(name, arguments)
    assert not result.is_error, result.text
    assert len(result.text) <= tools.max_chars
    return result.text


def error(tools: Toolbox, name: str, arguments: Any = None) -> str:
    result = tools.call(name, arguments)
    assert result.is_error, result.text
    assert result.text.startswith("error: ")
    assert "\n" not in result.text
    assert "Traceback" not in result.text
    return result.text


def rows(text: str) -> list[list[str]]:
    """The data rows of a compact table (lines after a header containing ' | ')."""
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if " | " in line)
    out = []
    for line in lines[header + 1 :]:
        if " | " not in line:
            break
        out.append(re.split(r"(?<!\\) \| ", line))
    return out


def next_cursor(text: str) -> str | None:
    match = re.search(r"next_cursor: (\S+)", text)
    return match.group(1) if match else None


# --- the set of tools ----------------------------------------------------------------


def test_the_tools_are_the_ones_the_issue_names_in_its_order() -> None:
    assert TOOL_NAMES == ISSUE_TOOLS
    assert list(TOOLS) == list(TOOL_NAMES)


@pytest.mark.parametrize("name", sorted(ISSUE_TOOLS))
def test_each_plain_function_mirrors_its_tool_arguments(name: str) -> None:
    function = getattr(agents, name)
    params = inspect.signature(function).parameters
    fields = TOOLS[name].arguments.model_fields
    positional = [n for n, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD]
    assert positional == list(fields)
    for field_name, field in fields.items():
        default = params[field_name].default
        if field.is_required():
            assert default is inspect.Parameter.empty
        else:
            assert default == field.default
    assert params["client"].kind is inspect.Parameter.KEYWORD_ONLY


# --- list_incidents ------------------------------------------------------------------


def test_list_incidents_is_a_table_of_the_window_newest_first(
    tools: Toolbox, client: BetterStack
) -> None:
    text = ok(tools, "list_incidents", {"since": "24h"})
    assert text.splitlines()[0].startswith("Note: names, causes")
    table = rows(text)
    assert table
    assert all(len(row) == 6 for row in table)
    started = [row[1] for row in table]
    assert started == sorted(started, reverse=True)
    expected = [
        i.id
        for i in client.incidents.list(from_=REF - timedelta(days=1))
        if i.started_at is not None and (REF - i.started_at).total_seconds() < 86400
    ]
    assert [row[0] for row in table] == expected[:20]


def test_list_incidents_pages_with_its_cursor_without_loss_or_repeat(
    tools: Toolbox, client: BetterStack
) -> None:
    week = [
        i.id
        for i in client.incidents.list(from_=REF - timedelta(days=7))
        if i.started_at is not None and REF - timedelta(days=7) <= i.started_at < REF
    ]
    first = rows(ok(tools, "list_incidents", {"since": "7d", "limit": 100}))
    assert [row[0] for row in first] == week[:100]
    seen: list[str] = []
    cursor = None
    for _ in range(100):
        text = ok(tools, "list_incidents", {"since": "7d", "limit": 7, "cursor": cursor})
        seen += [row[0] for row in rows(text)]
        cursor = next_cursor(text)
        if cursor is None:
            assert "End of the list." in text
            break
        assert f'cursor="{cursor}"' in text  # says which call gets the rest
    assert len(week) > 100  # several pages of 7
    assert seen == week


def test_list_incidents_filters_by_monitor_and_resolution(
    tools: Toolbox, scenario_ids: dict[str, str], client: BetterStack
) -> None:
    incident = client.incidents.get(scenario_ids["database_backup"])
    text = ok(tools, "list_incidents", {"since": "7d", "monitor_id": incident.monitor_id})
    table = rows(text)
    assert incident.id in [row[0] for row in table]
    assert all(f"(monitor {incident.monitor_id})" in row[3] for row in table)
    open_only = rows(ok(tools, "list_incidents", {"since": "7d", "resolved": "false"}))
    assert open_only
    assert all(row[5].endswith("(open)") for row in open_only)


def test_list_incidents_says_when_nothing_started(tools: Toolbox) -> None:
    text = ok(tools, "list_incidents", {"since": "2020-01-01", "until": "2020-01-02"})
    assert text.startswith("No incidents started from 2020-01-01 00:00:00")


# --- incident_bundle ------------------------------------------------------------------


@pytest.mark.parametrize("budget", [500, 1500, 8000])
def test_incident_bundle_stays_within_max_chars(
    tools: Toolbox, headline_id: str, budget: int
) -> None:
    result = tools.call("incident_bundle", {"incident_id": headline_id, "max_chars": budget})
    assert not result.is_error
    assert len(result.text) <= budget
    assert f"# Incident {headline_id}" in result.text
    assert result.structured is not None
    assert result.structured["incident_id"] == headline_id
    assert len(result.text) + len(json.dumps(result.structured)) <= tools.max_chars


def test_a_cut_bundle_says_which_call_gets_the_next_events(
    tools: Toolbox, headline_id: str
) -> None:
    # 3,000: the head's metrics read "6m 00s (360 s)", and the timeline's first lines fit
    text = ok(tools, "incident_bundle", {"incident_id": headline_id, "max_chars": 3000})
    shown = re.findall(r"^- `(e\d+)` ", text, re.MULTILINE)
    assert shown
    ids = [e.id for e in tools.bundle(headline_id).timeline]
    following = ids[ids.index(shown[-1]) + 1]
    assert text.splitlines()[-1].startswith("left out: ")
    assert f'incident_timeline(incident_id="{headline_id}", cursor="{following}")' in text
    whole = ok(tools, "incident_bundle", {"incident_id": headline_id, "max_chars": 100_000})
    assert "left out" not in whole


def test_incident_bundle_structured_findings_are_the_bundles(
    tools: Toolbox, headline_id: str
) -> None:
    bundle = tools.bundle(headline_id)
    result = tools.call("incident_bundle", {"incident_id": headline_id})
    assert result.structured is not None
    assert [f["rule"] for f in result.structured["findings"]] == [f.rule for f in bundle.findings]
    assert result.structured["findings"][0]["evidence"] == bundle.findings[0].evidence
    assert "heartbeat_stopped" in result.text


def test_incident_bundle_sections_pick_what_follows_the_summary(
    tools: Toolbox, headline_id: str
) -> None:
    text = ok(tools, "incident_bundle", {"incident_id": headline_id, "sections": ["timeline"]})
    assert "## Timeline" in text
    assert "## Findings" not in text
    as_text = ok(
        tools, "incident_bundle", {"incident_id": headline_id, "sections": "findings, gaps"}
    )
    assert "## Findings" in as_text
    assert "## Timeline" not in as_text
    message = error(tools, "incident_bundle", {"incident_id": headline_id, "sections": ["why"]})
    assert "unknown section(s) ['why']" in message
    assert "findings, timeline" in message  # what to pick from


@pytest.mark.parametrize("section", SECTIONS)
def test_incident_bundle_takes_every_section_the_renderer_has(
    tools: Toolbox, headline_id: str, section: str
) -> None:
    arguments = {"incident_id": headline_id, "sections": [section], "max_chars": 100_000}
    text = ok(tools, "incident_bundle", arguments)
    markdown = tools.bundle(headline_id).to_markdown(sections=[section])
    assert text == f"{UNTRUSTED_NOTE}\n{markdown}".rstrip("\n")
    assert ok(tools, "incident_bundle", {**arguments, "sections": section}) == text


def test_the_diagnosis_and_checks_sections_are_there_on_their_own(
    tools: Toolbox, headline_id: str
) -> None:
    both = {"incident_id": headline_id, "sections": "diagnosis, checks", "max_chars": 100_000}
    text = ok(tools, "incident_bundle", both)
    assert "## Diagnosis\n- **Trigger** (" in text
    assert "## Checked and ruled out / could not check\n" in text
    assert "## Findings" not in text
    assert "## Timeline" not in text


def test_incident_bundle_structured_output_carries_the_diagnosis(
    tools: Toolbox, scenario_ids: dict[str, str]
) -> None:
    for incident_id in scenario_ids.values():
        diagnosis = tools.bundle(incident_id).diagnosis
        result = tools.call("incident_bundle", {"incident_id": incident_id})
        assert result.structured is not None
        out = result.structured["diagnosis"]
        for name in ("trigger", "first_failure"):
            part = getattr(diagnosis, name)
            if part is None:
                assert out[name] is None
                continue
            assert out[name]["summary"] == part.summary
            assert out[name]["rule"] == part.rule
            assert out[name]["confidence"] == part.confidence
            assert out[name]["level"] == part.level
            assert out[name]["evidence"] == part.evidence
        assert diagnosis.trigger is not None  # every scenario has one
        if diagnosis.impact is not None:
            assert out["impact"]["summary"] == diagnosis.impact.summary
            assert out["impact"]["regions"] == diagnosis.impact.regions
            assert len(out["impact"]["failed"]) == len(diagnosis.impact.failed)


def test_under_a_tight_cap_the_diagnosis_outlasts_the_findings(
    client: BetterStack, headline_id: str
) -> None:
    tight = toolbox(client, max_chars=6000)  # the structured output gets 1,500 characters
    result = tight.call("incident_bundle", {"incident_id": headline_id})
    assert not result.is_error, result.text
    assert result.structured is not None
    assert result.structured["diagnosis"]["trigger"] is not None
    assert result.structured["findings_left_out"] > 0
    assert len(result.text) + len(json.dumps(result.structured)) <= tight.max_chars


def test_incident_bundle_accepts_a_number_and_a_better_stack_url(
    tools: Toolbox, headline_id: str
) -> None:
    by_id = ok(tools, "incident_bundle", {"incident_id": int(headline_id), "max_chars": "2000"})
    url = f"https://uptime.betterstack.com/team/12345/incidents/{headline_id}/timeline?x=1#top"
    by_url = ok(tools, "incident_bundle", {"incident_id": url, "max_chars": 2000})
    assert by_id == by_url


# --- incident_timeline ---------------------------------------------------------------


def test_incident_timeline_pages_through_the_bundles_events(
    tools: Toolbox, headline_id: str
) -> None:
    bundle = tools.bundle(headline_id)
    ids: list[str] = []
    cursor = None
    for _ in range(50):
        args = {"incident_id": headline_id, "limit": 5, "cursor": cursor}
        text = ok(tools, "incident_timeline", args)
        ids += [row[0] for row in rows(text)]
        cursor = next_cursor(text)
        if cursor is None:
            assert "End of the timeline." in text
            break
    assert ids == [e.id for e in bundle.timeline]


def test_incident_timeline_filters_by_kind_and_names_the_kinds_it_has(
    tools: Toolbox, headline_id: str
) -> None:
    text = ok(tools, "incident_timeline", {"incident_id": headline_id, "kinds": "comment"})
    assert rows(text)
    assert all(row[4] == "comment" for row in rows(text))
    message = error(tools, "incident_timeline", {"incident_id": headline_id, "kinds": ["deploy"]})
    assert "no events of kind(s) ['deploy']" in message
    assert "started" in message  # the kinds it does have
    bad = error(tools, "incident_timeline", {"incident_id": headline_id, "cursor": "e9999"})
    assert "next_cursor of the previous page" in bad


# --- monitor_status, who_is_on_call, status_page_reports -----------------------------


def test_monitor_status_shows_config_incidents_and_response_times(
    tools: Toolbox, client: BetterStack, scenario_ids: dict[str, str]
) -> None:
    incident = client.incidents.get(scenario_ids["database_backup"])
    text = ok(tools, "monitor_status", {"monitor_id": incident.monitor_id})
    assert f"# Monitor {incident.monitor_id}" in text
    assert "- Checks: " in text
    assert "Config last changed" in text
    assert incident.id in text  # among its recent incidents
    region_rows = rows(text.split("## Response times")[1])
    assert {row[0] for row in region_rows} >= {"us", "eu"}
    by_url = ok(
        tools,
        "monitor_status",
        {"monitor_id": f"https://uptime.betterstack.com/team/1/monitors/{incident.monitor_id}"},
    )
    assert by_url == text


def test_monitor_status_never_shows_the_monitors_secrets(
    tools: Toolbox, client: BetterStack
) -> None:
    secrets = client.sandbox_account.account.planted_secrets()  # type: ignore[union-attr]
    for monitor in client.monitors.list():
        text = ok(tools, "monitor_status", {"monitor_id": monitor.id})
        assert not [s for s in secrets if s in text]


def test_who_is_on_call_names_each_calendars_people(tools: Toolbox, client: BetterStack) -> None:
    text = ok(tools, "who_is_on_call")
    table = rows(text)
    calendars = list(client.on_call.list())
    assert [row[1].split()[0] for row in table] == [c.id for c in calendars]
    assert all(row[2] != "" for row in table)
    one = ok(tools, "who_is_on_call", {"calendar_id": calendars[0].id, "at": "2026-11-22T12:00Z"})
    assert "On call at 2026-11-22 12:00:00 UTC" in one
    assert len(rows(one)) == 1


def test_status_page_reports_lists_reports_with_their_updates(tools: Toolbox) -> None:
    text = ok(tools, "status_page_reports", {"since": "7d"})
    assert "## Page " in text
    assert "(report " in text
    assert "\n  - " in text  # the updates under a report
    page = re.search(r"status_page_id (\w+)", text)
    assert page is not None
    one = ok(tools, "status_page_reports", {"status_page_id": page.group(1), "since": "30d"})
    assert one.count("## Page ") == 1


# --- arguments -----------------------------------------------------------------------


def test_numbers_as_strings_and_nulls_are_taken(tools: Toolbox) -> None:
    as_numbers = ok(tools, "list_incidents", {"since": "48h", "limit": 5})
    assert ok(tools, "list_incidents", '{"since": "48h", "limit": "5"}') == as_numbers
    strict = {"since": "48h", "until": None, "monitor_id": None, "resolved": None, "limit": 5}
    assert ok(tools, "list_incidents", {**strict, "cursor": None}) == as_numbers
    assert ok(tools, "list_incidents", {"since": None, "limit": None}) == ok(
        tools, "list_incidents", {}
    )


@pytest.mark.parametrize(
    ("name", "arguments", "says"),
    [
        ("list_incidents", {"limit": 500}, "limit: Input should be less than or equal to 100"),
        ("list_incidents", {"limit": "many"}, "limit: Input should be a valid integer"),
        ("list_incidents", {"since": "last tuesday"}, "must be a duration back from now"),
        ("list_incidents", {"since": "1h", "until": "2h"}, "must be before until"),
        ("list_incidents", {"cursor": "page-2"}, "pass the next_cursor of the previous page"),
        ("list_incidents", {"window": "1h"}, "unknown argument 'window'"),
        ("incident_bundle", {}, "incident_id is required"),
        ("incident_bundle", {"incident_id": "../etc/passwd"}, "must be a Better Stack id"),
        ("incident_bundle", {"incident_id": "https://example.com/x"}, "/incidents/<id>"),
        ("incident_bundle", {"incident_id": "1", "max_chars": 10}, "greater than or equal"),
        ("monitor_status", {"monitor_id": True}, "monitor_id"),
        ("incident_bundle", "{not json", "arguments are not valid JSON"),
        ("incident_bundle", "[1, 2]", "arguments must be a JSON object"),
        ("incident_bundle", {"incident_id": "999999999"}, "no such incident"),
        ("monitor_status", {"monitor_id": "999999999"}, "no such monitor"),
        ("who_is_on_call", {"calendar_id": "999999"}, "no such on-call calendar"),
        ("status_page_reports", {"status_page_id": "999999"}, "no such status page"),
        ("acknowledge_incident", {"incident_id": "1"}, "unknown tool 'acknowledge_incident'"),
    ],
)
def test_a_bad_argument_is_a_one_line_error_that_says_what_to_pass(
    tools: Toolbox, name: str, arguments: Any, says: str
) -> None:
    message = error(tools, name, arguments)
    assert says in message
    if name in TOOLS and "JSON" not in says and "no such" not in says:
        assert f"{name} takes " in message or "next_cursor" in says or "until" in says


def test_call_tool_returns_text_and_the_plain_functions_raise(
    client: BetterStack, headline_id: str
) -> None:
    text = call_tool(
        "incident_bundle", {"incident_id": headline_id, "max_chars": 900}, client=client
    )
    assert f"# Incident {headline_id}" in text
    assert call_tool("incident_bundle", '{"incident_id": "x/y"}', client=client).startswith(
        "error: bad arguments"
    )
    assert agents.incident_bundle(headline_id, max_chars=900, client=client).startswith("Note:")
    with pytest.raises(ToolError, match="no such incident"):
        agents.incident_bundle("999999999", client=client)


def test_without_a_token_the_error_says_how_to_get_one() -> None:
    message = Toolbox().call("list_incidents").text  # the suite clears BETTERSTACK_*
    assert message.startswith("error: no Better Stack API token: set BETTERSTACK_API_TOKEN")


# --- failures of the API ----------------------------------------------------------------


def test_a_forbidden_feature_is_an_error_naming_the_cause(
    failing: Callable[..., Toolbox],
) -> None:
    tools = failing(forbidden={"on-calls"})
    message = error(tools, "who_is_on_call")
    assert "the token may not read this" in message
    assert "HTTP 403" in message


def test_an_api_outage_is_an_error_that_says_to_retry(failing: Callable[..., Toolbox]) -> None:
    tools = failing(error_rate=1.0)
    for name, arguments in [
        ("list_incidents", {}),
        ("incident_bundle", {"incident_id": "1"}),
        ("similar_incidents", {"incident_id": "1"}),
    ]:
        message = error(tools, name, arguments)
        assert "did not answer after retries; try again in a minute" in message
        assert "HTTP 5" in message


def test_a_source_that_fails_inside_a_bundle_is_a_gap_not_an_error(
    failing: Callable[..., Toolbox], headline_id: str
) -> None:
    tools = failing(forbidden={"on-calls"})
    result = tools.call("incident_bundle", {"incident_id": headline_id})
    assert not result.is_error
    assert result.structured is not None
    assert "on_call" in {gap["source"] for gap in result.structured["gaps"]}


# --- the cap, on a large account ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("list_incidents", {"since": "7d", "limit": 100}),
        ("status_page_reports", {"since": "30d"}),
        ("who_is_on_call", {}),
    ],
)
def test_every_answer_stays_under_the_cap_on_a_large_account(
    large: Toolbox, name: str, arguments: dict[str, Any]
) -> None:
    result = large.call(name, arguments)
    assert not result.is_error, result.text
    assert len(result.text) <= large.max_chars


def test_over_the_cap_list_incidents_says_what_it_left_out_and_how_to_get_it(
    large: Toolbox,
) -> None:
    text = ok(large, "list_incidents", {"since": "7d", "limit": 100})
    shown = rows(text)
    assert 0 < len(shown) < 100
    assert f"left out: {100 - len(shown)} more row(s) over the size cap" in text
    cursor = next_cursor(text)
    assert cursor is not None
    assert cursor.endswith(f"~{shown[-1][0]}")
    after = rows(ok(large, "list_incidents", {"since": "7d", "limit": 100, "cursor": cursor}))
    assert after
    assert not {row[0] for row in after} & {row[0] for row in shown}


def test_over_the_cap_bundles_timelines_and_similar_incidents_stay_under_it(
    large: Toolbox, scenario_ids: dict[str, str]
) -> None:
    for incident_id in scenario_ids.values():
        bundle = large.call("incident_bundle", {"incident_id": incident_id, "max_chars": 100_000})
        assert not bundle.is_error
        assert len(bundle.text) + len(json.dumps(bundle.structured)) <= large.max_chars
        timeline = ok(large, "incident_timeline", {"incident_id": incident_id, "limit": 500})
        if "left out:" in timeline:
            assert next_cursor(timeline) is not None
        similar = ok(large, "similar_incidents", {"incident_id": incident_id, "limit": 20})
        if "over the size cap" in similar:
            assert similar.splitlines()[-1].startswith("left out: ")


def test_a_slow_bundle_stops_at_the_deadline_and_says_what_it_missed(
    headline_id: str,
) -> None:
    from betterstack_rca.sandbox import Faults

    from .conftest import sandbox_client, toolbox

    slow = toolbox(
        sandbox_client(faults=Faults(latency=0.3), max_retries=0),
        bundle_options={"deadline": 0.5},
    )
    result = slow.call("incident_bundle", {"incident_id": headline_id})
    assert not result.is_error, result.text
    assert result.structured is not None
    errors = {gap["error"] for gap in result.structured["gaps"]}
    assert "DeadlineExceeded" in errors
    assert "**Incomplete:**" in result.text
