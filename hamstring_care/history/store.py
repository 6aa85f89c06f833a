"""The progress log: triage results and routine sessions in one SQLite file.

The file lives in the user data folder (platformdirs), or in ``--data-dir`` /
``$HAMSTRING_CARE_DATA``. Writes are small transactions in WAL mode with ``synchronous=FULL``,
so a killed process loses at most the write it was making, and two processes at once wait
for each other (``busy_timeout``) instead of failing or losing rows. Deleted rows are
overwritten (``secure_delete``): "forget" means forget.

The schema is versioned with ``PRAGMA user_version``; ``MIGRATIONS[n]`` takes a file from
version n to n + 1. A file from a newer hamstring-care is read but never written.

Every sqlite3 error becomes a ``HistoryError`` naming the file and saying what to do.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hamstring_care.errors import (
    HistoryBusyError,
    HistoryDamagedError,
    HistoryError,
    HistoryNewerError,
    HistoryUnsavableError,
)

FILE_NAME = "history.db"
APP_NAME = "hamstring-care"
WAIT_SECONDS = 10.0  # how long a writer waits for another process's transaction

MIGRATIONS: list[str] = [
    # 0 -> 1: the first schema.
    """
    CREATE TABLE triage_results (
        id INTEGER PRIMARY KEY,
        taken_at TEXT NOT NULL,
        triage_version TEXT NOT NULL,
        disposition TEXT NOT NULL,
        rule TEXT NOT NULL,
        answers TEXT NOT NULL,
        cautions TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        routine_id TEXT NOT NULL,
        routine_version TEXT NOT NULL,
        side TEXT NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        ended_at TEXT,
        segments_total INTEGER NOT NULL,
        segments_completed INTEGER NOT NULL DEFAULT 0,
        holds_extended INTEGER NOT NULL DEFAULT 0,
        stopped_early INTEGER NOT NULL DEFAULT 0,
        stop_reason TEXT,
        stop_disposition TEXT,
        pain_before INTEGER,
        pain_after INTEGER,
        planned_seconds INTEGER NOT NULL,
        elapsed_seconds REAL NOT NULL DEFAULT 0
    );
    """,
    # 1 -> 2: link a session to the check that recommended it and a re-check to the check
    # it follows up; indexes for the history views.
    """
    ALTER TABLE sessions ADD COLUMN triage_id INTEGER REFERENCES triage_results(id)
        ON DELETE SET NULL;
    ALTER TABLE triage_results ADD COLUMN recheck_of INTEGER REFERENCES triage_results(id)
        ON DELETE SET NULL;
    CREATE INDEX sessions_by_start ON sessions(started_at);
    CREATE INDEX triage_by_time ON triage_results(taken_at);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def data_dir(given: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The data folder: ``--data-dir``, else ``$HAMSTRING_CARE_DATA``, else the user data dir."""
    if given is not None:
        return given
    env = os.environ if environ is None else environ
    if env.get("HAMSTRING_CARE_DATA"):
        return Path(env["HAMSTRING_CARE_DATA"])
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)


def stamp(moment: datetime) -> str:
    """A moment as stored: UTC ISO 8601 to the second, so text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def moment(text: str) -> datetime:
    """A stored moment back as an aware datetime."""
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class TriageRecord:
    """One saved triage result."""

    id: int
    taken_at: datetime
    triage_version: str
    disposition: str
    rule: str
    answers: dict[str, Any]
    cautions: list[str]
    recheck_of: int | None = None


@dataclass(frozen=True)
class SessionRecord:
    """One routine session, as far as it got. ``ended_at`` is None for a killed session."""

    id: int
    routine_id: str
    routine_version: str
    side: str
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    segments_total: int
    segments_completed: int
    holds_extended: int
    stopped_early: bool
    stop_reason: str | None
    stop_disposition: str | None
    pain_before: int | None
    pain_after: int | None
    planned_seconds: int
    elapsed_seconds: float
    triage_id: int | None = None


SESSION_COLUMNS = (
    "id, routine_id, routine_version, side, started_at, updated_at, ended_at, segments_total, "
    "segments_completed, holds_extended, stopped_early, stop_reason, stop_disposition, "
    "pain_before, pain_after, planned_seconds, elapsed_seconds, triage_id"
)
TRIAGE_COLUMNS = "id, taken_at, triage_version, disposition, rule, answers, cautions, recheck_of"


def _session(row: tuple) -> SessionRecord:
    values = list(row)
    for i in (4, 5):
        values[i] = moment(values[i])
    values[6] = moment(values[6]) if values[6] else None
    values[10] = bool(values[10])
    return SessionRecord(*values)


def _triage(row: tuple) -> TriageRecord:
    rid, taken, version, disposition, rule, answers, cautions, recheck_of = row
    return TriageRecord(
        rid, moment(taken), version, disposition, rule, json.loads(answers),
        json.loads(cautions), recheck_of,
    )  # fmt: skip


@dataclass
class Counts:
    """How many rows a change touched, or the log holds."""

    sessions: int = 0
    triage_results: int = 0


@dataclass
class History:
    """An open history file. Use ``open_history`` to get one; close it (or use ``with``)."""

    path: Path
    connection: sqlite3.Connection
    version: int
    writable: bool = True
    _closed: bool = field(default=False, repr=False)

    # --- life cycle ---------------------------------------------------------------------

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (idempotent)."""
        if not self._closed:
            self._closed = True
            with contextlib.suppress(sqlite3.Error):
                self.connection.close()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise translate(self.path, error) from None

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so that two writers queue rather than fail."""
        if not self.writable:
            raise HistoryNewerError(newer_message(self.path, self.version))
        with self._errors():
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    # --- writing ------------------------------------------------------------------------

    def add_triage(
        self,
        *,
        taken_at: datetime,
        triage_version: str,
        disposition: str,
        rule: str,
        answers: Mapping[str, Any],
        cautions: list[str],
        recheck_of: int | None = None,
    ) -> int:
        """Save a triage result; return its id."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO triage_results (taken_at, triage_version, disposition, rule, "
                "answers, cautions, recheck_of) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    stamp(taken_at),
                    triage_version,
                    disposition,
                    rule,
                    json.dumps(dict(answers), ensure_ascii=False, sort_keys=True),
                    json.dumps(list(cautions)),
                    recheck_of,
                ),
            )
            return int(cursor.lastrowid or 0)

    def start_session(
        self,
        *,
        routine_id: str,
        routine_version: str,
        side: str,
        started_at: datetime,
        segments_total: int,
        planned_seconds: int,
        pain_before: int | None,
        triage_id: int | None = None,
    ) -> int:
        """Save a session as it starts; return its id for the updates that follow."""
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO sessions (routine_id, routine_version, side, started_at, "
                "updated_at, segments_total, planned_seconds, pain_before, triage_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    routine_id,
                    routine_version,
                    side,
                    stamp(started_at),
                    stamp(started_at),
                    segments_total,
                    planned_seconds,
                    pain_before,
                    triage_id,
                ),
            )
            return int(cursor.lastrowid or 0)

    UPDATABLE = frozenset(
        {
            "ended_at",
            "segments_completed",
            "holds_extended",
            "stopped_early",
            "stop_reason",
            "stop_disposition",
            "pain_after",
            "elapsed_seconds",
        }
    )

    def update_session(self, session_id: int, *, updated_at: datetime, **values: Any) -> None:
        """Record how far a session has got (at each segment boundary, and at its end)."""
        unknown = set(values) - self.UPDATABLE
        if unknown:
            raise ValueError(f"not session progress fields: {sorted(unknown)}")
        values = {k: stamp(v) if isinstance(v, datetime) else v for k, v in values.items()}
        names = ["updated_at", *values]
        sql = f"UPDATE sessions SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?"
        with self._write() as db:
            db.execute(sql, (stamp(updated_at), *values.values(), session_id))

    def forget(self, before: datetime | None) -> Counts:
        """Delete every record (``before`` None) or those before a moment; return the counts."""
        where, args = _before(before)
        with self._write() as db:
            sessions = db.execute(
                "DELETE FROM sessions" + where.format("started_at"), args
            ).rowcount
            triages = db.execute(
                "DELETE FROM triage_results" + where.format("taken_at"), args
            ).rowcount
        with self._errors():
            # Move the deleted pages out of the write-ahead log too.
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return Counts(sessions, triages)

    # --- reading ------------------------------------------------------------------------

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._errors():
            return self.connection.execute(sql, args).fetchall()

    def counts(self, before: datetime | None = None) -> Counts:
        """How many sessions and triage results there are (before a moment, if given)."""
        where, args = _before(before)
        sessions = self._query("SELECT count(*) FROM sessions" + where.format("started_at"), args)
        triages = self._query(
            "SELECT count(*) FROM triage_results" + where.format("taken_at"), args
        )
        return Counts(sessions[0][0], triages[0][0])

    def last_triage(self) -> TriageRecord | None:
        """The most recent triage result."""
        rows = self._query(
            f"SELECT {TRIAGE_COLUMNS} FROM triage_results ORDER BY taken_at DESC, id DESC LIMIT 1"
        )
        return _triage(rows[0]) if rows else None

    def triage_result(self, triage_id: int) -> TriageRecord | None:
        """One triage result by id."""
        rows = self._query(
            f"SELECT {TRIAGE_COLUMNS} FROM triage_results WHERE id = ?", (triage_id,)
        )
        return _triage(rows[0]) if rows else None

    def triage_results(self, limit: int | None = None) -> list[TriageRecord]:
        """Triage results, newest first."""
        sql = f"SELECT {TRIAGE_COLUMNS} FROM triage_results ORDER BY taken_at DESC, id DESC"
        return [_triage(row) for row in self._query(sql + _limit(limit))]

    def sessions(
        self, limit: int | None = None, since: datetime | None = None
    ) -> list[SessionRecord]:
        """Sessions, newest first (those started at or after ``since``, if given)."""
        where, args = ("", ()) if since is None else (" WHERE started_at >= ?", (stamp(since),))
        sql = f"SELECT {SESSION_COLUMNS} FROM sessions{where} ORDER BY started_at DESC, id DESC"
        return [_session(row) for row in self._query(sql + _limit(limit), args)]

    def session_starts(self) -> Iterator[datetime]:
        """When each session that got going (one part done or more) started, newest first.

        Read lazily, so a streak count stops reading at its first gap.
        """
        with self._errors():
            cursor = self.connection.execute(
                "SELECT started_at FROM sessions WHERE segments_completed > 0 "
                "ORDER BY started_at DESC"
            )
        while True:
            with self._errors():
                rows = cursor.fetchmany(256)
            if not rows:
                return
            for (text,) in rows:
                yield moment(text)

    def integrity_problems(self) -> list[str]:
        """What SQLite's integrity check finds wrong (empty when the file is sound)."""
        rows = self._query("PRAGMA integrity_check")
        found = [str(row[0]) for row in rows]
        return [] if found == ["ok"] else found


def _before(cutoff: datetime | None) -> tuple[str, tuple]:
    """A WHERE clause (its column left as ``{}``) and its argument, for "before a moment"."""
    return ("", ()) if cutoff is None else (" WHERE {} < ?", (stamp(cutoff),))


def _limit(limit: int | None) -> str:
    return "" if limit is None else f" LIMIT {int(limit)}"


def newer_message(path: Path, version: int) -> str:
    """Say that a file comes from a newer hamstring-care."""
    return (
        f"{path}: written by a newer hamstring-care (history format {version}; this one knows "
        f"up to {SCHEMA_VERSION}); nothing will be saved to it: upgrade hamstring-care"
    )


def translate(path: Path, error: sqlite3.Error) -> HistoryError:
    """Turn a sqlite3 error into the user's error, naming the file and what to do."""
    text = str(error)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return HistoryBusyError(
            f"{path}: busy: another hamstring-care is using it; try again in a moment"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return HistoryUnsavableError(f"{path}: cannot save: the file or its folder is read-only")
    if "full" in lowered:
        return HistoryUnsavableError(f"{path}: cannot save: the disk is full")
    if ("unable to open" in lowered or "disk i/o" in lowered) and not os.access(
        path.parent, os.W_OK
    ):
        # SQLite keeps its shared-memory and log files beside the file, so a read-only
        # folder shows up as "unable to open" even for a readable file.
        return HistoryUnsavableError(f"{path}: cannot open it: its folder is read-only")
    if "unable to open" in lowered or "disk i/o" in lowered:
        return HistoryUnsavableError(
            f"{path}: cannot open it ({text}); check that you may read and write its folder"
        )
    return HistoryDamagedError(
        f"{path}: the history file is damaged ({text}); "
        "move it aside and start a new one with: hamstring-care history repair"
    )


def open_history(folder: Path, *, create: bool = True) -> History | None:
    """Open (and bring up to date) the history in ``folder``.

    Returns None when there is no history file and ``create`` is false. A file from a newer
    hamstring-care opens read-only (``writable`` false).

    Raises:
        HistoryError: the folder or file cannot be created, opened or read, or is damaged.
    """
    path = folder / FILE_NAME
    if not path.exists():
        if not create:
            return None
        _create_private(folder, path)
    try:
        connection = sqlite3.connect(path, timeout=WAIT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise translate(path, error) from None
    history = History(path, connection, version=0)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            _prepare(history)
            return history
        except HistoryBusyError:
            # Two processes opening a new file at once: switching it to WAL does not wait
            # on SQLite's busy handler, so wait here, a little at a time.
            if time.monotonic() > deadline:
                history.close()
                raise
            time.sleep(0.02)
        except BaseException:
            history.close()
            raise


def _prepare(history: History) -> None:
    connection = history.connection
    with history._errors():
        history.version = connection.execute("PRAGMA user_version").fetchone()[0]
        if history.version > SCHEMA_VERSION:
            history.writable = False
            return
        _configure(connection)
    if history.version < SCHEMA_VERSION:
        _migrate(history)


def _create_private(folder: Path, path: Path) -> None:
    # Health data: only the user may read the folder and the file.
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise HistoryUnsavableError(f"{path}: cannot create the history file: {reason}") from None


def _configure(connection: sqlite3.Connection) -> None:
    connection.execute(f"PRAGMA busy_timeout = {int(WAIT_SECONDS * 1000)}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA secure_delete = ON")


def _migrate(history: History) -> None:
    """Apply the missing migrations, each in the one transaction that also sets the version."""
    with history._write() as db:
        # Read again inside the lock: another process may have migrated meanwhile.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[number]):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    history.version = SCHEMA_VERSION


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT the open transaction; run the statements one by one.
    return [s.strip() for s in script.split(";") if s.strip()]


def schema_at(connection: sqlite3.Connection, version: int) -> None:
    """Create a file at an older schema version (for migration tests and benchmarks)."""
    connection.execute("BEGIN")
    for number in range(version):
        for statement in _statements(MIGRATIONS[number]):
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {version}")
    connection.execute("COMMIT")


def move_aside(path: Path, when: datetime) -> Path:
    """Rename a history file (and its WAL files) to ``history.damaged-<UTC time>.db``.

    Never deletes anything; returns the new name of the main file.

    Raises:
        HistoryUnsavableError: the folder does not allow the rename.
    """
    tag = when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.damaged-{tag}{path.suffix}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.stem}.damaged-{tag}-{n}{path.suffix}")
    try:
        # The write-ahead log first: a file renamed without its log would lose recent rows.
        for extra in ("-wal", "-shm"):
            companion = Path(f"{path}{extra}")
            if companion.exists():
                os.replace(companion, f"{target}{extra}")
        os.replace(path, target)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise HistoryUnsavableError(f"{path}: cannot move it aside: {reason}") from None
    return target
