"""A back-to-running program's day-by-day decisions: a pure function of its check-ins.

The program file gives the stages, the pain limits, each stage's questions, floors and how
many good check-ins in a row move it on, and the words (with sources) of each rule. This
module applies them, in the same order every time, to the check-ins a runner has saved:
nothing here reads a clock, a file or a terminal, so a whole program can be replayed on a
fake calendar and every decision traced to its rule.

A check-in is given after the day's session: pain during, the stage's yes/no questions,
warning signs, a new pop, pain at rest. Whether the pain was back to usual by the next
morning is asked on the morning after only; a later answer counts as not asked. A pain
answer skipped never makes a good day: progression needs the answers its rule reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from hamstring_care.vocab import DecisionKind, Disposition

if TYPE_CHECKING:
    from hamstring_care.models import ProgramProtocol


@dataclass(frozen=True)
class CheckIn:
    """What the runner said after one day's session."""

    day: dt.date
    stage: str
    """The stage the session was at (as shown that day)."""
    pain_during: int | None
    """The worst pain during the session, 0-10; None when the answer was skipped."""
    answers: dict[str, bool] = field(default_factory=dict)
    """The stage's yes/no questions, by id."""
    warning_sign: bool = False
    """Yes, or not sure, to the warning-sign list."""
    new_pop: bool = False
    rest_pain: int | None = None
    """Pain at rest after the session, 0-10; None when the answer was skipped."""
    settled: bool | None = None
    """Back to usual by the next morning; None until asked, on the morning after only."""

    @property
    def answered(self) -> bool:
        """Both pain answers given: a day can count as good only then."""
        return self.pain_during is not None and self.rest_pain is not None


@dataclass(frozen=True)
class Decision:
    """What a check-in decided, with the rule from the program file and why."""

    day: dt.date
    kind: DecisionKind
    stage: str
    """The stage the check-in was at."""
    next_stage: str | None
    """The stage of the next session (None once stopped)."""
    rule: str
    """The program file's rule: ``rules.stop``, ``rules.move_on``, ..."""
    because: str
    """This check-in's answers that made it so."""
    good_in_a_row: int = 0
    level: Disposition | None = None
    """For a stop: how urgent the advice is (self-care stops until a newer check)."""


@dataclass(frozen=True)
class State:
    """Where a program stands after its check-ins."""

    stage: str
    """The stage of the next session."""
    decisions: list[Decision]
    stopped: bool = False
    waiting: CheckIn | None = None
    """The last check-in, whose next morning is still to be asked."""
    good_in_a_row: int = 0
    long_break: int | None = None
    """Days since the last check-in when that break put the next session one stage lower."""

    @property
    def last(self) -> Decision | None:
        """The newest decision, if any."""
        return self.decisions[-1] if self.decisions else None


def replay(
    program: ProgramProtocol,
    start: str,
    check_ins: list[CheckIn],
    today: dt.date | None = None,
    injury_day: dt.date | None = None,
) -> State:
    """Every decision the check-ins lead to, in date order, once each; where that leaves it.

    Rules, the first that holds deciding: stop (a warning sign, a new pop, pain at rest at
    ``stop_rest_pain`` or more, or pain above the limit not settled by the next morning);
    waiting (the next morning still to be asked); step back (pain above the limit, not
    settled by the next morning, or pain at rest above ``rest_pain_limit``); stay (a pain
    answer skipped, or not yes to the stage's questions); move on (the stage's
    ``move_on_after`` good check-ins in a row, and the next stage's ``earliest_day`` after
    the injury reached); stay. A morning not asked on the morning after counts as not
    settled; a break of more than ``long_break_days`` at a running stage starts again one
    stage lower. ``today`` (default: the last check-in's day) is when the state is read.
    """
    ordered = sorted(check_ins, key=lambda c: c.day)
    once = [c for i, c in enumerate(ordered) if i == 0 or c.day != ordered[i - 1].day]
    today = today or (once[-1].day if once else None)
    stage = start
    good = 0
    decisions: list[Decision] = []
    for index, check in enumerate(once):
        if index and _long_break(program, stage, once[index - 1].day, check.day):
            stage, good = _lower(program, stage), 0
        last = index == len(once) - 1
        asked = check
        if check.settled is None and not (last and today is not None and _waits(check, today)):
            asked = replace(check, settled=False)  # a morning not asked in time: not settled
        decision = _decide(program, stage, good, asked, injury_day)
        decisions.append(decision)
        if decision.kind is DecisionKind.STOP:
            return State(stage, decisions, stopped=True)
        if decision.kind is DecisionKind.WAITING:
            return State(stage, decisions, waiting=check, good_in_a_row=good)
        good = decision.good_in_a_row
        stage = decision.next_stage or stage
    if once and today is not None and _long_break(program, stage, once[-1].day, today):
        return State(_lower(program, stage), decisions, long_break=(today - once[-1].day).days)
    return State(stage, decisions, good_in_a_row=good)


