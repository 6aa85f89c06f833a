"""Programs: stages followed day by day, each moved on from by criteria."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
)

from hamstring_care import vocab
from hamstring_care.models.base import (
    Found,
    Id,
    Item,
    ItemOrText,
    Label,
    Model,
    ProtocolBase,
    Text,
    check_unique,
)

# --- program ----------------------------------------------------------------------------


class StageQuestion(Model):
    """A yes/no question asked at each check-in of a stage: "yes" is needed to move on.

    ``{limit}`` in its text stands for the run's pain limit, so that the question never
    contradicts the number the runner has just given.
    """

    id: Id
    text: Label

    def worded(self, limit: int) -> str:
        """The question as asked, with the run's pain limit."""
        return self.text.replace("{limit}", str(limit))


class Stage(Model):
    """One stage of a program: what to do each day, and what is needed to move on."""

    id: Id
    title: Text
    summary: Text
    routines: list[Id] = []
    """Routine ids to play each day of the stage, in order."""
    activity: ItemOrText
    """The walking or running each day, in words (time, effort, intervals), with sources."""
    questions: list[StageQuestion] = []
    move_on_after: Annotated[int, Field(ge=1, le=14)] = 2
    """Good check-ins in a row in this stage before moving on."""
    running: bool = False
    """A running stage: a long break without a check-in starts again one stage lower."""
    earliest_day: Annotated[int, Field(ge=1, le=365)] | None = None
    """The stage is not reached before this day after the injury, however well it goes."""
    clearance: Text | None = None
    """Said when the stage is reached: what to have checked before it (a clinician's clearance)."""


class ProgramRules(Model):
    """Why each decision is taken: said with the decision, with its sources."""

    stop: Item
    """Stop and check again: a warning sign, a new pop, pain at rest at stop_rest_pain or more,
    or pain above the limit that has not settled by the next morning."""
    step_back: Item
    """Back one stage: pain above the limit, or not back to usual by the next morning."""
    move_on: Item
    """On to the next stage: move_on_after good check-ins in a row."""
    stay: Item
    """Stay: not yet enough good check-ins in a row."""
    above_limit: Item | None = None
    """Said at once on a day whose pain went above the limit: what the next morning decides
    and what to do tonight."""


class ProgramProtocol(ProtocolBase):
    """A graded program followed day by day: stages, each moved on from by criteria."""

    kind: Literal["program"]
    pain_limit: Annotated[int, Field(ge=0, le=vocab.PAIN_MAX)]
    """The most pain during a session (0-10) that still counts as a good session."""
    stop_rest_pain: Annotated[int, Field(ge=1, le=vocab.PAIN_MAX)] = 7
    """Pain at rest this high or higher stops the program."""
    rest_pain_limit: Annotated[int, Field(ge=0, le=vocab.PAIN_MAX)] = 10
    """Pain at rest after the session above this is not a good day: one stage back."""
    long_break_days: Annotated[int, Field(ge=1, le=90)] | None = None
    """More days than this without a check-in at a running stage: one stage back."""
    unassisted_stages: Annotated[int, Field(ge=1, le=20)] = 1
    """How many of the first stages a person may start at alone; a later one needs a
    clinician's plan, or a clearance they confirm."""
    cautions: list[ItemOrText] = []
    stages: Annotated[list[Stage], Field(min_length=1, max_length=20)]
    rules: ProgramRules

    def stage_index(self, sid: str) -> int | None:
        """The position of the stage with this id, if any."""
        return next((i for i, s in enumerate(self.stages) if s.id == sid), None)

    def stage_at(self, sid: str) -> tuple[int, Stage]:
        """The position and stage with this id; the first stage for an id it does not have."""
        index = self.stage_index(sid) or 0
        return index, self.stages[index]

    def check_references(self, found: Found) -> None:
        """Stage ids, and each stage's question ids, used once each."""
        check_unique([s.id for s in self.stages], ("stages",), found)
        for i, stage in enumerate(self.stages):
            check_unique([q.id for q in stage.questions], ("stages", i, "questions"), found)
