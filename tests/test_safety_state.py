"""Stop means stop, for good: one safety state that every command obeys (issue 23).

Each test is one of the audit's numbered findings, tried through the commands as a person
would, run after run, on a fake calendar. The newest advice wins whatever gave it; while it
is RICE or worse, no routine, plan or program step is offered or played until a newer check
allows self-care, and the way back is always said.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hamstring_care import messages
from hamstring_care.vocab import Ask, DecisionKind, Side
from tests.conftest import SELF_MASSAGE, yaml_answers
from tests.fakes import CheckInAsker, PassingKeys, ScriptedAsker, ScriptedKeys

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
SELF_CARE = {**yaml_answers(SELF_MASSAGE), "confirm": True}
STRAIN = {**SELF_CARE, "onset": "sudden", "felt_pop": "no", "strained_before": "no",
          "pain_location": "mid_thigh", "confirm": False}  # fmt: skip
"""A sudden strain mid-thigh, no pop, walking and rising pain-free: self-care after day 3."""


class Calendar:
    """The wall clock the commands read, moved by the test."""

    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> dt.datetime:
        return self.t

    def days(self, n: float) -> None:
        self.t += dt.timedelta(days=n)


@pytest.fixture
def calendar(env) -> Calendar:
    clock = Calendar()
    env.now = clock
    return clock


def stop_the_first_routine(env, disposition: str) -> None:
    choices = env.library().triage().stop_check.choices
    digit = str(next(i for i, c in enumerate(choices, 1) if c.disposition == disposition))
    env.keys = ScriptedKeys(env.clock, [(8, "s"), (9, digit)])


def a_check_then_a_stop(env, invoke, disposition: str = "urgent") -> str:
    """A self-care check whose first routine is stopped with "stop, it hurts"."""
    stop_the_first_routine(env, disposition)
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert messages.STOPPED_HURT in result.stdout
    env.keys = PassingKeys(env.clock)  # a routine played from here on takes no time
    return result.stdout


def start_program(env, invoke, *args: str):
    env.prompter = CheckInAsker({})
    return invoke("program", "start", *args)


def day(env, invoke, answers: dict):
    env.prompter = asker = CheckInAsker(answers)
    result = invoke("program", "today")
    return result, asker


# --- 1. after a stop, the next launch offers no routine -------------------------------------


def test_1_after_a_pop_the_next_launch_goes_straight_into_the_check(env, invoke, calendar):
    a_check_then_a_stop(env, invoke, "urgent")
    calendar.days(1 / 1440)  # a minute later, no warning sign ticked (the pop was mid-thigh)
    env.prompter = asker = ScriptedAsker({**SELF_CARE, "menu": "again"})
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert not any("what now?" in a for a in asker.asked)  # no "play your routine again"
    assert "pain_at_rest" in asker.asked  # the check itself: the way back
    assert "Last advice: “See a clinician today” (after a routine stopped because it hurt" in (
        " ".join(result.stdout.split())
    )


@pytest.mark.parametrize("disposition", ["rice", "clinician", "urgent"])
def test_1_no_routine_plays_after_a_stop_by_any_command(env, invoke, write, disposition):
    a_check_then_a_stop(env, invoke, disposition)
    title = env.library().triage().dispositions.of(disposition).title
    plan = write("plan.yaml", "protocols:\n  - id: hamstring-stretch\n")
    for args in (["run", "hamstring-stretch"], ["run", "--plan", str(plan)]):
        refused = invoke(*args)
        assert refused.exit_code == 2, args
        line = " ".join(refused.stderr.split())
        assert f"no routine now: the newest advice is “{title}”" in line
        assert "self-care waits for a new check that allows it: hamstring-care" in line
        assert "read the advice again: hamstring-care advice" in line
        assert len(refused.stderr.strip().splitlines()) == 1


def test_1_a_clinicians_plan_plays_when_cleared_said_and_saved(env, invoke, write):
    from hamstring_care.history.store import open_history

    a_check_then_a_stop(env, invoke, "urgent")
    plan = write("plan.yaml", "protocols:\n  - id: hamstring-stretch\n")
    played = invoke("run", "--plan", str(plan), "--clinician-cleared")
    assert played.exit_code == 0, played.stderr
    with open_history(env.history_folder()) as history:
        newest = history.sessions()[0]
    assert newest.routine_id == "hamstring-stretch" and "clinician's plan" in newest.clearance
    assert messages.playing_on(newest.clearance) in played.stdout  # said as saved
    assert invoke("run", "hamstring-stretch").exit_code == 2  # the clearance covers the plan only


def test_1_the_advice_can_always_be_read_again(env, invoke, calendar):
    a_check_then_a_stop(env, invoke, "urgent")
    advice = invoke("advice")
    assert advice.exit_code == 0
    shown = " ".join(advice.stdout.split())
    given = "“See a clinician today” (after a routine stopped because it hurt, Tue 1 Dec 08:00)"
    assert messages.newest_advice(given) in shown
    assert "A pop or snap during the routine can mean a tear" in shown
    assert messages.way_back("hamstring-care") in shown


def test_1_a_newer_check_that_allows_self_care_opens_the_way_again(env, invoke, calendar):
    a_check_then_a_stop(env, invoke, "rice")
    calendar.days(3)
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    invoke()  # the re-check: self-care again
    played = invoke("run", "hamstring-stretch", "--count-in", "0")
    assert played.exit_code == 0, played.stderr


# --- 2. no program starts after a stop --------------------------------------------------


def test_2_program_start_is_refused_after_an_urgent_stop(env, invoke):
    a_check_then_a_stop(env, invoke, "urgent")
    for args in ([], ["--restart"]):
        refused = start_program(env, invoke, *args)
        assert refused.exit_code == 2
        assert "the program cannot start now: the newest advice is “See a clinician today”" in (
            " ".join(refused.stderr.split())
        )


def test_2_program_start_is_refused_after_the_programs_own_stop(env, invoke, calendar):
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    invoke()  # self-care
    assert start_program(env, invoke).exit_code == 0
    stopped, _ = day(env, invoke, {"warning": True})
    assert messages.program_stopped("Back to running", "hamstring-care") in " ".join(
        stopped.stdout.split()
    )
    for args in ([], ["--restart"]):
        refused = start_program(env, invoke, *args)
        assert refused.exit_code == 2
        assert "the newest advice is “See a clinician today” (after back to running's stop" in (
            " ".join(refused.stderr.split())
        )
    today, _ = day(env, invoke, {})
    assert today.exit_code == 2
    assert "it stopped on Tue 1 Dec: a warning sign; a new check first: hamstring-care" in (
        today.stderr
    )


# --- 3. "Start the check now?" after a program stop runs the check -----------------------


def test_3_the_check_after_a_program_stop_offers_no_routine(env, invoke):
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    invoke()
    start_program(env, invoke)
    calm = yaml_answers(SELF_MASSAGE)
    stopped, asker = day(
        env, invoke, {"pop": True, "check": True, "menu": "again", "check_answers": calm}
    )
    assert stopped.exit_code == 0, stopped.stderr
    assert "Start the check now?" in asker.asked
    assert not any("what now?" in a for a in asker.asked)
    assert "SELF-CARE: ROUTINE" in stopped.stdout  # the check ran to its result


# --- 4. a settled day above the limit is not a stop the next day --------------------------


def test_4_a_settled_day_above_the_limit_steps_back_and_goes_on(env, invoke, calendar):
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    invoke()
    start_program(env, invoke, "--stage", "lengthen")
    first, _ = day(env, invoke, {"pain": 6})
    assert "Today's pain was above your limit (6 out of 10; the limit is 4)" in (
        " ".join(first.stdout.split())
    )
    assert "Tonight:" in first.stdout
    calendar.days(1)
    second, _ = day(env, invoke, {"morning": True})
    assert second.exit_code == 0, second.stderr
    shown = " ".join(second.stdout.split())
    back = messages.next_stage(
        DecisionKind.STEP_BACK, messages.stage_heading(1, 7, "Protect and walk")
    )
    assert messages.decided(back, "pain 6 out of 10 during (above 4)") in shown
    assert messages.STOP_PROGRAM not in shown and "has stopped" not in shown
    status = invoke("program", "status")
    assert messages.program_day("Back to running", 2, Side.RIGHT.legs_words) in status.stdout


# --- 5. a skipped pain is not a good day; rest pain after the session counts ---------------


def test_5_skipped_pains_never_move_a_stage_on(env, invoke, calendar):
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    invoke()
    start_program(env, invoke)
    said = []
    for skipped in ({"pain": None}, {"rest": None}, {"pain": None, "rest": None}, {}):
        said.append(" ".join(day(env, invoke, skipped)[0].stdout.split()))
        calendar.days(1)
    today = messages.today(messages.stage_heading(1, 7, "Protect and walk"))
    assert all(today in out for out in said)
    stay = messages.next_stage(DecisionKind.STAY, messages.stage_heading(1, 7, "Protect and walk"))
    skipped = messages.decided(stay, "a pain answer was skipped: not counted as a good day")
    assert all(skipped in out for out in said[1:])


def test_5_rest_pain_6_after_the_session_steps_back(env, invoke, calendar):
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    invoke()
    start_program(env, invoke, "--stage", "lengthen")
    day(env, invoke, {"rest": 6})
    calendar.days(1)
    out = " ".join(day(env, invoke, {})[0].stdout.split())
    back = messages.next_stage(
        DecisionKind.STEP_BACK, messages.stage_heading(1, 7, "Protect and walk")
    )
    assert messages.decided(back, "pain at rest 6 out of 10 after the session (above 5)") in out


# --- 6. a demonstration's future date never outranks a real check ----------------------


def test_6_a_check_under_a_future_demo_date_does_not_outrank_a_newer_real_one(env, invoke):
    from hamstring_care.history.store import open_history

    real = T0
    with open_history(env.history_folder()) as history:
        history.add_triage(
            taken_at=dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc), recorded_at=real,
            triage_version="2.1.0", disposition="self_massage", rule="r", answers={},
            cautions=[],
        )  # fmt: skip
    env.now = lambda: real + dt.timedelta(minutes=5)
    env.prompter = ScriptedAsker({"red_flags": ["saddle_numbness"]})
    emergency = invoke()
    assert "Get emergency care now" in emergency.stdout
    refused = start_program(env, invoke)
    assert refused.exit_code == 2 and "“Get emergency care now”" in refused.stderr


# --- 7. status after a stop; the day pain goes over the limit -----------------------------


def test_7_status_after_a_stop_says_when_why_and_the_way_back(env, invoke, calendar):
    env.prompter = ScriptedAsker(dict(SELF_CARE))
    invoke()
    start_program(env, invoke)
    day(env, invoke, {"warning": "not_sure"})  # not sure counts as yes
    status = invoke("program", "status")
    assert status.exit_code == 0
    shown = " ".join(status.stdout.split())
    assert "No program under way: it stopped on Tue 1 Dec: a warning sign" in shown
    assert "a new check first: hamstring-care" in shown


# --- 8. the stop's own Why and sources ---------------------------------------------------


def test_8_the_stop_panel_after_a_pop_says_why_and_cites_no_clot_source(env, invoke):
    out = " ".join(a_check_then_a_stop(env, invoke, "urgent").split())
    stop = out[out.index(messages.STOPPED_HURT) :]
    assert "Why: - A pop or snap during the routine can mean a tear" in stop
    assert "Deep vein thrombosis" not in stop and "NG158" not in stop
    assert "Pollock N et al." in stop


# --- 9. no jump to a late stage alone; floors --------------------------------------------


def test_9_a_late_stage_alone_needs_a_clinicians_clearance(env, invoke):
    """Six days after a strain, alone: no jump to full speed."""
    env.prompter = ScriptedAsker({**STRAIN, "days_since_onset": 6})
    assert "SELF-CARE: ROUTINE" in invoke().stdout
    refused = start_program(env, invoke, "--stage", "sprint")
    assert refused.exit_code == 2
    assert "Stage 6 of 7: Full-speed running is for after a clinician has cleared you" in (
        " ".join(refused.stderr.split())
    )
    env.prompter = CheckInAsker({"cleared": True})
    floor = invoke("program", "start", "--stage", "sprint")
    assert floor.exit_code == 2  # cleared, but day 21 after the injury has not come
    assert "starts no earlier than day 21 after the injury" in floor.stderr


def test_9_stage_2_alone_needs_a_reason_stage_1_done_already(env, invoke):
    """Alone, stage 1 or, with a reason, stage 2: stage 1's own question, asked at the start."""
    env.prompter = ScriptedAsker({**STRAIN, "days_since_onset": 6})
    assert "SELF-CARE: ROUTINE" in invoke().stdout
    env.prompter = asker = CheckInAsker({"reason": False})
    refused = invoke("program", "start", "--stage", "lengthen")
    assert refused.exit_code == 2
    assert asker.keys == [Ask.STAGE_REASON]
    assert asker.asked == ["Walking for 20 minutes: pain at most 4/10 (pain-free or mild)?"]
    assert (
        "stage 2 (Lengthening exercises) starts alone only once stage 1 (Protect and walk) "
        "is done: start there: hamstring-care program start" in " ".join(refused.stderr.split())
    )
    env.prompter = CheckInAsker({"reason": True})
    started = invoke("program", "start", "--stage", "lengthen")
    assert started.exit_code == 0, started.stderr
    assert "To start at stage 2 (Lengthening exercises), stage 1 (Protect and walk)" in (
        started.stdout
    )


