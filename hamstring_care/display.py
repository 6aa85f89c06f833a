"""Rich renderables for results, guidance, routines and protocols.

Protocol and user text always goes in as ``Text`` (never parsed as markup), so a protocol
that contains ``[bold]`` shows it literally. Colour is never the only signal: every
disposition also has a heading word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from hamstring_care.report import Citations, result_report
from hamstring_care.vocab import Disposition, FlagLevel

if TYPE_CHECKING:
    from hamstring_care.library import Entry
    from hamstring_care.models import (
        GuidanceProtocol,
        Item,
        Protocol,
        TriageProtocol,
    )
    from hamstring_care.triage import TailoredRoutine, TriageResult

STYLES = {
    Disposition.EMERGENCY: ("bold white on red", "red"),
    Disposition.URGENT: ("bold red", "red"),
    Disposition.CLINICIAN: ("bold yellow", "yellow"),
    Disposition.RICE: ("bold cyan", "cyan"),
    Disposition.SELF_MASSAGE: ("bold green", "green"),
}


class Footnotes(Citations):
    """Citations as dim Rich text, with the numbered list to close a view."""

    def cite_text(self, keys: list[str], practice: bool = False) -> Text:
        """Return the citation suffix as dim text."""
        return Text(self.cite(keys, practice), style="dim")

    def render(self) -> RenderableType:
        """Return the numbered list of cited sources."""
        return sources_block(self.listing())


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


def _item(item: Item, notes: Footnotes) -> Table:
    return bullet(Text(item.text) + notes.cite_text(item.sources, item.practice))


def notice(protocol: TriageProtocol) -> RenderableType:
    """Return the not-medical-advice notice shown before any question."""
    return Panel(
        Text(protocol.notice), title=Text(protocol.title), border_style="blue", expand=False
    )


def result_panel(result: TriageResult, protocol: TriageProtocol) -> RenderableType:
    """Return the result report as a panel coloured by urgency (and labelled, not only coloured)."""
    report = result_report(result, protocol)
    heading_style, border = STYLES[report.disposition]
    parts: list[RenderableType] = [Text(report.title, style=heading_style)]
    for section in report.sections:
        parts += [Text(), Text(section.heading, style="bold")]
        for b in section.bullets:
            detail = [Text(line, style="dim") for line in b.detail]
            parts.append(bullet(Text(b.text) + Text(b.cite, style="dim"), detail=detail))
    if report.sources:
        parts += [Text(), sources_block(report.sources)]
    return Panel(Group(*parts), title=Text(report.label), title_align="left", border_style=border)


def disposition_panel(disposition: Disposition, protocol: TriageProtocol) -> RenderableType:
    """Return a disposition's advice on its own, e.g. after "stop, it hurts"."""
    info = protocol.dispositions.of(disposition)
    heading_style, border = STYLES[disposition]
    notes = Footnotes(protocol.sources)
    parts: list[RenderableType] = [Text(info.title, style=heading_style), Text()]
    parts += [_item(item, notes) for item in info.advice]
    if notes.order:
        parts += [Text(), notes.render()]
    return Panel(
        Group(*parts), title=Text(disposition.label), title_align="left", border_style=border
    )


def guidance(protocol: GuidanceProtocol) -> RenderableType:
    """A guidance protocol in full: sections of items, then its sources."""
    notes = Footnotes(protocol.sources)
    parts: list[RenderableType] = [
        Text(protocol.title, style="bold underline"),
        Text(protocol.summary),
    ]
    for section in protocol.sections:
        parts += [Text(), Text(section.title, style="bold")]
        parts += [_item(item, notes) for item in section.items]
    parts += [Text(), notes.render()]
    return Group(Text(), *parts)


