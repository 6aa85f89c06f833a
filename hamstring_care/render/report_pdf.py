"""A progress report as a PDF: the sheets' page, type and fonts, the chart drawn as vectors.

Every text is 11 pt or more but the footer (8 pt), as on the sheets; the chart's shapes come
from ``report.chart_shapes``, the same the HTML draws.
"""

from __future__ import annotations

import typing

from fpdf.enums import XPos, YPos

from hamstring_care.render.pdf import (
    BODY,
    FONT,
    HEAD_FILL,
    HEADING,
    INK,
    LEADING,
    LINE,
    MUTED,
    PLAN_FILL,
    SMALL,
    STEP_TITLE,
    STOP,
    _Canvas,
)
from hamstring_care.render.report import (
    LABEL_PT,
    Report,
    Shape,
    Table,
    chart_shapes,
    legend_sample,
)

CHART_H = 72.0  # mm
LINE_H = BODY * LEADING
CELL_PAD = 1.2
COLOURS = {
    "before": (90, 120, 170),
    "after": (27, 27, 27),
    "during": (200, 90, 0),
    "limit": (200, 90, 0),
    "grid": (215, 215, 215),
    "axis": (120, 120, 120),
    "pause": (250, 226, 226),
    "label": MUTED,
    "mark": INK,
    "stop": STOP,
}


class _Report(_Canvas):
    def __init__(self, report: Report) -> None:
        super().__init__(report.paper)
        self.report = report
        self.set_margins(13, 10, 13)
        self.set_auto_page_break(True, margin=15)
        self.set_title(f"{report.title}: {report.patient}" if report.patient else report.title)
        self.set_creator("hamstring-care")
        self.set_text_color(*INK)

    def footer(self) -> None:
        """The patient, what this is, and the page, at 8 pt."""
        self.set_y(-13)
        self.set_font(FONT, "", SMALL)
        self.set_text_color(*MUTED)
        parts = [p for p in (self.report.patient, *self.report.footer) if p]
        line = f"{' · '.join(parts)} · page {self.page_no()} of {{nb}}"
        self.multi_cell(self.epw, 3.6, line, align="R")
        self.set_text_color(*INK)

    def para(self, text: str, size: float = BODY, style: str = "", after: float = 1.0) -> None:
        """A wrapped paragraph at the full width."""
        self.set_font(FONT, style, size)
        self.set_x(self.l_margin)
        self.multi_cell(
            self.epw, size * LEADING, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
        )
        self.ln(after)

    def lines_of(self, text: str, width: float, style: str = "") -> int:
        """How many lines ``text`` takes at ``width`` in body type."""
        self.set_font(FONT, style, BODY)
        found = self.multi_cell(width, LINE_H, text, dry_run=True, output="LINES")
        return max(1, len(typing.cast("list[str]", found)))

    def heading(self, text: str, keep: float) -> None:
        """A section heading with a rule under it, kept with ``keep`` mm of what follows."""
        if self.will_page_break(2 + HEADING * LEADING + keep):
            self.add_page()
        self.ln(2)
        self.para(text, HEADING, "B", after=0.3)
        self.set_draw_color(*LINE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)

    def entries(self, pairs: list[tuple[str, str]], x: float, width: float) -> None:
        """Bold labels in a column, each value wrapped beside its label."""
        self.set_font(FONT, "B", BODY)
        label_w = max((self.get_string_width(f"{k}: ") for k, _ in pairs), default=0) + 1
        for label, value in pairs:
            top = self.get_y()
            self.set_xy(x, top)
            self.set_font(FONT, "B", BODY)
            self.cell(label_w, LINE_H, f"{label}:")
            self.set_xy(x + label_w, top)
            self.set_font(FONT, "", BODY)
            self.multi_cell(
                width - label_w, LINE_H, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L"
            )
            self.ln(0.6)

    def entries_height(self, pairs: list[tuple[str, str]], width: float) -> float:
        """How tall ``entries`` draws these pairs."""
        self.set_font(FONT, "B", BODY)
        label_w = max((self.get_string_width(f"{k}: ") for k, _ in pairs), default=0) + 1
        return sum(self.lines_of(v, width - label_w) * LINE_H + 0.6 for _, v in pairs)


