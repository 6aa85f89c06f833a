"""One routine session: pain in, the timed player, pain out, saved as it goes, then the trend.

The player (``player/``) only plays; this flow builds its edges from the ``Environment``,
turns what happened into a ``Session`` (real datetimes, the type the log stores), and says
when the pain is not coming down.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, closing
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from hamstring_care import messages
from hamstring_care.dates import minutes_seconds
from hamstring_care.errors import UsageError
from hamstring_care.flows import safety, screen
from hamstring_care.history.progress import trend_warning
from hamstring_care.models import RoutineProtocol
from hamstring_care.player import terminal
from hamstring_care.player.engine import (
    KEY_LIST,
    Cues,
    KeySource,
    Outcome,
    Player,
    View,
    wait_for_key,
)
from hamstring_care.player.timeline import Segment, build, step_counts, total_seconds
from hamstring_care.records import Session
from hamstring_care.render.content import disposition_content, stop_reason
from hamstring_care.safety import Offer
from hamstring_care.sanitize import visible
from hamstring_care.tailoring import tailor
from hamstring_care.vocab import Disposition, Side, StopReason

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from hamstring_care.context import Environment
    from hamstring_care.history.log import ProgressLog
    from hamstring_care.models import RoutineProtocol, TriageProtocol
    from hamstring_care.prescription import Prescribed
    from hamstring_care.source.library import Library

BEFORE = "Before you start: pain now, 0 (none) to 10 (worst)? Enter to skip"
AFTER = "How is the pain now, 0 to 10? Enter to skip"
BETWEEN = "How is the pain now, 0 to 10, before the next routine? Enter to skip"


@dataclass
class RunOptions:
    """How to play a routine (the `run` command's options)."""

    side: Side = Side.BOTH
    hold: int | None = None
    plain: bool = False
    sound: bool = True
    voice: bool = False
    count_in: int = 5
    clearance: str | None = None
    """Played under a clinician's plan despite the newest advice: saved with the session."""


@dataclass(frozen=True)
class InPlan:
    """Where a routine stands in a plan of several: its number, and the plan's other time."""

    number: int
    of: int
    seconds_before: int
    seconds_after: int
    pain_before: int | None
    """The pain given after the routine before (asked once between routines)."""


def planned_seconds(
    routine: RoutineProtocol, triage: TriageProtocol, cautions: list[str], options: RunOptions
) -> int:
    """How long a routine will take as it will be played (tailored, count-ins included)."""
    steps = [t.step for t in tailor(routine, triage, cautions).steps]
    return total_seconds(
        build(steps, sides=options.side, hold=options.hold, count_in=options.count_in)
    )


class Recorder(Protocol):
    """Where a session is saved as it goes: at the start, at each segment, at the end."""

    def started(self, session: Session) -> None:
        """The session began (nothing done yet)."""

    def progress(self, session: Session) -> None:
        """A segment boundary passed."""

    def finished(self, session: Session) -> None:
        """The session ended, done, stopped or interrupted (``ended_at`` is set)."""


class NoRecorder:
    """Saves nothing (tests, and when the progress log cannot be used)."""

    def started(self, session: Session) -> None:
        """Nothing to do."""

    def progress(self, session: Session) -> None:
        """Nothing to do."""

    def finished(self, session: Session) -> None:
        """Nothing to do."""


def session_with_log(
    env: Environment,
    routine: RoutineProtocol,
    triage: TriageProtocol,
    cautions: list[str],
    options: RunOptions,
    log: ProgressLog,
    triage_id: int | None = None,
    in_plan: InPlan | None = None,
) -> Session:
    """Play a routine, saving it as it goes; then say so if the pain is not coming down."""
    played = play(
        env, routine, triage, cautions, options, recorder=log.recorder(triage_id), in_plan=in_plan
    )
    rule = triage.follow_up.not_improving
    if rule is not None:
        warning = trend_warning(log.sessions_since(rule.days), env.now(), rule)
        if warning:
            env.out().print(warning, style="bold yellow", markup=False)
    return played


def play(
    env: Environment,
    routine: RoutineProtocol,
    triage: TriageProtocol,
    cautions: list[str],
    options: RunOptions,
    *,
    recorder: Recorder | None = None,
    view: View | None = None,
    cues: Cues | None = None,
    in_plan: InPlan | None = None,
) -> Session:
    """Play a routine, tailored to the cautions in force, and return what happened.

    The ``recorder`` is told as the session goes, so that an interrupted or killed session
    keeps every segment completed before it stopped. Start and end times come from
    ``env.now``; the player's timing runs on the environment's monotonic clock.
    """
    console = env.out()
    ask_pain: Callable[[str], int | None] = env.asker().pain if env.can_ask else _no_answer
    if in_plan is not None:
        heading = messages.routine_of(in_plan.number, in_plan.of, routine.title)
        console.print(heading, style="bold", markup=False)
    tailored = tailor(routine, triage, cautions)
    steps = [t.step for t in tailored.steps]
    segments = build(steps, sides=options.side, hold=options.hold, count_in=options.count_in)
    session = Session(
        routine_id=routine.id,
        routine_version=routine.version,
        side=options.side,
        started_at=env.now(),
        segments_total=len(segments),
        steps_total=step_counts(segments, (), ()).total,
        steps_done=0,
        steps_skipped=0,
        holds_done=0,
        planned_seconds=total_seconds(segments),
        clearance=options.clearance,
        pain_before=ask_pain(BEFORE)
        if in_plan is None or in_plan.number == 1
        else in_plan.pain_before,
    )
    recorder = recorder or NoRecorder()
    recorder.started(session)
    speech = terminal.find_speech() if options.voice else None
    if options.voice and speech is None:
        console.print(messages.NO_SPEECH, markup=False)
    plain = options.plain or env.plain_for(console.is_terminal)
    with ExitStack() as stack:
        keys = stack.enter_context(env.player_keys())
        if view is None:
            if plain:
                from hamstring_care.player.view import PlainView  # noqa: PLC0415 - one of two views

                listed = None if env.hands_free else KEY_LIST
                width = console.width if console.is_terminal else None
                view = PlainView(console.file, listed, width)
            else:
                from hamstring_care.player.view import LiveView  # noqa: PLC0415 - Rich Live

                view = stack.enter_context(LiveView(console, routine.title))
        cues = cues or terminal.TerminalCues(console.file, sound=options.sound, speech=speech)
        shown = view
        player = Player(
            segments,
            clock=env.player_clock(),
            keys=keys,
            view=view,
            cues=cues,
            ask_hurts=lambda: _ask_hurts(triage, keys, shown),
            confirm_quit=lambda: _confirm_quit(keys, shown),
            on_segment=lambda outcome: recorder.progress(_so_far(session, outcome, segments)),
            around=(in_plan.seconds_before, in_plan.seconds_after) if in_plan else (0, 0),
            hands_free=env.hands_free,
        )
        try:
            outcome = player.run()
        except KeyboardInterrupt:
            player.outcome.stopped_early = True
            player.outcome.stop_reason = StopReason.INTERRUPTED
            player.outcome.elapsed_seconds = player.elapsed  # up to the Ctrl-C, not the last part
            recorder.finished(_so_far(session, player.outcome, segments, ended=env.now()))
            raise
    # Saved as ended before the question, which may be left, or whose write may fail.
    session = _so_far(session, outcome, segments, ended=env.now())
    recorder.progress(session)
    try:
        last = in_plan is None or in_plan.number == in_plan.of
        session = replace(session, pain_after=ask_pain(AFTER if last else BETWEEN))
    finally:
        recorder.finished(session)
    console.print(summary(session), markup=False)
    if outcome.stop_disposition:
        stop = outcome.stop_disposition
        advice = disposition_content(stop, triage, because=stop_reason(triage, stop))
        printed = screen.show_result(env, advice, plain=plain)
        console.print(read_again(stop, triage, env.program), markup=False)
        screen.keep_in_sight(env, advice, printed + 2, plain=plain)
    return session


def _no_answer(_text: str) -> None:
    return None


def _so_far(
    session: Session, outcome: Outcome, segments: list[Segment], ended: datetime | None = None
) -> Session:
    steps = step_counts(segments, outcome.completed, outcome.skipped)
    return replace(
        session,
        steps_total=steps.total,
        steps_done=steps.done,
        steps_skipped=steps.skipped,
        holds_done=steps.holds_done,
        ended_at=ended,
        segments_completed=outcome.segments_completed,
        segments_skipped=outcome.segments_skipped,
        holds_extended=outcome.holds_extended,
        stopped_early=outcome.stopped_early,
        stop_reason=outcome.stop_reason,
        stop_disposition=outcome.stop_disposition,
        elapsed_seconds=round(outcome.elapsed_seconds, 3),
    )


def ends_self_care(session: Session | None) -> bool:
    """True when "stop, it hurts" routed to RICE or a clinician: no further routine is played."""
    stop = session.stop_disposition if session is not None else None
    return stop is not None and Disposition(stop).ends_self_care


def read_again(disposition: Disposition, triage: TriageProtocol, program: str) -> str:
    """Where the advice after a stop can be read again, and the way back to self-care."""
    return messages.no_more_routines(program, triage.dispositions.of(disposition).protocols)


def _ask_hurts(triage: TriageProtocol, keys: KeySource, view: View) -> Disposition | None:
    """The stop check, answered with a number key; Esc carries on (as its last choice)."""
    check = triage.stop_check
    choices = "\n".join(f"  {i}) {c.label}" for i, c in enumerate(check.choices, 1))
    view.event(f"{check.prompt} Press a number (Esc: carry on):\n{choices}")
    key = wait_for_key(
        keys, lambda k: k == "escape" or (k.isdigit() and 1 <= int(k) <= len(check.choices))
    )
    return None if key == "escape" else check.choices[int(key) - 1].disposition


def _confirm_quit(keys: KeySource, view: View) -> bool:
    """Y or q (again) quits; n, Enter or Esc carries on."""
    view.event("Quit the routine? y or q = quit, n or Enter = carry on")
    return wait_for_key(keys, lambda k: k in QUIT_ANSWERS) in ("y", "q")


QUIT_ANSWERS = ("y", "q", "n", "enter", "escape")


def summary(session: Session) -> str:
    """One line saying how the session went: steps done and skipped, time, pain."""
    stopped = session.stop_reason if session.stop_reason in ("hurts", "quit") else None
    pain = None
    if session.pain_before is not None and session.pain_after is not None:
        pain = (session.pain_before, session.pain_after)
    return messages.session_summary(
        session.steps_words(said_done=stopped is not None),
        minutes_seconds(session.elapsed_seconds),
        stopped=stopped,
        skipped=bool(session.skipped),
        longer=session.holds_extended,
        pain=pain,
    )


def play_prescribed(
    env: Environment,
    library: Library,
    items: list[Prescribed],
    how: RunOptions,
    notes: list[str],
    cleared_by: Path | None = None,
) -> list[Session]:
    """Play a prescription's routines in turn (``run``, ``run --plan``), saved as they go.

    Refused after advice of RICE or more urgent, as every offer of self-care is; a
    clinician's plan (``cleared_by``) plays anyway, said on screen and saved with each
    session. Between routines the pain is asked once; a routine stopped because it hurt
    ends the plan there. ``notes`` (the plan's guidance and programs) are said first.
    """
    triage = library.triage()
    with closing(env.progress_log()) as log:
        clearance = _may_play(env, library, log, cleared_by)
        for note in notes:
            env.out().print(note, markup=False, soft_wrap=True)
        playing = [
            (item.protocol, replace(how, side=item.side, hold=item.hold, clearance=clearance))
            for item in items
            if isinstance(item.protocol, RoutineProtocol)
        ]
        seconds = [planned_seconds(routine, triage, [], o) for routine, o in playing]
        played: list[Session] = []
        pain: int | None = None
        for number, (routine, options) in enumerate(playing, 1):
            in_plan = None
            if len(playing) > 1:
                before, after = sum(seconds[: number - 1]), sum(seconds[number:])
                in_plan = InPlan(number, len(playing), before, after, pain)
            session = session_with_log(env, routine, triage, [], options, log, in_plan=in_plan)
            played.append(session)
            pain = session.pain_after
            if ends_self_care(session):
                break  # it hurt: the plan's other routines wait for the advice given
    return played


def _may_play(
    env: Environment, library: Library, log: ProgressLog, cleared_by: Path | None
) -> str | None:
    """Refuse to play after advice of RICE or worse; a clinician's plan may clear it, said.

    Returns the clearance saved with the session (None when none was needed).
    """
    state = log.safety()
    safety.check_clock(state, env.recorded(), library.triage())
    refused = safety.refusal(state, Offer.ROUTINE, library.triage(), env.program)
    if refused is None:
        return None
    if cleared_by is None:
        raise UsageError(refused)
    assert state.newest is not None
    clearance = (
        f"a clinician's plan ({visible(str(cleared_by))}), over the advice "
        f"{safety.advice_line(state.newest, library.triage())}"
    )
    env.out().print(messages.playing_on(clearance), markup=False, soft_wrap=True)
    return clearance
