"""The progress log from the command line, over simulated days on a fake clock."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamstring_care import messages
from hamstring_care.history.folder import FILE_NAME
from hamstring_care.history.store import SCHEMA_VERSION, Session, open_history
from tests.fakes import ScriptedAsker
from tests.fixtures import CALM, FRESH

STRETCH_RUN = messages.session_summary("1 of 1 step", "3:41")
"""`run stretch --count-in 0` on the suite's fake clock, as it ends."""

runner = CliRunner()
T0 = datetime(2026, 11, 2, 7, 30, tzinfo=timezone.utc)  # a Monday
RICE_WALKING_HURTS = {**FRESH, "days_since_onset": 4, "can_walk_without_pain": "no"}
NOT_IMPROVING = "Test words, pain not coming down."  # the small triage's follow_up


@pytest.fixture(autouse=True)
def on_the_suites_own_protocols(small_protocols):
    """The progress log's views and flows, on the suite's own triage and routines."""


class Wall:
    """The wall clock the commands read, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.t = start

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **delta: float) -> None:
        self.t += timedelta(**delta)


@pytest.fixture
def wall(env) -> Wall:
    clock = Wall(T0)
    env.now = clock
    return clock


@pytest.fixture
def data(tmp_path) -> Path:
    return Path(os.environ["HAMSTRING_CARE_DATA"])


def check(env, answers: dict) -> ScriptedAsker:
    """The next guided check answers these."""
    scripted = ScriptedAsker(answers)
    env.prompter = scripted
    return scripted


def add_sessions(folder: Path, pains: list[tuple[int, int | None]], start: datetime) -> None:
    """One finished session a day from ``start``, with (pain before, pain after)."""
    with open_history(folder) as history:
        for day, (before, after) in enumerate(pains):
            started = Session(
                routine_id="roll-and-press",
                routine_version="1.0.0",
                side="both",
                started_at=start + timedelta(days=day),
                segments_total=28,
                planned_seconds=323,
                pain_before=before,
            )
            sid = history.save_session(started)
            ended = start + timedelta(days=day, minutes=6)
            done = replace(
                started, ended_at=ended, segments_completed=28, pain_after=after,
                elapsed_seconds=330.0,
            )  # fmt: skip
            history.update_session(sid, done, updated_at=ended)


# --- re-check ---------------------------------------------------------------------------


def test_rice_then_a_recheck_two_days_later_shows_what_improved(
    env, monkeypatch, wall, data, invoke
):
    check(env, RICE_WALKING_HURTS)
    first = invoke()
    assert first.exit_code == 0, first.stderr
    assert "check again." not in first.stdout
    assert first.stdout.splitlines()[-1] == messages.saved_check_again(
        "hamstring-care", "Wed 4 Nov 07:30"
    )

    wall.advance(hours=49)
    scripted = check(env, {**CALM, "pain_at_rest": 1})
    again = invoke()
    assert again.exit_code == 0, again.stderr
    assert again.stdout.splitlines()[0] == "Two days ago you were advised RICE: let's check again."
    assert scripted.asked[0] == "red_flags"  # warning signs still come first
    out = " ".join(again.stdout.split())
    assert "Can you walk without pain? No Yes better" in out
    assert "Advice SELF-CARE: RICE SELF-CARE: ROUTINE better" in out
    assert "Your answers have improved since last time." in out

    with open_history(data) as history:
        latest, before = history.triage_results()
    assert (before.disposition, latest.disposition) == ("rice", "self_massage")
    assert latest.recheck_of == before.id and before.recheck_of is None
    assert latest.taken_at == T0 + timedelta(hours=49)


def test_a_recheck_that_is_worse_says_so(env, monkeypatch, wall, invoke):
    check(env, RICE_WALKING_HURTS)
    invoke()
    wall.advance(days=3)
    check(env, {**RICE_WALKING_HURTS, "pain_at_rest": 5})
    out = " ".join(invoke().stdout.split())
    assert out.startswith("Three days ago you were advised RICE")
    assert "2 5 worse" in out
    assert "Some answers are worse than last time: follow the advice above." in out


def test_no_recheck_after_other_results(env, monkeypatch, wall, invoke):
    check(env, CALM)
    invoke()
    wall.advance(days=5)
    check(env, CALM)
    assert "check again." not in invoke().stdout


def test_a_session_from_the_check_is_linked_to_it(env, monkeypatch, wall, data, invoke):
    check(env, {**CALM, "confirm": True})
    result = invoke()
    assert result.exit_code == 0, result.stderr
    with open_history(data) as history:
        (saved_check,) = history.triage_results()
        sessions = history.sessions()
    assert [s.routine_id for s in sessions] == ["stretch", "roll-and-press"]
    assert {s.triage_id for s in sessions} == {saved_check.id}
    assert all(s.segments_completed == s.segments_total for s in sessions)
    assert sessions[1].started_at == T0


# --- the trend --------------------------------------------------------------------------


def test_pain_not_coming_down_over_two_weeks_suggests_a_clinician(wall, data, invoke):
    add_sessions(data, [(5, 4)] * 14, T0 - timedelta(days=14))
    result = invoke("run", "stretch", "--count-in", "0")
    assert result.exit_code == 0, result.stderr
    assert NOT_IMPROVING in result.stdout
    chart = invoke("history", "chart")
    assert chart.stdout.startswith(NOT_IMPROVING)


def test_pain_coming_down_gets_no_warning(wall, data, invoke):
    add_sessions(data, [(6, 6 - d // 3) for d in range(14)], T0 - timedelta(days=14))
    result = invoke("run", "stretch", "--count-in", "0")
    assert NOT_IMPROVING not in result.stdout
    chart = " ".join(invoke("history", "chart").stdout.split())
    assert (
        "Pain after the routine: 5.3 on average in the 7 days before, 3.0 in the last 7: coming down."
        in chart
    )


def test_one_week_of_scores_is_not_a_trend(wall, data, invoke):
    add_sessions(data, [(5, 5)] * 6, T0 - timedelta(days=6))
    out = " ".join(invoke("history", "chart").stdout.split())
    assert NOT_IMPROVING not in out
    assert "not enough scores yet to compare the last 7 days with the 7 before" in out


# --- history, chart, export -------------------------------------------------------------


def test_history_before_anything_is_saved(data, invoke):
    result = invoke("history")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Nothing saved yet (no {data / FILE_NAME}).")
    assert not data.exists()


def test_history_table_newest_first(env, monkeypatch, wall, data, invoke):
    add_sessions(data, [(6, 3), (None, 2)], T0 - timedelta(days=2))
    check(env, RICE_WALKING_HURTS)
    invoke()
    lines = invoke("history").stdout.splitlines()
    assert lines[0].split() == ["When", "What", "How", "it", "went", "Pain"]
    rows = [line for line in lines if line[:3] in ("Mon", "Sun", "Sat")]
    assert rows[0].split()[:5] == ["Mon", "2", "Nov", "07:30", "Check"]
    assert rows[0].endswith("at rest 2")
    assert rows[1].startswith("Sun 1 Nov 07:30") and rows[1].endswith("- -> 2")
    assert "Done: 28 of 28 parts," in rows[1]
    assert rows[2].startswith("Sat 31 Oct 07:30") and rows[2].endswith("6 -> 3")
    assert f"2 sessions and 1 check saved in {data / FILE_NAME}." in " ".join(
        "".join(lines).split()
    )
    limited = invoke("history", "--limit", "1").stdout
    assert "the 1 most recent shown; --all for every one" in " ".join(limited.split())


def test_chart_draws_days_weeks_and_streak(wall, data, invoke):
    add_sessions(data, [(8, 6), (6, 4), (4, 2)], T0 - timedelta(days=2, hours=-1))
    out = invoke("history", "chart", "--days", "7").stdout
    lines = out.splitlines()
    assert lines[0] == "Pain, Tue 27 Oct to Mon 2 Nov: daily average, 0 to 10"
    grid = {line[:4]: line[4:].rstrip() for line in lines[2:15]}
    empty = " " * 12  # 27 to 30 October: no sessions
    assert grid["10 ┤"] == ""
    assert grid[" 8 ┤"] == empty + " ░"
    assert grid[" 6 ┤"] == empty + " ░█ ░"
    assert grid[" 3 ┤"] == empty + " ░█ ░█ ░"
    assert grid[" 2 ┤"] == empty + " ░█ ░█ ░█"
    assert grid[" n  "] == empty + "  1  1  1"
    assert lines[14] == "     27 Oct            2 Nov"
    assert "Current streak: 3 days in a row." in out
    week_lines = [line for line in lines if line.startswith(("Mon 26 Oct", "Mon 2 Nov"))]
    assert week_lines == ["Mon 26 Oct  ██ 2", "Mon 2 Nov   █ 1"]


def test_export_round_trip_json_and_csv(env, monkeypatch, wall, data, tmp_path, invoke):
    add_sessions(data, [(6, 3), (5, None)], T0 - timedelta(days=2))
    check(env, RICE_WALKING_HURTS)
    invoke()
    with open_history(data) as history:
        sessions, checks = history.sessions(), history.triage_results()
        uids, identity = history.uids("sessions"), history.identity()

    out = invoke("history", "export", str(tmp_path / "log.json"))
    assert out.stdout == ""  # a status line goes to standard error; data alone to stdout
    assert out.stderr == f"Wrote {tmp_path / 'log.json'}: 2 sessions, 1 check.\n"
    document = json.loads((tmp_path / "log.json").read_text())
    assert document["history_format"] == SCHEMA_VERSION
    assert document["history_uid"] == identity
    assert [s["uid"] for s in document["sessions"]] == [uids[s.id] for s in reversed(sessions)]
    assert [s["pain_after"] for s in document["sessions"]] == [3, None]
    assert document["triage_results"][0]["answers"] == checks[0].answers
    assert [datetime.fromisoformat(s["started_at"]) for s in document["sessions"]] == [
        s.started_at for s in reversed(sessions)
    ]

    invoke("history", "export", str(tmp_path / "log.csv"))
    with (tmp_path / "log.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["record"] for r in rows] == ["session", "session", "triage"]
    assert rows[0]["pain_before"] == "6" and rows[1]["pain_after"] == ""
    assert json.loads(rows[2]["answers"]) == checks[0].answers
    assert rows[2]["disposition"] == "rice"

    again = invoke("history", "export", str(tmp_path / "log.csv"))
    assert again.exit_code == 2 and "already exists; add --force" in again.stderr
    assert invoke("history", "export", str(tmp_path / "log.txt")).exit_code == 2
    piped = invoke("history", "export", "-", "--format", "json")
    assert json.loads(piped.stdout)["sessions"][0]["pain_before"] == 6


# --- forget -----------------------------------------------------------------------------


def test_forget_needs_confirmation(env, monkeypatch, wall, data, invoke):
    add_sessions(data, [(6, 3)] * 4, T0 - timedelta(days=4))
    assert invoke("history", "forget").exit_code == 2
    no_tty = invoke("history", "forget", "--all")
    assert no_tty.exit_code == 2
    assert "add --yes" in no_tty.stderr

    asked = []

    class Refuses:
        def confirm(self, text, default=True):
            asked.append((text, default))
            return False

    env.prompter = Refuses()
    assert invoke("history", "forget", "--before", "2026-10-31").stdout == "Nothing deleted.\n"
    assert asked == [
        (
            "Delete 2 sessions and 0 checks from before Sat 31 Oct 2026? This cannot be undone.",
            False,
        )
    ]
    done = invoke("history", "forget", "--before", "2026-10-31", "--yes")
    assert done.stdout == "Deleted 2 sessions and 0 checks.\n"
    assert invoke("history", "forget", "--all", "--yes").stdout.startswith("Deleted 2 sessions")
    assert invoke("history", "forget", "--all", "--yes").stdout.startswith("Nothing to delete")
    assert invoke("history", "forget", "--before", "31/10/2026", "--yes").exit_code == 2


def add_program(folder: Path, started: datetime, days: int, *, ended: bool = False) -> int:
    """A back-to-running program started at ``started`` with a check-in on each of ``days``."""
    from hamstring_care.history.store import ProgramCheckIn, ProgramRun, ProgramStop
    from hamstring_care.progression import CheckIn
    from hamstring_care.vocab import Side

    with open_history(folder) as history:
        run_id = history.start_program(
            ProgramRun(program_id="back-to-running", program_version="2.1.0", side=Side.LEFT,
                       start_stage="walk", started_at=started)
        )  # fmt: skip
        for n in range(days):
            taken = started + timedelta(days=n, hours=10)
            said = CheckIn(taken.date(), "walk", 1, {"walk_pain_free": True}, rest_pain=0)
            history.add_check_in(ProgramCheckIn(run_id=run_id, check=said, taken_at=taken))
        if ended:
            at = started + timedelta(days=days)
            history.end_program(ProgramStop(run_id, "restarted", None, at))
    return run_id


def test_forget_counts_programs_and_takes_a_program_with_all_its_check_ins(env, wall, data, invoke):
    """A program started before the day goes with every check-in, even those after it."""
    add_sessions(data, [(6, 3)] * 2, T0 - timedelta(days=20))
    add_program(data, T0 - timedelta(days=12), 4, ended=True)  # its check-ins: days -12 to -9
    add_program(data, T0 - timedelta(days=8), 5)  # days -8 to -4, under way
    before = (T0 - timedelta(days=10)).date().isoformat()

    asked = []

    class Refuses:
        def confirm(self, text, default=True):
            asked.append(text)
            return False

    env.prompter = Refuses()
    assert invoke("history", "forget", "--before", before).stdout == "Nothing deleted.\n"
    assert asked == [
        "Delete 2 sessions, 0 checks, 1 program and 4 program check-ins from before "
        "Fri 23 Oct 2026? This cannot be undone."
    ]
    done = invoke("history", "forget", "--before", before, "--yes")
    assert done.stdout == "Deleted 2 sessions, 0 checks, 1 program and 4 program check-ins.\n"
    with open_history(data) as history:
        run = history.active_program()
        assert run is not None and len(history.check_ins(run.id)) == 5
    everything = invoke("history", "forget", "--all", "--yes")
    assert everything.stdout == "Deleted 0 sessions, 0 checks, 1 program and 5 program check-ins.\n"


def test_forget_says_when_the_newest_advice_goes_with_what_it_deletes(env, wall, data, invoke):
    """Deleting a record does not make its advice wrong: the person is told before saying yes."""
    add_sessions(data, [(4, 3)], T0 - timedelta(days=3))
    check(env, RICE_WALKING_HURTS)  # see a clinician
    assert invoke().exit_code == 0
    older = invoke("history", "forget", "--before", (T0 - timedelta(days=1)).date().isoformat(),
                   "--yes")  # fmt: skip
    assert older.stdout == "Deleted 1 session and 0 checks.\n"
    assert older.stderr == ""  # the advice stays
    everything = invoke("history", "forget", "--all", "--yes")
    assert everything.stdout == "Deleted 0 sessions and 1 check.\n"
    assert "this deletes the newest advice too" in everything.stderr
    assert "after a check" in everything.stderr
    assert "only after a new check" in everything.stderr
    assert invoke("advice").stdout == messages.no_advice_yet("hamstring-care") + "\n"


def test_forget_says_nothing_of_advice_that_allows_self_care(env, wall, data, invoke):
    check(env, CALM)
    assert invoke().exit_code == 0
    done = invoke("history", "forget", "--all", "--yes")
    assert (done.stdout, done.stderr) == ("Deleted 0 sessions and 1 check.\n", "")


# --- bad conditions ---------------------------------------------------------------------


def test_a_damaged_file_is_named_then_moved_aside_by_repair(wall, data, invoke):
    data.mkdir()
    garbage = b"not a database, but someone's file\n" * 200
    (data / FILE_NAME).write_bytes(garbage)

    shown = invoke("history")
    assert shown.exit_code == 2
    assert shown.stderr.startswith(f"{data / FILE_NAME}: the history file is damaged")
    assert "hamstring-care history repair" in shown.stderr

    ran = invoke("run", "stretch", "--count-in", "0")
    assert ran.exit_code == 0
    assert ran.stderr.count("warning") == 1 and "nothing will be saved this time" in ran.stderr
    assert STRETCH_RUN in ran.stdout

    refused = invoke("history", "repair")
    assert refused.exit_code == 2 and "add --yes" in refused.stderr
    repaired = invoke("history", "repair", "--yes")
    assert repaired.exit_code == 0, repaired.stderr
    (kept,) = data.glob("history.damaged-*.db")
    assert kept.read_bytes() == garbage
    assert kept.name == "history.damaged-20261102T073000Z.db"
    fresh = invoke("history")
    assert fresh.exit_code == 0 and fresh.stdout.startswith("Nothing saved yet in")
    assert invoke("history", "repair").stdout.endswith("nothing to repair.\n")


def spoil(data: Path, sql: str) -> None:
    """Change the file behind the program's back, as an editor or a bad disk would."""
    connection = sqlite3.connect(data / FILE_NAME)
    connection.executescript(sql)
    connection.close()


