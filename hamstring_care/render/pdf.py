"""A sheet as a PDF, made with fpdf2 (pure Python).

Real, selectable text in DejaVu Sans (bundled, so accents, dashes and quotes beyond Latin-1
print right on any machine), and the SVG illustrations drawn as vectors.

Made to be read at arm's length: every text is at least 11 pt (step titles 14 pt) except
the footer and the endnotes (8 pt); drawings are 45 mm wide. Page 1 holds the header, the
plan and the warning signs, then the routines follow in the order prescribed, a step never
split across pages; the record for a pen comes on a page of its own.
"""

from __future__ import annotations

import functools
import io
import logging
import typing
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, ResourceAccessPolicy, XPos, YPos

from hamstring_care.errors import UsageError
from hamstring_care.render.content import (
    ALSO_HERE,
    EVIDENCE_HEADING,
    START_HERE,
    Block,
    Column,
    FlagGroup,
    Sheet,
    StepEntry,
)
from hamstring_care.render.text import header_fields

if typing.TYPE_CHECKING:
    from hamstring_care.source.drawings import Logo

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
PAPER = {"a4": "A4", "letter": "Letter"}
INK, MUTED, STOP, LINE = (27, 27, 27), (80, 80, 80), (176, 0, 32), (150, 150, 150)
PLAN_FILL, DOSE_FILL, HEAD_FILL = (238, 243, 248), (242, 242, 242), (235, 235, 235)

BODY = 11.0  # pt: nothing a patient must read is smaller
STEP_TITLE = 14.0
HEADING = 15.0
SMALL = 8.0  # the footer and the endnotes only
PICTURE_W = 45.0  # mm; the drawings are 160 x 100
PICTURE_H = PICTURE_W * 100 / 160
GAP = 4.0
LEADING = 0.42  # line height in mm per point of type size: 1.2 lines
BULLET_GAP = 0.3
STEP_GAP = 0.6  # mm above and below a step
ROW_MM = 7.0  # a record row a pen can write in (at least 7 mm)
TICK_MM = 5.0  # a drawn box to tick

# fpdf2 logs each glyph the font lacks; ``missing_letters`` finds them first, and a sheet
# with one is refused, so the log would only repeat it.
logging.getLogger("fpdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Fallback:
    """A font for the scripts DejaVu Sans lacks: bundled, or found on the system."""

    family: str
    file: str
    number: int = 0
    """The font's number in a collection (.ttc)."""


FALLBACKS = (
    Fallback("NotoDevanagari", "NotoSansDevanagari-Regular.ttf"),  # Hindi, Marathi, Nepali
    Fallback("NotoBengali", "NotoSansBengali-Regular.ttf"),
    Fallback("NotoGurmukhi", "NotoSansGurmukhi-Regular.ttf"),  # Punjabi
    Fallback("NotoNaskh", "NotoNaskhArabic-Regular.ttf"),  # Urdu's letters beyond Arabic's
    # Chinese, Japanese and Korean: 19 MB, too large to bundle; Debian's fonts-noto-cjk.
    Fallback("NotoCJK", "NotoSansCJK-Regular.ttc", number=2),  # 2: Simplified Chinese
)
"""In the order tried; each is used only when a text on the sheet needs it."""
SYSTEM_FONTS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/usr/local/share/fonts"),
)
CJK_HINT = (
    "install the Noto CJK fonts (Debian and Ubuntu: fonts-noto-cjk), or print the sheet "
    "as HTML (--format html), which the browser draws with its own fonts"
)


OTHER_HINT = (
    "print the sheet as HTML (--format html), which the browser draws with the computer's own fonts"
)


def _is_cjk(code: int) -> bool:
    """Chinese, Japanese or Korean: Hangul, kana, the ideographs, full-width forms."""
    return any(
        low <= code <= high
        for low, high in ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xAC00, 0xD7AF),
                          (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))
    )  # fmt: skip


def font_path(fallback: Fallback) -> Path | None:
    """Where the font is: bundled, else in the system's font folders; None when nowhere."""
    for folder in (FONTS, *SYSTEM_FONTS):
        if (folder / fallback.file).is_file():
            return folder / fallback.file
    return None


