"""The worker pool's side of a `Receiver`: take an incident off the board, collect its bundle
with the client, write the files; a collection that raises is recorded in error.txt."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from betterstack_rca._scrub import scrub
from betterstack_rca.errors import BetterStackError, NotFoundError
from betterstack_rca.webhooks.receiver.files import write_bundle, write_error
from betterstack_rca.webhooks.receiver.jobs import JobBoard

if TYPE_CHECKING:
    from betterstack_rca.client import BetterStack

__all__ = ["Workers"]


class Workers:
    """What each worker thread runs (`run`), and the error record `Receiver.stop` shares."""

    def __init__(
        self,
        board: JobBoard,
        client: BetterStack,
        *,
        out_dir: Path,
        bundle_options: Mapping[str, Any],
        log: logging.Logger,
    ) -> None:
        self._board = board
        self._client = client
        self._out_dir = out_dir
        self._bundle_options = bundle_options
        self._log = log

    def run(self) -> None:
        """Collect incidents from the queue until it yields None."""
        while True:
            incident_id = self._board.queue.get()
            if incident_id is None:
                return
            try:
                self.collect(incident_id)
            except Exception:  # never let a worker die
                self._log.exception("unexpected error in a receiver worker")

    def collect(self, incident_id: str) -> None:
        board = self._board
        with board.lock:
            job = board.jobs.get(incident_id)
            if job is None or board.abandoned or job.state != "queued":
                return
            job.state, job.rerun = "running", False
            action = job.action
            board.count(collections=1)
        started = time.monotonic()
        rendered: tuple[str, str] | None = None
        error: str | None = None
        unknown = False
        try:
            # The incident is fetched first and alone: an id the API does not know costs
            # one request, writes nothing and leaves no folder behind.
            bundle = self._client.bundle(incident_id, **self._bundle_options)
            rendered = (bundle.to_json(), bundle.to_markdown())
        except NotFoundError:
            unknown = True
        except BetterStackError as exc:
            error = scrub(f"{type(exc).__name__}: {exc}")
        except Exception as exc:
            self._log.error(
                "incident %s: unexpected error while collecting: %s",
                incident_id,
                scrub(f"{type(exc).__name__}: {exc}"),
            )
            self._log.debug("incident %s: traceback", incident_id, exc_info=True)
            error = scrub(f"unexpected {type(exc).__name__}: {exc}")
        with board.changed:
            if board.abandoned:
                board.count(discarded=1)
                board.changed.notify_all()
                return
            job.state = "writing"
        seconds = time.monotonic() - started
        try:
            if unknown:
                self._log.warning(
                    "incident %s (%s): the API does not know this incident; not collected",
                    incident_id,
                    action,
                )
            elif rendered is not None:
                folder = write_bundle(self._out_dir, incident_id, *rendered)
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
                self.record_error(incident_id, action, error)
        except OSError as exc:
            error = error or f"could not write the bundle: {type(exc).__name__}: {exc}"
            self._log.error("incident %s: could not write files: %s", incident_id, exc)
        finally:
            with board.changed:
                if unknown:
                    board.count(unknown=1)
                elif error is None:
                    board.count(succeeded=1)
                else:
                    board.count(failed=1)
                if job.rerun and not board.abandoned:
                    job.state = "queued"
                    board.queue.put(incident_id)
                else:
                    board.drop(incident_id, finished=True)
                board.changed.notify_all()

    def record_error(self, incident_id: str, action: str, message: str) -> None:
        """Write ``<id>/error.txt`` (a failure to write it is logged, not raised)."""
        try:
            write_error(self._out_dir, incident_id, action, message)
        except OSError as exc:
            self._log.error("incident %s: could not write error.txt: %s", incident_id, exc)