def routine(tailored: TailoredRoutine) -> RenderableType:
    """A routine's steps, with what the cautions left out or added."""
    protocol = tailored.routine
    notes = Footnotes(protocol.sources)
    from hamstring_care.player.timeline import build, total_seconds

    # The same timeline the player plays (count-ins included), so the two never disagree.
    planned = total_seconds(build([t.step for t in tailored.steps]))
    minutes = max(1, round(planned / 60))
    parts: list[RenderableType] = [
        Text(protocol.title, style="bold underline"),
        Text(protocol.summary),
        Text(f"About {minutes} min in all.", style="dim"),
    ]
    if protocol.cautions:
        parts += [Text(), Text("Before you start", style="bold")]
        parts += [_item(item, notes) for item in protocol.cautions]
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=True)
    table.add_column("#", justify="right", width=2)
    table.add_column("Step", ratio=4)
    table.add_column("Dose", no_wrap=True)
    from hamstring_care.prescription import step_doses

    doses = step_doses([t.step for t in tailored.steps])
    for i, (tailored_step, dose) in enumerate(zip(tailored.steps, doses, strict=True), 1):
        step = tailored_step.step
        cell = Text(step.title, style="bold") + notes.cite_text(step.sources, step.practice)
        cell.append("\n" + step.instruction)
        if step.cue:
            cell.append(f"\nCue: {step.cue}", style="italic")
        for caution in [*step.cautions, *tailored_step.notes]:
            cell.append(f"\n! {caution}", style="yellow")
        # The sheet's words for the dose, read from the player's timeline, one part a line.
        table.add_row(str(i), cell, Text(dose.words().replace(", ", "\n")))
    parts += [Text(), table]
    if tailored.dropped:
        parts += [Text(), Text("Left out for you", style="bold")]
        parts += [bullet(Text(f"{step.title}: {why}")) for step, why in tailored.dropped]
    parts += [Text(), notes.render()]
    return Group(Text(), *parts)


def protocol_list(entries: list[tuple[Entry, Protocol | None, str | None]]) -> RenderableType:
    """The table for ``protocols list``: id, kind, version, title and the file that won."""
    from hamstring_care.library import display_name
    from hamstring_care.sanitize import visible

    table = Table(show_header=True, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("version", no_wrap=True)
    table.add_column("title and file")
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


def triage_protocol(protocol: TriageProtocol) -> RenderableType:
    """The triage protocol in words: flags by level, questions, rules in order."""
    notes = Footnotes(protocol.sources)
    parts: list[RenderableType] = [
        Text(protocol.title, style="bold underline"),
        Text(protocol.summary),
    ]
    for level in FlagLevel:
        parts += [Text(), Text(f"Warning signs: {level}", style="bold")]
        parts += [
            bullet(Text(f.text) + notes.cite_text(f.sources, f.practice))
            for f in protocol.red_flags.flags
            if f.level == level
        ]
    parts += [Text(), Text("Questions", style="bold")]
    parts += [bullet(Text(f"{q.id}: {q.text}")) for q in protocol.questions]
    parts += [Text(), Text("Rules (the first that holds decides)", style="bold")]
    for i, rule in enumerate(protocol.rules, 1):
        line = Text(f" {i}. ")
        line.append(rule.disposition, style=STYLES[rule.disposition][0])
        line.append(f" ({rule.id}): {rule.because}")
        parts.append(line + notes.cite_text(rule.sources, rule.practice))
    if protocol.notes:
        parts += [Text(), Text("Notes (said with any result when they hold)", style="bold")]
        parts += [
            bullet(Text(f"{n.id}: {n.text}") + notes.cite_text(n.sources, n.practice))
            for n in protocol.notes
        ]
    parts += [Text(), notes.render()]
    return Group(*parts)


def show(protocol: Protocol) -> RenderableType:
    """Any protocol, as ``protocols show`` prints it."""
    from hamstring_care.models import GuidanceProtocol, TriageProtocol
    from hamstring_care.triage import TailoredRoutine

    if isinstance(protocol, TriageProtocol):
        return triage_protocol(protocol)
    if isinstance(protocol, GuidanceProtocol):
        return guidance(protocol)
    return routine(TailoredRoutine(protocol, [_plain(s) for s in protocol.steps], []))


def _plain(step: Any) -> Any:
    from hamstring_care.triage import TailoredStep

    return TailoredStep(step, [])
