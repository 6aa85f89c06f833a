"""Every record's stable id (schema 6): given to old rows by the migration, to new rows as
they are saved, kept by reopening and by a repair."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime, timedelta, timezone

from hamstring_care.history.store import (
    FILE_NAME,
    UID_TABLES,
    History,
    ProgramCheckIn,
    ProgramRun,
    ProgramStop,
    Session,
    carry_over,
    open_history,
    schema_at,
)
from hamstring_care.progression import CheckIn
from hamstring_care.vocab import Side

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def fill(history, end: bool = False) -> None:
    """One record in each table (the program ended, with ``end``)."""
    check = history.add_triage(
        taken_at=T0, triage_version="2.1.0", disposition="self_massage", rule="r",
        answers={"pain_at_rest": 2}, cautions=[],
    )  # fmt: skip
    history.save_session(
        Session(
            routine_id="hamstring-stretch", routine_version="1", side="both",
            started_at=T0 + timedelta(hours=1), segments_total=6, planned_seconds=100,
            triage_id=check,
        )
    )  # fmt: skip
    run = history.start_program(
        ProgramRun(
            program_id="back-to-running", program_version="2.1", side=Side.RIGHT,
            start_stage="walk", started_at=T0 + timedelta(days=1), triage_id=check,
        )
    )  # fmt: skip
    history.add_check_in(
        ProgramCheckIn(
            run_id=run, check=CheckIn(day=date(2026, 11, 3), stage="walk", pain_during=2),
            taken_at=T0 + timedelta(days=1, hours=10),
        )
    )  # fmt: skip
    if end:
        history.end_program(ProgramStop(run, "restarted", None, T0 + timedelta(days=2)))


def all_uids(history) -> dict[str, dict[int, str]]:
    return {table: history.uids(table) for table in UID_TABLES}


def test_old_rows_get_their_ids_from_the_migration_and_keep_them(tmp_path):
    old = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    schema_at(old, 5)
    fill(History(tmp_path / FILE_NAME, old, version=5))  # saved by version 5: no ids
    old.close()
    with open_history(tmp_path) as history:
        assert history.version == 6
        first = all_uids(history)
        identity = history.identity()
    assert all(len(rows) == 1 for rows in first.values()), first
    found = [uid for rows in first.values() for uid in rows.values()] + [identity]
    assert all(UUID4.match(uid) for uid in found), found
    assert len(set(found)) == len(found)
    with open_history(tmp_path) as history:
        assert all_uids(history) == first
        assert history.identity() == identity


def test_new_rows_get_an_id_each_as_they_are_saved(tmp_path):
    with open_history(tmp_path) as history:
        fill(history, end=True)
        fill(history)
        found = all_uids(history)
    assert all(len(rows) == 2 for rows in found.values())
    uids = [uid for rows in found.values() for uid in rows.values()]
    assert all(UUID4.match(uid) for uid in uids)
    assert len(set(uids)) == len(uids)


def test_a_repair_carries_the_ids_over(tmp_path):
    damaged = tmp_path / "old"
    with open_history(damaged) as history:
        fill(history)
        before = all_uids(history)
        identity = history.identity()
    fresh_folder = tmp_path / "new"
    with open_history(fresh_folder) as fresh:
        carry_over(damaged / FILE_NAME, fresh)
        after = all_uids(fresh)
        assert fresh.identity() == identity
    assert sorted(u for rows in after.values() for u in rows.values()) == sorted(
        u for rows in before.values() for u in rows.values()
    )
    assert after["sessions"] == before["sessions"]