@functools.cache
def _letters(path: Path, number: int = 0) -> frozenset[int]:
    """The characters a font file has letters for."""
    from fontTools.ttLib import TTFont  # noqa: PLC0415 - read only when a letter is missing

    with TTFont(str(path), fontNumber=number, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _sheet_texts(sheet: Sheet) -> list[tuple[str, str]]:
    """Every text the PDF writes, each with where it comes from, in words."""
    texts = [
        ("the patient's name", sheet.patient or ""),
        ("the clinician's name", sheet.clinician or ""),
        ("the clinic's name", sheet.clinic or ""),
        ("the notes", sheet.notes or ""),
    ]
    texts += [(f"the plan's {label.lower()}", value) for label, value in sheet.plan]
    for block in sheet.blocks:
        words = [block.title, block.summary, block.schedule]
        words += [s.text for s in block.before]
        words += [h for h, _ in block.sections] + [
            s.text for _, statements in block.sections for s in statements
        ]
        for step in block.steps:
            words += [step.title, step.instruction, *step.cautions]
            words += [f"{label} {value}" for label, value in step.grid]
        texts.append((f"the protocol {block.id}", " ".join(words)))
    texts.append(
        ("the warning signs", " ".join(g.action + " " + " ".join(g.signs) for g in sheet.flags))
    )
    texts.append(("the sources", " ".join(sheet.sources)))
    return texts


def fallback_fonts(sheet: Sheet) -> list[tuple[Fallback, Path]]:
    """The fallback fonts this sheet needs, found; raises when a letter has no font at all.

    A letter no font has would print as a blank: the sheet is refused in one line instead,
    naming the letters, where they are, and the way out.
    """
    ours = _letters(FONTS / "DejaVuSans.ttf")
    texts = _sheet_texts(sheet)
    needed = {ord(c) for _, text in texts for c in text if ord(c) not in ours}
    needed -= {ord(c) for c in "".join(chr(n) for n in needed) if _ignorable(c)}
    if not needed:
        return []
    chosen = []
    for fallback in FALLBACKS:
        path = font_path(fallback)
        if path is None:
            continue
        has = needed & _letters(path, fallback.number)
        if has:
            chosen.append((fallback, path))
            needed -= has
    if needed:
        where = next(label for label, text in texts if any(ord(c) in needed for c in text))
        shown = "".join(sorted(chr(n) for n in needed))[:12]
        codes = ", ".join(f"U+{n:04X}" for n in sorted(needed)[:3])
        more = ", ..." if len(needed) > 3 else ""
        cjk = any(_is_cjk(n) for n in needed) and font_path(FALLBACKS[-1]) is None
        raise UsageError(
            f"the PDF has no font for {shown} ({codes}{more}) in {where}, which would print "
            f"as blanks; {CJK_HINT if cjk else OTHER_HINT}"
        )
    return chosen


def _ignorable(char: str) -> bool:
    """Invisible characters a font need not draw: joiners, direction marks, variation."""
    return unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Cc") or (
        0xFE00 <= ord(char) <= 0xFE0F
    )


class _Canvas(FPDF):
    """A page as every sheet has it: the fonts, and no file or address ever loaded."""

    def __init__(self, paper: str = "a4") -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPER[paper])
        # A second wall behind the drawings check: never load a file or an address that a
        # drawing names (fpdf2's default allows local files and public addresses).
        self.resource_access_policy = ResourceAccessPolicy.NONE
        self.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))


