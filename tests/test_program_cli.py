"""The program commands on a fake calendar: start after a check, days, status, calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from hamstring_care import messages
from hamstring_care.vocab import DecisionKind, Side
from tests.conftest import CALM_ANSWERS
from tests.fakes import CheckInAsker

START = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.timezone.utc)


def checked(env, disposition: str = "self_massage") -> None:
    """A check saved in the history, as the guided check saves one."""
    from hamstring_care.history.store import open_history

    with open_history(env.history_folder()) as history:
        history.add_triage(
            taken_at=START - dt.timedelta(hours=1), triage_version="2.0.0",
            disposition=disposition, rule="r", answers={}, cautions=[],
        )  # fmt: skip


def on(env, day: int) -> None:
    """Live on the program's day ``day`` (1 is the first)."""
    env.now = lambda: START + dt.timedelta(days=day - 1)


def started(env, invoke, *args: str) -> None:
    """A program started alone (at stage 2: stage 1 done already, the reason it asks for)."""
    env.prompter = CheckInAsker({})
    result = invoke("program", "start", *args)
    assert result.exit_code == 0, result.stderr


def live(env, invoke, day: int, answers: dict):
    on(env, day)
    env.prompter = CheckInAsker(answers)
    result = invoke("program", "today")
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("disposition", "words"),
    [
        (None, "it starts after a check that allows self-care; run the check"),
        ("rice", "the newest advice is “Protect it for the first days (RICE), then check again”"),
        ("urgent", "the newest advice is “See a clinician today”"),
    ],
)
def test_a_program_starts_only_after_a_check_that_allows_it(env, invoke, disposition, words):
    if disposition:
        checked(env, disposition)
    result = invoke("program", "start")
    assert result.exit_code == 2
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_three_stages_a_bad_morning_and_a_warning_sign(env, invoke):
    """The whole path of the issue: self-care, walking, lengthening, jogging; held back once
    by a bad next morning; stopped and sent to the check by a warning sign."""
    checked(env)
    on(env, 1)
    started = invoke("program", "start", "--side", "right")
    assert started.exit_code == 0, started.stderr
    assert messages.stage_heading(1, 7, "Protect and walk") in started.stdout
    # Issue 28: an overview (the stages, the pain limit, how long at the least).
    overview = " ".join(started.stdout.split())
    stages = [s.title for s in env.library().get("back-to-running").stages]
    assert len(stages) == 7 and stages[0] == "Protect and walk"
    assert messages.program_stages(stages) in overview
    assert messages.moves_by_answers(4) in overview
    assert messages.at_the_quickest(17) in overview

    out = live(env, invoke, 1, {})
    assert messages.today(messages.stage_heading(1, 7, "Protect and walk")) in out
    assert messages.MORNING_DECIDES in " ".join(out.split())
    out = live(env, invoke, 2, {})
    walk, lengthen = (
        messages.stage_heading(1, 7, "Protect and walk"),
        messages.stage_heading(2, 7, "Lengthening exercises"),
    )
    stay = messages.next_stage(DecisionKind.STAY, walk)
    assert messages.decided(stay, "1 of 2 good check-ins in a row") in out
    out = live(env, invoke, 3, {})
    on_to = messages.next_stage(DecisionKind.MOVE_ON, lengthen)
    assert messages.decided(on_to, "2 of 2 good check-ins in a row") in out
    assert messages.rule("rules.move_on", "Move on:") in out  # the rule's words begin so
    assert messages.today(messages.stage_heading(2, 7, "Lengthening exercises")) in out
    for day in (4, 5, 6):
        out = live(env, invoke, day, {})
    assert (
        messages.next_stage(DecisionKind.MOVE_ON, messages.stage_heading(3, 7, "Jog and walk"))
        in out
    )
    out = live(env, invoke, 7, {"morning": False})
    back = messages.next_stage(DecisionKind.STEP_BACK, lengthen)
    assert messages.decided(back, "not back to usual by the next morning") in " ".join(out.split())
    assert messages.rule("rules.step_back", "") in out
    status = invoke("program", "status").stdout
    assert messages.stage_heading(2, 7, "Lengthening exercises") in status
    assert messages.program_day("Back to running", 7, Side.RIGHT.legs_words) in status

    urgent = {**CALM_ANSWERS, "pain_at_rest": 3}
    out = live(
        env, invoke, 8, {"warning": True, "check": True, "menu": "new", "check_answers": urgent}
    )
    assert messages.decided(messages.STOP_PROGRAM, "a warning sign") in out
    assert messages.program_stopped("Back to running", "hamstring-care") in " ".join(out.split())
    assert "Start the check now?" in env.prompter.asked
    assert "Hamstring pain check" in out  # the check begins: warning signs first
    after = invoke("program", "today")
    assert after.exit_code == 2 and "no program under way" in after.stderr

    from hamstring_care.history.store import open_history

    with open_history(env.history_folder()) as history:
        (run,) = history.program_runs()
        assert run.end_reason == "stopped: a warning sign" and run.side == "right"
        decisions = [(c.check.stage, c.decision, c.next_stage) for c in history.check_ins(run.id)]
    assert decisions[:3] == [
        ("walk", "stay", "walk"), ("walk", "move_on", "lengthen"), ("lengthen", "stay", "lengthen"),
    ]  # fmt: skip
    assert ("jog_walk", "step_back", "lengthen") in decisions
    assert decisions[-1] == ("lengthen", "stop", None)
    listed = invoke("history").stdout
    assert "Jog and walk: back a stage" in listed
    assert "Lengthening exercises: program stopped" in listed


