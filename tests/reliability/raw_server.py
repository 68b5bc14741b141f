"""A hostile HTTP server on a real socket (127.0.0.1): it writes raw bytes, never a proper answer.

Each behaviour is what a broken proxy or a man in the middle could do before the body:

- ``header-trickle``: the status line, then one header byte every `every` seconds, never ending.
- ``slow-header-lines``: the status line, then one whole header line every `every` seconds.
- ``endless-headers``: the status line, then header lines as fast as the socket takes them.
- ``interim``: ``100 Continue`` answers, one after another, as fast as the socket takes them.
- ``silent``: reads the request and says nothing.
- ``backlog``: never accepts; its accept queue is full, so a connect hangs (no SYN-ACK).

Every connection ends when the server is closed (or after `give_up` seconds), so a test that
fails leaves no thread behind for long.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType

BEHAVIOURS = (
    "header-trickle",
    "slow-header-lines",
    "endless-headers",
    "interim",
    "silent",
    "backlog",
)


class RawServer:
    def __init__(self, behaviour: str, *, every: float = 0.2, give_up: float = 60.0) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}")
        self.behaviour = behaviour
        self.every = every
        self.give_up = give_up
        self.connections = 0
        """Connections accepted (or, for ``backlog``, never accepted: always 0)."""
        self.header_bytes = 0
        """Bytes of headers written, over every connection."""
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._fillers: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=0)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        if behaviour == "backlog":
            self._fill_backlog()
        else:
            self._listener.settimeout(0.05)
            self._spawn(self._accept_loop)

    def _fill_backlog(self) -> None:
        # a backlog of 0 queues one connection; those queued fill it, the next SYN is dropped
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", self.port))  # in progress: never completes
            self._fillers.append(filler)
        time.sleep(0.05)

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="raw-server")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            self._spawn(self._serve, conn)

    def _send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        with self._lock:
            self.header_bytes += len(data)

    def _serve(self, conn: socket.socket) -> None:
        end = time.monotonic() + self.give_up
        conn.settimeout(1.0)
        try:
            request = b""
            while b"\r\n\r\n" not in request and not self._stop.is_set():
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    return
                request += chunk
            if self.behaviour in ("header-trickle", "slow-header-lines", "endless-headers"):
                self._send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            if self.behaviour == "header-trickle":
                self._send(conn, b"X-a: ")
            n = 0
            while not self._stop.is_set() and time.monotonic() < end:
                n += 1
                if self.behaviour == "header-trickle":
                    self._stop.wait(self.every)
                    self._send(conn, b"a")
                elif self.behaviour == "slow-header-lines":
                    self._stop.wait(self.every)
                    self._send(conn, b"X-line-%d: v\r\n" % n)
                elif self.behaviour == "endless-headers":
                    self._send(conn, b"".join(b"X-h-%d: v\r\n" % (n * 100 + i) for i in range(100)))
                elif self.behaviour == "interim":
                    self._send(conn, b"HTTP/1.1 100 Continue\r\n\r\n" * 50)
                else:  # silent
                    self._stop.wait(self.every)
        except OSError:
            return  # the client hung up: what a bounded client does
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for filler in self._fillers:
            filler.close()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
