"""The content model as plain text (results, protocols, sheets) and Markdown (sheets). Pure.

Plain text is for pipes, files, screen readers and patient records: no colour, no box
drawing. ``protocols show X`` in a pipe and ``print X -f txt`` share ``block_lines``.
"""

from __future__ import annotations

import re
import textwrap

from hamstring_care.render.content import (
    ALSO_HERE,
    EVIDENCE_HEADING,
    LEG_KEY,
    START_HERE,
    Block,
    Column,
    ResultContent,
    Sheet,
    Statement,
)

WIDTH = 78
BLANK = "____________________"


def header_fields(sheet: Sheet) -> list[tuple[str, str]]:
    """Patient, clinician and date, with a line to write on when not given."""
    return [
        ("Patient", sheet.patient or BLANK),
        ("Clinician", sheet.clinician or BLANK),
        ("Date", sheet.date),
    ]


# --- plain text -------------------------------------------------------------------------


class Lines:
    """Plain-text lines wrapped to a width, with a hanging indent for lists."""

    def __init__(self, width: int = WIDTH) -> None:
        self.width = width
        self.out: list[str] = []

    def para(self, text: str, indent: str = "", first: str | None = None) -> None:
        """A paragraph (its own line breaks kept), wrapped."""
        for line in text.split("\n"):
            self.out.extend(
                textwrap.wrap(
                    line,
                    self.width,
                    initial_indent=indent if first is None else first,
                    subsequent_indent=indent,
                    break_long_words=True,
                    break_on_hyphens=False,
                )
                or [""]
            )
            first = None

    def heading(self, text: str) -> None:
        """A heading in capitals, underlined."""
        self.out.extend(["", text.upper(), "=" * min(self.width, len(text))])

    def bullets(self, heading: str, statements: list[Statement]) -> None:
        """``heading:`` over a list of statements with their citations."""
        self.out.append("")
        if heading:
            self.out.append(heading + ":")
        for s in statements:
            self.para(s.text + s.cite, "    ", "  - ")
            for extra in s.detail:
                self.para(extra, "    ")

    def sources(self, listing: list[str]) -> None:
        """The numbered sources."""
        if listing:
            self.heading("Sources")
            for source in listing:
                self.para(source, "    ", "")

    def text(self) -> str:
        """Everything written, one string."""
        return "\n".join(self.out) + "\n"


def block_lines(lines: Lines, block: Block, *, command: bool = True) -> None:
    """One protocol: summary, schedule, before you start, sections, steps, left out."""
    lines.heading(block.title)
    lines.para(block.summary)
    lines.para(block.schedule)
    if command:
        lines.out.append(f"{ALSO_HERE} {block.command}")
    if block.before:
        lines.bullets("Before you start", block.before)
    for heading, statements in block.sections:
        lines.bullets(heading, statements)
    for step in block.steps:
        lines.out.append("")
        lines.para(f"{step.number}. {step.title}", "   ", "")
        lines.para(f"Dose: {step.dose}", "   ")
        lines.para(step.instruction + step.cite, "   ")
        if step.cue:
            lines.para(f"Cue: {step.cue}", "   ")
        for caution in step.cautions:
            lines.para(f"Take care: {caution}", "   ")
    if block.dropped:
        lines.bullets("Left out for you", [Statement(line) for line in block.dropped])


def block_text(block: Block, width: int = WIDTH) -> str:
    """A protocol as plain text, with its sources (``protocols show`` in a pipe)."""
    lines = Lines(width)
    block_lines(lines, block, command=False)
    if block.evidence:
        lines.bullets("About the evidence", block.evidence)
    lines.sources(block.sources)
    return lines.text().lstrip("\n")


def result_text(content: ResultContent, width: int = 80) -> str:
    """A result as plain text: its label, title, sections and sources."""
    lines = Lines(width)
    lines.out += [content.label, content.title]
    for heading, statements in content.sections:
        lines.bullets(heading, statements)
    if content.sources:
        lines.out += ["", "Sources"]
        for source in content.sources:
            lines.para(source, "    ", "")
    return lines.text()


