"""The protocol formats, declared as pydantic models.

A protocol file is one of three kinds: ``triage`` (red flags, questions, ordered rules),
``guidance`` (sections of advice) or ``routine`` (timed steps). Unknown keys are errors
everywhere. Checks that span several fields (a rule naming a question that does not exist)
live in ``cross_check`` so that each can point at the exact field that is wrong.

This module imports pydantic, so only the loader imports it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from hamstring_care import vocab
from hamstring_care.dates import read_date

NOTES_LIMIT = 50_000  # characters: about 20 printed pages; more is surely a wrong file
NAME_LIMIT = 200  # characters of a name, a phone, an appointment: a line or two on a sheet
ADDRESS_LIMIT = 500  # characters of an address, line breaks kept
EMERGENCY_NUMBER_LIMIT = 20  # 999, 911, 112, or a local number with its prefix

ProtocolKind = Literal["triage", "guidance", "routine", "program"]
# The shared words, read from the files' plain text (the models are strict otherwise).
Disposition = Annotated[vocab.Disposition, Field(strict=False)]
FlagLevel = Annotated[vocab.FlagLevel, Field(strict=False)]
Method = Annotated[vocab.Method, Field(strict=False)]
Area = Annotated[vocab.Area, Field(strict=False)]
Side = Annotated[vocab.Side, Field(strict=False)]
Paper = Annotated[vocab.Paper, Field(strict=False)]

_DURATION = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?(s|sec|min)\s*$")
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"  # ids name files too: `protocols new` checks the same
# A file name in the protocol folder's illustrations/ folder: never a path that could leave it.
_ILLUSTRATION = r"^[a-z0-9][a-z0-9_-]*\.svg$"


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


def describe(value: Any) -> str:
    """Name a wrong input for an error message without dumping a whole structure."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'"{shown}"'
    return repr(value)


def _version_text(value: Any) -> Any:
    # YAML reads 1.10 as the float 1.1: a version must stay text, so say how to write it.
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise PydanticCustomError(
            "version", 'write the version in quotes, like "1.0", so YAML keeps it as text'
        )
    return value


def _text_item(value: Any) -> Any:
    # A list item may be plain text or a mapping with sources; plain text is the common case.
    return {"text": value} if isinstance(value, str) else value


Id = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        json_schema_extra={
            "patternErrorMessage": "expected an id of lower-case letters, digits, - and _"
        },
    ),
]
Text = Annotated[str, Field(min_length=1)]
Label = Annotated[str, Field(min_length=1, max_length=72)]  # one line of a prompt at 80 columns
SignText = Annotated[str, Field(min_length=1, max_length=110)]  # a warning sign: two at most
SourceKey = str


class Model(BaseModel):
    """Strict base: unknown keys are errors and no type is silently coerced."""

    # Docstrings under fields become their descriptions in the JSON Schema (editor hover);
    # authoring.py reads them when it writes the schema, not on every start. A model's
    # validator is built when first used: a check never builds the routine or plan models
    # (about 24 ms of its start-up).
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Item(Model):
    """One statement: text, the sources behind it, and whether it is clinic practice."""

    text: Text
    sources: list[SourceKey] = []
    """Keys of this file's sources that back the statement."""
    practice: bool = False
    """True when it is clinic practice rather than tested evidence; shown as such."""


ItemOrText = Annotated[Item, BeforeValidator(_text_item, json_schema_input_type=str | Item)]


