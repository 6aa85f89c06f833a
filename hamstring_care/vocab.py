"""The words the whole program shares: one type for each, with how it is said to a person.

A disposition, a warning sign's level, a leg, a step's method and area, a paper size and a
sheet format each exist once, here. The models, the engine, the displays, the sheets and the
command line use these types; nothing else spells them out. Imports nothing of ours.

The members are ``str`` subclasses, so each compares equal to its value and is stored and
written as that value (YAML, JSON, SQLite).
"""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

PAIN_MAX = 10
"""The pain scale: 0 (none) to 10 (the worst you can imagine), everywhere pain is asked."""

PAIN_LIMIT = 4
"""Pain during an exercise that still counts as fine (the pain-threshold trial's 4 out of 10),
unless a clinician sets a lower one: ``{limit}`` in a routine's text outside a program."""

RED_FLAGS = "red_flags"
"""The answer id of the warning-sign checklist (the other answer ids are the questions')."""


class Word(str, Enum):
    """A member that reads as its value (``str(Side.RIGHT) == "right"``)."""

    def __str__(self) -> str:
        return str(self.value)


class Disposition(Word):
    """Where the check routes, most urgent first (the order of the members is the order)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    CLINICIAN = "clinician"
    RICE = "rice"
    SELF_MASSAGE = "self_massage"

    @property
    def urgency(self) -> int:
        """0 for the most urgent; a higher number is less urgent."""
        return list(Disposition).index(self)

    @property
    def label(self) -> str:
        """The heading word that says the level without colour."""
        return _LABELS[self]

    @property
    def stops_the_check(self) -> bool:
        """Once certain, no further question is asked or needed."""
        return self in (Disposition.EMERGENCY, Disposition.URGENT)

    @property
    def ends_self_care(self) -> bool:
        """A stop check routed here ends the session: no further routine."""
        return self is not Disposition.SELF_MASSAGE


_LABELS = {
    Disposition.EMERGENCY: "EMERGENCY",
    Disposition.URGENT: "URGENT",
    Disposition.CLINICIAN: "SEE A CLINICIAN",
    Disposition.RICE: "SELF-CARE: RICE",
    Disposition.SELF_MASSAGE: "SELF-CARE: ROUTINE",
}


class Kind(Word):
    """A protocol file's kind, and what a protocol of it can do: the one table of them.

    A new kind is a member here (with its row in ``_CAN``), its model, and its renderer.
    """

    TRIAGE = "triage"
    GUIDANCE = "guidance"
    ROUTINE = "routine"
    PROGRAM = "program"

    @property
    def words(self) -> str:
        """As a sentence says it: "a routine", "guidance"."""
        return _CAN[self][0]

    @property
    def plural(self) -> str:
        """In the plural: ``routines``, ``programs``."""
        return _CAN[self][1]

    @property
    def asked(self) -> bool:
        """The check asks it (the triage)."""
        return "asked" in _CAN[self][2]

    @property
    def played(self) -> bool:
        """Played by the player: `run`, a plan's routines, offered after a check."""
        return "played" in _CAN[self][2]

    @property
    def started(self) -> bool:
        """Started, then followed day by day: `program start`."""
        return "started" in _CAN[self][2]

    @property
    def read(self) -> bool:
        """Read, at its own pace: guidance."""
        return "read" in _CAN[self][2]

    @property
    def printed(self) -> bool:
        """On a take-home sheet, and in a plan file."""
        return "printed" in _CAN[self][2]


_CAN: dict[Kind, tuple[str, str, frozenset[str]]] = {
    Kind.TRIAGE: ("the triage", "triages", frozenset({"asked"})),
    Kind.GUIDANCE: ("guidance", "guidance", frozenset({"read", "printed"})),
    Kind.ROUTINE: ("a routine", "routines", frozenset({"played", "printed"})),
    Kind.PROGRAM: ("a program", "programs", frozenset({"started", "printed"})),
}


class DecisionKind(Word):
    """What a program's check-in decided (``waiting``: the next morning is still to come)."""

    STOP = "stop"
    STEP_BACK = "step_back"
    MOVE_ON = "move_on"
    STAY = "stay"
    WAITING = "waiting"

    @property
    def words(self) -> str:
        """As history says it: "back a stage", "program stopped"."""
        return _DECISION_WORDS[self]

    def said(self, stage: str, next_stage: str | None) -> str:
        """As history says it of a check-in at ``stage``: a step back at the first stage stays."""
        if self is DecisionKind.STEP_BACK and next_stage == stage:
            return "stays at the first stage"
        return self.words


