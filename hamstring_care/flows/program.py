"""A back-to-running program, day by day: start it, do today's step, see where it stands.

The decisions are ``program.replay``'s (pure), always from the check-ins as saved: each
answer is saved before the next decision is read. The safety state comes first in every
entry point: after advice of RICE or more urgent, from anything, no step is offered and no
program starts until a newer check allows self-care. A check-in that stops the program is
saved with the stop in one transaction. A failure to save is an error here, not a warning: a
check-in that is not kept would change every later decision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hamstring_care import messages
from hamstring_care.dates import day_label
from hamstring_care.errors import (
    HamstringCareError,
    HistoryConflictError,
    UnknownProtocolError,
    UsageError,
)
from hamstring_care.flows import safety, screen
from hamstring_care.flows.session import RunOptions, session_with_log
from hamstring_care.history.store import open_history
from hamstring_care.models import Item, ProgramProtocol, RoutineProtocol
from hamstring_care.progression import CheckIn, Decision, State, earliest, replay
from hamstring_care.records import ProgramCheckIn, ProgramRun, ProgramStop
from hamstring_care.render import ics
from hamstring_care.render.content import disposition_content, stage_criteria
from hamstring_care.safety import Offer, SafetyState, safety_state
from hamstring_care.sanitize import visible
from hamstring_care.source.library import load_plan
from hamstring_care.vocab import Ask, DecisionKind, Disposition, Side

if TYPE_CHECKING:
    from pathlib import Path

    from hamstring_care.context import Environment
    from hamstring_care.history.log import ProgressLog
    from hamstring_care.history.store import History
    from hamstring_care.models import (
        PlanProtocol,
        ProgramProtocol,
        RoutineProtocol,
        Stage,
        TriageProtocol,
    )
    from hamstring_care.records import ProgramRun, ProgramStop, TriageRecord
    from hamstring_care.source.library import Library

DEFAULT_PROGRAM = "back-to-running"
REMINDER_DAYS = 14


class ProgramRefused(UsageError):
    """A program cannot start, or is not under way: said in one line (exit code 2)."""


@dataclass(frozen=True)
class DayOutcome:
    """How today's step ended: ``check_now`` when a stop asked for the check at once."""

    state: State | None
    check_now: bool = False


@contextlib.contextmanager
def _history(env: Environment, reading: bool = False) -> Iterator[History]:

    # A row that cannot be read is said, once, never dropped silently.
    history = open_history(env.history_folder(), on_skip=env.warn, reading=reading)
    try:
        yield history
    finally:
        history.close()


def _program(library: Library, pid: str) -> ProgramProtocol:

    protocol = library.get(pid, ProgramProtocol)
    for i, stage in enumerate(protocol.stages):
        for routine in stage.routines:
            try:
                library.get(routine, RoutineProtocol)
            except HamstringCareError:
                raise UnknownProtocolError(
                    f'{pid}: stages[{i}] ({stage.id}) plays "{routine}", which is not a routine'
                ) from None
    return protocol


def _state_of(history: History) -> SafetyState:
    return safety_state(history.advice())


# --- start -------------------------------------------------------------------------------


