"""Secrets stay home: the API token, the sandbox's planted secrets and the receiver's secret.

The token must not appear in a repr, a log line (any level, any logger, retries included),
an exception, a bundle, a report or a cassette. Every secret the sandbox plants (policy
incident tokens, heartbeat ping URLs, monitor passwords and header values, webhook template
credentials, ...) must be redacted from every rendering of every bundle: the scripted
scenarios and a sample of the last week's incidents. `next` links to another host are
refused before the token could travel there. The receiver compares its shared secret with
`hmac.compare_digest` and never logs it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from betterstack_rca import (
    AsyncBetterStack,
    AuthenticationError,
    BetterStack,
    BetterStackError,
    ResponseParseError,
    cli,
)
from betterstack_rca.cli import _common
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.sandbox import Faults
from betterstack_rca.webhooks.receiver import Receiver
from betterstack_rca.webhooks.receiver import checks as receiver_module

from .support import MAX_RETRIES, REF, FaultPlan, headline_id, sandbox_client

#: A token that looks real and is unlike anything else in the output.
TOKEN = "bstk-Q7x9Vw2LmN4pR8sT6uY3zA1c"
CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
#: Sources that carry the planted secrets (monitor, heartbeat, policy, integrations, texts).
SECRET_SOURCES = frozenset(
    {"monitor", "heartbeat", "policy", "routing", "comments", "timeline", "metadata"}
)
SAMPLE = 30


class Recording(httpx.BaseTransport):
    """Passes requests on and keeps every response body (to prove the secrets were there)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.bodies: list[bytes] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        with self._lock:
            self.bodies.append(content)
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )


def renderings(bundle: IncidentBundle) -> dict[str, str]:
    return {
        "to_json": bundle.to_json(),
        "to_markdown": bundle.to_markdown(),
        "to_markdown(2000)": bundle.to_markdown(max_chars=2000),
        "_repr_markdown_": bundle._repr_markdown_(),
        "repr": repr(bundle),
        "str": str(bundle),
        "to_dict": repr(bundle.to_dict()),
    }


def assert_clean(texts: dict[str, str], secrets: list[str], where: str) -> None:
    for name, text in texts.items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{where} {name} leaks {leaked}"


# --- the API token -----------------------------------------------------------------------------


def test_the_token_is_in_no_repr() -> None:
    client = sandbox_client(token=TOKEN)
    objects: list[Any] = [
        client,
        client._config,
        client.incidents,
        client.monitors.list(),
        client._sender.stats,
    ]
    for obj in objects:
        assert TOKEN not in repr(obj)
        assert TOKEN not in str(obj)
    assert TOKEN[-4:] in repr(client)  # the most it shows: the last four characters


def test_the_token_is_in_no_log_line_of_a_bundle_with_retries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    client = sandbox_client(
        token=TOKEN,
        wrap=lambda inner: FaultPlan(inner, "5xx", 0.3, seed=3, max_streak=MAX_RETRIES),
    )
    bundle = client.bundle(headline_id(client), now=REF)
    assert bundle.stats.retries > 0
    retried = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert retried, "the retries were logged"
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + str(record.__dict__)
        assert TOKEN not in text, record
    assert TOKEN not in caplog.text


def test_the_token_is_in_no_exception() -> None:
    wrong = sandbox_client(token=TOKEN)
    wrong._sandbox.app.token = "the-right-token-is-another"  # type: ignore[union-attr]
    errors: list[BaseException] = []
    with pytest.raises(AuthenticationError) as info:
        wrong.incidents.get(headline_id(wrong))
    errors.append(info.value)
    for faults in (
        Faults(error_rate=1.0),
        Faults(timeout_rate=1.0),
        Faults(reset_rate=1.0),
        Faults(truncated_json_rate=1.0),
        Faults(forbidden=frozenset({"incidents"})),
    ):
        client = sandbox_client(token=TOKEN, faults=faults)
        with pytest.raises(BetterStackError) as info:
            client.incidents.get(headline_id(client))
        errors.append(info.value)
    for error in errors:
        chain = [error, error.__cause__, error.__context__]
        for exc in filter(None, chain):
            assert TOKEN not in str(exc)
            assert TOKEN not in repr(exc)
            assert TOKEN not in repr(vars(exc))


def test_the_token_is_in_no_bundle_and_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = sandbox_client(token=TOKEN, faults=Faults(forbidden=frozenset({"on-calls"})))
    bundle = client.bundle(headline_id(client), now=REF)
    assert_clean(renderings(bundle), [TOKEN], "bundle")

    report = sandbox_client(token=TOKEN)
    monkeypatch.setattr(_common, "sandbox_client", lambda seed, max_rps: report)
    monkeypatch.setattr(_common, "now", lambda: REF)
    out = tmp_path / "report"
    argv = ["--sandbox", "--debug", "report", "--since", "7d", "--limit", "3", "--out", str(out)]
    assert cli.main(argv) == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    # index.{md,json} and bundle.{json,md} and row.json per incident
    assert len(files) == 2 + 3 * 3
    captured = capsys.readouterr()
    texts = {str(p): p.read_text() for p in files}
    texts |= {"stdout": captured.out, "stderr": captured.err}
    assert_clean(texts, [TOKEN], "report")


