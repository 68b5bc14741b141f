"""A receiver that cannot be starved, a report one bad row cannot stop, files that are
written one safe way (issue 14, items 11-14). Each test failed on the main before the fix.
All traffic is on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_receiver import files_under, incident_body, raw_request, request, scenario_id

from betterstack_rca import BetterStack, cli
from betterstack_rca.cli import _common
from betterstack_rca.sandbox import Faults
from betterstack_rca.webhooks.receiver import Receiver
from betterstack_rca.webhooks.receiver.handler import WebhookServer

SECRET = "hook-secret-5b1d9e"
AUTH = {"X-Webhook-Secret": SECRET}


@pytest.fixture
def receivers(tmp_path: Path) -> Iterator[Callable[..., Receiver]]:
    started: list[Receiver] = []

    def start(bs: BetterStack, **options: Any) -> Receiver:
        options.setdefault("secret", SECRET)
        receiver = Receiver(bs, out_dir=tmp_path / "out", port=0, **options).start()
        started.append(receiver)
        return receiver

    yield start
    for receiver in started:
        receiver.stop(grace=0)


# --- 11. amplification -------------------------------------------------------------------


def test_a_receiver_without_a_secret_needs_the_insecure_flag(tmp_path: Path) -> None:
    with BetterStack.sandbox(max_rps=1000) as bs:
        with pytest.raises(ValueError, match="insecure_no_secret"):
            Receiver(bs, out_dir=tmp_path)
        assert repr(Receiver(bs, out_dir=tmp_path, insecure_no_secret=True))
    assert cli.main(["--sandbox", "listen", "--out", str(tmp_path), "--port", "0"]) == 2


def test_a_sender_cannot_queue_more_than_its_share(receivers: Callable[..., Receiver]) -> None:
    with BetterStack.sandbox(max_rps=1000, faults=Faults(latency=0.3)) as slow:
        receiver = receivers(slow, max_pending_per_sender=3, workers=1)
        answers = [
            request(receiver.url, incident_body(str(900000 + n)), headers=AUTH)[0] for n in range(6)
        ]
    assert answers[:3] == [202, 202, 202]
    assert answers[3:] == [429, 429, 429]  # the queue is not theirs to fill


def test_repeated_deliveries_of_one_incident_collapse(receivers: Callable[..., Receiver]) -> None:
    with BetterStack.sandbox(max_rps=1000) as bs:
        receiver = receivers(bs)
        iid = scenario_id(bs)
        assert request(receiver.url, incident_body(iid), headers=AUTH)[0] == 202
        assert receiver.wait_idle(20)
        # the same incident and action again, in another body: not collected again
        for n in range(5):
            again = incident_body(iid, cause=f"Connection timeout #{n}")
            status, answer = request(receiver.url, again, headers=AUTH)
            assert status == 200
            assert answer["status"] == "duplicate"
        assert request(receiver.url, incident_body(iid, "resolved"), headers=AUTH)[0] == 202
        assert receiver.wait_idle(20)
    assert receiver.stats.collections == 2


# --- 12. slow headers --------------------------------------------------------------------


def _closed_within(sock: socket.socket, attempts: int, every: float) -> bool:
    """Trickle a header byte every `every` seconds; True once the server hangs up."""
    sock.settimeout(every)
    for _ in range(attempts):
        try:
            sock.sendall(b"X")
            if sock.recv(1024) == b"":
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


def test_trickled_headers_are_cut_off_at_the_header_deadline(
    receivers: Callable[..., Receiver],
) -> None:
    with BetterStack.sandbox(max_rps=1000) as bs:
        receiver = receivers(bs, header_timeout=0.5)
        with socket.create_connection(("127.0.0.1", receiver.port)) as sock:
            sock.sendall(b"POST / HTTP/1.1\r\nX-Slow: ")
            # 10 s of trickling at most; each byte alone would keep a per-recv timeout alive
            assert _closed_within(sock, attempts=100, every=0.1)


def test_connections_are_bounded_and_the_backlog_is_large(
    receivers: Callable[..., Receiver],
) -> None:
    assert WebhookServer.request_queue_size >= 128
    with BetterStack.sandbox(max_rps=1000) as bs:
        receiver = receivers(bs, max_connections=4, header_timeout=30)
        idle = [socket.create_connection(("127.0.0.1", receiver.port)) for _ in range(4)]
        try:
            time.sleep(0.2)  # let the server accept them (no timing is asserted)
            answer = raw_request(receiver.port, b"GET /healthz HTTP/1.0\r\n\r\n")
            assert answer.startswith(b"HTTP/1.0 503")
        finally:
            for sock in idle:
                sock.close()
        for _ in range(50):  # the slots come back as the idle connections close
            if request(receiver.url + "/healthz", method="GET")[0] == 200:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the connection slots never came back")


# --- 13. one id rule ---------------------------------------------------------------------


def test_the_receiver_refuses_ids_the_client_would_refuse(
    receivers: Callable[..., Receiver], caplog: pytest.LogCaptureFixture
) -> None:
    with BetterStack.sandbox(max_rps=1000) as bs:
        receiver = receivers(bs)
        for bad in ("1.2", "a" * 65, "x..y"):
            assert request(receiver.url, incident_body(bad), headers=AUTH)[0] == 400
        assert receiver.wait_idle(5)
    assert "Traceback" not in caplog.text
    assert files_under(receiver.out_dir) == []


class BadIds(httpx.BaseTransport):
    """The sandbox, but the listing names one incident with an id the client rejects."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path != "/api/v3/incidents" or response.status_code != 200:
            return response
        response.read()
        body = json.loads(response.content)
        if body.get("data"):
            body["data"][0]["id"] = "../../escape me"
        return httpx.Response(200, json=body, request=request)


