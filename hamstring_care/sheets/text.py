"""A sheet as plain text or Markdown, for pasting into a patient record. Pure: no I/O."""

from __future__ import annotations

import re
import textwrap

from hamstring_care.sheets.content import Sheet

WIDTH = 78
BLANK = "____________________"
PAIN_HEADINGS = ("Pain before (0-10)", "Pain after (0-10)")


def header_fields(sheet: Sheet) -> list[tuple[str, str]]:
    """Patient, clinician and date, with a line to write on when not given."""
    return [
        ("Patient", sheet.patient or BLANK),
        ("Clinician", sheet.clinician or BLANK),
        ("Date", sheet.date),
    ]


def session_headings(sheet: Sheet) -> list[str]:
    """One column per session of the day: ``Done`` or ``Session 1``, ``Session 2``, ..."""
    if sheet.sessions_per_day == 1:
        return ["Done"]
    return [f"Session {i}" for i in range(1, sheet.sessions_per_day + 1)]


# --- plain text -------------------------------------------------------------------------


def to_text(sheet: Sheet, width: int = WIDTH) -> str:
    """The sheet as plain text wrapped to ``width`` columns."""
    out: list[str] = []

    def para(text: str, indent: str = "", first: str | None = None) -> None:
        for line in text.split("\n"):
            out.extend(
                textwrap.wrap(
                    line,
                    width,
                    initial_indent=indent if first is None else first,
                    subsequent_indent=indent,
                    break_long_words=True,
                    break_on_hyphens=False,
                )
                or [""]
            )
            first = None

    def heading(text: str) -> None:
        out.extend(["", text.upper(), "=" * min(width, len(text))])

    out.append(sheet.title.upper())
    if sheet.clinic:
        para(sheet.clinic)
    for name, value in header_fields(sheet):
        para(f"{name}: {value}", "  ", "")

    heading(sheet.stop_heading)
    for group in sheet.flags:
        para(group.action + ":")
        for sign in group.signs:
            para(sign, "    ", "  - ")

    for block in sheet.blocks:
        heading(block.title)
        para(block.summary)
        para(block.schedule)
        out.extend(["In the terminal:", f"  {block.command}"])
        if block.before:
            out.extend(["", "Before you start:"])
            for s in block.before:
                para(s.text + s.cite, "    ", "  - ")
        for title, statements in block.sections:
            out.extend(["", title + ":"])
            for s in statements:
                para(s.text + s.cite, "    ", "  - ")
        for step in block.steps:
            out.append("")
            para(f"{step.number}. {step.title}", "   ", "")
            para(f"Dose: {step.dose}", "   ")
            para(step.instruction + step.cite, "   ")
            if step.cue:
                para(f"Cue: {step.cue}", "   ")
            for caution in step.cautions:
                para(f"Take care: {caution}", "   ")

    heading("Daily record")
    columns = ["Day", "Date", *session_headings(sheet), *PAIN_HEADINGS]
    rows = [
        [str(n), day, *["[ ]"] * sheet.sessions_per_day, "", ""]
        for n, day in enumerate(sheet.days, 1)
    ]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    for row in [columns, *rows]:
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())

    if sheet.notes:
        heading("Notes from your clinician")
        para(sheet.notes)
    if sheet.sources:
        heading("Sources")
        for source in sheet.sources:
            para(source, "    ", "")
    out.extend(["", "-" * width])
    para(" | ".join(sheet.footer))
    return "\n".join(out) + "\n"


# --- Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+=-])", re.MULTILINE)


def md(text: str) -> str:
    """Escape text so Markdown shows it literally: no links, HTML, emphasis or tables."""
    return _MD_LINE_START.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", text))


def _md_lines(text: str) -> str:
    # Keep the writer's line breaks: a Markdown hard break is a backslash at the line end.
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "\n\n".join("\\\n".join(md(line) for line in p.split("\n")) for p in paragraphs)


def to_markdown(sheet: Sheet) -> str:
    """The sheet as CommonMark: headings, lists and a table for the daily record."""
    out = [f"# {md(sheet.title)}", ""]
    if sheet.clinic:
        out += [f"**{md(sheet.clinic)}**", ""]
    # A line to write on means nothing in a patient record: a dash says "not given".
    fields = [(name, "—" if value == BLANK else md(value)) for name, value in header_fields(sheet)]
    out += [" · ".join(f"**{name}:** {value}" for name, value in fields), ""]
    out += [f"## {md(sheet.stop_heading)}", ""]
    for group in sheet.flags:
        out += [f"**{md(group.action)}**", ""]
        out += [f"- {md(sign)}" for sign in group.signs] + [""]
    for block in sheet.blocks:
        out += [f"## {md(block.title)}", "", md(block.summary), "", f"*{md(block.schedule)}*", ""]
        out += [f"In the terminal: `{block.command}`", ""]
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
    columns = ["Day", "Date", *session_headings(sheet), *PAIN_HEADINGS]
    out += ["## Daily record", "", "| " + " | ".join(columns) + " |"]
    out.append("|" + "---|" * len(columns))
    for n, day in enumerate(sheet.days, 1):
        out.append(f"| {n} | {day} | " + "[ ] | " * sheet.sessions_per_day + " |  |")
    out.append("")
    if sheet.notes:
        out += ["## Notes from your clinician", "", _md_lines(sheet.notes), ""]
    if sheet.sources:
        out += ["## Sources", ""]
        out += [md(source) + "\\" for source in sheet.sources[:-1]]
        out += [md(sheet.sources[-1]), ""]
    out += ["---", "", md(" | ".join(sheet.footer))]
    return "\n".join(out) + "\n"
