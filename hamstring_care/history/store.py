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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any, Literal, TypeVar, overload
from urllib.parse import quote

from hamstring_care.errors import (
    HistoryBusyError,
    HistoryConflictError,
    HistoryDamagedError,
    HistoryError,
    HistoryNewerError,
    HistoryUnsavableError,
)
from hamstring_care.history.folder import FILE_NAME
from hamstring_care.progression import CheckIn
from hamstring_care.records import (
    Counts,
    ProgramCheckIn,
    ProgramRun,
    ProgramStop,
    Session,
    TriageRecord,
)
from hamstring_care.safety import Advice
from hamstring_care.sanitize import visible, visible_data
from hamstring_care.vocab import (
    PAIN_MAX,
    AdviceSource,
    DecisionKind,
    Disposition,
    Side,
    StopReason,
    W,
    known,
)

__all__ = [  # the records, as the store reads and writes them (records.py defines them)
    "SCHEMA_VERSION", "Counts", "History", "ProgramCheckIn", "ProgramRun", "ProgramStop",
    "Session", "TriageRecord", "open_history",
]  # fmt: skip

R = TypeVar("R")
T = TypeVar("T")
WAIT_SECONDS = 10.0  # how long a writer waits for another process's transaction

UID_TABLES = ("triage_results", "sessions", "program_runs", "program_check_ins")
"""The tables whose rows carry a stable id (``uid``, schema 6)."""
NEW_UID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)
"""A random (version 4) UUID, made by SQLite itself, so that every writer gives one."""

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
    # 2 -> 3: parts passed over with "n" are recorded as skipped, not done; a check keeps
    # the leg chosen for its routines, for the re-check and "play your routine again".
    """
    ALTER TABLE sessions ADD COLUMN segments_skipped INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE triage_results ADD COLUMN side TEXT;
    """,
    # 3 -> 4: back-to-running programs: a run from its start, and a check-in a day with the
    # decision it led to (a stage change is a check-in's decision).
    """
    CREATE TABLE program_runs (
        id INTEGER PRIMARY KEY,
        program_id TEXT NOT NULL,
        program_version TEXT NOT NULL,
        side TEXT NOT NULL,
        start_stage TEXT NOT NULL,
        pain_limit INTEGER,
        started_at TEXT NOT NULL,
        triage_id INTEGER REFERENCES triage_results(id) ON DELETE SET NULL,
        ended_at TEXT,
        end_reason TEXT
    );
    CREATE TABLE program_check_ins (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES program_runs(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        stage TEXT NOT NULL,
        pain_during INTEGER NOT NULL,
        answers TEXT NOT NULL,
        warning_sign INTEGER NOT NULL,
        new_pop INTEGER NOT NULL,
        rest_pain INTEGER NOT NULL,
        settled INTEGER,
        decision TEXT,
        next_stage TEXT,
        rule TEXT,
        UNIQUE (run_id, day)
    );
    CREATE INDEX program_runs_by_start ON program_runs(started_at);
    """,
    # 4 -> 5: the safety state. Every record keeps the real moment it was saved
    # (recorded_at: a demonstration date never outranks a real check); a program keeps how
    # urgent its stop was, the injury's day (its floors count from it) and any clearance;
    # a skipped pain answer is saved as none (NULL), not as a number; at most one program
    # is under way (two started at once before this version: the older ends).
    """
    ALTER TABLE triage_results ADD COLUMN recorded_at TEXT;
    ALTER TABLE sessions ADD COLUMN recorded_at TEXT;
    ALTER TABLE sessions ADD COLUMN clearance TEXT;
    ALTER TABLE program_runs ADD COLUMN recorded_at TEXT;
    ALTER TABLE program_runs ADD COLUMN ended_recorded_at TEXT;
    ALTER TABLE program_runs ADD COLUMN stop_level TEXT;
    ALTER TABLE program_runs ADD COLUMN onset_day TEXT;
    ALTER TABLE program_runs ADD COLUMN clearance TEXT;
    CREATE TABLE program_check_ins_5 (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES program_runs(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        recorded_at TEXT,
        stage TEXT NOT NULL,
        pain_during INTEGER,
        answers TEXT NOT NULL,
        warning_sign INTEGER NOT NULL,
        new_pop INTEGER NOT NULL,
        rest_pain INTEGER,
        settled INTEGER,
        decision TEXT,
        next_stage TEXT,
        rule TEXT,
        UNIQUE (run_id, day)
    );
    INSERT INTO program_check_ins_5 (id, run_id, day, taken_at, stage, pain_during, answers,
        warning_sign, new_pop, rest_pain, settled, decision, next_stage, rule)
        SELECT id, run_id, day, taken_at, stage, pain_during, answers, warning_sign, new_pop,
        rest_pain, settled, decision, next_stage, rule FROM program_check_ins;
    DROP TABLE program_check_ins;
    ALTER TABLE program_check_ins_5 RENAME TO program_check_ins;
    UPDATE program_runs SET ended_at = started_at, end_reason = 'replaced: two were under way'
        WHERE ended_at IS NULL AND id NOT IN (SELECT id FROM program_runs WHERE ended_at IS NULL
        ORDER BY started_at DESC, id DESC LIMIT 1);
    CREATE UNIQUE INDEX one_program_under_way ON program_runs((ended_at IS NULL))
        WHERE ended_at IS NULL;
    """,
    # 5 -> 6: a stable id for every record and for the file itself (random UUIDs, kept), so
    # that two exports of one history name each record alike (FHIR). Rows from before get
    # theirs here; a new row gets its own from a trigger as it is inserted, unless given one.
    "CREATE TABLE identity (uid TEXT NOT NULL);\n"
    f"INSERT INTO identity (uid) VALUES ({NEW_UID});\n"
    + "".join(
        f"ALTER TABLE {table} ADD COLUMN uid TEXT;\n"
        f"UPDATE {table} SET uid = {NEW_UID};\n"
        f"CREATE TRIGGER {table}_uid AFTER INSERT ON {table} WHEN NEW.uid IS NULL "
        f"BEGIN UPDATE {table} SET uid = {NEW_UID} WHERE id = NEW.id; END;\n"
        for table in UID_TABLES
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


def stamp(moment: datetime) -> str:
    """A moment as stored: UTC ISO 8601 to the second, so text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def moment(text: str) -> datetime:
    """A stored moment back as an aware datetime."""
    return datetime.fromisoformat(text)


RECORDED_FIRST = "recorded_at IS NOT NULL DESC, coalesce(recorded_at, {}) DESC, id DESC"
"""Newest first by the real moment saved; rows from before version 5 (none kept) are older."""


class UnreadableRow(ValueError):
    """A row whose values are not what this program wrote (edited, or damaged on disk)."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(f"{what}: {reason}")
        self.what = what
        self.reason = reason


Row = sqlite3.Row
Args = tuple[Any, ...]


def _text(row: Row, name: str) -> str:

    value = row[name]
    if not isinstance(value, str):
        raise ValueError(f"{name} is not text")
    return visible(value)  # a crafted file cannot drive the terminal either


def _time(row: Row, name: str) -> datetime:
    try:
        when = moment(row[name])
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not a time") from None
    if when.tzinfo is None:
        raise ValueError(f"{name} is not a time with its time zone")
    return when


def _int(row: Row, name: str) -> int:
    value = row[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} is not a whole number")
    return value


def _real(row: Row, name: str) -> float:
    value = row[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} is not a number")
    return float(value)


def _optional(read: Callable[[Row, str], T], row: Row, name: str) -> T | None:
    return None if row[name] is None else read(row, name)


def _session(row: Row) -> Session:
    """A session row as a record; raises ``UnreadableRow`` naming what is wrong."""
    try:
        return Session(
            id=_int(row, "id"),
            routine_id=_text(row, "routine_id"),
            routine_version=_text(row, "routine_version"),
            side=_word(Side, row, "side"),
            started_at=_time(row, "started_at"),
            updated_at=_time(row, "updated_at"),
            ended_at=_optional(_time, row, "ended_at"),
            segments_total=_int(row, "segments_total"),
            segments_completed=_int(row, "segments_completed"),
            segments_skipped=_int(row, "segments_skipped"),
            holds_extended=_int(row, "holds_extended"),
            stopped_early=bool(_int(row, "stopped_early")),
            stop_reason=_optional(lambda r, n: _word(StopReason, r, n), row, "stop_reason"),
            stop_disposition=_optional(
                lambda r, n: _word(Disposition, r, n), row, "stop_disposition"
            ),
            pain_before=_optional(_int, row, "pain_before"),
            pain_after=_optional(_int, row, "pain_after"),
            planned_seconds=_int(row, "planned_seconds"),
            elapsed_seconds=_real(row, "elapsed_seconds"),
            triage_id=_optional(_int, row, "triage_id"),
            recorded_at=_optional(_time, row, "recorded_at"),
            clearance=_optional(_text, row, "clearance"),
        )
    except ValueError as exc:
        raise UnreadableRow(f"session {row['id']!r}", str(exc)) from None


def _triage(row: Row) -> TriageRecord:
    """A check row as a record; raises ``UnreadableRow`` naming what is wrong."""
    try:
        answers = _json(row, "answers", dict)
        cautions = _json(row, "cautions", list)
        if not all(isinstance(c, str) for c in cautions):
            raise ValueError("cautions is not a list of ids")
        return TriageRecord(
            id=_int(row, "id"),
            taken_at=_time(row, "taken_at"),
            triage_version=_text(row, "triage_version"),
            disposition=_word(Disposition, row, "disposition"),
            rule=_text(row, "rule"),
            answers=visible_data(answers),
            cautions=visible_data(cautions),
            recheck_of=_optional(_int, row, "recheck_of"),
            side=_optional(lambda r, n: _word(Side, r, n), row, "side"),
            recorded_at=_optional(_time, row, "recorded_at"),
        )
    except ValueError as exc:
        raise UnreadableRow(f"check {row['id']!r}", str(exc)) from None


def _json(row: Row, name: str, kind: type) -> Any:
    try:
        value = json.loads(row[name])
    except (TypeError, ValueError, RecursionError):
        raise ValueError(f"{name} is not JSON") from None
    if not isinstance(value, kind):
        raise ValueError(f"{name} is not a JSON {'mapping' if kind is dict else 'list'}")
    return value


def _word(kind: type[W], row: Row, name: str) -> W:
    value = known(kind, _text(row, name))
    if value is None:
        raise ValueError(f"{name} is not one of {', '.join(str(w) for w in kind)}")
    return value


def _day(row: Row, name: str) -> date:
    try:
        return date.fromisoformat(_text(row, name))
    except ValueError:
        raise ValueError(f"{name} is not a date") from None


def _pain(row: Row, name: str) -> int | None:
    value = _optional(_int, row, name)
    if value is not None and not 0 <= value <= PAIN_MAX:
        raise ValueError(f"{name} is not a pain from 0 to {PAIN_MAX}")
    return value


def _program_run(row: Row) -> ProgramRun:
    try:
        return ProgramRun(
            id=_int(row, "id"),
            program_id=_text(row, "program_id"),
            program_version=_text(row, "program_version"),
            side=_word(Side, row, "side"),
            start_stage=_text(row, "start_stage"),
            pain_limit=_pain(row, "pain_limit"),
            started_at=_time(row, "started_at"),
            triage_id=_optional(_int, row, "triage_id"),
            ended_at=_optional(_time, row, "ended_at"),
            end_reason=_optional(_text, row, "end_reason"),
            recorded_at=_optional(_time, row, "recorded_at"),
            ended_recorded_at=_optional(_time, row, "ended_recorded_at"),
            stop_level=_optional(lambda r, n: _word(Disposition, r, n), row, "stop_level"),
            onset_day=_optional(_day, row, "onset_day"),
            clearance=_optional(_text, row, "clearance"),
        )
    except ValueError as exc:
        raise UnreadableRow(f"program {row['id']!r}", str(exc)) from None


def _check_in(row: Row) -> ProgramCheckIn:
    try:
        answers = _json(row, "answers", dict)
        if not all(isinstance(k, str) and isinstance(v, bool) for k, v in answers.items()):
            raise ValueError("answers is not a mapping of yes/no answers")
        settled = _optional(_int, row, "settled")
        check = CheckIn(
            day=_day(row, "day"),
            stage=_text(row, "stage"),
            pain_during=_pain(row, "pain_during"),
            answers=answers,
            warning_sign=bool(_int(row, "warning_sign")),
            new_pop=bool(_int(row, "new_pop")),
            rest_pain=_pain(row, "rest_pain"),
            settled=None if settled is None else bool(settled),
        )
        return ProgramCheckIn(
            id=_int(row, "id"),
            run_id=_int(row, "run_id"),
            check=check,
            taken_at=_time(row, "taken_at"),
            recorded_at=_optional(_time, row, "recorded_at"),
            decision=_optional(lambda r, n: _word(DecisionKind, r, n), row, "decision"),
            next_stage=_optional(_text, row, "next_stage"),
            rule=_optional(_text, row, "rule"),
        )
    except ValueError as exc:
        raise UnreadableRow(f"program check-in {row['id']!r}", str(exc)) from None


@dataclass(frozen=True)
class Column:
    """A column of a table.

    ``since``: the schema version that added it; ``missing``: what a file from before reads
    in its place.
    """

    name: str
    since: int = 1
    missing: str = "NULL"


@dataclass(frozen=True)
class Table:
    """One table, described once: its columns (by version) and the record a row reads as.

    Reading (at any version), inserting and carrying rows over by a repair all use it, so
    that they cannot disagree with each other or with the migrations.
    """

    name: str
    columns: tuple[Column, ...]
    read: Callable[[Row], Any]
    since: int = 1

    def select(self, version: int = 0) -> str:
        """The column list that reads a file of ``version`` (0: this program's)."""
        version = version or len(MIGRATIONS)
        return ", ".join(
            c.name if c.since <= version else f"{c.missing} AS {c.name}" for c in self.columns
        )

    def selects(self) -> tuple[str, ...]:
        """Every column list a file may need, newest first (a repair tries each in turn)."""
        versions = sorted({c.since for c in self.columns} | {len(MIGRATIONS)}, reverse=True)
        return tuple(dict.fromkeys(self.select(v) for v in versions if v >= self.since))


def _columns(*names: str, since: int = 1) -> tuple[Column, ...]:
    return tuple(Column(name, since) for name in names)


SESSIONS = Table(
    "sessions",
    (
        *_columns("id", "routine_id", "routine_version", "side", "started_at", "updated_at",
                  "ended_at", "segments_total", "segments_completed"),
        Column("segments_skipped", since=3, missing="0"),
        *_columns("holds_extended", "stopped_early", "stop_reason", "stop_disposition",
                  "pain_before", "pain_after", "planned_seconds", "elapsed_seconds"),
        *_columns("triage_id", since=2),
        *_columns("recorded_at", "clearance", since=5),
    ),
    _session,
)  # fmt: skip
TRIAGE_RESULTS = Table(
    "triage_results",
    (
        *_columns("id", "taken_at", "triage_version", "disposition", "rule", "answers",
                  "cautions"),
        *_columns("recheck_of", since=2),
        *_columns("side", since=3),
        *_columns("recorded_at", since=5),
    ),
    _triage,
)  # fmt: skip
PROGRAM_RUNS = Table(
    "program_runs",
    (
        *_columns("id", "program_id", "program_version", "side", "start_stage", "pain_limit",
                  "started_at", "triage_id", "ended_at", "end_reason", since=4),
        *_columns("recorded_at", "ended_recorded_at", "stop_level", "onset_day", "clearance",
                  since=5),
    ),
    _program_run,
    since=4,
)  # fmt: skip
CHECK_INS = Table(
    "program_check_ins",
    (
        *_columns("id", "run_id", "day", "taken_at", since=4),
        Column("recorded_at", since=5),
        *_columns("stage", "pain_during", "answers", "warning_sign", "new_pop", "rest_pain",
                  "settled", "decision", "next_stage", "rule", since=4),
    ),
    _check_in,
    since=4,
)  # fmt: skip
TABLES = (SESSIONS, TRIAGE_RESULTS, PROGRAM_RUNS, CHECK_INS)


def _insert(db: sqlite3.Connection, table: Table, values: dict[str, Any]) -> int:
    """Insert one row from its values by column name; return its id."""
    marks = ", ".join("?" * len(values))
    names = ", ".join(values)
    cursor = db.execute(
        f"INSERT INTO {table.name} ({names}) VALUES ({marks})", tuple(values.values())
    )
    return int(cursor.lastrowid or 0)


def _stored(value: Any) -> Any:
    """A record's value as its column holds it."""
    if isinstance(value, datetime):
        return stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return int(value)
    return value


def _triage_values(check: TriageRecord) -> dict[str, Any]:
    values = {f.name: _stored(getattr(check, f.name)) for f in fields(check)}
    values["answers"] = json.dumps(dict(check.answers), ensure_ascii=False, sort_keys=True)
    values["cautions"] = json.dumps(list(check.cautions))
    return values


def _check_in_values(check: ProgramCheckIn) -> dict[str, Any]:
    said = {f.name: _stored(getattr(check.check, f.name)) for f in fields(check.check)}
    said["answers"] = json.dumps(check.check.answers, sort_keys=True)
    own = {f.name: _stored(getattr(check, f.name)) for f in fields(check) if f.name != "check"}
    return {**own, **said}


@dataclass
class History:
    """An open history file. Use ``open_history`` to get one; close it (or use ``with``)."""

    path: Path
    connection: sqlite3.Connection
    version: int
    writable: bool = True
    on_skip: Callable[[str], None] | None = None
    """Told once about each row that cannot be read and is left out."""
    skipped: dict[str, str] = field(default_factory=dict)
    _closed: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        self.connection.row_factory = sqlite3.Row  # rows are read by column name

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
        if not self.writable and self.version > SCHEMA_VERSION:
            raise HistoryNewerError(newer_message(self.path, self.version))
        if not self.writable:
            raise HistoryUnsavableError(f"{self.path}: cannot change it: it is read-only here")
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
        disposition: Disposition | str,
        rule: str,
        answers: Mapping[str, Any],
        cautions: list[str],
        recheck_of: int | None = None,
        recorded_at: datetime | None = None,
    ) -> int:
        """Save a triage result; return its id.

        ``recorded_at`` is the real moment (``taken_at`` may be a demonstration's date); the
        newest advice is found by it.
        """
        record = TriageRecord(
            id=0, taken_at=taken_at, triage_version=triage_version,
            disposition=Disposition(disposition), rule=rule, answers=dict(answers),
            cautions=list(cautions), recheck_of=recheck_of, recorded_at=recorded_at or taken_at,
        )  # fmt: skip
        values = _triage_values(record)
        del values["id"], values["side"]
        with self._write() as db:
            return _insert(db, TRIAGE_RESULTS, values)

    def save_session(self, session: Session) -> int:
        """Save a session as it starts; return its id for the updates that follow."""
        values = _session_values(session, updated_at=session.started_at)
        del values["id"]
        with self._write() as db:
            return _insert(db, SESSIONS, values)

    PROGRESS = (
        "ended_at",
        "segments_completed",
        "segments_skipped",
        "holds_extended",
        "stopped_early",
        "stop_reason",
        "stop_disposition",
        "pain_after",
        "elapsed_seconds",
        "recorded_at",
    )

    def update_session(self, session_id: int, session: Session, *, updated_at: datetime) -> None:
        """Record how far a session has got (at each segment boundary, and at its end)."""
        values = _session_values(session, updated_at)
        names = ["updated_at", *self.PROGRESS]
        sql = f"UPDATE sessions SET {', '.join(f'{n} = ?' for n in names)} WHERE id = ?"
        with self._write() as db:
            db.execute(sql, (*(values[n] for n in names), session_id))

    def set_side(self, triage_id: int, side: str) -> None:
        """Remember the leg chosen for a check's routines."""
        with self._write() as db:
            db.execute("UPDATE triage_results SET side = ? WHERE id = ?", (side, triage_id))

    def forget(self, before: datetime | None) -> Counts:
        """Delete every record (``before`` None) or those before a moment; return the counts.

        A program goes with its check-ins, whenever they were taken.
        """
        with self._write() as db:
            gone = {
                table: db.execute(f"DELETE FROM {table}{where}", args).rowcount
                for table, where, args in self._going(before)
            }
        with self._errors():
            # Move the deleted pages out of the write-ahead log too.
            self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return _counted(gone)

    def would_forget(self, advice: Advice, before: datetime | None) -> bool:
        """Whether ``forget(before)`` deletes the record that gave ``advice``."""
        if before is None:
            return True
        table, column = {
            AdviceSource.CHECK: ("triage_results", "taken_at"),
            AdviceSource.ROUTINE_STOP: ("sessions", "started_at"),
            AdviceSource.PROGRAM_STOP: ("program_runs", "started_at"),
            AdviceSource.CLEARANCE: ("program_runs", "started_at"),
        }[advice.source]
        if advice.record_id is None:
            return True  # cannot tell: say so rather than not
        found = self._query(
            f"SELECT 1 FROM {table} WHERE id = ? AND {column} < ?",
            (advice.record_id, stamp(before)),
        )
        return bool(found)

    def _going(self, before: datetime | None) -> list[tuple[str, str, Args]]:
        """What ``forget(before)`` deletes, table by table, in the order it deletes them."""
        moment: Args = () if before is None else (stamp(before),)
        going = [("sessions", "started_at"), ("triage_results", "taken_at")]
        if self.version >= 4:
            going[1:1] = [("program_check_ins", "taken_at"), ("program_runs", "started_at")]
        found = [
            (table, "" if before is None else f" WHERE {column} < ?", moment)
            for table, column in going
        ]
        if self.version >= 4 and before is not None:  # and the later days of a program that goes
            found[1] = (
                "program_check_ins",
                " WHERE taken_at < ?"
                " OR run_id IN (SELECT id FROM program_runs WHERE started_at < ?)",
                moment * 2,
            )
        return found

    # --- programs -----------------------------------------------------------------------

    def start_program(self, run: ProgramRun, *, replacing: int | None = None) -> int:
        """Save a program as it starts; return its id.

        In one transaction with the check that no other is under way (``replacing``: the one
        ended to make room, a restart), so that two starts at once never leave two.

        Raises:
            HistoryConflictError: another program is under way (started in another window).
        """
        with self._write() as db:
            for (under_way,) in db.execute(
                "SELECT id FROM program_runs WHERE ended_at IS NULL"
            ).fetchall():
                if under_way != replacing:
                    raise HistoryConflictError(
                        f"{self.path}: a program is under way already (started meanwhile, in "
                        "another window?); see: hamstring-care program status"
                    )
                self._end(
                    db, ProgramStop(under_way, "restarted", None, run.started_at, run.recorded_at)
                )
            values = _run_values(run)
            del values["id"]
            return _insert(db, PROGRAM_RUNS, values)

    def end_program(self, stop: ProgramStop) -> None:
        """Mark a program ended: stopped (with how urgent) or replaced by a new start."""
        with self._write() as db:
            self._end(db, stop)

    @staticmethod
    def _end(db: sqlite3.Connection, stop: ProgramStop) -> None:
        db.execute(
            "UPDATE program_runs SET ended_at = ?, ended_recorded_at = ?, end_reason = ?, "
            "stop_level = ? WHERE id = ? AND ended_at IS NULL",
            (stamp(stop.at), stamp(stop.recorded_at or stop.at), stop.reason,
             None if stop.level is None else str(stop.level), stop.run_id),
        )  # fmt: skip

    def active_program(self) -> ProgramRun | None:
        """The program under way (at most one: the file allows no more), if any."""
        if self.version < 4:
            return None
        rows = self._query(
            f"SELECT {self._program_columns} FROM program_runs WHERE ended_at IS NULL "
            "ORDER BY started_at DESC, id DESC LIMIT 1"
        )
        found = self._records(rows, _program_run)
        return found[0] if found else None

    def under_way_ids(self) -> list[int]:
        """The ids of programs not ended, readable or not (a restart ends them)."""
        if self.version < 4:
            return []
        return [row[0] for row in self._query("SELECT id FROM program_runs WHERE ended_at IS NULL")]

    def program_runs(self) -> list[ProgramRun]:
        """Every program, newest first."""
        if self.version < 4:
            return []
        sql = f"SELECT {self._program_columns} FROM program_runs ORDER BY started_at DESC, id DESC"
        return self._records(self._query(sql), _program_run)

    def last_program(self) -> ProgramRun | None:
        """The newest program, under way or ended."""
        if self.version < 4:
            return None
        rows = self._query(
            f"SELECT {self._program_columns} FROM program_runs "
            f"ORDER BY {RECORDED_FIRST.format('started_at')} LIMIT 1"
        )
        found = self._records(rows, _program_run)
        return found[0] if found else None

    def check_ins(self, run_id: int | None = None) -> list[ProgramCheckIn]:
        """A program's check-ins (or every program's), oldest first.

        A check-in that cannot be read is said once (``on_skip``) and left out; ``unread``
        tells which days of a run are missing that way.
        """
        if self.version < 4:
            return []
        where, args = ("", ()) if run_id is None else (" WHERE run_id = ?", (run_id,))
        columns = CHECK_INS.select(self.version)
        sql = f"SELECT {columns} FROM program_check_ins{where} ORDER BY day, id"
        return self._records(self._query(sql, args), _check_in)

    def unread_check_in_days(self, run_id: int) -> list[date]:
        """Days of a run whose check-in cannot be read (said once): never a good day."""
        found = self.check_ins(run_id)
        kept = {c.id for c in found}
        days = []
        for row in self._query("SELECT id, day FROM program_check_ins WHERE run_id = ?", (run_id,)):
            if row[0] not in kept:
                with contextlib.suppress(TypeError, ValueError):
                    days.append(date.fromisoformat(row[1]))
        return sorted(days)

    def add_check_in(self, check: ProgramCheckIn, *, stop: ProgramStop | None = None) -> int:
        """Save a day's check-in, with its decision when already known; return its id.

        ``stop`` ends the program in the same transaction, so that a check-in that stops it
        can never be saved without the stop.

        Raises:
            HistoryConflictError: that day's check-in was saved meanwhile (another window),
                or the program was ended or forgotten meanwhile.
        """
        with self._write() as db:
            self._still_under_way(db, check.run_id)
            saved = db.execute(
                "SELECT taken_at FROM program_check_ins WHERE run_id = ? AND day = ?",
                (check.run_id, check.check.day.isoformat()),
            ).fetchone()
            if saved is not None:
                when = _at(saved[0])
                raise HistoryConflictError(
                    f"today's check-in is already saved{when} (another window?); "
                    "see: hamstring-care program status"
                )
            check_id = self._insert_check_in(db, check)
            if stop is not None:
                self._end(db, stop)
            return check_id

    def _still_under_way(self, db: sqlite3.Connection, run_id: int) -> None:
        row = db.execute("SELECT ended_at FROM program_runs WHERE id = ?", (run_id,)).fetchone()
        if row is None or row[0] is not None:
            raise HistoryConflictError(
                f"{self.path}: the program ended or was forgotten meanwhile (another window?); "
                "see: hamstring-care program status"
            )

    def stop_with(self, check: ProgramCheckIn, stop: ProgramStop) -> int:
        """A stop that must not be lost although the day's check-in was saved meanwhile.

        A warning sign, a pop or pain at rest from a second window: its check-in is kept as
        the day's (the worse answers win), and the program ends, in one transaction.
        """
        with self._write() as db:
            saved = db.execute(
                "SELECT id FROM program_check_ins WHERE run_id = ? AND day = ?",
                (check.run_id, check.check.day.isoformat()),
            ).fetchone()
            if saved is not None:
                db.execute("DELETE FROM program_check_ins WHERE id = ?", (saved[0],))
            check_id = self._insert_check_in(db, check)
            self._end(db, stop)
            return check_id

    @staticmethod
    def _insert_check_in(db: sqlite3.Connection, check: ProgramCheckIn) -> int:
        values = _check_in_values(check)
        del values["id"]
        return _insert(db, CHECK_INS, values)

    def settle_check_in(
        self,
        check_id: int,
        settled: bool,
        decision: DecisionKind,
        next_stage: str | None,
        rule: str,
        *,
        stop: ProgramStop | None = None,
    ) -> None:
        """Record the next morning's answer for a check-in, and what it decided.

        ``stop`` ends the program in the same transaction.
        """
        with self._write() as db:
            db.execute(
                "UPDATE program_check_ins SET settled = ?, decision = ?, next_stage = ?, "
                "rule = ? WHERE id = ?",
                (int(settled), str(decision), next_stage, rule, check_id),
            )
            if stop is not None:
                self._end(db, stop)

    # --- reading ------------------------------------------------------------------------

    # A file read as it is (read-only, not migrated) may be from an older version.

    @property
    def _triage_columns(self) -> str:
        return TRIAGE_RESULTS.select(self.version)

    @property
    def _program_columns(self) -> str:
        return PROGRAM_RUNS.select(self.version)

    @property
    def _session_columns(self) -> str:
        return SESSIONS.select(self.version)

    def _query(self, sql: str, args: Args = ()) -> list[Row]:
        with self._errors():
            return self.connection.execute(sql, args).fetchall()

    def _records(self, rows: list[Row], read: Callable[[Row], R]) -> list[R]:
        """The rows that can be read; each one that cannot is skipped, and said once."""
        records = []
        for row in rows:
            try:
                records.append(read(row))
            except UnreadableRow as bad:
                self._skip(bad)
        return records

    def _skip(self, bad: UnreadableRow) -> None:
        if bad.what not in self.skipped:
            self.skipped[bad.what] = bad.reason
            if self.on_skip is not None:
                self.on_skip(
                    f"{self.path}: {bad.what} cannot be read ({bad.reason}); left out. "
                    "hamstring-care history repair sets it aside"
                )

    def counts(self, before: datetime | None = None) -> Counts:
        """How much is saved (before a moment, if given): what ``forget(before)`` would delete."""
        return _counted(
            {
                table: self._query(f"SELECT count(*) FROM {table}{where}", args)[0][0]
                for table, where, args in self._going(before)
            }
        )

    def last_triage(self) -> TriageRecord | None:
        """The most recent triage result that can be read (by the real moment it was saved)."""
        order = RECORDED_FIRST.format("taken_at") if self.version >= 5 else "taken_at DESC, id DESC"
        with self._errors():
            cursor = self.connection.execute(
                f"SELECT {self._triage_columns} FROM triage_results ORDER BY {order}"
            )
            while (row := cursor.fetchone()) is not None:  # the newest that can be read
                found = self._records([row], _triage)
                if found:
                    return found[0]
        return None

    def triage_result(self, triage_id: int) -> TriageRecord | None:
        """One triage result by id."""
        rows = self._query(
            f"SELECT {self._triage_columns} FROM triage_results WHERE id = ?", (triage_id,)
        )
        found = self._records(rows, _triage)
        return found[0] if found else None

    def triage_results(self, limit: int | None = None) -> list[TriageRecord]:
        """Triage results, newest first."""
        sql = f"SELECT {self._triage_columns} FROM triage_results ORDER BY taken_at DESC, id DESC"
        return self._records(self._query(sql + _limit(limit)), _triage)

    def sessions(self, limit: int | None = None, since: datetime | None = None) -> list[Session]:
        """Sessions, newest first (those started at or after ``since``, if given)."""
        where, args = ("", ()) if since is None else (" WHERE started_at >= ?", (stamp(since),))
        sql = (
            f"SELECT {self._session_columns} FROM sessions{where} ORDER BY started_at DESC, id DESC"
        )
        return self._records(self._query(sql + _limit(limit), args), _session)

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
                with contextlib.suppress(TypeError, ValueError):  # said by sessions()
                    yield moment(text)

    # --- the safety state ---------------------------------------------------------------

    def advice(self) -> list[Advice]:
        """Each source's newest advice.

        A check, a routine stopped because it hurt, a program stopped (by a rule, or a stop
        saved without its end), a clinician's clearance. Read from the columns it needs
        only, so that a row damaged elsewhere still counts: advice whose level cannot be
        read is the most careful there is.
        """
        found: list[Advice] = []
        newest = "recorded_at IS NOT NULL DESC, coalesce(recorded_at, {}) DESC, id DESC LIMIT 1"
        recorded = "recorded_at" if self.version >= 5 else "NULL AS recorded_at"
        for row in self._query(
            f"SELECT id, taken_at AS at, {recorded}, disposition AS level, rule AS end_reason "
            "FROM triage_results "
            f"ORDER BY {newest.format('taken_at') if self.version >= 5 else 'taken_at DESC'}"
        )[:1]:
            found.append(_advice(AdviceSource.CHECK, row))
        for row in self._query(
            f"SELECT id, updated_at AS at, {recorded}, stop_disposition AS level FROM sessions "
            "WHERE stop_disposition IS NOT NULL AND stop_disposition != 'self_massage' "
            f"ORDER BY {newest.format('updated_at') if self.version >= 5 else 'updated_at DESC'}"
        )[:1]:
            found.append(_advice(AdviceSource.ROUTINE_STOP, row))
        if self.version >= 5:
            found += self._program_advice()
        elif self.version == 4:
            for row in self._query(
                "SELECT id, ended_at AS at, NULL AS recorded_at, NULL AS level, end_reason "
                "FROM program_runs WHERE end_reason LIKE 'stopped%' ORDER BY ended_at DESC LIMIT 1"
            ):
                found.append(_advice(AdviceSource.PROGRAM_STOP, row, Disposition.RICE))
        return found

    def _program_advice(self) -> list[Advice]:
        found = []
        for row in self._query(
            "SELECT id, ended_at AS at, ended_recorded_at AS recorded_at, stop_level AS level, "
            "end_reason FROM program_runs WHERE ended_at IS NOT NULL AND (stop_level IS NOT NULL "
            # a stop saved by version 4, whose level was not kept
            "OR (end_reason LIKE 'stopped%' AND ended_recorded_at IS NULL)) "
            "ORDER BY ended_recorded_at IS NOT NULL DESC, "
            "coalesce(ended_recorded_at, ended_at) DESC, id DESC LIMIT 1"
        ):
            found.append(_advice(AdviceSource.PROGRAM_STOP, row, Disposition.RICE))
        # A stop saved by a version that ended the program in a second step, killed between.
        for row in self._query(
            "SELECT c.run_id AS id, c.taken_at AS at, c.recorded_at, NULL AS level, "
            "'stopped: a check-in said stop' AS end_reason FROM program_check_ins c "
            "JOIN program_runs r ON r.id = c.run_id WHERE c.decision = 'stop' "
            "AND r.ended_at IS NULL ORDER BY c.day DESC LIMIT 1"
        ):
            found.append(_advice(AdviceSource.PROGRAM_STOP, row, Disposition.RICE))
        for row in self._query(
            "SELECT id, started_at AS at, recorded_at, 'self_massage' AS level, "
            "clearance AS end_reason FROM program_runs WHERE clearance IS NOT NULL "
            "ORDER BY recorded_at IS NOT NULL DESC, coalesce(recorded_at, started_at) DESC, "
            "id DESC LIMIT 1"
        ):
            found.append(_advice(AdviceSource.CLEARANCE, row))
        return found

    # --- stable ids (schema 6) ------------------------------------------------------------

    def uids(self, table: str) -> dict[int, str]:
        """Each row's stable id by its number (empty in a file from before version 6)."""
        if table not in UID_TABLES or self.version < 6:
            return {}
        rows = self._query(f"SELECT id, uid FROM {table} WHERE uid IS NOT NULL")
        return {row[0]: str(row[1]) for row in rows if isinstance(row[0], int)}

    def identity(self) -> str | None:
        """The file's own stable id (None in a file from before version 6)."""
        if self.version < 6:
            return None
        row = self._query("SELECT uid FROM identity LIMIT 1")
        return str(row[0][0]) if row and row[0][0] else None

    def integrity_problems(self) -> list[str]:
        """What SQLite's integrity check finds wrong (empty when the file is sound)."""
        rows = self._query("PRAGMA integrity_check")
        found = [str(row[0]) for row in rows]
        return [] if found == ["ok"] else found

    def unreadable(self) -> list[str]:
        """Tables this program cannot read and rows it would leave out, each in words.

        SQLite's integrity check passes a file whose table was dropped or whose rows were
        edited into something else; this finds those.
        """
        return _read_tables(self.connection)[1]


