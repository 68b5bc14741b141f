"""The output folder: ``DIR/<incident_id>/`` holds bundle.json and bundle.md, or error.txt
saying why the last collection failed or did not finish.

Each file is written to a temporary file beside it and moved into place with `os.replace`,
so a reader never sees half a file."""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from pathlib import Path

from betterstack_rca._files import private_folder, write_private
from betterstack_rca._scrub import scrub

__all__ = ["atomic_write", "sweep_temp_files", "write_bundle", "write_error"]


def write_bundle(out_dir: Path, incident_id: str, json_text: str, markdown: str) -> Path:
    """Write bundle.json and bundle.md (and drop an old error.txt); returns the folder."""
    folder = private_folder(out_dir, incident_id)
    atomic_write(folder / "bundle.json", json_text)
    atomic_write(folder / "bundle.md", markdown)
    with contextlib.suppress(FileNotFoundError):
        (folder / "error.txt").unlink()
    return folder


def write_error(out_dir: Path, incident_id: str, action: str, message: str) -> None:
    """Write error.txt: the incident, the action, when (UTC) and what went wrong."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    text = f"incident: {incident_id}\naction: {action}\nat: {stamp}\nerror: {scrub(message)}\n"
    atomic_write(private_folder(out_dir, incident_id) / "error.txt", text)


def sweep_temp_files(out_dir: Path) -> None:
    """Remove temporary files a killed process may have left (never a finished file)."""
    for pattern in ("*/.bundle.json.*.tmp", "*/.bundle.md.*.tmp", "*/.error.txt.*.tmp"):
        for path in out_dir.glob(pattern):
            if path.parent.is_symlink():  # never reach through a link out of the folder
                continue
            with contextlib.suppress(OSError):
                path.unlink()


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, fsync it, then `os.replace` it in
    (mode 0600, never through a symbolic link: `betterstack_rca._files.write_private`)."""
    write_private(path, text)
