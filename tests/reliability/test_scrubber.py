"""Redaction without holes, and at a cost that scales (issue 14, items 5-9).

Each test failed on the main before the fix: the scrubber's holes, error excerpts quoted
unredacted, a token echoed back by the server or kept in an exception chain, CLI paths that
printed account text raw, and redaction time outside `stats.wall_time`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from betterstack_rca import (
    APIConnectionError,
    AuthenticationError,
    BetterStack,
    BetterStackError,
    ResponseParseError,
    cli,
)
from betterstack_rca.cli import _common
from betterstack_rca.rca import IncidentBundle
from betterstack_rca.rca.redact import Redactor, redact, redact_bundle
from betterstack_rca.rca.timeline import SUMMARY_LIMIT, one_line

from .support import REF, headline_id, sandbox_client

TOKEN = "bstk-Z4k8Hq2WnC7vB5xM1pL9sD3f"
PW = "hunter2-Secret-77"  # a password, as it appears in a URL or a body
QT = "qtok-8c1f2e9a7b"  # a query / fragment token


def mock(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> BetterStack:
    client = BetterStack(
        TOKEN, transport=httpx.MockTransport(handler), max_rps=1e9, max_retries=0, **options
    )
    client._sender._sleep = lambda _s: None
    return client


def everything(exc: BaseException) -> str:
    """All an exception shows or holds: message, repr, args, attributes, chained causes."""
    parts: list[str] = []
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        parts += [str(node), repr(node), repr(node.args), repr(vars(node))]
        request = getattr(node, "_request", None) or getattr(node, "request", None)
        if isinstance(request, httpx.Request):
            parts.append(repr(dict(request.headers)))
        node = node.__cause__ or node.__context__
    return "\n".join(parts)


# --- 8. holes in the scrubber ------------------------------------------------------------

HOLES = {
    "userinfo in a non-http URL": f"postgres://app:{PW}@db.internal:5432/shop",
    "upper-case scheme": f"HTTPS://deploy:{PW}@ci.example.com/hook",
    "a ] in a password": f"https://user:{PW}]x@host.example.com/p?token={QT}",
    "a fragment token": f"https://app.example.com/cb#access_token={QT}&state=1",
    "';'-separated parameters": f"https://h.example.com/x?a=1;token={QT};b=2",
    "query name jwt": f"https://h.example.com/x?jwt={QT}",
    "query name pwd": f"https://h.example.com/x?pwd={QT}",
    "query name access": f"https://h.example.com/x?access={QT}",
    "query name sig": f"https://h.example.com/x?sig={QT}",
    "query name signature": f"https://h.example.com/x?signature={QT}",
    "password= in a text body": f"user=ops&password={PW}&mode=1",
    "api_key in JSON text": f'{{"api_key": "{PW}", "region": "eu"}}',
    "upper-case heartbeat ping path": "https://uptime.betterstack.com/API/V1/HEARTBEAT/"
    "Zx81kQpLmN2rT5vW",
}


@pytest.mark.parametrize("name", list(HOLES))
def test_the_scrubber_has_no_hole(name: str) -> None:
    text = f"see {HOLES[name]} now"
    out = redact({"comment": text})["comment"]
    for secret in (PW, QT, "Zx81kQpLmN2rT5vW"):
        assert secret not in out, (name, out)
    assert "[redacted]" in out


@pytest.mark.parametrize(
    ("key", "container"),
    [
        ("auth_token", "attributes"),
        ("clientSecret", "attributes"),
        ("X-Api-Key", "attributes"),
        ("DB_PASSWD", "attributes"),
        ("webhookSignature", "attributes"),
        ("deploy_token", "metadata"),
    ],
)
def test_keys_are_matched_by_pattern_not_exactly(key: str, container: str) -> None:
    if container == "metadata":
        data: Any = {"metadata": [{"key": key, "value": PW}, {"key": "team", "value": "core"}]}
    else:
        data = {"attributes": {key: PW, "name": "Checkout"}}
    out = json.dumps(Redactor().data(data))
    assert PW not in out
    assert "Checkout" in out or "core" in out  # ordinary values stay


def test_a_json_request_body_and_a_text_body_template_are_walked() -> None:
    data = {
        "request_body": json.dumps({"api_key": PW, "query": "status"}),
        "body_template": f"token=$TOKEN&password={PW}",
    }
    out = json.dumps(Redactor().data(data))
    assert PW not in out
    assert "$TOKEN" in out
    assert "status" in out


def test_a_summary_is_redacted_before_it_is_cut() -> None:
    # the cut used to halve the URL: 'https://ops:hunter2-Sec…' no longer looked like one
    pad = "x " * ((SUMMARY_LIMIT - 30) // 2)
    summary = one_line(f"Comment: {pad}https://ops:{PW}@db.example.com/?token={QT}")
    assert len(summary) <= SUMMARY_LIMIT
    for n in range(4, len(PW)):
        assert PW[:n] not in summary
    assert QT[:6] not in summary


def test_the_holes_are_closed_in_every_rendering_of_a_bundle(
    client_bundle: IncidentBundle,
) -> None:
    data = client_bundle.model_dump(mode="json")
    data["incident"]["name"] = HOLES["userinfo in a non-http URL"]
    data["incident"]["cause"] = HOLES["a ] in a password"]
    data["incident"]["metadata_extra"] = [{"key": "deploy_token", "value": PW}]
    for n, event in enumerate(data["timeline"]):
        event["summary"] = list(HOLES.values())[n % len(HOLES)]
    bundle = redact_bundle(IncidentBundle.model_validate(data))
    for rendering in (bundle.to_json(), bundle.to_markdown(), repr(bundle)):
        for secret in (PW, QT, "Zx81kQpLmN2rT5vW"):
            assert secret not in rendering


@pytest.fixture(scope="module")
def client_bundle() -> IncidentBundle:
    client = sandbox_client()
    return client.bundle(headline_id(client))


# --- 5. redaction that scales, inside the wall time -------------------------------------


def test_many_secrets_are_all_removed_longest_first() -> None:
    secrets = {f"header-value-{n:05d}-{'k' * (n % 7)}" for n in range(20_000)}
    redactor = Redactor(secrets)
    picked = sorted(secrets)[::4000]
    text = " | ".join(picked) + " header-value-00001-kx tail"
    out = redactor.text(text)
    assert not any(secret in out for secret in picked)
    assert out.count("[redacted]") == len(picked) + 1  # '...00001-k' inside '...00001-kx'
    assert out.endswith("x tail")


def test_redaction_counts_in_the_bundle_wall_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from betterstack_rca.rca import collector

    def slow_redaction(bundle: IncidentBundle) -> IncidentBundle:
        time.sleep(0.3)
        return redact_bundle(bundle)

    monkeypatch.setattr(collector, "redact_bundle", slow_redaction)
    client = sandbox_client()
    bundle = client.bundle(headline_id(client))
    assert bundle.stats.wall_time >= 0.3


# --- 6. error excerpts -------------------------------------------------------------------


def test_an_error_excerpt_is_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    body = f"oops postgres://app:{PW}@db/x?token={QT} Bearer abcdef0123456789".encode()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    with pytest.raises(ResponseParseError) as error:
        mock(handler).get_json("/api/v2/monitors")
    shown = everything(error.value)
    assert PW not in shown
    assert QT not in shown
    assert "abcdef0123456789" not in shown

    def cli_client(args: Any, *, sandbox: bool = False) -> BetterStack:
        return mock(handler)

    original = _common.client
    _common.client = cli_client
    try:
        code = cli.main(["--token", TOKEN, "incidents", "--debug"])
    finally:
        _common.client = original
    captured = capsys.readouterr()
    assert code == 5
    assert PW not in captured.err + captured.out
    assert QT not in captured.err + captured.out


# --- 7. the token echoed back ------------------------------------------------------------


def test_a_401_that_echoes_the_token_does_not_show_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"errors": f"Invalid token {TOKEN} for this team"})

    with pytest.raises(AuthenticationError) as error:
        mock(handler).get_json("/api/v2/monitors")
    assert TOKEN not in everything(error.value)
    assert TOKEN not in json.dumps(error.value.body)
    assert "Invalid token" in str(error.value)


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError])
def test_connection_errors_keep_no_request_in_their_chain(exc: type[httpx.HTTPError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc(f"boom Bearer {TOKEN}", request=request)

    with pytest.raises(APIConnectionError) as error:
        mock(handler).get_json("/api/v2/monitors")
    node: BaseException | None = error.value
    while node is not None:
        assert not isinstance(node, httpx.HTTPError)
        node = node.__cause__ or node.__context__
    assert TOKEN not in everything(error.value)


@pytest.mark.parametrize(
    ("token", "position"),
    [("bstk-ünicode-token-123", 6), ("bstk-tab\there-123", 9), ("bstk-nul\x00-123", 9)],
)
def test_a_token_with_a_bad_character_is_a_typed_error_naming_the_position(
    token: str, position: int
) -> None:
    from betterstack_rca import InvalidTokenError

    with pytest.raises(InvalidTokenError) as error:
        BetterStack(token, transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert f"position {position}" in str(error.value)
    assert token not in everything(error.value)
    assert token[-4:] not in str(error.value)
    assert cli.main(["--token", token, "incidents"]) == 3


# --- 9. every CLI output path ------------------------------------------------------------

LEAK = f"db down: postgres://app:{PW}@db.internal/shop?token={QT}"


class LeakyIncidents(httpx.BaseTransport):
    """The sandbox, but every incident's name and cause carry a credential."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/incidents" not in request.url.path or response.status_code != 200:
            return response
        response.read()
        body = json.loads(response.content)
        data = body.get("data")
        for item in data if isinstance(data, list) else [data] if data else []:
            if item.get("type") == "incident":
                item["attributes"]["name"] = LEAK
                item["attributes"]["cause"] = LEAK
        return httpx.Response(200, json=body, request=request)