class _Document(_Canvas):
    def __init__(self, sheet: Sheet) -> None:
        super().__init__(sheet.paper)
        self.sheet = sheet
        self.set_margins(13, 10, 13)
        self.set_auto_page_break(True, margin=15)
        self.set_title(sheet.title)
        self.set_creator("hamstring-care")
        self.set_text_color(*INK)
        fallbacks = fallback_fonts(sheet)
        for fallback, path in fallbacks:
            self.add_font(fallback.family, "", str(path), collection_font_number=fallback.number)
        if fallbacks:
            # A letter DejaVu Sans lacks comes from the first of these that has it (bold text
            # too, in the regular weight: never a blank).
            self.set_fallback_fonts([f.family for f, _ in fallbacks], exact_match=False)
        if needs_shaping(sheet):
            # Right-to-left words in order, Arabic letters joined, Indic syllables formed:
            # HarfBuzz does it. Only then, as shaping every line costs time that Latin text
            # does not need.
            self.set_text_shaping(True)

    def footer(self) -> None:
        """The patient's name on the left, then the fingerprints and the page on the right.

        The name has a cell of its own, aligned to its own direction, so that a
        right-to-left name is laid out within itself and never reorders the rest.
        """
        self.set_y(-13)
        top = self.get_y()
        self.set_font(FONT, "", SMALL)
        self.set_text_color(*MUTED)
        name_width = self.epw * 0.35 if self.sheet.patient else 0.0
        if self.sheet.patient:
            patient = self.sheet.patient
            self.multi_cell(name_width, 3.6, patient, align=direction(patient))
        self.set_xy(self.l_margin + name_width, top)
        # Again, through another font: a name drawn in a fallback font leaves fpdf2 writing
        # the size it had before, while it believes the footer's is set (fpdf2 2.8.9).
        self.set_font(FONT, "B", SMALL)
        self.set_font(FONT, "", SMALL)
        line = f"{' · '.join(self.sheet.footer)} · page {self.page_no()} of {{nb}}"
        self.multi_cell(self.epw - name_width, 3.6, line, align="R")
        self.set_text_color(*INK)

    @property
    def bottom(self) -> float:
        """The lowest y that text may reach on a page."""
        return self.h - self.b_margin

    def room(self) -> float:
        """How much of the page is left below the cursor, in mm."""
        return self.bottom - self.get_y()

    # --- text helpers ---

    def para(
        self,
        text: str,
        size: float = BODY,
        style: str = "",
        indent: float = 0,
        after: float = 1,
        width: float | None = None,
        align: str | Align = "L",
    ) -> None:
        """A wrapped paragraph at the left margin plus ``indent``."""
        self.set_font(FONT, style, size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            width if width is not None else self.epw - indent,
            size * LEADING,
            text,
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(after)

    def lines(self, text: str, width: float, size: float = BODY, style: str = "") -> list[str]:
        """The lines a paragraph wraps to at this width."""
        self.set_font(FONT, style, size)
        found = self.multi_cell(
            width, size * LEADING, text, align="L", dry_run=True, output="LINES"
        )
        return typing.cast("list[str]", found)

    def height(
        self, text: str, size: float = BODY, style: str = "", indent: float = 0, after: float = 1
    ) -> float:
        """How tall ``para`` would draw the same paragraph, in mm."""
        return len(self.lines(text, self.epw - indent, size, style)) * size * LEADING + after

    def heading(
        self, text: str, size: float = HEADING, keep: float = 30, aside: str | None = None
    ) -> bool:
        """A heading with a rule under it, kept with ``keep`` mm of what follows.

        ``aside`` (bold body type) goes at the right of the heading's line when both fit
        there; returns whether it did.
        """
        if self.will_page_break(1 + size * LEADING + 1.5 + keep):
            self.add_page()
        self.ln(1)
        top = self.get_y()
        beside = aside is not None and self.fits_beside(text, size, aside)
        self.para(text, size, "B", after=0.3)
        if beside and aside is not None:
            bottom = self.get_y()
            self.set_xy(self.l_margin, top + (size - BODY) * LEADING * 0.8)
            self.set_font(FONT, "B", BODY)
            self.cell(self.epw, BODY * LEADING, aside, align="R")
            self.set_y(bottom)
        self.set_draw_color(*LINE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.2)
        return beside

    def fits_beside(self, text: str, size: float, aside: str) -> bool:
        """True when ``aside`` fits at the right of a heading's line."""
        self.set_font(FONT, "B", size)
        room = self.epw - self.get_string_width(text) - 6
        self.set_font(FONT, "B", BODY)
        return self.get_string_width(aside) <= room

    def bullets(self, items: list[str], size: float = BODY, width: float | None = None) -> None:
        """A list of items with hanging bullets."""
        x = self.get_x()
        for item in items:
            self.set_font(FONT, "", size)
            self.set_x(x + 1)
            self.cell(4, size * LEADING, "•")
            inner = (width if width is not None else self.epw - (x - self.l_margin)) - 5
            self.para(item, size, indent=x - self.l_margin + 5, after=BULLET_GAP, width=inner)
            self.set_x(x)

    def bullets_height(self, items: list[str], width: float, size: float = BODY) -> float:
        """How tall ``bullets`` would draw these items in this width."""
        return sum(len(self.lines(i, width - 5, size)) * size * LEADING + BULLET_GAP for i in items)


def direction(text: str) -> Align:
    """Right for a text whose first strong letter is right-to-left, else left."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return Align.R
        if kind == "L":
            return Align.L
    return Align.L


def needs_shaping(sheet: Sheet) -> bool:
    """True when a text needs shaping: right-to-left or joined into syllables.

    Right-to-left letters (Hebrew, Arabic, ...); letters that join into syllables
    (Devanagari, Bengali, Gurmukhi and the other Indic scripts).
    """
    texts = [sheet.patient, sheet.clinician, sheet.clinic, sheet.notes]
    texts += [value for _, value in sheet.plan]
    return any(
        unicodedata.bidirectional(char) in ("R", "AL") or 0x0900 <= ord(char) <= 0x0DFF
        for text in texts
        if text
        for char in text
    )


def to_pdf(sheet: Sheet) -> tuple[bytes, int]:
    """The sheet as PDF bytes, and how many pages it takes."""
    pdf = _Document(sheet)
    pdf.add_page()
    _header(pdf, sheet)
    _plan_box(pdf, sheet)
    _stop_box(pdf, sheet)
    for block in sheet.blocks:
        title = block.title
        keep = _first_part_height(pdf, block, pdf.fits_beside(title, HEADING, block.schedule))
        if not pdf.heading(title, keep=keep, aside=block.schedule if block.steps else None):
            pdf.para(block.schedule, BODY, "B", after=1)
        if not block.steps:
            # A routine's summary says what its steps say next to it: paper keeps the steps.
            pdf.para(block.summary, after=1.2)
        if block.before:
            pdf.para("Before you start", BODY, "B", after=0.5)
            pdf.bullets([s.text + s.cite for s in block.before])
        for title, statements in block.sections:
            items = [s.text + s.cite for s in statements]
            # A short section is kept whole (no item alone on the next page, away from its
            # title); a long one keeps its title with its first item.
            whole = BODY * LEADING + 0.5 + pdf.bullets_height(items, pdf.epw)
            first = BODY * LEADING + 0.5 + pdf.bullets_height(items[:1], pdf.epw)
            if pdf.will_page_break(whole if whole <= KEEP_WHOLE else first):
                pdf.add_page()
            here = title.endswith(f"({START_HERE})") and not pdf.will_page_break(whole)
            if here:
                # The stage a program starts at stands out, in colour and in grey: shaded,
                # with a dark bar down its left.
                top = pdf.get_y()
                pdf.set_fill_color(*PLAN_FILL)
                pdf.rect(pdf.l_margin - 2, top - 0.8, pdf.epw + 3, whole + 1.2, style="F")
                pdf.set_fill_color(*INK)
                pdf.rect(pdf.l_margin - 2, top - 0.8, 1.0, whole + 1.2, style="F")
            pdf.para(title, BODY, "B", after=0.5)
            pdf.bullets(items)
            if here:
                pdf.ln(0.8)
        for step in block.steps:
            _step(pdf, step)
    # The endnotes close the instructions where they fit there, else the record's page.
    endnotes_first = bool(sheet.record.columns) and _endnotes_height(pdf, sheet) <= pdf.room()
    if endnotes_first:
        _endnotes(pdf, sheet)
    _record(pdf, sheet, 0.0 if endnotes_first else _endnotes_height(pdf, sheet))
    if not endnotes_first:
        _endnotes(pdf, sheet)
    return bytes(pdf.output()), pdf.pages_count


def _first_part_height(pdf: _Document, block: Block, schedule_beside: bool) -> float:
    # A routine's heading is kept with what to check before you start, or where there is
    # nothing to check, with its first step: the steps may begin on the next page, which
    # saves a page on Letter (issue 26).
    if not block.steps:
        return 30
    before = [s.text + s.cite for s in block.before]
    lines = (1 if schedule_beside else 2) if before else (0 if schedule_beside else 1)
    height = lines * BODY * LEADING + 1.5 + pdf.bullets_height(before, pdf.epw)
    return height + (0 if before else _step_height(pdf, block.steps[0]))


LOGO_W, LOGO_H = 45.0, 14.0  # mm: the box a clinic's logo is fitted into, at the top right


def _header(pdf: _Document, sheet: Sheet) -> None:
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 20)
    title_w = pdf.get_string_width(sheet.title) + 6
    logo_w = _logo(pdf, sheet, top)
    if sheet.clinic:
        # The clinic's name at the right of the title (left of a logo), or above the title
        # when it is too long for that.
        beside = pdf.epw - title_w - logo_w
        if beside > 20 and len(pdf.lines(sheet.clinic, beside, 12, "B")) <= 2:
            pdf.set_text_color(*MUTED)
            pdf.set_xy(pdf.l_margin + title_w, top + 1)
            pdf.multi_cell(beside, 12 * LEADING, sheet.clinic, align="R")
            pdf.set_text_color(*INK)
            pdf.set_y(top)
        else:
            pdf.para(sheet.clinic, 12, "B", after=0, align=direction(sheet.clinic))
    pdf.para(sheet.title, 20, "B", after=1)
    pdf.para("     ".join(f"{name}: {value}" for name, value in header_fields(sheet)), after=2)
    if logo_w:
        pdf.set_y(max(pdf.get_y(), top + LOGO_H + 2))


def _logo(pdf: _Document, sheet: Sheet, top: float) -> float:
    """Draw the clinic's logo fitted into the top right corner; return the width it takes."""
    if sheet.logo is None:
        return 0.0
    _draw_logo(pdf, sheet.logo, pdf.l_margin + pdf.epw - LOGO_W, top)
    return LOGO_W + 3


def _draw_logo(pdf: _Canvas, logo: Logo, x: float, y: float) -> None:
    with warnings.catch_warnings():
        # fpdf2 warns when an SVG is sized by width and height, a form the README allows.
        warnings.simplefilter("ignore")
        pdf.image(io.BytesIO(logo.data), x=x, y=y, w=LOGO_W, h=LOGO_H, keep_aspect_ratio=True)


def logo_problem(logo: Logo) -> str | None:
    """Why a PDF sheet cannot draw this logo, found by drawing it once; None when it can.

    On a scratch page of the sheet's own kind (its fonts, nothing loaded from outside), so
    that a logo that passes is one every sheet draws. Bounded: an SVG logo has passed the
    drawing limits (500 elements, 40 levels) and fpdf2 stops a ``<use>`` that refers to
    itself.
    """
    canvas = _Canvas()
    canvas.add_page()
    try:
        _draw_logo(canvas, logo, canvas.l_margin, canvas.t_margin)
    except KeyError as exc:
        if "No suitable font" not in str(exc):
            return f"the PDF library cannot draw it ({exc})"
        family = str(exc).partition("family=")[2].partition(",")[0].strip("'\"")
        return (
            f"its text asks for a font the PDF does not have ({family}); use "
            "font-family sans-serif, serif or monospace, or turn the text into outlines"
        )
    except RecursionError:
        return "nested too deep for the PDF library to draw"
    except Exception as exc:  # whatever the file makes the library do: this is the trial
        return f"the PDF library cannot draw it ({str(exc) or type(exc).__name__})"
    return None


def _plan_box(pdf: _Document, sheet: Sheet) -> None:
    """How often, the leg, the next appointment, the clinic's contact, then the notes.

    The details in two columns, each a bold label with its value wrapped beside it.
    """
    if not sheet.has_plan:
        return
    pad, gutter = 3.0, 5.0
    column_w = (pdf.epw - 2 * pad - gutter) / 2
    half = (len(sheet.plan) + 1) // 2
    columns = [sheet.plan[:half], sheet.plan[half:]]

    def label_width(label: str) -> float:
        pdf.set_font(FONT, "B", BODY)
        return pdf.get_string_width(f"{label}: ") + 0.5

    def entry_height(label: str, value: str) -> float:
        lines = pdf.lines(value, column_w - label_width(label))
        return len(lines) * BODY * LEADING + 0.6

    details = max(sum(entry_height(*entry) for entry in column) for column in columns)
    if sheet.drawing_key:
        details += BODY * LEADING + 0.6
    notes = ("Notes from your clinician", sheet.notes) if sheet.notes else None
    height = 2 * pad + STEP_TITLE * LEADING + 1.2 + details
    if notes:
        notes_w = pdf.epw - 2 * pad - label_width(notes[0])
        height += 1.2 + len(pdf.lines(notes[1], notes_w)) * BODY * LEADING
    top = pdf.get_y()
    pdf.set_fill_color(*PLAN_FILL)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F", round_corners=True, corner_radius=2)
    pdf.set_y(top + pad)
    pdf.para("Your plan", STEP_TITLE, "B", indent=pad, after=1.2)
    details_top = pdf.get_y()
    for n, column in enumerate(columns):
        pdf.set_y(details_top)
        for label, value in column:
            _entry(pdf, label, value, pad + n * (column_w + gutter), column_w, label_width(label))
    if sheet.drawing_key:
        pdf.set_y(details_top + details - BODY * LEADING - 0.6)
        pdf.para(sheet.drawing_key, indent=pad, after=0.6)
    pdf.set_y(details_top + details)
    if notes:
        pdf.ln(1.2)
        _entry(pdf, *notes, pad, pdf.epw - 2 * pad, label_width(notes[0]))
    pdf.set_y(top + height + 2.5)


def _entry(pdf: _Document, label: str, value: str, x: float, width: float, offset: float) -> None:
    """A bold label, and its value wrapped beside it, aligned to the value's direction."""
    y = pdf.get_y()
    pdf.para(f"{label}:", BODY, "B", indent=x, width=width, after=0)
    pdf.set_y(y)
    pdf.para(value, indent=x + offset, width=width - offset, after=0.6, align=direction(value))


def _stop_box(pdf: _Document, sheet: Sheet) -> None:
    """The warning signs in two columns, each level under what to do, in order of urgency."""
    pad, gutter = 2.5, 5.0
    column_w = (pdf.epw - 2 * pad - gutter) / 2
    parts = _stop_parts(pdf, sheet.flags, column_w)
    # Newspaper columns, as even as they can be. A group split over the columns has its
    # heading again at the top of the second, said to go on, so that no sign stands under
    # another group's heading; an action never ends a column without its first sign.
    candidates = []
    for split in range(1, len(parts)):
        if parts[split - 1][0] == "action":
            continue
        columns = [parts[:split], parts[split:]]
        if columns[1][0][0] == "sign":
            action = next(text for kind, text, _ in reversed(columns[0]) if kind == "action")
            again = f"{action} (continued)"
            height = len(pdf.lines(again, column_w, BODY, "B")) * BODY * LEADING + 0.5
            columns[1] = [("action", again, height), *columns[1]]
        candidates.append(columns)
    columns = min(candidates, key=lambda c: max(sum(h for _, _, h in col) for col in c))
    heading_lines = len(pdf.lines(sheet.stop_heading, pdf.epw - 2 * pad, STEP_TITLE, "B"))
    heading_h = heading_lines * STEP_TITLE * LEADING + 1.5
    height = 2 * pad + heading_h + max(sum(h for _, _, h in c) for c in columns)
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_draw_color(*STOP)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, round_corners=True, corner_radius=2)
    pdf.set_line_width(0.2)
    pdf.set_y(top + pad)
    pdf.set_text_color(*STOP)
    pdf.para(sheet.stop_heading, STEP_TITLE, "B", indent=pad, width=pdf.epw - 2 * pad, after=1.5)
    pdf.set_text_color(*INK)
    columns_top = pdf.get_y()
    for n, column in enumerate(columns):
        indent = pad + n * (column_w + gutter)
        pdf.set_y(columns_top)
        for kind, text, _ in column:
            if kind == "action":
                pdf.para(text, BODY, "B", indent=indent, width=column_w, after=0.5)
            else:
                pdf.set_x(pdf.l_margin + indent)
                pdf.bullets([text], width=column_w)
    pdf.set_y(top + height + 2)


