"""Parsed protocol files kept between runs, so a check starts without parsing YAML again.

Keyed on content: an entry is found by the SHA-256 of the file's bytes (and this program's
version), so an edited file is simply a new entry. An entry is plain JSON, read with no
hooks and within the same size limit as a protocol file, and what it gives is validated in
full like a freshly parsed file: a damaged or tampered entry can neither run code nor skip a
check, and anything wrong with it means the file is parsed again. Writing is best effort:
a cache that cannot be written costs time, never a result.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from hamstring_care import __version__

FORMAT = 1
MAX_ENTRY_BYTES = 4 * 1024 * 1024  # JSON of a 1 MiB YAML file, with room to spare
MAX_ENTRIES = 200  # older entries are removed beyond this (edited files leave old ones)


class ParsedCache:
    """JSON files named by content hash in one private folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, raw: bytes) -> Path:
        digest = hashlib.sha256(f"{__version__}\0{FORMAT}\0".encode() + raw).hexdigest()
        return self.folder / f"{digest}.json"

    def get(self, raw: bytes) -> Any | None:
        """The parsed data of a file with these bytes, or None."""
        try:
            with self._path(raw).open("rb") as stream:
                text = stream.read(MAX_ENTRY_BYTES + 1)
            if len(text) > MAX_ENTRY_BYTES:
                return None
            entry = json.loads(text)
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        return entry.get("data")

    def put(self, raw: bytes, data: Any) -> None:
        """Keep the parsed data of a file that validated; say nothing if it cannot be kept."""
        from hamstring_care.files import write_atomic

        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            text = json.dumps({"format": FORMAT, "data": data}, ensure_ascii=False)
            write_atomic(self._path(raw), text.encode(), force=True)
            self._prune()
        except (OSError, ValueError, TypeError, RecursionError):
            return
        except Exception:
            return

    def _prune(self) -> None:
        entries = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[: max(0, len(entries) - MAX_ENTRIES)]:
            os.unlink(old)
