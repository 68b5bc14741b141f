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
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import logging
import os
import queue
import re
import signal
import socket
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, Final, NoReturn
from urllib.parse import parse_qs, urlsplit

from betterstack_rca.errors import BetterStackError, WebhookParseError
from betterstack_rca.rca.options import BundleOptions
from betterstack_rca.webhooks import DEFAULT_MAX_BYTES, WebhookEvent, WebhookMapping, parse_webhook

if TYPE_CHECKING:
    from betterstack_rca.client import BetterStack

__all__ = [
    "DEFAULT_BUNDLE_DEADLINE",
    "DEFAULT_DEDUPE_TTL",
    "DEFAULT_GRACE",
    "DEFAULT_MAX_PENDING",
    "Receiver",
    "ReceiverStats",
    "listen",
]

LOGGER_NAME: Final = "betterstack_rca.receiver"
#: Seconds a delivery key is remembered: a repeat within it is answered 200 "duplicate".
DEFAULT_DEDUPE_TTL: Final = 600.0
#: Seconds `stop()` lets queued and running collections finish before recording them.
DEFAULT_GRACE: Final = 25.0
#: The collector's deadline for one bundle (seconds), unless bundle_options says otherwise.
DEFAULT_BUNDLE_DEADLINE: Final = 20.0
#: Incidents queued or collecting at once; beyond it deliveries get 503 + Retry-After.
DEFAULT_MAX_PENDING: Final = 1000
#: Per-recv socket timeout of a connection (slowloris: no thread is pinned for long).
SOCKET_TIMEOUT: Final = 10.0
#: Total seconds allowed to receive one request body.
BODY_TIMEOUT: Final = 30.0

_MAX_DEDUPE_KEYS = 10_000
_SAFE_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
_UNPRINTABLE_RE = re.compile(r"[^\x20-\x7e]")
_READ_CHUNK = 65_536
_DRAIN_SECONDS = 2.0
_WRITE_WAIT = 10.0


@dataclass(frozen=True)
class ReceiverStats:
    """Counters of one `Receiver` (a snapshot: `receiver.stats`)."""

    deliveries: int = 0
    """POST requests answered (any status)."""
    accepted: int = 0
    """Incident deliveries accepted for collection (202), including coalesced ones."""
    coalesced: int = 0
    """Accepted deliveries merged into a collection already queued or running."""
    duplicates: int = 0
    """Repeated deliveries answered 200 "duplicate"."""
    ignored: int = 0
    """Events that warrant no bundle (monitor, on-call, ..., or no incident id)."""
    rejected: int = 0
    """Deliveries answered 4xx/5xx (secret, size, body, busy)."""
    collections: int = 0
    """Collections started (calls of `client.bundle`)."""
    succeeded: int = 0
    failed: int = 0
    """Collections that raised (recorded in error.txt)."""
    unfinished: int = 0
    """Collections not finished when `stop()`'s grace period ended (recorded in error.txt)."""
    discarded: int = 0
    """Results that arrived after the grace period and were thrown away."""


@dataclass
class _Job:
    incident_id: str
    action: str
    state: str = "queued"  # queued -> running -> writing -> (queued again | gone)
    rerun: bool = False
    """A newer delivery arrived while running: collect again afterwards."""


class _Reply(Exception):
    """Raised inside request handling to answer with a status and a JSON body."""

    def __init__(
        self,
        status: int,
        body: Mapping[str, Any],
        headers: Mapping[str, str] | None = None,
        *,
        event: WebhookEvent | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = dict(body)
        self.headers = dict(headers or {})
        self.event = event


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], receiver: Receiver) -> None:
        self.receiver = receiver
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr; keep it in our log, without the request.
        self.receiver._log.exception("unexpected error serving %s", _address(client_address))


def _address(client_address: Any) -> str:
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