def _stop_parts(
    pdf: _Document, flags: list[FlagGroup], width: float
) -> list[tuple[str, str, float]]:
    parts = []
    for group in flags:
        action_h = len(pdf.lines(group.action, width, BODY, "B")) * BODY * LEADING + 0.5
        parts.append(("action", group.action, action_h))
        parts += [("sign", s, pdf.bullets_height([s], width)) for s in group.signs]
    return parts


def _step_texts(step: StepEntry) -> list[tuple[str, str]]:
    # The cue is what the player shows while a step plays; on paper the instruction says
    # it in full, and the page is better spent on type a patient can read.
    texts = [(step.instruction + step.cite, "")]
    texts += [(f"Take care: {c}", "B") for c in step.cautions]
    return texts


def _step_height(pdf: _Document, step: StepEntry) -> float:
    """How tall ``_step`` draws this step, in mm, but for the space after it."""
    return _step_body(pdf, step, 0.0, draw=False) + STEP_GAP


def _step(pdf: _Document, step: StepEntry) -> None:
    """A drawing on the left, beside it the title, the dose grid and what to do.

    The text stays in its column beside the drawing to its end: one exercise, one block.
    """
    if pdf.will_page_break(_step_height(pdf, step)):
        pdf.add_page()
    top = pdf.get_y() + STEP_GAP
    if step.svg:
        _picture(pdf, step.svg, pdf.l_margin, top)
    pdf.set_y(top + _step_body(pdf, step, top, draw=True) + STEP_GAP)


