"""The triage: red flags, questions and ordered rules; the first rule that holds decides."""

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hamstring_care import vocab
from hamstring_care.models.base import (
    Area,
    Disposition,
    FlagLevel,
    Found,
    Id,
    ItemOrText,
    Label,
    Method,
    Model,
    Path,
    ProtocolBase,
    SignText,
    SourceKey,
    Text,
    check_unique,
    describe,
)

if TYPE_CHECKING:
    from hamstring_care.models.routine import Step

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
    all: list["Condition"] | None = None
    any: list["Condition"] | None = None
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
    def _one_form(self) -> "Condition":
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
    def _fits_type(self) -> "Question":
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

    def matches(self, step: "Step") -> bool:
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
    follow_up: FollowUp = Field(default_factory=FollowUp)  # made when missing, not at import

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

    def check_references(self, found: Found) -> None:
        """Ids used once each, conditions naming real questions, rules in order of urgency."""
        _check_triage(self, found)


YES_NO = ("yes", "no", "not_sure")


def _check_triage(p: TriageProtocol, found: Found) -> None:
    check_unique([q.id for q in p.questions], ("questions",), found)
    check_unique([f.id for f in p.red_flags.flags], ("red_flags", "flags"), found)
    check_unique([c.id for c in p.cautions], ("cautions",), found)
    check_unique([r.id for r in p.rules], ("rules",), found)
    check_unique([n.id for n in p.notes], ("notes",), found)
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