class ProtocolBase(Model):
    """The header every protocol file carries."""

    id: Id
    """The protocol's id: the same as its file name without .yaml."""
    version: Annotated[
        str,
        BeforeValidator(_version_text, json_schema_input_type=str | int),
        Field(pattern=r"^\d+(\.\d+)*$", examples=["1.0"]),
    ]
    """In quotes, like "1.0"; raise it when the content changes (sheets print it)."""
    title: Text
    kind: ProtocolKind
    """triage, guidance (sections of advice), routine (timed steps) or program (stages)."""

    @property
    def can(self) -> vocab.Kind:
        """Its kind, with what a protocol of it can do (``protocol.can.played``)."""
        return vocab.Kind(self.kind)

    summary: Text
    """One or two sentences on what it is for, shown first."""
    sources: dict[Id, Text] = {}  # none is allowed, and `protocols validate` warns
    """Citations by key; statements list the keys they rest on."""
    evidence: list[ItemOrText] = []
    """What the research found, for the curious: shown with the sources, never among the
    instructions (a sheet prints it on its sources part)."""


# --- guidance ---------------------------------------------------------------------------


class Section(Model):
    """A heading with its items of advice."""

    title: Text
    items: Annotated[list[ItemOrText], Field(min_length=1)]


class GuidanceProtocol(ProtocolBase):
    """Advice to read, in sections (RICE for the first days, for example)."""

    kind: Literal["guidance"]
    sections: Annotated[list[Section], Field(min_length=1)]


# --- routine ----------------------------------------------------------------------------


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
    illustration: Annotated[str, Field(pattern=_ILLUSTRATION)] | None = None
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


# --- triage -----------------------------------------------------------------------------

Scalar = str | int | bool


class Condition(Model):
    """One test on the answers; exactly one form per condition.

    Forms: ``{answer: ID, is: VALUE or [VALUES]}``;
    ``{answer: ID, at_least/at_most/above/below: N}``;
    ``{answer: ID, includes: VALUE or [VALUES]}`` (a checklist answer holds any of them);
    ``{flag: ID}`` (that red flag ticked); ``{flag_level: LEVEL}`` (any red flag of that level);
    ``{all: [...]}``; ``{any: [...]}``; ``{always: true}``.
    """

    model_config = ConfigDict(populate_by_name=True)

    answer: str | None = None
    is_: Scalar | list[Scalar] | None = Field(default=None, alias="is")
    includes: str | list[str] | None = None
    at_least: int | None = None
    at_most: int | None = None
    above: int | None = None
    below: int | None = None
    flag: str | None = None
    flag_level: FlagLevel | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    always: Literal[True] | None = None

    @property
    def values(self) -> list[Scalar]:
        """The values an ``is`` or ``includes`` test names, as a list (one or several)."""
        given = self.is_ if self.is_ is not None else self.includes
        return list(given) if isinstance(given, list) else [] if given is None else [given]

    @property
    def comparisons(self) -> dict[str, int]:
        """The numeric tests given, by name."""
        pairs = {"at_least": self.at_least, "at_most": self.at_most}
        pairs |= {"above": self.above, "below": self.below}
        return {name: n for name, n in pairs.items() if n is not None}

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        forms = [
            name
            for name in ("answer", "flag", "flag_level", "all", "any", "always")
            if getattr(self, name) is not None
        ]
        if len(forms) != 1:
            raise PydanticCustomError(
                "condition",
                "a condition needs exactly one of: answer, flag, flag_level, all, any, always",
            )
        tests = (self.is_ is not None) + (self.includes is not None) + bool(self.comparisons)
        if self.answer is not None and tests != 1:
            raise PydanticCustomError(
                "condition",
                "an answer test needs one of: is, includes, or at_least/at_most/above/below",
            )
        if self.answer is None and tests:
            raise PydanticCustomError(
                "condition", "is/includes/at_least/at_most/above/below go with answer"
            )
        return self


class Choice(Model):
    """One option of a choice question."""

    value: Id
    label: Label


