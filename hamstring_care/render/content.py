"""What is shown or printed, in reading order, before any renderer draws it. Pure: no I/O.

One model for everything: a triage result (``ResultContent``), a protocol (``Block``: a
routine's steps, guidance's sections, the triage rules), and a take-home sheet (``Sheet``,
made of the same blocks). Every statement is cited through one ``Citations`` per screen or
sheet, so a source has one number wherever it is cited there. Every string from a person or
a protocol file passes through ``sanitize.clean`` here, once, so a renderer only has to
escape for itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from hamstring_care import __version__
from hamstring_care.dates import day_label, long_date
from hamstring_care.models import (
    GuidanceProtocol,
    Item,
    ProgramProtocol,
    RoutineProtocol,
    TriageProtocol,
)
from hamstring_care.prescription import (
    BOTH_TOGETHER,
    Prescribed,
    Prescription,
    content_hash,
    duration,
    how_often,
    session_days,
    step_doses,
)
from hamstring_care.sanitize import clean
from hamstring_care.tailoring import TailoredRoutine, untailored
from hamstring_care.vocab import PAIN_LIMIT, RED_FLAGS, Disposition, FlagLevel, Side

if TYPE_CHECKING:
    from hamstring_care.models import AnyProtocol, Item, ProgramProtocol, Stage, TriageProtocol
    from hamstring_care.source.drawings import Logo
    from hamstring_care.triage import TriageResult

    # (protocol id, illustration file name) -> the SVG's text, or None when unavailable
    FindIllustration = Callable[[str, str], str | None]

PRACTICE_MARK = "†"
PRACTICE_LEGEND = f"{PRACTICE_MARK} Clinic practice, not research evidence."
"""Marked once per statement with a dagger, explained once per part under its sources."""
YES_NO_SHORT = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}


class Citable(Protocol):
    """Anything a protocol says with its sources: an item, a caution, a warning sign."""

    @property
    def text(self) -> str:
        """What is said."""

    @property
    def sources(self) -> list[str]:
        """Keys of the file's sources behind it."""

    @property
    def practice(self) -> bool:
        """True for clinic practice rather than tested evidence."""


class Citations:
    """One numbering of sources for a whole screen or sheet, in order of first use.

    Sources are known by their text, so the same study cited by two protocols is one
    number. Each part (a result, a protocol) lists the sources it cites under their shared
    numbers: see ``part``.
    """

    def __init__(self) -> None:
        self.order: list[str] = []
        self.practice = False

    def number(self, source: str) -> int:
        """The source's number, given it on first use."""
        if source not in self.order:
            self.order.append(source)
        return self.order.index(source) + 1

    def part(self, *, mark_practice: bool = True) -> CitedPart:
        """A part of the screen or sheet that lists what it cites.

        ``mark_practice=False`` leaves clinic practice unmarked (emergency advice: nothing
        there may read as optional).
        """
        return CitedPart(self, mark_practice)

    def listing(self) -> list[str]:
        """Every source cited so far, numbered, then the practice mark's legend if used."""
        numbered = [f"[{i}] {source}" for i, source in enumerate(self.order, 1)]
        return numbered + ([PRACTICE_LEGEND] if self.practice else [])


class CitedPart:
    """Cites through a shared ``Citations`` and remembers what this part cited."""

    def __init__(self, citations: Citations, mark_practice: bool = True) -> None:
        self.citations = citations
        self.mark_practice = mark_practice
        self.cited: list[str] = []
        self.practice = False

    def cite(self, sources: Iterable[str], practice: bool = False) -> str:
        """The suffix for a statement, e.g. ``" [1][3] †"``."""
        marks = ""
        for source in sources:
            marks += f"[{self.citations.number(source)}]"
            if source not in self.cited:
                self.cited.append(source)
        if practice and self.mark_practice:
            self.practice = self.citations.practice = True
            marks += f" {PRACTICE_MARK}" if marks else PRACTICE_MARK
        return f" {marks}" if marks else ""

    def item(self, item: Citable, sources: dict[str, str]) -> Statement:
        """A protocol item (text, source keys, practice) as a cited statement."""
        return Statement(clean(item.text), self.cite(_texts(item.sources, sources), item.practice))

    def listing(self) -> list[str]:
        """The sources this part cited, under their shared numbers, then the legend."""
        numbered = sorted((self.citations.number(s), s) for s in self.cited)
        legend = [PRACTICE_LEGEND] if self.practice else []
        return [f"[{n}] {clean(source)}" for n, source in numbered] + legend


