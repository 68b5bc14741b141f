"""Parse what Better Stack (or a custom outgoing-webhook template) POSTs.

`parse_webhook(body, headers, mapping)` turns one delivery into a `WebhookEvent`, or raises
`WebhookParseError` saying what was expected. It trusts nothing: the size is checked before
decoding, the nesting depth before `json.loads` can recurse, and every field it reads is
type-checked. No other exception type escapes and no input makes it hang.

The flow, one module a step (this package imports only `betterstack_rca.errors`):

    limits     the size, depth and field-length limits (DEFAULT_MAX_BYTES, ...)
    _decode    bytes/str/mapping -> a plain JSON object, within the limits
    _fields    typed readers of one field (ids, text, status words, timestamps)
    shapes     Better Stack's default bodies and the flat/S4 templates -> WebhookEvent
    mapping    WebhookMapping: a custom template -> WebhookEvent
    parse      parse_webhook: decode, then the mapping, then the shapes
    event      WebhookEvent, what parse_webhook returns
    actions    the incident and monitor actions; the status words templates use

The HTTP receiver (`betterstack-rca listen`) is `betterstack_rca.webhooks.receiver`, a face
on top of this package and of the client; importing this package does not load it.
"""

from betterstack_rca.webhooks.actions import (
    BUNDLE_ACTIONS,
    INCIDENT_ACTIONS,
    MONITOR_ACTIONS,
    STATUS_WORDS,
    UNKNOWN_ACTION,
    normalise_status,
)
from betterstack_rca.webhooks.event import (
    RECOGNISED_FORMATS,
    WebhookEvent,
    WebhookFormat,
    WebhookKind,
)
from betterstack_rca.webhooks.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH
from betterstack_rca.webhooks.mapping import WebhookMapping
from betterstack_rca.webhooks.parse import parse_webhook

__all__ = [
    "BUNDLE_ACTIONS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "INCIDENT_ACTIONS",
    "MONITOR_ACTIONS",
    "RECOGNISED_FORMATS",
    "STATUS_WORDS",
    "UNKNOWN_ACTION",
    "WebhookEvent",
    "WebhookFormat",
    "WebhookKind",
    "WebhookMapping",
    "normalise_status",
    "parse_webhook",
]