def with_damaged_rows(invoke, env, data: Path) -> None:
    add_sessions(data, [(5, 4), (4, 3), (3, 2)], T0 - timedelta(days=4))
    check(env, CALM)
    assert invoke().exit_code == 0  # one check saved
    check(env, CALM)
    assert invoke().exit_code == 0  # and another
    spoil(
        data,
        "UPDATE triage_results SET answers = 'not json {' WHERE id = 1;"
        "UPDATE sessions SET started_at = 'yesterday' WHERE id = 2;",
    )


def test_damaged_rows_are_left_out_with_one_warning_each(env, wall, data, monkeypatch, invoke):
    with_damaged_rows(invoke, env, data)

    shown = invoke("history")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.count("roll-and-press") == 2
    assert shown.stderr.count("hamstring-care: warning:") == 2
    assert "session 2 cannot be read (started_at is not a time); left out" in shown.stderr
    assert "check 1 cannot be read (answers is not JSON); left out" in shown.stderr
    for command in (["history", "chart"], ["history", "export", "-", "--format", "json"]):
        result = invoke(*command)
        assert result.exit_code == 0, (command, result.stderr)

    scripted = check(env, CALM)
    again = invoke()
    assert again.exit_code == 0, again.stderr
    assert scripted.asked[0] == "red_flags"
    ran = invoke("run", "stretch", "--count-in", "0")
    assert ran.exit_code == 0 and STRETCH_RUN in ran.stdout