def _sandbox_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> int:
    from reliability.support import REF, sandbox_client

    monkeypatch.setattr(
        _common, "sandbox_client", lambda seed, max_rps: sandbox_client(wrap=BadIds)
    )
    monkeypatch.setattr(_common, "now", lambda: REF)
    argv = ["--sandbox", "report", "--since", "7d", "--limit", "3", "--out", str(tmp_path)]
    return cli.main([*argv, *extra])


def test_a_bad_id_in_the_listing_is_a_failed_row_not_the_end_of_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert _sandbox_report(out, monkeypatch) == 0
    index = (out / "index.md").read_text()
    assert "## Failed bundles" in index
    assert "not a plain id" in index
    assert len(list(out.glob("*/bundle.json"))) == 2  # the other rows were written
    assert not (tmp_path / "escape me").exists()


# --- 14. files ---------------------------------------------------------------------------


def test_the_report_does_not_write_through_a_planted_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reliability.support import REF, headline_id, sandbox_client

    iid = headline_id(sandbox_client())
    out = tmp_path / "out"
    (out / iid).mkdir(parents=True)
    target = tmp_path / "precious.txt"
    target.write_text("do not touch\n")
    (out / iid / "bundle.json").symlink_to(target)
    monkeypatch.setattr(_common, "sandbox_client", lambda seed, max_rps: sandbox_client())
    monkeypatch.setattr(_common, "now", lambda: REF)
    argv = ["--sandbox", "report", "--since", "2d", "--out", str(out)]
    assert cli.main(argv) == 0
    assert target.read_text() == "do not touch\n"
    index = (out / "index.md").read_text()
    assert "symbolic link" in index  # the row failed, and says why
    for path in out.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_bundle_out_does_not_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reliability.support import headline_id, sandbox_client

    iid = headline_id(sandbox_client())
    path = tmp_path / "b.md"
    path.write_text("mine\n")
    assert cli.main(["--sandbox", "bundle", iid, "--out", str(path)]) == 2
    assert path.read_text() == "mine\n"
    assert "--force" in capsys.readouterr().err
    assert cli.main(["--sandbox", "bundle", iid, "--out", str(path), "--force"]) == 0
    assert path.read_text().startswith("# Incident")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.unlink(path)


def test_the_receiver_neither_sweeps_nor_writes_through_a_link(
    tmp_path: Path, receivers: Callable[..., Receiver]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kept = elsewhere / ".bundle.json.abc.tmp"
    kept.write_text("not ours\n")
    with BetterStack.sandbox(max_rps=1000) as bs:
        iid = scenario_id(bs)
        out = tmp_path / "out"
        out.mkdir()
        (out / iid).symlink_to(elsewhere, target_is_directory=True)
        receiver = receivers(bs)
        assert request(receiver.url, incident_body(iid), headers=AUTH)[0] == 202
        assert receiver.wait_idle(20)
    assert kept.exists()  # the start-up sweep did not reach through the link
    assert sorted(p.name for p in elsewhere.iterdir()) == [kept.name]  # nothing written there
    assert receiver.stats.failed == 1
