"""One delivery from request to answer: the checks, `parse_webhook`, what the event warrants
(ignored, a duplicate, a collection queued or coalesced) and the log line."""

from __future__ import annotations

import logging
import re
import time
from email.message import Message
from typing import Any, Final, NoReturn

from betterstack_rca.errors import WebhookParseError
from betterstack_rca.resources._params import is_plain_id
from betterstack_rca.webhooks.event import WebhookEvent
from betterstack_rca.webhooks.mapping import WebhookMapping
from betterstack_rca.webhooks.parse import parse_webhook
from betterstack_rca.webhooks.receiver.checks import check_length, check_secret
from betterstack_rca.webhooks.receiver.jobs import JobBoard
from betterstack_rca.webhooks.receiver.reply import Reply

__all__ = ["Intake", "client_host"]

_UNPRINTABLE_RE: Final = re.compile(r"[^\x20-\x7e]")


class Intake:
    """The request side of a `Receiver` (its HTTP handler calls it); the jobs it admits
    go on `board` for the workers."""

    def __init__(
        self,
        board: JobBoard,
        *,
        log: logging.Logger,
        secret: bytes | None,
        max_bytes: int,
        body_timeout: float,
        mapping: WebhookMapping | None,
    ) -> None:
        self.board = board
        self.log = log
        self.secret = secret
        self.max_bytes = max_bytes
        self.body_timeout = body_timeout
        self.mapping = mapping

    def check(self, headers: Message, path: str) -> int:
        """The secret, then the length: the body's length, or a `Reply` refusing it."""
        check_secret(headers, path, self.secret)
        return check_length(headers, self.max_bytes)

    def deliver(self, body: bytes, headers: Message, sender: str = "-") -> NoReturn:
        """Parse, route and answer one delivery: always raises `Reply`."""
        try:
            event = parse_webhook(
                body, dict(headers.items()), self.mapping, max_bytes=self.max_bytes
            )
        except WebhookParseError as exc:
            raise Reply(400, {"ok": False, "error": str(exc)}) from None
        ack: dict[str, Any] = {
            "ok": True,
            "kind": event.kind,
            "action": event.action,
            "incident_id": event.incident_id,
        }
        if not event.wants_bundle:
            with self.board.lock:
                self.board.count(ignored=1)
            raise Reply(202, {**ack, "status": "ignored"}, event=event)
        incident_id = event.incident_id
        if not incident_id:
            self.log.warning(
                "incident %s event (%s) carries no incident id: not collected. Add "
                '"id": "$INCIDENT_ID" to the webhook body template.',
                event.action,
                event.format,
            )
            with self.board.lock:
                self.board.count(ignored=1)
            raise Reply(
                202,
                {**ack, "status": "ignored", "note": "no incident id in the event; not collected"},
                event=event,
            )
        if not is_plain_id(incident_id):  # the client's own rule: it could not fetch it either
            raise Reply(400, {"ok": False, "error": "incident id is not a plain id"}, event=event)
        admission = self.board.admit(incident_id, event.action, event.delivery_key(), sender)
        if admission == "shutting_down":
            raise Reply(503, {**ack, "ok": False, "error": "shutting down"}, {"Retry-After": "30"})
        if admission in ("duplicate", "recent"):
            raise Reply(200, {**ack, "status": "duplicate"}, event=event)
        if admission == "busy_sender":
            raise Reply(
                429,
                {**ack, "ok": False, "error": "too many collections pending for this sender"},
                {"Retry-After": "30"},
                event=event,
            )
        if admission == "busy":
            raise Reply(
                503,
                {**ack, "ok": False, "error": "too many collections pending"},
                {"Retry-After": "30"},
                event=event,
            )
        raise Reply(202, {**ack, "status": "accepted", "collection": admission}, event=event)

    def log_delivery(
        self,
        *,
        client_address: Any,
        method: str,
        path: str,
        status: int,
        event: WebhookEvent | None,
        note: str,
        started: float,
    ) -> None:
        if method == "POST":
            with self.board.lock:
                self.board.count(deliveries=1, rejected=int(status >= 400))
        kind = f"{event.kind}/{event.action}" if event is not None else "-"
        incident = (event.incident_id if event is not None else None) or "-"
        self.log.info(
            "%s %s %s -> %d %s kind=%s incident=%s (%.1f ms)",
            client_host(client_address),
            _printable(method, 16),
            _log_path(path),
            status,
            _printable(note, 300),
            _printable(kind, 80),
            _printable(incident, 130),
            (time.monotonic() - started) * 1000,
        )


def client_host(client_address: Any) -> str:
    """The client's address for a log line ("-" when unknown)."""
    if isinstance(client_address, tuple) and client_address:
        return str(client_address[0])
    return "-"


def _printable(text: str, limit: int = 200) -> str:
    """For log lines: no control characters (log injection), bounded length."""
    text = _UNPRINTABLE_RE.sub("?", text)
    return text if len(text) <= limit else text[:limit] + "..."


def _log_path(raw_path: str) -> str:
    """The request path for a log line: the query string (which may hold the secret) redacted."""
    path, sep, _ = raw_path.partition("?")
    return _printable(path) + ("?[redacted]" if sep else "")