def start(
    env: Environment,
    library: Library,
    pid: str | None = None,
    side: Side | None = None,
    stage: str | None = None,
    restart: bool = False,
    plan: Path | None = None,
    cleared: bool = False,
    *,
    pain_limit: int | None = None,
) -> ProgramRun:
    """Start a program after a check that allows it; returns the run saved.

    A plan file (a clinician's) may give the program with its leg, the stage to start at
    and a stricter pain limit; the options given win over it. Alone, a person starts at the
    first stages only (``unassisted_stages``); a later one asks them to confirm a clinician
    cleared them, and its floor (``earliest_day`` after the injury) holds. ``cleared`` (with
    a plan only) starts despite the newest advice, said and saved. ``pain_limit`` (a sheet's
    command carries it) is a stricter limit than the program's, never a looser one.
    """
    if cleared and plan is None:
        raise ProgramRefused("--clinician-cleared goes with a clinician's plan: --plan FILE")
    if plan is not None:
        item = _plan_program(library, plan, pid)
        pid, side = item.id, side or item.side
        stage = stage or item.stage
        pain_limit = pain_limit if pain_limit is not None else item.pain_limit
    program = _program(library, pid or DEFAULT_PROGRAM)
    if pain_limit is not None and pain_limit > program.pain_limit:
        raise ProgramRefused(
            f"--pain-limit must be at most {program.pain_limit}, the limit {program.id} gives "
            "from its sources (a clinician may set a stricter one, never a looser one)"
        )
    index = 0 if stage is None else program.stage_index(stage)
    if index is None:
        ids = ", ".join(s.id for s in program.stages)
        raise ProgramRefused(f"--stage must be one of {ids}, not {stage!r}")
    first = program.stages[index]
    triage = library.triage()
    with _history(env) as history:
        state = _state_of(history)
        safety.check_clock(state, env.recorded(), triage)
        clearance = None
        refused = safety.refusal(state, Offer.PROGRAM_START, triage, env.program)
        if refused is not None:
            if not cleared:
                raise ProgramRefused(refused)
            assert plan is not None and state.newest is not None
            clearance = (
                f"a clinician's plan ({visible(str(plan))}), over the advice "
                f"{safety.advice_line(state.newest, triage)}"
            )
        last = history.last_triage()
        # The injury's day from the check; not known, the start day (its floors come later).
        onset = _onset_day(last, triage) or env.today()
        if index >= program.unassisted_stages and plan is None:
            clearance = _confirm_cleared(env, program, first)
        elif index > 0 and plan is None:
            _confirm_reason(env, program, index)
        floor = earliest(first.earliest_day, onset)
        if plan is None and floor is not None and env.today() < floor:
            raise ProgramRefused(
                f"{_stage_heading(program, first)} starts no earlier than day "
                f"{first.earliest_day} after the injury ({day_label(floor)}); start at an "
                f"earlier stage: {env.program} program start"
            )
        under_way = history.under_way_ids()
        if under_way and not restart:
            running = history.active_program()
            since = f" (since {running.started_at.astimezone():%d %b})" if running else ""
            raise ProgramRefused(
                f"a program is under way{since}; see {env.program} program status, "
                "or start again with --restart"
            )
        leg = side or (last.side if last else None) or Side.BOTH
        run = ProgramRun(
            program_id=program.id,
            program_version=program.version,
            side=leg,
            start_stage=first.id,
            pain_limit=pain_limit,
            started_at=env.now(),
            triage_id=last.id if last else None,
            recorded_at=env.recorded(),
            onset_day=onset,
            clearance=clearance,
        )
        run_id = history.start_program(run, replacing=under_way[0] if under_way else None)
        saved = replace(run, id=run_id)
    _say_started(env, library, for_run(program, saved), saved, first)
    return saved


def _onset_day(check: TriageRecord | None, triage: TriageProtocol) -> dt.date | None:
    """The injury's day, from a check's days since onset (None when it has none)."""
    question = triage.onset_question
    days = check.answers.get(question.id) if check and question else None
    if check is None or not isinstance(days, int) or isinstance(days, bool):
        return None
    return check.taken_at.astimezone().date() - dt.timedelta(days=days)


def _confirm_reason(env: Environment, program: ProgramProtocol, index: int) -> None:
    """Alone, a stage after the first needs a reason: the stage before it is done already.

    Its questions are asked now (no by default); any answer but yes starts earlier.
    """
    stage, before = program.stages[index], program.stages[index - 1]
    refused = ProgramRefused(
        f"stage {index + 1} ({stage.title}) starts alone only once stage {index} "
        f"({before.title}) is done: start there: {env.program} program start"
        + ("" if index == 1 else f" --stage {before.id}")
    )
    if not env.can_ask:
        raise refused
    asked = [q.worded(program.pain_limit) for q in before.questions] or [
        f"Is stage {index} ({before.title}) done already?"
    ]
    env.out().print(
        messages.earlier_stage_first(index + 1, stage.title, before.title), markup=False
    )
    for question in asked:
        if not env.asker().confirm(question, default=False, key=Ask.STAGE_REASON):
            raise refused


