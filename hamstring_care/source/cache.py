"""Parsed protocol files kept between runs, so a check starts without parsing YAML again.

A cache may make things faster, never different, and it may never lose anything of yours.

**What it keeps.** The protocol a file gave once validated in full (issue 28): the next run
rebuilds it as it was, without parsing the YAML or validating it again (a check's
start-up). What depends on where the file is (its name, its drawings) is checked again.

**Found by content.** An entry is named by the SHA-256 of the file's bytes, this program's
version and the code that reads protocol files (``code_fingerprint``): an edited file, or
the same file read by changed code, is simply a new entry.

**Sealed, so never different.** Each entry carries an HMAC-SHA256 of what it holds, bound to
the SHA-256 of the file it came from and to that code, under a random key of this user's
kept outside the
cache: ``cache.key`` in the user config folder (mode 600; ``~/.config/hamstring-care`` on
Linux), one key whatever ``--data-dir`` or ``HAMSTRING_CARE_CACHE`` say. An entry whose seal
does not match, an entry from another key, another version or another file, is not used: the
file is parsed again. So whoever can write the cache folder (another account, when
``HAMSTRING_CARE_CACHE`` names a shared folder; a copy of someone else's cache; an edit by
hand) cannot change a triage, a program's stop rules or a dose. Why a key and not a hash: a
hash in the entry anyone can compute again for an entry of their own. Why not simply leave
the triage file out of the cache: every protocol file decides something (the program's stop
rules, a routine's doses), and sealing and checking cost well under a millisecond a file
where parsing costs 10-20 (``benchmarks/README.md``). Why the config folder, not the data
folder: one key whatever the data folder, and the data folder holds only what the README
says it holds. It does not stand against someone who can read your config folder: that is
you, who can edit your protocol files as well. A sealed entry is also held to the limits a
YAML file is (``within_limits``): depth, number of values, digits.

**Nothing but its own.** The cache writes only in a folder it made: it creates the folder
(mode 700) with a ``CACHEDIR.TAG`` naming hamstring-care (the cache-directory standard that
backup tools honour). A folder that exists without that tag is taken over only when it holds
nothing but entries (or nothing at all); any other folder, such as ``HAMSTRING_CARE_CACHE``
pointed at your documents, is never written, so it costs time, never a file. The folder must
be a folder, not a link to one, and belong to you. Pruning removes only regular files named
as entries (64 hex digits, ``.json``) that begin with the entry's own first bytes; an entry is
opened without following a link and without waiting (a named pipe is never waited on).

Writing is best effort: a cache that cannot be written costs time, never a result.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import tempfile
from pathlib import Path
from typing import Any

from hamstring_care import __version__
from hamstring_care.source.reading import within_limits

NAME_SCHEME = 1  # in each entry's name: entries stay where the first cache put them
FORMAT = 3  # what an entry holds: the validated protocol; 2 held the parsed file, 1 unsealed
MAX_ENTRY_BYTES = 4 * 1024 * 1024  # JSON of a 1 MiB YAML file, aliases written out, with room
MAX_ENTRIES = 200  # older entries are removed beyond this (edited files leave old ones)
KEY_FILE = "cache.key"  # in the user config folder, never in the cache folder
KEY_BYTES = 32
TAG_FILE = "CACHEDIR.TAG"
TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This file is a cache directory tag created by hamstring-care.\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
# An entry is JSON whose first bytes say it is ours: {"hamstring-care cache": 2, "seal": ...
HEAD = b'{"hamstring-care cache": %d, "seal": "' % FORMAT
MIDDLE = b'", "data": '
SEAL_HEX = 64
_ENTRY_NAME = re.compile(r"[0-9a-f]{64}\.json")
_TEMPORARY = re.compile(r"\.[0-9a-f]{64}\.json\.[^/]*\.part")
# Open without following a link and without waiting for a writer (a named pipe).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class ParsedCache:
    """Sealed JSON entries named by content hash, in one folder of the cache's own."""

    def __init__(self, folder: Path, key_file: Path) -> None:
        self.folder = folder
        self.key_file = key_file
        self._key: bytes | None = None

    def _digest(self, raw: bytes) -> str:
        named = f"{__version__}\0{NAME_SCHEME}\0".encode() + code_fingerprint() + b"\0"
        return hashlib.sha256(named + raw).hexdigest()

    def _seal(self, key: bytes, raw: bytes, payload: bytes) -> bytes:
        bound = f"{__version__}\0{FORMAT}\0".encode() + code_fingerprint()
        bound += hashlib.sha256(raw).digest()
        return hmac.new(key, bound + payload, hashlib.sha256).hexdigest().encode()

    def get(self, raw: bytes) -> Any | None:
        """The parsed data of a file with these bytes, or None.

        None unless the entry is a regular file, sealed under this user's key for exactly
        these bytes, and its data within the limits of a YAML file.
        """
        key = self._read_key()
        if key is None:
            return None
        entry = _read_regular(self.folder / f"{self._digest(raw)}.json", MAX_ENTRY_BYTES)
        if entry is None or not entry.startswith(HEAD) or not entry.endswith(b"}"):
            return None
        seal = entry[len(HEAD) : len(HEAD) + SEAL_HEX]
        rest = entry[len(HEAD) + SEAL_HEX :]
        if not rest.startswith(MIDDLE):
            return None
        payload = rest[len(MIDDLE) : -1]
        if not hmac.compare_digest(seal, self._seal(key, raw, payload)):
            return None
        try:
            data = json.loads(payload)
        except (ValueError, RecursionError):
            return None
        return data if within_limits(data) else None

    def put(self, raw: bytes, data: Any) -> None:
        """Keep the parsed data of a file that validated; say nothing if it cannot be kept."""
        try:
            key = self._read_key() or self._new_key()
            if key is None or not self._own_folder():
                return
            payload = json.dumps(data, ensure_ascii=False).encode()
            entry = HEAD + self._seal(key, raw, payload) + MIDDLE + payload + b"}"
            if len(entry) > MAX_ENTRY_BYTES:
                return
            _replace(self.folder, f"{self._digest(raw)}.json", entry)
            self._prune()
        except (OSError, ValueError, TypeError, RecursionError):
            return

    # --- the key --------------------------------------------------------------------------

    def _read_key(self) -> bytes | None:
        if self._key is None:
            key = _read_regular(self.key_file, KEY_BYTES)
            if key is not None and len(key) == KEY_BYTES:
                self._key = key
        return self._key

    def _new_key(self) -> bytes | None:
        """A new random key in its private folder; None when it cannot be kept.

        Two processes making one at once each seal with their own; the key that stays makes
        the other's entries fail their seal, and they are parsed and sealed again.
        """
        key = secrets.token_bytes(KEY_BYTES)
        folder = self.key_file.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # private: a secret
            _replace(folder, self.key_file.name, key)  # mode 600, as mkstemp makes it
        except OSError:
            return None
        self._key = key
        return key

    # --- the folder -----------------------------------------------------------------------

    def _own_folder(self) -> bool:
        """True when the folder is the cache's own (made now if missing), never a link."""
        try:
            status = os.lstat(self.folder)
        except FileNotFoundError:
            self.folder.mkdir(mode=0o700, parents=True)
            _replace(self.folder, TAG_FILE, TAG)
            return True
        if not stat.S_ISDIR(status.st_mode) or not _mine(status):
            return False
        tag = self.folder / TAG_FILE
        try:
            tag_status = os.lstat(tag)
        except FileNotFoundError:
            # Made by an earlier version (or empty): take it over only when it holds
            # nothing that is not an entry.
            names = os.listdir(self.folder)
            if any(not (_ENTRY_NAME.fullmatch(n) or _TEMPORARY.fullmatch(n)) for n in names):
                return False
            _replace(self.folder, TAG_FILE, TAG)
            return True
        return _mine(tag_status) and _read_regular(tag, len(TAG)) == TAG

    def _prune(self) -> None:
        """Remove the oldest of the cache's own entries beyond ``MAX_ENTRIES``.

        Only regular files named as entries whose first bytes are an entry's: nothing else
        in the folder is looked at twice, let alone removed.
        """
        with os.scandir(self.folder) as found:
            named = [e for e in found if _ENTRY_NAME.fullmatch(e.name)]
        if len(named) <= MAX_ENTRIES:
            return
        entries = []
        for item in named:
            try:
                head = _read_regular(Path(item.path), len(HEAD), prefix=True)
                if item.is_file(follow_symlinks=False) and head == HEAD:
                    entries.append((item.stat(follow_symlinks=False).st_mtime, item.path))
            except OSError:
                continue  # removed by another process meanwhile
        entries.sort()
        for _, path in entries[: max(0, len(entries) - MAX_ENTRIES)]:
            try:
                os.unlink(path)
            except OSError:
                continue