_DECISION_WORDS = {
    DecisionKind.STOP: "program stopped",
    DecisionKind.STEP_BACK: "back a stage",
    DecisionKind.MOVE_ON: "on to the next stage",
    DecisionKind.STAY: "stays",
    DecisionKind.WAITING: "next morning to come",
}


class StopReason(Word):
    """Why a routine ended before its last part."""

    HURTS = "hurts"
    """"Stop, it hurts" (s)."""
    QUIT = "quit"
    INTERRUPTED = "interrupted"
    """Ctrl-C, or the terminal closed."""


class AdviceSource(Word):
    """What gave a piece of advice: the safety state reads them all."""

    CHECK = "check"
    ROUTINE_STOP = "routine_stop"
    PROGRAM_STOP = "program_stop"
    CLEARANCE = "clearance"
    """A clinician's word, given when a program starts on a plan or at a later stage."""


class Ask(Word):
    """Which question a prompt asks: a scripted answerer answers by this, never by wording."""

    ONSET_COUNTED = "onset_counted"
    STILL_TRUE = "still_true"
    REVIEW = "review"
    WHAT_NOW = "what_now"
    LEG = "leg"
    START_ROUTINE = "start_routine"
    READ_GUIDANCE = "read_guidance"
    READ_ROUTINE = "read_routine"
    PAIN_BEFORE = "pain_before"
    PAIN_AFTER = "pain_after"
    MORNING = "morning"
    READY = "ready"
    PLAY = "play"
    STAGE_QUESTION = "stage_question"
    PAIN_DURING = "pain_during"
    WARNING_SIGN = "warning_sign"
    NEW_POP = "new_pop"
    REST_PAIN = "rest_pain"
    START_CHECK = "start_check"
    CLEARED = "cleared"
    STAGE_REASON = "stage_reason"
    """Starting alone at a later stage: the stage before it, done already?"""
    FORGET = "forget"


class FlagLevel(Word):
    """How urgent a warning sign is: the dispositions a sign alone can route to."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    CLINICIAN = "clinician"

    @property
    def disposition(self) -> Disposition:
        """The disposition of the same name."""
        return Disposition(self.value)


class Side(Word):
    """Which leg, for steps done on each leg."""

    BOTH = "both"
    RIGHT = "right"
    LEFT = "left"

    @property
    def dose_words(self) -> str:
        """As a dose says it: "each leg", "right leg only"."""
        return {"both": "each leg", "right": "right leg only", "left": "left leg only"}[self]

    @property
    def legs_words(self) -> str:
        """As history says it: "both legs", "right leg"."""
        return {"both": "both legs", "right": "right leg", "left": "left leg"}[self]

    @property
    def legs(self) -> tuple[Side, ...]:
        """The legs played, in order: right then left for both."""
        return (Side.RIGHT, Side.LEFT) if self is Side.BOTH else (self,)


class Method(Word):
    """How a routine step works the leg; the triage's cautions act on it."""

    ROLLER = "roller"
    BALL = "ball"
    STRETCH = "stretch"
    NERVE_GLIDE = "nerve_glide"
    MOVEMENT = "movement"


class Area(Word):
    """Where on the leg a step works; the triage's cautions act on it."""

    BACK_OF_THIGH = "back_of_thigh"
    SIT_BONE = "sit_bone"
    BUTTOCK = "buttock"
    BACK_OF_KNEE = "back_of_knee"
    CALF = "calf"
    SOLE = "sole"


class Paper(Word):
    """Paper sizes for the PDF and the HTML's print style."""

    A4 = "a4"
    LETTER = "letter"


class SheetFormat(Word):
    """Formats of a take-home sheet."""

    PDF = "pdf"
    HTML = "html"
    MD = "md"
    TXT = "txt"
    SUMMARY = "summary"
    """The prescription in a few lines of plain text, for a clinical record."""


W = TypeVar("W", bound=Word)


def known(kind: type[W], value: str | None) -> W | None:
    """The word written as ``value``, or None for anything else.

    A history file may hold words this version does not know (or, crafted, anything).
    """
    try:
        return kind(value)
    except ValueError:
        return None
