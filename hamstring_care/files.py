"""Writing output files so that a failure never leaves half a file behind."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from hamstring_care.errors import OutputFileError


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The rename is atomic, so ``path`` holds either its old content or all of the new one.
    An existing file is replaced only with ``force``.

    Raises:
        OutputFileError: the file exists (without ``force``), or it cannot be written
            (no such folder, no permission, disk full); the temporary file is removed.
    """
    shown = str(path)
    if path.is_dir():
        raise OutputFileError(f"{shown}: is a folder; give a file name")
    kind = _not_a_file(path)
    if kind:
        # The rename would put the sheet in place of a device, a pipe or a socket.
        raise OutputFileError(f"{shown}: is {kind}, not a file; give a file name")
    if path.exists() and not force:
        raise OutputFileError(f"{shown}: already exists; add --force to replace it")
    folder = path.parent
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
        temp = None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        if isinstance(exc, FileNotFoundError) and not folder.is_dir():
            reason = f"no folder {folder}"
        raise OutputFileError(f"{shown}: cannot write: {reason}") from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _not_a_file(path: Path) -> str | None:
    """What stands at ``path`` when it is neither a regular file, a link, nor nothing."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None  # nothing there (or unreadable: the write says why)
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):  # a link is replaced as a link
        return None
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _umask() -> int:
    # The only way to read the umask is to set it; put it straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
