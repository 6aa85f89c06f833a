"""One prescription: which protocols, for which leg, with which hold, how often.

The sheet prints it and the player plays it, and both read the doses from the player's own
timeline (``player.timeline.build``), so the paper and the terminal cannot disagree. Pure:
no I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeAlias

from hamstring_care.player.timeline import build, total_seconds
from hamstring_care.source.drawings import Logo
from hamstring_care.vocab import Paper, Side
from hamstring_care.words import count

if TYPE_CHECKING:
    from hamstring_care.models import (
        GuidanceProtocol,
        ProgramProtocol,
        RoutineProtocol,
        Step,
    )

    Advice: TypeAlias = RoutineProtocol | GuidanceProtocol | ProgramProtocol

TIMES_A_DAY = {1: "Once a day", 2: "Twice a day"}
BOTH_TOGETHER = "both legs together"
"""A step done once with both legs working (the Nordic): never one leg."""


@dataclass(frozen=True)
class Prescribed:
    """A protocol as prescribed: for routines, the leg and the hold for range steps."""

    protocol: Advice
    side: Side = Side.BOTH
    hold: int | None = None
    stage: str | None = None
    """Programs: the stage the runner starts at."""
    pain_limit: int | None = None
    """Programs: a stricter pain limit than the program's."""

    @property
    def is_routine(self) -> bool:
        """True for a routine (played), false for guidance (read)."""
        return self.protocol.can.played

    @property
    def leg(self) -> Side | None:
        """The leg it is done on; None for a routine done with both legs together.

        A routine without a step done on each leg (the Nordic) never names one leg, whatever
        side a plan or an option gave.
        """
        if self.is_routine and not getattr(self.protocol, "per_side", True):
            return None
        return Side(self.side)

    def command(self, program: str = "hamstring-care") -> str:
        """The command that gives the same thing in the terminal.

        ``program``: the command as the terminal runs it (``uv run hamstring-care`` in a
        clone); a sheet names the installed one.
        """
        if self.protocol.can.started:
            words = [program, "program", "start", self.protocol.id]
            if self.side != Side.BOTH:
                words += ["--side", self.side]
            if self.stage is not None:
                words += ["--stage", self.stage]
            if self.pain_limit is not None:
                words += ["--pain-limit", str(self.pain_limit)]
            return " ".join(words)
        if not self.is_routine:
            return f"{program} protocols show {self.protocol.id}"
        words = [program, "run", self.protocol.id]
        # --hold changes range holds only: where there are none it would only mislead.
        ranged = getattr(self.protocol, "has_range_holds", False)  # routines only
        if self.hold is not None and ranged:
            words += ["--hold", str(self.hold)]
        if self.leg not in (None, Side.BOTH):
            words += ["--side", self.side]
        return " ".join(words)


@dataclass(frozen=True)
class Prescription:
    """Everything a take-home sheet says about who, what and how often."""

    items: tuple[Prescribed, ...]
    date: dt.date
    patient: str | None = None
    clinician: str | None = None
    clinic: str | None = None
    notes: str | None = None
    times_per_day: int = 1
    days: int = 14
    days_per_week: int = 7
    paper: Paper = Paper.A4
    clinic_phone: str | None = None
    clinic_address: str | None = None
    next_appointment: str | None = None
    emergency_number: str | None = None
    logo: Logo | None = None
    """The clinic's logo, read and checked at the edge."""

    @property
    def routines(self) -> list[Prescribed]:
        """The prescribed routines, in order."""
        return [item for item in self.items if item.is_routine]

    def with_stage_routines(self, find: Callable[[str], RoutineProtocol]) -> Prescription:
        """With the routines its programs' stages play, each after its program, for its leg.

        A program's sheet shows what it asks for; a routine already prescribed stays where
        it is, as prescribed.
        """
        items = list(self.items)
        for item in self.items:
            if not item.protocol.can.started:
                continue
            stages = getattr(item.protocol, "stages", [])
            at = items.index(item) + 1
            for rid in dict.fromkeys(r for stage in stages for r in stage.routines):
                if all(other.protocol.id != rid for other in items):
                    items.insert(at, Prescribed(find(rid), item.side))
                    at += 1
        return replace(self, items=tuple(items))


