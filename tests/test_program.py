"""The back-to-running program's decisions, replayed over whole programs on a fake calendar.

Each case is a runner's check-ins, day by day; the decisions must follow the program file's
rules, in order, and say which rule decided.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from hamstring_care.program import CheckIn, replay

DAY1 = dt.date(2026, 12, 1)
STAGES = ["walk", "lengthen", "jog_walk", "run", "faster", "sprint", "keep_going"]


@pytest.fixture(scope="module")
def program(library):
    return library.get("back-to-running")


def good_day(program, day: int, stage: str, pain: int = 2) -> CheckIn:
    """A session within the limit, yes to every question, settled by the next morning."""
    here = program.stages[program.stage_index(stage)]
    return CheckIn(
        day=DAY1 + dt.timedelta(days=day),
        stage=stage,
        pain_during=pain,
        answers={q.id: True for q in here.questions},
        settled=True,
    )


def run_through(program, plan: list[tuple[str, dict]]) -> list:
    """Check-ins for a list of (stage expected that day, changes to a good day)."""
    check_ins = []
    for day, (stage, changes) in enumerate(plan):
        state = replay(program, "walk", check_ins)
        assert state.stage == stage, f"day {day + 1}: at {state.stage}, expected {stage}"
        check = good_day(program, day, stage)
        check_ins.append(
            CheckIn(**{**check.__dict__, **changes})  # frozen: a changed copy
        )
    return check_ins


def test_a_smooth_recovery_moves_on_stage_by_stage(program):
    """Two good days in the walk stage, then three in each: every move by rules.move_on."""
    days = [("walk", {})] * 2
    for stage in STAGES[1:6]:
        days += [(stage, {})] * 3
    check_ins = run_through(program, days)
    state = replay(program, "walk", check_ins)
    assert state.stage == "keep_going" and not state.stopped
    moves = [d for d in state.decisions if d.kind == "move_on"]
    assert [(d.stage, d.next_stage) for d in moves] == list(itertools.pairwise(STAGES))
    assert {d.rule for d in moves} == {"rules.move_on"}
    assert moves[0].because == "2 of 2 good check-ins in a row"
    stays = [d for d in state.decisions if d.kind == "stay"]
    assert stays[0].because == "1 of 2 good check-ins in a row"


def test_a_bad_next_morning_holds_the_runner_back_a_stage(program):
    """Jogging went fine but the thigh was not back to usual the next morning: back to
    lengthening, where the count of good days starts again."""
    days = [("walk", {})] * 2 + [("lengthen", {})] * 3
    days += [("jog_walk", {}), ("jog_walk", {"settled": False})]
    days += [("lengthen", {})] * 3 + [("jog_walk", {})]
    check_ins = run_through(program, days)
    state = replay(program, "walk", check_ins)
    back = [d for d in state.decisions if d.kind == "step_back"]
    assert len(back) == 1
    assert (back[0].stage, back[0].next_stage, back[0].rule) == (
        "jog_walk", "lengthen", "rules.step_back",
    )  # fmt: skip
    assert back[0].because == "not back to usual by the next morning"
    assert state.stage == "jog_walk"


def test_pain_above_the_limit_steps_back_or_stops_by_the_next_morning(program):
    settled = run_through(program, [("walk", {}), ("walk", {"pain_during": 5})])
    state = replay(program, "walk", settled)
    assert state.decisions[-1].kind == "step_back"  # settled: back a stage (the first stays)
    assert state.decisions[-1].because == "pain 5 out of 10 during (above 4)"
    assert state.stage == "walk"
    unsettled = [*settled[:-1], CheckIn(**{**settled[-1].__dict__, "settled": False})]
    stopped = replay(program, "walk", unsettled)
    assert stopped.stopped and stopped.decisions[-1].rule == "rules.stop"
    assert "not settled by morning" in stopped.decisions[-1].because


@pytest.mark.parametrize(
    ("changes", "because"),
    [
        ({"warning_sign": True}, "a warning sign"),
        ({"new_pop": True}, "a new pop"),
        ({"rest_pain": 7}, "pain at rest 7 out of 10"),
    ],
)
def test_a_recurrence_stops_the_program_at_once(program, changes, because):
    """A warning sign, a new pop or pain at rest of 7: stopped that day, not the next."""
    days = [("walk", {})] * 2 + [("lengthen", {})] * 3 + [("jog_walk", {})]
    check_ins = run_through(program, days)
    last = CheckIn(**{**check_ins[-1].__dict__, **changes, "settled": None})
    state = replay(program, "walk", [*check_ins[:-1], last])
    assert state.stopped and state.decisions[-1].kind == "stop"
    assert state.decisions[-1].because == because
    assert state.decisions[-1].next_stage is None


def test_the_last_check_in_waits_for_its_morning(program):
    first = good_day(program, 0, "walk")
    waiting = replay(program, "walk", [CheckIn(**{**first.__dict__, "settled": None})])
    assert waiting.waiting is not None and waiting.decisions[-1].kind == "waiting"
    assert waiting.stage == "walk"


def test_a_morning_never_asked_counts_as_not_settled(program):
    """Days skipped: the morning after an earlier session was never asked, so it is not
    counted as good (the careful reading)."""
    first = CheckIn(**{**good_day(program, 0, "walk").__dict__, "settled": None})
    second = good_day(program, 3, "walk")
    state = replay(program, "walk", [first, second])
    assert state.decisions[0].kind == "step_back"


def test_a_question_answered_no_keeps_the_stage(program):
    check_ins = run_through(
        program, [("walk", {"answers": {"walk_pain_free": False}}), ("walk", {}), ("walk", {})]
    )
    state = replay(program, "walk", check_ins)
    assert state.decisions[0].kind == "stay"
    assert state.decisions[0].because.startswith("not yet: Could you walk")
    assert state.stage == "lengthen"  # two good days after it
