"""A progress report as a document, before any renderer draws it: pure, no I/O.

One page or two for a clinician at the follow-up: the advice now, the prescription followed,
the pain over time as a chart, sessions done against planned by week, then the checks, the
stops and the program's decisions, each a table. The chart is laid out here once, as shapes
in millimetres (``chart_shapes``), which the PDF draws as vectors and the HTML as inline
SVG, so both show the same picture. Every text here has passed ``sanitize.clean``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from hamstring_care.dates import day_label

Moment = Literal["before", "after", "during"]
MOMENTS: tuple[Moment, ...] = ("before", "after", "during")
MarkKind = Literal["check", "stop", "move_on", "step_back", "program_stop", "start"]

MOMENT_WORDS = {
    "before": "pain before a session",
    "after": "pain after",
    "during": "back to running: worst pain during the day's session",
}
MARK_WORDS = {
    "check": "C  a check",
    "stop": "✕  a routine stopped, it hurt",
    "start": "S  back to running started",
    "move_on": "▲  on a stage",
    "step_back": "▼  back a stage",
    "program_stop": "■  program stopped",
}
MARK_GLYPHS = {
    "check": "C",
    "stop": "✕",
    "start": "S",
    "move_on": "▲",
    "step_back": "▼",
    "program_stop": "■",
}


WEEKLY_AFTER_DAYS = 42


@dataclass(frozen=True)
class PainPoint:
    """One pain score: when (days from the chart's first day), 0-10, and which."""

    at: float
    pain: int
    moment: Moment


@dataclass(frozen=True)
class Band:
    """A stretch of days shaded on the chart: self-care stopped by advice."""

    start: float
    end: float
    label: str


@dataclass(frozen=True)
class Mark:
    """A moment marked above the chart: a check, a stop, a program's decision."""

    at: float
    kind: MarkKind


@dataclass(frozen=True)
class Chart:
    """Pain over time: every score, the pauses, and the marks."""

    first: dt.date
    days: int
    """Days shown, the first and the last included (at least 7)."""
    points: list[PainPoint]
    bands: list[Band] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    limit: int | None = None
    """The program's pain limit during a session, drawn as a dashed line."""

    @property
    def weekly_line(self) -> bool:
        """Over six weeks, the lines join each week's mean, not every score (still dots)."""
        return self.days > WEEKLY_AFTER_DAYS

    def legend(self) -> list[tuple[str, str]]:
        """(style, words) for each thing the chart holds, in the order drawn."""
        found: list[tuple[str, str]] = []
        for moment in MOMENTS:
            if any(p.moment == moment for p in self.points):
                found.append((moment, MOMENT_WORDS[moment]))
        if self.weekly_line and self.points:
            found.append(("mark", "each dot a score; each line joins the means of 7 days"))
        if self.limit is not None:
            found.append(("limit", f"back to running's pain limit: {self.limit} of 10"))
        if self.bands:
            found.append(("pause", "self-care stopped by advice"))
        kinds = {m.kind for m in self.marks}
        found += [("mark", MARK_WORDS[k]) for k in MARK_WORDS if k in kinds]
        return found


@dataclass(frozen=True)
class Table:
    """A titled table: its column headings, relative widths and rows of text."""

    heading: str
    columns: list[str]
    widths: list[float]
    rows: list[list[str]]
    empty: str = "None."
    note: str | None = None
    """Said under it: what was left out, what a column means."""
    numeric: tuple[int, ...] = ()
    """Columns of numbers, set to the right."""


@dataclass(frozen=True)
class Now:
    """The advice now: what it says, when and from what, and whether self-care may go on."""

    title: str
    lines: list[str]
    blocked: bool


@dataclass(frozen=True)
class Report:
    """Everything a progress report says, in reading order."""

    title: str
    patient: str | None
    period: str
    made: str
    now: Now
    followed: list[tuple[str, str]]
    figures: list[tuple[str, str]]
    chart: Chart
    tables: list[Table]
    footer: list[str]
    paper: str = "a4"


# --- the chart as shapes --------------------------------------------------------------

Style = Literal[
    "grid", "axis", "before", "after", "during", "limit", "pause", "label", "mark", "stop"
]


@dataclass(frozen=True)
class Shape:
    """One thing drawn, in mm from the chart's top left (y grows downwards)."""

    kind: Literal["line", "path", "circle", "triangle", "rect", "text"]
    points: tuple[tuple[float, float], ...]
    style: Style
    text: str = ""
    anchor: Literal["start", "middle", "end"] = "start"
    size: float = 0.0
    """A circle's or triangle's radius, in mm."""


LABEL_PT = 11.0
"""Type on the chart, as the rest: nothing a clinician reads is smaller."""
LEFT, RIGHT, TOP, AXIS_LABELS = 9.0, 8.0, 7.5, 6.5
"""Room for the 0-10 labels, the right edge, the marks row, and the dates under the axis."""
MARK_GAP = 3.6
"""A mark's glyph is about 3 mm wide at 11 pt: the next one starts no nearer."""
DOT = 0.7
"""A pain score's dot, radius in mm."""


def chart_shapes(chart: Chart, width: float, height: float) -> list[Shape]:
    """The chart laid out in ``width`` x ``height`` mm: bands, grid, lines, dots, marks, dates."""
    plot_w = width - LEFT - RIGHT
    plot_h = height - TOP - AXIS_LABELS
    span = max(1.0, float(chart.days))

    def x(at: float) -> float:
        return LEFT + plot_w * min(max(at, 0.0), span) / span

    def y(pain: float) -> float:
        return TOP + plot_h * (1 - pain / 10)

    shapes: list[Shape] = []
    for band in chart.bands:
        x0, x1 = x(band.start), x(band.end)
        shapes.append(Shape("rect", ((x0, TOP), (max(x1, x0 + 0.8), TOP + plot_h)), "pause"))
    for level in range(0, 11, 2):
        style: Style = "axis" if level == 0 else "grid"
        shapes.append(Shape("line", ((LEFT, y(level)), (LEFT + plot_w, y(level))), style))
        shapes.append(Shape("text", ((LEFT - 1.2, y(level) + 1.4),), "label", str(level), "end"))
    shapes.append(Shape("line", ((LEFT, TOP), (LEFT, TOP + plot_h)), "axis"))
    for at, label in ticks(chart.first, chart.days):
        shapes.append(Shape("line", ((x(at), TOP + plot_h), (x(at), TOP + plot_h + 1.2)), "axis"))
        shapes.append(Shape("text", ((x(at), height - 0.8),), "label", label, "middle"))
    if chart.limit is not None:
        shapes.append(
            Shape("line", ((LEFT, y(chart.limit)), (LEFT + plot_w, y(chart.limit))), "limit")
        )
    for moment in MOMENTS:
        points = sorted((p for p in chart.points if p.moment == moment), key=lambda p: p.at)
        placed = [(round(x(p.at), 2), round(y(p.pain), 2)) for p in points]
        line = placed
        if chart.weekly_line:  # so many scores that a line through each would be a band
            line = [(round(x(at), 2), round(y(pain), 2)) for at, pain in weekly_means(points)]
        if len(line) > 1:
            shapes.append(Shape("path", tuple(line), moment))
        kind: Literal["circle", "triangle"] = "triangle" if moment == "during" else "circle"
        size = DOT if not chart.weekly_line else DOT * 0.6
        shapes += [Shape(kind, (point,), moment, size=size) for point in placed]
    free = 0.0  # marks close together move right, so that none hides another
    for mark in sorted(chart.marks, key=lambda m: m.at):
        mark_style: Style = "stop" if mark.kind in ("stop", "program_stop") else "mark"
        placed_x = max(x(mark.at), free)
        free = placed_x + MARK_GAP
        shapes.append(
            Shape("text", ((placed_x, TOP - 1.6),), mark_style, MARK_GLYPHS[mark.kind], "middle")
        )
    return shapes


def weekly_means(points: list[PainPoint]) -> list[tuple[float, float]]:
    """Each 7 days' mean pain, placed at the middle of its days with scores."""
    weeks: dict[int, list[PainPoint]] = {}
    for point in points:
        weeks.setdefault(int(point.at // 7), []).append(point)
    return [
        (sum(p.at for p in found) / len(found), sum(p.pain for p in found) / len(found))
        for _, found in sorted(weeks.items())
    ]


def legend_sample(style: str, x: float, y: float, height: float) -> list[Shape]:
    """The small drawing beside a legend's words (6 mm wide from ``x``; none for a mark)."""
    middle = y + height / 2
    for moment in MOMENTS:
        if style == moment:
            kind: Literal["circle", "triangle"] = "triangle" if moment == "during" else "circle"
            return [
                Shape("line", ((x, middle), (x + 6, middle)), moment),
                Shape(kind, ((x + 3, middle),), moment, size=DOT),
            ]
    if style == "limit":
        return [Shape("line", ((x, middle), (x + 6, middle)), "limit")]
    if style == "pause":
        return [Shape("rect", ((x, y), (x + 6, y + height)), "pause")]
    return []


def ticks(first: dt.date, days: int) -> list[tuple[float, str]]:
    """Dates under the axis: each Monday (every other one, or each month, when crowded)."""
    mondays = [
        (offset, first + dt.timedelta(days=offset))
        for offset in range(days + 1)
        if (first + dt.timedelta(days=offset)).weekday() == 0
    ]
    if len(mondays) <= 8:
        return [(float(at), day_label(day)[4:]) for at, day in mondays]
    if len(mondays) <= 16:
        return [(float(at), day_label(day)[4:]) for at, day in mondays[::2]]
    firsts = [
        (offset, first + dt.timedelta(days=offset))
        for offset in range(days + 1)
        if (first + dt.timedelta(days=offset)).day == 1
    ]
    step = max(1, len(firsts) // 8 + (len(firsts) % 8 > 0))
    return [(float(at), f"{day:%b}") for at, day in firsts[::step]]