def _confirm_cleared(env: Environment, program: ProgramProtocol, stage: Stage) -> str:
    heading = _stage_heading(program, stage)
    needed = (
        f"{heading} is for after a clinician has cleared you: start at an earlier stage, "
        f"or with your clinician's plan: {env.program} program start --plan FILE"
    )
    if not env.can_ask:
        raise ProgramRefused(needed)
    if not env.asker().confirm(
        f"{heading}: has a clinician seen you and cleared you to start there?",
        default=False,
        key=Ask.CLEARED,
    ):
        raise ProgramRefused(needed)
    return f"you said a clinician cleared you to start at {heading}"


def _say_started(
    env: Environment, library: Library, program: ProgramProtocol, run: ProgramRun, first: Stage
) -> None:
    out = env.out()
    out.print(messages.started(program.title, run.side.legs_words), style="bold", markup=False)
    if run.clearance:
        out.print(messages.started_on(run.clearance), markup=False)
    out.print(messages.program_stages([s.title for s in program.stages]), markup=False)
    out.print(messages.moves_by_answers(program.pain_limit), markup=False)
    start = next(i for i, s in enumerate(program.stages) if s.id == first.id)
    quickest = sum(stage.move_on_after for stage in program.stages[start:-1])
    if quickest:
        # No typical time is known for a person: the least the stages' own rules allow.
        out.print(messages.at_the_quickest(quickest), markup=False)
    for stage in program.stages:
        floor = earliest(stage.earliest_day, run.onset_day)
        if floor is not None and floor > env.today():
            assert stage.earliest_day is not None  # a floor comes from one
            said = messages.not_before(stage.title, stage.earliest_day, day_label(floor))
            out.print(said, markup=False)
    out.print(_stage_heading(program, first), markup=False)
    out.print(messages.each_day(env.program), markup=False)


def _plan_program(library: Library, plan: Path, pid: str | None) -> PlanProtocol:
    items = [
        p for p in load_plan(plan, library).protocols
        if isinstance(library.get(p.id), ProgramProtocol) and pid in (None, p.id)
    ]  # fmt: skip
    if not items:
        which = f"the program {pid}" if pid else "a program"
        raise ProgramRefused(f"{plan}: the plan holds no {which} to start")
    return items[0]


# --- the state of a run ----------------------------------------------------------------


def for_run(program: ProgramProtocol, run: ProgramRun) -> ProgramProtocol:
    """The program as this run follows it: with the plan's stricter pain limit, if any."""
    if run.pain_limit is None or run.pain_limit >= program.pain_limit:
        return program
    return program.model_copy(update={"pain_limit": run.pain_limit})


def saved_check_ins(history: History, run: ProgramRun) -> list[CheckIn]:
    """The run's check-ins as saved; a day whose check-in cannot be read is not a good day."""
    assert run.id is not None
    said = [c.check for c in history.check_ins(run.id)]
    unread = [CheckIn(day, "", None, settled=True) for day in history.unread_check_in_days(run.id)]
    return sorted([*said, *unread], key=lambda c: c.day)


def replayed(
    program: ProgramProtocol, run: ProgramRun, checks: list[CheckIn], on: dt.date
) -> State:
    """Where the run stands on a day, from its check-ins."""
    return replay(program, run.start_stage, checks, on, run.onset_day)


def _stage_heading(program: ProgramProtocol, stage: Stage) -> str:
    number = (program.stage_index(stage.id) or 0) + 1
    return messages.stage_heading(number, len(program.stages), stage.title)


