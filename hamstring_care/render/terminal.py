"""The content model drawn with Rich, for a terminal.

AnyProtocol and user text always goes in as ``Text`` (never parsed as markup), so a protocol
that contains ``[bold]`` shows it literally. Colour is never the only signal: every
disposition also has a heading word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hamstring_care.render.content import (
    EVIDENCE_HEADING,
    Block,
    Citations,
    ResultContent,
    Statement,
    disposition_content,
    result_content,
)
from hamstring_care.sanitize import visible
from hamstring_care.source.reading import display_name
from hamstring_care.vocab import Disposition

if TYPE_CHECKING:
    from hamstring_care.models import AnyProtocol, Item, TriageProtocol
    from hamstring_care.source.library import Entry
    from hamstring_care.triage import TriageResult

MAX_WIDTH = 100
"""Panels and tables stop growing here: wider lines are hard to read across."""

STYLES = {
    Disposition.EMERGENCY: ("bold white on red", "red"),
    Disposition.URGENT: ("bold red", "red"),
    Disposition.CLINICIAN: ("bold yellow", "yellow"),
    Disposition.RICE: ("bold cyan", "cyan"),
    Disposition.SELF_MASSAGE: ("bold green", "green"),
}


def sources_block(listing: list[str]) -> RenderableType:
    """Return a "Sources" heading over the numbered sources (nothing when there are none)."""
    if not listing:
        return Text()
    return Group(Text("Sources", style="bold"), *(Text(line, style="dim") for line in listing))


def bullet(text: str | Text, *, detail: list[Text] | None = None) -> Table:
    """Return a bulleted paragraph whose wrapped lines stay under its text (a hanging indent)."""
    grid = Table.grid(padding=(0, 1), pad_edge=True)
    grid.add_column(width=2, justify="right")
    grid.add_column(ratio=1)
    grid.add_row("•", text)
    for line in detail or []:
        grid.add_row("", line)
    return grid


def statement(s: Statement) -> Table:
    """A statement as a bullet: its text, its citation dimmed, the answers behind it."""
    detail = [Text(line, style="dim") for line in s.detail]
    return bullet(Text(s.text) + Text(s.cite, style="dim"), detail=detail)


def notice(protocol: TriageProtocol) -> RenderableType:
    """Return the not-medical-advice notice shown before any question."""
    return Panel(
        Text(protocol.notice), title=Text(protocol.title), border_style="blue", expand=False
    )


def result_view(content: ResultContent) -> RenderableType:
    """A result (or a level's advice) as a panel coloured by urgency, and labelled."""
    heading_style, border = STYLES[content.disposition]
    parts: list[RenderableType] = [Text(content.title, style=heading_style)]
    for section in content.sections:
        parts += [Text(), Text(section.heading, style="bold")] if section.heading else [Text()]
        parts += [statement(s) for s in section.statements]
    if content.sources:
        parts += [Text(), sources_block(content.sources)]
    panel = Panel(Group(*parts), title=Text(content.label), title_align="left", border_style=border)
    return Constrain(panel, MAX_WIDTH)


NOW_HEADING = "What to do now"


def result_now(content: ResultContent, note: str, most: int | None = None) -> RenderableType:
    """The level and what to do now, on their own.

    The part of a result that must stay in sight when the whole of it is taller than the
    screen.
    ``most`` statements at most (the others said to be above); ``note`` says where the rest
    is (the why and the sources, above, and how to read it all again).
    """
    heading_style, border = STYLES[content.disposition]
    statements = now_statements(content)
    shown = statements if most is None else statements[:most]
    parts: list[RenderableType] = [Text(content.title, style=heading_style)]
    parts += [bullet(Text(s.text)) for s in shown]
    if len(shown) < len(statements):
        parts.append(Text(f"… and {len(statements) - len(shown)} more above.", style="dim"))
    parts.append(Text(note, style="dim"))
    title = Text(f"{content.label} · {NOW_HEADING.lower()}")
    panel = Panel(Group(*parts), title=title, title_align="left", border_style=border)
    return Constrain(panel, MAX_WIDTH)


def now_statements(content: ResultContent) -> list[Statement]:
    """A result's "what to do now" (a level's advice on its own has no heading)."""
    section = next((s for s in content.sections if s.heading in (NOW_HEADING, "")), None)
    return section.statements if section else []


def result_panel(
    result: TriageResult, protocol: TriageProtocol, citations: Citations | None = None
) -> RenderableType:
    """A triage result as a panel."""
    return result_view(result_content(result, protocol, citations))


def disposition_panel(
    disposition: Disposition, protocol: TriageProtocol, because: Item | None = None
) -> RenderableType:
    """A disposition's advice on its own, e.g. after "stop, it hurts", with why."""
    return result_view(disposition_content(disposition, protocol, because=because))


def block_view(block: Block) -> RenderableType:
    """A protocol: a routine's table of steps, guidance's sections, the triage's rules."""
    parts: list[RenderableType] = [
        Text(block.title, style="bold underline"),
        Text(block.summary),
    ]
    if block.steps:
        parts.append(Text(block.schedule, style="dim"))
    if block.before:
        parts += [Text(), Text("Before you start", style="bold")]
        parts += [statement(s) for s in block.before]
    for section in block.sections:
        parts += [Text(), Text(section.heading, style="bold")]
        parts += [statement(s) for s in section.statements]
    if block.steps:
        table = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
        table.add_column("#", justify="right", width=2)
        table.add_column("Step", ratio=4)
        table.add_column("Dose", no_wrap=True)
        for step in block.steps:
            cell = Text(step.title, style="bold") + Text(step.cite, style="dim")
            cell.append("\n" + step.instruction)
            if step.cue:
                cell.append(f"\nCue: {step.cue}", style="italic")
            for caution in step.cautions:
                cell.append(f"\n! {caution}", style="yellow")
            # The sheet's words for the dose, one part a line: a narrow column at any width.
            dose = step.dose.replace(" · ", "\n").replace(", ", "\n")
            table.add_row(str(step.number), cell, Text(dose))
        parts += [Text(), table]
    if block.dropped:
        parts += [Text(), Text("Left out for you", style="bold")]
        parts += [bullet(Text(line)) for line in block.dropped]
    if block.evidence:
        parts += [Text(), Text(EVIDENCE_HEADING, style="bold")]
        parts += [statement(s) for s in block.evidence]
    parts += [Text(), sources_block(block.sources)]
    return Constrain(Group(Text(), *parts), MAX_WIDTH)


def protocol_list(entries: list[tuple[Entry, AnyProtocol | None, str | None]]) -> RenderableType:
    """The table for ``protocols list``: id, kind, version, title and the file that won.

    Drawn lightly (a rule under the heads), so that ids and paths fit 80 columns whole; a
    path too long for its column folds onto the next line, never cut.
    """
    table = Table(
        show_header=True, header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False
    )
    table.add_column("id", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("version", no_wrap=True)
    table.add_column("title and file", overflow="fold")
    for entry, protocol, error in entries:
        cell = Text(f"invalid: {error}", style="red") if protocol is None else Text(protocol.title)
        cell.append(f"\n{display_name(entry.path)}", style="dim")
        if entry.overrides:
            replaced = ", ".join(display_name(p) for p in entry.overrides)
            cell.append(f"\n(overrides {replaced})", style="dim")
        kind, version = (protocol.kind, protocol.version) if protocol else ("", "")
        # The id is a file's name: shown, never read as markup or obeyed as escapes.
        table.add_row(Text(visible(entry.id)), kind, version, cell)
    return table