def _table_rows(connection: sqlite3.Connection, table: Table) -> list[Row] | None:
    """The table's rows with the first column list it has (this version's, then older ones)."""
    for columns in table.selects():
        try:
            return connection.execute(f"SELECT {columns} FROM {table.name} ORDER BY id").fetchall()
        except sqlite3.Error:
            continue
    return None


def _version(connection: sqlite3.Connection) -> int:
    """The file's schema version (0 when it cannot be read)."""
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    except (sqlite3.Error, TypeError, ValueError):
        return 0


def _read_tables(connection: sqlite3.Connection) -> tuple[dict[str, list[Any]], list[str]]:
    """Every readable record by table, and in words every table or row that is not."""
    found: dict[str, list[Any]] = {}
    problems: list[str] = []
    for table in TABLES:
        found[table.name] = []
        rows = _table_rows(connection, table)
        if rows is None:
            # A file from before a table's version does not have it: no damage.
            if _version(connection) >= table.since:
                problems.append(
                    f"the table {table.name} is missing or lacks columns this program needs"
                )
            continue
        for row in rows:
            try:
                found[table.name].append(table.read(row))
            except UnreadableRow as bad:
                problems.append(str(bad))
    return found, problems


def carry_over(source: Path, target: History) -> Counts:
    """Copy every readable check, session and program from the file at ``source`` into ``target``.

    Best effort: a table that cannot be read is passed over, and so is each row that cannot
    be read (they stay in ``source``, which is kept). Links to a row left behind are cleared.
    """
    connection = sqlite3.connect(source, timeout=WAIT_SECONDS)
    connection.row_factory = sqlite3.Row
    try:
        found, _ = _read_tables(connection)
    finally:
        connection.close()
    checks: list[TriageRecord] = found["triage_results"]
    sessions: list[Session] = found["sessions"]
    runs: list[ProgramRun] = found["program_runs"]
    check_ins: list[ProgramCheckIn] = found["program_check_ins"]
    kept = {check.id for check in checks}
    under_way = [r for r in runs if r.ended_at is None]
    newest = max(under_way, key=lambda r: r.id or 0, default=None)
    # One program goes on at a time: any other found under way (only a damaged file holds
    # two) is carried over as ended by a restart when the newest began, never dropped.
    runs = [
        r
        if r.ended_at is not None or r is newest or newest is None
        else replace(r, ended_at=max(newest.started_at, r.started_at), end_reason="restarted")
        for r in runs
    ]
    runs_ids = {r.id for r in runs}
    with target._write() as db:
        for check in checks:  # the links to other checks once every one is in
            _insert(db, TRIAGE_RESULTS, {**_triage_values(check), "recheck_of": None})
        for check in checks:
            if check.recheck_of in kept:
                db.execute(
                    "UPDATE triage_results SET recheck_of = ? WHERE id = ?",
                    (check.recheck_of, check.id),
                )
        for session in sessions:
            values = _session_values(session, session.updated_at or session.started_at)
            _insert(db, SESSIONS, {**values, "triage_id": _kept(session.triage_id, kept)})
        for run in runs:
            _insert(db, PROGRAM_RUNS, {**_run_values(run), "triage_id": _kept(run.triage_id, kept)})
        check_ins = [c for c in check_ins if c.run_id in runs_ids]  # a program left behind
        for check_in in check_ins:
            _insert(db, CHECK_INS, _check_in_values(check_in))
        _carry_uids(source, db)
    return Counts(len(sessions), len(checks), len(runs), len(check_ins))


