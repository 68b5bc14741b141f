"""Retries: what is retried, how long we wait, and the bound."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from betterstack_rca import APIStatusError, BadRequestError, RateLimitError, ServerError
from betterstack_rca._core.http import parse_retry_after

from .helpers import TOKEN, Recorder, json_response, sync_client

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        (" 2 ", 2.0),
        ("-1", None),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("120", 120.0),
        (format_datetime(datetime.fromtimestamp(NOW + 30, timezone.utc), usegmt=True), 30.0),
        (format_datetime(datetime.fromtimestamp(NOW - 30, timezone.utc), usegmt=True), 0.0),
        ("Wed, 99 Foo 2024 25:61:00 GMT", None),
    ],
)
def test_retry_after_table(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == expected


def test_429_with_retry_after_is_retried_after_that_wait() -> None:
    rec = Recorder(
        [
            json_response(429, {"errors": "slow down"}, {"retry-after": "2"}),
            json_response(200, {"data": []}),
        ]
    )
    client, sleeps = sync_client(rec)
    assert client.get_json("/api/v2/monitors") == {"data": []}
    assert len(rec.requests) == 2
    retry_sleeps = [s for s in sleeps if s >= 1]
    assert retry_sleeps
    assert retry_sleeps[0] >= 2.0
    assert client.stats.rate_limited == 1
    assert client.stats.retries == 1


def test_fractional_retry_after_is_honoured() -> None:
    rec = Recorder(
        [
            json_response(429, {"errors": "x"}, {"retry-after": "0.25"}),
            json_response(200, {"data": []}),
        ]
    )
    client, sleeps = sync_client(rec)
    client.get_json("/api/v2/monitors")
    assert any(0.25 <= s < 0.5 for s in sleeps)


def test_retry_after_above_cap_raises_instead_of_sleeping() -> None:
    rec = Recorder([json_response(429, {"errors": "x"}, {"retry-after": "3600"})])
    client, sleeps = sync_client(rec, retry_after_cap=60)
    with pytest.raises(RateLimitError) as info:
        client.get_json("/api/v2/monitors")
    assert info.value.retry_after == 3600.0
    assert len(rec.requests) == 1
    assert not any(s >= 1 for s in sleeps)


def test_retries_are_bounded() -> None:
    rec = Recorder(lambda r: json_response(503, {"errors": "down"}))
    client, sleeps = sync_client(rec, max_retries=3)
    with pytest.raises(ServerError):
        client.get_json("/api/v2/monitors")
    assert len(rec.requests) == 4
    assert client.stats.retries == 3
    assert client.stats.failures == 1
    assert len([s for s in sleeps if s > 0.01]) == 3


def test_zero_retries_means_one_attempt() -> None:
    rec = Recorder(lambda r: json_response(500, {"errors": "boom"}))
    client, _ = sync_client(rec, max_retries=0)
    with pytest.raises(ServerError):
        client.get_json("/api/v2/monitors")
    assert len(rec.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    rec = Recorder(lambda r: json_response(status, {"errors": "no"}))
    client, _ = sync_client(rec, max_retries=3)
    with pytest.raises(APIStatusError):
        client.get_json("/api/v2/monitors")
    assert len(rec.requests) == 1


def test_408_is_retried() -> None:
    rec = Recorder([json_response(408, {"errors": "timeout"}), json_response(200, {"ok": 1})])
    client, _ = sync_client(rec)
    assert client.get_json("/x") == {"ok": 1}


def test_backoff_grows_exponentially_with_jitter() -> None:
    rec = Recorder(lambda r: json_response(502, {"errors": "bad gateway"}))
    client, sleeps = sync_client(rec, max_retries=4)
    client._sender._rng = random.Random(7)
    with pytest.raises(ServerError):
        client.get_json("/api/v2/monitors")
    waits = [s for s in sleeps if s > 0.01]
    assert len(waits) == 4
    for n, wait in enumerate(waits):
        step = min(8.0, 0.5 * 2**n)
        assert step / 2 <= wait <= step


def test_no_retry_after_does_not_sleep_a_minute() -> None:
    rec = Recorder([json_response(429, {"errors": "x"}), json_response(200, {"ok": 1})])
    client, sleeps = sync_client(rec)
    client.get_json("/x")
    assert max(sleeps) < 2


def test_bad_request_is_typed_and_final() -> None:
    body = {"errors": "The data range is invalid."}
    client, _ = sync_client(lambda r: json_response(400, body))
    with pytest.raises(BadRequestError, match="data range is invalid"):
        client.get_json("/api/v2/monitors/1/sla")


def test_each_failed_response_is_closed_before_retry() -> None:
    closed: list[bool] = []

    class Stream(httpx.SyncByteStream):
        def __iter__(self):  # type: ignore[no-untyped-def]
            yield b'{"errors": "x"}'

        def close(self) -> None:
            closed.append(True)

    answers = [httpx.Response(503, stream=Stream()), httpx.Response(200, json={"ok": 1})]
    client, _ = sync_client(lambda r: answers.pop(0))
    client.get_json("/x")
    assert closed == [True]


def test_retry_is_logged_at_debug_without_the_token(caplog: pytest.LogCaptureFixture) -> None:
    rec = Recorder([json_response(500, {"errors": "x"}), json_response(200, {"ok": 1})])
    client, _ = sync_client(rec)
    with caplog.at_level(logging.DEBUG, logger="betterstack_rca"):
        client.get_json("/api/v2/monitors")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "retrying /api/v2/monitors" in text
    assert TOKEN not in text
    assert TOKEN[:-4] not in text


def test_after_429_the_client_slows_down_and_recovers() -> None:
    clock = [0.0]
    from betterstack_rca._core.pacing import TokenBucket

    bucket = TokenBucket(8.0, 1, clock=lambda: clock[0], cooldown=10.0)
    assert bucket.rate == pytest.approx(8.0)
    bucket.penalize(1.0)
    assert bucket.rate == pytest.approx(4.0)
    assert bucket.reserve() == pytest.approx(1.0)  # nobody goes before the Retry-After
    clock[0] = 11.0
    bucket.reserve()
    assert bucket.rate == pytest.approx(8.0)


def test_retry_after_blocks_every_request_of_the_client() -> None:
    from betterstack_rca._core.pacing import TokenBucket

    clock = [100.0]
    bucket = TokenBucket(100.0, 10, clock=lambda: clock[0])
    bucket.penalize(5.0)
    waits = [bucket.reserve() for _ in range(3)]
    assert all(w >= 5.0 for w in waits)
    assert waits == sorted(waits)  # paced one by one after the block, no burst


def test_retry_state_with_http_date() -> None:
    when = datetime.now(timezone.utc) + timedelta(seconds=3)
    header = format_datetime(when, usegmt=True)
    rec = Recorder(
        [
            json_response(429, {"errors": "x"}, {"retry-after": header}),
            json_response(200, {"ok": 1}),
        ]
    )
    client, sleeps = sync_client(rec)
    client.get_json("/x")
    assert any(1.0 <= s <= 4.1 for s in sleeps)