def test_one_check_in_a_day(env, invoke):
    checked(env)
    on(env, 1)
    invoke("program", "start")
    live(env, invoke, 1, {})
    again = live(env, invoke, 1, {})
    assert messages.CHECK_IN_DONE in again


def test_the_reminders_import_into_two_calendar_parsers(env, invoke, tmp_path):
    import icalendar
    import vobject

    checked(env)
    on(env, 1)
    invoke("program", "start")
    out = tmp_path / "reminders.ics"
    result = invoke("program", "today", "--ics", str(out), "--at", "07:30")
    assert result.exit_code == 0, result.stderr
    assert "a reminder at 07:30 each day for 14 days" in result.stderr
    raw = out.read_bytes()
    assert b"\r\n" in raw and b"http" not in raw.lower()
    (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    # 18:00 on the first day: today's 07:30 has passed, so the first reminder is tomorrow's.
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 2, 7, 30)
    assert event["rrule"]["FREQ"] == ["DAILY"]
    parsed = vobject.readOne(raw.decode())
    days = list(parsed.vevent.getrruleset())
    assert len(days) == 14 and days[-1] == dt.datetime(2026, 12, 15, 7, 30)
    assert parsed.vevent.valarm.action.value == "DISPLAY"
    bad = invoke("program", "today", "--ics", str(tmp_path / "x.ics"), "--at", "25:00")
    assert bad.exit_code == 2 and "--at must be a time of day" in bad.stderr


def test_a_demo_date_from_the_environment(tmp_path):
    from hamstring_care.context import Environment

    env = Environment(environ={"HAMSTRING_CARE_TODAY": "2027-03-04"})
    assert env.now().date() == dt.date(2027, 3, 4) and env.now().tzinfo is not None
    wrong = Environment(environ={"HAMSTRING_CARE_TODAY": "someday"})
    from hamstring_care.errors import UsageError

    with pytest.raises(UsageError, match="HAMSTRING_CARE_TODAY"):
        wrong.now()