def _waits(check: CheckIn, today: dt.date) -> bool:
    return today <= check.day + dt.timedelta(days=1)


def _long_break(program: ProgramProtocol, stage: str, last: dt.date, day: dt.date) -> bool:
    limit = program.long_break_days
    return limit is not None and program.stage_at(stage)[1].running and (day - last).days > limit


def _lower(program: ProgramProtocol, stage: str) -> str:
    position = program.stage_at(stage)[0]
    return program.stages[max(0, position - 1)].id


def _decide(
    program: ProgramProtocol, stage: str, good: int, check: CheckIn, injury: dt.date | None
) -> Decision:
    limit = program.pain_limit
    position, here = program.stage_at(stage)

    def decision(
        kind: DecisionKind,
        to: str | None,
        because: str,
        in_a_row: int = 0,
        level: Disposition | None = None,
    ) -> Decision:
        return Decision(check.day, kind, stage, to, f"rules.{kind}", because, in_a_row, level)

    alarms = []
    if check.warning_sign:
        alarms.append("a warning sign")
    if check.new_pop:
        alarms.append("a new pop")
    if check.rest_pain is not None and check.rest_pain >= program.stop_rest_pain:
        alarms.append(f"pain at rest {check.rest_pain} out of 10")
    if alarms:
        # Each alarm is a level the check itself gives today: a sign (when in doubt), a pop
        # (the stop check's), pain at rest of 7 or more (the check's severe-pain rule).
        return decision(DecisionKind.STOP, None, " and ".join(alarms), level=Disposition.URGENT)
    above = check.pain_during is not None and check.pain_during > limit
    if check.settled is None:
        return decision(DecisionKind.WAITING, stage, "the next morning is still to come", good)
    pain = f"pain {check.pain_during} out of 10 during (above {limit})"
    if above and not check.settled:
        return decision(
            DecisionKind.STOP,
            None,
            f"{pain}, not settled by the next morning",
            level=Disposition.RICE,
        )
    back = program.stages[max(0, position - 1)].id
    if above:
        return decision(DecisionKind.STEP_BACK, back, pain)
    if not check.settled:
        return decision(DecisionKind.STEP_BACK, back, "not back to usual by the next morning")
    if check.rest_pain is not None and check.rest_pain > program.rest_pain_limit:
        rest = f"pain at rest {check.rest_pain} out of 10 after the session"
        return decision(DecisionKind.STEP_BACK, back, f"{rest} (above {program.rest_pain_limit})")
    if not check.answered:
        return decision(
            DecisionKind.STAY, stage, "a pain answer was skipped: not counted as a good day"
        )
    missing = [q.worded(limit) for q in here.questions if not check.answers.get(q.id, False)]
    if missing:
        return decision(DecisionKind.STAY, stage, "not yet: " + " ".join(missing))
    good += 1
    counted = _good(good, here.move_on_after)
    if good < here.move_on_after or here is program.stages[-1]:
        return decision(DecisionKind.STAY, stage, counted, good)
    ahead = program.stages[position + 1]
    floor = earliest(ahead.earliest_day, injury)
    if floor is not None and check.day < floor:
        wait = f"{counted}; {ahead.title} starts no earlier than day {ahead.earliest_day} after "
        return decision(
            DecisionKind.STAY, stage, wait + f"the injury ({floor:%a} {floor.day} {floor:%b})", good
        )
    return decision(DecisionKind.MOVE_ON, ahead.id, counted)


def earliest(day: int | None, injury: dt.date | None) -> dt.date | None:
    """The date of day ``day`` after the injury (day 1 is the day after it), if both known."""
    return None if day is None or injury is None else injury + dt.timedelta(days=day)


def _good(good: int, needed: int) -> str:
    return f"{good} of {needed} good check-ins in a row"