def _step_body(pdf: _Document, step: StepEntry, top: float, *, draw: bool) -> float:
    """Lay out (or only measure) a step from ``top``; return the height it takes."""
    text_x = PICTURE_W + GAP if step.svg else 0
    text_w = pdf.epw - text_x
    foot = top + (PICTURE_H if step.svg else 0)
    y = top
    title = f"{step.number}. {step.title}"
    if draw:
        pdf.set_y(y)
        pdf.para(title, STEP_TITLE, "B", indent=text_x, after=0)
    y += len(pdf.lines(title, text_w, STEP_TITLE, "B")) * STEP_TITLE * LEADING + 0.8
    y += _dose_grid(pdf, step, text_x, text_w, y, draw=draw) + 1.2
    line_h = BODY * LEADING
    for text, style in _step_texts(step):
        # A paragraph that starts beside the drawing stays in its column to its end; one
        # that starts below the drawing's foot takes the full width.
        x = text_x if y < foot - line_h / 2 else 0.0
        if x == 0 and text_x:
            y = max(y, foot + 1)
        if draw:
            pdf.set_y(y)
            pdf.para(text, BODY, style, indent=x, after=0)
        y += len(pdf.lines(text, pdf.epw - x, BODY, style)) * line_h + 0.6
    return max(y, foot) - top