@pytest.mark.parametrize("day", ["2026-07-01", "2026-01-15"])
@pytest.mark.parametrize("wall", [dt.time(23, 30), dt.time(0, 30)])
def test_a_demo_date_is_that_date_late_and_early_across_summer_time(monkeypatch, day, wall):
    """A summer date while the real one is in winter (or the reverse) keeps its own offset:
    23:30 stays on that date, not the next (issue 24, B4)."""
    import time

    from hamstring_care.context import _demo_now

    monkeypatch.setenv("TZ", "GMT0BST,M3.5.0/1,M10.5.0")  # London, with no zone files
    time.tzset()
    moment = _demo_now(day, wall=lambda: wall)()
    assert moment.astimezone().date() == dt.date.fromisoformat(day)
    assert moment.astimezone().time().replace(tzinfo=None) == wall


def test_the_check_offers_today_when_a_program_is_under_way(env, invoke):
    """`hamstring-care` with no arguments: warning signs first, then today's step on offer."""
    checked(env)
    on(env, 1)
    invoke("program", "start")
    env.prompter = asker = CheckInAsker({"menu": "today"})
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert asker.asked[0] == "No warning sign. A program is under way: what now?"
    assert messages.today(messages.stage_heading(1, 7, "Protect and walk")) in result.stdout


def test_a_clinicians_plan_sets_the_stage_and_a_stricter_pain_limit(env, invoke, write):
    plan = write(
        "plan.yaml",
        "patient: Sam Runner\nprotocols:\n"
        "  - id: back-to-running\n    side: left\n    stage: jog_walk\n    pain_limit: 3\n",
    )
    sheet = invoke("print", "--plan", str(plan), "-f", "txt", "-o", "-").stdout
    assert "Stage 3 of 7: Jog and walk (you start here)" in sheet
    assert "pain during at most 3 out of 10" in sheet and "at most 4 out of 10" not in sheet
    assert (
        "CHECK-IN RECORD" in sheet
        and "program start back-to-running --side left --stage jog_walk" in sheet
    )

    checked(env)
    on(env, 1)
    started = invoke("program", "start", "--plan", str(plan))
    assert started.exit_code == 0, started.stderr
    assert messages.started("Back to running", Side.LEFT.legs_words) in started.stdout
    assert messages.stage_heading(3, 7, "Jog and walk") in started.stdout
    live(env, invoke, 1, {"pain": 4})  # within the program's 4, above this plan's 3
    out = live(env, invoke, 2, {})
    back = messages.next_stage(
        DecisionKind.STEP_BACK, messages.stage_heading(2, 7, "Lengthening exercises")
    )
    assert messages.decided(back, "pain 4 out of 10 during (above 3)") in " ".join(out.split())

    too_high = write(
        "high.yaml", "protocols:\n  - id: back-to-running\n    pain_limit: 6\n    stage: fly\n"
    )
    refused = invoke("print", "--plan", str(too_high), "-f", "txt", "-o", "-")
    assert refused.exit_code == 2
    assert "protocols[0].pain_limit: at most 4, the limit back-to-running gives" in refused.stderr
    assert "protocols[0].stage: expected one of walk, lengthen, jog_walk" in refused.stderr
    not_a_program = write("r.yaml", "protocols:\n  - id: rice\n    stage: walk\n")
    wrong = invoke("print", "--plan", str(not_a_program), "-f", "txt", "-o", "-")
    assert "stage goes with programs; rice is guidance" in wrong.stderr


def test_routines_played_in_a_program_are_saved_and_the_chart_marks_stage_changes(env, invoke):
    from hamstring_care.history.store import open_history

    checked(env)
    on(env, 1)
    started(env, invoke, "--stage", "lengthen")
    live(env, invoke, 1, {"play": True})
    for day in (2, 3, 4):
        live(env, invoke, day, {})
    with open_history(env.history_folder()) as history:
        played = history.sessions()
    assert [s.routine_id for s in played] == ["lengthening"]
    on(env, 4)
    chart = invoke("history", "chart").stdout
    assert "program: • checked in   ▲ on a stage" in chart
    marks = next(line for line in chart.splitlines() if line.startswith(" st "))
    assert marks.count("▲") == 1 and "▼" not in marks