def _carry_uids(source: Path, db: sqlite3.Connection) -> None:
    """Give the rows carried over the stable ids they had (a file from before 6 has none).

    Checks, sessions and programs keep their numbers; a check-in is found by its program
    and day (one a day).
    """
    connection = sqlite3.connect(source, timeout=WAIT_SECONDS)
    try:
        for table, key in [(t, "id") for t in UID_TABLES[:3]] + [(UID_TABLES[3], "run_id, day")]:
            with contextlib.suppress(sqlite3.Error):
                rows = connection.execute(
                    f"SELECT uid, {key} FROM {table} WHERE uid IS NOT NULL"
                ).fetchall()
                where = " AND ".join(f"{name.strip()} = ?" for name in key.split(","))
                db.executemany(f"UPDATE {table} SET uid = ? WHERE {where}", rows)
        with contextlib.suppress(sqlite3.Error):
            found = connection.execute("SELECT uid FROM identity LIMIT 1").fetchone()
            if found and isinstance(found[0], str):
                db.execute("UPDATE identity SET uid = ?", (found[0],))
    finally:
        connection.close()


def _advice(source: AdviceSource, row: Row, default: Disposition | None = None) -> Advice:
    """A row of (id, at, recorded_at, level[, end_reason]) as advice.

    What cannot be read makes it unreadable (the most careful), never absent.
    """

    def when(name: str) -> datetime | None:
        with contextlib.suppress(TypeError, ValueError):
            found = moment(row[name])
            return found if found.tzinfo is not None else None
        return None

    level = known(Disposition, row["level"]) if row["level"] is not None else default
    given = when("at") or datetime.min.replace(tzinfo=timezone.utc)
    keys = row.keys()
    because = row["end_reason"] if "end_reason" in keys and row["end_reason"] else ""
    record_id = row["id"] if isinstance(row["id"], int) else None
    return Advice(source, level, given, when("recorded_at"), visible(str(because)), record_id)