DOSE_ROW = BODY * LEADING + 1.6
KEEP_WHOLE = 90.0  # mm: a section up to this tall is never split over two pages


def _dose_widths(pdf: _Document, step: StepEntry) -> list[tuple[str, float, str, float]]:
    """Each cell's label and value with their widths: the label bold, the value plain."""
    cells = []
    for label, value in step.grid:
        pdf.set_font(FONT, "B", BODY)
        label_w = pdf.get_string_width(f"{label}: ")
        pdf.set_font(FONT, "", BODY)
        cells.append((f"{label}: ", label_w, value, pdf.get_string_width(value)))
    return cells


def _dose_grid(
    pdf: _Document, step: StepEntry, x: float, width: float, y: float, *, draw: bool
) -> float:
    """The dose as shaded cells at ``y``, drawn or only measured; returns its height.

    Side by side when they fit the width, else stacked; a value too long for the width
    wraps inside its cell, never past the margin.
    """
    cells = _dose_widths(pdf, step)
    side_by_side = sum(lw + vw + 4 for _, lw, _, vw in cells) <= width
    line_h = BODY * LEADING

    def lines(label_w: float, value: str, value_w: float) -> list[str]:
        if side_by_side or label_w + value_w + 4 <= width:
            return [value]
        return pdf.lines(value, width - label_w - 4)

    rows = [lines(lw, v, vw) for _, lw, v, vw in cells]
    heights = [DOSE_ROW + (len(r) - 1) * line_h for r in rows]
    height = DOSE_ROW if side_by_side else sum(heights)
    if not draw:
        return height
    pdf.set_fill_color(*DOSE_FILL)
    pdf.set_draw_color(*LINE)
    left = pdf.l_margin + x
    for (label, label_w, _, value_w), wrapped, cell_h in zip(cells, rows, heights, strict=True):
        cell_w = min(label_w + value_w + 4, width)
        pdf.rect(left, y, cell_w, cell_h, style="DF")
        pdf.set_xy(left + 2, y)
        pdf.set_font(FONT, "B", BODY)
        pdf.cell(label_w, DOSE_ROW, label)
        pdf.set_font(FONT, "", BODY)
        for n, line in enumerate(wrapped):
            pdf.set_xy(left + 2 + label_w, y + n * line_h)
            pdf.cell(value_w if len(wrapped) == 1 else width - label_w - 4, DOSE_ROW, line)
        if side_by_side:
            left += cell_w
        else:
            y += cell_h
    return height


