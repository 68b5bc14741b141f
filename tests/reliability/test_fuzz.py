"""Whatever bytes the API (or a webhook sender) sends, the caller gets a model or a typed error.

Every resource method of the client is fuzzed over a `MockTransport` that answers 200 with
the drawn body: arbitrary JSON shaped like Better Stack documents (with pagination links
that point anywhere), and arbitrary bytes. The result is a model (or a list of them), or a
`ResponseParseError`; nothing else. `parse_webhook` gets the same treatment: a
`WebhookEvent` or a `WebhookParseError`.

Examples per target come from the hypothesis profile (HYPOTHESIS_PROFILE=ci: 2,000,
deep: 10,000; see conftest.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from betterstack_rca import (
    AsyncBetterStack,
    BetterStack,
    ResponseParseError,
    WebhookParseError,
    parse_webhook,
)
from betterstack_rca.models import JsonApiResource
from betterstack_rca.webhooks import WebhookEvent

from .conftest import fuzz_settings, light_settings

TOKEN = "fuzz-token-0123456789-abcd"
BASE = "https://uptime.betterstack.com"
DAY = "2026-11-20"

#: Every read of the client; paged ones are collected (following `next` links).
METHODS: dict[str, Callable[[BetterStack], Any]] = {
    "incidents.list": lambda c: c.incidents.list(from_=DAY, to=DAY).to_list(),
    "incidents.get": lambda c: c.incidents.get(1),
    "incidents.timeline": lambda c: c.incidents.timeline(1),
    "incidents.comments": lambda c: c.incidents.comments(1),
    "monitors.list": lambda c: c.monitors.list().to_list(),
    "monitors.get": lambda c: c.monitors.get(1),
    "monitors.response_times": lambda c: c.monitors.response_times(1),
    "monitors.sla": lambda c: c.monitors.sla(1, from_=DAY, to=DAY),
    "monitor_groups.list": lambda c: c.monitor_groups.list().to_list(),
    "monitor_groups.get": lambda c: c.monitor_groups.get(1),
    "monitor_groups.monitors": lambda c: c.monitor_groups.monitors(1).to_list(),
    "heartbeats.list": lambda c: c.heartbeats.list().to_list(),
    "heartbeats.get": lambda c: c.heartbeats.get(1),
    "heartbeats.availability": lambda c: c.heartbeats.availability(1, from_=DAY, to=DAY),
    "heartbeat_groups.list": lambda c: c.heartbeat_groups.list().to_list(),
    "heartbeat_groups.get": lambda c: c.heartbeat_groups.get(1),
    "heartbeat_groups.heartbeats": lambda c: c.heartbeat_groups.heartbeats(1).to_list(),
    "on_call.list": lambda c: c.on_call.list().to_list(),
    "on_call.get": lambda c: c.on_call.get("default", at=DAY),
    "on_call.events": lambda c: c.on_call.events("default"),
    "on_call.rotation": lambda c: c.on_call.rotation("default"),
    "policies.list": lambda c: c.policies.list().to_list(),
    "policies.get": lambda c: c.policies.get(1),
    "severities.list": lambda c: c.severities.list().to_list(),
    "severities.get": lambda c: c.severities.get(1),
    "metadata.list": lambda c: c.metadata.list(owner_type="Monitor", owner_id=1).to_list(),
    "status_pages.list": lambda c: c.status_pages.list().to_list(),
    "status_pages.get": lambda c: c.status_pages.get(1),
    "status_pages.sections": lambda c: c.status_pages.sections(1).to_list(),
    "status_pages.resources": lambda c: c.status_pages.resources(1).to_list(),
    "status_pages.reports": lambda c: c.status_pages.reports(1).to_list(),
    "status_pages.report": lambda c: c.status_pages.report(1, 2),
    "status_pages.updates": lambda c: c.status_pages.updates(1, 2).to_list(),
    "outgoing_webhooks.list": lambda c: c.outgoing_webhooks.list().to_list(),
    "outgoing_webhooks.get": lambda c: c.outgoing_webhooks.get(1),
    "email_integrations.list": lambda c: c.email_integrations.list().to_list(),
    "incoming_webhooks.list": lambda c: c.incoming_webhooks.list().to_list(),
}

# --- strategies ------------------------------------------------------------------------------

KEYS = [
    "id",
    "type",
    "attributes",
    "relationships",
    "data",
    "included",
    "pagination",
    "next",
    "last",
    "events",
    "steps",
    "step_members",
    "users",
    "name",
    "started_at",
    "resolved_at",
    "status",
    "monitor_id",
    "heartbeat_id",
    "url",
    "availability",
    "regions",
    "response_times",
    "items",
    "truncated",
    "affected_resources",
    "resource_type",
    "resource_id",
    "on_call_users",
    "errors",
]
LINKS = [
    None,
    "",
    f"{BASE}/api/v2/x?page=2",
    f"{BASE}/api/v2/x?page=1000000000",
    "https://evil.example.com/api/v2/monitors?page=2",
    "http://uptime.betterstack.com/api/v2/monitors?page=2",
    "https://uptime.betterstack.com:8443/api/v2/monitors?page=2",
    "/api/v2/monitors?page=2",
    "page=2",
    "https://uptime.betterstack.com:99999/",
    "//evil.example.com/x",
    "https://uptime.betterstack.com/a b?page=2",
    "https://[::1/",
    "https://uptime.betterstack.com/x?page=\x00",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=16)
    | st.sampled_from(["", "1", "2021-02-12 23:59:59 UTC", "2026-11-20T08:00:00.000Z", "{}"])
)
keys = st.sampled_from(KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=30,
)
resource = st.fixed_dictionaries(
    {"id": st.integers() | st.text(max_size=6) | st.none()},
    optional={
        "type": st.sampled_from(["monitor", "heartbeat", "incident", "user", "x"]) | st.none(),
        "attributes": st.dictionaries(keys, json_values, max_size=6) | json_values,
        "relationships": st.dictionaries(keys, json_values, max_size=3) | json_values,
    },
)
pagination = st.fixed_dictionaries(
    {},
    optional={name: st.sampled_from(LINKS) | json_values for name in ("first", "last", "next")},
)
documents = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"data": resource | st.lists(resource, max_size=3) | json_values},
        optional={
            "included": st.lists(resource, max_size=3) | resource | json_values,
            "pagination": pagination | json_values,
        },
    ),
    st.fixed_dictionaries({"data": st.fixed_dictionaries({"events": json_values})}),
    st.fixed_dictionaries({"events": st.lists(json_values, max_size=3) | json_values}),
)
deep = st.integers(min_value=1, max_value=200_000).map(lambda n: "[" * n + "]" * n)
raw_bodies = st.one_of(
    st.binary(max_size=512),
    documents.map(lambda d: json.dumps(d).encode()),
    documents.map(lambda d: json.dumps(d).encode()[: len(json.dumps(d)) // 2]),
    deep.map(str.encode),
    st.sampled_from([b"", b"null", b"<html><title>502</title></html>", b"\xff\xfe{", b"NaN"]),
)


# --- the client --------------------------------------------------------------------------------


class Answer:
    """A MockTransport handler answering every GET with the current body."""

    def __init__(self) -> None:
        self.body = b""
        self.requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        assert self.requests < 100, "runaway pagination"
        return httpx.Response(200, content=self.body, headers={"content-type": "application/json"})


def _client() -> tuple[BetterStack, Answer]:
    answer = Answer()
    client = BetterStack(
        TOKEN, base_url=BASE, transport=httpx.MockTransport(answer), max_rps=1e9, burst=1000
    )
    client._sender._sleep = lambda _s: None
    return client, answer


def _is_model(value: Any) -> bool:
    if isinstance(value, list):
        return all(_is_model(v) for v in value)
    return value is None or isinstance(value, JsonApiResource) or hasattr(value, "model_dump")


def _a_model_or_a_parse_error(client: BetterStack, answer: Answer, name: str, body: bytes) -> None:
    answer.body, answer.requests = body, 0
    try:
        result = METHODS[name](client)
    except ResponseParseError as exc:
        error = str(exc)
    else:
        assert _is_model(result), (name, type(result))
        return
    assert TOKEN not in error


FUZZ = fuzz_settings()

#: The targets CI fuzzes with the full profile (HYPOTHESIS_PROFILE=ci: 2,000 examples each).
#: Between the bytes and a model the client has three paths of its own: the decoder (every
#: method), `parse_response` (every single read) and `read_page` plus pagination links (every
#: list). `incidents.get` and `incidents.list` take the last two with the richest models; the
#: decoder is a `json.loads` in a `try`, well covered by the raw-bytes target at `LIGHT` over
#: 37 methods (3,700 bodies). The other methods differ only in the model class, and every
#: parser x model is fuzzed on its own in tests/models, so they run `LIGHT` (100 examples) in
#: every profile. Measured on the dev box: ~80 s per heavy client target and ~50 s per
#: webhook target with the ci profile.
HEAVY_JSON = ("incidents.get", "incidents.list")
LIGHT = light_settings()


@pytest.mark.parametrize("name", HEAVY_JSON)
@FUZZ
@given(body=documents)
def test_client_json_gives_a_model_or_a_parse_error(name: str, body: Any) -> None:
    client, answer = _client()
    _a_model_or_a_parse_error(client, answer, name, json.dumps(body).encode())


@pytest.mark.parametrize("name", sorted(set(METHODS) - set(HEAVY_JSON)))
@LIGHT
@given(body=documents)
def test_client_json_every_method(name: str, body: Any) -> None:
    client, answer = _client()
    _a_model_or_a_parse_error(client, answer, name, json.dumps(body).encode())


@pytest.mark.parametrize("name", sorted(METHODS))
@LIGHT
@given(body=raw_bodies)
def test_client_bytes_give_a_model_or_a_parse_error(name: str, body: bytes) -> None:
    client, answer = _client()
    _a_model_or_a_parse_error(client, answer, name, body)


WEBHOOK_KEYS = ["event", "data", "id", "type", "attributes", "incident", "monitor", "status"]
webhook_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(WEBHOOK_KEYS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)
headers = st.none() | st.dictionaries(
    st.sampled_from(["X-BetterUptime-Event", "Content-Type", "x-betteruptime-event"]),
    st.text(max_size=20),
    max_size=2,
)


def _event_or_webhook_error(parse: Callable[[], WebhookEvent]) -> None:
    try:
        event = parse()
    except WebhookParseError:
        return
    assert isinstance(event, WebhookEvent)


@FUZZ
@given(body=webhook_values, headers=headers, as_text=st.booleans())
def test_webhook_json_gives_an_event_or_a_webhook_error(
    body: Any, headers: dict[str, str] | None, as_text: bool
) -> None:
    text = json.dumps(body)
    _event_or_webhook_error(lambda: parse_webhook(text if as_text else text.encode(), headers))
    if isinstance(body, dict):
        _event_or_webhook_error(lambda: parse_webhook(body, headers))


@FUZZ
@given(body=raw_bodies | st.text(max_size=512), headers=headers)
def test_webhook_bytes_give_an_event_or_a_webhook_error(
    body: bytes | str, headers: dict[str, str] | None
) -> None:
    _event_or_webhook_error(lambda: parse_webhook(body, headers))


def test_every_read_method_is_fuzzed() -> None:
    client, _ = _client()
    families = [
        name
        for name in vars(client)
        if not name.startswith("_") and hasattr(getattr(client, name), "_executor")
    ]
    public = {
        f"{family}.{attr}"
        for family in families
        for attr in dir(type(getattr(client, family)))
        if not attr.startswith("_")
    }
    assert public == set(METHODS)


#: Links that may be followed or refused (ResponseParseError), but must not crash. A broken
#: `last` link is only a hint (the page count), so ignoring it is fine.
ODD_LINKS = [
    ("next", "https://evil.example.com/api/v2/monitors?page=2"),
    ("next", "https://uptime.betterstack.com:99999/"),
    ("next", "//evil.example.com/x"),
    ("next", "page=2"),
    ("last", "https://evil.example.com/api/v2/monitors?page=2"),
    ("last", "page=2"),
    ("last", "https://[::1/"),  # crashed with a bare ValueError before f07f00d
    ("last", "//["),  # idem
]
#: `next` links that must be refused with ResponseParseError. Each crashed with a bare
#: ValueError, httpx.InvalidURL or UnicodeEncodeError before f07f00d.
BROKEN_NEXT = [
    "https://[::1/",
    "https://uptime.betterstack.com/api/v2/monitors?page=\x00",
    "https://uptime.betterstack.com/api/v2/monitors?page=2&x=\udcff",
    "https://uptime.betterstack.com/" + "a" * 70_000,
]


@pytest.mark.parametrize(
    ("field", "link", "must_refuse"),
    [pytest.param(f, link, False, id=f"{f}-odd{i}") for i, (f, link) in enumerate(ODD_LINKS)]
    + [
        pytest.param("next", link, True, id=f"next-broken{i}") for i, link in enumerate(BROKEN_NEXT)
    ],
)
def test_malformed_pagination_link_is_a_parse_error(
    field: str, link: str, must_refuse: bool
) -> None:
    body = {"data": [{"id": "1", "type": "monitor", "attributes": {}}], "pagination": {field: link}}
    for collect in (_collect_sync, _collect_async):
        try:
            monitors = collect(json.dumps(body).encode())
        except ResponseParseError:
            continue
        assert not must_refuse
        assert len(monitors) == 1


def _collect_sync(body: bytes) -> list[Any]:
    client, answer = _client()
    answer.body = body
    return client.monitors.list().to_list()


def _collect_async(body: bytes) -> list[Any]:
    answer = Answer()
    answer.body = body

    async def main() -> list[Any]:
        async with AsyncBetterStack(
            TOKEN, base_url=BASE, transport=httpx.MockTransport(answer), max_rps=1e9
        ) as client:
            return await client.monitors.list().to_list()

    return asyncio.run(main())