def test_repair_sets_unreadable_rows_aside_and_keeps_the_good_ones(
    env, wall, data, monkeypatch, invoke
):
    with_damaged_rows(invoke, env, data)
    env.prompter = None  # the checks are done: no one left to ask
    assert invoke("history", "repair").exit_code == 2  # asks first; no terminal, no --yes
    repaired = invoke("history", "repair", "--yes")
    assert repaired.exit_code == 0, repaired.stderr
    assert "session 2: started_at is not a time" in repaired.stderr
    assert "check 1: answers is not JSON" in repaired.stderr
    assert "with 2 sessions and 1 check carried over" in repaired.stdout
    (kept,) = data.glob("history.damaged-*.db")
    old = sqlite3.connect(kept)
    assert old.execute("SELECT count(*) FROM sessions").fetchone() == (3,)
    old.close()
    fresh = invoke("history")
    assert fresh.exit_code == 0 and fresh.stderr == ""
    assert fresh.stdout.count("roll-and-press") == 2
    assert invoke("history", "repair").stdout.endswith("nothing to repair.\n")


def test_a_dropped_table_is_found_and_repaired(env, wall, data, monkeypatch, invoke):
    with_damaged_rows(invoke, env, data)
    spoil(data, "DROP TABLE sessions;")
    shown = invoke("history")
    assert shown.exit_code == 2 and "hamstring-care history repair" in shown.stderr
    repaired = invoke("history", "repair", "--yes")
    assert repaired.exit_code == 0, repaired.stderr
    assert "the table sessions is missing" in repaired.stderr
    assert "with 0 sessions and 1 check carried over" in repaired.stdout, repaired.stderr
    assert invoke("history").exit_code == 0


