"""Outgoing webhooks, email integrations and incoming webhooks (the same at every scale)."""

from __future__ import annotations

import random

from betterstack_rca.sandbox.account.fake_secrets import random_hex
from betterstack_rca.sandbox.model.records import IntegrationRec, WebhookRec


def generate_integrations(
    seed: int, created: int, secrets: list[str]
) -> tuple[tuple[WebhookRec, ...], tuple[IntegrationRec, ...], tuple[IntegrationRec, ...]]:
    """(outgoing webhooks, email integrations, incoming webhooks).

    Two webhooks have custom templates carrying credentials (planted secrets), as does the
    incoming webhook's URL.
    """
    rng = random.Random(seed * 31 + 7)
    pw = f"SECRET-whpw-{random_hex(rng)}"
    hdr = f"SECRET-whhdr-{random_hex(rng)}"
    body_tok = f"SECRET-whbody-{random_hex(rng)}"
    bearer_tok = f"SECRET-whbearer-{random_hex(rng)}"
    bearer = f"Bearer {bearer_tok}"
    secrets.extend((pw, hdr, body_tok, bearer_tok))
    webhooks = (
        WebhookRec(
            16001,
            "Ops bot incident feed",
            "https://hooks.example.com/betterstack/incidents",
            "incident_change",
            17001,
            {
                "http_method": "post",
                "auth_username": "betterstack",
                "auth_password": pw,
                "headers_template": [
                    {"name": "Content-Type", "value": "application/json"},
                    {"name": "X-Ops-Token", "value": hdr},
                ],
                "body_template": (
                    '{"incident": "$INCIDENT_ID", "name": "$NAME", "url": "$URL", '
                    f'"started_at": "$STARTED_AT", "token": "{body_tok}"}}'
                ),
            },
        ),
        WebhookRec(
            16002,
            "On-call changes to chat",
            "https://chat.example.com/hooks/oncall",
            "on_call_change",
            None,
            None,
        ),
        WebhookRec(
            16003,
            "Monitor change audit log",
            "https://audit.example.com/ingest/betterstack",
            "monitor_change",
            17002,
            {
                "http_method": "post",
                "auth_username": None,
                "auth_password": None,
                "headers_template": [{"name": "Authorization", "value": bearer}],
                "body_template": '{"monitor": "$NAME", "url": "$URL"}',
            },
        ),
    )
    inc_tok = f"SECRET-inwh-{random_hex(rng)}"
    secrets.append(inc_tok)
    email_integrations = (
        IntegrationRec(
            18001,
            "email_integration",
            "Vendor alerts",
            "vendor-alerts@inbound.example.com",
            45601,
            created,
        ),
        IntegrationRec(
            18002,
            "email_integration",
            "Backup reports",
            "backup-reports@inbound.example.com",
            45605,
            created,
        ),
    )
    incoming_webhooks = (
        IntegrationRec(
            18501,
            "incoming_webhook",
            "Grafana alerts",
            f"https://uptime.betterstack.com/api/v1/incoming-webhook/{inc_tok}",
            45601,
            created,
        ),
    )

    return webhooks, email_integrations, incoming_webhooks