def to_text(sheet: Sheet, width: int = WIDTH) -> str:
    """The sheet as plain text wrapped to ``width`` columns."""
    lines = Lines(width)
    out = lines.out
    out.append(sheet.title.upper())
    if sheet.clinic:
        lines.para(sheet.clinic)
    for name, value in header_fields(sheet):
        lines.para(f"{name}: {value}", "  ", "")

    if sheet.plan or sheet.notes:
        lines.heading("Your plan")
    for label, value in sheet.plan:
        lines.para(f"{label}: {value}", "    ", "  ")
    if sheet.notes:
        lines.out.extend(["", "Notes from your clinician:"])
        lines.para(sheet.notes, "  ", "  ")

    lines.heading(sheet.stop_heading)
    for group in sheet.flags:
        lines.para(group.action + ":")
        for sign in group.signs:
            lines.para(sign, "    ", "  - ")

    for block in sheet.blocks:
        block_lines(lines, block, command=sheet.show_commands)

    if sheet.evidence:
        lines.heading(EVIDENCE_HEADING)
        for title, statements in sheet.evidence:
            lines.bullets(title, statements)
    lines.sources(sheet.sources)
    record = sheet.record
    lines.heading(record.heading)
    for line in record.legend:
        lines.para(line)
    for item in record.checklist:
        lines.para(item, "      ", "  [ ] ")
    if record.columns:
        # A few lines a day, each box named, rather than a table: a table of spaces falls
        # apart in a proportional font (an e-mail, a record's text field).
        # A session of the day a line of its own; a box never parted from its name.
        groups, start = record_lines(record.columns), len(out)
        for n, day in record.days:
            out.append("")
            if len(groups) == 1:
                lines.para(f"Day {n}, {day}: {groups[0]}", "    ", "")
            else:
                out.append(f"Day {n}, {day}:")
                for session in groups:
                    lines.para(session, "      ", "    ")
        out[start:] = [line.replace(NBSP, " ") for line in out[start:]]

    out.extend(["", "-" * width])
    lines.para(" | ".join(sheet.footer))
    return lines.text()


NBSP = "\u00a0"  # holds a box to its name while wrapping; a plain space once wrapped


def record_lines(columns: list[Column]) -> list[str]:
    """A day's boxes and blanks in words, a line a session of the day.

    ``Morning: Roll [ ]  Stretch [ ]  Before ___  After ___``; one line when the day has one
    session. Each name and its box are joined by a no-break space for the wrapping.
    """
    lines: list[list[str]] = []
    group: str | None = None
    for column in columns:
        if column.wide:
            continue
        if not lines or (column.group != group and column.group is not None):
            lines.append([f"{column.group}:"] if column.group is not None else [])
        group = column.group
        lines[-1].append(
            f"{column.heading}{NBSP}{'[ ]' if column.box else '___'}".replace(" ", NBSP)
        )
    return ["  ".join(parts) for parts in lines]


def to_summary(sheet: Sheet, width: int = WIDTH) -> str:
    """The prescription in a few lines for a clinical record: no table, no warning list.

    Who and when, how often and which leg, each protocol with its dose, the program's start
    and pain limit, the next appointment, and the protocols' versions.
    """
    lines = Lines(width)
    who = ", ".join(v for v in (sheet.patient, sheet.clinician, sheet.clinic) if v)
    lines.para(f"{sheet.title}, {sheet.date}" + (f" ({who})" if who else "") + ".")
    for label, value in sheet.plan:
        if label == "Pain limit":
            continue  # said below, with the program
        # The drawings' key is for the sheet, not for a record.
        value = value.removesuffix(f"; {LEG_KEY}")
        lines.para(f"{label}: {value}.", "  ", "")
    for block in sheet.blocks:
        if block.steps:
            doses = "; ".join(f"{step.title} {step.dose}" for step in block.steps)
            lines.para(f"- {block.title}: {block.schedule.rstrip('.')}. {doses}.", "  ")
        else:
            start = next((h for h, _ in block.sections if h.endswith(START_HERE + ")")), "")
            lines.para(f"- {block.title}" + (f": {start}" if start else "") + ".", "  ")
    if sheet.pain_limit is not None:
        lines.para(f"Pain limit during sessions: {sheet.pain_limit} out of 10.")
    if sheet.notes:
        lines.para(f"Notes: {' '.join(sheet.notes.split())}")
    lines.para("Given: the take-home sheet with the warning signs and what to do about them.")
    lines.para("Protocols: " + "; ".join(sheet.footer) + ".")
    return lines.text().replace(" · ", ", ")


# --- Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-])", re.MULTILINE)