def test_a_folder_where_the_file_should_be_is_named(wall, data, invoke):
    (data / FILE_NAME).mkdir(parents=True)
    shown = invoke("history")
    assert shown.exit_code == 2
    assert shown.stderr.strip() == (
        f"{data / FILE_NAME}: is a folder where the history file should be; move it away"
    )


def test_a_read_only_folder_runs_the_routine_with_one_warning(wall, data, monkeypatch, invoke):
    data.mkdir()
    data.chmod(0o500)
    if os.access(data, os.W_OK):  # root writes anywhere: make the folder refuse as it would
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if str(path).startswith(str(data)):
                raise PermissionError(13, "Permission denied")
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
    try:
        result = invoke("run", "stretch", "--count-in", "0")
    finally:
        data.chmod(0o700)
    assert result.exit_code == 0
    assert STRETCH_RUN in result.stdout
    assert result.stderr.strip() == (
        f"hamstring-care: warning: {data / FILE_NAME}: cannot create the history file: "
        "permission denied; nothing will be saved this time"
    )


def test_a_read_only_file_runs_the_routine_with_one_warning(wall, data, monkeypatch, invoke):
    add_sessions(data, [(5, 4)], T0 - timedelta(days=1))
    real_connect = sqlite3.connect

    def read_only(path, *args, **kwargs):  # as a read-only file or mount behaves, even for root
        return real_connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    result = invoke("run", "stretch", "--count-in", "0")
    assert result.exit_code == 0
    assert STRETCH_RUN in result.stdout
    assert result.stderr.count("hamstring-care: warning:") == 1
    assert "read-only; nothing will be saved this time" in result.stderr


