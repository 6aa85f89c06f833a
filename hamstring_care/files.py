"""Writing output files so that a failure never leaves half a file behind."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from hamstring_care.errors import OutputFileError, UsageError


def write_atomic(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The rename is atomic, so ``path`` holds either its old content or all of the new one.
    An existing file is replaced only with ``force``.

    Raises:
        OutputFileError: the file exists (without ``force``), or it cannot be written
            (no such folder, no permission, disk full); the temporary file is removed.
    """
    shown = str(path)
    try:
        # What is there now: a name too long, or a folder that may not be entered, is said
        # here like any other reason a file cannot be written.
        target = examine(path)
        kind = _not_a_file(path)
    except OSError as exc:
        raise OutputFileError(f"{shown}: cannot write: {reason(exc)}") from None
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise OutputFileError(f"{shown}: is a folder; give a file name")
    if kind:
        # The rename would put the sheet in place of a device, a pipe or a socket.
        raise OutputFileError(f"{shown}: is {kind}, not a file; give a file name")
    if target is not None and not force:
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
        why = reason(exc)
        if isinstance(exc, FileNotFoundError) and not is_folder(folder):
            why = f"no folder {folder}"
        raise OutputFileError(f"{shown}: cannot write: {why}") from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


# What "nothing there" looks like: no such name, a file where a folder should be on the way,
# a link loop. Anything else (no permission to look, a name too long) is an answer of its own.
_NOTHING = (errno.ENOENT, errno.ENOTDIR, errno.ELOOP)


def examine(path: Path, *, follow: bool = True) -> os.stat_result | None:
    """What is at ``path`` (the link itself unless ``follow``); None when nothing is there.

    Unlike ``Path.exists`` and ``Path.is_dir``, which raise for some reasons and not others
    depending on the Python version, every reason the answer cannot be known is raised.

    Raises:
        OSError: the path cannot be looked at: no permission to enter a folder on the way,
            a name longer than the system allows.
    """
    try:
        return os.stat(path) if follow else os.lstat(path)
    except OSError as exc:
        if exc.errno in _NOTHING:
            return None
        raise


def is_folder(path: Path) -> bool:
    """True when ``path`` is a folder (links followed); False when it cannot be looked at."""
    try:
        status = examine(path)
    except OSError:
        return False
    return status is not None and stat.S_ISDIR(status.st_mode)


def reason(exc: OSError) -> str:
    """Why a file operation failed, in the system's few words, lower case."""
    return (exc.strerror or str(exc)).lower()


def usable_folder(folder: Path, child: str, what: str) -> Path:
    """``folder`` when the program can look into it (it need not exist yet).

    The check is of ``child`` inside it, as the program will use it: a folder on the way
    that may not be entered, or a name too long, is one error naming ``what`` the folder
    is, instead of a failure at whichever file is first opened.

    Raises:
        UsageError: the folder cannot be used, with the reason.
    """
    try:
        examine(folder / child)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot use this {what}: {reason(exc)}") from None
    return folder


def _not_a_file(path: Path) -> str | None:
    """What stands at ``path`` when it is neither a regular file, a link, nor nothing.

    Raises:
        OSError: the path cannot be looked at (see ``examine``).
    """
    status = examine(path, follow=False)
    if status is None:
        return None
    mode = status.st_mode
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