def explain(program: ProgramProtocol, decision: Decision) -> list[str]:
    """A decision in words: what happens next, why, and the rule with its sources."""
    rules = program.rules
    rule = {
        DecisionKind.STOP: rules.stop,
        DecisionKind.STEP_BACK: rules.step_back,
        DecisionKind.MOVE_ON: rules.move_on,
    }.get(decision.kind, rules.stay)
    if decision.kind is DecisionKind.STOP:
        head = messages.STOP_PROGRAM
    elif decision.kind is DecisionKind.WAITING:
        return [messages.MORNING_DECIDES]
    else:
        to = program.stage_at(decision.next_stage or "")[1]
        first = decision.kind is DecisionKind.STEP_BACK and to.id == decision.stage
        head = messages.next_stage(decision.kind, _stage_heading(program, to), first=first)
    keys = [program.sources[k] for k in rule.sources if k in program.sources]
    lines = [messages.decided(head, decision.because), messages.rule(decision.rule, rule.text)]
    lines += [messages.source(source) for source in keys]
    return lines


def _above_limit(program: ProgramProtocol, check: CheckIn) -> list[str]:
    """Said at once when today's pain went above the limit: what tomorrow decides, tonight."""
    if check.pain_during is None or check.pain_during <= program.pain_limit:
        return []
    lines = [
        f"Today's pain was above your limit ({check.pain_during} out of 10; the limit is "
        f"{program.pain_limit}). Tomorrow morning you will be asked whether it settled: if it "
        "did, you go back one stage; if not, the program stops and you check again."
    ]
    said = program.rules.above_limit
    if said is not None:
        keys = [program.sources[k] for k in said.sources if k in program.sources]
        lines += [f"Tonight: {said.text}", *(f"  Source: {source}" for source in keys)]
    return lines


# --- today ---------------------------------------------------------------------------------


def day(env: Environment, library: Library) -> DayOutcome:
    """Today's step: the morning question about the last session, the step, the check-in."""
    out = env.out()
    with _history(env) as history:
        state = _state_of(history)
        safety.check_clock(state, env.recorded(), library.triage())
        run = history.active_program()
        if run is None:
            raise ProgramRefused(_not_under_way(env, library, history, state))
        assert run.id is not None
        program = for_run(_program(library, run.program_id), run)
        blocked = _blocked(env, library, history, run, state)
        if blocked is not None:
            return blocked
        now = env.today()
        checks = saved_check_ins(history, run)
        if checks and now < checks[-1].day:
            raise ProgramRefused(
                f"today ({day_label(now)}) is before your last check-in "
                f"({day_label(checks[-1].day)}): check the computer's date"
            )
        where = replayed(program, run, checks, now)
        if checks and checks[-1].settled is None and where.waiting is None and where.decisions:
            # The morning after went by unanswered: it decided, so say what and why.
            out.print(messages.morning_missed(day_label(checks[-1].day)), markup=False)
            if not where.stopped:
                for line in explain(program, where.decisions[-1]):
                    out.print(line, markup=False)
        if where.stopped:  # saved by a version that ended the program in a second step
            return _stopped(env, library, history, program, run, where.decisions[-1])
        if where.waiting is not None and where.waiting.day < now:
            where = _ask_morning(env, history, program, run)
            if where.stopped:
                return _stopped(env, library, history, program, run, where.decisions[-1])
            checks = saved_check_ins(history, run)
        if any(c.day == now for c in checks):
            out.print(messages.CHECK_IN_DONE, markup=False)
            _say_stage(env, program, where)
            return DayOutcome(where)
        if where.long_break is not None:
            out.print(messages.after_long_break(where.long_break), markup=False)
        stage = program.stage_at(where.stage)[1]
        _show_step(env, library, program, stage, run.side)
        hurt = _play_routines(env, library, stage, run.side, run)
        if hurt is not None:
            # Once something hurts, the day's exercise stops: no walk or run today.
            out.print(messages.STOPPED_HURTS, style="bold", markup=False)
        elif not env.asker().confirm(
            "Back from today's walk or run, and ready for the check-in?", default=True,
            key=Ask.READY,
        ):  # fmt: skip
            out.print(messages.check_in_when_back(env.program), markup=False)
            return DayOutcome(where)
        check = _with_stop(program, _ask_check_in(env, library, program, stage, now), hurt)
        return _save_check_in(env, library, history, program, run, checks, check)