def _picture(pdf: _Document, svg: str, x: float, y: float) -> None:
    try:
        pdf.image(io.BytesIO(svg.encode()), x=x, y=y, w=PICTURE_W)
    except Exception:
        return


def _record(pdf: _Document, sheet: Sheet, reserve: float = 0.0) -> None:
    """The record for a pen, whole: rows 7 mm high, drawn boxes to tick.

    A table of days goes on a page of its own, kept where it is filled in, unless the whole
    record fits under the instructions.
    """
    record = sheet.record
    columns = record.columns
    widths = _record_widths(pdf, sheet) if columns else []
    lined = bool(columns) and columns[-1].wide and widths[-1] < COMMENTS_MM
    if lined:
        # Too narrow to write in: comments go on ruled lines under the table, and the
        # other columns share the width.
        columns, _ = columns[:-1], widths.pop()
        widths = [w * pdf.epw / sum(widths) for w in widths]
    headings = ["Day", "Date", *(c.heading for c in columns)]
    boxes = [False, False, *(c.box for c in columns)]
    groups = [None, None, *(c.group for c in columns)]
    commands = sheet.commands if sheet.show_commands else []
    if record.columns:
        texts = [*record.legend, *(f"{ALSO_HERE} {c}" for c in commands)]
        height = 14 + sum(pdf.height(t, after=0.3) for t in texts) + 1
        height += _headings_height(pdf, widths, headings) + _group_height(groups)
        if pdf.will_page_break(height + len(record.days) * ROW_MM + 2):
            pdf.add_page()
    pdf.heading(record.heading, keep=40)
    for line in record.legend:
        pdf.para(line, after=0.3)
    # Where the sessions are written down, a word that the computer can keep them too.
    pdf.set_text_color(*MUTED)
    for command in commands:
        pdf.para(f"{ALSO_HERE} {command}", after=0.3)
    pdf.set_text_color(*INK)
    pdf.ln(1)
    for item in record.checklist:
        y = pdf.get_y()
        _tick_box(pdf, pdf.l_margin, y + 0.5)
        pdf.para(item, indent=TICK_MM + 3, after=2)
    if not record.columns:
        return
    rows = [[str(n), day] for n, day in record.days]
    first = True
    while rows:
        if not first:
            # A record longer than a page goes on under its heading, said to continue.
            pdf.add_page()
            pdf.heading(f"{record.heading} (continued)", keep=40)
        heading_h = _headings_height(pdf, widths, headings) + _group_height(groups)
        fits = max(1, int((pdf.room() - heading_h - 1) // ROW_MM))
        _record_table(pdf, widths, headings, boxes, rows[:fits], groups)
        rows = rows[fits:]
        first = False
    if lined:
        _comment_lines(pdf, reserve)


COMMENTS_MM = 40.0  # narrower, a comments column is ruled lines under the table instead


def _comment_lines(pdf: _Document, reserve: float) -> None:
    """Ruled lines to write comments on, under the table: 2 to 4, leaving ``reserve`` mm.

    Where even two would push what follows onto another page, the page's back is named.
    """
    count = min(4, int((pdf.room() - reserve - BODY * LEADING - 2) // ROW_MM))
    pdf.ln(2)
    if count < 2:
        # No room for lines without a page more: the back of the page is the place.
        pdf.para("Comments: on the back of this page, with the date.", BODY, "B", after=0)
        return
    pdf.para("Comments (the date, and what happened):", BODY, "B", after=0)
    pdf.set_draw_color(*LINE)
    for _ in range(count):
        y = pdf.get_y() + ROW_MM
        pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
        pdf.set_y(y)


def _headings_height(pdf: _Document, widths: list[float], headings: list[str]) -> float:
    most = max(len(pdf.lines(h, w, BODY, "B")) for h, w in zip(headings, widths, strict=True))
    return most * BODY * LEADING + 2


def _record_widths(pdf: _Document, sheet: Sheet) -> list[float]:
    """The record's column widths: Day, Date, the columns, Comments taking the rest."""
    record = sheet.record

    def width(column: Column) -> float:
        # Wide enough for its longest word in bold, so no heading breaks inside a word.
        pdf.set_font(FONT, "B", BODY)
        longest = max(pdf.get_string_width(word) for word in column.heading.split())
        return max(12.0 if column.box else 17.0, longest + 4)

    pdf.set_font(FONT, "", BODY)
    date_w = max(24.0, *(pdf.get_string_width(label) + 3 for _, label in record.days))
    fixed = [12.0, date_w, *(width(c) for c in record.columns if not c.wide)]
    pdf.set_font(FONT, "B", BODY)
    comments = max(pdf.epw - sum(fixed), pdf.get_string_width("Comments") + 4)
    return [*fixed, comments]


def _group_height(groups: list[str | None]) -> float:
    return BODY * LEADING + 2 if any(groups) else 0.0


def _record_table(
    pdf: _Document,
    widths: list[float],
    headings: list[str],
    boxes: list[bool],
    rows: list[list[str]],
    groups: list[str | None],
) -> None:
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(*HEAD_FILL)
    x0, y = pdf.l_margin, pdf.get_y()
    if any(groups):
        # The sessions' names ("Morning", "Evening") once over their columns.
        group_h = _group_height(groups)
        x = x0
        spans: list[tuple[str | None, float]] = []
        for group, width in zip(groups, widths, strict=True):
            if spans and group is not None and spans[-1][0] == group:
                spans[-1] = (group, spans[-1][1] + width)
            else:
                spans.append((group, width))
        pdf.set_font(FONT, "B", BODY)
        for group, width in spans:
            if group is not None:
                pdf.rect(x, y, width, group_h, style="DF")
                pdf.set_xy(x, y)
                pdf.cell(width, group_h, group, align="C")
            x += width
        y += group_h
    heading_h = _headings_height(pdf, widths, headings)
    x = x0
    for heading, width, group in zip(headings, widths, groups, strict=True):
        # A column outside the sessions is headed over both rows.
        above = _group_height(groups) if group is None else 0.0
        pdf.rect(x, y - above, width, heading_h + above, style="DF")
        pdf.set_xy(x, y + 1 - above / 2)  # the cell's own margins pad the heading
        pdf.set_font(FONT, "B", BODY)
        pdf.multi_cell(width, BODY * LEADING, heading, align="C")
        x += width
    y += heading_h
    pdf.set_font(FONT, "", BODY)
    for row in rows:
        x = x0
        for i, (width, box) in enumerate(zip(widths, boxes, strict=True)):
            pdf.rect(x, y, width, ROW_MM)
            if box:
                _tick_box(pdf, x + (width - TICK_MM) / 2, y + (ROW_MM - TICK_MM) / 2)
            elif i < len(row):
                pdf.set_xy(x, y)
                pdf.cell(width, ROW_MM, row[i], align="C")
            x += width
        y += ROW_MM
    pdf.set_xy(x0, y + 2)


def _tick_box(pdf: _Document, x: float, y: float) -> None:
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.rect(x, y, TICK_MM, TICK_MM)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*LINE)


def _endnote_lines(sheet: Sheet) -> list[tuple[str, str, float]]:
    """The endnotes as (text, style, indent): headings bold, the rest at 8 pt."""
    lines: list[tuple[str, str, float]] = []
    if sheet.evidence:
        lines.append((EVIDENCE_HEADING, "heading", 0))
    for title, statements in sheet.evidence:
        lines.append((title, "B", 0))
        lines += [(f"•  {s.text}{s.cite}", "", 2) for s in statements]
    if sheet.sources:
        lines.append(("Sources", "heading", 0))
    lines += [(source, "", 0) for source in sheet.sources]
    return lines


ENDNOTE_HEADING = 11.0


def _endnotes_height(pdf: _Document, sheet: Sheet) -> float:
    """How tall the endnotes are, in mm."""
    height = 3.0
    for text, style, indent in _endnote_lines(sheet):
        if style == "heading":
            height += 1 + ENDNOTE_HEADING * LEADING + 1.5 + 1.2
        else:
            height += pdf.height(text, SMALL, style, indent, after=0.1)
    return height


def _endnotes(pdf: _Document, sheet: Sheet) -> None:
    """What the research found and the numbered sources, after everything a patient needs."""
    if not (sheet.evidence or sheet.sources):
        return
    pdf.ln(3)
    pdf.set_text_color(*MUTED)
    lines = _endnote_lines(sheet)
    for n, (text, style, indent) in enumerate(lines):
        if style == "heading":
            pdf.heading(text, ENDNOTE_HEADING, keep=12)
            continue
        if n == len(lines) - 2:
            # The last two lines together: a legend never alone on a page.
            last = lines[-1]
            both = pdf.height(text, SMALL, style, indent, 0.1)
            if pdf.will_page_break(both + pdf.height(last[0], SMALL, last[1], last[2], 0.1)):
                pdf.add_page()
        pdf.para(text, SMALL, style, indent, after=0.1)
    pdf.set_text_color(*INK)