def _kept(link: int | None, kept: set[int]) -> int | None:
    """A link to a row carried over, or none (the row stayed behind)."""
    return link if link in kept else None


def _run_values(run: ProgramRun) -> dict[str, Any]:
    """A program as the columns of its row, by name."""
    return {f.name: _stored(getattr(run, f.name)) for f in fields(run)}


def _at(text: str) -> str:
    """`` at 18:04`` (local time) for a stored moment, or nothing when it cannot be read."""
    try:
        return f" at {moment(text).astimezone():%H:%M}"
    except (TypeError, ValueError):
        return ""


def _session_values(session: Session, updated_at: datetime) -> dict[str, Any]:
    """A session as the columns of its row, by name."""
    values = {f.name: _stored(getattr(session, f.name)) for f in fields(session)}
    return {**values, "updated_at": stamp(updated_at)}


def _counted(rows: dict[str, int]) -> Counts:
    """Rows by table as counts."""
    return Counts(
        sessions=rows.get("sessions", 0),
        triage_results=rows.get("triage_results", 0),
        programs=rows.get("program_runs", 0),
        check_ins=rows.get("program_check_ins", 0),
    )


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


@overload
def open_history(
    folder: Path,
    *,
    create: Literal[True] = True,
    on_skip: Callable[[str], None] | None = None,
    reading: bool = False,
) -> History: ...