def _texts(keys: Iterable[str], sources: dict[str, str]) -> list[str]:
    return [sources[key] for key in keys if key in sources]


@dataclass
class Statement:
    """A sentence, its citation suffix, and lines that back it (the answers behind a reason)."""

    text: str
    cite: str = ""
    detail: list[str] = field(default_factory=list)


class Section(NamedTuple):
    """A heading and its statements."""

    heading: str
    statements: list[Statement]


@dataclass
class ResultContent:
    """What a triage result says, in reading order (or a level's advice on its own)."""

    disposition: Disposition
    label: str
    title: str
    sections: list[Section]
    sources: list[str]


@dataclass
class FlagGroup:
    """Warning signs of one urgency, under what to do about them."""

    action: str
    signs: list[str]


@dataclass
class StepEntry:
    """One step of a routine as shown and printed."""

    number: int
    title: str
    dose: str
    """The dose in one line, as the terminal shows it."""
    grid: list[tuple[str, str]]
    """The same dose as labelled parts (how long, the leg), for a printed grid."""
    instruction: str
    cite: str
    cue: str | None
    cautions: list[str]
    svg: str | None = None


@dataclass
class Block:
    """One protocol: a routine's steps, guidance's sections, or the triage's rules."""

    id: str
    kind: str
    title: str
    summary: str
    schedule: str
    command: str
    before: list[Statement] = field(default_factory=list)
    steps: list[StepEntry] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    """Steps the cautions in force left out, each with why."""
    evidence: list[Statement] = field(default_factory=list)
    """What the research found: shown with the sources, never among the instructions."""
    sources: list[str] = field(default_factory=list)
    short: str = ""
    """A word for a record's column heading ("Roll"); empty: the title."""
    paced: bool = False
    """Its own weekly build-up sets its days (the Nordic), not the plan's days a week."""


TITLE = "Your hamstring self-care plan"
STOP_HEADING = "Most hamstring pain settles with care. Stop and get help if..."
ANY_EMERGENCY_NUMBER = "your local emergency number"
ALSO_HERE = "Also on your computer:"
EVIDENCE_HEADING = "About the evidence"
START_HERE = "you start here"
PACED = "Week by week, never two days in a row, as its section says"
"""After the heading of the stage a plan starts a runner at."""
DRAWING_KEY = "In the drawings, the leg you work is blue and drawn thicker."
LEG_KEY = "blue and drawn thicker in the drawings"
"""The drawing key beside the leg in the plan box (a line saved on page 1)."""
"""Before the terminal command on a sheet: for the patient the paper is the dose."""


# --- a triage result ----------------------------------------------------------------------


def describe_answer(protocol: TriageProtocol, qid: str, value: Any, short: bool = False) -> str:
    """Put an answer in the user's words: the choice label, the flag text, the yes/no answer.

    ``short`` gives a yes/no answer as Yes, No or Not sure, for a table beside the question.
    """
    if qid == RED_FLAGS:
        texts = [f.text for fid in value if (f := protocol.flag(fid))]
        return "; ".join(texts) or "none"
    question = protocol.question(qid)
    if question is None:
        return str(value)
    if question.type == "choice":
        return next((c.label for c in question.choices if c.value == value), str(value))
    if question.type == "checklist":
        labels = {c.value: c.label for c in question.choices}
        return "; ".join(labels.get(v, str(v)) for v in value) or (question.none_label or "none")
    if question.type == "yes_no":
        words = YES_NO_SHORT if short else question.yes_no_words()
        return words.get(value, str(value))
    return str(value)


def advice_for(result: TriageResult, protocol: TriageProtocol) -> list[Item]:
    """What to do now: the deciding rule's advice, then the ticked signs', then the level's.

    A warning sign's advice is given when the result is at that sign's level (a clot's "today"
    would be wrong under an emergency result).
    """
    rule = next((r for r in protocol.rules if r.id == result.rule), None)
    items: list[Item] = list(rule.advice) if rule else []
    for fid in result.answers.get(RED_FLAGS) or []:
        flag = protocol.flag(fid)
        if flag is None or flag.advice is None or flag.level.disposition != result.disposition:
            continue
        if all(flag.advice != i.text for i in items):
            items.append(Item(text=flag.advice, sources=flag.sources, practice=flag.practice))
    return items + list(protocol.dispositions.of(result.disposition).advice)