def to_pdf(report: Report) -> tuple[bytes, int]:
    """The report as PDF bytes, and how many pages it takes."""
    pdf = _Report(report)
    pdf.add_page()
    _header(pdf, report)
    _now_box(pdf, report)
    pdf.heading("Prescription followed", keep=20)
    pdf.entries(report.followed, pdf.l_margin, pdf.epw)
    pdf.heading("At a glance", keep=15)
    pdf.entries(report.figures, pdf.l_margin, pdf.epw)
    pdf.heading("Pain over time, 0 to 10", keep=CHART_H + 12)
    _chart(pdf, report)
    for table in report.tables:
        _table(pdf, table)
    return bytes(pdf.output()), pdf.pages_count


def _header(pdf: _Report, report: Report) -> None:
    pdf.para(report.title + (f": {report.patient}" if report.patient else ""), 20, "B", 1)
    pdf.para(report.period, BODY, "B", 0.3)
    pdf.set_text_color(*MUTED)
    pdf.para(report.made, BODY, "", 2)
    pdf.set_text_color(*INK)


def _now_box(pdf: _Report, report: Report) -> None:
    """The advice now, first: in a red frame when it stops self-care."""
    now = report.now
    pad = 3.0
    width = pdf.epw - 2 * pad
    height = 2 * pad + STEP_TITLE * LEADING + 1
    height += pdf.lines_of(now.title, width, "B") * LINE_H + 0.6
    height += sum(pdf.lines_of(line, width) * LINE_H + 0.4 for line in now.lines)
    top = pdf.get_y()
    if now.blocked:
        pdf.set_draw_color(*STOP)
        pdf.set_line_width(0.6)
        pdf.rect(pdf.l_margin, top, pdf.epw, height, round_corners=True, corner_radius=2)
        pdf.set_line_width(0.2)
    else:
        pdf.set_fill_color(*PLAN_FILL)
        pdf.rect(pdf.l_margin, top, pdf.epw, height, "F", round_corners=True, corner_radius=2)
    pdf.set_xy(pdf.l_margin + pad, top + pad)
    if now.blocked:
        pdf.set_text_color(*STOP)
    pdf.set_font(FONT, "B", STEP_TITLE)
    pdf.cell(width, STEP_TITLE * LEADING, "The advice now", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    pdf.ln(1)
    for text, style, after in [(now.title, "B", 0.6), *((line, "", 0.4) for line in now.lines)]:
        pdf.set_x(pdf.l_margin + pad)
        pdf.set_font(FONT, style, BODY)
        pdf.multi_cell(width, LINE_H, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        pdf.ln(after)
    pdf.set_y(top + height + 1)


def _chart(pdf: _Report, report: Report) -> None:
    """The chart's shapes drawn as vectors, then its legend."""
    left, top = pdf.l_margin, pdf.get_y()
    for shape in chart_shapes(report.chart, pdf.epw, CHART_H):
        _shape(pdf, shape, left, top)
    pdf.set_dash_pattern()
    pdf.set_line_width(0.2)
    pdf.set_y(top + CHART_H + 1.5)
    _legend(pdf, report)


def _shape(pdf: _Report, shape: Shape, left: float, top: float) -> None:
    colour = COLOURS[shape.style]
    points = [(left + x, top + y) for x, y in shape.points]
    pdf.set_draw_color(*colour)
    pdf.set_fill_color(*colour)
    pdf.set_dash_pattern(1.2, 1.0) if shape.style == "limit" else pdf.set_dash_pattern()
    pdf.set_line_width({"after": 0.45, "before": 0.3, "during": 0.35}.get(shape.style, 0.2))
    if shape.kind == "line":
        (x1, y1), (x2, y2) = points
        pdf.line(x1, y1, x2, y2)
    elif shape.kind == "path":
        pdf.polyline(points)
    elif shape.kind == "rect":
        (x1, y1), (x2, y2) = points
        pdf.rect(x1, y1, x2 - x1, y2 - y1, "F")
    elif shape.kind == "circle":
        (x, y) = points[0]
        if shape.style == "before":  # hollow: before; filled: after (tells them apart in grey)
            pdf.set_fill_color(255, 255, 255)
        pdf.circle(x, y, shape.size, "DF")
    elif shape.kind == "triangle":
        (x, y) = points[0]
        r = shape.size * 1.3
        pdf.polygon([(x, y - r), (x - r, y + r * 0.8), (x + r, y + r * 0.8)], style="DF")
    else:
        pdf.set_text_color(*colour)
        pdf.set_font(FONT, "B" if shape.style in ("mark", "stop") else "", LABEL_PT)
        width = pdf.get_string_width(shape.text)
        x, y = points[0]
        x -= {"start": 0, "middle": width / 2, "end": width}[shape.anchor]
        pdf.text(x, y, shape.text)
        pdf.set_text_color(*INK)


def _legend(pdf: _Report, report: Report) -> None:
    """What each line, dot, band and mark means, in a flowing row."""
    pdf.set_font(FONT, "", BODY)
    x = pdf.l_margin
    y = pdf.get_y()
    for style, words in report.chart.legend():
        sample = 0.0 if style == "mark" else 7.0
        width = sample + pdf.get_string_width(words) + 5
        if x + width > pdf.l_margin + pdf.epw:
            x, y = pdf.l_margin, y + LINE_H + 0.8
        for shape in legend_sample(style, x, y + 0.6, LINE_H - 1.2):
            _shape(pdf, shape, 0, 0)
        pdf.set_dash_pattern()
        pdf.set_font(FONT, "", BODY)
        pdf.set_text_color(*INK)
        pdf.set_xy(x + sample, y)
        pdf.cell(width - sample, LINE_H, words)
        x += width
    pdf.set_y(y + LINE_H + 1)


def _table(pdf: _Report, table: Table) -> None:
    """A table with its heading row repeated on a new page, and its note under it."""
    widths = [pdf.epw * w / sum(table.widths) for w in table.widths]
    head_lines = max(
        pdf.lines_of(c, w - 2 * CELL_PAD, "B") for c, w in zip(table.columns, widths, strict=True)
    )
    head_h = head_lines * LINE_H + 2 * CELL_PAD
    heights = [_row_height(pdf, row, widths) for row in table.rows]
    note = pdf.lines_of(table.note, pdf.epw) * LINE_H + 1.5 if table.note else 0.0
    whole = head_h + sum(heights) + note
    # A short table is kept whole on one page; a longer one, its heading with its first row.
    keep = whole if whole < pdf.eph / 3 else head_h + (heights[0] if heights else LINE_H)
    pdf.heading(table.heading, keep=keep)
    if not table.rows:
        pdf.para(table.empty)
        return
    _row(pdf, table.columns, widths, head_h, header=True, numeric=())
    for n, (row, height) in enumerate(zip(table.rows, heights, strict=True), 1):
        if pdf.will_page_break(height + (note if n == len(table.rows) else 0)):
            pdf.add_page()
            _row(pdf, table.columns, widths, head_h, header=True, numeric=())
        _row(pdf, row, widths, height, header=False, numeric=table.numeric)
    pdf.ln(1)
    if table.note:
        pdf.set_text_color(*MUTED)
        pdf.para(table.note, after=0.5)
        pdf.set_text_color(*INK)


def _row_height(pdf: _Report, row: list[str], widths: list[float]) -> float:
    lines = max(pdf.lines_of(cell, w - 2 * CELL_PAD) for cell, w in zip(row, widths, strict=True))
    return lines * LINE_H + 2 * CELL_PAD


def _row(
    pdf: _Report,
    row: list[str],
    widths: list[float],
    height: float,
    *,
    header: bool,
    numeric: tuple[int, ...],
) -> None:
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(*HEAD_FILL)
    pdf.set_line_width(0.2)
    for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
        pdf.rect(x, y, width, height, "DF" if header else "D")
        pdf.set_xy(x + CELL_PAD, y + CELL_PAD)
        pdf.set_font(FONT, "B" if header else "", BODY)
        align = "R" if i in numeric and not header else "L"
        pdf.multi_cell(width - 2 * CELL_PAD, LINE_H, cell, align=align)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)