def test_a_newer_file_refuses_writes_and_says_so(wall, data, invoke):
    add_sessions(data, [(5, 4)], T0 - timedelta(days=1))
    with open_history(data) as history:
        history.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = (data / FILE_NAME).read_bytes()

    ran = invoke("run", "stretch", "--count-in", "0")
    assert ran.exit_code == 0 and STRETCH_RUN in ran.stdout
    assert ran.stderr.count("written by a newer hamstring-care") == 1

    forget = invoke("history", "forget", "--all", "--yes")
    assert forget.exit_code == 2
    assert "written by a newer hamstring-care" in forget.stderr
    shown = invoke("history")
    assert shown.exit_code == 0 and "Done: 28 of 28 parts" in shown.stdout
    assert "warning" in shown.stderr
    assert (data / FILE_NAME).read_bytes() == before


def pretend_read_only(monkeypatch, *places: Path) -> None:
    """os.access says no for these places, as for a user who may not write them (root may)."""
    from hamstring_care.history import store

    real = os.access

    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path) in places:
            return False
        return real(path, mode, *args, **kwargs)

    monkeypatch.setattr(store.os, "access", access)


def test_a_read_only_file_is_not_touched_by_a_routine(wall, data, monkeypatch, invoke):
    add_sessions(data, [(5, 4)], T0 - timedelta(days=1))
    pretend_read_only(monkeypatch, data / FILE_NAME)
    ran = invoke("run", "stretch", "--count-in", "0")
    assert ran.exit_code == 0
    assert ran.stderr.strip() == (
        f"hamstring-care: warning: {data / FILE_NAME}: cannot save: the file is read-only; "
        "nothing will be saved this time"
    )
    assert sorted(p.name for p in data.iterdir()) == [FILE_NAME]  # no -wal, no -shm