def result_content(
    result: TriageResult, protocol: TriageProtocol, citations: Citations | None = None
) -> ResultContent:
    """The result: why, what to do now, the cautions in force, and the sources.

    Under an emergency result nothing is marked as clinic practice: no step of it may read
    as optional.
    """
    emergency = result.disposition == Disposition.EMERGENCY
    part = (citations or Citations()).part(mark_practice=not emergency)
    why = []
    for reason in result.reasons:
        detail = []
        for qid, value in reason.answers.items():
            if qid == RED_FLAGS:
                detail += [f"You ticked: {describe_answer(protocol, qid, [f])}" for f in value]
            elif value != "not_sure":
                question = protocol.question(qid)
                asked = question.text if question else qid
                shown = describe_answer(protocol, qid, value)
                if result.answers.get(qid) == "not_sure":
                    shown = f'Not sure (counted as "{shown}")'
                detail.append(f"{asked} {shown}")
        why.append(Statement(reason.text, part.cite(reason.sources, reason.practice), detail))
    sections = [
        Section("Why", why),
        Section(
            "What to do now",
            [part.item(i, protocol.sources) for i in advice_for(result, protocol)],
        ),
    ]
    cautions = [c for cid in result.cautions if (c := protocol.caution(cid))]
    if cautions:
        sections.append(Section("Take care", [part.item(c, protocol.sources) for c in cautions]))
    return ResultContent(
        result.disposition, result.disposition.label, result_title(result, protocol), sections,
        part.listing(),
    )  # fmt: skip


def result_title(result: TriageResult, protocol: TriageProtocol) -> str:
    """What to do, as the result's title: the deciding rule's (how soon), else the level's."""
    rule = next((r for r in protocol.rules if r.id == result.rule), None)
    if rule is not None and rule.title is not None:
        return rule.title
    return protocol.dispositions.of(result.disposition).title


def disposition_content(
    disposition: Disposition,
    protocol: TriageProtocol,
    citations: Citations | None = None,
    because: Item | None = None,
    sources: dict[str, str] | None = None,
) -> ResultContent:
    """A level's advice on its own, e.g. after "stop, it hurts" or a program's stop.

    With ``because``, the advice says why, citing the stop's own sources (from ``sources``
    when they are not the triage's: a program's); the level's advice follows without the
    sources of the rules it was written for (a pop is no clot).
    """
    part = (citations or Citations()).part()
    info = protocol.dispositions.of(disposition)
    sections = []
    if because is not None:
        cited = {**protocol.sources, **(sources or {})}
        sections.append(Section("Why", [part.item(because, cited)]))
        advice = [Item(text=i.text, practice=i.practice) for i in info.advice]
        sections.append(Section("What to do now", [part.item(i, {}) for i in advice]))
    else:
        sections.append(Section("", [part.item(i, protocol.sources) for i in info.advice]))
    return ResultContent(disposition, disposition.label, info.title, sections, part.listing())


def stop_reason(protocol: TriageProtocol, disposition: Disposition) -> Item | None:
    """Why "stop, it hurts" with this answer ends self-care, with its sources."""
    choice = protocol.stop_check.choice_for(disposition)
    if choice is None or choice.because is None:
        return None
    return Item(text=choice.because, sources=choice.sources, practice=choice.practice)


# --- a protocol ---------------------------------------------------------------------------