@pytest.mark.parametrize("command", ["incidents", "report"])
def test_every_cli_output_path_is_scrubbed(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.setattr(
        _common, "sandbox_client", lambda seed, max_rps: sandbox_client(wrap=LeakyIncidents)
    )
    monkeypatch.setattr(_common, "now", lambda: REF)
    argv = ["--sandbox", command, "--since", "7d"]
    if command == "report":
        argv += ["--limit", "3", "--out", str(tmp_path)]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    written = "".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file())
    everything_shown = captured.out + captured.err + written
    assert "db down" in everything_shown  # the text is there...
    assert PW[:8] not in everything_shown  # ...without its credentials, even cut short
    assert QT[:8] not in everything_shown


def test_scrubbing_is_one_function_for_errors_and_bundles() -> None:
    from betterstack_rca._scrub import scrub

    for text in HOLES.values():
        assert redact({"t": text})["t"] == scrub(text)
        assert BetterStackError  # the exception classes import the same scrubber
        assert ResponseParseError("x", excerpt=text).excerpt == scrub(text)


def test_a_scheme_word_before_prose_is_not_a_credential() -> None:
    from betterstack_rca._scrub import scrub

    # Our own messages say "a bearer secret" and "token expired": prose, kept; a value with a
    # digit, a symbol, mixed case or length after the scheme is a credential, scrubbed.
    assert (
        scrub("needs a bearer secret of 16 characters") == "needs a bearer secret of 16 characters"
    )
    assert scrub("the token expired") == "the token expired"
    for credential in ("abcdef0123", "sk_live.abc", "AbCdEfGh", "a" * 24):
        assert credential not in scrub(f"Authorization: Bearer {credential}")


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("token_expires_at", False),
        ("auth_type", False),
        ("password_enabled", False),
        ("required_keyword", False),
        ("auth_token", True),
        ("clientSecret", True),
        ("deploy_token", True),
        ("auth_password", True),
    ],
)
def test_a_name_about_a_credential_is_not_one(name: str, secret: bool) -> None:
    from betterstack_rca._scrub import is_secret_name

    assert is_secret_name(name) is secret
