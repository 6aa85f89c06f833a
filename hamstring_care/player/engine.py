"""The player loop: deadlines on a monotonic clock, keys read without blocking the timer.

Each segment ends at a deadline; the next one starts at that deadline, not at "now", so a
late wake-up never accumulates: at the end, elapsed time equals the planned time plus the
pauses. The clock, the key source, the view and the cues are passed in, so tests run a
one-hour routine in no real time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hamstring_care.player.timeline import Segment, next_up, total_seconds
from hamstring_care.vocab import Disposition, StopReason

RESUME_COUNT_IN = 3
STEP_SECONDS = 5  # what + and - add to or take from the current hold
RESTART_AFTER = 3  # "back" restarts the current segment when this far into it
EPSILON = 1e-6

# Raw key names from the key source -> what they do
ACTIONS = {
    " ": "pause",
    "space": "pause",
    "n": "next",
    "right": "next",
    "b": "back",
    "left": "back",
    "+": "longer",
    "=": "longer",
    "-": "shorter",
    "s": "hurts",
    "q": "quit",
    "?": "keys",
    "enter": "enter",
    "c-c": "interrupt",
}
KEY_LIST = (
    "Keys: Space pause · n next · b back · + or - this hold 5 s longer or shorter · "
    "Enter move on (when a hold says so) · s stop, it hurts · q quit · ? these keys"
)
"""Every key, said once in plain mode and on ``?``."""


def to_next_second(left: float) -> float:
    """Seconds until a countdown showing ``left`` seconds changes its whole number."""
    return left - math.floor(left - EPSILON) if left > 1 else left


def wait_for_key(keys: KeySource, accept: Callable[[str], bool]) -> str:
    """Wait (however long) for a key that ``accept`` takes; Ctrl-C interrupts."""
    while True:
        for key in keys.wait(None):
            if ACTIONS.get(key) == "interrupt":
                raise KeyboardInterrupt
            if accept(key):
                return key


class Clock(Protocol):
    """A monotonic clock."""

    def now(self) -> float:
        """Seconds on a monotonic scale."""


class KeySource(Protocol):
    """Keys pressed by the user."""

    def wait(self, timeout: float | None) -> list[str]:
        """Return the keys pressed, waiting at most ``timeout`` seconds (None: until a key)."""


@dataclass
class Frame:
    """Everything a view needs to draw one moment of the routine."""

    segment: Segment
    index: int
    segments: Sequence[Segment]
    seconds_left: int
    segment_fraction: float
    routine_left: int
    routine_total: int
    next_up: Segment | None
    range_reached: bool = False
    hint: str = ""
    """What ends a range hold, said once its minimum is reached."""


class View(Protocol):
    """Draws frames and announces events."""

    def frame(self, frame: Frame) -> None:
        """Show the current moment."""

    def segment(self, segment: Segment) -> None:
        """A new segment starts."""

    def event(self, text: str) -> None:
        """Announce something that happened (a pause, a range minimum, ...)."""

    def clear(self) -> None:
        """The last event is over (a pause ended, a question was answered): stop showing it."""


class Cues(Protocol):
    """Sounds and speech."""

    def segment(self, segment: Segment) -> None:
        """A new segment starts."""

    def range_minimum(self, segment: Segment) -> None:
        """A range hold reached its minimum."""


@dataclass
class Outcome:
    """How the routine went; the progress log stores it."""

    segments_total: int
    segments_completed: int = 0
    holds_extended: int = 0
    stopped_early: bool = False
    stop_reason: StopReason | None = None
    stop_disposition: Disposition | None = None
    planned_seconds: int = 0
    paused_seconds: float = 0.0
    elapsed_seconds: float = 0.0
    completed: list[int] = field(default_factory=list)
    skipped: set[int] = field(default_factory=set)
    """Segments passed over with ``n`` and not played since."""
    lengthened: set[int] = field(default_factory=set)
    """Segments whose hold was left longer than planned (the net of + and -)."""

    @property
    def segments_skipped(self) -> int:
        """How many parts were skipped."""
        return len(self.skipped)


class Player:
    """Runs a timeline against a clock, keys, a view and cues.

    ``ask_hurts`` is called after "stop, it hurts": it returns the disposition to end with
    (``rice`` or ``clinician``), or None to carry on. ``confirm_quit`` returns True to quit.
    """

    def __init__(
        self,
        segments: Sequence[Segment],
        *,
        clock: Clock,
        keys: KeySource,
        view: View,
        cues: Cues,
        ask_hurts: Callable[[], Disposition | None],
        confirm_quit: Callable[[], bool],
        on_segment: Callable[[Outcome], None] | None = None,
        around: tuple[int, int] = (0, 0),
        hands_free: bool = False,
    ) -> None:
        """Set up the loop; nothing plays until ``run``.

        ``around`` holds the seconds of a plan's routines before and after this one, so
        that the whole-routine bar counts the whole plan. ``hands_free``: there is no
        keyboard (input is not a terminal), so no hint names a key.
        """
        self.hands_free = hands_free
        self.segments = list(segments)
        self.on_segment = on_segment
        self.clock, self.keys, self.view, self.cues = clock, keys, view, cues
        self.ask_hurts, self.confirm_quit = ask_hurts, confirm_quit
        self.outcome = Outcome(len(self.segments), planned_seconds=total_seconds(self.segments))
        self.around = around
        self.index = 0
        self.started = 0.0
        self.extension = 0.0
        self.begun = 0.0
        self.starts = 0  # counts segment starts, so a restarted segment is announced again

    @property
    def elapsed(self) -> float:
        """Seconds since the routine began, pauses included."""
        return self.clock.now() - self.begun

    # --- the loop -------------------------------------------------------------------

    def run(self) -> Outcome:
        """Play every segment (or until stopped); return the outcome."""
        self.begun = self.started = self.clock.now()
        announced = range_cued = -1  # the segment start last announced / cued
        while self.index < len(self.segments) and not self.outcome.stopped_early:
            segment = self.segments[self.index]
            deadline = self.started + segment.seconds + self.extension
            now = self.clock.now()
            if now >= deadline - EPSILON:
                self._complete(next_start=deadline)
                continue
            if announced != self.starts:
                announced = self.starts
                self.cues.segment(segment)
                self.view.segment(segment)
            reached = segment.is_range and now >= self.started + segment.min_seconds - EPSILON
            if reached and range_cued != self.starts:
                range_cued = self.starts
                self.cues.range_minimum(segment)
                self.view.event(segment.hint(self.hands_free))
            self.view.frame(self._frame(now, deadline, reached))
            for key in self.keys.wait(self._next_wake(now, deadline, segment)):
                if self._handle(ACTIONS.get(key), segment, reached):
                    break  # the segment changed: recompute before reading more keys
        self.outcome.elapsed_seconds = self.clock.now() - self.begun
        return self.outcome

    def _next_wake(self, now: float, deadline: float, segment: Segment) -> float:
        # Wake when the shown whole second changes, at the range minimum, or at the deadline.
        wake = to_next_second(deadline - now)
        if segment.is_range:
            to_minimum = self.started + segment.min_seconds - now
            if to_minimum > EPSILON:
                wake = min(wake, to_minimum)
        return max(wake, 0.0)

    def _frame(self, now: float, deadline: float, reached: bool) -> Frame:
        segment = self.segments[self.index]
        length = segment.seconds + self.extension
        left = max(deadline - now, 0.0)
        later = sum(s.seconds for s in self.segments[self.index + 1 :])
        return Frame(
            segment=segment,
            index=self.index,
            segments=self.segments,
            seconds_left=math.ceil(left - EPSILON),
            segment_fraction=min(1.0, (length - left) / length) if length else 1.0,
            routine_left=math.ceil(left - EPSILON) + later + self.around[1],
            routine_total=self.outcome.planned_seconds + sum(self.around),
            next_up=next_up(self.segments, self.index),
            range_reached=reached,
            hint=segment.hint(self.hands_free),
        )

    def _complete(self, next_start: float) -> None:
        self.outcome.segments_completed += 1
        self.outcome.completed.append(self.index)
        self.outcome.skipped.discard(self.index)
        self._go(self.index + 1, next_start)

    def _go(self, index: int, start: float) -> None:
        self.index = max(0, index)
        self.started = start
        self.extension = 0.0
        self.starts += 1
        if self.on_segment is not None:
            self.outcome.elapsed_seconds = self.clock.now() - self.begun
            self.on_segment(self.outcome)

    # --- keys -----------------------------------------------------------------------

    def _handle(self, action: str | None, segment: Segment, reached: bool) -> bool:
        """Apply one key; return True when the current segment changed."""
        now = self.clock.now()
        if action == "interrupt":
            raise KeyboardInterrupt
        if action == "pause":
            self._pause("Paused. Space to resume.", until=lambda a: a in ("pause", "quit"))
        elif action == "next":
            if self.index not in self.outcome.completed:
                self.outcome.skipped.add(self.index)
            self._go(self.index + 1, now)
            return True
        elif action == "back":
            into = now - self.started
            self._go(self.index if into > RESTART_AFTER else self.index - 1, now)
            return True
        elif action == "longer":
            self.extension += STEP_SECONDS
            self._count_lengthened()
            self._said_length(f"{STEP_SECONDS} s longer", segment, now)
        elif action == "shorter":
            # Never shorter than one second from now.
            floor = now - self.started + 1 - segment.seconds
            self.extension = max(self.extension - STEP_SECONDS, floor)
            self._count_lengthened()
            self._said_length(f"{STEP_SECONDS} s shorter", segment, now)
        elif action == "keys":
            self.view.event(KEY_LIST)
        elif action == "enter" and (reached or segment.kind != "work"):
            self._complete(next_start=now)
            return True
        elif action == "enter" and segment.is_range:
            to_go = math.ceil(self.started + segment.min_seconds - now - EPSILON)
            self.view.event(f"Hold on: {to_go} s to go before you can move on.")
        elif action == "hurts":
            return self._hold_still(self._stop_it_hurts)
        elif action == "quit":
            return self._hold_still(self._quit)
        return False

    def _said_length(self, change: str, segment: Segment, now: float) -> None:
        # The hold's whole length: it stays true on the panel while the clock runs on (the
        # time left would not), and a "-" held at its one-second floor says what it did.
        whole = math.ceil(segment.seconds + self.extension - EPSILON)
        self.view.event(f"{change}: this hold is now {whole} s.")

    def _count_lengthened(self) -> None:
        # "Holds made longer" is the net of + and -: + then - - leaves none longer.
        if self.extension > EPSILON:
            self.outcome.lengthened.add(self.index)
        else:
            self.outcome.lengthened.discard(self.index)
        self.outcome.holds_extended = len(self.outcome.lengthened)

    def _hold_still(self, ask: Callable[[], bool]) -> bool:
        # Time spent answering a question is a pause: the hold does not run on meanwhile.
        paused_at = self.clock.now()
        stop = ask()
        if not stop:
            self._resume(paused_at)
        return stop

    def _stop_it_hurts(self) -> bool:
        # "Stopped" only once the answer stops it: "No: carry on" goes on playing.
        disposition = self.ask_hurts()
        if disposition is None:
            return False
        self.view.event("Stopped: it hurts.")
        self._stop(StopReason.HURTS, disposition)
        return True

    def _quit(self) -> bool:
        if not self.confirm_quit():
            return False
        self._stop(StopReason.QUIT, None)
        return True

    def _stop(self, reason: StopReason, disposition: Disposition | None) -> None:
        self.outcome.stopped_early = True
        self.outcome.stop_reason = reason
        self.outcome.stop_disposition = disposition

    def _pause(self, message: str, until: Callable[[str | None], bool]) -> None:
        paused_at = self.clock.now()
        self.view.event(message)
        while True:
            keys = self.keys.wait(None)
            actions = [ACTIONS.get(k) for k in keys]
            if "interrupt" in actions:
                raise KeyboardInterrupt
            if "quit" in actions and self._quit():
                return
            if any(until(a) for a in actions if a != "quit"):
                break
        self._resume(paused_at)

    def _resume(self, paused_at: float) -> None:
        # A short count-in, so the user is back in position before the hold runs again.
        resume_at = self.clock.now() + RESUME_COUNT_IN
        while (left := resume_at - self.clock.now()) > EPSILON:
            self.view.event(f"Resuming in {math.ceil(left - EPSILON)}...")
            for key in self.keys.wait(to_next_second(left)):
                if ACTIONS.get(key) == "interrupt":
                    raise KeyboardInterrupt
        self.view.clear()
        gap = self.clock.now() - paused_at
        self.started += gap
        self.outcome.paused_seconds += gap
