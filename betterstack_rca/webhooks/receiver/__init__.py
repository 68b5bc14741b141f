"""A small webhook receiver: Better Stack POSTs an incident change, we write its bundle.

`Receiver` is the testable core (start/stop, a context manager); `listen()` wraps it with
SIGINT/SIGTERM handling for ``betterstack-rca listen``. Standard library only
(`http.server.ThreadingHTTPServer`).

For every POST (any path) it checks the optional shared secret (before reading the body),
the size (Content-Length first, and never reads past the limit), parses the body with
`parse_webhook`, answers at once (202 with a small JSON ack) and collects the bundle in the
background on a bounded pool of worker threads:

    DIR/<incident_id>/bundle.json   the bundle (IncidentBundle.to_json())
    DIR/<incident_id>/bundle.md     its Markdown rendering (IncidentBundle.to_markdown())
    DIR/<incident_id>/error.txt     why the last collection failed or did not finish

Each file is written to a temporary file beside it and moved into place with `os.replace`,
so a reader never sees half a file. See docs/webhooks.md ("Receiver").

The flow, one module a step:

    handler   the HTTP server: reads a request within its limits, sends the answer
    checks    the shared secret and the Content-Length, before the body is read
    intake    parse the delivery, decide (ignore, duplicate, queue), log it
    jobs      the JobBoard: one job per incident, the dedupe keys, the counters
    workers   collect a queued incident's bundle with the client
    files     write bundle.json, bundle.md or error.txt atomically
    server    Receiver (start, stop with a grace period) and listen()
"""

from betterstack_rca.webhooks.receiver.handler import SOCKET_TIMEOUT
from betterstack_rca.webhooks.receiver.jobs import ReceiverStats
from betterstack_rca.webhooks.receiver.server import (
    BODY_TIMEOUT,
    DEFAULT_BUNDLE_DEADLINE,
    DEFAULT_DEDUPE_TTL,
    DEFAULT_GRACE,
    DEFAULT_MAX_PENDING,
    LOGGER_NAME,
    Receiver,
    listen,
)

__all__ = [
    "BODY_TIMEOUT",
    "DEFAULT_BUNDLE_DEADLINE",
    "DEFAULT_DEDUPE_TTL",
    "DEFAULT_GRACE",
    "DEFAULT_MAX_PENDING",
    "LOGGER_NAME",
    "SOCKET_TIMEOUT",
    "Receiver",
    "ReceiverStats",
    "listen",
]
