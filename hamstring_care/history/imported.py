"""A patient's ``history export`` JSON read back as a history, for a clinic's machine.

So a clinic's machine can print the patient's report.
The export is untrusted: it is read within limits, its records are put into a history held
in memory (never on disk) by column name, and read back through the store's own readers,
which check every value (a record that cannot be read is said once and left out, as in a
damaged file). What the store reads from the file, the report and the safety state read
from the copy, exactly as from the patient's own machine.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from hamstring_care.errors import InputFileError, Problem
from hamstring_care.history.store import SCHEMA_VERSION, History, moment, schema_at
from hamstring_care.sanitize import visible
from hamstring_care.source.reading import decode, display_name, read_bytes

MAX_EXPORT_BYTES = 64 * 1024 * 1024
"""A year of daily use exports to about 1 MiB; ten years of it, several times a day, fit."""
TABLES = {
    "triage_results": "triage_results",
    "sessions": "sessions",
    "programs": "program_runs",
    "program_check_ins": "program_check_ins",
}
"""The export's lists, and the table each one's records go into."""


@dataclass(frozen=True)
class Imported:
    """An export read back: the history in memory, and what the file says of itself."""

    history: History
    source: str
    exported_at: datetime | None
    exported_by: str | None


def read_export(path: Path, on_skip: Callable[[str], None] | None = None) -> Imported:
    """Read a ``history export`` JSON file into a history held in memory.

    Raises:
        InputFileError: the file cannot be read, is not JSON, or is not a history export.
    """
    source = display_name(path)
    raw = read_bytes(path, source, MAX_EXPORT_BYTES, "a history export of a year is about 1 MiB")
    text = decode(raw, source, MAX_EXPORT_BYTES)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem((), f"not JSON: {exc.msg}", exc.lineno, exc.colno)
        raise InputFileError(source, [problem]) from None
    except (ValueError, RecursionError):
        raise InputFileError(source, [Problem((), "not JSON this program can read")]) from None
    problems = _shape_problems(data)
    if problems:
        raise InputFileError(source, problems)
    history = in_memory(source, on_skip)
    skipped = fill(history, data)
    for where, reason in skipped:
        if on_skip is not None:
            on_skip(f"{source}: {where} cannot be read ({reason}); left out")
    return Imported(history, source, _when(data.get("exported_at")), _text(data.get("exported_by")))


def _shape_problems(data: Any) -> list[Problem]:
    if not isinstance(data, dict) or not any(key in data for key in TABLES):
        return [Problem((), "not a hamstring-care history export (no sessions or checks)")]
    problems = [
        Problem((key,), "should be a list of records")
        for key in TABLES
        if not isinstance(data.get(key, []), list)
    ]
    version = data.get("history_format")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        problems.append(
            Problem(
                ("history_format",),
                f"written by a newer hamstring-care (history format {version}; this one knows "
                f"up to {SCHEMA_VERSION}): upgrade hamstring-care",
            )
        )
    return problems


def in_memory(name: str, on_skip: Callable[[str], None] | None = None) -> History:
    """An empty history of the newest schema, in memory only."""
    connection = sqlite3.connect(":memory:", isolation_level=None)
    schema_at(connection, SCHEMA_VERSION)
    return History(Path(name), connection, SCHEMA_VERSION, on_skip=on_skip)


def fill(history: History, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Put an export's records into ``history``; each record that cannot go in, and why."""
    skipped: list[tuple[str, str]] = []
    db = history.connection
    identity = data.get("history_uid")
    if isinstance(identity, str) and _is_uuid(identity):
        db.execute("UPDATE identity SET uid = ?", (identity.lower(),))
    for key, table in TABLES.items():
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for number, record in enumerate(data.get(key) or [], 1):
            where = f"{key}[{number}]"
            if not isinstance(record, dict):
                skipped.append((where, "not a record"))
                continue
            values = {k: _column(v) for k, v in record.items() if k in columns}
            names, marks = ", ".join(values), ", ".join("?" * len(values))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
            try:
                db.execute(sql, tuple(values.values()))
            except (sqlite3.Error, OverflowError) as exc:
                skipped.append((where, str(exc)))
    return skipped


def _is_uuid(text: str) -> bool:

    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def _column(value: Any) -> Any:
    """A JSON value as a column holds it: mappings and lists as JSON text, true as 1."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _when(value: Any) -> datetime | None:
    try:
        found = moment(value)
    except (TypeError, ValueError):
        return None
    return found if found.tzinfo is not None else None


def _text(value: Any) -> str | None:

    return visible(value) if isinstance(value, str) else None