def test_plan_new_for_a_program_validates_and_run_points_to_program_start(invoke, tmp_path):
    plan = tmp_path / "plan.yaml"
    written = invoke("plan", "new", "back-to-running", "-o", str(plan))
    assert written.exit_code == 0, written.stderr
    text = plan.read_text()
    assert "stage:" in text and "where to start: walk, lengthen" in text
    assert "pain_limit:" in text and "0 to 4" in text
    assert invoke("print", "--plan", str(plan), "-f", "txt", "-o", "-").exit_code == 0
    ran = invoke("run", "--plan", str(plan))
    assert ran.exit_code == 2
    assert "start its program with:" in ran.stderr and "program start --plan" in ran.stderr


@pytest.mark.parametrize(
    ("disposition", "decided", "because"),
    [
        ("urgent", "stop", "a new pop"),  # "I felt a pop or snap"
        ("clinician", "stop", "a warning sign"),  # new numbness or tingling
        ("rice", "waiting", ""),  # sharp pain: above the limit, the morning decides
    ],
)
def test_stop_it_hurts_in_a_program_routine_ends_the_day(
    env, invoke, disposition, decided, because
):
    """Once something hurts, the day's exercise stops, and the check-in counts it: never as
    a good day."""
    from hamstring_care.history.store import open_history
    from tests.test_cli import stop_at_first_routine

    checked(env)
    on(env, 1)
    started(env, invoke, "--stage", "lengthen")
    stop_at_first_routine(env, disposition)
    out = live(env, invoke, 1, {"play": True})
    assert messages.STOPPED_HURTS in out
    assert "Back from today's walk or run" not in " ".join(env.prompter.asked)
    with open_history(env.history_folder()) as history:
        (check,) = history.check_ins()
    assert (check.decision or "waiting") == decided
    if disposition == "rice":
        assert check.check.pain_during == 5  # the answer was 2: counted above the limit of 4
    if because:
        assert messages.decided(messages.STOP_PROGRAM, because) in out


def test_reminders_need_a_program_under_way(env, invoke, tmp_path):
    out = tmp_path / "r.ics"
    refused = invoke("program", "today", "--ics", str(out))
    assert refused.exit_code == 2 and "no program under way" in refused.stderr
    assert not out.exists()


def test_a_day_before_the_last_check_in_is_refused(env, invoke):
    checked(env)
    on(env, 3)
    invoke("program", "start")
    live(env, invoke, 3, {})
    on(env, 2)
    env.prompter = CheckInAsker({})
    refused = invoke("program", "today")
    assert refused.exit_code == 2
    assert "is before your last check-in (Thu 3 Dec): check the computer's date" in refused.stderr


def test_the_nordic_builds_up_week_by_week_and_never_two_days_in_a_row(env, invoke, write):
    """Its week's sets and repetitions, on its days only (CLINICAL.md, "Safety state")."""
    plan = write("plan.yaml", "protocols:\n  - id: back-to-running\n    stage: sprint\n")
    checked(env)
    on(env, 1)
    assert invoke("program", "start", "--plan", str(plan)).exit_code == 0
    said = {n: live(env, invoke, n, {"play": True}) for n in range(1, 10)}
    assert "Nordic lowering: set 1 of 2, 5 slow lowerings" in said[1]  # week 1: once, 2 x 5
    nordic = "Nordic hamstring exercise"
    assert messages.not_today(nordic, "never two days in a row") in said[2]
    assert messages.not_today(nordic, "1 of 1 this week done") in said[3]
    assert "Nordic lowering: set 1 of 2, 6 slow lowerings" in said[8]  # week 2: 2 x 6
    assert "never two days in a row" in said[9]


