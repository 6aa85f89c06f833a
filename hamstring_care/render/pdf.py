"""A sheet as a PDF, made with fpdf2 (pure Python).

Real, selectable text in DejaVu Sans (bundled, so accents, dashes and quotes beyond Latin-1
print right on any machine), and the SVG illustrations drawn as vectors.
"""

from __future__ import annotations

import io
import logging
import typing
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import ResourceAccessPolicy, XPos, YPos
from fpdf.fonts import FontFace

from hamstring_care.render.content import ALSO_HERE, Sheet, StepEntry
from hamstring_care.render.text import header_fields

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
PAPER = {"a4": "A4", "letter": "Letter"}
INK, MUTED, STOP, LINE = (27, 27, 27), (90, 90, 90), (176, 0, 32), (187, 187, 187)
PICTURE_W = 30.0  # mm; the drawings are 160 x 100
GAP = 4.0
LEADING = 0.47  # line height in mm per point of type size
BOX = "\u2610"  # ballot box, to tick

# fpdf2 logs each glyph the font lacks (emoji, for one); the sheet still prints.
logging.getLogger("fpdf").setLevel(logging.ERROR)


class _Document(FPDF):
    def __init__(self, sheet: Sheet) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPER[sheet.paper])
        # A second wall behind the drawings check: never load a file or an address that a
        # drawing names (fpdf2's default allows local files and public addresses).
        self.resource_access_policy = ResourceAccessPolicy.NONE
        self.sheet = sheet
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=16)
        self.set_title(sheet.title)
        self.set_creator("hamstring-care")
        self.set_text_color(*INK)
        if needs_shaping(sheet):
            # Right-to-left words in order and Arabic letters joined: HarfBuzz does it.
            # Only then, as shaping every line costs time that Latin text does not need.
            self.set_text_shaping(True)

    def footer(self) -> None:
        """The patient's name on the left, then the fingerprints and the page on the right.

        The name has a cell of its own, so that a right-to-left name is laid out within
        itself and never reorders the rest of the line.
        """
        self.set_y(-14)
        top = self.get_y()
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        name_width = self.epw * 0.35 if self.sheet.patient else 0.0
        if self.sheet.patient:
            self.multi_cell(name_width, 3.6, self.sheet.patient, align="L")
        self.set_xy(self.l_margin + name_width, top)
        line = f"{' · '.join(self.sheet.footer)} · page {self.page_no()} of {{nb}}"
        self.multi_cell(self.epw - name_width, 3.6, line, align="R")
        self.set_text_color(*INK)

    # --- text helpers ---

    def para(
        self, text: str, size: float = 9.5, style: str = "", indent: float = 0, after: float = 1
    ) -> None:
        """A wrapped paragraph at the left margin plus ``indent``."""
        self.set_font(FONT, style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            self.epw - indent,
            size * LEADING,
            text,
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(after)

    def height(
        self, text: str, size: float = 9.5, style: str = "", indent: float = 0, after: float = 1
    ) -> float:
        """How tall ``para`` would draw the same paragraph, in mm."""
        self.set_font(FONT, style, size)
        lines = self.multi_cell(
            self.epw - indent, size * LEADING, text, align="L", dry_run=True, output="LINES"
        )
        return len(typing.cast("list[str]", lines)) * size * LEADING + after

    def heading(self, text: str, size: float = 12) -> None:
        """A section heading, kept with at least a few lines after it."""
        if self.will_page_break(size * LEADING + 22):
            self.add_page()
        self.ln(1.5)
        self.para(text, size, "B", after=0.3)
        self.set_draw_color(*LINE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.2)

    def bullets(self, items: list[str], size: float = 9.5) -> None:
        """A list of items with hanging bullets."""
        for item in items:
            self.set_font(FONT, "", size)
            self.set_x(self.l_margin + 2)
            self.cell(4, size * LEADING, "•")
            self.para(item, size, indent=6, after=0.6)


def needs_shaping(sheet: Sheet) -> bool:
    """True when a text holds right-to-left letters (Hebrew, Arabic, ...)."""
    texts = [sheet.patient, sheet.clinician, sheet.clinic, sheet.notes]
    return any(
        unicodedata.bidirectional(char) in ("R", "AL") for text in texts if text for char in text
    )


def to_pdf(sheet: Sheet) -> tuple[bytes, int]:
    """The sheet as PDF bytes, and how many pages it takes."""
    pdf = _Document(sheet)
    pdf.add_page()
    _header(pdf, sheet)
    _plan_box(pdf, sheet)
    _stop_box(pdf, sheet)
    for block in sheet.blocks:
        pdf.heading(block.title)
        pdf.para(block.summary, 9)
        pdf.para(block.schedule, 9.5, "B", after=0.5)
        pdf.para(f"{ALSO_HERE} {block.command}", 8, after=1.5)
        if block.before:
            pdf.para("Before you start", 10.5, "B", after=0.5)
            pdf.bullets([s.text + s.cite for s in block.before], 9)
        for title, statements in block.sections:
            pdf.para(title, 10.5, "B", after=0.5)
            pdf.bullets([s.text + s.cite for s in statements], 9)
        for step in block.steps:
            _step(pdf, step)
    if sheet.sources:
        pdf.heading("Sources", 10)
        for source in sheet.sources:
            pdf.para(source, 7, after=0.2)
    _record(pdf, sheet)
    return bytes(pdf.output()), pdf.pages_count


def _header(pdf: _Document, sheet: Sheet) -> None:
    if sheet.clinic:
        pdf.para(sheet.clinic, 11, "B", after=0)
    pdf.para(sheet.title, 18, "B", after=1)
    pdf.para("     ".join(f"{name}: {value}" for name, value in header_fields(sheet)), 10, after=3)


def _plan_box(pdf: _Document, sheet: Sheet) -> None:
    """How often, the leg, the next appointment, the clinic's contact, and the notes."""
    rows = "   ·   ".join(f"{label}: {value}" for label, value in sheet.plan)
    pdf.para(f"Your plan.   {rows}", 10, "B", after=1)
    if sheet.notes:
        pdf.para("Notes from your clinician", 10, "B", after=0.3)
        pdf.para(sheet.notes, 10, after=1.5)


def _stop_box(pdf: _Document, sheet: Sheet) -> None:
    pad = 3.0
    lines = [(sheet.stop_heading, 11.5, "B", pad)]
    for group in sheet.flags:
        lines.append((group.action, 9, "B", pad))
        lines += [(f"•  {sign}", 8.5, "", pad + 2) for sign in group.signs]
    height = 2 * pad + sum(pdf.height(t, s, st, indent + pad, 0.3) for t, s, st, indent in lines)
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_draw_color(*STOP)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, round_corners=True, corner_radius=2)
    pdf.set_line_width(0.2)
    pdf.set_y(top + pad)
    for i, (text, size, style, indent) in enumerate(lines):
        pdf.set_text_color(*(STOP if i == 0 else INK))
        # Indented on both sides, so the text keeps clear of the box's right edge too.
        pdf.set_right_margin(pdf.r_margin + pad)
        pdf.para(text, size, style, indent=indent, after=0.3)
        pdf.set_right_margin(pdf.r_margin - pad)
    pdf.set_text_color(*INK)
    pdf.set_y(top + height + 2)


