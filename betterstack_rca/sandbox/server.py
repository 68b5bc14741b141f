"""A real HTTP server (stdlib ``ThreadingHTTPServer``) on 127.0.0.1 serving a ``SandboxApp``."""

from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from betterstack_rca.sandbox.app import SandboxApp

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _handler_for(app: SandboxApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "betterstack-rca-sandbox"
        sys_version = ""
        # TCP_NODELAY: the headers and the body go out as two writes; with Nagle on, a body
        # under one segment waits for the client's delayed ACK of the headers (up to 40 ms
        # per answer on Linux), a stall of this test server that real APIs do not have
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            host = self.headers.get("Host") or f"127.0.0.1:{getattr(self.server, 'server_port', 0)}"
            with app.in_flight():
                r = app.dispatch(self.command, self.path, dict(self.headers), f"http://{host}")
                if r.delay > 0:
                    time.sleep(r.delay)
                if r.fault == "timeout":
                    time.sleep(app.faults.timeout_seconds)
                    self.close_connection = True
                    return
                if r.fault == "reset":
                    # SO_LINGER 0: close() sends a TCP reset instead of a clean FIN.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                self.send_response(r.status)
                for k, v in r.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(r.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    # the default listen queue of 5 overflows when a client opens several connections at
    # once, and each dropped connection then waits a second to retry
    request_queue_size = 128
    daemon_threads = True


class SandboxServer:
    """Serve ``app`` over HTTP on a loopback address from a background thread.

    ``with SandboxServer(app, port=0) as srv: srv.url`` (port 0 picks a free port).
    """

    def __init__(self, app: SandboxApp, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in _LOOPBACK:
            raise ValueError("the sandbox server only listens on a loopback address")
        self.app = app
        self._httpd = _Server((host, port), _handler_for(app))
        self._httpd.daemon_threads = True
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="sandbox-server", daemon=True
        )
        self._thread.start()
        self._closed = False

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