def test_loaded_exercises_say_sets_and_repetitions(library):
    from hamstring_care.prescription import step_doses

    (nordic,) = step_doses(library.get("nordic").steps)
    # both legs work together: never one leg
    assert (
        nordic.words() == "2 sets of 5 slow lowerings, 90 s rest between sets · both legs together"
    )
    extender = step_doses(library.get("lengthening").steps, side=Side.LEFT)[0]
    assert (
        extender.words() == "2 sets of 6 slow repetitions, 30 s rest between sets · left leg only"
    )


def test_a_program_shows_in_history_and_chart(env, invoke, monkeypatch):
    """Issue 28: the program was almost invisible: its pain during was not charted, "Current
    streak: none" for a runner who checked in daily, "1 session and 1 check saved" after 7
    check-ins, and stage ids ("walk") for its rows."""
    monkeypatch.setenv("COLUMNS", "100")
    checked(env)
    on(env, 1)
    assert invoke("program", "start").exit_code == 0
    for day in range(1, 8):
        live(env, invoke, day, {"pain": 3})
    listed = " ".join(invoke("history").stdout.split())
    assert "7 program check-ins" in listed
    assert "Protect and walk: stays" in listed and "walk:" not in listed.replace("and walk:", "")
    chart = invoke("history", "chart").stdout
    assert "Current streak: 7 days in a row." in chart
    assert "▒ during the program's day" in chart
    bars = [line for line in chart.splitlines() if line.startswith(" 3 ┤")]
    assert bars and bars[0].count("▒") == 7  # pain 3 during, each of the seven days
    assert "Sessions and program check-ins per week" in chart


def test_a_step_back_at_the_first_stage_stays_there_in_words(env, invoke, monkeypatch):
    """Issue 28: "Back to Stage 1" when already there; history and status said "back a
    stage" too."""
    monkeypatch.setenv("COLUMNS", "120")
    checked(env)
    on(env, 1)
    assert invoke("program", "start").exit_code == 0
    live(env, invoke, 1, {})
    out = live(env, invoke, 2, {"morning": False})
    walk = messages.stage_heading(1, 7, "Protect and walk")
    assert messages.next_stage(DecisionKind.STEP_BACK, walk, first=True) in out
    assert messages.next_stage(DecisionKind.STEP_BACK, walk) not in out
    listed = " ".join(invoke("history").stdout.split())
    assert "Protect and walk: stays at the first stage" in listed
    status = " ".join(invoke("program", "status").stdout.split())
    assert "stays at the first stage" in status and "back a stage" not in status
    chart = invoke("history", "chart").stdout
    assert "▼" not in chart.split("st:")[-1].split("Sessions")[0].replace("▼ back a stage", "")


def test_program_start_help_says_the_leg_it_takes(invoke):
    """Issue 28: --side said [default: both], but the last check's leg was taken."""
    shown = " ".join(invoke("program", "start", "--help").stdout.split())
    assert "[default: the leg chosen at your last check, else both]" in shown
    assert "[default: both]" not in shown


def test_a_missed_morning_and_a_long_break_are_said_when_the_day_opens(env, invoke, write):
    """Ten days away after a day at Easy running: the unanswered morning steps back to Jog
    and walk, and the break (more than 7 days at a running stage) one stage lower again."""
    plan = write("plan.yaml", "protocols:\n  - id: back-to-running\n    stage: run\n")
    checked(env)
    on(env, 1)
    assert invoke("program", "start", "--plan", str(plan)).exit_code == 0
    live(env, invoke, 1, {})
    out = " ".join(live(env, invoke, 11, {}).split())  # 10 days on, day 1's morning unasked
    assert messages.morning_missed("Tue 1 Dec") in out
    back = messages.next_stage(DecisionKind.STEP_BACK, messages.stage_heading(3, 7, "Jog and walk"))
    assert back in out
    assert messages.after_long_break(10) in out
    assert "(clinic practice, not a tested rule)" in out
    assert "Today: " + messages.stage_heading(2, 7, "Lengthening exercises") in out
