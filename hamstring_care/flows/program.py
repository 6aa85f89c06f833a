"""A back-to-running program, day by day: start it, do today's step, see where it stands.

The decisions are ``program.replay``'s (pure); this module asks, plays, saves and says.
A program is saved in the progress log like the rest, and a failure to save is an error
here, not a warning: a check-in that is not kept would change every later decision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import fields, replace
from typing import TYPE_CHECKING

from hamstring_care.dates import day_label
from hamstring_care.errors import UsageError
from hamstring_care.program import CheckIn, Decision, State, replay
from hamstring_care.vocab import Disposition, Side, known

if TYPE_CHECKING:
    from pathlib import Path

    from hamstring_care.context import Environment
    from hamstring_care.history.store import History, ProgramCheckIn, ProgramRun, TriageRecord
    from hamstring_care.models import PlanProtocol, ProgramProtocol, Stage
    from hamstring_care.source.library import Library

DEFAULT_PROGRAM = "back-to-running"
REMINDER_DAYS = 14


class ProgramRefused(UsageError):
    """A program cannot start, or is not under way: said in one line (exit code 2)."""


def start_refusal(last: TriageRecord | None, program_name: str) -> str | None:
    """Why a program cannot start after this check (None: it can).

    Only a self-care result allows it; after RICE, the re-check that allows it.
    """
    if last is None:
        return f"{program_name} starts after a check: run the check first"
    if last.disposition == Disposition.SELF_MASSAGE:
        return None
    if last.disposition == Disposition.RICE:
        return (
            f"your last check said RICE for the first days; {program_name} starts after a "
            "re-check that says self-care"
        )
    return (
        f"your last check said to see a clinician or get care ({Disposition(last.disposition)}); "
        f"{program_name} is not for now"
    )


@contextlib.contextmanager
def _history(env: Environment) -> Iterator[History]:
    from hamstring_care.history.store import open_history

    history = open_history(env.history_folder())
    try:
        yield history
    finally:
        history.close()


def _program(library: Library, pid: str) -> ProgramProtocol:
    from hamstring_care.errors import UnknownProtocolError
    from hamstring_care.models import ProgramProtocol

    protocol = library.get(pid)
    if not isinstance(protocol, ProgramProtocol):
        raise UnknownProtocolError(f'"{pid}" is a {protocol.kind}, not a program')
    for i, stage in enumerate(protocol.stages):
        for routine in stage.routines:
            if routine not in library.entries() or library.get(routine).kind != "routine":
                raise UnknownProtocolError(
                    f'{pid}: stages[{i}] ({stage.id}) plays "{routine}", which is not a routine'
                )
    return protocol


def today(env: Environment) -> dt.date:
    """The local date of the run (the demo date, when one is set)."""
    return env.now().astimezone().date()


# --- start -------------------------------------------------------------------------------


def start(
    env: Environment,
    library: Library,
    pid: str | None = None,
    side: Side | None = None,
    stage: str | None = None,
    restart: bool = False,
    plan: Path | None = None,
) -> ProgramRun:
    """Start a program after a check that allows it; returns the run saved.

    A plan file (a clinician's) may give the program with its leg, the stage to start at
    and a stricter pain limit; the options given win over it.
    """
    from hamstring_care.history.store import ProgramRun

    pain_limit = None
    if plan is not None:
        item = _plan_program(library, plan, pid)
        pid, side = item.id, side or item.side
        stage, pain_limit = stage or item.stage, item.pain_limit
    program = _program(library, pid or DEFAULT_PROGRAM)
    if stage is not None and program.stage_index(stage) is None:
        ids = ", ".join(s.id for s in program.stages)
        raise ProgramRefused(f"--stage must be one of {ids}, not {stage!r}")
    with _history(env) as history:
        last = history.last_triage()
        refusal = start_refusal(last, program.title)
        if refusal is not None:
            raise ProgramRefused(f"{refusal}: {env.program}")
        under_way = history.active_program()
        if under_way is not None:
            if not restart:
                raise ProgramRefused(
                    f"a program is under way (since {under_way.started_at.astimezone():%d %b}); "
                    f"see {env.program} program status, or start again with --restart"
                )
            assert under_way.id is not None
            history.end_program(under_way.id, env.now(), "restarted")
        assert last is not None
        leg = side or known(Side, last.side) or Side.BOTH
        run = ProgramRun(
            program_id=program.id,
            program_version=program.version,
            side=str(leg),
            start_stage=stage or program.stages[0].id,
            pain_limit=pain_limit,
            started_at=env.now(),
            triage_id=last.id,
        )
        saved = ProgramRun(**{**run.__dict__, "id": history.start_program(run)})
    first = program.stage_at(saved.start_stage)[1]
    out = env.out()
    out.print(f"Started {program.title} ({Side(leg).legs_words}).", style="bold", markup=False)
    out.print(_stage_heading(program, first), markup=False)
    out.print(f"Each day: {env.program} program today", markup=False)
    return saved


def _plan_program(library: Library, plan: Path, pid: str | None) -> PlanProtocol:
    from hamstring_care.models import ProgramProtocol
    from hamstring_care.source.library import load_plan

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


CHECK_IN_FIELDS = [f.name for f in fields(CheckIn)]
"""What a saved check-in and the decisions' check-in have in common: all of the latter."""


def engine_check_ins(stored: list[ProgramCheckIn]) -> list[CheckIn]:
    """The saved check-ins as the decisions read them."""
    return [CheckIn(**{name: getattr(c, name) for name in CHECK_IN_FIELDS}) for c in stored]


def _state(program: ProgramProtocol, run: ProgramRun, stored: list[ProgramCheckIn]) -> State:
    return replay(program, run.start_stage, engine_check_ins(stored))


def under_way(env: Environment) -> ProgramRun:
    """The program under way; a clear refusal when there is none."""
    with _history(env) as history:
        return _active(env, history)


def _under_way(
    env: Environment, library: Library, history: History
) -> tuple[ProgramRun, ProgramProtocol, list[ProgramCheckIn]]:
    """The run under way, its program as the run follows it, and its check-ins."""
    run = _active(env, history)
    assert run.id is not None
    return run, for_run(_program(library, run.program_id), run), history.check_ins(run.id)


def _active(env: Environment, history: History) -> ProgramRun:
    run = history.active_program()
    if run is None:
        raise ProgramRefused(
            f"no program under way; after a self-care check, start one: {env.program} program start"
        )
    return run


def _stage_heading(program: ProgramProtocol, stage: Stage) -> str:
    number = (program.stage_index(stage.id) or 0) + 1
    return f"Stage {number} of {len(program.stages)}: {stage.title}"


def explain(program: ProgramProtocol, decision: Decision) -> list[str]:
    """A decision in words: what happens next, why, and the rule with its sources."""
    rules = program.rules
    rule = {"stop": rules.stop, "step_back": rules.step_back, "move_on": rules.move_on}.get(
        decision.kind, rules.stay
    )
    if decision.kind == "stop":
        head = "Stop the program and check again now"
    elif decision.kind == "waiting":
        return [
            "Saved. Tomorrow's check-in first asks whether the pain was back to usual by the "
            "morning: that decides the next step."
        ]
    else:
        to = program.stage_at(decision.next_stage or "")[1]
        verb = {"step_back": "Back to", "move_on": "On to"}.get(decision.kind, "Staying at")
        head = f"{verb} {_stage_heading(program, to)}"
    keys = [program.sources[k] for k in rule.sources if k in program.sources]
    lines = [f"{head}: {decision.because}.", f"Rule ({decision.rule}): {rule.text}"]
    lines += [f"  Source: {source}" for source in keys]
    return lines


# --- today ---------------------------------------------------------------------------------


def day(env: Environment, library: Library) -> State:
    """Today's step: the morning question about the last session, the step, the check-in."""
    from hamstring_care.history.store import ProgramCheckIn

    out = env.out()
    with _history(env) as history:
        run, program, stored = _under_way(env, library, history)
        state = _state(program, run, stored)
        now = today(env)
        if stored and now < stored[-1].day:
            raise ProgramRefused(
                f"today ({day_label(now)}) is before your last check-in "
                f"({day_label(stored[-1].day)}): check the computer's date"
            )
        if state.waiting is not None and state.waiting.day < now:
            state = _ask_morning(env, history, program, run, stored)
            if state.stopped:
                return _stopped(env, library, history, program, run, state)
        if any(c.day == now for c in stored):
            out.print("Today's check-in is done. Next step tomorrow.", markup=False)
            _say_stage(env, program, state)
            return state
        stage = program.stage_at(state.stage)[1]
        _show_step(env, library, program, stage, Side(run.side))
        hurt = _play_routines(env, library, stage, Side(run.side))
        if hurt is not None:
            # Once something hurts, the day's exercise stops: no walk or run today.
            out.print(
                "Stopped because it hurts: no more exercise today. The check-in follows.",
                style="bold",
                markup=False,
            )
        elif not env.asker().confirm(
            "Back from today's walk or run, and ready for the check-in?", default=True
        ):
            out.print(f"Check in when you are back: {env.program} program today", markup=False)
            return state
        check = _with_stop(program, _ask_check_in(env, library, program, stage, now), hurt)
        with_decision = replay(program, run.start_stage, [*engine_check_ins(stored), check])
        decision = with_decision.decisions[-1]
        assert run.id is not None  # a saved run (read back from the history)
        history.add_check_in(
            ProgramCheckIn(
                **{name: getattr(check, name) for name in CHECK_IN_FIELDS},
                run_id=run.id,
                taken_at=env.now(),
                decision=None if decision.kind == "waiting" else decision.kind,
                next_stage=decision.next_stage,
                rule=None if decision.kind == "waiting" else decision.rule,
            )
        )
        for line in explain(program, decision):
            out.print(line, markup=False)
        if with_decision.stopped:
            return _stopped(env, library, history, program, run, with_decision)
        return with_decision


def _ask_morning(
    env: Environment,
    history: History,
    program: ProgramProtocol,
    run: ProgramRun,
    stored: list[ProgramCheckIn],
) -> State:
    last = stored[-1]
    settled = env.asker().confirm(
        f"After your session on {day_label(last.day)}, was the pain back to its usual level "
        "by the next morning?",
        default=False,
    )
    checks = engine_check_ins(stored)
    checks[-1] = CheckIn(**{**checks[-1].__dict__, "settled": settled})
    state = replay(program, run.start_stage, checks)
    decision = state.decisions[-1]
    assert last.id is not None
    history.settle_check_in(last.id, settled, decision.kind, decision.next_stage, decision.rule)
    for line in explain(program, decision):
        env.out().print(line, markup=False)
    return state


def _stopped(
    env: Environment,
    library: Library,
    history: History,
    program: ProgramProtocol,
    run: ProgramRun,
    state: State,
) -> State:
    assert run.id is not None
    decision = state.decisions[-1]
    history.end_program(run.id, env.now(), f"stopped: {decision.because}")
    env.out().print(
        f"{program.title} has stopped. Self-care stops too until a new check says it may "
        f"start again: {env.program}",
        style="bold",
        markup=False,
    )
    if env.can_ask and env.asker().confirm("Start the check now?", default=True):
        from hamstring_care.flows.check import guided_check

        history.close()  # the check keeps its own hold on the file
        guided_check(env, library)
    return state


def _say_stage(env: Environment, program: ProgramProtocol, state: State) -> None:
    stage = program.stage_at(state.stage)[1]
    env.out().print(_stage_heading(program, stage), markup=False)


def _show_step(
    env: Environment, library: Library, program: ProgramProtocol, stage: Stage, side: Side
) -> None:
    out = env.out()
    out.print(f"Today: {_stage_heading(program, stage)}", style="bold", markup=False)
    out.print(stage.summary, markup=False)
    if stage.routines:
        titles = ", then ".join(library.get(r).title for r in stage.routines)
        out.print(f"1. Exercises ({side.legs_words}): {titles}", markup=False)
    out.print(f"{2 if stage.routines else 1}. {stage.activity.text}", markup=False)
    out.print(
        f"Keep the pain during at {program.pain_limit} out of 10 or less; stop if anything on "
        "the warning-sign list happens.",
        markup=False,
    )


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
    return replace(check, pain_during=max(check.pain_during, program.pain_limit + 1))


def _play_routines(
    env: Environment, library: Library, stage: Stage, side: Side
) -> Disposition | None:
    """Offer and play the stage's routines; the level a "stop, it hurts" gave, if one did."""
    from hamstring_care.flows.session import RunOptions, session_with_log
    from hamstring_care.models import RoutineProtocol

    options = RunOptions(side=side, plain=env.plain_text)
    with contextlib.closing(env.progress_log()) as log:  # saved with the other sessions
        for routine_id in stage.routines:
            routine = library.get(routine_id)
            assert isinstance(routine, RoutineProtocol)
            if env.asker().confirm(f"Play “{routine.title}” now?", default=True):
                played = session_with_log(env, routine, library.triage(), [], options, log)
                if played.stop_disposition:
                    return Disposition(played.stop_disposition)
    return None


def _ask_check_in(
    env: Environment, library: Library, program: ProgramProtocol, stage: Stage, now: dt.date
) -> CheckIn:
    asker = env.asker()
    out = env.out()
    out.print("Check-in, after today's exercises and walk or run:", style="bold", markup=False)
    pain = asker.pain("Your worst pain during today's session (0-10)")
    answers = {q.id: asker.confirm(q.text, default=False) for q in stage.questions}
    triage = library.triage()
    signs = [f.text for f in triage.red_flags.flags if f.warning_sign]
    out.print("Warning signs:", markup=False)
    for sign in signs:
        out.print(f"  - {sign}", markup=False)
    warning = asker.confirm("Has any of these happened since your last check-in?", default=False)
    pop = asker.confirm(
        "Did you feel a new pop or a sudden sharp pain in the thigh?", default=False
    )
    rest = asker.pain("Your pain now, at rest (0-10)")
    return CheckIn(
        day=now,
        stage=stage.id,
        # A pain skipped is not a pain of nought: counted at the limit's edge, no better.
        pain_during=pain if pain is not None else program.pain_limit,
        answers=answers,
        warning_sign=warning,
        new_pop=pop,
        rest_pain=rest if rest is not None else 0,
    )


# --- status ----------------------------------------------------------------------------


def status(env: Environment, library: Library) -> State:
    """Where the program stands: the stage, the days, the last check-ins, what moves it on."""
    from hamstring_care.render.content import stage_criteria

    out = env.out()
    with _history(env) as history:
        run, program, stored = _under_way(env, library, history)
    state = _state(program, run, stored)
    stage = program.stage_at(state.stage)[1]
    days = (today(env) - run.started_at.astimezone().date()).days + 1
    out.print(f"{program.title}, day {days} ({Side(run.side).legs_words})", style="bold",
              markup=False)  # fmt: skip
    out.print(_stage_heading(program, stage), markup=False)
    out.print(stage_criteria(program, stage), markup=False)
    if stage is not program.stages[-1]:
        out.print(f"So far: {state.good_in_a_row} of {stage.move_on_after} in a row.",
                  markup=False)  # fmt: skip
    if state.waiting is not None:
        out.print(
            f"Waiting: how the morning after {day_label(state.waiting.day)} went "
            f"({env.program} program today asks).",
            markup=False,
        )
    if stored:
        out.print("Last check-ins:", markup=False)
        for check, decision in list(zip(stored, state.decisions, strict=False))[-7:]:
            settled = {True: "settled", False: "not settled", None: "morning to come"}
            out.print(
                f"  {day_label(check.day):<10}  {check.stage:<10} pain {check.pain_during}/10, "
                f"{settled[check.settled]}  -> {decision.kind.replace('_', ' ')}",
                markup=False,
            )
    return state


# --- calendar ----------------------------------------------------------------------------


def calendar(
    program_title: str, first: dt.date, at: dt.time, command: str, stamp: dt.datetime
) -> bytes:
    """An iCalendar file (RFC 5545): a daily reminder at ``at`` for 14 days from ``first``.

    Floating local time (the phone's own time zone), one event repeated daily, with an
    alarm; nothing in it points anywhere.
    """
    import uuid

    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//hamstring-care//back to running//EN")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{uuid.uuid4()}@hamstring-care.invalid")
    event.add("dtstamp", stamp.astimezone(dt.timezone.utc))
    event.add("dtstart", dt.datetime.combine(first, at))
    event.add("duration", dt.timedelta(minutes=15))
    event.add("rrule", {"freq": "daily", "count": REMINDER_DAYS})
    event.add("summary", f"{program_title}: today's step")
    event.add("description", f"Today's step and check-in: {command}")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", dt.timedelta(0))
    alarm.add("description", f"{program_title}: today's step")
    event.add_component(alarm)
    cal.add_component(event)
    return bytes(cal.to_ical())