def _save_check_in(
    env: Environment,
    library: Library,
    history: History,
    program: ProgramProtocol,
    run: ProgramRun,
    checks: list[CheckIn],
    check: CheckIn,
) -> DayOutcome:

    assert run.id is not None
    decision = replayed(program, run, [*checks, check], check.day).decisions[-1]
    record = ProgramCheckIn(
        run_id=run.id,
        check=check,
        taken_at=env.now(),
        recorded_at=env.recorded(),
        decision=None if decision.kind is DecisionKind.WAITING else decision.kind,
        next_stage=decision.next_stage,
        rule=None if decision.kind is DecisionKind.WAITING else decision.rule,
    )
    stop = _stop_of(env, run, decision)
    try:
        history.add_check_in(record, stop=stop)
    except HistoryConflictError:
        if stop is None:
            raise
        # Saved meanwhile from another window: a stop is never dropped, it replaces that day.
        history.stop_with(record, stop)
        env.out().print(messages.OTHER_WINDOW_STOPS, markup=False)
    out = env.out()
    for line in explain(program, decision):
        out.print(line, markup=False)
    if decision.kind is DecisionKind.WAITING:
        for line in _above_limit(program, check):
            out.print(line, style="bold", markup=False)
    if decision.kind is DecisionKind.STOP:
        return _stopped(env, library, history, program, run, decision, saved=True)
    return DayOutcome(replayed(program, run, saved_check_ins(history, run), check.day))


def _stop_of(env: Environment, run: ProgramRun, decision: Decision) -> ProgramStop | None:

    if decision.kind is not DecisionKind.STOP:
        return None
    assert run.id is not None
    level = decision.level or Disposition.RICE
    return ProgramStop(run.id, f"stopped: {decision.because}", level, env.now(), env.recorded())


def _blocked(
    env: Environment, library: Library, history: History, run: ProgramRun, state: SafetyState
) -> DayOutcome | None:
    """Newer advice of RICE or worse ends the program under way: said, with the way back."""
    if state.allows(Offer.PROGRAM_STEP):
        return None
    assert run.id is not None and state.newest is not None
    triage = library.triage()
    # Ended, not stopped by a rule of its own: the advice that ends it is saved already, and
    # its moment stays its own (no level here: the end is no new advice).
    reason = f"newer advice: {safety.advice_line(state.newest, triage)}"
    if history.writable:
        history.end_program(ProgramStop(run.id, reason, None, env.now(), env.recorded()))
    refused = safety.refusal(state, Offer.PROGRAM_STEP, triage, env.program)
    raise ProgramRefused(refused or reason)


def _ask_morning(
    env: Environment, history: History, program: ProgramProtocol, run: ProgramRun
) -> State:
    """The next-morning question, saved with what it decides; the state read back."""
    assert run.id is not None
    stored = history.check_ins(run.id)
    last = stored[-1]
    settled = env.asker().confirm(
        f"After your session on {day_label(last.check.day)}: by this morning, was the pain "
        "back to how it was before that session (or better)?",
        default=False,
        key=Ask.MORNING,
    )
    checks = saved_check_ins(history, run)
    checks = [replace(c, settled=settled) if c.day == last.check.day else c for c in checks]
    decision = replayed(program, run, checks, env.today()).decisions[-1]
    stop = None
    if decision.kind is DecisionKind.STOP:
        level = decision.level or Disposition.RICE
        stop = ProgramStop(run.id, f"stopped: {decision.because}", level, env.now(), env.recorded())
    assert last.id is not None
    history.settle_check_in(
        last.id, settled, decision.kind, decision.next_stage, decision.rule, stop=stop
    )
    for line in explain(program, decision):
        env.out().print(line, markup=False)
    # What is saved decides: read back, never the list read before the answer.
    return replayed(program, run, saved_check_ins(history, run), env.today())


