"""parse_webhook: every documented payload, both flat templates, mapping=, hostile input."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from betterstack_rca.errors import BetterStackError, WebhookParseError
from betterstack_rca.webhooks import (
    RECOGNISED_FORMATS,
    STATUS_WORDS,
    WebhookEvent,
    WebhookMapping,
    normalise_status,
    parse_webhook,
)

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def dumps(value: Any) -> bytes:
    return json.dumps(value).encode()


# --------------------------------------------------------------------------- samples


def test_sample_incident_acknowledged_parses_to_incident_acknowledged() -> None:
    event = parse_webhook(sample("webhook_incident_acknowledged_legacy.json"))
    assert event.kind == "incident"
    assert event.action == "acknowledged"
    assert event.format == "betterstack_incident"
    assert event.incident_id == "1"
    assert event.monitor_id == "4"
    assert event.status_report_id is None
    assert event.at == utc("2020-02-25T17:38:45.768Z")
    assert event.title == "Tesla.com homepage"
    assert event.cause == "Error 500"
    assert event.event_name == "acknowledged"
    assert event.raw["data"]["type"] == "incident"
    assert event.is_incident
    assert event.wants_bundle


def test_sample_monitor_created_parses_to_monitor_created() -> None:
    event = parse_webhook(sample("webhook_monitor_created_legacy.json"))
    assert (event.kind, event.action, event.format) == ("monitor", "created", "betterstack_monitor")
    assert event.monitor_id == "1"
    assert event.incident_id is None
    assert event.at == utc("2020-02-18T14:38:34.117Z")
    assert event.title == "Example.com homepage"
    assert not event.is_incident
    assert not event.wants_bundle


def test_sample_incident_log_monitor_checked() -> None:
    event = parse_webhook(sample("incident_log_monitor_checked.json"))
    assert (event.kind, event.action, event.format) == ("incident_log", "checked", "incident_log")
    assert event.event_name == "monitor.checked"
    assert event.monitor_id == "789"  # an int in the payload; ids are always strings
    assert event.incident_id is None
    assert event.at == utc("2026-05-13T10:00:00Z")
    assert event.cause is None
    assert not event.wants_bundle


@pytest.mark.parametrize(
    ("name", "kind", "action", "incident_id", "monitor_id"),
    [
        ("webhook_incident_acknowledged_legacy.jsonc", "incident", "acknowledged", "1", "4"),
        ("webhook_monitor_created_legacy.jsonc", "monitor", "created", None, "1"),
    ],
)
def test_jsonc_samples_with_js_comments_are_accepted(
    name: str, kind: str, action: str, incident_id: str | None, monitor_id: str | None
) -> None:
    # Decision: // and /* */ comments outside strings are tolerated (Better Stack's own
    # published examples carry them); the result equals the strict .json twin.
    event = parse_webhook(sample(name))
    assert (event.kind, event.action) == (kind, action)
    assert (event.incident_id, event.monitor_id) == (incident_id, monitor_id)
    assert event == parse_webhook(sample(name.replace(".jsonc", ".json")))


def test_comments_inside_strings_are_kept() -> None:
    body = b'{"event": "started", /* note */ "data": {"id": "7", "type": "incident",\n'
    body += b'"attributes": {"name": "see https://x.test/a//b /* not a comment */"}}}'
    event = parse_webhook(body)
    assert event.title == "see https://x.test/a//b /* not a comment */"
    assert event.incident_id == "7"


def test_custom_body_template_example_with_unsubstituted_placeholders() -> None:
    # The documented body_template, sent before substitution: "$INCIDENT_ID" is no id.
    template = json.loads(sample("outgoing_webhook_custom_body_template_example.json"))
    body = template["custom_webhook_template_attributes"]["body_template"]
    event = parse_webhook(body)
    assert (event.kind, event.format) == ("incident", "betterstack_incident")
    assert event.incident_id is None
    assert event.title is None
    assert event.action == "unknown"


def test_custom_body_template_example_substituted_infers_action_from_times() -> None:
    body = {
        "data": {
            "id": 42,
            "type": "incident",
            "attributes": {"name": "API", "started_at": "2024-01-01T00:00:00Z"},
        }
    }
    event = parse_webhook(body)
    assert (event.incident_id, event.action, event.at) == (
        "42",
        "started",
        utc("2024-01-01T00:00:00Z"),
    )
    body["data"]["attributes"]["resolved_at"] = "2024-01-01T01:00:00Z"  # type: ignore[index]
    assert parse_webhook(body).action == "resolved"


# --------------------------------------------------------------------------- Better Stack bodies


def incident_body(event: str, **attributes: Any) -> dict[str, Any]:
    return {
        "event": event,
        "data": {
            "id": 123,
            "type": "incident",
            "attributes": {
                "name": "Homepage",
                "cause": "Status 503",
                "started_at": "2024-05-01T10:00:00Z",
                "acknowledged_at": "2024-05-01T10:05:00Z",
                "resolved_at": "2024-05-01T10:30:00+02:00",
                **attributes,
            },
            "relationships": {"monitor": {"data": {"id": 99, "type": "monitor"}}},
        },
    }


@pytest.mark.parametrize(
    ("event", "action", "at"),
    [
        ("started", "started", "2024-05-01T10:00:00Z"),
        ("acknowledged", "acknowledged", "2024-05-01T10:05:00Z"),
        ("resolved", "resolved", "2024-05-01T08:30:00Z"),
        ("Resolved", "resolved", "2024-05-01T08:30:00Z"),
        ("created", "started", "2024-05-01T10:00:00Z"),
    ],
)
def test_incident_event_picks_the_time_that_fits_the_action(
    event: str, action: str, at: str
) -> None:
    parsed = parse_webhook(dumps(incident_body(event)))
    assert (parsed.kind, parsed.action) == ("incident", action)
    assert (parsed.incident_id, parsed.monitor_id) == ("123", "99")
    assert parsed.at == utc(at)
    assert parsed.at is not None
    assert parsed.at.tzinfo is timezone.utc


def test_reopened_incident_uses_reopened_at_when_present() -> None:
    event = parse_webhook(incident_body("reopened", reopened_at="2024-05-02T00:00:00Z"))
    assert (event.action, event.at) == ("reopened", utc("2024-05-02T00:00:00Z"))
    assert event.wants_bundle


def test_comment_payload() -> None:
    body = incident_body("comment")
    body["comment"] = {"id": 5, "content": "Rolled back", "created_at": "2024-05-01T10:07:00Z"}
    event = parse_webhook(body)
    assert (event.kind, event.action, event.incident_id) == ("incident", "comment", "123")
    assert event.at == utc("2024-05-01T10:07:00Z")
    assert event.is_incident
    assert not event.wants_bundle
    del body["event"]
    assert parse_webhook(body).action == "comment"


def test_unknown_incident_event_word_survives_normalised() -> None:
    event = parse_webhook(incident_body("Escalated To Team"))
    assert event.action == "escalated_to_team"
    assert event.event_name == "Escalated To Team"
    assert not event.wants_bundle


@pytest.mark.parametrize("action", ["created", "updated", "paused", "unpaused", "deleted"])
def test_every_monitor_event(action: str) -> None:
    body = json.loads(sample("webhook_monitor_created_legacy.json"))
    body["event"] = action
    body["data"]["attributes"]["paused_at"] = "2024-01-01T00:00:00Z"
    event = parse_webhook(body)
    assert (event.kind, event.action, event.monitor_id) == ("monitor", action, "1")
    assert event.at is not None


def test_on_call_change_body() -> None:
    body = {
        "data": {
            "message": "Jane Doe is now on call",
            "emails": ["jane@example.com"],
            "calendar_id": 1234,
            "calendar_name": "Primary",
            "primary_calendar": True,
        }
    }
    event = parse_webhook(dumps(body))
    assert (event.kind, event.action, event.format) == ("on_call", "changed", "on_call")
    assert event.title == "Jane Doe is now on call"
    assert event.incident_id is None
    assert not event.wants_bundle
    # Tolerant: the same keys without the data wrapper.
    assert parse_webhook(body["data"]).kind == "on_call"


STATUS_PAGE_BODY: dict[str, Any] = {
    "event_type": "incident",
    "meta": {"unsubscribe": "https://status.example.com/unsubscribe/abc123"},
    "page": {"id": "12345", "status_indicator": "downtime"},
    "incident": {
        "id": "98765",
        "name": "Database Connection Issues",
        "created_at": "2024-01-15T10:30:00Z",
        "updated_at": "2024-01-15T11:45:00Z",
        "shortlink": "https://status.example.com/incidents/98765",
        "organization_id": "12345",
        "incident_updates": [
            {"id": "11110", "body": "Investigating", "created_at": "2024-01-15T10:30:00Z"},
            {"id": "11111", "body": "Fix in progress", "created_at": "2024-01-15T11:45:00Z"},
        ],
    },
}


def test_status_page_subscriber_webhook_carries_a_report_not_an_incident() -> None:
    headers = {"content-type": "application/json", "x-betteruptime-EVENT": "incident"}
    event = parse_webhook(dumps(STATUS_PAGE_BODY), headers=headers)
    assert (event.kind, event.action) == ("status_page", "incident")
    assert event.format == "status_page_subscriber"
    assert event.status_report_id == "98765"
    assert event.incident_id is None
    assert event.at == utc("2024-01-15T11:45:00Z")
    assert event.title == "Database Connection Issues"
    assert event.cause == "Fix in progress"
    assert not event.wants_bundle


def test_status_page_header_as_pairs_like_asgi() -> None:
    pairs = [("Content-Type", "application/json"), ("X-BETTERUPTIME-EVENT", "incident")]
    event = parse_webhook(dumps(STATUS_PAGE_BODY), headers=pairs)  # type: ignore[arg-type]
    assert event.format == "status_page_subscriber"


def test_status_page_maintenance_and_component_update() -> None:
    body = {
        "event_type": "maintenance",
        "page": {"id": "1"},
        "maintenance": {"id": 87654, "name": "DB upgrade", "updated_at": "2024-01-15T02:00:00Z"},
    }
    event = parse_webhook(body, headers={"X-BetterUptime-Event": "Maintenance"})
    assert (event.action, event.status_report_id) == ("maintenance", "87654")
    # Without the header, the body's keys still identify it.
    assert parse_webhook(body).kind == "status_page"
    component = {"event_type": "component_update", "page": {"id": "1"}}
    event = parse_webhook(component, headers={"X-BetterUptime-Event": "component_update"})
    assert (event.kind, event.action, event.status_report_id) == (
        "status_page",
        "component_update",
        None,
    )


# --------------------------------------------------------------------------- flat templates

STARTED_WORDS = ["started", "Started", "NEW", "triggered", "open", "down"]
ACK_WORDS = ["acknowledged", "Acknowledged", "ack", "ACKED"]
RESOLVED_WORDS = ["resolved", "Resolved", "closed", "recovered", "up", "OK"]
REOPENED_WORDS = ["reopened", "Reopened"]
WORD_FAMILIES = [
    *((w, "started") for w in STARTED_WORDS),
    *((w, "acknowledged") for w in ACK_WORDS),
    *((w, "resolved") for w in RESOLVED_WORDS),
    *((w, "reopened") for w in REOPENED_WORDS),
]


@pytest.mark.parametrize(("word", "action"), WORD_FAMILIES)
def test_flat_template_status_words(word: str, action: str) -> None:
    body = {
        "status": word,
        "id": "555",
        "title": "Checkout API",
        "description": "Timeout after 30 s",
        "monitor": 77,
        "started_at": "2024-03-01T12:00:00Z",
        "resolved_at": "2024-03-01T12:45:00Z",
    }
    event = parse_webhook(dumps(body))
    assert (event.kind, event.action, event.format) == ("incident", action, "flat_template")
    assert (event.incident_id, event.monitor_id) == ("555", "77")
    assert event.title == "Checkout API"
    assert event.cause == "Timeout after 30 s"
    assert event.event_name == word
    expected = {"started": "2024-03-01T12:00:00Z", "resolved": "2024-03-01T12:45:00Z"}
    assert event.at == (utc(expected[action]) if action in expected else None)


def test_flat_template_monitor_name_is_not_an_id_and_placeholders_are_missing() -> None:
    body = {"status": "started", "id": "$INCIDENT_ID", "title": "$NAME", "monitor": "Website"}
    event = parse_webhook(body)
    assert event.incident_id is None
    assert event.title is None
    assert event.monitor_id is None
    assert event.wants_bundle  # bundle_for reports the missing id, not the parser


@pytest.mark.parametrize(
    ("word", "action"), [("new", "started"), ("resolved", "resolved"), *WORD_FAMILIES]
)
def test_s4_template_status_words(word: str, action: str) -> None:
    body = {
        "Title": "Homepage down",
        "Cause": "Status 500",
        "URL": "https://example.com",
        "X-S4-ExternalID": "321",
        "X-S4-Status": word,
    }
    event = parse_webhook(dumps(body))
    assert (event.kind, event.action, event.format) == ("incident", action, "s4_template")
    assert event.incident_id == "321"
    assert (event.title, event.cause) == ("Homepage down", "Status 500")


def test_s4_template_unsubstituted_id_is_missing() -> None:
    event = parse_webhook({"Title": "x", "X-S4-ExternalID": "$INCIDENT_ID", "X-S4-Status": "new"})
    assert event.incident_id is None


def test_status_words_table_and_normalise_status() -> None:
    assert normalise_status("  Triggered ") == "started"
    assert normalise_status("ACKNOWLEDGED") == "acknowledged"
    assert normalise_status("Closed") == "resolved"
    assert normalise_status("maintenance") is None
    assert normalise_status("Fixed", {"fixed": "resolved"}) == "resolved"
    assert set(STATUS_WORDS.values()) <= {
        "started",
        "acknowledged",
        "resolved",
        "reopened",
        "comment",
    }


# --------------------------------------------------------------------------- mapping=


def test_mapping_describes_a_custom_template_and_is_tried_first() -> None:
    mapping = WebhookMapping(
        incident_id="payload.incident.number",
        status="payload.state",
        title="payload.incident.summary",
        cause="payload.details.0",
        monitor_id="payload.source.id",
        at="payload.when",
        status_words={"Firing": "started", "All Clear": "resolved"},
    )
    body: dict[str, Any] = {
        "payload": {
            "state": "all clear",
            "incident": {"number": 77, "summary": "Queue backlog"},
            "details": ["consumer lag > 10k"],
            "source": {"id": "m-1"},
            "when": "2024-06-01T08:00:00+01:00",
        },
        # Would also match the flat template; the mapping wins.
        "status": "started",
        "id": "other",
    }
    event = parse_webhook(dumps(body), mapping=mapping)
    assert (event.format, event.kind, event.action) == ("custom_mapping", "incident", "resolved")
    assert (event.incident_id, event.monitor_id) == ("77", "m-1")
    assert (event.title, event.cause) == ("Queue backlog", "consumer lag > 10k")
    assert event.at == utc("2024-06-01T07:00:00Z")
    body["payload"]["state"] = "FIRING"
    assert parse_webhook(body, mapping=mapping).action == "started"
    body["payload"]["state"] = "new"  # the built-in words still apply
    assert parse_webhook(body, mapping=mapping).action == "started"


def test_mapping_that_does_not_match_falls_back_to_builtin_shapes() -> None:
    mapping = WebhookMapping(incident_id="alert.id", status="alert.state")
    event = parse_webhook(sample("webhook_incident_acknowledged_legacy.json"), mapping=mapping)
    assert event.format == "betterstack_incident"


def test_mapping_default_action_and_wrong_types() -> None:
    mapping = WebhookMapping(incident_id="id", default_action="started")
    assert parse_webhook({"id": 5}, mapping=mapping).action == "started"
    with pytest.raises(WebhookParseError, match="id must be a string or an integer"):
        parse_webhook({"id": {"nested": 1}}, mapping=mapping)


def test_mapping_rejects_bad_configuration() -> None:
    with pytest.raises(ValueError, match="status_words"):
        WebhookMapping(status="s", status_words={"x": "exploded"})
    with pytest.raises(ValueError, match="at least one"):
        WebhookMapping(cause="c")
    with pytest.raises(ValueError, match="dotted path"):
        WebhookMapping(incident_id="")


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"", "empty"),
        (b"   ", "empty"),
        (b"{not json", "not valid JSON"),
        (b"<html>502 Bad Gateway</html>", "not valid JSON"),
        (b"[1, 2, 3]", "not an object"),
        (b'"started"', "not an object"),
        (b"null", "not an object"),
        (b"42", "not an object"),
        (b'{"event": "started", "data": []}', "'data' must be a JSON object"),
        (b'{"event": "started", "data": "x"}', "'data' must be a JSON object"),
        (b'{"event": "started", "data": {"id": {"a": 1}, "type": "incident"}}', "data.id must be"),
        (b'{"event": "started", "data": {"id": true, "type": "incident"}}', "data.id must be"),
        (b'{"event": "started", "data": {"id": 1.5, "type": "incident"}}', "data.id must be"),
        (b'{"event": ["x"], "data": {"id": "1", "type": "incident"}}', "event must be a string"),
        (
            b'{"event": "started", "data": {"id": "1", "type": "incident", "attributes": []}}',
            "data.attributes must be a JSON object",
        ),
        (
            b'{"event": "started", "data": {"id": "1", "type": "incident",'
            b' "attributes": {"started_at": {"x": 1}}}}',
            "started_at must be a timestamp",
        ),
        (b'{"status": "new", "id": "1", "title": 5}', "title must be a string"),
        (b'{"hello": "world"}', "unknown shape"),
        (b"{}", "unknown shape"),
        (b'{"a": NaN}', "NaN"),
        (b'{"a": -Infinity}', "Infinity"),
        (b'{"a": 1e999999}', "out of range"),
        (b'{"a": ' + b"9" * 5000 + b"}", "digits"),
    ],
)
def test_hostile_body_raises_webhook_parse_error_saying_what_was_expected(
    body: bytes, message: str
) -> None:
    with pytest.raises(WebhookParseError, match=message) as caught:
        parse_webhook(body)
    assert isinstance(caught.value, BetterStackError)
    assert "internal error" not in str(caught.value)


def test_unknown_shape_error_names_the_recognised_shapes() -> None:
    with pytest.raises(WebhookParseError) as caught:
        parse_webhook({"foo": 1})
    text = str(caught.value)
    for hint in ("X-BetterUptime-Event", "X-S4-Status", "monitor.checked", "mapping="):
        assert hint in text
    assert "betterstack_incident" in RECOGNISED_FORMATS


def test_unterminated_comment_is_still_rejected_as_json() -> None:
    with pytest.raises(WebhookParseError, match="not valid JSON"):
        parse_webhook(b'{"event": "started" /* never closed')


def test_oversized_body_is_refused_before_decoding() -> None:
    huge = b"{" + b" " * (2 * 1_048_576) + b"}"
    with pytest.raises(WebhookParseError, match="larger than the 1048576-byte limit"):
        parse_webhook(huge)
    with pytest.raises(WebhookParseError, match="larger than"):
        parse_webhook(huge.decode())
    with pytest.raises(WebhookParseError, match="larger than the 100-byte limit"):
        parse_webhook(sample("webhook_incident_acknowledged_legacy.json"), max_bytes=100)
    with pytest.raises(WebhookParseError, match="larger than"):
        parse_webhook({"a": "x" * 200}, max_bytes=100)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000,
        b'{"a": ' + b"[" * 40 + b"]" * 40 + b"}",
    ],
)
def test_deep_nesting_is_refused_without_recursing(body: bytes) -> None:
    start = time.monotonic()
    with pytest.raises(WebhookParseError, match="nests deeper than 32 levels"):
        parse_webhook(body)
    assert time.monotonic() - start < 2


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    title = "[" * 1000 + "{" * 1000 + '\\"'
    body = b'{"status": "new", "id": "1", "title": "' + title.encode() + b'"}'
    assert parse_webhook(body).title == "[" * 1000 + "{" * 1000 + '"'


def test_max_depth_is_configurable() -> None:
    body = sample("webhook_incident_acknowledged_legacy.json")  # 5 levels deep
    with pytest.raises(WebhookParseError, match="deeper than 4"):
        parse_webhook(body, max_depth=4)
    assert parse_webhook(body, max_depth=5).incident_id == "1"


def test_decoded_mapping_is_validated_too() -> None:
    cyclic: dict[str, Any] = {"status": "new", "id": "1"}
    cyclic["self"] = cyclic
    with pytest.raises(WebhookParseError, match="nests deeper"):
        parse_webhook(cyclic)
    with pytest.raises(WebhookParseError, match="not a JSON value"):
        parse_webhook({"status": "new", "id": "1", "x": {1, 2}})
    with pytest.raises(WebhookParseError, match="keys are strings"):
        parse_webhook({"status": "new", 1: "x"})  # type: ignore[dict-item]
    with pytest.raises(WebhookParseError, match="NaN or Infinity"):
        parse_webhook({"status": "new", "id": "1", "x": float("nan")})
    shared: list[Any] = []
    for _ in range(25):  # 2**25 paths through 25 shared lists: refused by the size budget
        shared = [shared, shared]
    with pytest.raises(WebhookParseError, match="larger than"):
        parse_webhook({"status": "new", "id": "1", "x": shared}, max_bytes=100_000)
    with pytest.raises(WebhookParseError, match="larger than"):
        parse_webhook({"status": "new", "id": "1", "x": [0] * 600_000})


def test_wrong_body_type_and_bad_arguments() -> None:
    with pytest.raises(WebhookParseError, match="bytes, str or a mapping"):
        parse_webhook([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_bytes"):
        parse_webhook(b"{}", max_bytes=0)
    with pytest.raises(ValueError, match="max_depth"):
        parse_webhook(b"{}", max_depth=0)


def test_huge_id_and_long_strings() -> None:
    with pytest.raises(WebhookParseError, match="too large to be an id"):
        parse_webhook({"status": "new", "id": 10**400})
    with pytest.raises(WebhookParseError, match="longer than 256"):
        parse_webhook({"status": "new", "id": "1" * 300})
    event = parse_webhook({"status": "new", "id": "1", "title": "t" * 500_000})
    assert event.title is not None
    assert len(event.title) == 500_000


def test_unreadable_times_become_none_but_wrong_types_do_not() -> None:
    body = incident_body("started", started_at="yesterday-ish")
    assert parse_webhook(body).at is None
    assert parse_webhook(incident_body("started", started_at="$STARTED_AT")).at is None
    assert parse_webhook(incident_body("started", started_at=1e300)).at is None
    epoch = parse_webhook(incident_body("started", started_at=1_700_000_000))
    assert epoch.at == datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)
    naive = parse_webhook(incident_body("started", started_at="2024-01-01 10:00:00"))
    assert naive.at == utc("2024-01-01T10:00:00Z")
    with pytest.raises(WebhookParseError, match="timestamp"):
        parse_webhook(incident_body("started", started_at=True))


def test_bom_and_str_bodies_are_accepted() -> None:
    raw = sample("webhook_incident_acknowledged_legacy.json")
    assert parse_webhook(b"\xef\xbb\xbf" + raw).incident_id == "1"
    assert parse_webhook(raw.decode()).incident_id == "1"


def test_event_is_frozen_hashable_and_keys_repeated_deliveries() -> None:
    raw = sample("webhook_incident_acknowledged_legacy.json")
    first, again = parse_webhook(raw), parse_webhook(raw.decode())
    assert first == again
    assert hash(first) == hash(again)
    assert first.delivery_key() == again.delivery_key()
    assert first.delivery_key() != parse_webhook(incident_body("started")).delivery_key()
    with pytest.raises(AttributeError):
        first.action = "resolved"  # type: ignore[misc]
    assert "raw" not in repr(first)


# --------------------------------------------------------------------------- properties

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
# Keys the parser looks at, so random bodies reach deep into every shape.
INTERESTING_KEYS = st.sampled_from(
    [
        "event", "data", "id", "type", "attributes", "relationships", "monitor", "comment",
        "status", "title", "description", "started_at", "resolved_at", "acknowledged_at",
        "Title", "Cause", "X-S4-ExternalID", "X-S4-Status", "event_type", "page", "incident",
        "maintenance", "incident_updates", "dt", "message", "calendar_id", "emails", "name",
        "cause", "created_at", "updated_at", "body",
    ]
)  # fmt: skip
INTERESTING_WORDS = st.sampled_from(
    ["incident", "monitor", "started", "resolved", "new", "monitor.checked", "$INCIDENT_ID",
     "2024-01-01T00:00:00Z", "created", "comment", "ack", ""]
)  # fmt: skip
SHAPED_VALUES = st.recursive(
    JSON_SCALARS | INTERESTING_WORDS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(INTERESTING_KEYS | st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=30,
)
HEADERS = st.none() | st.fixed_dictionaries(
    {"X-BetterUptime-Event": st.sampled_from(["incident", "maintenance", "x" * 100, ""])}
)
PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _event_or_parse_error(body: Any, headers: Any = None) -> None:
    try:
        event = parse_webhook(body, headers=headers)
    except WebhookParseError as exc:
        error: WebhookParseError | None = exc
    else:
        error = None
    if error is not None:
        assert "internal error" not in str(error), repr(error.__cause__)
        return
    assert isinstance(event, WebhookEvent)
    assert event.kind in {"incident", "monitor", "on_call", "status_page", "incident_log"}
    assert event.format in RECOGNISED_FORMATS
    assert isinstance(event.action, str)
    assert event.action
    for value in (event.incident_id, event.monitor_id, event.status_report_id):
        assert value is None or isinstance(value, str)
    assert event.at is None or event.at.tzinfo is not None
    event.delivery_key()


@PROPERTY_SETTINGS
@given(JSON_VALUES)
def test_any_json_value_gives_an_event_or_a_parse_error(value: Any) -> None:
    _event_or_parse_error(json.dumps(value).encode())
    if isinstance(value, dict):
        _event_or_parse_error(value)


@PROPERTY_SETTINGS
@given(SHAPED_VALUES, HEADERS)
def test_shaped_json_gives_an_event_or_a_parse_error(value: Any, headers: Any) -> None:
    _event_or_parse_error(json.dumps(value), headers)


@PROPERTY_SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_give_an_event_or_a_parse_error(body: bytes) -> None:
    _event_or_parse_error(body)


@PROPERTY_SETTINGS
@given(st.text(alphabet='{}[]",:0123456789.eE-+ /*\\natrufls', max_size=200))
def test_json_like_text_gives_an_event_or_a_parse_error(text: str) -> None:
    _event_or_parse_error(text)
