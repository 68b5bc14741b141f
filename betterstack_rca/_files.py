"""Writing output files: one policy for the report, `bundle --out` and the webhook receiver.

- A file is written to a temporary file beside it (created 0600 by `tempfile.mkstemp`),
  flushed and fsynced, then moved into place with `os.replace`: a reader never sees half a
  file, and the result is readable by its owner only (bundles hold an incident's
  neighbourhood: names, people, URLs).
- Nothing inside the output folder is followed when it is a symbolic link: a link planted
  at ``out/<id>`` or ``out/<id>/bundle.json`` makes the write fail (`UnsafePathError`)
  instead of writing through it to wherever it points.
- `overwrite=False` refuses to replace an existing file (`FileExistsError`).

This module imports nothing of the package.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

__all__ = ["FILE_MODE", "UnsafePathError", "private_folder", "write_private"]

#: The permissions of every file written (owner read/write only).
FILE_MODE = 0o600
#: The permissions of every folder created below the output folder.
FOLDER_MODE = 0o700


class UnsafePathError(OSError):
    """A symbolic link (or something that is not a folder) where a folder or file of the
    output is to be written; nothing was written."""

    def __init__(self, path: Path, what: str = "a symbolic link") -> None:
        super().__init__(errno.ELOOP, f"refusing to write through {what}", str(path))


def _refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise UnsafePathError(path)


def private_folder(root: Path, *parts: str) -> Path:
    """``root/part/...``, created as needed (0700 below `root`), none of it a link."""
    root.mkdir(parents=True, exist_ok=True)
    folder = root
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\x00" in part:
            raise UnsafePathError(root / part, "a path that is not one plain name")
        folder = folder / part
        _refuse_link(folder)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=FOLDER_MODE)
        _refuse_link(folder)
        if not folder.is_dir():
            raise UnsafePathError(folder, "something that is not a folder")
    return folder


def write_private(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write `text` to `path` atomically, mode 0600, never through a link (see above)."""
    _refuse_link(path)
    _refuse_link(path.parent)
    if not overwrite and path.exists():
        raise FileExistsError(errno.EEXIST, "refusing to overwrite an existing file", str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never replaced
            os.unlink(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
