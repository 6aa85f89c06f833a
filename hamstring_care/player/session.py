"""One routine session from start to end: pain check-in, the timed player, the summary.

Everything real (clock, keys, cues, view) is made here unless a test passes its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from hamstring_care.dates import minutes_seconds, utc_now
from hamstring_care.player.engine import Cues, KeySource, Outcome, Player, View, wait_for_key
from hamstring_care.player.timeline import build, total_seconds
from hamstring_care.report import plain_text_wanted
from hamstring_care.triage import tailor
from hamstring_care.vocab import Disposition, Side

if TYPE_CHECKING:
    from rich.console import Console

    from hamstring_care.models import RoutineProtocol, TriageProtocol


@dataclass
class RunOptions:
    """How to play a routine (the `run` command's options)."""

    side: Side = Side.BOTH
    hold: int | None = None
    plain: bool = False
    sound: bool = True
    voice: bool = False
    count_in: int = 5


@dataclass
class SessionResult:
    """What happened in one session; the progress log stores it."""

    routine_id: str
    routine_version: str
    side: str
    started_at: str
    ended_at: str | None
    segments_total: int
    segments_completed: int
    holds_extended: int
    stopped_early: bool
    stop_reason: str | None
    stop_disposition: str | None
    pain_before: int | None
    pain_after: int | None
    planned_seconds: int
    paused_seconds: float
    elapsed_seconds: float

    def to_json(self) -> dict[str, Any]:
        """The result as plain data."""
        return asdict(self)


class Recorder(Protocol):
    """Where a session is saved as it goes: at the start, at each segment, at the end."""

    def started(self, result: SessionResult) -> None:
        """The session began (nothing done yet)."""

    def progress(self, result: SessionResult) -> None:
        """A segment boundary passed."""

    def finished(self, result: SessionResult) -> None:
        """The session ended, done, stopped or interrupted (``ended_at`` is set)."""


class NoRecorder:
    """Saves nothing (tests, and when the progress log cannot be used)."""

    def started(self, result: SessionResult) -> None:
        """Nothing to do."""

    def progress(self, result: SessionResult) -> None:
        """Nothing to do."""

    def finished(self, result: SessionResult) -> None:
        """Nothing to do."""


def plain_wanted(options: RunOptions, console: Console) -> bool:
    """Plain lines with --plain, when output is not a terminal, or with TERM=dumb."""
    return options.plain or plain_text_wanted(console.is_terminal, os.environ.get("TERM"))


def run_routine(
    routine: RoutineProtocol,
    triage: TriageProtocol,
    cautions: list[str],
    options: RunOptions,
    console: Console,
    ask_pain: Callable[[str], int | None],
    *,
    keys: KeySource | None = None,
    cues: Cues | None = None,
    view: View | None = None,
    clock: Any = None,
    recorder: Recorder | None = None,
    wall_clock: Callable[[], datetime] | None = None,
) -> SessionResult:
    """Play a routine, tailored to the cautions in force, and return what happened.

    The ``recorder`` is told as the session goes, so that an interrupted or killed session
    keeps every segment completed before it stopped. ``wall_clock`` gives the start and end
    times saved (the player's timing runs on ``clock``, a monotonic one).
    """
    from hamstring_care.player import terminal

    tailored = tailor(routine, triage, cautions)
    steps = [t.step for t in tailored.steps]
    segments = build(steps, sides=options.side, hold=options.hold, count_in=options.count_in)
    wall_clock = wall_clock or utc_now
    started = wall_clock()
    pain_before = ask_pain("Before you start: pain now, 0 (none) to 10 (worst)? Enter to skip")
    recorder = recorder or NoRecorder()

    def so_far(
        outcome: Outcome, ended: datetime | None = None, pain_after: int | None = None
    ) -> SessionResult:
        return _result(routine, options, started, outcome, pain_before, pain_after, ended)

    recorder.started(so_far(Outcome(len(segments), planned_seconds=total_seconds(segments))))
    speech = terminal.find_speech() if options.voice else None
    if options.voice and speech is None:
        console.print(
            "No speech command found (espeak-ng, spd-say or say): cues are bells only.",
            markup=False,
        )
    with ExitStack() as stack:
        if keys is None:
            keys = (
                stack.enter_context(terminal.TerminalKeys())
                if terminal.stdin_is_terminal()
                else terminal.NoKeys()
            )
        if view is None:
            if plain_wanted(options, console):
                from hamstring_care.player.view import PlainView

                view = PlainView(console.file)
            else:
                from hamstring_care.player.view import LiveView

                view = stack.enter_context(LiveView(console, routine.title))
        cues = cues or terminal.TerminalCues(console.file, sound=options.sound, speech=speech)
        player = Player(
            segments,
            clock=clock or terminal.MonotonicClock(),
            keys=keys,
            view=view,
            cues=cues,
            ask_hurts=lambda: _ask_hurts(triage, keys, view),
            confirm_quit=lambda: _confirm_quit(keys, view),
            on_segment=lambda outcome: recorder.progress(so_far(outcome)),
        )
        try:
            outcome = player.run()
        except KeyboardInterrupt:
            player.outcome.stopped_early = True
            player.outcome.stop_reason = "interrupted"
            recorder.finished(so_far(player.outcome, ended=wall_clock()))
            raise
    ended = wall_clock()
    # Saved as ended before the question, which may be left, or whose write may fail.
    recorder.progress(so_far(outcome, ended=ended))
    pain_after = None
    try:
        pain_after = ask_pain("How is the pain now, 0 to 10? Enter to skip")
    finally:
        result = so_far(outcome, ended=ended, pain_after=pain_after)
        recorder.finished(result)
    console.print(summary(result), markup=False)
    if outcome.stop_disposition:
        from hamstring_care import display

        stop = Disposition(outcome.stop_disposition)
        console.print(display.disposition_panel(stop, triage))
        console.print(read_again(stop, triage), markup=False)
    return result


def ends_self_care(result: SessionResult | None) -> bool:
    """True when "stop, it hurts" routed to RICE or a clinician: no further routine is played."""
    stop = result.stop_disposition if result is not None else None
    return stop is not None and Disposition(stop).ends_self_care


def read_again(disposition: Disposition, triage: TriageProtocol) -> str:
    """Where the advice after a stop can be read again."""
    protocols = triage.dispositions.of(disposition).protocols
    if protocols:
        return "No more routines for now. Read this advice again with: " + " and ".join(
            f"hamstring-care protocols show {pid}" for pid in protocols
        )
    return "No more routines for now. This advice is saved: see it with hamstring-care history"


def _ask_hurts(triage: TriageProtocol, keys: KeySource, view: View) -> str | None:
    check = triage.stop_check
    choices = " ".join(f"{i}) {c.label}" for i, c in enumerate(check.choices, 1))
    view.event(f"{check.prompt} {choices}")
    key = wait_for_key(keys, lambda k: k.isdigit() and 1 <= int(k) <= len(check.choices))
    return check.choices[int(key) - 1].disposition


def _confirm_quit(keys: KeySource, view: View) -> bool:
    view.event("Quit the routine? y = quit, n = carry on")
    return wait_for_key(keys, lambda k: k in ("y", "n")) == "y"


def _result(
    routine: RoutineProtocol,
    options: RunOptions,
    started: datetime,
    outcome: Outcome,
    before: int | None,
    after: int | None,
    ended: datetime | None,
) -> SessionResult:
    return SessionResult(
        routine_id=routine.id,
        routine_version=routine.version,
        side=options.side,
        started_at=started.isoformat(timespec="seconds"),
        ended_at=ended.isoformat(timespec="seconds") if ended else None,
        segments_total=outcome.segments_total,
        segments_completed=outcome.segments_completed,
        holds_extended=outcome.holds_extended,
        stopped_early=outcome.stopped_early,
        stop_reason=outcome.stop_reason,
        stop_disposition=outcome.stop_disposition,
        pain_before=before,
        pain_after=after,
        planned_seconds=outcome.planned_seconds,
        paused_seconds=round(outcome.paused_seconds, 3),
        elapsed_seconds=round(outcome.elapsed_seconds, 3),
    )


def summary(result: SessionResult) -> str:
    """One line saying how the session went."""
    how = {"hurts": "Stopped because it hurt", "quit": "Stopped early"}.get(
        result.stop_reason or "", "Done"
    )
    line = (
        f"{how}: {result.segments_completed} of {result.segments_total} parts done "
        f"in {minutes_seconds(result.elapsed_seconds)}"
    )
    if result.holds_extended:
        line += f", {result.holds_extended} hold(s) made longer"
    if result.pain_before is not None and result.pain_after is not None:
        line += f". Pain {result.pain_before} -> {result.pain_after}"
    return line + "."
