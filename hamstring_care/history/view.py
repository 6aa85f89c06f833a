"""The progress log in the terminal: the table of recent records and the trend chart.

Everything is drawn with characters, so the chart reads the same with or without colour,
in a pipe, or pasted into a message to a clinician: ``░`` is pain before, ``█`` pain after.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date, tzinfo
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from hamstring_care.dates import day_label, minutes_seconds, time_label
from hamstring_care.history.progress import (
    Change,
    Day,
    PainTrend,
    compare_dispositions,
)
from hamstring_care.history.queries import AXIS, ChartData, Recent
from hamstring_care.records import ProgramCheckIn, Session, TriageRecord
from hamstring_care.render.content import describe_answer
from hamstring_care.vocab import DecisionKind, Disposition, StopReason
from hamstring_care.words import count

if TYPE_CHECKING:
    from hamstring_care.models import TriageProtocol

BEFORE, AFTER = "░", "█"


def session_outcome(session: Session) -> str:
    """How a session went, in a few words."""
    parts = session.steps_words()
    took = minutes_seconds(session.elapsed_seconds)
    if session.ended_at is None:
        return f"Did not finish (closed or killed): {parts} saved"
    if session.stop_reason is StopReason.HURTS:
        advised = session.stop_disposition
        advice = f", advised {advised.label}" if advised else ""
        return f"Stopped, it hurt{advice}: {parts}, {took}"
    if session.stop_reason is StopReason.INTERRUPTED:
        return f"Interrupted (Ctrl-C): {parts}, {took}"
    if session.stop_reason is StopReason.QUIT:
        return f"Stopped early: {parts}, {took}"
    if session.skipped:
        return f"Played {parts}, {took}"
    return f"Done: {parts}, {took}"


def pain_words(before: int | None, after: int | None) -> str:
    """``6 -> 3``, with ``-`` for a score not given."""
    if before is None and after is None:
        return ""
    return f"{'-' if before is None else before} -> {'-' if after is None else after}"


def recent_table(
    records: Sequence[Session | TriageRecord | ProgramCheckIn],
    triage: TriageProtocol,
    tz: tzinfo | None,
    stage_titles: Mapping[str, str] | None = None,
) -> Table:
    """Sessions, checks and check-ins, newest first, one row each.

    ``stage_titles`` names a program's stages by their ids (an id is shown as it is when it
    has none). A routine's id is never cut: the leg goes on the line under it.
    """
    titles = stage_titles or {}
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("When", no_wrap=True)
    table.add_column("What", no_wrap=True, overflow="fold")  # an id whole, the leg under it
    table.add_column("How it went")
    table.add_column("Pain", no_wrap=True, justify="right")
    for record in records:
        if isinstance(record, Session):
            table.add_row(
                time_label(record.started_at.astimezone(tz)),
                Text(f"{record.routine_id}\n{record.side.legs_words}"),
                Text(session_outcome(record)),
                pain_words(record.pain_before, record.pain_after),
            )
        elif isinstance(record, ProgramCheckIn):
            stage = record.check.stage
            decided = (record.decision or DecisionKind.WAITING).said(stage, record.next_stage)
            pain = record.check.pain_during
            table.add_row(
                time_label(record.taken_at.astimezone(tz)),
                "Program",
                Text(f"{titles.get(stage, stage)}: {decided}"),
                f"during {'-' if pain is None else pain}",
            )
        else:
            title = triage.dispositions.of(record.disposition).title
            what = "Re-check" if record.recheck_of else "Check"
            rest = record.answers.get("pain_at_rest")
            table.add_row(
                time_label(record.taken_at.astimezone(tz)),
                what,
                Text(title),
                f"at rest {rest}" if isinstance(rest, int) else "",
            )
    return table


# --- the chart --------------------------------------------------------------------------


STAGE_MARKS = {"move_on": "▲", "step_back": "▼", "stop": "■"}
CHECKED_IN = "•"
STAGE_LEGEND = "program: • checked in   ▲ on a stage   ▼ back a stage   ■ stopped"
DURING = "▒"


def pain_chart(
    days: Sequence[Day],
    width: int,
    changes: Mapping[date, str] | None = None,
    program: bool = False,
) -> Text:
    """Daily average pain before (░) and after (█) as columns from 0 to 10.

    With a ``program``, a third column a day: the check-ins' pain during the walk or run
    (▒). Under the axis, the number of sessions that day (blank: none), a program's
    check-ins and stage changes (when there are any), then dates at each Monday.
    """
    cell = 4 if program else 3
    out = Text()
    for level in range(10, 0, -1):
        out.append(f"{level:>2} ┤", style="dim")
        for day in days:
            out.append(" ")
            out.append(_bar(day.pain_before, level, BEFORE), style="cyan")
            out.append(_bar(day.pain_after, level, AFTER), style="green")
            if program:
                out.append(_bar(day.pain_during, level, DURING), style="magenta")
        out.append("\n")
    out.append(" 0 └" + "─" * cell * len(days) + "\n", style="dim")
    counts = "".join(f"{_count(day.sessions):>{cell}}" for day in days)
    out.append(" n  " + counts + "\n", style="dim")
    if changes or program:
        found = changes or {}
        marks = "".join(
            f"{STAGE_MARKS.get(found.get(d.day, ''), CHECKED_IN if d.check_ins else ''):>{cell}}"
            for d in days
        )
        out.append(" st " + marks + "\n", style="bold")
    out.append(_date_labels(days, width, cell))
    return out


def _bar(value: float | None, level: int, glyph: str) -> str:
    return glyph if value is not None and round(value) >= level else " "


def _count(sessions: int) -> str:
    return "" if sessions == 0 else str(sessions) if sessions < 10 else "9+"


def _date_labels(days: Sequence[Day], width: int, cell: int = 3) -> str:
    # A label at each Monday (and the first day), where it fits without overlapping.
    end = width
    line = [" "] * end
    free = 0
    for i, day in enumerate(days):
        if i and day.day.weekday() != 0:
            continue
        label = day_label(day.day)[4:]  # "21 Nov"
        at = AXIS + 1 + cell * i  # under the day's first bar
        if at < free or at + len(label) > end:
            continue
        line[at : at + len(label)] = label
        free = at + len(label) + 2
    return "".join(line).rstrip()


def weeks_chart(weeks: Sequence[tuple[date, int]], width: int) -> Text:
    """Sessions in each week, as a bar per week."""
    label_width = len("Mon 28 Sep") + 2
    weeks = list(itertools.dropwhile(lambda week: week[1] == 0, weeks)) or list(weeks[-1:])
    longest = max((n for _, n in weeks), default=0)
    room = max(10, width - label_width - 6)
    scale = min(1.0, room / longest) if longest else 1.0
    out = Text()
    for monday, sessions in weeks:
        out.append(f"{day_label(monday):<{label_width}}")
        out.append(AFTER * max(1 if sessions else 0, round(sessions * scale)), style="green")
        out.append(f" {sessions}\n")
    return out


def streak_line(days_in_a_row: int, last_session: date | None, program: bool = False) -> str:
    """The current streak in words.

    Days in a row with a session (or, in a program, a check-in).
    """
    if days_in_a_row:
        return f"Current streak: {days_in_a_row} day{'s' if days_in_a_row != 1 else ''} in a row."
    if last_session is None:
        return "Current streak: none yet."
    last = "last session or check-in" if program else "last session"
    return f"Current streak: none ({last} {day_label(last_session)})."


def trend_line(trend: PainTrend | None, period_days: int) -> str:
    """Pain after the routine, the earlier half of the period against the later half."""
    half = period_days // 2
    if trend is None:
        return (
            f"Pain after the routine: not enough scores yet to compare the last {half} days "
            f"with the {half} before."
        )
    how = "coming down" if trend.coming_down else "not coming down"
    return (
        f"Pain after the routine: {trend.earlier:.1f} on average in the {half} days before, "
        f"{trend.later:.1f} in the last {half}: {how}."
    )


def chart(
    days: Sequence[Day],
    weeks: Sequence[tuple[date, int]],
    streak: str,
    trend: str,
    warning: str | None,
    width: int,
    changes: Mapping[date, str] | None = None,
    program: bool = False,
) -> RenderableType:
    """The whole chart view."""
    parts: list[RenderableType] = []
    if warning:
        parts += [Text(warning, style="bold yellow"), Text()]
    first, last = day_label(days[0].day), day_label(days[-1].day)
    during = f"   {DURING} during the program's day" if program else ""
    legend = f"{BEFORE} before the routine   {AFTER} after{during}   n: sessions that day"
    parts += [
        Text(f"Pain, {first} to {last}: daily average, 0 to 10", style="bold"),
        Text(legend, style="dim"),
        *([Text(f"st: {STAGE_LEGEND}", style="dim")] if changes or program else []),
        pain_chart(days, width, changes, program),
        Text(),
        Text(
            "Sessions and program check-ins per week (from Monday)"
            if program
            else "Sessions per week (from Monday)",
            style="bold",
        ),
        weeks_chart(weeks, width),
        Text(streak),
        Text(trend),
    ]
    return Group(*parts)


# --- the re-check -----------------------------------------------------------------------

VERDICT_STYLES = {"better": "green", "worse": "bold red", "same": ""}


def recheck_comparison(
    changes: Sequence[Change],
    then: TriageRecord,
    now_disposition: str,
    triage: TriageProtocol,
    tz: tzinfo | None,
) -> RenderableType:
    """Then and now, answer by answer, and the advice then and now, with a verdict each."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(f"Since {day_label(then.taken_at.astimezone(tz).date())}")
    table.add_column("Then")
    table.add_column("Now")
    table.add_column("")
    for change in changes:
        question = triage.question(change.question)
        asked = "Warning signs ticked" if question is None else question.text
        table.add_row(
            Text(asked),
            Text(describe_answer(triage, change.question, change.then, short=True)),
            Text(describe_answer(triage, change.question, change.now, short=True)),
            Text(change.verdict, style=VERDICT_STYLES[change.verdict]),
        )
    advice = compare_dispositions(then.disposition, now_disposition)
    table.add_row(
        "Advice",
        then.disposition.label,
        Disposition(now_disposition).label,
        Text(advice, style=VERDICT_STYLES[advice]),
    )
    verdicts = {c.verdict for c in changes} | {advice}
    if "worse" in verdicts:
        overall = "Some answers are worse than last time: follow the advice above."
    elif "better" in verdicts:
        overall = "Your answers have improved since last time."
    else:
        overall = "Your answers are the same as last time."
    return Group(table, Text(overall, style="bold"))