def block_for(
    protocol: AnyProtocol | TailoredRoutine,
    citations: Citations | None = None,
    *,
    side: Side = Side.BOTH,
    hold: int | None = None,
    times_per_day: int | None = None,
    days_per_week: int = 7,
    illustration: FindIllustration | None = None,
    stage: str | None = None,
    pain_limit: int | None = None,
    titles: dict[str, str] | None = None,
) -> Block:
    """Any protocol as one block: what ``protocols show`` shows and a sheet prints.

    A routine comes as written, or tailored to the cautions of a check; ``times_per_day``
    (a prescription's) adds how often to its schedule; ``illustration`` finds its drawings.
    ``pain_limit`` is the limit its texts name (``{limit}``): a program's stricter one, or
    for a routine the sheet's; ``titles`` names a program's routines by their titles.
    """
    part = (citations or Citations()).part()
    written = protocol.routine if isinstance(protocol, TailoredRoutine) else protocol
    if isinstance(protocol, TriageProtocol):
        block = _triage_block(protocol, part)
    elif isinstance(protocol, GuidanceProtocol):
        block = _block_head(protocol, Prescribed(protocol).command())
        block.schedule = "Read this and follow it for the days it covers."
        block.sections = [
            Section(clean(s.title), [part.item(i, protocol.sources) for i in s.items])
            for s in protocol.sections
        ]
    elif isinstance(protocol, ProgramProtocol):
        stricter = (
            pain_limit if pain_limit is not None and pain_limit < protocol.pain_limit else None
        )
        block = _program_block(protocol, part, stage, side, titles, stricter)
    else:
        tailored = protocol if isinstance(protocol, TailoredRoutine) else untailored(protocol)
        often = how_often(times_per_day, days_per_week) if times_per_day else None
        limit = PAIN_LIMIT if pain_limit is None else pain_limit
        block = _routine_block(tailored, part, side, hold, often, illustration, limit)
    # Cited last: the numbers the instructions use come first.
    block.evidence = [part.item(i, written.sources) for i in written.evidence]
    block.sources = part.listing()
    return block


def worded(item: Item, limit: int) -> Item:
    """The item with ``{limit}`` in its text as the pain limit in force."""
    return item.model_copy(update={"text": item.text.replace("{limit}", str(limit))})


def _block_head(protocol: AnyProtocol, command: str) -> Block:
    return Block(
        id=protocol.id,
        kind=protocol.kind,
        title=clean(protocol.title),
        summary=clean(protocol.summary),
        schedule="",
        command=command,
    )


def _routine_block(
    tailored: TailoredRoutine,
    part: CitedPart,
    side: Side,
    hold: int | None,
    often: str | None,
    illustration: FindIllustration | None,
    limit: int = PAIN_LIMIT,
) -> Block:
    routine = tailored.routine
    sources = routine.sources
    block = _block_head(routine, Prescribed(routine, side, hold).command())
    block.short = clean(routine.short_title or "")
    steps = [t.step for t in tailored.steps]
    # One wording of the duration, from the player's own timeline (count-ins included), on
    # screen and on paper, never read as per leg.
    lasts = duration(steps, Side(side), hold)
    if routine.build_up:
        # Its days come from its build-up, never from the plan's days a week.
        block.paced = True
        block.schedule = f"Week by week as below, never two days in a row: {lasts}."
    elif often is None:
        block.schedule = lasts[0].upper() + lasts[1:] + "."
    else:
        block.schedule = f"{often}, {lasts}."
    block.before = [part.item(worded(c, limit), sources) for c in routine.cautions]
    if routine.build_up:
        reps_of = next((s.reps_of for s in routine.steps if s.reps), "repetitions")
        weeks = [
            Statement(f"Week {n}: {week.words(reps_of)}.")
            for n, week in enumerate(routine.build_up, 1)
        ]
        weeks[-1] = Statement(f"From week {len(weeks)} on: {routine.build_up[-1].words(reps_of)}.")
        heading = "Build up week by week from your first session, never two days in a row"
        block.sections = [Section(heading, weeks)]
    doses = step_doses(steps, side, hold)
    for number, (tailored_step, dose) in enumerate(zip(tailored.steps, doses, strict=True), 1):
        step = tailored_step.step
        found = illustration if illustration is not None and step.illustration else None
        grid = dose.grid()
        if routine.build_up and step.reps:
            # The first week's dose as played; the build-up beside it says the rest.
            grid[0] = (grid[0][0], f"Week 1: {grid[0][1]}")
        block.steps.append(
            StepEntry(
                number=number,
                title=clean(step.title),
                dose=("Week 1: " if routine.build_up and step.reps else "") + dose.words(),
                grid=grid,
                instruction=clean(step.instruction),
                cite=part.cite(_texts(step.sources, sources), step.practice),
                cue=clean(step.cue) if step.cue else None,
                cautions=[clean(c) for c in [*step.cautions, *tailored_step.notes]],
                svg=found(routine.id, step.illustration) if found and step.illustration else None,
            )
        )
    block.dropped = [f"{clean(step.title)}: {clean(why)}" for step, why in tailored.dropped]
    return block


