from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sandbox_support import make_client

from betterstack_rca.sandbox import SANDBOX_BASE_URL, Account, SandboxApp, SandboxTransport


def test_incidents_list_is_newest_first(client: httpx.Client) -> None:
    data = client.get("/api/v3/incidents", params={"per_page": 50}).json()["data"]
    starts = [d["attributes"]["started_at"] for d in data]
    assert starts == sorted(starts, reverse=True)


def test_incidents_default_to_ten_per_page_and_cap_at_fifty(client: httpx.Client) -> None:
    assert len(client.get("/api/v3/incidents").json()["data"]) == 10
    assert len(client.get("/api/v3/incidents?per_page=500").json()["data"]) == 50


def test_other_lists_default_to_fifty_and_cap_at_250(client: httpx.Client) -> None:
    assert len(client.get("/api/v2/monitors").json()["data"]) == 50
    body = client.get("/api/v2/monitors?per_page=1000").json()
    assert len(body["data"]) == 100
    assert body["pagination"]["next"] is None


def test_pagination_links_are_absolute_and_keep_other_params(client: httpx.Client) -> None:
    body = client.get("/api/v3/incidents?from=2026-11-01&per_page=20&page=2").json()
    p = body["pagination"]
    for key in ("first", "last", "prev", "next"):
        assert p[key].startswith(f"{SANDBOX_BASE_URL}/api/v3/incidents?")
        q = parse_qs(urlsplit(p[key]).query)
        assert q["from"] == ["2026-11-01"]
        assert q["per_page"] == ["20"]
    assert parse_qs(urlsplit(p["first"]).query)["page"] == ["1"]
    assert parse_qs(urlsplit(p["prev"]).query)["page"] == ["1"]
    assert parse_qs(urlsplit(p["next"]).query)["page"] == ["3"]


def test_following_next_visits_every_item_once(client: httpx.Client) -> None:
    ids: list[str] = []
    url: str | None = "/api/v2/monitors?per_page=30"
    pages = 0
    while url:
        body = client.get(url).json()
        ids += [d["id"] for d in body["data"]]
        url = body["pagination"]["next"]
        pages += 1
    assert pages == 4
    assert len(ids) == len(set(ids)) == 100


def test_last_page_and_beyond(client: httpx.Client) -> None:
    body = client.get("/api/v2/monitors?per_page=30&page=4").json()
    assert len(body["data"]) == 10
    assert body["pagination"]["next"] is None
    beyond = client.get("/api/v2/monitors?per_page=30&page=9").json()
    assert beyond["data"] == []
    assert beyond["pagination"]["next"] is None
    assert beyond["pagination"]["last"].endswith("page=4")


def test_links_use_the_request_host(app: SandboxApp) -> None:
    with make_client(app, base_url="http://127.0.0.1:9999") as c:
        nxt = c.get("/api/v2/monitors").json()["pagination"]["next"]
    assert nxt.startswith("http://127.0.0.1:9999/api/v2/monitors?")


def test_incidents_date_filters_are_inclusive_days(client: httpx.Client) -> None:
    body = client.get(
        "/api/v3/incidents", params={"from": "2026-11-20", "to": "2026-11-20", "per_page": 50}
    ).json()
    days = {d["attributes"]["started_at"][:10] for d in body["data"]}
    assert days == {"2026-11-20"}
    iso = client.get(
        "/api/v3/incidents",
        params={"from": "2026-11-20T13:00:00Z", "to": "2026-11-20T01:00:00+00:00"},
    ).json()
    assert {d["attributes"]["started_at"][:10] for d in iso["data"]} == {"2026-11-20"}