def test_the_token_is_in_no_cassette() -> None:
    yaml = pytest.importorskip("yaml")
    cassettes = sorted(CASSETTES.glob("*.yaml"))
    if not cassettes:
        pytest.skip("no cassettes recorded (tests/cassettes/*.yaml)")
    from betterstack_rca.sandbox import SANDBOX_TOKEN

    for path in cassettes:
        text = path.read_text()
        assert SANDBOX_TOKEN not in text, path
        assert TOKEN not in text, path
        assert "bearer " not in text.lower(), path
        for interaction in yaml.safe_load(text).get("interactions", []):
            headers = {k.lower() for k in interaction["request"].get("headers", {})}
            assert not headers & {"authorization", "cookie", "x-api-key"}, path


# --- planted secrets ---------------------------------------------------------------------------


def test_no_planted_secret_in_any_rendering_of_any_scenario() -> None:
    transport: list[Recording] = []
    client = sandbox_client(wrap=lambda inner: transport.append(Recording(inner)) or transport[0])
    account = client.sandbox_account.account  # type: ignore[union-attr]
    secrets = account.planted_secrets()
    for key, scenario in account.scenarios.items():
        bundle = client.bundle(scenario.incident_id, now=REF)
        assert_clean(renderings(bundle), secrets, f"scenario {key}")
    raw = b"".join(transport[0].bodies).decode()
    assert sum(s in raw for s in secrets) >= 10  # the API did hand them over


def test_no_planted_secret_in_a_sample_of_the_last_week() -> None:
    transport: list[Recording] = []
    client = sandbox_client(wrap=lambda inner: transport.append(Recording(inner)) or transport[0])
    secrets = client.sandbox_account.account.planted_secrets()  # type: ignore[union-attr]
    week = client.incidents.list(from_=REF - timedelta(days=7), to=REF).to_list()
    assert len(week) > SAMPLE
    step = len(week) / SAMPLE
    sample = [week[int(i * step)] for i in range(SAMPLE)]  # spread over the week
    for incident in sample:
        bundle = client.bundle(incident.id, now=REF, sources=SECRET_SOURCES)
        assert_clean(renderings(bundle), secrets, f"incident {incident.id}")
    raw = b"".join(transport[0].bodies).decode()
    seen = [s for s in secrets if s in raw]
    assert len(seen) >= 10, "the sample's raw responses carried planted secrets"


# --- foreign hosts -------------------------------------------------------------------------------


FOREIGN = [
    "https://evil.example.com/api/v2/monitors?page=2",
    "http://uptime.betterstack.com/api/v2/monitors?page=2",  # downgrade to plain HTTP
    "https://uptime.betterstack.com:8443/api/v2/monitors?page=2",  # another port
    "https://uptime.betterstack.com.evil.example.com/api/v2/monitors?page=2",
    "https://user@evil.example.com/api/v2/monitors?page=2",
]


def _page(next_link: str, last_link: str | None = None) -> httpx.Response:
    body = {
        "data": [{"id": str(n), "type": "monitor", "attributes": {}} for n in range(3)],
        "pagination": {"next": next_link, "last": last_link or next_link},
    }
    return httpx.Response(200, json=body)


@pytest.mark.parametrize("link", FOREIGN)
def test_a_next_link_to_another_host_is_refused(link: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _page(link)

    client = BetterStack(TOKEN, transport=httpx.MockTransport(handler), max_rps=1e6)
    with pytest.raises(ResponseParseError, match="another host"):
        client.monitors.list().to_list()
    assert [r.url.host for r in seen] == ["uptime.betterstack.com"]
    assert seen[0].url.scheme == "https"

    async def collect() -> None:
        async with AsyncBetterStack(
            TOKEN, transport=httpx.MockTransport(handler), max_rps=1e6
        ) as aclient:
            await aclient.monitors.list().to_list()

    seen.clear()
    with pytest.raises(ResponseParseError, match="another host"):
        asyncio.run(collect())
    assert [str(r.url.host) for r in seen] == ["uptime.betterstack.com"]


# --- the receiver's shared secret ------------------------------------------------------------

SECRET = "rcv-Secret-7Hq2Zp9Lx4"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        with exc:
            return int(exc.code)


def test_the_receiver_compares_its_secret_in_constant_time_and_never_logs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    calls: list[tuple[bytes, bytes]] = []
    real = receiver_module.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(receiver_module.hmac, "compare_digest", spy)
    client = sandbox_client()
    incident = headline_id(client)
    body = json.dumps(
        {"data": {"id": incident, "type": "incident", "attributes": {"name": "db"}}}
    ).encode()
    basic = base64.b64encode(f"user:{SECRET}".encode()).decode()
    with Receiver(client, out_dir=tmp_path, port=0, secret=SECRET, grace=5) as receiver:
        url = receiver.url
        good = [
            ({"X-Webhook-Secret": SECRET}, url),
            ({"Authorization": f"Bearer {SECRET}"}, url),
            ({"Authorization": f"Basic {basic}"}, url),
            ({}, f"{url}?secret={SECRET}"),
        ]
        for headers, target in good:
            status = _post(target, body, {"Content-Type": "application/json", **headers})
            assert status in (200, 202), (headers, target)
        wrong = SECRET[:-1] + "X"
        for headers, target in (({"X-Webhook-Secret": wrong}, url), ({}, f"{url}?secret={wrong}")):
            assert _post(target, body, headers) == 401
        assert _post(url, body, {}) == 401
        receiver.wait_idle(10)
    secret = SECRET.encode()
    assert calls, "hmac.compare_digest was not used"
    assert all(expected == secret for _, expected in calls)
    assert {given for given, _ in calls} >= {secret, wrong.encode()}
    for record in caplog.records:
        text = record.getMessage() + repr(record.args)
        assert SECRET not in text, record
        assert basic not in text, record
    assert SECRET not in caplog.text
    assert SECRET not in repr(receiver)