def test_a_read_only_folder_can_still_be_read_and_exported(wall, data, monkeypatch, invoke):
    add_sessions(data, [(5, 4), (4, 3)], T0 - timedelta(days=2))
    pretend_read_only(monkeypatch, data, data / FILE_NAME)
    shown = invoke("history")
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.count("roll-and-press") == 2
    exported = invoke("history", "export", "-", "--format", "json")
    assert exported.exit_code == 0, exported.stderr
    assert len(json.loads(exported.stdout)["sessions"]) == 2
    forget = invoke("history", "forget", "--all", "--yes")
    assert forget.exit_code == 2 and "read-only" in forget.stderr
    assert sorted(p.name for p in data.iterdir()) == [FILE_NAME]


def test_play_your_routine_again_after_the_warning_signs(env, wall, data, invoke):
    """After a self-care check: warning signs first, then "play your routine again", for
    the leg chosen last time, linked to that check; no new check is saved."""
    check(env, {**CALM, "leg": "left"})
    assert invoke().exit_code == 0
    with open_history(data) as history:
        (first,) = history.triage_results()
    assert first.side == "left"
    wall.advance(days=1)
    scripted = check(env, {"red_flags": [], "menu": "again", "confirm": True})
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert scripted.asked[:3] == [
        "red_flags",
        "choose: No warning sign. Last time the check suggested self-care: what now?",
        "choose: Which leg hurts?",
    ]
    assert "confirm: Start “Roll and press” now (left leg)?" in scripted.asked
    with open_history(data) as history:
        assert [c.id for c in history.triage_results()] == [first.id]
        played = history.sessions()
    assert {(s.routine_id, s.side, s.triage_id) for s in played} == {
        ("roll-and-press", "left", first.id),
        ("stretch", "left", first.id),
    }