def test_incidents_filter_by_monitor_and_heartbeat(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["region_blip"]
    data = client.get(
        "/api/v3/incidents", params={"monitor_id": sc.monitor_id, "per_page": 50}
    ).json()["data"]
    assert data
    assert {d["relationships"]["monitor"]["data"]["id"] for d in data} == {sc.monitor_id}
    hb = account.scenarios["heartbeat_incident"].heartbeat_id
    hdata = client.get("/api/v3/incidents", params={"heartbeat_id": hb}).json()["data"]
    assert hdata
    assert {d["relationships"]["heartbeat"]["data"]["id"] for d in hdata} == {hb}
    unknown = client.get("/api/v3/incidents", params={"monitor_id": "1"}).json()
    assert unknown["data"] == []


@pytest.mark.parametrize(
    ("param", "value", "check"),
    [
        ("resolved", "false", lambda a: a["resolved_at"] is None),
        ("resolved", "true", lambda a: a["resolved_at"] is not None),
        ("acknowledged", "true", lambda a: a["acknowledged_at"] is not None),
        ("acknowledged", "false", lambda a: a["acknowledged_at"] is None),
    ],
)
def test_incidents_boolean_filters(
    client: httpx.Client, param: str, value: str, check: object
) -> None:
    data = client.get("/api/v3/incidents", params={param: value, "per_page": 50}).json()["data"]
    assert data
    assert all(check(d["attributes"]) for d in data)  # type: ignore[operator]


def test_team_name_filter(client: httpx.Client, account: Account) -> None:
    ok = client.get("/api/v3/incidents", params={"team_name": account.team_name}).json()
    assert ok["data"]
    assert client.get("/api/v3/incidents", params={"team_name": "Other"}).json()["data"] == []
    assert client.get("/api/v2/monitors", params={"team_name": "Other"}).json()["data"] == []


def test_monitor_list_filters_by_url_and_name(client: httpx.Client) -> None:
    url = "https://billing.example.com/"
    data = client.get("/api/v2/monitors", params={"url": url}).json()["data"]
    assert [d["attributes"]["url"] for d in data] == [url]
    named = client.get("/api/v2/monitors", params={"pronounceable_name": "Search API"}).json()
    assert [d["attributes"]["pronounceable_name"] for d in named["data"]] == ["Search API"]


def test_single_incident_includes_its_monitor_as_one_object(
    client: httpx.Client, account: Account
) -> None:
    sc = account.scenarios["database_backup"]
    body = client.get(f"/api/v3/incidents/{sc.incident_id}").json()
    assert isinstance(body["included"], dict)
    assert body["included"]["id"] == sc.monitor_id
    assert "auth_password" in body["included"]["attributes"]
    attrs = body["data"]["attributes"]
    assert attrs["status"] == "Resolved"
    assert isinstance(attrs["response_options"], str)
    assert attrs["metadata"]["Service"] == [{"type": "String", "value": "public-api"}]


def test_v2_incident_metadata_is_plain_strings(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["database_backup"]
    attrs = client.get(f"/api/v2/incidents/{sc.incident_id}").json()["data"]["attributes"]
    assert attrs["metadata"]["Service"] == "public-api"


def test_heartbeat_incident_references_its_heartbeat(
    client: httpx.Client, account: Account
) -> None:
    sc = account.scenarios["heartbeat_incident"]
    body = client.get(f"/api/v3/incidents/{sc.incident_id}").json()
    assert "monitor" not in body["data"]["relationships"]
    assert body["data"]["relationships"]["heartbeat"]["data"]["id"] == sc.heartbeat_id
    assert body["included"]["type"] == "heartbeat"


def test_foreign_key_types_follow_the_docs(client: httpx.Client) -> None:
    mon = client.get("/api/v2/monitors?per_page=1").json()["data"][0]["attributes"]
    assert isinstance(mon["monitor_group_id"], str)
    hb = client.get("/api/v2/heartbeats?per_page=1").json()["data"][0]["attributes"]
    assert isinstance(hb["heartbeat_group_id"], int)
    rep = client.get("/api/v2/status-pages/150001/status-reports").json()["data"][0]
    assert isinstance(rep["attributes"]["status_page_id"], int)
    policy = client.get("/api/v3/policies/45604").json()["data"]["attributes"]
    branching = [s for s in policy["steps"] if s["type"] == "time_branching"]
    assert isinstance(branching[0]["policy_id"], int)


def test_on_call_at_a_date_names_who_was_on_call(client: httpx.Client, account: Account) -> None:
    sc = account.scenarios["database_backup"]
    body = client.get("/api/v2/on-calls/default", params={"date": sc.started_at}).json()
    emails = [u["attributes"]["email"] for u in body["included"]]
    assert emails == [sc.facts["on_call_email"]]
    assert isinstance(body["included"], list)


def test_on_call_events_are_under_events_and_cover_the_reference_time(
    client: httpx.Client,
) -> None:
    body = client.get("/api/v2/on-calls/default/events").json()
    assert list(body) == ["events"]
    assert any(e["override"] for e in body["events"])
    assert all(isinstance(e["id"], int) for e in body["events"])


def test_rotation_is_a_bare_object_or_an_empty_404(client: httpx.Client) -> None:
    rot = client.get("/api/v2/on-calls/default/rotation")
    assert rot.status_code == 200
    assert "data" not in rot.json()
    assert rot.json()["rotation_interval"] == "day"
    none = client.get("/api/v2/on-calls/33003/rotation")
    assert none.status_code == 404
    assert none.content == b""


def test_comments_of_an_unknown_incident_are_an_empty_404(client: httpx.Client) -> None:
    r = client.get("/api/v2/incidents/999/comments")
    assert r.status_code == 404
    assert r.content == b""


def test_unknown_resource_is_the_documented_404(client: httpx.Client) -> None:
    for path in ("/api/v2/monitors/1", "/api/v3/incidents/abc", "/api/v2/urgencies/5"):
        r = client.get(path)
        assert r.status_code == 404
        assert r.json() == {"errors": "Resource with provided ID was not found"}


def test_unknown_route_is_404_before_auth(app: SandboxApp) -> None:
    with make_client(app, headers={}) as c:
        r = c.get("/api/v2/nonexistent-xyz")
    assert r.status_code == 404
    assert r.json()["errors"] == "Endpoint GET /api/v2/nonexistent-xyz does not exist."
    assert "see_docs" in r.json()


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "x"}])
def test_wrong_or_missing_token_is_401(app: SandboxApp, headers: dict[str, str]) -> None:
    with make_client(app, headers={}) as c:
        r = c.get("/api/v2/monitors", headers=headers)
    assert r.status_code == 401
    assert r.json()["errors"].startswith("Invalid Team API token.")


