"""Tailoring a routine to the cautions a check raised: steps dropped or annotated.

Beside the engine, not in it: the engine decides, this applies its cautions to a routine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hamstring_care.models import RoutineProtocol, Step, TriageProtocol


@dataclass(frozen=True)
class TailoredStep:
    """A routine step as this user should do it, with any caution notes added."""

    step: Step
    notes: list[str]


@dataclass(frozen=True)
class TailoredRoutine:
    """A routine with the steps that cautions drop removed, and why."""

    routine: RoutineProtocol
    steps: list[TailoredStep]
    dropped: list[tuple[Step, str]]


def tailor(
    routine: RoutineProtocol, protocol: TriageProtocol, cautions: list[str]
) -> TailoredRoutine:
    """Drop or annotate steps according to the cautions in force."""
    in_force = [c for cid in cautions if (c := protocol.caution(cid)) is not None]
    kept: list[TailoredStep] = []
    dropped: list[tuple[Step, str]] = []
    for step in routine.steps:
        skip = next((c for c in in_force if any(s.matches(step) for s in c.skip)), None)
        if skip is not None:
            dropped.append((step, skip.text))
            continue
        notes = [c.text for c in in_force if any(s.matches(step) for s in c.note)]
        kept.append(TailoredStep(step, notes))
    return TailoredRoutine(routine, kept, dropped)


def untailored(routine: RoutineProtocol) -> TailoredRoutine:
    """A routine as written, no caution in force (``protocols show``, sheets)."""
    return TailoredRoutine(routine, [TailoredStep(step, []) for step in routine.steps], [])