class _Handler(BaseHTTPRequestHandler):
    server_version = "betterstack-rca-receiver"
    sys_version = ""
    protocol_version = "HTTP/1.0"  # one request per connection; every answer closes it
    timeout = SOCKET_TIMEOUT
    server: _Server

    # ------------------------------------------------------------------ dispatch

    def do_POST(self) -> None:
        self._serve(post=True)

    def do_GET(self) -> None:
        self._serve(post=False)

    do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _serve(self, *, post: bool) -> None:
        receiver = self.server.receiver
        started = time.monotonic()
        status, event, note = 500, None, ""
        body_unread = True
        try:
            try:
                if not post:
                    if urlsplit(self.path).path == "/healthz" and self.command in ("GET", "HEAD"):
                        raise _Reply(200, {"ok": True, "status": "healthy"})
                    raise _Reply(
                        405,
                        {"ok": False, "error": "only POST (webhooks) and GET /healthz"},
                        {"Allow": "POST"},
                    )
                receiver._check_secret(self.headers, self.path)
                length = receiver._check_length(self.headers)
                body = self._read_body(length)
                body_unread = False
                receiver._deliver(body, self.headers)  # always raises _Reply
            except _Reply as reply:
                status, event = reply.status, reply.event
                note = str(reply.body.get("status") or reply.body.get("error") or "")
                self._answer(reply)
            except Exception:
                receiver._log.exception("unexpected error handling a delivery")
                status, note = 500, "internal error"
                self._answer(_Reply(500, {"ok": False, "error": "internal error"}))
            if body_unread and self.command not in ("GET", "HEAD"):
                self._discard_unread()
        finally:
            if post or status != 200:
                receiver._log_delivery(
                    client_address=self.client_address,
                    method=self.command,
                    path=self.path,
                    status=status,
                    event=event,
                    note=note,
                    started=started,
                )

    # ------------------------------------------------------------------ I/O

    def _read_body(self, length: int) -> bytes:
        receiver = self.server.receiver
        deadline = time.monotonic() + receiver._body_timeout
        chunks: list[bytes] = []
        remaining = length
        try:
            while remaining > 0:
                if time.monotonic() > deadline:
                    raise _Reply(408, {"ok": False, "error": "request body took too long"})
                chunk = self.rfile.read1(min(remaining, _READ_CHUNK))
                if not chunk:
                    raise _Reply(
                        400,
                        {"ok": False, "error": "request body ended before Content-Length bytes"},
                    )
                chunks.append(chunk)
                remaining -= len(chunk)
        except (TimeoutError, OSError) as exc:
            raise _Reply(408, {"ok": False, "error": "request body timed out"}) from exc
        return b"".join(chunks)

    def _answer(self, reply: _Reply) -> None:
        payload = json.dumps(reply.body, separators=(",", ":")).encode("utf-8") + b"\n"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _discard_unread(self) -> None:
        """After answering without reading the body (401, 413, ...): read and drop what the
        client still sends, briefly, so closing does not reset the connection before the
        client has read our answer."""
        limit = 4 * self.server.receiver._max_bytes + _READ_CHUNK
        deadline = time.monotonic() + _DRAIN_SECONDS
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            total = 0
            while total < limit and time.monotonic() < deadline:
                data = self.connection.recv(_READ_CHUNK)
                if not data:
                    break
                total += len(data)
        except OSError:
            pass

    # ------------------------------------------------------------------ logging

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one line per delivery from _serve instead (the request line may hold the secret)

    def log_error(self, format: str, *args: Any) -> None:
        self.server.receiver._log.debug("malformed request from %s", _address(self.client_address))

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Receiver:
    """Receive Better Stack webhooks over HTTP and keep a bundle per incident in `out_dir`.

    ``with Receiver(client, out_dir=path, port=0) as r: r.url`` serves from a background
    thread; `stop()` stops accepting, lets queued and running collections finish within
    `grace` seconds and records the rest in ``<id>/error.txt``. `bundle_options` go to
    `client.bundle` (default ``deadline=20``); `mapping` to `parse_webhook` for a custom
    template.
    """

    def __init__(
        self,
        client: BetterStack,
        *,
        out_dir: Path | str,
        host: str = "127.0.0.1",
        port: int = 8787,
        secret: str | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        workers: int = 4,
        log: logging.Logger | None = None,
        mapping: WebhookMapping | None = None,
        bundle_options: Mapping[str, Any] | None = None,
        dedupe_ttl: float = DEFAULT_DEDUPE_TTL,
        grace: float = DEFAULT_GRACE,
        max_pending: int = DEFAULT_MAX_PENDING,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        if secret is not None and (not isinstance(secret, str) or not secret):
            raise ValueError("secret must be a non-empty string (or None for no secret)")
        for name, value in (("max_bytes", max_bytes), ("workers", workers)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if isinstance(max_pending, bool) or not isinstance(max_pending, int) or max_pending < 1:
            raise ValueError(f"max_pending must be a positive int, got {max_pending!r}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0..65535, got {port!r}")
        for name, seconds in (
            ("dedupe_ttl", dedupe_ttl),
            ("grace", grace),
            ("body_timeout", body_timeout),
        ):
            if not seconds >= 0:
                raise ValueError(f"{name} must be >= 0 seconds, got {seconds!r}")
        options = {"deadline": DEFAULT_BUNDLE_DEADLINE, **dict(bundle_options or {})}
        BundleOptions.build(**options)  # fail now, not in every collection
        self._client = client
        self._out_dir = Path(out_dir)
        self._host = host
        self._port = port
        self._secret = secret.encode("utf-8") if secret is not None else None
        self._max_bytes = max_bytes
        self._workers_count = workers
        self._log = log or logging.getLogger(LOGGER_NAME)
        self._mapping = mapping
        self._bundle_options = options
        self._dedupe_ttl = float(dedupe_ttl)
        self._grace = float(grace)
        self._max_pending = max_pending
        self._body_timeout = float(body_timeout)

        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._jobs: dict[str, _Job] = {}
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._stats = ReceiverStats()
        self._accepting = False
        self._abandoned = False
        self._hurry = threading.Event()  # set by a second SIGINT/SIGTERM: stop waiting now
        self._httpd: _Server | None = None
        self._serve_thread: threading.Thread | None = None
        self._workers: list[threading.Thread] = []
        self._state = "new"  # new -> running -> stopped

    # ------------------------------------------------------------------ lifecycle

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        """The bound port once started (useful with ``port=0``), else the configured one."""
        return self._httpd.server_address[1] if self._httpd is not None else self._port

    @property
    def url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def out_dir(self) -> Path:
        return self._out_dir

    @property
    def stats(self) -> ReceiverStats:
        with self._lock:
            return self._stats

    @property
    def pending(self) -> int:
        """Incidents queued or being collected right now."""
        with self._lock:
            return len(self._jobs)

    def start(self) -> Receiver:
        """Bind, start the worker pool and serve from a background thread. Returns self."""
        if self._state != "new":
            raise RuntimeError("a Receiver can be started once")
        self._out_dir.mkdir(parents=True, exist_ok=True)
        self._sweep_temp_files()
        self._httpd = _Server((self._host, self._port), self)
        self._state = "running"
        self._accepting = True
        for i in range(self._workers_count):
            worker = threading.Thread(
                target=self._work, name=f"betterstack-rca-receiver-{i}", daemon=True
            )
            worker.start()
            self._workers.append(worker)
        self._serve_thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="betterstack-rca-receiver-http",
            daemon=True,
        )
        self._serve_thread.start()
        if self._secret is None and self._host not in ("127.0.0.1", "localhost", "::1"):
            self._log.warning(
                "listening on %s without a shared secret: anyone who can reach it can make "
                "it collect bundles (use --secret, or bind 127.0.0.1 behind a proxy)",
                self._host,
            )
        return self

    def stop(self, grace: float | None = None) -> list[str]:
        """Stop accepting, let collections finish for up to `grace` seconds (default: the
        constructor's), record the rest as unfinished in ``<id>/error.txt`` and return
        their incident ids. Results that arrive later are discarded. Idempotent."""
        if self._state != "running":
            self._state = "stopped"
            return []
        self._state = "stopped"
        with self._lock:
            self._accepting = False
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._serve_thread is not None:
            self._serve_thread.join(timeout=5)
        wait = self._grace if grace is None else max(0.0, float(grace))
        deadline = time.monotonic() + wait
        unfinished: list[_Job] = []
        with self._changed:
            while (
                self._jobs
                and not self._hurry.is_set()
                and (left := deadline - time.monotonic()) > 0
            ):
                self._changed.wait(min(left, 0.2))
            self._abandoned = True
            for job in self._jobs.values():
                if job.state in ("queued", "running"):
                    unfinished.append(job)
            # Jobs already writing finish their (local, quick) writes: never half a file.
            write_deadline = time.monotonic() + _WRITE_WAIT
            while any(j.state == "writing" for j in self._jobs.values()) and (
                (left := write_deadline - time.monotonic()) > 0
            ):
                self._changed.wait(left)
            self._stats = replace(self._stats, unfinished=self._stats.unfinished + len(unfinished))
            for job in unfinished:
                self._jobs.pop(job.incident_id, None)
        for _ in self._workers:
            self._queue.put(None)
        for job in unfinished:
            what = "collection" if job.state == "running" else "queued collection"
            self._record_error(
                job.incident_id,
                job.action,
                f"receiver stopped before the {what} finished (grace period {wait:g} s); "
                "not collected",
            )
            self._log.warning(
                "incident %s (%s): not finished when stopping; recorded in error.txt",
                job.incident_id,
                job.action,
            )
        for worker in self._workers:
            worker.join(timeout=0.05)
        return sorted(job.incident_id for job in unfinished)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or collecting; False if `timeout` ran out first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._changed:
            while self._jobs:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._changed.wait(left)
        return True

    def __enter__(self) -> Receiver:
        if self._state == "new":
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        secret = "set" if self._secret is not None else "none"
        return f"Receiver(url={self.url!r}, out_dir={str(self._out_dir)!r}, secret={secret})"

    # ------------------------------------------------------------------ request checks

    def _check_secret(self, headers: Message, path: str) -> None:
        if self._secret is None:
            return
        candidates: list[bytes] = []
        header = headers.get("X-Webhook-Secret")
        if header is not None:
            candidates.append(header.strip().encode("latin-1", "replace"))
        auth = (headers.get("Authorization") or "").strip()
        scheme, _, credentials = auth.partition(" ")
        if scheme.lower() == "bearer":
            candidates.append(credentials.strip().encode("latin-1", "replace"))
        elif scheme.lower() == "basic":  # Better Stack's template auth: the password
            with contextlib.suppress(binascii.Error, ValueError):
                decoded = base64.b64decode(credentials.strip(), validate=True)
                candidates.append(decoded.partition(b":")[2])
        query = urlsplit(path).query
        if query:
            for value in parse_qs(query, keep_blank_values=True).get("secret", [])[:1]:
                candidates.append(value.encode("utf-8", "replace"))
        ok = False
        for candidate in candidates:  # compare every one: no early exit
            ok |= hmac.compare_digest(candidate, self._secret)
        if not ok:
            raise _Reply(
                401,
                {"ok": False, "error": "missing or wrong shared secret"},
                {"WWW-Authenticate": 'Bearer realm="betterstack-rca"'},
            )

    def _check_length(self, headers: Message) -> int:
        if headers.get("Transfer-Encoding"):
            raise _Reply(411, {"ok": False, "error": "send a Content-Length (no chunked bodies)"})
        values = [str(v).strip() for v in headers.get_all("Content-Length") or []]
        if not values:
            raise _Reply(411, {"ok": False, "error": "Content-Length required"})
        if len(set(values)) != 1:
            raise _Reply(400, {"ok": False, "error": "conflicting Content-Length headers"})
        text = values[0]
        if not text.isdigit() or len(text) > 18:
            raise _Reply(400, {"ok": False, "error": "invalid Content-Length"})
        length = int(text)
        if length > self._max_bytes:
            raise _Reply(
                413,
                {
                    "ok": False,
                    "error": f"body of {length} bytes is over the limit of {self._max_bytes}",
                },
            )
        return length

    # ------------------------------------------------------------------ deliveries

    def _deliver(self, body: bytes, headers: Message) -> NoReturn:
        """Parse, route and answer one delivery: always raises `_Reply`."""
        try:
            event = parse_webhook(
                body, dict(headers.items()), self._mapping, max_bytes=self._max_bytes
            )
        except WebhookParseError as exc:
            raise _Reply(400, {"ok": False, "error": str(exc)}) from None
        ack: dict[str, Any] = {
            "ok": True,
            "kind": event.kind,
            "action": event.action,
            "incident_id": event.incident_id,
        }
        if not event.wants_bundle:
            with self._lock:
                self._stats = replace(self._stats, ignored=self._stats.ignored + 1)
            raise _Reply(202, {**ack, "status": "ignored"}, event=event)
        incident_id = event.incident_id
        if not incident_id:
            self._log.warning(
                "incident %s event (%s) carries no incident id: not collected. Add "
                '"id": "$INCIDENT_ID" to the webhook body template.',
                event.action,
                event.format,
            )
            with self._lock:
                self._stats = replace(self._stats, ignored=self._stats.ignored + 1)
            raise _Reply(
                202,
                {**ack, "status": "ignored", "note": "no incident id in the event; not collected"},
                event=event,
            )
        if not _SAFE_ID_RE.fullmatch(incident_id) or ".." in incident_id:
            raise _Reply(400, {"ok": False, "error": "incident id is not a plain id"}, event=event)
        key = event.delivery_key()
        with self._lock:
            if not self._accepting:
                raise _Reply(
                    503, {**ack, "ok": False, "error": "shutting down"}, {"Retry-After": "30"}
                )
            now = time.monotonic()
            while self._seen and next(iter(self._seen.values())) <= now:
                self._seen.popitem(last=False)
            if key in self._seen:
                self._stats = replace(self._stats, duplicates=self._stats.duplicates + 1)
                raise _Reply(200, {**ack, "status": "duplicate"}, event=event)
            job = self._jobs.get(incident_id)
            if job is None and len(self._jobs) >= self._max_pending:
                raise _Reply(
                    503,
                    {**ack, "ok": False, "error": "too many collections pending"},
                    {"Retry-After": "30"},
                    event=event,
                )
            self._seen[key] = now + self._dedupe_ttl
            while len(self._seen) > _MAX_DEDUPE_KEYS:
                self._seen.popitem(last=False)
            if job is None:
                self._jobs[incident_id] = _Job(incident_id, event.action)
                self._queue.put(incident_id)
                collection = "queued"
                coalesced = 0
            else:
                job.action = event.action
                if job.state == "queued":
                    collection = "coalesced"  # the queued collection will see it
                else:
                    job.rerun = True
                    collection = "refresh_after_current"
                coalesced = 1
            self._stats = replace(
                self._stats,
                accepted=self._stats.accepted + 1,
                coalesced=self._stats.coalesced + coalesced,
            )
        raise _Reply(202, {**ack, "status": "accepted", "collection": collection}, event=event)

    def _log_delivery(
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
            with self._lock:
                self._stats = replace(
                    self._stats,
                    deliveries=self._stats.deliveries + 1,
                    rejected=self._stats.rejected + (status >= 400),
                )
        kind = f"{event.kind}/{event.action}" if event is not None else "-"
        incident = (event.incident_id if event is not None else None) or "-"
        self._log.info(
            "%s %s %s -> %d %s kind=%s incident=%s (%.1f ms)",
            _address(client_address),
            _printable(method, 16),
            _log_path(path),
            status,
            _printable(note, 300),
            _printable(kind, 80),
            _printable(incident, 130),
            (time.monotonic() - started) * 1000,
        )

    # ------------------------------------------------------------------ collection

    def _work(self) -> None:
        while True:
            incident_id = self._queue.get()
            if incident_id is None:
                return
            try:
                self._collect(incident_id)
            except Exception:  # never let a worker die
                self._log.exception("unexpected error in a receiver worker")

    def _collect(self, incident_id: str) -> None:
        with self._lock:
            job = self._jobs.get(incident_id)
            if job is None or self._abandoned or job.state != "queued":
                return
            job.state, job.rerun = "running", False
            action = job.action
            self._stats = replace(self._stats, collections=self._stats.collections + 1)
        started = time.monotonic()
        rendered: tuple[str, str] | None = None
        error: str | None = None
        try:
            bundle = self._client.bundle(incident_id, **self._bundle_options)
            rendered = (bundle.to_json(), bundle.to_markdown())
        except BetterStackError as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:
            self._log.exception("incident %s: unexpected error while collecting", incident_id)
            error = f"unexpected {type(exc).__name__}: {exc}"
        with self._changed:
            if self._abandoned:
                self._stats = replace(self._stats, discarded=self._stats.discarded + 1)
                self._changed.notify_all()
                return
            job.state = "writing"
        seconds = time.monotonic() - started
        try:
            if rendered is not None:
                folder = self._out_dir / incident_id
                folder.mkdir(parents=True, exist_ok=True)
                _atomic_write(folder / "bundle.json", rendered[0])
                _atomic_write(folder / "bundle.md", rendered[1])
                with contextlib.suppress(FileNotFoundError):
                    (folder / "error.txt").unlink()
                self._log.info(
                    "incident %s (%s): bundle written to %s in %.2f s",
                    incident_id,
                    action,
                    folder,
                    seconds,
                )
            else:
                assert error is not None
                self._log.error(
                    "incident %s (%s): collection failed: %s", incident_id, action, error
                )
                self._record_error(incident_id, action, error)
        except OSError as exc:
            error = error or f"could not write the bundle: {type(exc).__name__}: {exc}"
            self._log.error("incident %s: could not write files: %s", incident_id, exc)
        finally:
            with self._changed:
                if error is None:
                    self._stats = replace(self._stats, succeeded=self._stats.succeeded + 1)
                else:
                    self._stats = replace(self._stats, failed=self._stats.failed + 1)
                if job.rerun and not self._abandoned:
                    job.state = "queued"
                    self._queue.put(incident_id)
                else:
                    self._jobs.pop(incident_id, None)
                self._changed.notify_all()

    def _record_error(self, incident_id: str, action: str, message: str) -> None:
        folder = self._out_dir / incident_id
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        text = f"incident: {incident_id}\naction: {action}\nat: {stamp}\nerror: {message}\n"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _atomic_write(folder / "error.txt", text)
        except OSError as exc:
            self._log.error("incident %s: could not write error.txt: %s", incident_id, exc)

    def _sweep_temp_files(self) -> None:
        """Remove temporary files a killed process may have left (never a finished file)."""
        for pattern in ("*/.bundle.json.*.tmp", "*/.bundle.md.*.tmp", "*/.error.txt.*.tmp"):
            for path in self._out_dir.glob(pattern):
                with contextlib.suppress(OSError):
                    path.unlink()


def _atomic_write(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, fsync it, then `os.replace` it in."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def listen(
    client: BetterStack,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    out_dir: Path,
    secret: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 4,
    log: logging.Logger | None = None,
    grace: float = DEFAULT_GRACE,
    mapping: WebhookMapping | None = None,
    bundle_options: Mapping[str, Any] | None = None,
    stop_event: threading.Event | None = None,
) -> int:
    """Serve webhooks until SIGINT/SIGTERM (or `stop_event` is set), then stop cleanly.

    Returns 0 after a clean stop, 2 when the address cannot be bound (logged). Signal
    handlers are installed only when called from the main thread, and restored on return;
    a second signal while stopping ends the grace period at once (unfinished collections
    are still recorded in error.txt).
    """
    logger = log or logging.getLogger(LOGGER_NAME)
    receiver = Receiver(
        client,
        out_dir=out_dir,
        host=host,
        port=port,
        secret=secret,
        max_bytes=max_bytes,
        workers=workers,
        log=logger,
        grace=grace,
        mapping=mapping,
        bundle_options=bundle_options,
    )
    stop = stop_event or threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():  # a second signal while stopping: stop waiting for collections
            receiver._hurry.set()
        stop.set()

    in_main = threading.current_thread() is threading.main_thread()
    previous: dict[signal.Signals, Any] = {}
    if in_main:
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        try:
            receiver.start()
        except OSError as exc:
            logger.error("cannot listen on %s:%s: %s", host, port, exc)
            return 2
        logger.info(
            "listening on %s (POST webhooks to any path; GET /healthz), bundles in %s, "
            "shared secret %s",
            receiver.url,
            receiver.out_dir,
            "required" if secret else "not set",
        )
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        logger.info("stopping: finishing collections in flight (up to %g s)", grace)
        unfinished = receiver.stop()
        if unfinished:
            logger.warning(
                "stopped; %d collection(s) not finished, recorded in error.txt: %s",
                len(unfinished),
                ", ".join(unfinished),
            )
        else:
            logger.info("stopped")
        return 0
    finally:
        if receiver._state == "running":
            receiver.stop(0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