def _stopped(
    env: Environment,
    library: Library,
    history: History,
    program: ProgramProtocol,
    run: ProgramRun,
    decision: Decision,
    saved: bool = False,
) -> DayOutcome:

    assert run.id is not None
    level = decision.level or Disposition.RICE
    if not saved:
        stop = _stop_of(env, run, decision)
        if stop is not None and history.writable:
            history.end_program(stop)
    triage = library.triage()
    because = Item(
        text=f"{program.title} stopped: {decision.because}. {program.rules.stop.text}",
        sources=program.rules.stop.sources,
        practice=program.rules.stop.practice,
    )
    content = disposition_content(level, triage, because=because, sources=program.sources)
    printed = screen.show_result(env, content)
    env.out().print(
        messages.program_stopped(program.title, env.program), style="bold", markup=False
    )
    env.out().print(messages.read_advice_again(env.program), markup=False)
    screen.keep_in_sight(env, content, printed + 2)
    check_now = env.can_ask and env.asker().confirm(
        "Start the check now?", default=True, key=Ask.START_CHECK
    )
    return DayOutcome(None, check_now=check_now)


def _not_under_way(env: Environment, library: Library, history: History, state: SafetyState) -> str:
    """No program under way: when and why the last one ended, and the way back."""
    last = history.last_program()
    if last is None or last.ended_at is None:
        if state.blocked:
            assert state.newest is not None
            said = safety.advice_line(state.newest, library.triage())
            return (
                f"no program under way; the newest advice is {said}: a new check first: "
                f"{env.program}"
            )
        return (
            f"no program under way; after a check that allows self-care, start one: "
            f"{env.program} program start"
        )
    ended = f"{day_label(last.ended_at.astimezone().date())}: {_ended_words(last)}"
    if state.allows(Offer.PROGRAM_START):
        start = f"{env.program} program start"
        return f"no program under way (the last ended on {ended}); start one: {start}"
    return f"no program under way: it stopped on {ended}; a new check first: {env.program}"


def _ended_words(run: ProgramRun) -> str:
    reason = run.end_reason or "ended"
    return reason.removeprefix("stopped: ") if run.stopped else reason


def _say_stage(env: Environment, program: ProgramProtocol, state: State) -> None:
    stage = program.stage_at(state.stage)[1]
    env.out().print(_stage_heading(program, stage), markup=False)


def _show_step(
    env: Environment, library: Library, program: ProgramProtocol, stage: Stage, side: Side
) -> None:
    out = env.out()
    out.print(messages.today(_stage_heading(program, stage)), style="bold", markup=False)
    out.print(stage.summary, markup=False)
    if stage.clearance:
        out.print(stage.clearance, style="bold", markup=False)
    if stage.routines:
        titles = [library.get(r).title for r in stage.routines]
        out.print(messages.exercises(titles), markup=False)
    out.print(messages.numbered(2 if stage.routines else 1, stage.activity.text), markup=False)
    out.print(messages.pain_limit_today(program.pain_limit), markup=False)


def _with_stop(program: ProgramProtocol, check: CheckIn, hurt: Disposition | None) -> CheckIn:
    """A check-in as a routine's "stop, it hurts" answer makes it: never milder.

    A pop counts as a new pop; new numbness or tingling as a warning sign; sharp pain, or
    worse than before, as pain above the limit.
    """
    if hurt is None:
        return check
    if hurt in (Disposition.URGENT, Disposition.EMERGENCY):
        return replace(check, new_pop=True)
    if hurt == Disposition.CLINICIAN:
        return replace(check, warning_sign=True)
    return replace(check, pain_during=max(check.pain_during or 0, program.pain_limit + 1))


