"""A patient who used hamstring-care for three weeks, for the report and the FHIR export.

From Monday 2 November 2026 (UTC, as the tests run): a check that allows self-care (right
leg), the foam-roller routine on most mornings, a session stopped "it hurts" on day 7 with
RICE advised, a re-check on day 10 that allows self-care again, then back to running from
day 10 with one bad morning (a step back), the routine still played on some days, to Sunday
22 November. The checks and sessions are saved as the flows save them; the program is
lived through its commands, day by day, on a fake calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from hamstring_care.history.store import Session, open_history
from tests.conftest import CALM_ANSWERS
from tests.fakes import CheckInAsker

MONDAY = dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.timezone.utc)
LAST_DAY = dt.date(2026, 11, 22)
ROUTINE = "foam-roller-and-ball"
ROUTINE_DAYS = [1, 2, 3, 5, 6, 7, 11, 13, 14, 16, 18, 20, 21]
"""The days (1 = Mon 2 Nov) with a morning routine; day 7's is stopped, it hurt."""
STOP_DAY = 7
RECHECK_DAY = 10
PROGRAM_DAYS = range(10, 22)
FIRST = {"days_since_onset": 12, "trend": "better", "pain_at_rest": 3}
RECHECK = {"days_since_onset": 21, "trend": "better", "pain_at_rest": 1}
"""Each check's answers beyond the calm ones: both allow self-care."""
BAD_MORNING = 16
"""The check-in of day 15 was not back to usual by the next morning (asked on day 16)."""


def at(day: int, hours: float = 0) -> dt.datetime:
    """Day ``day`` of the three weeks (1 is Monday 2 Nov), at 07:00 UTC plus ``hours``."""
    return MONDAY + dt.timedelta(days=day - 1, hours=hours)


def pains(day: int) -> tuple[int, int]:
    """The pain before and after the routine that day: coming down, but for the stop."""
    if day == STOP_DAY:
        return 4, 6
    before = max(1, 5 - day // 4)
    return before, max(0, before - 2)


def check(folder: Path, triage, day: int, answers: dict) -> int:
    """A guided check's result saved as the check saves it; returns its id."""
    from hamstring_care.triage import triage as decide

    result = decide(triage, answers)
    with open_history(folder) as history:
        check_id = history.add_triage(
            taken_at=at(day, 1),
            triage_version=result.triage_version,
            disposition=result.disposition,
            rule=result.rule,
            answers=result.answers,
            cautions=result.cautions,
            recorded_at=at(day, 1),
        )
        history.set_side(check_id, "right")
    return check_id


def session(folder: Path, day: int, triage_id: int | None) -> None:
    """A morning session of the routine, saved as it starts and as it ends."""
    before, after = pains(day)
    started = at(day, 0.5)
    with open_history(folder) as history:
        record = Session(
            routine_id=ROUTINE, routine_version="1.1.0", side="right", started_at=started,
            segments_total=28, planned_seconds=330, pain_before=before, triage_id=triage_id,
            recorded_at=started,
        )  # fmt: skip
        sid = history.save_session(record)
        ended = started + dt.timedelta(minutes=6)
        if day == STOP_DAY:
            done = replace(
                record, ended_at=started + dt.timedelta(minutes=2), segments_completed=9,
                stopped_early=True, stop_reason="hurts", stop_disposition="rice",
                pain_after=after, elapsed_seconds=120.0, recorded_at=ended,
            )  # fmt: skip
        else:
            done = replace(
                record, ended_at=ended, segments_completed=28, pain_after=after,
                elapsed_seconds=345.0, recorded_at=ended,
            )  # fmt: skip
        history.update_session(sid, done, updated_at=done.ended_at or ended)


def three_weeks(env, invoke, triage) -> Path:
    """Live the three weeks; return the data folder."""
    folder = env.history_folder()
    first = check(folder, triage, 1, {**CALM_ANSWERS, **FIRST})
    recheck = None
    for day in range(1, 22):
        if day == RECHECK_DAY:
            recheck = check(folder, triage, day, {**CALM_ANSWERS, **RECHECK})
            env.now = lambda day=day: at(day, 2)
            env.wall = env.now
            started = invoke("program", "start", "--side", "right")
            assert started.exit_code == 0, started.stderr
        if day in ROUTINE_DAYS:
            session(folder, day, recheck if day > RECHECK_DAY else first)
        if day in PROGRAM_DAYS:
            env.now = lambda day=day: at(day, 11)  # the evening check-in
            env.wall = env.now
            env.prompter = CheckInAsker(
                {"morning": day != BAD_MORNING, "pain": 2 if day < 15 else 3, "rest": 1}
            )
            lived = invoke("program", "today")
            assert lived.exit_code == 0, lived.stderr
    return folder