def _program_block(
    program: ProgramProtocol,
    part: CitedPart,
    start: str | None,
    side: Side = Side.BOTH,
    titles: dict[str, str] | None = None,
    stricter: int | None = None,
) -> Block:
    """A program for the clinician: its stages in order, each with what moves it on.

    ``start`` (a plan's) is the stage the runner starts at, marked so. The command carries
    the leg, the stage and a stricter pain limit, so that the app follows the same program.
    """
    if stricter is not None:
        program = program.model_copy(update={"pain_limit": stricter})
    limit = program.pain_limit
    block = _block_head(
        program, Prescribed(program, side, stage=start, pain_limit=stricter).command()
    )
    leg = f" Leg: {side.legs_words}." if side != Side.BOTH else ""
    block.schedule = (
        "Each day: the stage's exercises and walk or run, then a short check-in; "
        f"the answers decide the next day's step.{leg}"
    )
    block.before = [part.item(worded(c, limit), program.sources) for c in program.cautions]
    total = len(program.stages)
    for number, stage in enumerate(program.stages, 1):
        lines = [Statement(clean(stage.summary))]
        lines.append(part.item(stage.activity, program.sources))
        if stage.routines:
            named = [clean((titles or {}).get(r, r)) for r in stage.routines]
            lines.append(Statement("Exercises: " + ", ".join(named) + "."))
        if stage.clearance:
            lines.append(Statement(clean(stage.clearance)))
        lines.append(Statement(clean(stage_criteria(program, stage))))
        here = f" ({START_HERE})" if stage.id == start else ""
        heading = f"Stage {number} of {total}: {clean(stage.title)}{here}"
        block.sections.append(Section(heading, lines))
    rules = program.rules
    block.sections.append(
        Section(
            "How each day's step is decided",
            [
                part.item(rule, program.sources)
                for rule in (rules.stop, rules.step_back, rules.move_on, rules.stay)
            ],
        )
    )
    return block


def stage_criteria(program: ProgramProtocol, stage: Stage) -> str:
    """What moves a stage on, in words."""
    if stage is program.stages[-1]:
        return "The last stage: keep going."
    asked = "".join(f' "{q.worded(program.pain_limit)}" yes;' for q in stage.questions)
    return (
        f"Move on after {stage.move_on_after} good check-ins in a row: pain during at most "
        f"{program.pain_limit} out of 10, both pain answers given,{asked} back to how it was "
        "before the session by the next morning."
    )


def _triage_block(protocol: TriageProtocol, part: CitedPart) -> Block:
    """The triage protocol in words: warning signs by level, questions, rules in order."""
    block = _block_head(protocol, "hamstring-care")
    sources = protocol.sources

    def cited(text: str, keys: list[str], practice: bool) -> Statement:
        return Statement(clean(text), part.cite(_texts(keys, sources), practice))

    for level in FlagLevel:
        signs = [
            cited(f.text, f.sources, f.practice)
            for f in protocol.red_flags.flags
            if f.level == level
        ]
        block.sections.append(Section(f"Warning signs: {level}", signs))
    questions = [Statement(clean(f"{q.id}: {q.text}")) for q in protocol.questions]
    block.sections.append(Section("Questions", questions))
    rules = [
        cited(f"{i}. {rule.disposition} ({rule.id}): {rule.because}", rule.sources, rule.practice)
        for i, rule in enumerate(protocol.rules, 1)
    ]
    block.sections.append(Section("Rules (the first that holds decides)", rules))
    if protocol.notes:
        notes = [cited(f"{n.id}: {n.text}", n.sources, n.practice) for n in protocol.notes]
        block.sections.append(Section("Notes (said with any result when they hold)", notes))
    return block


# --- a take-home sheet --------------------------------------------------------------------


@dataclass
class Column:
    """A column of the daily record after the day and the date."""

    heading: str
    box: bool = False
    """A box to tick; else a space to write a number in."""
    wide: bool = False
    """Comments: the rest of the width."""
    group: str | None = None
    """The session it belongs to ("Morning"), headed once over its columns."""


