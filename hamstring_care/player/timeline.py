"""Expand a routine into timed segments before anything is shown. Pure: no clock, no I/O.

Steps x sides x repeats become a flat list: a get-ready before each step, the work holds, a
rest between repeats where the step has one, and a switch-sides pause between legs. Total
time and "next up" come from this list, and so does everything the player shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from hamstring_care.vocab import Side

if TYPE_CHECKING:
    from hamstring_care.models import Step

SegmentKind = Literal["get_ready", "work", "rest", "switch_sides"]
RANGE_HINT = "Move on when the tenderness eases (Enter)."
SET_HINT = "Press Enter when the set is done."
RANGE_HINT_HANDS_FREE = "The tenderness may ease now: the hold runs on to its end."
SET_HINT_HANDS_FREE = "The set runs on to the end of its time."


@dataclass(frozen=True)
class Segment:
    """One timed stretch of the routine.

    ``seconds`` is the planned length (a range's maximum); ``min_seconds`` is a range's
    minimum, from which the user may move on (equal to ``seconds`` for a fixed hold).
    """

    kind: SegmentKind
    step_no: int
    step: Step
    side: Side | None
    rep: int
    seconds: int
    min_seconds: int

    @property
    def is_range(self) -> bool:
        """True for a hold the user may end early once the tenderness eases."""
        return self.min_seconds < self.seconds

    @property
    def side_label(self) -> str:
        """``Right leg``, ``Left leg`` or empty."""
        return f"{self.side.capitalize()} leg" if self.side else ""

    @property
    def move_on_hint(self) -> str:
        """Said once a range hold's minimum is reached: what ends it."""
        return SET_HINT if self.step.reps else RANGE_HINT

    def hint(self, hands_free: bool = False) -> str:
        """``move_on_hint``; hands-free (no keyboard), what happens without a key."""
        if not hands_free:
            return self.move_on_hint
        return SET_HINT_HANDS_FREE if self.step.reps else RANGE_HINT_HANDS_FREE

    @property
    def heading(self) -> str:
        """What this segment is: ``Stay on a tight spot (1 of 3)``, ``Rest``, ..."""
        what = {
            "get_ready": f"Get ready: {self.step.title}",
            "work": self.step.title,
            "rest": "Rest",
            "switch_sides": f"Switch sides: {self.side_label.lower()} next",
        }[self.kind]
        if self.kind == "work" and self.step.reps:
            step = self.step
            return f"{what}: set {self.rep} of {step.repeat}, {step.reps} {step.reps_of}"
        if self.kind == "work" and self.step.repeat > 1:
            what += f" ({self.rep} of {self.step.repeat})"
        return what

    def describe(self) -> str:
        """One line for plain mode and speech: ``Right leg: Roll the back of the thigh, 60 s``."""
        what = self.heading
        length = f"{self.min_seconds}-{self.seconds} s" if self.is_range else f"{self.seconds} s"
        prefix = f"{self.side_label}: " if self.side and self.kind != "switch_sides" else ""
        return f"{prefix}{what}, {length}"


def build(
    steps: Sequence[Step],
    *,
    sides: Side = Side.BOTH,
    hold: int | None = None,
    count_in: int = 5,
) -> list[Segment]:
    """Expand steps into segments.

    Args:
        steps: the routine's steps, in order (already tailored to the user's cautions).
        sides: ``both``, ``right`` or ``left``, for steps done on each leg.
        hold: seconds that replace the hold of range steps (``--hold``).
        count_in: seconds to get into position before each step (0 for none); switching
            legs takes as long, and at least a second so that its cue is heard.
    """
    switch = max(count_in, 1)
    segments: list[Segment] = []
    for step_no, step in enumerate(steps, 1):
        legs: tuple[Side | None, ...] = Side(sides).legs if step.per_side else (None,)
        low, high = step.hold.min_s, step.hold.max_s
        if hold is not None and step.hold.is_range and step.reps is None:
            low = high = hold  # --hold is for tender spots; a set lasts as long as it takes
        rest = step.rest.max_s if step.rest else 0
        if count_in:
            segments.append(Segment("get_ready", step_no, step, legs[0], 1, count_in, count_in))
        for leg_no, leg in enumerate(legs):
            if leg_no:
                segments.append(Segment("switch_sides", step_no, step, leg, 1, switch, switch))
            for rep in range(1, step.repeat + 1):
                if rep > 1 and rest:
                    segments.append(Segment("rest", step_no, step, leg, rep, rest, rest))
                segments.append(Segment("work", step_no, step, leg, rep, high, low))
    return segments


@dataclass(frozen=True)
class StepCounts:
    """A session counted in the routine's steps, as a person counts it.

    Not in its segments: the count-ins, rests and switches between legs are not steps.
    """

    total: int
    done: int
    """Steps whose every hold was played to its end (or moved on from with Enter)."""
    skipped: int
    """Steps not done of which a hold was passed over with ``n``."""
    holds_done: int
    """Holds (work segments) played: none means no exercise was done at all."""


def step_counts(
    segments: Sequence[Segment], completed: Iterable[int], skipped: Iterable[int]
) -> StepCounts:
    """How many steps were done and skipped, from the segments completed and skipped."""
    done_segments, skipped_segments = set(completed), set(skipped)
    holds: dict[int, list[int]] = {}
    for index, segment in enumerate(segments):
        if segment.kind == "work":
            holds.setdefault(segment.step_no, []).append(index)
    done = {n for n, held in holds.items() if all(i in done_segments for i in held)}
    passed = {n for n, held in holds.items() if n not in done and skipped_segments & set(held)}
    played = sum(1 for held in holds.values() for i in held if i in done_segments)
    return StepCounts(len(holds), len(done), len(passed), played)


def total_seconds(segments: Sequence[Segment]) -> int:
    """Planned length of the whole routine, in seconds."""
    return sum(s.seconds for s in segments)


def next_up(segments: Sequence[Segment], index: int) -> Segment | None:
    """The next work segment after ``index``, for "next up"."""
    return next((s for s in segments[index + 1 :] if s.kind == "work"), None)
