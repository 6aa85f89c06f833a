"""A program's decisions, replayed over whole programs on a fake calendar (Program 2.1).

The engine is tested on a small program of its own (four stages), so that a clinical edit of
the bundled back-to-running program changes no test here; the bundled program has its own
test at the end. Each case is a runner's check-ins, day by day; the decisions must follow
the rules in order, and say which rule decided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from hamstring_care.models import ProgramProtocol
from hamstring_care.progression import CheckIn, replay
from hamstring_care.vocab import DecisionKind, Disposition

INJURY = dt.date(2026, 11, 30)
DAY1 = dt.date(2026, 12, 1)  # day 1 after the injury
RULE = {"text": "A rule.", "sources": ["s"]}
PROGRAM = ProgramProtocol.model_validate(
    {
        "id": "mini",
        "version": "1.0.0",
        "title": "Mini",
        "kind": "program",
        "summary": "Four stages.",
        "sources": {"s": "A source."},
        "pain_limit": 4,
        "stop_rest_pain": 7,
        "rest_pain_limit": 5,
        "long_break_days": 7,
        "rules": {"stop": RULE, "step_back": RULE, "move_on": RULE, "stay": RULE},
        "stages": [
            {"id": "walk", "title": "Walk", "summary": ".", "activity": "Walk.",
             "questions": [{"id": "ok", "text": "Walked at {limit}/10 or less?"}],
             "move_on_after": 2},
            {"id": "jog", "title": "Jog", "summary": ".", "activity": "Jog.", "running": True,
             "move_on_after": 2},
            {"id": "sprint", "title": "Sprint", "summary": ".", "activity": "Sprint.",
             "running": True, "earliest_day": 21, "move_on_after": 1},
            {"id": "sport", "title": "Sport", "summary": ".", "activity": "Play.",
             "running": True, "earliest_day": 28},
        ],
    }
)  # fmt: skip


def good(day: int, stage: str, **changes) -> CheckIn:
    """Day ``day``'s session: within the limit, answers given, settled by the next morning."""
    said = CheckIn(DAY1 + dt.timedelta(days=day - 1), stage, 2, {"ok": True}, rest_pain=1)
    return replace(said, **{"settled": True, **changes})


def play(*days: CheckIn, today: dt.date | None = None):
    return replay(PROGRAM, "walk", list(days), today, INJURY)


def kinds(state) -> list[tuple[str, DecisionKind]]:
    return [(d.stage, d.kind) for d in state.decisions]


def test_good_days_move_on_stage_by_stage_by_the_move_on_rule():
    """Started late (day 21): every move by its criteria, the last floor (day 28) held."""
    days = [good(21, "walk"), good(22, "walk"), good(23, "jog"), good(24, "jog")]
    days += [good(25, "sprint"), good(28, "sprint")]
    state = play(*days)
    assert state.stage == "sport" and not state.stopped
    moves = [d for d in state.decisions if d.kind is DecisionKind.MOVE_ON]
    assert [(d.stage, d.next_stage, d.rule) for d in moves] == [
        ("walk", "jog", "rules.move_on"), ("jog", "sprint", "rules.move_on"),
        ("sprint", "sport", "rules.move_on"),
    ]  # fmt: skip
    assert moves[0].because == "2 of 2 good check-ins in a row"
    assert "Sport starts no earlier than day 28" in state.decisions[4].because


def test_a_floor_holds_a_stage_until_its_day_after_the_injury():
    """Sprint is not before day 21, however well it goes: the good days are kept meanwhile."""
    days = [good(1, "walk"), good(2, "walk"), good(3, "jog")]
    days += [good(day, "jog") for day in range(4, 21)]
    state = play(*days)
    assert state.stage == "jog"
    held = state.decisions[-1]
    assert held.kind is DecisionKind.STAY
    assert "Sprint starts no earlier than day 21 after the injury (Mon 21 Dec)" in held.because
    state = play(*days, good(21, "jog"))
    assert state.stage == "sprint" and state.decisions[-1].kind is DecisionKind.MOVE_ON


def test_a_skipped_pain_answer_is_never_a_good_day():
    for skipped in ({"pain_during": None}, {"rest_pain": None}):
        state = play(good(1, "walk"), good(2, "walk", **skipped), good(3, "walk"))
        assert kinds(state) == [
            ("walk", DecisionKind.STAY), ("walk", DecisionKind.STAY), ("walk", DecisionKind.STAY)
        ]  # fmt: skip
        assert "a pain answer was skipped" in state.decisions[1].because
        assert state.good_in_a_row == 1  # counted again from the next answered day


