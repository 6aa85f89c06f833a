"""A back-to-running program's day-by-day decisions: a pure function of its check-ins.

The program file gives the stages, the pain limit, each stage's questions and how many
good check-ins in a row move it on, and the words (with sources) of each rule. This module
applies them, in the same order every time, to the check-ins a runner has given: nothing
here reads a clock, a file or a terminal, so a whole program can be replayed on a fake
calendar and every decision traced to its rule.

A check-in is given after the day's session: pain during, the stage's yes/no questions,
warning signs, a new pop, pain at rest. Whether the pain was back to usual by the next
morning is asked at the next check-in, so most decisions are taken then.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from hamstring_care.models import ProgramProtocol

Kind = Literal["stop", "step_back", "move_on", "stay", "waiting"]


@dataclass(frozen=True)
class CheckIn:
    """What the runner said after one day's session."""

    day: dt.date
    stage: str
    """The stage the session was at (as shown that day)."""
    pain_during: int
    answers: dict[str, bool] = field(default_factory=dict)
    """The stage's yes/no questions, by id."""
    warning_sign: bool = False
    new_pop: bool = False
    rest_pain: int = 0
    settled: bool | None = None
    """Back to usual by the next morning; None until asked, at the next check-in."""


@dataclass(frozen=True)
class Decision:
    """What a check-in decided, with the rule from the program file and why."""

    day: dt.date
    kind: Kind
    stage: str
    """The stage the check-in was at."""
    next_stage: str | None
    """The stage of the next session (None once stopped)."""
    rule: str
    """The program file's rule: ``rules.stop``, ``rules.move_on``, ..."""
    because: str
    """This check-in's answers that made it so."""
    good_in_a_row: int = 0


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

    @property
    def last(self) -> Decision | None:
        """The newest decision, if any."""
        return self.decisions[-1] if self.decisions else None


def replay(program: ProgramProtocol, start: str, check_ins: list[CheckIn]) -> State:
    """Every decision the check-ins lead to, in order, and where that leaves the program.

    Rules, the first that holds deciding: stop (a warning sign, a new pop, pain at rest at
    the program's ``stop_rest_pain`` or more, or pain above the limit that did not settle
    by the next morning); waiting (the next morning not asked yet); step back (pain above
    the limit, or not settled by the next morning); move on (the stage's ``move_on_after``
    good check-ins in a row: within the limit, settled, yes to its questions); stay.
    """
    stage = start
    good = 0
    decisions: list[Decision] = []
    for index, check in enumerate(check_ins):
        last = index == len(check_ins) - 1
        decision = _decide(program, stage, good, check)
        if decision.kind == "waiting" and not last:
            # A morning never asked (days skipped): counted as not known to have settled.
            decision = _decide(program, stage, good, replace(check, settled=False))
        decisions.append(decision)
        if decision.kind == "stop":
            return State(stage, decisions, stopped=True)
        if decision.kind == "waiting":
            return State(stage, decisions, waiting=check, good_in_a_row=good)
        good = decision.good_in_a_row
        stage = decision.next_stage or stage
    return State(stage, decisions, good_in_a_row=good)


def _decide(program: ProgramProtocol, stage: str, good: int, check: CheckIn) -> Decision:
    limit = program.pain_limit
    position, here = program.stage_at(stage)

    def decision(kind: Kind, to: str | None, because: str, in_a_row: int = 0) -> Decision:
        return Decision(check.day, kind, stage, to, f"rules.{kind}", because, in_a_row)

    alarms = []
    if check.warning_sign:
        alarms.append("a warning sign")
    if check.new_pop:
        alarms.append("a new pop")
    if check.rest_pain >= program.stop_rest_pain:
        alarms.append(f"pain at rest {check.rest_pain} out of 10")
    if alarms:
        return decision("stop", None, " and ".join(alarms))
    above = check.pain_during > limit
    if check.settled is None:
        return decision("waiting", stage, "the next morning is still to come", good)
    if above and not check.settled:
        pain = f"pain {check.pain_during} out of 10 during (above {limit})"
        return decision("stop", None, f"{pain}, not settled by morning")
    if above or not check.settled:
        back = program.stages[max(0, position - 1)].id
        because = (
            f"pain {check.pain_during} out of 10 during (above {limit})"
            if above
            else "not back to usual by the next morning"
        )
        return decision("step_back", back, because)
    missing = [q.text for q in here.questions if not check.answers.get(q.id, False)]
    if missing:
        return decision("stay", stage, "not yet: " + " ".join(missing))
    good += 1
    last_stage = here is program.stages[-1]
    if good >= here.move_on_after and not last_stage:
        ahead = program.stages[position + 1].id
        return decision("move_on", ahead, _good(good, here.move_on_after))
    return decision("stay", stage, _good(good, here.move_on_after), good)


def _good(good: int, needed: int) -> str:
    return f"{good} of {needed} good check-ins in a row"