@overload
def open_history(
    folder: Path,
    *,
    create: bool,
    on_skip: Callable[[str], None] | None = None,
    reading: bool = False,
) -> History | None: ...


def open_history(
    folder: Path,
    *,
    create: bool = True,
    on_skip: Callable[[str], None] | None = None,
    reading: bool = False,
) -> History | None:
    """Open (and bring up to date) the history in ``folder``.

    Returns None when there is no history file and ``create`` is false. A file from a newer
    hamstring-care opens read-only (``writable`` false).

    Raises:
        HistoryError: the folder or file cannot be created, opened or read, or is damaged.
    """
    path = folder / FILE_NAME
    _check_place(folder, path)
    if not path.exists():
        if not create:
            return None
        _create_private(folder, path)
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        if not reading:
            # Opening it would leave -wal and -shm files beside it, or fail half-way.
            where = "the file" if not os.access(path, os.W_OK) else "its folder"
            raise HistoryUnsavableError(f"{path}: cannot save: {where} is read-only")
        return _open_read_only(path, folder, on_skip)
    try:
        connection = sqlite3.connect(path, timeout=WAIT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise translate(path, error) from None
    history = History(path, connection, version=0, on_skip=on_skip)
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


def _open_read_only(path: Path, folder: Path, on_skip: Callable[[str], None] | None) -> History:
    """Open a file that may not be written, to read it: nothing is created beside it.

    In a read-only folder SQLite cannot make its shared-memory file, so the file is read as
    immutable (whatever a write-ahead log beside it holds is not seen).
    """
    mode = "ro" if os.access(folder, os.W_OK) else "ro&immutable=1"
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode={mode}", uri=True, timeout=WAIT_SECONDS,
            isolation_level=None,
        )  # fmt: skip
        history = History(path, connection, version=0, writable=False, on_skip=on_skip)
        with history._errors():
            history.version = connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as error:
        raise translate(path, error) from None
    return history


def _check_place(folder: Path, path: Path) -> None:
    """Name the real cause when the history file cannot be what it should be."""
    if folder.exists() and not folder.is_dir():
        raise HistoryUnsavableError(f"{folder}: is a file, not a folder; give another data folder")
    if path.is_dir():
        raise HistoryUnsavableError(
            f"{path}: is a folder where the history file should be; move it away"
        )
    if path.exists() and not os.access(path, os.R_OK):
        raise HistoryUnsavableError(
            f"{path}: no permission to read it; it should belong to you, mode 600"
        )


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
    # executescript() would COMMIT the open transaction; run the statements one by one. A
    # trigger's body holds semicolons of its own: a statement ends where SQLite says it does.
    found, part = [], ""
    for piece in script.split(";"):
        part += piece + ";"
        if sqlite3.complete_statement(part):
            if part.strip(" \n;"):
                found.append(part.strip())
            part = ""
    return found


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