def test_pain_above_the_limit_steps_back_when_settled_and_stops_when_not():
    base = [good(1, "walk"), good(2, "walk")]
    settled = play(*base, good(3, "jog", pain_during=6), good(4, "walk"))
    assert kinds(settled)[2] == ("jog", DecisionKind.STEP_BACK)
    assert settled.decisions[2].because == "pain 6 out of 10 during (above 4)"
    not_settled = play(*base, good(3, "jog", pain_during=6, settled=False), good(4, "walk"))
    stop = not_settled.decisions[-1]
    assert not_settled.stopped and stop.kind is DecisionKind.STOP and stop.day == good(3, "").day
    assert stop.because == "pain 6 out of 10 during (above 4), not settled by the next morning"
    assert stop.level is Disposition.RICE


def test_a_settled_day_above_the_limit_then_a_good_day_goes_on():
    """The false stop of the audit: the morning answer saved, the next good day must not
    read the day before as not settled."""
    state = play(good(1, "walk", pain_during=6), good(2, "walk"))
    assert kinds(state) == [("walk", DecisionKind.STEP_BACK), ("walk", DecisionKind.STAY)]
    assert not state.stopped


def test_rest_pain_after_the_session_above_5_steps_back_and_7_stops():
    base = [good(1, "walk"), good(2, "walk")]
    back = play(*base, good(3, "jog", rest_pain=6))
    assert kinds(back)[-1] == ("jog", DecisionKind.STEP_BACK)
    assert "pain at rest 6 out of 10 after the session (above 5)" in back.decisions[-1].because
    stopped = play(*base, good(3, "jog", rest_pain=7, settled=None))
    assert stopped.stopped and stopped.decisions[-1].level is Disposition.URGENT


@pytest.mark.parametrize(
    ("changes", "because"),
    [
        ({"warning_sign": True}, "a warning sign"),
        ({"new_pop": True}, "a new pop"),
        ({"rest_pain": 8}, "pain at rest 8 out of 10"),
    ],
)
def test_a_recurrence_stops_at_once_even_before_the_morning(changes, because):
    state = play(good(1, "walk"), good(2, "walk", settled=None, **changes))
    assert state.stopped and state.decisions[-1].because == because
    assert state.decisions[-1].level is Disposition.URGENT


def test_the_next_morning_is_asked_on_the_morning_after_and_then_only():
    last = good(1, "walk", settled=None)
    assert play(last, today=last.day).waiting == last
    assert play(last, today=last.day + dt.timedelta(days=1)).waiting == last
    late = play(last, today=last.day + dt.timedelta(days=2))
    assert late.waiting is None and late.decisions[-1].kind is DecisionKind.STEP_BACK
    assert late.decisions[-1].because == "not back to usual by the next morning"


def test_a_long_break_at_a_running_stage_starts_one_stage_lower():
    days = [good(1, "walk"), good(2, "walk"), good(3, "jog")]
    later = DAY1 + dt.timedelta(days=2 + 8)  # 8 days after the last check-in
    state = play(*days, today=later)
    assert state.stage == "walk" and state.long_break == 8
    assert play(*days, today=DAY1 + dt.timedelta(days=2 + 7)).long_break is None
    # At the walking stage (not running) a break changes nothing.
    assert play(good(1, "walk"), today=DAY1 + dt.timedelta(days=20)).long_break is None


def test_check_ins_are_replayed_in_date_order_once_each():
    a, b = good(1, "walk"), good(2, "walk")
    assert kinds(play(b, a)) == kinds(play(a, b))
    assert kinds(play(a, a, b)) == kinds(play(a, b))


def test_a_step_back_at_the_first_stage_stays_there():
    state = play(good(1, "walk", pain_during=5))
    assert state.decisions[-1].kind is DecisionKind.STEP_BACK and state.stage == "walk"


def test_a_question_answered_no_keeps_the_stage_and_names_the_question():
    state = play(good(1, "walk", answers={"ok": False}))
    assert state.decisions[-1].because == "not yet: Walked at 4/10 or less?"


def test_the_bundled_program_keeps_its_floors_and_strength_check(library):
    program = library.get("back-to-running")
    floors = {s.id: s.earliest_day for s in program.stages if s.earliest_day}
    assert floors == {"sprint": 21, "keep_going": 28}
    before_sprint = program.stages[program.stage_index("sprint") - 1]
    assert "bridge_even" in [q.id for q in before_sprint.questions]
    assert program.rest_pain_limit == 5 and program.unassisted_stages == 2
    assert program.stages[-1].clearance  # a clinician's clearance before matches