@dataclass
class Record:
    """What the patient fills in: a row a day, or for guidance alone a short checklist."""

    heading: str
    legend: list[str]
    columns: list[Column]
    days: list[tuple[int, str]]
    """The days with sessions: the plan's day number and the date's label."""
    checklist: list[str]


def _record(prescription: Prescription, blocks: list[Block], days: list[tuple[int, str]]) -> Record:

    routines = [b for b in blocks if b.kind == "routine"]
    programs = [p for item in prescription.items if (p := _program_of(item)) is not None]
    if programs:
        # A day's check-in, as `program today` asks it, for a pen. The routines printed with
        # a program are the ones its stages play, on the stages' days: no tick of their own.
        limit = sheet_pain_limit(prescription)
        rest = min(program.rest_pain_limit for program in programs)
        legend = [
            "Stage: the number of the stage you did that day.",
            f"Pain during: your worst pain in the session, 0 = none, 10 = the worst you can "
            f"imagine; at most {limit}.",
            f"Pain after: at rest after the session, 0 to 10; above {rest} is not a good day.",
            "All yes: tick when you answered yes to the stage's questions.",
            "Next morning: tick when the pain was back to how it was before the session.",
        ]
        check_in = [Column("Stage")]
        if routines:
            legend.insert(1, "Exercises: tick when you did the stage's exercises.")
            check_in.append(Column("Exercises", box=True))
        check_in += [
            Column("Pain during"),
            Column("Pain after"),
            Column("All yes", box=True),
            Column("Next morning", box=True),
            Column("Comments", wide=True),
        ]
        return Record("Check-in record", legend, check_in, days, [])
    if not routines:
        # Guidance (RICE) covers a few days: a list to tick, not two weeks of empty rows.
        items = [heading for b in blocks for heading, _ in b.sections]
        legend = ["Tick each part once you are doing what it says."]
        return Record("Checklist", legend, [], [], items)
    sessions = prescription.times_per_day
    # Up to two sessions a day side by side; more, a row each, so the page still fits.
    across = sessions if sessions <= SESSIONS_ACROSS else 1
    names = [b.short or b.title for b in routines]
    columns: list[Column] = []
    for session in range(1, across + 1):
        group = SESSION_NAMES[session - 1] if across > 1 else None
        for name in names:
            columns.append(Column("Done" if len(routines) == 1 else name, box=True, group=group))
        columns += [Column("Before", group=group), Column("After", group=group)]
    columns.append(Column("Comments", wide=True))
    named = ""
    if len(routines) > 1 and names != [b.title for b in routines]:
        pairs = zip(names, routines, strict=True)
        named = " (" + "; ".join(f"{name}: {b.title}" for name, b in pairs) + ")"
    legend = [f"Tick each routine when done{named}. Before, After: your pain, 0 = none, "
              "10 = the worst you can imagine."]  # fmt: skip
    legend += [
        f"{b.short or b.title}: only on the days its build-up gives (week 1: once), never "
        "two days in a row."
        for b in routines
        if b.paced
    ]
    if across < sessions:
        legend.append("A row for each session of the day.")
        days = [(n, f"{label}, {k}") for n, label in days for k in range(1, sessions + 1)]
    return Record("Daily record", legend, columns, days, [])


SESSION_NAMES = ("Morning", "Evening")
"""Two sessions a day, as a record heads them."""


def _program_of(item: Prescribed) -> ProgramProtocol | None:
    return item.protocol if isinstance(item.protocol, ProgramProtocol) else None


def sheet_pain_limit(prescription: Prescription) -> int:
    """The one pain limit a sheet names: its programs' strictest (a plan's, if stricter)."""
    limits = [
        min(p.pain_limit, item.pain_limit if item.pain_limit is not None else p.pain_limit)
        for item in prescription.items
        if (p := _program_of(item)) is not None
    ]
    return min(limits, default=PAIN_LIMIT)


SESSIONS_ACROSS = 2
"""Sessions a day the record shows side by side (more go a row each)."""