def _step(pdf: _Document, step: StepEntry) -> None:
    text_x = PICTURE_W + GAP
    parts: list[tuple[str, float, str]] = [
        (f"{step.number}. {step.title}", 10, "B"),
        (step.dose, 9, "B"),
    ]
    parts.append((step.instruction + step.cite, 8.5, ""))
    if step.cue:
        parts.append((f"Cue: {step.cue}", 8.5, ""))
    parts += [(f"Take care: {c}", 8.5, "B") for c in step.cautions]
    text_h = sum(pdf.height(t, s, st, text_x, 0.4) for t, s, st in parts)
    picture_h = PICTURE_W * 100 / 160 if step.svg else 0
    if pdf.will_page_break(max(text_h, picture_h) + 3):
        pdf.add_page()
    top = pdf.get_y() + 1
    if step.svg:
        _picture(pdf, step.svg, pdf.l_margin, top)
    pdf.set_y(top)
    for text, size, style in parts:
        pdf.para(text, size, style, indent=text_x, after=0.4)
    pdf.set_y(max(pdf.get_y(), top + picture_h) + 1.5)


def _picture(pdf: _Document, svg: str, x: float, y: float) -> None:
    try:
        pdf.image(io.BytesIO(svg.encode()), x=x, y=y, w=PICTURE_W)
    except Exception:
        return


def _record(pdf: _Document, sheet: Sheet) -> None:
    """The record for a pen: rows 7 mm high, boxes to tick, room for comments."""
    record = sheet.record
    if record.columns:
        pdf.add_page()  # a table of days on a page of its own, to keep where it is done
    pdf.heading(record.heading)
    for line in record.legend:
        pdf.para(line, 9, after=0.3)
    for item in record.checklist:
        pdf.para(f"{BOX}   {item}", 11, after=2)
    if not record.columns:
        return
    fixed = [10.0, 24.0, *(14.0 if c.box else 17.0 for c in record.columns if not c.wide)]
    comments = max(pdf.epw - sum(fixed), 20.0)
    widths = [*fixed, comments]
    headings = ["Day", "Date", *(c.heading for c in record.columns)]
    rows = [
        [str(n), day, *(BOX if c.box else "" for c in record.columns)]
        for n, day in enumerate(record.days, 1)
    ]
    first = True
    while rows:
        if not first:
            # A record longer than a page goes on under its heading, said to continue.
            pdf.add_page()
            pdf.heading(f"{record.heading} (continued)")
        room = pdf.h - pdf.b_margin - pdf.get_y() - 1
        fits = max(1, int(room // ROW_MM) - 2)  # the headings row may take two lines
        _record_table(pdf, widths, headings, rows[:fits])
        rows = rows[fits:]
        first = False


ROW_MM = 7.0  # a row a pen can write in


def _record_table(
    pdf: _Document, widths: list[float], headings: list[str], rows: list[list[str]]
) -> None:
    pdf.ln(1)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_draw_color(*LINE)
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        line_height=ROW_MM,
        text_align="CENTER",
        headings_style=FontFace(emphasis="BOLD", fill_color=(240, 240, 240)),
        first_row_as_headings=True,
    ) as table:
        table.row(headings)
        for row in rows:
            table.row(row)
