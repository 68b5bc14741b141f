"""Every status maps to its exception, with Better Stack's own words in the message."""

from __future__ import annotations

import json

import httpx
import pytest

from betterstack_rca import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BetterStackError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseParseError,
    ServerError,
    UnprocessableEntityError,
)

from .helpers import TOKEN, json_response, sync_client


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (405, APIStatusError),
        (409, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
    ],
)
def test_status_maps_to_exception(status: int, cls: type[APIStatusError]) -> None:
    client, _ = sync_client(lambda r: json_response(status, {"errors": "nope"}), max_retries=0)
    with pytest.raises(cls) as info:
        client.get_json("/api/v2/monitors")
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.path == "/api/v2/monitors"
    assert "nope" in str(err)
    assert isinstance(err, BetterStackError)


def test_string_errors_member_is_the_message() -> None:
    body = {"errors": "Resource with provided ID was not found"}
    client, _ = sync_client(lambda r: json_response(404, body))
    with pytest.raises(NotFoundError, match="Resource with provided ID was not found"):
        client.get_json("/api/v2/monitors/1")


def test_object_errors_member_lists_fields_and_messages() -> None:
    body = {"errors": {"name": ["can't be blank"], "url": ["is invalid", "is taken"]}}
    client, _ = sync_client(lambda r: json_response(422, body))
    with pytest.raises(UnprocessableEntityError) as info:
        client.get_json("/api/v2/on-calls")
    assert "name: can't be blank" in str(info.value)
    assert "url: is invalid, is taken" in str(info.value)


def test_empty_body_404_names_the_status() -> None:
    client, _ = sync_client(lambda r: httpx.Response(404, content=b""))
    with pytest.raises(NotFoundError) as info:
        client.get_json("/api/v2/incidents/9/comments")
    assert "Not Found" in str(info.value)
    assert info.value.body is None


def test_html_error_page_is_summarised_not_dumped() -> None:
    html = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>" + b"x" * 5000
    client, _ = sync_client(
        lambda r: httpx.Response(502, content=html, headers={"content-type": "text/html"}),
        max_retries=0,
    )
    with pytest.raises(ServerError) as info:
        client.get_json("/api/v2/monitors")
    assert "HTML error page: 502 Bad Gateway" in str(info.value)
    assert len(str(info.value)) < 300


def test_request_id_is_carried() -> None:
    client, _ = sync_client(
        lambda r: json_response(403, {"errors": "Forbidden"}, {"x-request-id": "req-42"})
    )
    with pytest.raises(PermissionDeniedError) as info:
        client.get_json("/api/v2/on-calls")
    assert info.value.request_id == "req-42"
    assert "req-42" in str(info.value)


def test_authentication_error_shows_only_last_four_of_token() -> None:
    body = {"errors": "Invalid Team API token."}
    client, _ = sync_client(lambda r: json_response(401, body))
    with pytest.raises(AuthenticationError) as info:
        client.get_json("/api/v2/monitors")
    text = str(info.value)
    assert TOKEN not in text
    assert TOKEN[-4:] in text
    assert TOKEN[:-4] not in text
    assert "BETTERSTACK_API_TOKEN" in text


def test_html_body_on_200_is_a_parse_error_with_excerpt() -> None:
    page = b"<html><body>Maintenance</body></html>"
    client, _ = sync_client(
        lambda r: httpx.Response(200, content=page, headers={"content-type": "text/html"})
    )
    with pytest.raises(ResponseParseError) as info:
        client.get_json("/api/v2/monitors")
    assert "HTML" in str(info.value)
    assert "Maintenance" in info.value.excerpt
    assert info.value.path == "/api/v2/monitors"


def test_truncated_json_is_a_parse_error() -> None:
    client, _ = sync_client(lambda r: httpx.Response(200, content=b'{"data": [{"id": "1", "ty'))
    with pytest.raises(ResponseParseError, match="truncated"):
        client.get_json("/api/v2/monitors")


def test_deeply_nested_json_is_a_parse_error() -> None:
    client, _ = sync_client(lambda r: httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000))
    with pytest.raises(ResponseParseError):
        client.get_json("/api/v2/monitors")


@pytest.mark.parametrize(
    "content",
    [
        b'{"a": [1, 2.5, -0.0, 1e999, 123456789012345678901234567890], "b": "\\u00e9 x"}',
        b"\xef\xbb\xbf" + b'{"data": []}',  # a BOM: the fast parser refuses, the stdlib reads it
        b'["\\ud800"]',  # a lone surrogate, likewise
        b"[" * 64 + b"]" * 64,  # as deep as an answer may nest
        b"\xef\xbb\xbf" + b'{"a":' * 63 + b"[]" + b"}" * 63,  # the same through the stdlib
        b'  {"a": NaN}\n',
    ],
    ids=["values", "bom", "lone-surrogate", "64-deep", "64-deep-bom", "nan"],
)
def test_a_body_decodes_to_what_the_stdlib_decoder_gives(content: bytes) -> None:
    client, _ = sync_client(lambda r: httpx.Response(200, content=content))
    got = client.get_json("/api/v2/monitors")
    want = json.loads(content)
    assert repr(got) == repr(want)  # repr: NaN != NaN, and -0.0 == 0.0


@pytest.mark.parametrize("depth", [65, 100, 200, 201, 300])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "bom"])
def test_nesting_deeper_than_64_is_a_parse_error_whichever_parser_reads_it(
    depth: int, bom: bytes
) -> None:
    # the fast parser (jiter) reads up to 200 levels itself, the stdlib reads a BOM and
    # deeper: both answers meet the same limit
    content = bom + b'{"data": ' + b'[{"a": "]}", "b":' * (depth - 1) + b"1" + b"}]" * (depth - 1)
    content += b"}"
    client, _ = sync_client(lambda r: httpx.Response(200, content=content))
    with pytest.raises(ResponseParseError, match="nested deeper than 64 levels"):
        client.get_json("/api/v2/monitors")


def test_response_over_the_size_limit_is_refused() -> None:
    client, _ = sync_client(lambda r: httpx.Response(200, content=b" " * 2000))
    client._sender.max_response_bytes = 1000
    with pytest.raises(ResponseParseError, match="byte limit"):
        client.get_json("/api/v2/monitors")


def test_timeout_becomes_api_timeout_error_after_retries() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    client, sleeps = sync_client(handler, max_retries=2)
    with pytest.raises(APITimeoutError):
        client.get_json("/api/v2/monitors")
    assert len(sleeps) == 2


def test_connection_reset_becomes_api_connection_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("reset by peer", request=request)

    client, _ = sync_client(handler, max_retries=1)
    with pytest.raises(APIConnectionError) as info:
        client.get_json("/api/v2/monitors")
    assert not isinstance(info.value, APITimeoutError)