@dataclass
class Sheet:
    """The whole sheet, in reading order."""

    title: str
    paper: str
    date: str
    clinic: str | None
    clinician: str | None
    patient: str | None
    stop_heading: str
    flags: list[FlagGroup]
    plan: list[tuple[str, str]]
    """The "Your plan" box: how often, the leg, the next appointment, the clinic's contact."""
    blocks: list[Block]
    record: Record
    notes: str | None
    evidence: list[Section]
    """What the research found, under each protocol's title: printed with the sources."""
    sources: list[str]
    footer: list[str]
    logo: Logo | None = None
    """The clinic's logo, printed at the top of PDF and HTML sheets."""
    show_commands: bool = True
    """Print "Also on your computer:" with each routine's command (off: ``--no-command``)."""
    pain_limit: int | None = None
    """With a program: the one pain limit the sheet names everywhere."""

    @property
    def has_plan(self) -> bool:
        """True when the "Your plan" box has something to say."""
        return bool(self.plan or self.notes or self.drawing_key)

    @property
    def drawing_key(self) -> str | None:
        """What the drawings' colour means, on a line of its own.

        Only when the sheet has drawings and no "Leg" row says it (see ``_with_key``).
        """
        drawn = any(step.svg for block in self.blocks for step in block.steps)
        return DRAWING_KEY if drawn and all(label != "Leg" for label, _ in self.plan) else None

    @property
    def commands(self) -> list[str]:
        """The terminal command of each prescribed protocol."""
        return [block.command for block in self.blocks]


def build_sheet(
    prescription: Prescription, triage: TriageProtocol, illustration: FindIllustration
) -> Sheet:
    """Describe the sheet for a prescription, with the triage's warning signs.

    One pain limit is named everywhere on it (a program's stricter one, if any); the
    routines a program's stages play are printed with it (see
    ``Prescription.with_stage_routines``), scheduled by its stages, not by the days.
    """
    citations = Citations()
    limit = sheet_pain_limit(prescription)
    titles = {item.protocol.id: item.protocol.title for item in prescription.items}
    staged = _staged(prescription)
    blocks = []
    for item in prescription.items:
        block = block_for(
            item.protocol,
            citations,
            side=item.side,
            hold=item.hold,
            times_per_day=None if item.protocol.id in staged else prescription.times_per_day,
            days_per_week=prescription.days_per_week,
            illustration=illustration,
            stage=item.stage,
            pain_limit=item.pain_limit if _program_of(item) else limit,
            titles=titles,
        )
        if item.protocol.id in staged:
            block.schedule = (
                f"{staged[item.protocol.id]}: {block.schedule[0].lower()}{block.schedule[1:]}"
            )
        if (program := _program_of(item)) is not None:
            block.sections.append(_on_paper(program, limit, prescription.clinic_phone))
        blocks.append(block)
    start = prescription.date
    days = [
        ((day - start).days + 1, day_label(day))
        for day in session_days(start, prescription.days, prescription.days_per_week)
    ]
    footer = [
        f"{item.protocol.id} v{item.protocol.version} #{content_hash(item.protocol)}"
        for item in prescription.items
    ]
    footer.append(f"hamstring-care {__version__}")
    return Sheet(
        title=TITLE,
        paper=prescription.paper,
        date=long_date(start),
        clinic=_name(prescription.clinic),
        clinician=_name(prescription.clinician),
        patient=_name(prescription.patient),
        stop_heading=STOP_HEADING,
        flags=_flags(triage, prescription.emergency_number),
        plan=_with_key(_plan(prescription, limit), blocks),
        blocks=blocks,
        record=_record(prescription, blocks, days),
        notes=clean(prescription.notes).strip() or None if prescription.notes else None,
        evidence=[Section(b.title, b.evidence) for b in blocks if b.evidence],
        sources=[clean(line) for line in citations.listing()],
        footer=footer,
        logo=prescription.logo,
        pain_limit=limit if any(_program_of(item) for item in prescription.items) else None,
    )


def _staged(prescription: Prescription) -> dict[str, str]:
    """The routines a program's stages play, each with when: ``Stages 2 to 7, each day``."""
    found: dict[str, str] = {}
    for item in prescription.items:
        if (program := _program_of(item)) is None:
            continue
        for rid in dict.fromkeys(r for stage in program.stages for r in stage.routines):
            numbers = [n for n, st in enumerate(program.stages, 1) if rid in st.routines]
            first, last = numbers[0], numbers[-1]
            stages = f"Stage {first}" if first == last else f"Stages {first} to {last}"
            found.setdefault(rid, f"In {program.title}, {stages.lower()}")
    return found


