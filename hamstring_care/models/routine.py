"""Routines: timed steps followed in order, each leg in turn where a step says so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    GetCoreSchemaHandler,
)
from pydantic_core import PydanticCustomError, core_schema

from hamstring_care.models.base import (
    Area,
    ItemOrText,
    Label,
    Method,
    Model,
    ProtocolBase,
    SourceKey,
    Text,
    describe,
)

_DURATION = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?(s|sec|min)\s*$")


@dataclass(frozen=True)
class Duration:
    """A hold in whole seconds: fixed (``min_s == max_s``) or a range such as 10-20 s."""

    min_s: int
    max_s: int

    @property
    def is_range(self) -> bool:
        """True for a range such as ``10-20s``."""
        return self.min_s != self.max_s

    def __str__(self) -> str:
        if self.is_range:
            return f"{self.min_s}-{self.max_s}s"
        return f"{self.min_s}s"

    @classmethod
    def parse(cls, value: Any) -> Duration:
        """Read ``20s``, ``10-20s`` or ``2min``; anything else is a validation error."""
        if isinstance(value, Duration):
            return value
        match = _DURATION.match(value) if isinstance(value, str) else None
        if match is None:
            raise PydanticCustomError(
                "duration",
                "expected a duration like 20s or 10-20s, got {got}",
                {"got": describe(value)},
            )
        scale = 60 if match.group(3) == "min" else 1
        low = int(match.group(1)) * scale
        high = int(match.group(2)) * scale if match.group(2) else low
        if low <= 0:
            raise PydanticCustomError("duration", "a duration must be longer than 0s")
        if high <= low and match.group(2):
            raise PydanticCustomError(
                "duration",
                "a range goes from short to long, like 10-20s, got {got}",
                {"got": describe(value)},
            )
        return cls(low, high)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.to_string_ser_schema()
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {
            "type": "string",
            "pattern": _DURATION.pattern,
            "description": "Seconds or minutes: 20s, a range 10-20s, or 2min; at most 600s.",
            "examples": ["30s", "10-20s", "2min"],
            # Read by the YAML language server in place of the bare pattern.
            "patternErrorMessage": "expected a duration like 20s, 10-20s or 2min",
        }


MAX_HOLD_S = 600  # ten minutes: a longer hold is a typing slip (600 meant as 60?)


def _sane_hold(duration: Duration) -> Duration:
    if duration.max_s > MAX_HOLD_S:
        raise PydanticCustomError(
            "duration",
            "at most {limit}s (10 min), got {got}; split a longer hold into steps",
            {"limit": MAX_HOLD_S, "got": str(duration)},
        )
    return duration


Hold = Annotated[Duration, AfterValidator(_sane_hold)]


# A file name in the protocol folder's illustrations/ folder: never a path that could leave it.
ILLUSTRATION_PATTERN = r"^[a-z0-9][a-z0-9_-]*\.svg$"


class Step(Model):
    """One timed step of a routine."""

    title: Text
    """A few words, shown large while the step plays."""
    instruction: Text
    """What to do, in full."""
    hold: Hold
    per_side: bool
    """true: each leg in turn; false: once."""
    repeat: Annotated[int, Field(ge=1, le=50)] = 1
    """Times in a row (on each leg when per_side); with ``reps``, the sets."""
    reps: Annotated[str, Field(pattern=r"^[1-9][0-9]?(-[1-9][0-9]?)?$")] | None = None
    """An exercise with a load: repetitions in each set ("5", "6-8"). Its ``hold`` is then
    the time a set may take (a range: Enter when the set is done)."""
    reps_of: Label = "repetitions"
    """What one repetition is, in the plural: "slow lowerings"."""
    rest: Hold | None = None
    """Rest between repeats (between sets)."""
    method: Method
    """roller, ball, stretch, nerve_glide or movement: the triage's cautions act on it."""
    area: Area
    """Where on the leg: the triage's cautions act on it."""
    cue: Text | None = None
    """One short line shown while the step plays."""
    illustration: Annotated[str, Field(pattern=ILLUSTRATION_PATTERN)] | None = None
    """An SVG file name in illustrations/ beside this file, or a bundled one."""
    cautions: list[Text] = []
    """Shown with this step only."""
    sources: list[SourceKey] = []
    """Keys of this file's sources that back the step."""
    practice: bool = False
    """True when it is clinic practice rather than tested evidence; shown as such."""


class WeekDose(Model):
    """One week of an exercise's build-up: how many sessions, sets and repetitions."""

    sessions_per_week: Annotated[int, Field(ge=1, le=7)]
    sets: Annotated[int, Field(ge=1, le=10)]
    reps: Annotated[str, Field(pattern=r"^[1-9][0-9]?(-[1-9][0-9]?)?$")]

    def words(self, reps_of: str) -> str:
        """``2 sessions a week, 2 sets of 6 slow lowerings``."""
        times = {1: "once a week", 2: "twice a week"}.get(
            self.sessions_per_week, f"{self.sessions_per_week} times a week"
        )
        return f"{times}, {self.sets} sets of {self.reps} {reps_of}"


class RoutineProtocol(ProtocolBase):
    """Timed steps followed in order, each leg in turn where ``per_side``."""

    kind: Literal["routine"]
    short_title: Annotated[str, Field(min_length=1, max_length=10)] | None = None
    """A word for a record's column heading ("Roll", "Stretch"); empty: the title."""
    steps: Annotated[list[Step], Field(min_length=1)]
    cautions: list[ItemOrText] = []
    build_up: list[WeekDose] = []
    """For an exercise with a load, week by week from its first session (the last week's
    dose goes on); never two days in a row. Its steps with ``reps`` take each week's sets
    and repetitions. Empty: the steps as written, every session."""

    @property
    def per_side(self) -> bool:
        """True when some step is done on each leg in turn: a leg can be chosen for it."""
        return any(step.per_side for step in self.steps)

    @property
    def has_range_holds(self) -> bool:
        """True when some step holds for a range (10-20s), the holds that ``--hold`` replaces."""
        return any(step.hold.is_range and step.reps is None for step in self.steps)

    def dosed(self, week: WeekDose) -> RoutineProtocol:
        """The routine with a week's sets and repetitions."""
        steps = [
            s.model_copy(update={"repeat": week.sets, "reps": week.reps}) if s.reps else s
            for s in self.steps
        ]
        return self.model_copy(update={"steps": steps})
