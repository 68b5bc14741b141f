"""Client construction, configuration from the environment, read-only, and token hygiene."""

from __future__ import annotations

import asyncio
import logging
import ssl

import certifi
import httpx
import pytest

from betterstack_rca import (
    AsyncBetterStack,
    AuthenticationError,
    BetterStack,
    MissingTokenError,
    ReadOnlyError,
)
from betterstack_rca._core.http import ensure_read_only

from .helpers import TOKEN, Recorder, async_client, json_response, sync_client


def test_missing_token_names_the_environment_variable() -> None:
    with pytest.raises(MissingTokenError, match="BETTERSTACK_API_TOKEN"):
        BetterStack()
    with pytest.raises(MissingTokenError, match="BETTERSTACK_API_TOKEN"):
        AsyncBetterStack(token="   ")


def test_token_base_url_and_team_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BETTERSTACK_API_TOKEN", TOKEN)
    monkeypatch.setenv("BETTERSTACK_BASE_URL", "https://betteruptime.com/")
    monkeypatch.setenv("BETTERSTACK_TEAM", "Ops")
    rec = Recorder(lambda r: json_response(200, {"data": []}))
    client = BetterStack(transport=httpx.MockTransport(rec))
    assert client.base_url == "https://betteruptime.com"
    assert client.team_name == "Ops"
    client.get_json("/api/v2/monitors")
    request = rec.requests[0]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.url.host == "betteruptime.com"


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTERSTACK_API_TOKEN", "env-token-aaaaaaaa")
    monkeypatch.setenv("BETTERSTACK_TEAM", "Ops")
    client = BetterStack(token=TOKEN, team_name="Web")
    assert client.team_name == "Web"
    assert client._config.token == TOKEN


@pytest.mark.parametrize("base_url", ["uptime.betterstack.com", "ftp://x", "https://x/?a=1"])
def test_bad_base_url_is_rejected(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        BetterStack(TOKEN, base_url=base_url)


@pytest.mark.parametrize(
    ("option", "value"),
    [("max_rps", 0), ("max_retries", -1), ("max_concurrency", 0), ("timeout", 0)],
)
def test_bad_options_are_rejected(option: str, value: float) -> None:
    with pytest.raises(ValueError, match=option):
        BetterStack(TOKEN, **{option: value})  # type: ignore[arg-type]


def test_repr_and_str_never_show_the_token() -> None:
    client = BetterStack(TOKEN)
    for text in (repr(client), str(client), repr(client._config)):
        assert TOKEN not in text
        assert TOKEN[:-4] not in text
    assert "…wxyz" in repr(client)


def test_every_request_is_a_get_with_the_bearer_token() -> None:
    rec = Recorder(lambda r: json_response(200, {"ok": True}))
    client, _ = sync_client(rec)
    client.get_json("/api/v2/monitors", {"per_page": "5"})
    (request,) = rec.requests
    assert request.method == "GET"
    assert request.url.path == "/api/v2/monitors"
    assert request.url.params["per_page"] == "5"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_non_get_is_refused_before_anything_is_sent(method: str) -> None:
    rec = Recorder(lambda r: json_response(200, {}))
    client, _ = sync_client(rec)
    with pytest.raises(ReadOnlyError, match=method):
        ensure_read_only(method, "/api/v2/monitors")
    # even reaching past the library's API to the underlying httpx client is refused
    with pytest.raises(ReadOnlyError):
        client._http.request(method, "https://uptime.betterstack.com/api/v2/monitors")
    assert rec.requests == []


def test_async_non_get_is_refused_at_the_transport() -> None:
    rec = Recorder(lambda r: json_response(200, {}))
    client, _ = async_client(rec)
    with pytest.raises(ReadOnlyError):
        asyncio.run(client._http.post("https://uptime.betterstack.com/api/v2/monitors"))
    assert rec.requests == []


def test_token_is_absent_from_debug_logs_and_errors(caplog: pytest.LogCaptureFixture) -> None:
    answers = [json_response(500, {"errors": "x"}), json_response(401, {"errors": "Invalid"})]
    client, _ = sync_client(Recorder(answers))
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationError) as info:
        client.get_json("/api/v2/monitors")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (logged, str(info.value), repr(info.value)):
        assert TOKEN not in text
        assert TOKEN[:-4] not in text


def test_context_managers_close_the_http_client() -> None:
    with BetterStack(TOKEN) as client:
        pass
    assert client._http.is_closed

    async def run() -> AsyncBetterStack:
        async with AsyncBetterStack(TOKEN) as aclient:
            pass
        return aclient

    assert asyncio.run(run())._http.is_closed


def test_async_get_json() -> None:
    client, _ = async_client(Recorder(lambda r: json_response(200, {"data": [1]})))
    assert asyncio.run(client.get_json("/api/v2/monitors")) == {"data": [1]}


def _tls_context(client: BetterStack | AsyncBetterStack) -> ssl.SSLContext:
    inner = client._http._transport._inner  # type: ignore[union-attr]
    context: ssl.SSLContext = inner._pool._ssl_context
    return context


def test_clients_of_a_process_share_one_ssl_context() -> None:
    # building a context loads the CA bundle (tens of ms): once per process, not per client
    with BetterStack(TOKEN) as one, BetterStack(TOKEN) as two:
        shared = _tls_context(one)
        assert _tls_context(two) is shared
        assert shared.verify_mode == ssl.CERT_REQUIRED
        assert shared.check_hostname

    async def make() -> ssl.SSLContext:
        async with AsyncBetterStack(TOKEN) as aclient:
            return _tls_context(aclient)

    assert asyncio.run(make()) is shared


def test_ssl_cert_file_gets_its_own_context(monkeypatch: pytest.MonkeyPatch) -> None:
    with BetterStack(TOKEN) as plain:
        default = _tls_context(plain)
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    with BetterStack(TOKEN) as one, BetterStack(TOKEN) as two:
        assert _tls_context(one) is not default
        assert _tls_context(two) is _tls_context(one)


def test_a_transport_of_the_caller_keeps_its_own_tls_settings() -> None:
    unverified = httpx.HTTPTransport(verify=False)
    with BetterStack(TOKEN, transport=unverified) as client:
        assert client._http._transport._inner is unverified  # type: ignore[attr-defined]
        context = unverified._pool._ssl_context
        assert context is not None
        assert context.verify_mode == ssl.CERT_NONE


def test_a_plain_http_client_loads_no_ca_bundle_and_would_refuse_any_tls() -> None:
    # the sandbox, a local proxy: no TLS is ever spoken, so no CA bundle is loaded for it;
    # its context still verifies (hostname and chain) against no CA: every handshake fails
    with BetterStack(TOKEN, base_url="http://127.0.0.1:9") as plain:
        context = _tls_context(plain)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0
    with BetterStack(TOKEN) as secure:
        assert _tls_context(secure).cert_store_stats()["x509_ca"] > 0