# GFM renderers (GitHub's among them) turn a bare address into a link on their own: a
# scheme followed by // and a word starting www. An escaped colon or dot reads the same and
# is left as text (checked with cmark-gfm, GitHub's renderer). E-mail addresses stay links
# there whatever is escaped; a mail link opens nothing by itself.
_MD_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):(?=//)")
_MD_WWW = re.compile(r"\b([Ww][Ww][Ww])\.")


def md(text: str) -> str:
    """Escape text so Markdown shows it literally: no links, HTML, emphasis or tables."""
    escaped = _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))
    return _MD_WWW.sub(r"\1\\.", _MD_SCHEME.sub(r"\1\\:", escaped))


def _md_lines(text: str) -> str:
    # Keep the writer's line breaks: a Markdown hard break is a backslash at the line end.
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join("\\\n".join(md(line) for line in p.split("\n")) for p in paragraphs)


_SOURCE_NUMBER = re.compile(r"^(\[\d+\]) (.*)$", re.DOTALL)


def _md_source(source: str) -> str:
    # "[3] Author..." keeps its number as written (a bracket with no link after it is text).
    found = _SOURCE_NUMBER.match(source)
    return f"{found.group(1)} {md(found.group(2))}" if found else md(source)


def to_markdown(sheet: Sheet) -> str:
    """The sheet as CommonMark: headings, lists and a table for the daily record."""
    out = [f"# {md(sheet.title)}", ""]
    if sheet.clinic:
        out += [f"**{md(sheet.clinic)}**", ""]
    # A line to write on means nothing in a patient record: a dash says "not given".
    fields = [(name, "—" if value == BLANK else md(value)) for name, value in header_fields(sheet)]
    out += [" · ".join(f"**{name}:** {value}" for name, value in fields), ""]
    if sheet.plan or sheet.notes:
        out += ["## Your plan", ""]
    out += [f"- **{md(label)}:** {md(value)}" for label, value in sheet.plan] + [""]
    if sheet.notes:
        out += ["**Notes from your clinician:**", "", _md_lines(sheet.notes), ""]
    out += [f"## {md(sheet.stop_heading)}", ""]
    for group in sheet.flags:
        out += [f"**{md(group.action)}**", ""]
        out += [f"- {md(sign)}" for sign in group.signs] + [""]
    for block in sheet.blocks:
        out += [f"## {md(block.title)}", "", md(block.summary), "", f"*{md(block.schedule)}*", ""]
        if sheet.show_commands:
            out += [f"*{md(ALSO_HERE)}* `{block.command}`", ""]
        if block.before:
            out += ["### Before you start", ""]
            out += [f"- {md(s.text)}{s.cite}" for s in block.before] + [""]
        for title, statements in block.sections:
            out += [f"### {md(title)}", ""]
            out += [f"- {md(s.text)}{s.cite}" for s in statements] + [""]
        for step in block.steps:
            out += [f"### {step.number}. {md(step.title)}", ""]
            out += [f"**Dose:** {md(step.dose)}", "", md(step.instruction) + step.cite, ""]
            if step.cue:
                out += [f"*Cue:* {md(step.cue)}", ""]
            out += [f"**Take care:** {md(c)}" + "\n" for c in step.cautions]
    if sheet.evidence:
        out += [f"## {EVIDENCE_HEADING}", ""]
        for title, statements in sheet.evidence:
            out += [f"**{md(title)}**", ""]
            out += [f"- {md(s.text)}{s.cite}" for s in statements] + [""]
    if sheet.sources:
        # A list, its numbers as the citations give them: pasted raw, it reads as it will
        # render, with no escapes and no line-break backslashes.
        out += ["## Sources", ""]
        out += [f"- {_md_source(source)}" for source in sheet.sources] + [""]
    record = sheet.record
    out += [f"## {md(record.heading)}", ""]
    out += [f"- {md(line)}" for line in record.legend] + [""]
    out += [f"- [ ] {md(item)}" for item in record.checklist]
    if record.columns:
        columns = ["Day", "Date", *(md(c.heading) for c in record.columns)]
        out += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for n, day in record.days:
            cells = ["[ ]" if c.box else " " for c in record.columns]
            out.append(f"| {n} | {day} | " + " | ".join(cells) + " |")
    out.append("")
    out += ["---", "", md(" · ".join(sheet.footer))]
    return "\n".join(out) + "\n"