def test_a_warning_sign_always_goes_into_the_full_check(env, wall, data, invoke):
    check(env, CALM)
    assert invoke().exit_code == 0
    scripted = check(env, {**CALM, "red_flags": ["lump"]})
    result = invoke()
    assert result.exit_code == 0
    assert not any("what now?" in asked for asked in scripted.asked)
    assert "SEE A CLINICIAN" in result.stdout


def test_a_recheck_offers_the_days_since_onset_counted_on(env, wall, data, invoke):
    check(env, RICE_WALKING_HURTS)  # started 4 days before the first check
    assert invoke().exit_code == 0
    wall.advance(days=3)
    scripted = check(env, {**RICE_WALKING_HURTS, "confirm": True})
    assert invoke().exit_code == 0
    assert "confirm: It started 7 days ago, counting on from your last check?" in scripted.asked
    assert "days_since_onset" not in scripted.asked
    with open_history(data) as history:
        latest, _ = history.triage_results()
    assert latest.answers["days_since_onset"] == 7


def test_repair_carries_a_program_and_its_check_ins_over(env, wall, data, invoke):
    """A repair keeps the back-to-running program under way, with every check-in."""
    import datetime as dt

    from hamstring_care.history.store import ProgramCheckIn, ProgramRun, open_history
    from hamstring_care.progression import CheckIn
    from hamstring_care.vocab import Side

    when = dt.datetime(2026, 12, 1, 18, tzinfo=dt.timezone.utc)
    with open_history(data) as history:
        run_id = history.start_program(
            ProgramRun(program_id="back-to-running", program_version="1.0.0", side=Side.LEFT,
                       start_stage="walk", pain_limit=3, started_at=when)
        )  # fmt: skip
        for day in (1, 2):
            said = CheckIn(dt.date(2026, 12, day), "walk", 2, {"walk_pain_free": True}, rest_pain=1)
            history.add_check_in(ProgramCheckIn(run_id=run_id, check=said, taken_at=when))
    spoil(data, "UPDATE program_check_ins SET answers = 'nope' WHERE day = '2026-12-02';")
    repaired = invoke("history", "repair", "--yes")
    assert repaired.exit_code == 0, repaired.stderr
    assert "program check-in 2: answers is not JSON" in repaired.stderr
    assert "0 sessions, 0 checks, 1 program and 1 program check-in carried over" in (
        repaired.stdout
    )
    with open_history(data) as history:
        run = history.active_program()
        assert run is not None and (run.side, run.pain_limit) == ("left", 3)
        assert [c.check.day.day for c in history.check_ins(run.id)] == [1]