def test_every_response_has_a_request_id(client: httpx.Client) -> None:
    for path in ("/api/v2/monitors", "/api/v2/x", "/api/v2/monitors/1"):
        assert client.get(path).headers["x-request-id"]


def test_non_get_is_refused_and_counted(client: httpx.Client, app: SandboxApp) -> None:
    r = client.post("/api/v2/monitors", json={"url": "https://x"})
    assert r.status_code == 405
    assert isinstance(r.json()["errors"], str)
    client.delete("/api/v2/monitors/2100000")
    assert app.stats.non_get == 2


def test_sla_and_availability_validate_the_range(client: httpx.Client, account: Account) -> None:
    mid = account.scenarios["database_backup"].monitor_id
    ok = client.get(
        f"/api/v2/monitors/{mid}/sla", params={"from": "2026-11-01", "to": "2026-11-23"}
    )
    attrs = ok.json()["data"]["attributes"]
    assert attrs["number_of_incidents"] >= 1
    assert 0 < attrs["availability"] <= 100
    for params in (
        {"from": "2026-11-23", "to": "2026-11-01"},
        {"from": "x"},
        {"from": "2027-01-01"},
    ):
        bad = client.get(f"/api/v2/monitors/{mid}/sla", params=params)
        assert bad.status_code == 400
        assert bad.json()["errors"].startswith("The data range is invalid.")
    hb = account.scenarios["heartbeat_incident"].heartbeat_id
    r = client.get(f"/api/v2/heartbeats/{hb}/availability", params={"from": "2026-11-30"})
    assert r.status_code == 400
    avail = client.get(f"/api/v2/heartbeats/{hb}/availability").json()["data"]
    assert avail["type"] == "heartbeat_availability"


def test_response_times_cover_the_last_24_hours_by_region(
    client: httpx.Client, account: Account
) -> None:
    mid = account.scenarios["bad_deploy"].monitor_id
    body = client.get(f"/api/v2/monitors/{mid}/response-times").json()["data"]
    regions = body["attributes"]["regions"]
    assert {r["region"] for r in regions} == {"us", "eu", "as", "au"}
    rows = regions[0]["response_times"]
    assert len(rows) == 288
    assert rows[-1]["at"] <= "2026-11-23T12:00:00.000Z"
    assert rows[0]["at"] >= "2026-11-22T12:00:00.000Z"
    assert isinstance(rows[0]["response_time"], float)