def _on_paper(program: ProgramProtocol, limit: int, phone: str | None) -> Section:
    """What each decision means with this sheet alone, without the app."""
    call = f"call your clinician on {clean(phone).strip()}" if phone else "call your clinician"
    lines = [
        f"Each day, fill in a row of the check-in record. A good day: pain during at most "
        f"{limit} out of 10, pain after at most {program.rest_pain_limit}, the stage's "
        "questions yes, and back to how it was by the next morning.",
        "Move on: after the stage's good days in a row, start the next stage the next day, "
        "but not before its earliest day after the injury.",
        "Go back one stage: after a day that was not good, do the stage before from the next "
        "day, and write its number in the record.",
        "Stay: a day with an answer left blank does not count; do the same stage again.",
        f"Stop: stop the running and the exercises and {call} before you go on; for a warning "
        "sign, do what the red box says now.",
    ]
    return Section("With this sheet alone (without the app)", [Statement(t) for t in lines])


def _name(value: str | None) -> str | None:
    return clean(value, one_line=True) or None if value else None


def _plan(prescription: Prescription, limit: int) -> list[tuple[str, str]]:
    often = how_often(prescription.times_per_day, prescription.days_per_week)
    # Guidance alone (RICE) says its own days: a schedule would contradict it.
    # A routine with a weekly build-up (the Nordic) goes by it, never by the plan's days.
    paced = [
        item.protocol.title
        for item in prescription.routines
        if isinstance(item.protocol, RoutineProtocol) and item.protocol.build_up
    ]
    if not prescription.routines:
        rows = []
    elif len(paced) == len(prescription.routines):
        rows = [("How often", f"{PACED}, for {prescription.days} days")]
    else:
        also = f"; {' and '.join(paced)}: {PACED.lower()}" if paced else ""
        rows = [("How often", f"{often}, for {prescription.days} days{also}")]
    if any(_program_of(item) for item in prescription.items):
        # A program's stages say what each day holds; its routines go by the stages.
        each = f"Each day: your stage's step, then the check-in ({prescription.days} days)"
        rows = [("How often", each)]
    legs = {
        item.protocol.title: item.leg.legs_words if item.leg is not None else BOTH_TOGETHER
        for item in prescription.items
        if item.is_routine or _program_of(item) is not None
    }
    if legs:
        # The leg most of the plan is for; the others named by their titles.
        said = list(legs.values())
        main = max(said, key=said.count)
        others = "; ".join(f"{title}: {words}" for title, words in legs.items() if words != main)
        rows.append(("Leg", main.capitalize() + (f" ({others})" if others else "")))
    for label, value in (
        ("Next appointment", prescription.next_appointment),
        ("Phone", prescription.clinic_phone),
        ("Address", prescription.clinic_address),
    ):
        if value and clean(value).strip():
            rows.append((label, clean(value).strip()))
    if any(_program_of(item) for item in prescription.items):
        # A program's one limit, up front with the clinician's other choices.
        rows.append(("Pain limit", f"{limit} out of 10 at most, during each session"))
    return rows


def _with_key(plan: list[tuple[str, str]], blocks: list[Block]) -> list[tuple[str, str]]:
    """The plan's "Leg" row saying how the drawings show the leg, when there are drawings."""
    if not any(step.svg for block in blocks for step in block.steps):
        return plan
    return [(k, f"{v}; {LEG_KEY}" if k == "Leg" else v) for k, v in plan]


def _flags(triage: TriageProtocol, emergency_number: str | None = None) -> list[FlagGroup]:
    number = _name(emergency_number) or ANY_EMERGENCY_NUMBER
    groups = []
    for level in FlagLevel:
        signs = [
            clean(f.text) for f in triage.red_flags.flags if f.level == level and f.warning_sign
        ]
        if signs:
            action = clean(triage.dispositions.of(level).title)
            if level.disposition == Disposition.EMERGENCY:
                action = f"{action.rstrip('.')}, call {number}"
            groups.append(FlagGroup(action, signs))
    return groups
