"""End-to-end flows recorded as vcrpy cassettes from the sandbox's loopback server.

`make cassettes` (python -m tests.cassette_flows) re-records them; the suite replays them
with record mode "none" (tests/test_cassettes.py). The recorder scrubs the token from
requests and secrets from response bodies, as anyone recording their own account should.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import vcr

from betterstack_rca import AsyncBetterStack, BetterStack
from betterstack_rca.rca.redact import Redactor

CASSETTES = Path(__file__).parent / "cassettes"
REF = datetime(2026, 11, 23, 1, 0, tzinfo=timezone.utc)
PORT = 8766  # fixed: pagination links in the bodies name it, and the client checks the origin
BASE_URL = f"http://127.0.0.1:{PORT}"
TOKEN = "sandbox-demo-token-not-a-secret"
HEADLINE = "database_backup"


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Redact secrets from a recorded JSON body (as the bundle itself would)."""
    body = response.get("body", {}).get("string", b"")
    if body:
        try:
            data = json.loads(body)
        except ValueError:
            return response
        response["body"]["string"] = json.dumps(Redactor().data(data)).encode()
    for name in list(response.get("headers", {})):
        if name.lower() in ("set-cookie", "authorization"):
            del response["headers"][name]
    return response


def recorder(record_mode: str) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        filter_headers=["authorization"],
        decode_compressed_response=True,
        before_record_response=scrub_response,
        match_on=["method", "scheme", "host", "port", "path", "query"],
        serializer="yaml",
    )


def headline_id(account: Any) -> str:
    return str(account.scenarios[HEADLINE].incident_id)


def flow_list_incidents(client: BetterStack) -> Any:
    since = (REF - timedelta(days=1)).date()
    return client.incidents.list(from_=since, max_items=60).to_list()


def flow_monitor(client: BetterStack, incident_id: str) -> Any:
    incident = client.incidents.get(incident_id)
    assert incident.monitor_id
    return client.monitors.get(incident.monitor_id), client.monitors.response_times(
        incident.monitor_id
    )


async def flow_bundle(incident_id: str) -> Any:
    async with AsyncBetterStack(TOKEN, base_url=BASE_URL, max_rps=1000, max_concurrency=1) as c:
        return await c.bundle(incident_id, now=REF)


FLOWS: dict[str, Callable[[BetterStack, str], Any]] = {
    "list_incidents": lambda c, _i: flow_list_incidents(c),
    "monitor": flow_monitor,
    "bundle": lambda _c, i: asyncio.run(flow_bundle(i)),
}


def run(name: str, incident_id: str, record_mode: str) -> Any:
    client = BetterStack(TOKEN, base_url=BASE_URL, max_rps=1000, max_concurrency=1)
    with recorder(record_mode).use_cassette(f"{name}.yaml"):
        return FLOWS[name](client, incident_id)


def main() -> None:
    from betterstack_rca.sandbox import Sandbox

    sandbox = Sandbox(reference_time=REF)
    with sandbox.serve(port=PORT):
        for name in FLOWS:
            path = CASSETTES / f"{name}.yaml"
            path.unlink(missing_ok=True)
            run(name, headline_id(sandbox.account), "all")
            print(f"recorded {path}")
    (CASSETTES / "headline.json").write_text(
        json.dumps({"incident_id": headline_id(sandbox.account)}) + "\n"
    )


if __name__ == "__main__":
    main()
