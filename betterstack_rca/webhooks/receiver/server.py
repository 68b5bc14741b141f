"""`Receiver`: the webhook receiver's lifecycle. It binds the HTTP server (`handler`), whose
requests go through the `Intake` onto the `JobBoard`, and starts the `Workers` that collect
the bundles; `stop()` drains them within a grace period. `listen()` runs one in the
foreground until SIGINT/SIGTERM (``betterstack-rca listen``)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, Final

from betterstack_rca.rca.options import BundleOptions
from betterstack_rca.webhooks.limits import DEFAULT_MAX_BYTES
from betterstack_rca.webhooks.mapping import WebhookMapping
from betterstack_rca.webhooks.receiver.files import sweep_temp_files
from betterstack_rca.webhooks.receiver.handler import (
    DEFAULT_MAX_CONNECTIONS,
    HEADER_TIMEOUT,
    WebhookServer,
)
from betterstack_rca.webhooks.receiver.intake import Intake
from betterstack_rca.webhooks.receiver.jobs import Job, JobBoard, ReceiverStats
from betterstack_rca.webhooks.receiver.workers import Workers

if TYPE_CHECKING:
    from betterstack_rca.client import BetterStack

__all__ = [
    "BODY_TIMEOUT",
    "DEFAULT_BUNDLE_DEADLINE",
    "DEFAULT_DEDUPE_TTL",
    "DEFAULT_GRACE",
    "DEFAULT_MAX_PENDING",
    "DEFAULT_MAX_PENDING_PER_SENDER",
    "DEFAULT_REFRESH_INTERVAL",
    "LOGGER_NAME",
    "Receiver",
    "listen",
]

#: The logger of the receiver (its name predates the move under webhooks/; kept for configs).
LOGGER_NAME: Final = "betterstack_rca.receiver"
#: Seconds a delivery key is remembered: a repeat within it is answered 200 "duplicate".
DEFAULT_DEDUPE_TTL: Final = 600.0
#: Seconds `stop()` lets queued and running collections finish before recording them.
DEFAULT_GRACE: Final = 25.0
#: The collector's deadline for one bundle (seconds), unless bundle_options says otherwise.
DEFAULT_BUNDLE_DEADLINE: Final = 20.0
#: Incidents queued or collecting at once; beyond it deliveries get 503 + Retry-After.
DEFAULT_MAX_PENDING: Final = 1000
#: Total seconds allowed to receive one request body.
BODY_TIMEOUT: Final = 30.0
#: Incidents one sender (client address) may have queued or collecting at once.
DEFAULT_MAX_PENDING_PER_SENDER: Final = 20
#: Seconds after a finished collection during which a delivery of the same incident and
#: action is answered 200 "duplicate" instead of collecting it again.
DEFAULT_REFRESH_INTERVAL: Final = 60.0

_WRITE_WAIT = 10.0


class Receiver:
    """Receive Better Stack webhooks over HTTP and keep a bundle per incident in `out_dir`.

    ``with Receiver(client, out_dir=path, port=0) as r: r.url`` serves from a background
    thread; `stop()` stops accepting, lets queued and running collections finish within
    `grace` seconds and records the rest in ``<id>/error.txt``. `bundle_options` go to
    `client.bundle` (default ``deadline=20, eager=False``: an incident the API does not know
    costs one request); `mapping` to `parse_webhook` for a custom template.
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
        insecure_no_secret: bool = False,
        max_pending_per_sender: int = DEFAULT_MAX_PENDING_PER_SENDER,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        header_timeout: float = HEADER_TIMEOUT,
    ) -> None:
        if secret is not None and (not isinstance(secret, str) or not secret):
            raise ValueError("secret must be a non-empty string (or None for no secret)")
        if secret is None and not insecure_no_secret:
            raise ValueError(
                "the receiver needs a shared secret (secret=..., --secret or --secret-env): "
                "without one, anyone who can POST to it spends your API budget. Pass "
                "insecure_no_secret=True (--insecure-no-secret) to run without one anyway"
            )
        for name, value in (("max_bytes", max_bytes), ("workers", workers)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        for name, value in (
            ("max_pending", max_pending),
            ("max_pending_per_sender", max_pending_per_sender),
            ("max_connections", max_connections),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0..65535, got {port!r}")
        for name, seconds in (
            ("dedupe_ttl", dedupe_ttl),
            ("grace", grace),
            ("body_timeout", body_timeout),
            ("refresh_interval", refresh_interval),
            ("header_timeout", header_timeout),
        ):
            if not seconds >= 0:
                raise ValueError(f"{name} must be >= 0 seconds, got {seconds!r}")
        # the incident first and alone: an id the API does not know (a forged delivery)
        # costs one request, not the eight that go out with the incident otherwise
        options = {
            "deadline": DEFAULT_BUNDLE_DEADLINE,
            "eager": False,
            **dict(bundle_options or {}),
        }
        BundleOptions.build(**options)  # fail now, not in every collection
        self._out_dir = Path(out_dir)
        self._host = host
        self._port = port
        self._has_secret = secret is not None
        self._workers_count = workers
        self._log = log or logging.getLogger(LOGGER_NAME)
        self._grace = float(grace)

        self._board = JobBoard(
            dedupe_ttl=float(dedupe_ttl),
            max_pending=max_pending,
            max_pending_per_sender=max_pending_per_sender,
            refresh_interval=float(refresh_interval),
        )
        self._max_connections = max_connections
        self._header_timeout = float(header_timeout)
        self._intake = Intake(
            self._board,
            log=self._log,
            secret=secret.encode("utf-8") if secret is not None else None,
            max_bytes=max_bytes,
            body_timeout=float(body_timeout),
            mapping=mapping,
        )
        self._workers = Workers(
            self._board, client, out_dir=self._out_dir, bundle_options=options, log=self._log
        )
        self._hurry = threading.Event()  # set by a second SIGINT/SIGTERM: stop waiting now
        self._httpd: WebhookServer | None = None
        self._serve_thread: threading.Thread | None = None
        self._threads: list[threading.Thread] = []
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
        with self._board.lock:
            return self._board.stats

    @property
    def pending(self) -> int:
        """Incidents queued or being collected right now."""
        with self._board.lock:
            return len(self._board.jobs)

    def start(self) -> Receiver:
        """Bind, start the worker pool and serve from a background thread. Returns self."""
        if self._state != "new":
            raise RuntimeError("a Receiver can be started once")
        self._out_dir.mkdir(parents=True, exist_ok=True)
        sweep_temp_files(self._out_dir)
        self._httpd = WebhookServer(
            (self._host, self._port),
            self._intake,
            max_connections=self._max_connections,
            header_timeout=self._header_timeout,
        )
        self._state = "running"
        self._board.accepting = True
        for i in range(self._workers_count):
            worker = threading.Thread(
                target=self._workers.run, name=f"betterstack-rca-receiver-{i}", daemon=True
            )
            worker.start()
            self._threads.append(worker)
        self._serve_thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.2},
            name="betterstack-rca-receiver-http",
            daemon=True,
        )
        self._serve_thread.start()
        if not self._has_secret:  # a proxy in front makes loopback reachable too
            self._log.warning(
                "listening on %s without a shared secret (--insecure-no-secret): anyone who "
                "can reach it, directly or through a proxy, can make it collect bundles",
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
        board = self._board
        with board.lock:
            board.accepting = False
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._serve_thread is not None:
            self._serve_thread.join(timeout=5)
        wait = self._grace if grace is None else max(0.0, float(grace))
        deadline = time.monotonic() + wait
        unfinished: list[Job] = []
        with board.changed:
            while (
                board.jobs
                and not self._hurry.is_set()
                and (left := deadline - time.monotonic()) > 0
            ):
                board.changed.wait(min(left, 0.2))
            board.abandoned = True
            for job in board.jobs.values():
                if job.state in ("queued", "running"):
                    unfinished.append(job)
            # Jobs already writing finish their (local, quick) writes: never half a file.
            write_deadline = time.monotonic() + _WRITE_WAIT
            while any(j.state == "writing" for j in board.jobs.values()) and (
                (left := write_deadline - time.monotonic()) > 0
            ):
                board.changed.wait(left)
            board.count(unfinished=len(unfinished))
            for job in unfinished:
                board.drop(job.incident_id)
        for _ in self._threads:
            board.queue.put(None)
        for job in unfinished:
            what = "collection" if job.state == "running" else "queued collection"
            self._workers.record_error(
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
        for worker in self._threads:
            worker.join(timeout=0.05)
        return sorted(job.incident_id for job in unfinished)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or collecting; False if `timeout` ran out first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._board.changed:
            while self._board.jobs:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._board.changed.wait(left)
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
        secret = "set" if self._has_secret else "none"
        return f"Receiver(url={self.url!r}, out_dir={str(self._out_dir)!r}, secret={secret})"


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
    insecure_no_secret: bool = False,
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
        insecure_no_secret=insecure_no_secret,
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