@dataclass(frozen=True)
class StepDose:
    """What the player will do for one step: its holds, repeats and legs."""

    step: Step
    legs: tuple[str, ...]
    repeats: int
    min_seconds: int
    max_seconds: int
    rest_seconds: int

    @property
    def side(self) -> Side | None:
        """The leg or legs it is done on (None for a step done once, not on a leg)."""
        if not self.legs:
            return None
        return Side.BOTH if len(self.legs) == 2 else Side(self.legs[0])

    def how_long(self) -> str:
        """How long, and how many times: ``3 spots, 10-20 s each``, ``45 s``.

        A range hold is a spot held until it eases, so its repeats are spots; a held
        stretch's are holds; a roll done again is a pass.
        """
        low, high = self.min_seconds, self.max_seconds
        seconds = f"{low}-{high} s" if low < high else f"{high} s"
        if self.step.reps:
            # An exercise with a load: sets and repetitions, never a time that reads as one
            # long effort.
            text = f"{count(self.repeats, 'set')} of {self.step.reps} {self.step.reps_of}"
            if self.rest_seconds and self.repeats > 1:
                text += f", {self.rest_seconds} s rest between sets"
            return text
        if self.step.hold.is_range:
            text = f"{count(self.repeats, 'spot')}, {seconds} each"
        elif self.repeats > 1:
            noun = REPEAT_NOUNS.get(self.step.method, ("time", "times"))
            text = f"{count(self.repeats, *noun)}, {seconds} each"
        else:
            return seconds
        if self.rest_seconds and self.repeats > 1:
            text += f", {self.rest_seconds} s rest"
        return text

    @property
    def leg_words(self) -> str:
        """``each leg``, ``right leg only``, or for a step done once ``both legs together``."""
        return self.side.dose_words if self.side is not None else BOTH_TOGETHER

    def grid(self) -> list[tuple[str, str]]:
        """The dose as labelled parts, for a grid: how long, then the leg."""
        return [("How long", self.how_long()), ("Leg", self.leg_words.capitalize())]

    def words(self) -> str:
        """The dose in one line: ``3 spots, 10-20 s each · right leg only``."""
        return f"{self.how_long()} · {self.leg_words}"


REPEAT_NOUNS = {"stretch": ("hold", "holds"), "roller": ("pass", "passes")}
"""What a repeat of a fixed hold is called, by the step's method."""


def step_doses(
    steps: list[Step], side: Side = Side.BOTH, hold: int | None = None
) -> list[StepDose]:
    """Each step's dose, read from the timeline the player plays."""
    segments = build(steps, sides=side, hold=hold, count_in=0)
    doses = []
    for step_no, step in enumerate(steps, 1):
        work = [s for s in segments if s.step_no == step_no and s.kind == "work"]
        rests = [s.seconds for s in segments if s.step_no == step_no and s.kind == "rest"]
        legs = tuple(dict.fromkeys(s.side for s in work if s.side))
        doses.append(
            StepDose(
                step=step,
                legs=legs,
                repeats=len(work) // max(1, len(legs)),
                min_seconds=work[0].min_seconds,
                max_seconds=work[0].seconds,
                rest_seconds=rests[0] if rests else 0,
            )
        )
    return doses


def duration(steps: list[Step], side: Side = Side.BOTH, hold: int | None = None) -> str:
    """How long a session takes, from the player's timeline, never read as per leg.

    ``about 11 min for both legs (about 5 min a leg)``, ``about 5 min (left leg only)``,
    ``about 6 min (both legs together)``.
    """

    def minutes(sides: Side) -> int:
        return max(1, round(total_seconds(build(steps, sides=sides, hold=hold)) / 60))

    if not any(step.per_side for step in steps):
        return f"about {minutes(side)} min ({BOTH_TOGETHER})"
    if side == Side.BOTH:
        return f"about {minutes(side)} min for both legs (about {minutes(Side.RIGHT)} min a leg)"
    return f"about {minutes(side)} min ({side.dose_words})"


def how_often(times_per_day: int, days_per_week: int = 7) -> str:
    """``Once a day``, ``Twice a day``, ``3 times a day, 3 days a week``."""
    words = TIMES_A_DAY.get(times_per_day, f"{times_per_day} times a day")
    return words if days_per_week == 7 else f"{words}, {days_per_week} days a week"


def session_days(start: dt.date, days: int, days_per_week: int = 7) -> list[dt.date]:
    """The days with sessions: ``days_per_week`` of each 7, spread evenly from ``start``."""
    chosen = {round(i * 7 / days_per_week) for i in range(days_per_week)}
    return [start + dt.timedelta(days=offset) for offset in range(days) if offset % 7 in chosen]


def content_hash(protocol: Advice) -> str:
    """A short fingerprint of a protocol's content, printed on the sheet's footer.

    Two copies with the same id and version but different content (an edited file) differ
    here. Comments and layout of the file do not count: only what the program reads.
    """
    data = json.dumps(protocol.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:8]
