"""The webhook receiver end to end over 127.0.0.1 with the sandbox behind it, and bundle_for."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import signal
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from betterstack_rca import AsyncBetterStack, BetterStack, NotFoundError
from betterstack_rca.client import NoIncidentInEventError
from betterstack_rca.sandbox import Faults
from betterstack_rca.webhooks import WebhookEvent, parse_webhook
from betterstack_rca.webhooks.receiver import Receiver, listen

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
SECRET = "s3cr3t-Shared-Value-42"
LOGGER = "betterstack_rca.receiver"

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via a proxy


# --------------------------------------------------------------------------- helpers


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def incident_body(incident_id: str, event: str = "started", **attributes: Any) -> bytes:
    """Better Stack's default (non-templated) incident webhook body."""
    attrs = {
        "name": "Primary database",
        "url": "https://db.example.com",
        "cause": "Connection timeout",
        "started_at": "2026-01-01T10:00:00Z",
        **attributes,
    }
    return json.dumps(
        {
            "event": event,
            "data": {"id": incident_id, "type": "incident", "attributes": attrs},
        }
    ).encode()


def request(
    url: str,
    body: bytes | None = None,
    *,
    method: str = "POST",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=10) as resp:
            status, payload = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        with exc:
            status, payload = exc.code, exc.read()
    return status, (json.loads(payload) if payload.strip() else {})