def test_group_members_endpoints(client: httpx.Client, account: Account) -> None:
    gid = account.scenarios["database_backup"].facts["monitor_group_id"]
    data = client.get(f"/api/v2/monitor-groups/{gid}/monitors").json()["data"]
    assert {d["attributes"]["monitor_group_id"] for d in data} == {gid}
    hbg = client.get("/api/v2/heartbeat-groups").json()["data"][0]["id"]
    hbs = client.get(f"/api/v2/heartbeat-groups/{hbg}/heartbeats").json()["data"]
    assert {d["attributes"]["heartbeat_group_id"] for d in hbs} == {int(hbg)}


def test_policy_group_and_metadata_filters(client: httpx.Client, account: Account) -> None:
    pols = client.get("/api/v3/policy-groups/7102/policies").json()["data"]
    assert {p["attributes"]["policy_group_id"] for p in pols} == {7102}
    mid = account.scenarios["database_backup"].monitor_id
    meta = client.get("/api/v3/metadata", params={"owner_type": "Monitor", "owner_id": mid}).json()[
        "data"
    ]
    assert [m["attributes"]["key"] for m in meta] == ["Service"]


def test_v2_policy_has_steps_beside_attributes(client: httpx.Client) -> None:
    data = client.get("/api/v2/policies/45603").json()["data"]
    assert "steps" in data
    assert "steps" not in data["attributes"]


def test_status_report_includes_its_updates_as_a_list(client: httpx.Client) -> None:
    body = client.get("/api/v2/status-pages/150001/status-reports/880001").json()
    assert isinstance(body["included"], list)
    assert {u["type"] for u in body["included"]} == {"status_update"}
    ups = client.get("/api/v2/status-pages/150001/status-reports/880001/status-updates").json()
    assert [u["id"] for u in ups["data"]] == [u["id"] for u in body["included"]]


def test_status_page_resources_have_fractional_availability(client: httpx.Client) -> None:
    data = client.get("/api/v2/status-pages/150001/resources").json()["data"]
    types = {d["attributes"]["resource_type"] for d in data}
    assert {"Monitor", "MonitorGroup"} <= types
    assert all(0 < d["attributes"]["availability"] <= 1 for d in data)


def test_outgoing_webhook_template_is_included(client: httpx.Client) -> None:
    body = client.get("/api/v2/outgoing-webhooks").json()
    templates = [x for x in body["included"] if x["type"] == "custom_webhook_template"]
    assert templates
    assert any(t["attributes"]["auth_password"] for t in templates)
    plain = client.get("/api/v2/outgoing-webhooks/16002").json()
    assert plain["data"]["relationships"]["custom_webhook_template"]["data"] is None
    assert plain["included"] == []


def test_timeline_has_started_notification_ack_and_resolved_items(
    client: httpx.Client, account: Account
) -> None:
    sc = account.scenarios["database_backup"]
    data = client.get(f"/api/v3/incidents/{sc.incident_id}/timeline").json()["data"]
    kinds = {d["attributes"]["item_type"] for d in data}
    assert {"generic", "generic_card", "response_item", "comment"} <= kinds
    titles = [d["attributes"]["data"]["title"] for d in data]
    assert "Incident started" in titles
    assert "Incident acknowledged" in titles
    assert "Incident resolved" in titles
    ats = [d["attributes"]["at"] for d in data]
    assert ats == sorted(ats, reverse=True)
    assert any(not d["id"].isdigit() for d in data)


def test_one_long_incident_has_a_truncated_timeline(client: httpx.Client, account: Account) -> None:
    iid = account.truncated_timeline_index + 410_000_000
    data = client.get(f"/api/v3/incidents/{iid}/timeline").json()["data"]
    marks = [d for d in data if d["attributes"]["item_type"] == "timeline_truncated"]
    assert len(marks) == 1
    assert marks[0]["id"].endswith(" UTC")


def test_email_integrations_and_incoming_webhooks_are_listed(client: httpx.Client) -> None:
    assert client.get("/api/v2/email-integrations").json()["data"][0]["type"] == "email_integration"
    assert client.get("/api/v2/incoming-webhooks").json()["data"][0]["type"] == "incoming_webhook"


async def _async_get(app: SandboxApp, path: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=SandboxTransport(app),
        base_url=SANDBOX_BASE_URL,
        headers={"Authorization": f"Bearer {app.token}"},
    ) as c:
        return await c.get(path)


def test_the_transport_also_serves_async_clients(app: SandboxApp) -> None:
    import asyncio

    r = asyncio.run(_async_get(app, "/api/v2/monitors?per_page=3"))
    assert r.status_code == 200
    assert len(r.json()["data"]) == 3