# --- whole views, from what the queries read -------------------------------------------


def history_view(
    recent: Recent,
    triage: TriageProtocol,
    tz: tzinfo | None,
    program: str = "hamstring-care",
    stage_titles: Mapping[str, str] | None = None,
) -> RenderableType:
    """The table of recent records, with what the log holds and where.

    ``program`` is the command as the user runs it, for the hints.
    """
    counts = recent.counts
    if not counts.sessions and not counts.triage_results and not counts.check_ins:
        return Text(
            f"Nothing saved yet in {recent.path}. Run `{program}` for a check, "
            f"or `{program} run ROUTINE`."
        )
    shown = len(recent.records)
    total = counts.sessions + counts.triage_results + counts.check_ins
    more = f" (the {shown} most recent shown; --all for every one)" if shown < total else ""
    held = [count(counts.sessions, "session")]
    if counts.check_ins:
        held.append(count(counts.check_ins, "program check-in"))
    held.append(count(counts.triage_results, "check"))
    said = ", ".join(held[:-1]) + f" and {held[-1]}"
    footer = f"{said} saved in {recent.path}{more}. Trend: {program} history chart"
    table = recent_table(recent.records, triage, tz, stage_titles)
    return Group(table, Text(footer, style="dim"))


def chart_view(data: ChartData, width: int) -> RenderableType:
    """Pain over the days, sessions per week, the streak and the trend."""
    return chart(
        data.days,
        data.weeks,
        streak_line(data.streak_days, data.last_session, data.program),
        trend_line(data.trend, data.period_days),
        data.warning,
        width,
        data.stage_changes,
        data.program,
    )