# The code that turns a file's bytes into a validated protocol: parsing and its limits, the
# text made visible, the models and their checks, the shared words and dates.
READING_CODE = ("source/reading.py", "sanitize.py", "vocab.py", "dates.py", "models/*.py")


@functools.cache
def code_fingerprint() -> bytes:
    """What tells this program's reading code apart: ``fingerprint`` of its own files.

    So that an entry is used only by the code that made it: the version alone would not do,
    a checkout between releases keeps its version.
    """
    return fingerprint(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fingerprint(package: str) -> bytes:
    """The name, size and change time of each ``READING_CODE`` file under ``package``, hashed.

    Size and change time, as Python's own bytecode cache tells its sources apart (reading
    them would cost a check's start-up more). Code that cannot be looked at gets a
    fingerprint no entry has.
    """
    digest = hashlib.sha256()
    try:
        for pattern in READING_CODE:
            folder, _, name = pattern.rpartition("/")
            found = sorted(os.listdir(os.path.join(package, folder))) if name == "*.py" else [name]
            for each in (n for n in found if n.endswith(".py")):
                status = os.stat(os.path.join(package, folder, each))
                digest.update(f"{folder}/{each}\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    except OSError:
        return secrets.token_bytes(32)
    return digest.digest()


def _mine(status: os.stat_result) -> bool:
    """Owned by this user (where the system has owners)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or status.st_uid == geteuid()


def _read_regular(path: Path, limit: int, *, prefix: bool = False) -> bytes | None:
    """At most ``limit`` bytes of a regular file; None for anything else.

    None too when the file holds more, unless only its ``prefix`` is wanted.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None  # a pipe, a device, a folder: never read
        with os.fdopen(fd, "rb") as stream:
            fd = -1
            data = stream.read(limit if prefix else limit + 1)
    except OSError:
        return None
    finally:
        if fd != -1:
            os.close(fd)
    return data if len(data) <= limit else None


def _replace(folder: Path, name: str, data: bytes) -> None:
    """Put ``data`` at ``folder/name`` through a private temporary file and a rename.

    A link at that name is replaced, never written through. No fsync: a cache file cut short
    by a crash fails its check and is written again.
    """
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