def raw_request(port: int, data: bytes, *, read_timeout: float = 5.0) -> bytes:
    """Send raw bytes (a request urllib would not send) and return the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=read_timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


@pytest.fixture
def client() -> Iterator[BetterStack]:
    with BetterStack.sandbox(max_rps=1000) as bs:
        yield bs


def scenario_id(bs: BetterStack | AsyncBetterStack, key: str = "database_backup") -> str:
    account = bs.sandbox_account
    assert account is not None
    return account.account.scenarios[key].incident_id


@pytest.fixture
def start_receiver(tmp_path: Path) -> Iterator[Callable[..., Receiver]]:
    started: list[Receiver] = []

    def start(bs: BetterStack, **options: Any) -> Receiver:
        options.setdefault("out_dir", tmp_path / "out")
        if "secret" not in options:
            options.setdefault("insecure_no_secret", True)
        receiver = Receiver(bs, host="127.0.0.1", port=0, **options).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop(grace=5)


# --------------------------------------------------------------------------- the happy path


def test_started_answers_at_once_then_writes_and_resolved_refreshes(
    client: BetterStack, start_receiver: Callable[..., Receiver]
) -> None:
    receiver = start_receiver(client)
    iid = scenario_id(client)
    folder = receiver.out_dir / iid

    t0 = time.monotonic()
    status, ack = request(receiver.url + "/webhook", incident_body(iid, "started"))
    assert time.monotonic() - t0 < 1.0
    assert status == 202
    assert ack == {
        "ok": True,
        "kind": "incident",
        "action": "started",
        "incident_id": iid,
        "status": "accepted",
        "collection": "queued",
    }
    wait_for((folder / "bundle.md").exists)
    assert receiver.wait_idle(10)
    bundle = json.loads((folder / "bundle.json").read_text())
    assert str(bundle["incident"]["id"]) == iid
    assert (folder / "bundle.md").read_text().strip()

    (folder / "bundle.md").write_text("MARKER")
    (folder / "bundle.json").write_text("MARKER")
    status, ack = request(receiver.url + "/", incident_body(iid, "resolved"))
    assert (status, ack["action"], ack["status"]) == (202, "resolved", "accepted")
    wait_for(lambda: (folder / "bundle.md").read_text() != "MARKER")
    assert receiver.wait_idle(10)
    assert json.loads((folder / "bundle.json").read_text())["incident"]["id"]
    assert files_under(receiver.out_dir) == [f"{iid}/bundle.json", f"{iid}/bundle.md"]
    stats = receiver.stats
    assert (stats.collections, stats.succeeded, stats.failed) == (2, 2, 0)


def test_a_repeated_delivery_is_answered_duplicate_and_collected_once(
    client: BetterStack, start_receiver: Callable[..., Receiver]
) -> None:
    receiver = start_receiver(client)
    body = incident_body(scenario_id(client), "started")
    assert request(receiver.url + "/webhook", body)[0] == 202
    assert receiver.wait_idle(10)
    status, ack = request(receiver.url + "/webhook", body)
    assert (status, ack["status"]) == (200, "duplicate")
    assert receiver.wait_idle(10)
    assert receiver.stats.collections == 1
    assert receiver.stats.duplicates == 1


def test_deliveries_for_a_queued_or_running_incident_are_coalesced(
    start_receiver: Callable[..., Receiver],
) -> None:
    with BetterStack.sandbox(max_rps=1000, faults=Faults(latency=0.1)) as bs:
        receiver = start_receiver(bs, workers=1)
        a, b = scenario_id(bs, "database_backup"), scenario_id(bs, "tls_expiry")
        assert request(receiver.url, incident_body(a, "started"))[1]["collection"] == "queued"
        wait_for(lambda: receiver.stats.collections == 1)  # a is running
        for action in ("acknowledged", "resolved"):
            _, ack = request(receiver.url, incident_body(a, action))
            assert ack["collection"] == "refresh_after_current"
        assert request(receiver.url, incident_body(b, "started"))[1]["collection"] == "queued"
        assert request(receiver.url, incident_body(b, "resolved"))[1]["collection"] == "coalesced"
        assert receiver.wait_idle(15)
        stats = receiver.stats
        # a, b, and one refresh of a: never one collection per delivery.
        assert (stats.accepted, stats.coalesced, stats.collections) == (5, 3, 3)
        assert stats.succeeded == 3
        assert (receiver.out_dir / a / "bundle.json").exists()
        assert (receiver.out_dir / b / "bundle.json").exists()


# --------------------------------------------------------------------------- the secret


def test_shared_secret_from_header_bearer_basic_or_query(
    client: BetterStack, start_receiver: Callable[..., Receiver], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver = start_receiver(client, secret=SECRET)
    url = receiver.url + "/webhook"

    def monitor_body(n: int) -> bytes:
        raw = json.loads(sample("webhook_monitor_created_legacy.json"))
        raw["data"]["id"] = str(n)
        return json.dumps(raw).encode()

    # Wrong or missing: 401, before the body is even parsed (garbage is not a 400 here).
    for headers, target in [
        ({}, url),
        ({"X-Webhook-Secret": "wrong"}, url),
        ({"X-Webhook-Secret": SECRET[:-1]}, url),
        ({"Authorization": "Bearer wrong"}, url),
        ({}, url + "?secret=wrong"),
        ({}, url + "?other=" + SECRET),
    ]:
        status, answer = request(target, b"not json", headers=headers)
        assert status == 401, (headers, target)
        assert answer["ok"] is False
    basic = base64.b64encode(f"betterstack:{SECRET}".encode()).decode()
    for n, (headers, target) in enumerate(
        [
            ({"X-Webhook-Secret": SECRET}, url),
            ({"Authorization": f"Bearer {SECRET}"}, url),
            ({"Authorization": f"Basic {basic}"}, url),
            ({}, url + "?secret=" + SECRET),
        ]
    ):
        status, answer = request(target, monitor_body(n), headers=headers)
        assert (status, answer["status"]) == (202, "ignored"), (headers, target)
    assert request(receiver.url + "/healthz", method="GET")[0] == 200  # no secret needed

    token = client.sandbox_account.token if client.sandbox_account else ""
    assert "?[redacted]" in caplog.text
    assert SECRET not in caplog.text
    assert SECRET[:-1] not in caplog.text
    assert basic not in caplog.text
    assert token
    assert token not in caplog.text
    assert "401" in caplog.text


def test_the_secret_and_the_token_never_reach_the_logs_of_a_full_delivery(
    start_receiver: Callable[..., Receiver], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with BetterStack.sandbox(max_rps=1000) as bs:
        receiver = start_receiver(bs, secret=SECRET)
        iid = scenario_id(bs)
        request(receiver.url + "/hook?secret=" + SECRET, incident_body(iid, "started"))
        request(receiver.url, incident_body("404404404"), headers={"X-Webhook-Secret": SECRET})
        assert receiver.wait_idle(10)
        token = bs.sandbox_account.token if bs.sandbox_account else ""
    records = [r for r in caplog.records if r.name == LOGGER]
    assert any(iid in r.getMessage() and "202" in r.getMessage() for r in records)
    assert any("does not know this incident" in r.getMessage() for r in records)
    for text in (caplog.text, *(str(r.args) for r in caplog.records)):
        assert SECRET not in text
        assert token not in text


# --------------------------------------------------------------------------- bad requests


def test_bad_requests_are_refused_and_the_server_keeps_serving(
    client: BetterStack, start_receiver: Callable[..., Receiver]
) -> None:
    receiver = start_receiver(client)
    url = receiver.url + "/webhook"

    status, answer = request(url, b"{" * 10 + b"x" * (2 * 1024 * 1024))
    assert status == 413
    assert "limit" in answer["error"]
    # A Content-Length over the limit is refused before any body byte is read.
    head = raw_request(
        receiver.port,
        b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n",
    )
    assert head.startswith(b"HTTP/1.0 413")
    # No length at all (chunked, or nothing): 411; a bad length: 400.
    assert raw_request(
        receiver.port, b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    ).startswith(b"HTTP/1.0 411")
    assert raw_request(receiver.port, b"POST / HTTP/1.1\r\nHost: x\r\n\r\n").startswith(
        b"HTTP/1.0 411"
    )
    assert raw_request(
        receiver.port, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"
    ).startswith(b"HTTP/1.0 400")
    # A length that lies (the body ends early): 400, not a hang.
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=5) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{}")
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(65536).startswith(b"HTTP/1.0 400")

    for garbage in (b"garbage", b"[]", b'{"unknown": "shape"}', b"\xff\xfe", b"{" * 100):
        status, answer = request(url, garbage)
        assert status == 400, garbage
        assert answer["ok"] is False
        assert answer["error"]
    status, answer = request(url, b"")
    assert status == 400
    assert "empty" in answer["error"]

    assert request(url, method="GET")[0] == 405
    assert request(url, b"{}", method="PUT")[0] == 405
    assert request(url, method="DELETE")[0] == 405
    # An id that is not a plain id never becomes a path.
    status, _ = request(url, incident_body("../../escape"))
    assert status == 400

    assert request(receiver.url + "/healthz", method="GET") == (
        200,
        {"ok": True, "status": "healthy"},
    )
    iid = scenario_id(client)
    assert request(url, incident_body(iid))[0] == 202
    assert receiver.wait_idle(10)
    assert files_under(receiver.out_dir) == [f"{iid}/bundle.json", f"{iid}/bundle.md"]
    assert not (receiver.out_dir.parent / "escape").exists()
    assert receiver.stats.rejected >= 12


def test_events_that_warrant_no_bundle_are_ignored(
    client: BetterStack, start_receiver: Callable[..., Receiver], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    receiver = start_receiver(client)
    iid = scenario_id(client)
    bodies: list[tuple[bytes, dict[str, str]]] = [
        (sample("webhook_monitor_created_legacy.json"), {}),
        (sample("incident_log_monitor_checked.json"), {}),
        (
            json.dumps(
                {"data": {"message": "Alice is on call", "calendar_id": 1, "emails": ["a@x.io"]}}
            ).encode(),
            {},
        ),
        (
            json.dumps(
                {"event_type": "incident", "page": {"id": "1"}, "incident": {"id": "77"}}
            ).encode(),
            {"X-BetterUptime-Event": "incident"},
        ),
        (
            json.dumps(
                {
                    "event": "comment",
                    "comment": {"content": "looking", "created_at": "2026-01-01T10:00:00Z"},
                    "data": {"id": iid, "type": "incident", "attributes": {}},
                }
            ).encode(),
            {},
        ),
    ]
    for body, headers in bodies:
        status, answer = request(receiver.url, body, headers=headers)
        assert (status, answer["status"]) == (202, "ignored"), body[:60]
    # An incident event without an incident id: accepted, not collected, and said so.
    status, answer = request(receiver.url, json.dumps({"status": "new", "title": "DB"}).encode())
    assert (status, answer["status"], answer["incident_id"]) == (202, "ignored", None)
    assert "no incident id" in answer["note"]
    assert "no incident id" in caplog.text
    assert receiver.wait_idle(5)
    assert receiver.stats.collections == 0
    assert receiver.stats.ignored == 6
    assert files_under(receiver.out_dir) == []


def test_a_failed_collection_is_recorded_and_the_server_keeps_going(
    start_receiver: Callable[..., Receiver],
) -> None:
    with BetterStack.sandbox(max_rps=1000, faults=Faults(forbidden={"incidents"})) as denied:
        receiver = start_receiver(denied)
        iid = scenario_id(denied)
        assert request(receiver.url, incident_body(iid))[0] == 202
        assert receiver.wait_idle(10)
    error = (receiver.out_dir / iid / "error.txt").read_text()
    assert "PermissionDeniedError" in error
    assert "action: started" in error
    assert files_under(receiver.out_dir) == [f"{iid}/error.txt"]
    assert receiver.stats.failed == 1
    assert request(receiver.url + "/healthz", method="GET")[0] == 200


def test_an_unknown_incident_costs_one_request_and_writes_nothing(
    client: BetterStack, start_receiver: Callable[..., Receiver]
) -> None:
    receiver = start_receiver(client)
    before = client.stats.requests
    assert request(receiver.url, incident_body("999999999"))[0] == 202
    assert receiver.wait_idle(10)
    assert client.stats.requests - before == 1  # the incident alone, no full collection
    assert files_under(receiver.out_dir) == []
    assert receiver.stats.unknown == 1
    assert receiver.stats.failed == 0
    iid = scenario_id(client)
    assert request(receiver.url, incident_body(iid))[0] == 202
    assert receiver.wait_idle(10)
    assert (receiver.out_dir / iid / "bundle.json").exists()


# --------------------------------------------------------------------------- stopping


def test_stop_records_a_collection_that_did_not_finish_and_discards_it_later(
    tmp_path: Path,
) -> None:
    with BetterStack.sandbox(max_rps=1000, faults=Faults(latency=0.25)) as bs:
        receiver = Receiver(bs, out_dir=tmp_path, port=0, insecure_no_secret=True).start()
        iid = scenario_id(bs)
        assert request(receiver.url, incident_body(iid))[0] == 202
        wait_for(lambda: receiver.stats.collections == 1)
        assert receiver.stop(grace=0.05) == [iid]
        assert receiver.stop() == []  # idempotent
        error = (tmp_path / iid / "error.txt").read_text()
        assert "receiver stopped" in error
        with pytest.raises(urllib.error.URLError, match="refused"):
            request(receiver.url + "/healthz", method="GET")
        wait_for(lambda: receiver.stats.discarded == 1)  # the late result is thrown away
    assert files_under(tmp_path) == [f"{iid}/error.txt"]
    assert receiver.stats.unfinished == 1


def test_stop_lets_an_in_flight_collection_finish_within_the_grace_period(
    tmp_path: Path,
) -> None:
    with BetterStack.sandbox(max_rps=1000, faults=Faults(latency=0.05)) as bs:
        with Receiver(bs, out_dir=tmp_path, port=0, grace=15, insecure_no_secret=True) as receiver:
            iid = scenario_id(bs)
            assert request(receiver.url, incident_body(iid))[0] == 202
            wait_for(lambda: receiver.stats.collections == 1)
        # __exit__ stopped it, waiting for the collection.
        assert receiver.stats.succeeded == 1
    assert files_under(tmp_path) == [f"{iid}/bundle.json", f"{iid}/bundle.md"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_listen_serves_until_sigterm_then_returns_0(
    client: BetterStack, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    port = _free_port()
    stop = threading.Event()
    before = signal.getsignal(signal.SIGTERM)
    iid = scenario_id(client)
    outcome: dict[str, Any] = {}

    def drive() -> None:  # from another thread: deliver, then SIGTERM the (main) thread
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: _healthy(url), timeout=5)
            outcome["status"] = request(url + "/webhook", incident_body(iid))[0]
            time.sleep(0.05)
            os.kill(os.getpid(), signal.SIGTERM)
        except BaseException:
            stop.set()  # never leave listen() blocking the test run
            raise

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    code = listen(
        client,
        port=port,
        out_dir=tmp_path,
        secret=None,
        insecure_no_secret=True,
        grace=10,
        stop_event=stop,
    )
    driver.join(5)
    assert code == 0
    assert outcome["status"] == 202
    assert signal.getsignal(signal.SIGTERM) is before
    assert (tmp_path / iid / "bundle.json").exists()
    assert "listening on http://127.0.0.1:" in caplog.text
    assert "stopped" in caplog.text


def test_a_second_sigterm_ends_the_grace_period_and_records_the_unfinished(
    tmp_path: Path,
) -> None:
    port = _free_port()
    stop = threading.Event()
    with BetterStack.sandbox(max_rps=1000, faults=Faults(latency=0.3)) as bs:
        iid = scenario_id(bs)
        sandbox = bs.sandbox_account
        assert sandbox is not None

        def drive() -> None:
            url = f"http://127.0.0.1:{port}"
            try:
                wait_for(lambda: _healthy(url), timeout=5)
                request(url, incident_body(iid))
                wait_for(lambda: sandbox.app.stats.requests > 0)  # collecting now
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.2)
                os.kill(os.getpid(), signal.SIGTERM)
            except BaseException:
                stop.set()
                raise

        driver = threading.Thread(target=drive, daemon=True)
        driver.start()
        t0 = time.monotonic()
        assert (
            listen(
                bs,
                port=port,
                out_dir=tmp_path,
                grace=20,
                stop_event=stop,
                insecure_no_secret=True,
            )
            == 0
        )
        assert time.monotonic() - t0 < 10
        driver.join(5)
        assert "receiver stopped" in (tmp_path / iid / "error.txt").read_text()
        wait_for(lambda: not _receiver_workers_alive())  # the late result is discarded
    assert files_under(tmp_path) == [f"{iid}/error.txt"]


def _receiver_workers_alive() -> bool:
    return any(t.name.startswith("betterstack-rca-receiver-") for t in threading.enumerate())


def _healthy(url: str) -> bool:
    try:
        return request(url + "/healthz", method="GET")[0] == 200
    except OSError:
        return False


def test_listen_returns_2_when_the_port_is_taken(client: BetterStack, tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = threading.Event()
        done.set()
        assert (
            listen(client, port=port, out_dir=tmp_path, stop_event=done, insecure_no_secret=True)
            == 2
        )


def test_receiver_arguments_are_checked(client: BetterStack, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="secret"):
        Receiver(client, out_dir=tmp_path, secret="")
    with pytest.raises(ValueError, match="workers"):
        Receiver(client, out_dir=tmp_path, workers=0, secret=SECRET)
    with pytest.raises(TypeError, match="bundle option"):
        Receiver(client, out_dir=tmp_path, bundle_options={"nonsense": 1}, secret=SECRET)
    receiver = Receiver(client, out_dir=tmp_path, secret=SECRET)
    assert SECRET not in repr(receiver)
    assert receiver.stop() == []  # never started


# --------------------------------------------------------------------------- bundle_for


def _template_body() -> dict[str, Any]:
    raw = json.loads(sample("outgoing_webhook_custom_body_template_example.json"))
    body: dict[str, Any] = raw["custom_webhook_template_attributes"]["body_template"]
    return body


def test_bundle_for_the_documented_incident_sample_asks_the_api_for_incident_1(
    client: BetterStack,
) -> None:
    for name in (
        "webhook_incident_acknowledged_legacy.json",
        "webhook_incident_acknowledged_legacy.jsonc",
    ):
        event = parse_webhook(sample(name))
        assert (event.kind, event.action, event.incident_id) == ("incident", "acknowledged", "1")
        with pytest.raises(NotFoundError):  # "1" is not a sandbox incident
            client.bundle_for(event)


@pytest.mark.parametrize(
    "event",
    [
        parse_webhook(sample("webhook_monitor_created_legacy.json")),
        parse_webhook(_template_body()),  # the template itself: $INCIDENT_ID unsubstituted
        parse_webhook(json.dumps({"status": "Started", "title": "Checkout is down"})),
        parse_webhook(json.dumps({"Title": "Checkout is down", "X-S4-Status": "new"})),
    ],
    ids=["monitor_sample", "unsubstituted_template", "flat_title_only", "s4_title_only"],
)
def test_bundle_for_an_event_without_an_incident_id_says_so(
    client: BetterStack, event: WebhookEvent
) -> None:
    assert event.incident_id is None
    with pytest.raises(NoIncidentInEventError, match="no Better Stack incident id") as info:
        client.bundle_for(event)
    if event.kind == "incident":
        assert "$INCIDENT_ID" in str(info.value)


def test_bundle_for_a_substituted_template_collects_the_incident(client: BetterStack) -> None:
    body = json.dumps(_template_body()).replace("$INCIDENT_ID", scenario_id(client))
    event = parse_webhook(body.replace("$NAME", "Primary database"))
    bundle = client.bundle_for(event)
    assert str(bundle.incident.id) == scenario_id(client)


def test_async_bundle_for() -> None:
    async def main() -> None:
        async with AsyncBetterStack.sandbox(max_rps=1000) as abs_:
            iid = scenario_id(abs_)
            bundle = await abs_.bundle_for(parse_webhook(incident_body(iid, "resolved")))
            assert str(bundle.incident.id) == iid
            legacy = parse_webhook(sample("webhook_incident_acknowledged_legacy.json"))
            with pytest.raises(NotFoundError):
                await abs_.bundle_for(legacy)
            with pytest.raises(NoIncidentInEventError, match="no Better Stack incident id"):
                await abs_.bundle_for(parse_webhook('{"status": "new", "title": "x"}'))

    asyncio.run(main())