class YesNoLabels(Model):
    """Whole-sentence answers to a yes/no question, so that "Yes" cannot be misread."""

    yes: Label
    no: Label
    not_sure: Label = "Not sure"

    @model_validator(mode="before")
    @classmethod
    def _yaml_keys(cls, data: Any) -> Any:
        # YAML 1.1 reads the unquoted keys yes: and no: as booleans.
        if isinstance(data, dict):
            return {
                ({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else k): v
                for k, v in data.items()
            }
        return data


class Question(Model):
    """A question asked after the red flags, in file order.

    Types: ``choice`` (one of ``choices``), ``checklist`` (any of ``choices``, or none: the
    answer is a list), ``number`` (a whole number within ``min``/``max``) and ``yes_no``
    (yes, no or not_sure).
    """

    id: Id
    type: Literal["choice", "checklist", "number", "yes_no"]
    text: Text
    help: Text | None = None
    choices: list[Choice] = []
    none_label: Label | None = None
    """checklist: the answer that ticks nothing, e.g. "None of these"."""
    labels: YesNoLabels | None = None
    """yes_no: the answers as whole sentences ("Yes, walking doesn't hurt")."""
    min: int | None = None
    max: int | None = None
    not_sure_means: Literal["yes", "no"] | None = None
    better: Literal["lower", "higher"] | None = None  # which way a number answer improves
    ask_if: Condition | None = None
    role: Literal["days_since_onset"] | None = None
    """What the program reads this answer as, whatever its id: ``days_since_onset`` (a
    re-check counts it on; a program's floors count from the injury's day)."""
    recheck: Literal["keep", "confirm", "ask"] = "ask"
    """At a re-check: ``keep`` what cannot have changed (age), ``confirm`` with "still true?",
    or ``ask`` again."""
    keep: list[Id] = []
    """A checklist's ticks that a re-check keeps (a past clot stays a past clot)."""

    def yes_no_words(self) -> dict[str, str]:
        """A yes/no question's answers in words, by answer id: its own sentences or Yes/No."""
        given = self.labels or YesNoLabels(yes="Yes", no="No")
        return {"yes": given.yes, "no": given.no, "not_sure": given.not_sure}

    @model_validator(mode="before")
    @classmethod
    def _yaml_yes_no(cls, data: Any) -> Any:
        # YAML 1.1 reads an unquoted yes/no as a boolean.
        if isinstance(data, dict) and isinstance(data.get("not_sure_means"), bool):
            data = {**data, "not_sure_means": "yes" if data["not_sure_means"] else "no"}
        return data

    @model_validator(mode="after")
    def _fits_type(self) -> Question:
        if self.type in ("choice", "checklist") and len(self.choices) < 2:
            raise PydanticCustomError(
                "question", "a {type} question needs at least two choices", {"type": self.type}
            )
        if self.type not in ("choice", "checklist") and self.choices:
            raise PydanticCustomError("question", "choices go with type: choice or checklist")
        if (self.type == "checklist") != (self.none_label is not None):
            raise PydanticCustomError(
                "question", "a checklist question needs none_label, and only a checklist has one"
            )
        if self.type != "yes_no" and self.labels is not None:
            raise PydanticCustomError("question", "labels go with type: yes_no")
        if self.type == "yes_no" and self.not_sure_means is None:
            raise PydanticCustomError(
                "question",
                "a yes_no question needs not_sure_means: the riskier answer, yes or no",
            )
        if self.type != "yes_no" and self.not_sure_means is not None:
            raise PydanticCustomError("question", "not_sure_means goes with type: yes_no")
        if self.type != "number" and (self.min is not None or self.max is not None):
            raise PydanticCustomError("question", "min and max go with type: number")
        if self.type != "number" and self.better is not None:
            raise PydanticCustomError("question", "better goes with type: number")
        return self


class RedFlag(Model):
    """A warning sign, screened before anything else.

    ``warning_sign: false`` marks a checklist answer that is not a sign itself ("I'm not
    sure"): it routes like one but is left off printed sheets.
    """

    id: Id
    level: FlagLevel
    text: SignText
    advice: Text | None = None
    """What to do about this sign when the result's title is not enough (a clot: today)."""
    warning_sign: bool = True
    sources: list[SourceKey] = []
    practice: bool = False


class RedFlagScreen(Model):
    """The first question: a checklist of warning signs."""

    prompt: Text
    none_label: Label
    flags: Annotated[list[RedFlag], Field(min_length=1)]


class StepSelector(Model):
    """Matches routine steps by method and/or area; an empty selector matches none."""

    method: Method | None = None
    area: Area | None = None

    def matches(self, step: Step) -> bool:
        """True when every given field equals the step's."""
        given = {k: v for k, v in (("method", self.method), ("area", self.area)) if v}
        return bool(given) and all(getattr(step, k) == v for k, v in given.items())


class Caution(Model):
    """A caution the rules can raise, and what it does to routine steps."""

    id: Id
    text: Text
    skip: list[StepSelector] = []
    note: list[StepSelector] = []
    sources: list[SourceKey] = []
    practice: bool = False


class RuleCaution(Model):
    """A caution a rule raises, optionally only when a condition holds."""

    caution: Id
    when: Condition | None = None


def _rule_caution(value: Any) -> Any:
    return {"caution": value} if isinstance(value, str) else value


RaisedCaution = Annotated[
    RuleCaution, BeforeValidator(_rule_caution, json_schema_input_type=str | RuleCaution)
]
"""A caution id, or a mapping with the id and a condition."""


class Rule(Model):
    """When ``when`` holds (and no earlier rule did), the result is ``disposition``."""

    id: Id
    when: Condition
    disposition: Disposition
    because: Text
    cautions: list[RaisedCaution] = []
    protocols: list[Id] | None = None
    advice: list[ItemOrText] = []
    """Said under "What to do now" before the disposition's own advice, when this rule decides."""
    title: Label | None = None
    """The result's title when this rule decides, in place of the disposition's: how soon,
    where a source gives it ("Book a clinician within a week")."""
    sources: list[SourceKey] = []
    practice: bool = False


class Note(Model):
    """Said with a result when ``when`` holds, with its cautions; it never sets the level."""

    id: Id
    when: Condition
    text: Text
    cautions: list[RaisedCaution] = []
    dispositions: list[Disposition] = []
    """Only with these results (none: with any)."""
    protocols: list[Id] = []
    """Guidance to offer with the result, after its own (e.g. RICE for the first days)."""
    sources: list[SourceKey] = []
    practice: bool = False


class DispositionInfo(Model):
    """What a disposition tells the user to do now."""

    title: Text
    advice: Annotated[list[ItemOrText], Field(min_length=1)]
    protocols: list[Id] = []


class Dispositions(Model):
    """Advice for each of the five dispositions; all are required."""

    emergency: DispositionInfo
    urgent: DispositionInfo
    clinician: DispositionInfo
    rice: DispositionInfo
    self_massage: DispositionInfo

    def of(self, disposition: vocab.Disposition | str) -> DispositionInfo:
        """The advice for one disposition."""
        info: DispositionInfo = getattr(self, vocab.Disposition(disposition).value)
        return info


class StopChoice(Model):
    """One answer to the stop check, and where it routes (none: carry on)."""

    label: Label
    disposition: Disposition | None = None
    because: Text | None = None
    """Why this answer ends self-care, said in its advice ("Why") with its own sources."""
    sources: list[SourceKey] = []
    practice: bool = False


class StopCheck(Model):
    """What the player asks after "stop, it hurts"."""

    prompt: Text
    choices: Annotated[list[StopChoice], Field(min_length=2)]

    def choice_for(self, disposition: Disposition | None) -> StopChoice | None:
        """The answer that routes to ``disposition`` (a stop is saved by its level)."""
        return next((c for c in self.choices if c.disposition == disposition), None)


class Recheck(Model):
    """Ask again when the last check routed to ``after`` and ``hours`` have passed."""

    after: Disposition
    hours: Annotated[int, Field(ge=1, le=24 * 30)]
    text: Text  # "{ago}" is replaced by how long ago, e.g. "Two days ago"
    sources: list[SourceKey] = []
    practice: bool = False


class NotImproving(Model):
    """Pain after the routine not coming down over ``days`` of sessions: say so, route on."""

    days: Annotated[int, Field(ge=4, le=90)]
    text: Text
    disposition: Disposition
    sources: list[SourceKey] = []
    practice: bool = False


class FollowUp(Model):
    """What the progress log watches for between checks."""

    recheck: Recheck | None = None
    not_improving: NotImproving | None = None


class TriageProtocol(ProtocolBase):
    """Red flags, questions and ordered rules; the first rule that holds decides."""

    kind: Literal["triage"]
    notice: Text
    red_flags: RedFlagScreen
    stop_check: StopCheck
    questions: Annotated[list[Question], Field(min_length=1)]
    cautions: list[Caution] = []
    dispositions: Dispositions
    rules: Annotated[list[Rule], Field(min_length=1)]
    notes: list[Note] = []
    """Said with any result when their condition holds (the rules still set the level)."""
    follow_up: FollowUp = FollowUp()

    def question(self, qid: str) -> Question | None:
        """The question with this id, if any."""
        return next((q for q in self.questions if q.id == qid), None)

    @property
    def onset_question(self) -> Question | None:
        """The question whose answer is the days since the pain began (its declared role)."""
        return next((q for q in self.questions if q.role == "days_since_onset"), None)

    def flag(self, fid: str) -> RedFlag | None:
        """The red flag with this id, if any."""
        return next((f for f in self.red_flags.flags if f.id == fid), None)

    def caution(self, cid: str) -> Caution | None:
        """The caution with this id, if any."""
        return next((c for c in self.cautions if c.id == cid), None)


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


AnyProtocol = TriageProtocol | GuidanceProtocol | RoutineProtocol | ProgramProtocol
MODELS: dict[str, type[ProtocolBase]] = {
    "triage": TriageProtocol,
    "guidance": GuidanceProtocol,
    "routine": RoutineProtocol,
    "program": ProgramProtocol,
}


# --- checks across fields ---------------------------------------------------------------

Path = tuple[str | int, ...]
Found = list[tuple[Path, str]]  # (field path, message) problems, appended to as they are found
YES_NO = ("yes", "no", "not_sure")


def cross_check(protocol: ProtocolBase) -> list[tuple[Path, str]]:
    """Find references that the field types alone cannot check, each with its field path."""
    found: list[tuple[Path, str]] = []
    _check_sources(protocol, protocol, (), found)
    if isinstance(protocol, TriageProtocol):
        _check_triage(protocol, found)
    if isinstance(protocol, ProgramProtocol):
        _duplicates([s.id for s in protocol.stages], ("stages",), found)
        for i, stage in enumerate(protocol.stages):
            _duplicates([q.id for q in stage.questions], ("stages", i, "questions"), found)
    return found


def _check_sources(protocol: ProtocolBase, node: Any, path: Path, found: Found) -> None:
    # Every `sources: [key]` list anywhere must name a key of the protocol's own sources.
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name == "sources" and isinstance(value, list):
                for i, key in enumerate(value):
                    if key not in protocol.sources:
                        found.append(
                            ((*path, name, i), f'no source "{key}" in this file\'s sources')
                        )
            else:
                _check_sources(protocol, value, (*path, name), found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_sources(protocol, value, (*path, i), found)


def _duplicates(ids: list[str], path: Path, found: Found) -> None:
    seen: set[str] = set()
    for i, key in enumerate(ids):
        if key in seen:
            found.append(((*path, i, "id"), f'"{key}" is used twice'))
        seen.add(key)


def _check_triage(p: TriageProtocol, found: Found) -> None:
    _duplicates([q.id for q in p.questions], ("questions",), found)
    _duplicates([f.id for f in p.red_flags.flags], ("red_flags", "flags"), found)
    _duplicates([c.id for c in p.cautions], ("cautions",), found)
    _duplicates([r.id for r in p.rules], ("rules",), found)
    _duplicates([n.id for n in p.notes], ("notes",), found)
    roles: set[str] = set()
    for i, q in enumerate(p.questions):
        earlier = {e.id for e in p.questions[:i]}
        if q.ask_if is not None:
            _check_condition(p, q.ask_if, ("questions", i, "ask_if"), found, earlier)
        if q.role is not None:
            if q.role in roles:
                found.append((("questions", i, "role"), f"another question has the role {q.role}"))
            if q.type != "number":
                found.append(
                    (("questions", i, "role"), f"the role {q.role} needs a number question")
                )
            roles.add(q.role)
        if q.keep and q.type != "checklist":
            found.append((("questions", i, "keep"), "only a checklist keeps ticks"))
        for j, value in enumerate(q.keep):
            if value not in {c.value for c in q.choices}:
                found.append((("questions", i, "keep", j), f'no choice "{value}" to keep'))
    raisers = {
        "rules": [(r.when, r.cautions) for r in p.rules],
        "notes": [(n.when, n.cautions) for n in p.notes],
    }
    for group, items in raisers.items():
        for i, (when, cautions) in enumerate(items):
            _check_condition(p, when, (group, i, "when"), found)
            for j, rc in enumerate(cautions):
                where = (group, i, "cautions", j)
                if p.caution(rc.caution) is None:
                    found.append(((*where, "caution"), f'no caution "{rc.caution}" under cautions'))
                if rc.when is not None:
                    _check_condition(p, rc.when, (*where, "when"), found)
    _check_order(p, found)
    last = len(p.rules) - 1
    for i, rule in enumerate(p.rules):
        if rule.when.always and i != last:
            found.append((("rules", i + 1), "never reached: the rule before it always holds"))
            break
    if not p.rules[last].when.always:
        found.append(
            (
                ("rules", last, "when"),
                "the last rule must be `always: true`, so that every answer reaches a result",
            )
        )


def _check_order(p: TriageProtocol, found: Found) -> None:
    # The first rule that holds decides, so a rule below a less urgent one could be shadowed
    # by it: one more warning sign would then lower the advice. Most urgent first, always.
    for i in range(1, len(p.rules)):
        before, rule = p.rules[i - 1], p.rules[i]
        if rule.disposition.urgency < before.disposition.urgency:
            found.append(
                (
                    ("rules", i, "disposition"),
                    f"rules go from most to least urgent: {rule.disposition} comes after "
                    f"{before.disposition} (rule {before.id})",
                )
            )


def _check_condition(
    p: TriageProtocol, c: Condition, path: Path, found: Found, known: set[str] | None = None
) -> None:
    for group in ("all", "any"):
        for i, sub in enumerate(getattr(c, group) or []):
            _check_condition(p, sub, (*path, group, i), found, known)
    if c.flag is not None and p.flag(c.flag) is None:
        found.append(((*path, "flag"), f'no red flag "{c.flag}"'))
    if c.answer is None:
        return
    q = p.question(c.answer)
    if q is None or (known is not None and q.id not in known):
        where = "earlier in questions" if known is not None else "under questions"
        found.append(((*path, "answer"), f'no question "{c.answer}" {where}'))
        return
    if c.comparisons and q.type != "number":
        found.append((path, f'"{q.id}" is not a number question'))
    if c.includes is not None and q.type != "checklist":
        found.append((path, f'"{q.id}" is not a checklist question: use is'))
    if c.is_ is not None and q.type == "checklist":
        found.append((path, f'"{q.id}" is a checklist question: use includes'))
    values = c.values
    allowed = answer_values(q)
    for value in values:
        if allowed is not None and normalise_yes_no(q, value) not in allowed:
            found.append(
                (
                    (*path, "is"),
                    f"{describe(value)} is not an answer to {q.id}; "
                    f"expected one of: {', '.join(allowed)}",
                )
            )


def answer_values(q: Question) -> tuple[str, ...] | None:
    """The allowed answers of a choice or yes/no question; None for numbers."""
    if q.type in ("choice", "checklist"):
        return tuple(c.value for c in q.choices)
    if q.type == "yes_no":
        return YES_NO
    return None


def normalise_yes_no(q: Question, value: Any) -> Any:
    """YAML reads unquoted yes/no as booleans: turn them back into the answer ids."""
    if q.type == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    return value


# --- plans ------------------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    # Dates are read as text (the loader keeps YAML from building dates) and checked here.

    if value is None:
        return None
    day = read_date(value) if isinstance(value, str) else None
    if day is None:
        raise PydanticCustomError(
            "date",
            "expected a date like 2026-11-21 (years 1900 to 2999), got {got}",
            {"got": describe(value)},
        )
    return day


Name = Annotated[str, Field(min_length=1, max_length=NAME_LIMIT)]
Address = Annotated[str, Field(min_length=1, max_length=ADDRESS_LIMIT)]
EmergencyNumber = Annotated[str, Field(min_length=1, max_length=EMERGENCY_NUMBER_LIMIT)]


MAX_PLAN_PROTOCOLS = 20  # a take-home plan holds a few; thousands would render for minutes


class PlanProtocol(Model):
    """One protocol of a plan, with the clinician's overrides."""

    id: Id
    side: Side = vocab.Side.BOTH
    hold: Annotated[int, Field(ge=1, le=MAX_HOLD_S)] | None = None
    stage: Id | None = None
    """Programs only: the stage to start at (a clinician's choice)."""
    pain_limit: Annotated[int, Field(ge=0, le=vocab.PAIN_MAX)] | None = None
    """Programs only: a stricter pain limit than the program's (never a higher one)."""


class Schedule(Model):
    """How often, and for how long the adherence table runs."""

    times_per_day: Annotated[int, Field(ge=1, le=6)] = 1
    days: Annotated[int, Field(ge=1, le=90)] = 14
    """How many days the plan runs; the record lists the days with sessions."""
    days_per_week: Annotated[int, Field(ge=1, le=7)] = 7
    """Days a week with sessions, spread through each week from the first day."""


class Clinic(Model):
    """A clinic's details, typed once: ``clinic.yaml`` in the user config folder.

    Every sheet printed there carries them unless a plan file or an option says otherwise.
    """

    clinic: Name | None = None
    clinician: Name | None = None
    clinic_phone: Name | None = None
    """The clinic's phone number, as the patient should dial it."""
    clinic_address: Address | None = None
    """The clinic's address (line breaks kept)."""
    emergency_number: EmergencyNumber | None = None
    """The emergency number to call, e.g. 999, 911 or 112."""
    paper: Paper | None = None
    logo: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    """A PNG or SVG file (at most 256 KiB), relative to this file's folder: printed at the
    top of PDF and HTML sheets."""


class Plan(Model):
    """A prescription kept in a file: printed with ``print --plan``, played with ``run --plan``."""

    patient: Name | None = None
    clinician: Name | None = None
    clinic: Name | None = None
    date: Annotated[dt.date | None, BeforeValidator(_iso_date)] = None
    schedule: Schedule = Schedule()
    protocols: Annotated[list[PlanProtocol], Field(min_length=1, max_length=MAX_PLAN_PROTOCOLS)]
    notes: Annotated[str, Field(max_length=NOTES_LIMIT)] | None = None
    paper: Paper = vocab.Paper.A4
    clinic_phone: Name | None = None
    """The clinic's phone number, as the patient should dial it."""
    clinic_address: Address | None = None
    """The clinic's address (line breaks kept)."""
    next_appointment: Name | None = None
    """The next appointment, in the words to print (e.g. "Tue 1 Dec, 10:30")."""
    emergency_number: EmergencyNumber | None = None
    """The emergency number to call, e.g. 999, 911 or 112 (else "your local emergency
    number")."""
