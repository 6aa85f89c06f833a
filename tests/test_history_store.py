"""The SQLite store: migrations, writing as it goes, killed and concurrent processes, bad files."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from hamstring_care.errors import HistoryDamagedError, HistoryNewerError
from hamstring_care.flows.session import RunOptions
from hamstring_care.history.log import ProgressLog
from hamstring_care.history.store import (
    FILE_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    Session,
    open_history,
    schema_at,
)
from tests.conftest import ROOT
from tests.fakes import FakeClock, RecordingCues, RecordingView, ScriptedKeys
from tests.fakes import play_on_fakes as run_routine

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)


def test_first_schema_migrates_keeping_its_rows(tmp_path):
    path = tmp_path / FILE_NAME
    old = sqlite3.connect(path, isolation_level=None)
    schema_at(old, 1)
    old.execute(
        "INSERT INTO triage_results (taken_at, triage_version, disposition, rule, answers, "
        "cautions) VALUES ('2026-11-01T08:00:00+00:00', '1.0.0', 'rice', 'fresh-injury', "
        "'{\"pain_at_rest\": 3}', '[\"no_massage\"]')"
    )
    old.execute(
        "INSERT INTO sessions (routine_id, routine_version, side, started_at, updated_at, "
        "ended_at, segments_total, segments_completed, planned_seconds, pain_before, pain_after) "
        "VALUES ('hamstring-stretch', '1.0.0', 'left', '2026-11-01T09:00:00+00:00', "
        "'2026-11-01T09:02:00+00:00', '2026-11-01T09:02:00+00:00', 6, 6, 120, 4, 2)"
    )
    old.close()

    with open_history(tmp_path) as history:
        assert history.version == SCHEMA_VERSION == len(MIGRATIONS)
        (check,) = history.triage_results()
        assert (check.disposition, check.answers, check.cautions) == (
            "rice",
            {"pain_at_rest": 3},
            ["no_massage"],
        )
        assert check.recheck_of is None
        (session,) = history.sessions()
        assert (session.routine_id, session.side, session.pain_before, session.pain_after) == (
            "hamstring-stretch",
            "left",
            4,
            2,
        )
        assert session.triage_id is None
        indexes = {row[1] for row in history.connection.execute("PRAGMA index_list(sessions)")}
        assert "sessions_by_start" in indexes
    # Opening again changes nothing.
    with open_history(tmp_path) as history:
        assert history.counts().sessions == 1


def test_a_new_file_is_private_and_in_wal_mode(tmp_path):
    folder = tmp_path / "new" / "data"
    with open_history(folder) as history:
        assert history.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (folder / FILE_NAME).stat().st_mode & 0o777 == 0o600
    assert folder.stat().st_mode & 0o777 == 0o700


def test_reading_does_not_create_a_file(tmp_path):
    assert open_history(tmp_path / "none", create=False) is None
    assert not (tmp_path / "none").exists()


def test_forget_before_a_moment_and_everything(tmp_path):
    with open_history(tmp_path) as history:
        for days in range(4):
            history.add_triage(
                taken_at=T0 + timedelta(days=days),
                triage_version="1",
                disposition="self_massage",
                rule="r",
                answers={},
                cautions=[],
            )
            history.save_session(
                Session(
                    routine_id="hamstring-stretch",
                    routine_version="1",
                    side="both",
                    started_at=T0 + timedelta(days=days, hours=1),
                    segments_total=6,
                    planned_seconds=100,
                )
            )
        gone = history.forget(T0 + timedelta(days=2))
        assert (gone.sessions, gone.triage_results) == (2, 2)
        assert [s.started_at.day for s in history.sessions()] == [5, 4]
        gone = history.forget(None)
        assert (gone.sessions, gone.triage_results) == (2, 2)
        assert history.counts().sessions == history.counts().triage_results == 0


def test_forgotten_text_is_not_left_in_the_file(tmp_path):
    with open_history(tmp_path) as history:
        history.add_triage(
            taken_at=T0,
            triage_version="1",
            disposition="rice",
            rule="r",
            answers={"note": "SECRET-WORD-123"},
            cautions=[],
        )
        history.forget(None)
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"SECRET-WORD-123" not in data


# --- sessions saved as they go ----------------------------------------------------------


def play_logged(library, triage_protocol, log, script, routine="stretch"):
    clock = FakeClock()
    moments = iter(T0 + timedelta(seconds=i) for i in range(10_000))
    return run_routine(
        library.get(routine),
        triage_protocol,
        [],
        RunOptions(side="both"),
        Console(file=io.StringIO(), width=80),
        lambda _text: 4,
        keys=ScriptedKeys(clock, script),
        cues=RecordingCues(),
        view=RecordingView(),
        clock=clock,
        recorder=log.recorder(),
        wall_clock=lambda: next(moments),
    )


def test_a_whole_session_is_saved(tmp_path, small_library, small_triage):
    log = ProgressLog.open(tmp_path, pytest.fail)
    result = play_logged(small_library, small_triage, log, [])
    (saved,) = log.history.sessions()
    log.close()
    assert saved.segments_completed == saved.segments_total == result.segments_total
    assert (saved.pain_before, saved.pain_after, saved.stopped_early) == (4, 4, False)
    assert saved.ended_at is not None
    assert saved.elapsed_seconds == result.elapsed_seconds


def test_ctrl_c_keeps_the_segments_done_and_says_interrupted(tmp_path, small_library, small_triage):
    log = ProgressLog.open(tmp_path, pytest.fail)
    # The suite's stretch, both legs: 5 s get ready, then 30 s holds; Ctrl-C 40 s in.
    with pytest.raises(KeyboardInterrupt):
        play_logged(small_library, small_triage, log, [(40, "c-c")])
    (saved,) = log.history.sessions()
    log.close()
    assert saved.segments_completed == 2
    assert (saved.stopped_early, saved.stop_reason) == (True, "interrupted")
    assert saved.ended_at is not None and saved.pain_after is None


KILLED = textwrap.dedent(
    """
    import io, os, sys, time
    from pathlib import Path
    from rich.console import Console
    from hamstring_care.history.log import ProgressLog
    from hamstring_care.source.library import Library
    from hamstring_care.flows.session import RunOptions
    from tests.fakes import play_on_fakes as run_routine
    from tests.fakes import FakeClock, RecordingCues, RecordingView
    from tests.fixtures import SMALL

    STOP_AFTER = int(sys.argv[2])

    class Keys:
        def __init__(self, clock, log):
            self.clock, self.log = clock, log

        def wait(self, timeout):
            done = self.log.history.connection.execute(
                "SELECT max(segments_completed) FROM sessions").fetchone()[0] or 0
            if done >= STOP_AFTER:
                print("ready", flush=True)
                time.sleep(60)  # the parent kills us here, mid-segment
            self.clock.t += timeout
            return []

    library = Library([SMALL])
    log = ProgressLog.open(Path(sys.argv[1]), print)
    clock = FakeClock()
    run_routine(
        library.get("roll-and-press"), library.triage(), [], RunOptions(),
        Console(file=io.StringIO()), lambda _t: 6, keys=Keys(clock, log),
        cues=RecordingCues(), view=RecordingView(), clock=clock, recorder=log.recorder(),
    )
    """
)


def test_a_killed_session_keeps_every_completed_segment(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(tmp_path), "7"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    with open_history(tmp_path) as history:
        (saved,) = history.sessions()
        assert history.integrity_problems() == []
    assert saved.segments_completed == 7
    assert saved.ended_at is None and saved.pain_before == 6


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from dataclasses import replace
    from hamstring_care.history.store import Session, open_history

    name, count = sys.argv[2], int(sys.argv[3])
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with open_history(Path(sys.argv[1])) as history:
        for i in range(count):
            session = Session(
                routine_id=name, routine_version="1", side="both",
                started_at=start + timedelta(minutes=i), segments_total=3,
                planned_seconds=60, pain_before=i % 11,
            )
            sid = history.save_session(session)
            for done in (1, 2, 3):
                history.update_session(
                    sid, replace(session, segments_completed=done), updated_at=start
                )
            history.add_triage(
                taken_at=start, triage_version="1", disposition="rice", rule=name,
                answers={"i": i}, cautions=[],
            )
    """
)


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    count = 150
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name, str(count)], cwd=ROOT)
        for name in ("first", "second")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with open_history(tmp_path) as history:
        assert history.integrity_problems() == []
        sessions = history.sessions()
        assert sorted({s.routine_id for s in sessions}) == ["first", "second"]
        assert len(sessions) == 2 * count
        assert all(s.segments_completed == 3 for s in sessions)
        assert history.counts().triage_results == 2 * count


# --- bad files --------------------------------------------------------------------------


def test_a_file_that_is_not_a_database_is_damaged(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database\n" * 100)
    with pytest.raises(HistoryDamagedError) as caught:
        open_history(tmp_path)
    (line,) = caught.value.lines
    assert line.startswith(f"{tmp_path / FILE_NAME}: the history file is damaged (")
    assert line.endswith("move it aside and start a new one with: hamstring-care history repair")


def test_a_newer_file_is_read_but_never_written(tmp_path):
    with open_history(tmp_path) as history:
        history.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with open_history(tmp_path) as history:
        assert not history.writable
        assert history.sessions() == []
        with pytest.raises(HistoryNewerError) as caught:
            history.forget(None)
    assert "written by a newer hamstring-care" in caught.value.lines[0]
    warnings = []
    log = ProgressLog.open(tmp_path, warnings.append)
    assert log.history is None
    assert len(warnings) == 1 and "nothing will be saved to it" in warnings[0]