def _play_routines(
    env: Environment, library: Library, stage: Stage, side: Side, run: ProgramRun
) -> Disposition | None:
    """Offer and play the stage's routines; the level a "stop, it hurts" gave, if one did.

    An exercise with a build-up plays its week's dose on its days only (never two days in a
    row, no more sessions a week than the week allows).
    """
    out = env.out()
    with contextlib.closing(env.progress_log()) as log:  # saved with the other sessions
        for routine_id in stage.routines:
            routine = library.get(routine_id, RoutineProtocol)
            dose = _todays_dose(log, routine, run, env.today())
            if isinstance(dose, str):
                out.print(messages.not_today(routine.title, dose), markup=False)
                continue
            # A two-leg exercise is never played "for the left leg" (it works both).
            leg = side if any(s.per_side for s in routine.steps) else Side.BOTH
            options = RunOptions(side=leg, plain=env.plain_text)
            if env.asker().confirm(f"Play “{routine.title}” now?", default=True, key=Ask.PLAY):
                played = session_with_log(env, dose, library.triage(), [], options, log)
                if played.stop_disposition:
                    return played.stop_disposition
    return None


def _todays_dose(
    log: ProgressLog, routine: RoutineProtocol, run: ProgramRun, on: dt.date
) -> RoutineProtocol | str:
    """The routine as today's session plays it, or why it does not play today."""
    if not routine.build_up:
        return routine
    days = sorted(
        {
            s.started_at.astimezone().date()
            for s in log.sessions_of(routine.id, since=run.started_at)
            if s.exercised and s.started_at.astimezone().date() < on
        }
    )
    week = (
        routine.build_up[min((on - days[0]).days // 7, len(routine.build_up) - 1)]
        if days
        else (routine.build_up[0])
    )
    if days and days[-1] == on - dt.timedelta(days=1):
        return "never two days in a row"
    done = sum(1 for d in days if (on - d).days < 7)
    if done >= week.sessions_per_week:
        return f"{done} of {week.sessions_per_week} this week done"
    return routine.dosed(week)


YES_NO_NOT_SURE = [("No", "no"), ("Yes", "yes"), ("Not sure", "not_sure")]


def _ask_check_in(
    env: Environment, library: Library, program: ProgramProtocol, stage: Stage, now: dt.date
) -> CheckIn:
    asker = env.asker()
    out = env.out()
    out.print(messages.CHECK_IN_HEADING, style="bold", markup=False)
    pain = asker.pain(
        "Your worst pain during today's session, 0 (none) to 10 (worst)? Enter to skip",
        key=Ask.PAIN_DURING,
    )
    answers = {
        q.id: asker.confirm(q.worded(program.pain_limit), default=False, key=Ask.STAGE_QUESTION)
        for q in stage.questions
    }  # fmt: skip
    triage = library.triage()
    signs = [f.text for f in triage.red_flags.flags if f.warning_sign]
    out.print(messages.WARNING_SIGNS, markup=False)
    for sign in signs:
        out.print(messages.listed(sign), markup=False)
    warning = asker.choose(
        "Has any of these happened since your last check-in?",
        YES_NO_NOT_SURE,
        default="no",
        key=Ask.WARNING_SIGN,
    )
    pop = asker.choose(
        "Did you feel a new pop or snap, or a sudden sharp pain, in the back of the thigh?",
        YES_NO_NOT_SURE,
        default="no",
        key=Ask.NEW_POP,
    )
    rest = asker.pain(
        "Your pain now, at rest, 0 (none) to 10 (worst)? Enter to skip", key=Ask.REST_PAIN
    )
    return CheckIn(
        day=now,
        stage=stage.id,
        pain_during=pain,  # skipped stays skipped: never a good day (program.replay)
        answers=answers,
        warning_sign=warning != "no",  # not sure: when in doubt, the more careful answer
        new_pop=pop != "no",
        rest_pain=rest,
    )


# --- status ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusFacts:
    """What ``program status`` shows, read once: the program under way and where it stands."""

    said: str
    """No program under way: why, with the way back (empty while one is)."""
    run: ProgramRun | None = None
    program: ProgramProtocol | None = None
    where: State | None = None
    check_ins: tuple[ProgramCheckIn, ...] = ()
    day: int = 0
    paused: str | None = None
    """Why no step is offered now, while the newest advice pauses the program."""


def status_facts(env: Environment, library: Library) -> StatusFacts:
    """Where the program under way stands, or why none is. Only reads."""
    with _history(env, reading=True) as history:
        state = _state_of(history)
        run = history.active_program()
        if run is None:
            why = _not_under_way(env, library, history, state)
            return StatusFacts(f"{why[:1].upper()}{why[1:]}.")
        checks = saved_check_ins(history, run)
        stored = history.check_ins(run.id)
    program = for_run(_program(library, run.program_id), run)
    now = env.today()
    where = replayed(program, run, checks, now)
    days = max(1, (now - run.started_at.astimezone().date()).days + 1)
    paused = None
    if not state.allows(Offer.PROGRAM_STEP):
        paused = safety.refusal(state, Offer.PROGRAM_STEP, library.triage(), env.program)
    return StatusFacts("", run, program, where, tuple(stored), days, paused)


def status(env: Environment, library: Library) -> State | None:
    """Where the program stands: the stage, the last decision, what moves it on.

    Only reads (a read-only data folder is fine). After a stop: when, why, the way back.
    """
    out = env.out()
    facts = status_facts(env, library)
    run, program, where, stored = facts.run, facts.program, facts.where, facts.check_ins
    if run is None or program is None or where is None:
        out.print(facts.said, markup=False)
        return None
    stage = program.stage_at(where.stage)[1]
    title = messages.program_day(program.title, facts.day, run.side.legs_words)
    out.print(title, style="bold", markup=False)
    if facts.paused is not None:
        out.print(messages.paused(facts.paused), style="bold", markup=False)
    out.print(_stage_heading(program, stage), markup=False)
    out.print(stage_criteria(program, stage), markup=False)
    if stage is not program.stages[-1]:
        out.print(messages.so_far(where.good_in_a_row, stage.move_on_after), markup=False)
    if where.last is not None:
        last = where.last
        decided = last.kind.said(last.stage, last.next_stage)
        line = messages.last_decision(day_label(last.day), decided, last.because, last.rule)
        out.print(line, markup=False)
    if where.waiting is not None:
        waiting = messages.waiting_for_morning(day_label(where.waiting.day), env.program)
        out.print(waiting, markup=False)
    if stored:
        out.print(messages.LAST_CHECK_INS, markup=False)
        for saved in stored[-7:]:
            said = saved.check
            name = program.stage_at(said.stage)[1].title
            kind = (saved.decision or DecisionKind.WAITING).said(said.stage, saved.next_stage)
            row = messages.check_in_row(
                day_label(said.day), name, said.pain_during, said.settled, kind
            )
            out.print(row, markup=False)
    return where


# --- calendar ----------------------------------------------------------------------------


def calendar(
    program_title: str,
    first: dt.date,
    at: dt.time,
    command: str,
    stamp: dt.datetime,
    run_key: str = "",
) -> bytes:
    """An iCalendar file (RFC 5545): a daily reminder at ``at`` for 14 days from ``first``.

    Floating local time (the phone's own time zone), one event repeated daily, with an
    alarm; its UID is the run's (``run_key``), so a file made again updates it; the first
    reminder is the next one still to come. Nothing in it points anywhere.
    """
    now = stamp.astimezone().replace(tzinfo=None)
    days = [first + dt.timedelta(days=n) for n in range(REMINDER_DAYS + 1)]
    start = ics.first_after(days, at, now) or dt.datetime.combine(days[-1], at)
    reminder = ics.Reminder(
        uid=ics.stable_uid("program", run_key or program_title, "daily"),
        first=start,
        last_day=start.date() + dt.timedelta(days=REMINDER_DAYS - 1),
        weekdays=None,
        summary=f"{program_title}: today's step",
        description=f"Today's step and check-in: {command}",
    )
    return ics.calendar([reminder], "back to running", stamp)


def under_way(env: Environment, library: Library) -> ProgramRun:
    """The program under way, for its reminders: read only; a clear refusal when none."""
    with _history(env, reading=True) as history:
        state = _state_of(history)
        run = history.active_program()
        if run is None:
            raise ProgramRefused(_not_under_way(env, library, history, state))
        refused = safety.refusal(state, Offer.PROGRAM_STEP, library.triage(), env.program)
        if refused is not None:
            raise ProgramRefused(refused)
        return run