def test_repair_carries_a_second_program_under_way_over_as_ended(env, wall, data, invoke):
    """Two programs under way (only a damaged file holds them): none is dropped."""
    older = add_program(data, T0 - timedelta(days=9), 2, ended=True)
    newer = add_program(data, T0 - timedelta(days=5), 1)
    add_sessions(data, [(3, 2)], T0 - timedelta(days=1))
    spoil(
        data,
        "DROP INDEX one_program_under_way; UPDATE sessions SET pain_before = 'bad'; "
        f"UPDATE program_runs SET ended_at = NULL, end_reason = NULL WHERE id = {older};",
    )
    repaired = invoke("history", "repair", "--yes")
    assert repaired.exit_code == 0, repaired.stderr
    assert "0 sessions, 0 checks, 2 programs and 3 program check-ins carried over" in (
        repaired.stdout
    )
    with open_history(data) as history:
        assert history.active_program().id == newer
        ended = next(r for r in history.program_runs() if r.id == older)
        assert ended.end_reason == "restarted"
        assert ended.ended_at == T0 - timedelta(days=5)


def test_ids_and_paths_are_never_cut(invoke, monkeypatch):
    """Issue 28: at 80 columns `protocols list` cut its paths ("foam-roller-and-ball.…");
    at 60, `history` cut routine ids ("hamstring-stre…")."""
    monkeypatch.setenv("COLUMNS", "80")
    listed = invoke("protocols", "list").stdout
    assert "…" not in listed
    for name in ("foam-roller-and-ball", "hamstring-stretch", "back-to-running"):
        assert any(line.strip().endswith(f"protocols/{name}.yaml") for line in listed.splitlines())
    monkeypatch.setenv("COLUMNS", "60")
    for routine in ("foam-roller-and-ball", "hamstring-stretch"):
        assert invoke("run", routine, "--count-in", "0").exit_code == 0
    shown = invoke("history").stdout
    assert "…" not in shown
    assert all(routine in shown for routine in ("foam-roller-and-ball", "hamstring-stretch"))


def test_an_empty_history_file_is_nothing_to_show_for_the_chart_too(env, invoke):
    """Issue 28: nothing to show is 0 with a message, as `history` says it; the chart drew an
    empty chart for a history file that held nothing yet."""
    with open_history(env.history_folder()):
        pass  # made, as the first command to open it makes it, and left empty
    for command in (["history"], ["history", "chart"]):
        shown = invoke(*command)
        assert shown.exit_code == 0, shown.stderr
        assert shown.stdout.startswith("Nothing saved yet in "), shown.stdout


@pytest.mark.parametrize("terminal", [True, False])
def test_nothing_saved_wraps_between_words_on_a_terminal_and_stays_whole_in_a_pipe(
    tmp_path, terminal, monkeypatch
):
    import io

    monkeypatch.setenv("TERM", "xterm-256color")  # Rich gives a dumb terminal 80 columns
    from rich.console import Console

    from tests.fakes import invoke_with, make_env

    folder = tmp_path / ("a-data-folder-with-a-rather-long-name-" * 2)
    console = Console(file=io.StringIO(), width=60, force_terminal=terminal, color_system=None)
    env = make_env(console=console)
    env.stdout_isatty = terminal
    assert invoke_with(env, "--data-dir", str(folder), "history").exit_code == 0
    lines = console.file.getvalue().splitlines()
    text = " ".join(" ".join(lines).split())
    assert text.count("`hamstring-care") == 2, lines  # the command names whole
    assert "for a check, or `hamstring-care run ROUTINE`." in text
    if terminal:
        assert all(len(line) <= 60 for line in lines), lines
    else:
        assert len(lines) == 1  # a script reads it whole
