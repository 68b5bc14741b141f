"""The HTTP side of a `Receiver` (standard library `http.server`): one request per
connection, POST (any path) is a delivery, GET /healthz a health check, anything else 405.

A body is never read past its Content-Length nor for longer than the body timeout; a
refused request's unread body is drained briefly so the client sees the answer."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final
from urllib.parse import urlsplit

from betterstack_rca.webhooks.receiver.intake import Intake, client_host
from betterstack_rca.webhooks.receiver.reply import Reply

__all__ = [
    "BACKLOG",
    "DEFAULT_MAX_CONNECTIONS",
    "HEADER_TIMEOUT",
    "SOCKET_TIMEOUT",
    "WebhookServer",
]

#: Per-recv socket timeout of a connection.
SOCKET_TIMEOUT: Final = 10.0
#: Total seconds from accepting a connection to the end of its request headers: a client
#: trickling header lines (slowloris) is cut off then, whatever each recv's timeout.
HEADER_TIMEOUT: Final = 10.0
#: Connections served at once; one more is answered 503 at once and closed.
DEFAULT_MAX_CONNECTIONS: Final = 64
#: The listen backlog (the standard library's default is 5).
BACKLOG: Final = 128

_READ_CHUNK = 65_536
_DRAIN_SECONDS = 2.0


_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 5\r\nConnection: close\r\nContent-Length: 48\r\n\r\n"
    b'{"ok":false,"error":"too many open connections"}'
)


class WebhookServer(ThreadingHTTPServer):
    """A thread per connection, at most `max_connections` of them; the headers of each
    must arrive within `header_timeout` seconds in total."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        intake: Intake,
        *,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        header_timeout: float = HEADER_TIMEOUT,
    ) -> None:
        self.intake = intake
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)
        self.refused_connections = 0
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self.refused_connections += 1
            try:
                request.settimeout(0.5)
                request.sendall(_BUSY)
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback to stderr; keep it in our log, without the request.
        self.intake.log.exception("unexpected error serving %s", client_host(client_address))


class _Handler(BaseHTTPRequestHandler):
    server_version = "betterstack-rca-receiver"
    sys_version = ""
    protocol_version = "HTTP/1.0"  # one request per connection; every answer closes it
    timeout = SOCKET_TIMEOUT
    server: WebhookServer

    # ------------------------------------------------------------------ header deadline

    def setup(self) -> None:
        super().setup()
        self._headers_read = threading.Event()
        self._watchdog = threading.Timer(self.server.header_timeout, self._headers_too_slow)
        self._watchdog.daemon = True
        self._watchdog.start()

    def _headers_too_slow(self) -> None:
        if self._headers_read.is_set():
            return
        self.server.intake.log.info(
            "%s: request headers not complete within %g s; connection closed",
            client_host(self.client_address),
            self.server.header_timeout,
        )
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)  # wakes the blocked read

    def finish(self) -> None:
        self._watchdog.cancel()
        super().finish()

    # ------------------------------------------------------------------ dispatch

    def do_POST(self) -> None:
        self._serve(post=True)

    def do_GET(self) -> None:
        self._serve(post=False)

    do_HEAD = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def _serve(self, *, post: bool) -> None:
        self._headers_read.set()
        self._watchdog.cancel()
        intake = self.server.intake
        started = time.monotonic()
        status, event, note = 500, None, ""
        body_unread = True
        try:
            try:
                if not post:
                    if urlsplit(self.path).path == "/healthz" and self.command in ("GET", "HEAD"):
                        raise Reply(200, {"ok": True, "status": "healthy"})
                    raise Reply(
                        405,
                        {"ok": False, "error": "only POST (webhooks) and GET /healthz"},
                        {"Allow": "POST"},
                    )
                length = intake.check(self.headers, self.path)
                body = self._read_body(length)
                body_unread = False
                intake.deliver(body, self.headers, client_host(self.client_address))
            except Reply as reply:
                status, event = reply.status, reply.event
                note = str(reply.body.get("status") or reply.body.get("error") or "")
                self._answer(reply)
            except Exception:
                intake.log.exception("unexpected error handling a delivery")
                status, note = 500, "internal error"
                self._answer(Reply(500, {"ok": False, "error": "internal error"}))
            if body_unread and self.command not in ("GET", "HEAD"):
                self._discard_unread()
        finally:
            if post or status != 200:
                intake.log_delivery(
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
        deadline = time.monotonic() + self.server.intake.body_timeout
        chunks: list[bytes] = []
        remaining = length
        try:
            while remaining > 0:
                if time.monotonic() > deadline:
                    raise Reply(408, {"ok": False, "error": "request body took too long"})
                chunk = self.rfile.read1(min(remaining, _READ_CHUNK))
                if not chunk:
                    raise Reply(
                        400,
                        {"ok": False, "error": "request body ended before Content-Length bytes"},
                    )
                chunks.append(chunk)
                remaining -= len(chunk)
        except (TimeoutError, OSError) as exc:
            raise Reply(408, {"ok": False, "error": "request body timed out"}) from exc
        return b"".join(chunks)

    def _answer(self, reply: Reply) -> None:
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
        limit = 4 * self.server.intake.max_bytes + _READ_CHUNK
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
        self.server.intake.log.debug("malformed request from %s", client_host(self.client_address))

    def log_message(self, format: str, *args: Any) -> None:
        pass
