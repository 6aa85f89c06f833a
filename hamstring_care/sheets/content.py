"""What a take-home sheet says, in reading order, before any format draws it. Pure: no I/O.

Every string from a person (names, notes) or a protocol file passes through
``sanitize.clean`` here, once, so each format only has to escape for itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hamstring_care import __version__
from hamstring_care.dates import day_label, long_date
from hamstring_care.player.timeline import build, total_seconds
from hamstring_care.prescription import (
    Prescribed,
    Prescription,
    content_hash,
    how_often,
    step_doses,
)
from hamstring_care.report import Citations
from hamstring_care.sanitize import clean
from hamstring_care.vocab import FlagLevel, Side

if TYPE_CHECKING:
    from hamstring_care.models import Item, TriageProtocol

    # (protocol id, illustration file name) -> the SVG's text, or None when unavailable
    FindIllustration = Callable[[str, str], str | None]

TITLE = "Your hamstring self-care plan"
STOP_HEADING = "Stop and get help if..."


@dataclass
class Statement:
    """A sentence and its citation suffix, e.g. ``" [2] (clinic practice, ...)"``."""

    text: str
    cite: str = ""


@dataclass
class FlagGroup:
    """Warning signs of one urgency, under what to do about them."""

    action: str
    signs: list[str]


@dataclass
class StepEntry:
    """One step of a routine as the sheet shows it."""

    number: int
    title: str
    dose: str
    instruction: str
    cite: str
    cue: str | None
    cautions: list[str]
    svg: str | None


@dataclass
class Block:
    """One prescribed protocol: a routine's steps or guidance's sections."""

    id: str
    kind: str
    title: str
    summary: str
    schedule: str
    command: str
    before: list[Statement] = field(default_factory=list)
    steps: list[StepEntry] = field(default_factory=list)
    sections: list[tuple[str, list[Statement]]] = field(default_factory=list)


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
    blocks: list[Block]
    sessions_per_day: int
    days: list[str]
    notes: str | None
    sources: list[str]
    footer: list[str]

    @property
    def commands(self) -> list[str]:
        """The terminal command of each prescribed protocol."""
        return [block.command for block in self.blocks]


def build_sheet(
    prescription: Prescription, triage: TriageProtocol, illustration: FindIllustration
) -> Sheet:
    """Describe the sheet for a prescription, with the triage's warning signs."""
    citations = Citations({})
    blocks = [_block(item, prescription, citations, illustration) for item in prescription.items]
    start = prescription.date
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
        flags=_flags(triage),
        blocks=blocks,
        sessions_per_day=prescription.times_per_day,
        days=[day_label(start + dt.timedelta(days=i)) for i in range(prescription.days)],
        notes=clean(prescription.notes).strip() or None if prescription.notes else None,
        sources=[clean(line) for line in citations.listing()],
        footer=footer,
    )


def _name(value: str | None) -> str | None:
    return clean(value, one_line=True) or None if value else None


def _flags(triage: TriageProtocol) -> list[FlagGroup]:
    groups = []
    for level in FlagLevel:
        signs = [
            clean(f.text) for f in triage.red_flags.flags if f.level == level and f.warning_sign
        ]
        if signs:
            action = clean(triage.dispositions.of(level).title)
            groups.append(FlagGroup(action, signs))
    return groups


def _cite(citations: Citations, sources: dict[str, str], keys: list[str], practice: bool) -> str:
    # One numbering for the whole sheet: the same citation in two protocols is one source.
    for key in keys:
        citations.sources.setdefault(sources[key], sources[key])
    return citations.cite([sources[key] for key in keys], practice)


def _statement(item: Item, sources: dict[str, str], citations: Citations) -> Statement:
    return Statement(clean(item.text), _cite(citations, sources, item.sources, item.practice))


def _block(
    item: Prescribed,
    prescription: Prescription,
    citations: Citations,
    illustration: FindIllustration,
) -> Block:
    from hamstring_care.models import GuidanceProtocol

    protocol = item.protocol
    sources = protocol.sources
    block = Block(
        id=protocol.id,
        kind=protocol.kind,
        title=clean(protocol.title),
        summary=clean(protocol.summary),
        schedule="",
        command=item.command(),
    )
    if isinstance(protocol, GuidanceProtocol):
        block.schedule = "Read this and follow it for the days it covers."
        block.sections = [
            (clean(s.title), [_statement(i, sources, citations) for i in s.items])
            for s in protocol.sections
        ]
        return block
    steps = list(protocol.steps)
    minutes = max(1, round(total_seconds(build(steps, sides=item.side, hold=item.hold)) / 60))
    block.schedule = (
        f"{how_often(prescription.times_per_day)}, about {minutes} min each time"
        f" ({Side(item.side).dose_words})."
    )
    block.before = [_statement(c, sources, citations) for c in protocol.cautions]
    for number, dose in enumerate(step_doses(steps, item.side, item.hold), 1):
        step = dose.step
        block.steps.append(
            StepEntry(
                number=number,
                title=clean(step.title),
                dose=dose.words(),
                instruction=clean(step.instruction),
                cite=_cite(citations, sources, step.sources, step.practice),
                cue=clean(step.cue) if step.cue else None,
                cautions=[clean(c) for c in step.cautions],
                svg=illustration(protocol.id, step.illustration) if step.illustration else None,
            )
        )
    return block
