"""A triage result as a plain document: a heading, sections of bullets, and sources.

Pure and free of Rich: ``display.result_panel`` draws it on a terminal and ``to_text`` writes
it as plain text (for pipes, files and patient records), so both always say the same thing.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hamstring_care.vocab import Disposition

if TYPE_CHECKING:
    from hamstring_care.models import Item, TriageProtocol
    from hamstring_care.triage import TriageResult

PRACTICE = "clinic practice, not research evidence"


YES_NO_SHORT = {"yes": "Yes", "no": "No", "not_sure": "Not sure"}


def plain_text_wanted(is_terminal: bool, term: str | None) -> bool:
    """Plain text for pipes, files and dumb terminals; Rich only on a real terminal."""
    return not is_terminal or term == "dumb"


class Citations:
    """Numbers sources in order of first use, so statements can cite them as [1], [2]."""

    def __init__(self, sources: dict[str, str]) -> None:
        self.sources = sources
        self.order: list[str] = []

    def cite(self, keys: list[str], practice: bool = False) -> str:
        """Return the suffix for a statement, e.g. ``" [1][3] (clinic practice, ...)"``."""
        marks = ""
        for key in keys:
            if key not in self.order:
                self.order.append(key)
            marks += f"[{self.order.index(key) + 1}]"
        return (f" {marks}" if marks else "") + (f" ({PRACTICE})" if practice else "")

    def listing(self) -> list[str]:
        """Return the numbered sources cited so far."""
        return [f"[{i}] {self.sources[key]}" for i, key in enumerate(self.order, 1)]


@dataclass
class Bullet:
    """One statement, its citation suffix, and the answers that back it."""

    text: str
    cite: str = ""
    detail: list[str] = field(default_factory=list)


@dataclass
class Section:
    """A heading and its bullets."""

    heading: str
    bullets: list[Bullet]


@dataclass
class ResultReport:
    """Everything the result says, in reading order."""

    disposition: Disposition
    label: str
    title: str
    sections: list[Section]
    sources: list[str]


def describe_answer(protocol: TriageProtocol, qid: str, value: Any, short: bool = False) -> str:
    """Put an answer in the user's words: the choice label, the flag text, the yes/no answer.

    ``short`` gives a yes/no answer as Yes, No or Not sure, for a table beside the question.
    """
    if qid == "red_flags":
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
    from hamstring_care.models import Item

    rule = next((r for r in protocol.rules if r.id == result.rule), None)
    items: list[Item] = list(rule.advice) if rule else []
    for fid in result.answers.get("red_flags") or []:
        flag = protocol.flag(fid)
        if flag is None or flag.advice is None or flag.level.disposition != result.disposition:
            continue
        if all(flag.advice != i.text for i in items):
            items.append(Item(text=flag.advice, sources=flag.sources, practice=flag.practice))
    return items + list(protocol.dispositions.of(result.disposition).advice)


def result_report(result: TriageResult, protocol: TriageProtocol) -> ResultReport:
    """Build the report: why, what to do now, the cautions in force, and the sources."""
    info = protocol.dispositions.of(result.disposition)
    citations = Citations(protocol.sources)
    by_text = {text: key for key, text in protocol.sources.items()}
    why = []
    for reason in result.reasons:
        keys = [by_text[s] for s in reason.sources if s in by_text]
        detail = []
        for qid, value in reason.answers.items():
            if qid == "red_flags":
                detail += [f"You ticked: {describe_answer(protocol, qid, [f])}" for f in value]
            elif value != "not_sure":
                question = protocol.question(qid)
                asked = question.text if question else qid
                shown = describe_answer(protocol, qid, value)
                if result.answers.get(qid) == "not_sure":
                    shown = f'Not sure (counted as "{shown}")'
                detail.append(f"{asked} {shown}")
        why.append(Bullet(reason.text, citations.cite(keys, reason.practice), detail))
    sections = [
        Section("Why", why),
        Section(
            "What to do now",
            [
                Bullet(i.text, citations.cite(i.sources, i.practice))
                for i in advice_for(result, protocol)
            ],
        ),
    ]
    cautions = [c for cid in result.cautions if (c := protocol.caution(cid))]
    if cautions:
        sections.append(
            Section(
                "Take care",
                [Bullet(c.text, citations.cite(c.sources, c.practice)) for c in cautions],
            )
        )
    return ResultReport(
        result.disposition, result.disposition.label, info.title, sections, citations.listing()
    )


def to_text(report: ResultReport, width: int = 80) -> str:
    """Write the report as plain text wrapped to ``width``: no colour, no box drawing."""
    lines = [report.label, report.title]
    for section in report.sections:
        lines += ["", section.heading]
        for bullet in section.bullets:
            lines += textwrap.wrap(
                bullet.text + bullet.cite, width, initial_indent="  - ", subsequent_indent="    "
            )
            for extra in bullet.detail:
                lines += textwrap.wrap(
                    extra, width, initial_indent="    ", subsequent_indent="    "
                )
    if report.sources:
        lines += ["", "Sources"]
        for source in report.sources:
            lines += textwrap.wrap(source, width, subsequent_indent="    ")
    return "\n".join(lines) + "\n"