def test_9_perfect_answers_reach_full_speed_no_sooner_than_day_21(env, invoke, calendar):
    """Thirty days of perfect answers from a strain of the day before: stage 6 is reached on
    day 21 after the injury at the earliest, stage 7 on day 28."""
    env.prompter = ScriptedAsker({**STRAIN, "days_since_onset": 4})
    assert "SELF-CARE: ROUTINE" in invoke().stdout
    start_program(env, invoke)
    reached: dict[str, int] = {}
    for n in range(1, 31):
        out, _ = day(env, invoke, {})
        for title in ("Full-speed running", "Sprinting and sport"):
            heading = messages.stage_heading(6 if title.startswith("Full") else 7, 7, title)
            if messages.next_stage(DecisionKind.MOVE_ON, heading) in out.stdout:
                reached.setdefault(title, n)
        calendar.days(1)
    injury = 4  # the check said 4 days ago: program day n is day n + 4 after the injury
    assert reached["Full-speed running"] + injury >= 21
    assert reached["Sprinting and sport"] + injury >= 28


# --- 10. triage 2.1: the re-check ----------------------------------------------------------


RICE_WITH_A_PAST_CLOT = {**STRAIN, "days_since_onset": 1, "risk_factors": ["previous_clot"]}


@pytest.mark.parametrize("still_true", [True, False])
def test_10_a_recheck_keeps_what_cannot_change_and_asks_the_rest(env, invoke, calendar, still_true):
    from hamstring_care.history.store import open_history

    env.prompter = ScriptedAsker(dict(RICE_WITH_A_PAST_CLOT))
    assert "SELF-CARE: RICE" in invoke().stdout
    calendar.days(2)
    again = {**RICE_WITH_A_PAST_CLOT, "risk_factors": [], "still_true": still_true}
    env.prompter = asker = ScriptedAsker(again)
    invoke()
    assert "age" not in asker.asked  # kept: it cannot have changed
    assert "risk_factors" in asker.asked  # asked every time, last time's ticks shown ticked
    assert asker.shown_before["risk_factors"] == ["previous_clot"]
    assert ("onset" in asker.asked) is not still_true  # "still true?" first
    assert "pain_at_rest" in asker.asked  # what may have changed is asked again
    with open_history(env.history_folder()) as history:
        newest = history.last_triage()
    assert newest.answers["risk_factors"] == ["previous_clot"]  # a past clot stays
