"""Each sheet of issue 26, read back as a patient reads it: the doses, the leg and the pain
limit in the PDF (A4 and Letter), the HTML and the text say what the prescription says.

Sheets: (a) two routines, right leg, twice a day, a named patient and a note; (b) RICE;
(c) back to running from a plan with a stricter limit and a starting stage; (d) lengthening
and the Nordic, left leg; (e) an Arabic name with a Hebrew note; (f) Chinese and Hindi names.
"""

from __future__ import annotations

import fcntl
import html
import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from hamstring_care import plans
from hamstring_care.models import RoutineProtocol
from hamstring_care.prescription import Prescription, step_doses
from hamstring_care.render.pdf import FALLBACKS, font_path
from hamstring_care.vocab import PAIN_LIMIT, Side

NOTES = (
    "Do the rolling and the stretch after your run or in the evening, not before. Sharp pain "
    "is not fine. If the thigh feels worse the next morning, halve the time on each spot. "
    "Bring this sheet, filled in, to your next appointment."
)
PLAN_C = """\
patient: Sam Runner
clinic_phone: 020 7946 0000
protocols:
  - id: back-to-running
    side: left
    stage: jog_walk
    pain_limit: 3
"""
SHEETS = {
    "a": ["foam-roller-and-ball", "hamstring-stretch", "--patient", "Margaret O'Connor",
          "--side", "right", "--times-per-day", "2", "--notes", NOTES,
          "--clinic-phone", "020 7946 0000", "--next-appointment", "Tue 1 Dec, 10:30"],
    "b": ["rice"],
    "c": ["--plan", "PLAN_C"],
    "d": ["lengthening", "nordic", "--side", "left", "--days-a-week", "3"],
    "e": ["foam-roller-and-ball", "hamstring-stretch", "--side", "left",
          "--patient", "فاطمة الزهراء بن علي",
          "--notes", "בצעו את התרגילים פעמיים ביום. כאב עד 4 מתוך 10 מותר."],
    "f": ["foam-roller-and-ball", "--side", "right", "--patient", "王小明 · मीरा शर्मा"],
}  # fmt: skip
CJK = font_path(FALLBACKS[-1]) is not None


def arguments(name: str, tmp_path: Path) -> list[str]:
    """The sheet's arguments, its plan file written where it needs one."""
    args = list(SHEETS[name])
    if "PLAN_C" in args:
        plan = tmp_path / "plan.yaml"
        plan.write_text(PLAN_C, encoding="utf-8")
        args[args.index("PLAN_C")] = str(plan)
    return [*args, "--date", "2026-11-23"]


def prescribed(library, args: list[str]) -> Prescription:
    """The prescription the sheet was printed from, with the routines a program plays."""
    ids = args[: next(i for i, a in enumerate(args) if a.startswith("-"))]
    option = dict(itertools.pairwise(args))
    plan = Path(option["--plan"]) if "--plan" in option else None
    side = Side(option["--side"]) if "--side" in option else None
    found = plans.prescription(library, ids, plan, plans.Layer.options(side=side))
    return found.with_stage_routines(lambda rid: library.get(rid, RoutineProtocol))


def read(path: Path, fmt: str) -> str:
    """What a patient reads: the text, in one line of single spaces."""
    if fmt == "pdf":
        text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    elif fmt == "html":
        body = path.read_text(encoding="utf-8").split("<body>", 1)[1]
        text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    else:
        text = path.read_text(encoding="utf-8")
    return " ".join(text.split())


FORMATS = [("pdf", "a4"), ("pdf", "letter"), ("html", "a4"), ("txt", "a4")]


@dataclass(frozen=True)
class Printed:
    """One sheet as ``print`` wrote it: its arguments, the file, and how the command ended."""

    args: list[str]
    out: Path
    exit_code: int
    stderr: str


@pytest.fixture(scope="session")
def printed_sheets(tmp_path_factory) -> Path:
    """The folder of the sheets printed in this run, shared by the pytest-xdist workers (the
    run's folder, above each worker's own), so that a sheet is printed once whichever worker
    runs the tests that read it."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "sheets"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def print_sheet(printed_sheets, invoke):
    """Print a sheet of ``SHEETS`` as ``print <arguments> --paper PAPER -o FILE``, once in
    the run: a PDF takes 0.3 s (1 s in Arabic, Chinese or Hindi), and the tests that read
    the same sheet for different things read the one file, never changing it. The first to
    ask prints it, holding a lock on it while it does; the others wait, then read."""

    def sheet(name: str, fmt: str, paper: str) -> Printed:
        folder = printed_sheets / f"{name}-{fmt}-{paper}"
        folder.mkdir(exist_ok=True)
        with open(folder / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            ended = folder / "ended.json"
            if not ended.exists():
                args = arguments(name, folder)
                out = folder / f"{name}-{paper}.{fmt}"
                result = invoke("print", *args, "--paper", paper, "-o", str(out))
                said = {"args": args, "out": str(out), "exit_code": result.exit_code}
                said["stderr"] = result.stderr
                ended.write_text(json.dumps(said), encoding="utf-8")
            said = json.loads(ended.read_text(encoding="utf-8"))
        return Printed(said["args"], Path(said["out"]), said["exit_code"], said["stderr"])

    return sheet


@pytest.mark.parametrize("fmt,paper", FORMATS)
@pytest.mark.parametrize("name", sorted(SHEETS))
def test_each_sheet_says_the_prescribed_doses_legs_and_pain_limit(
    name, fmt, paper, library, print_sheet
):
    if name == "f" and fmt == "pdf" and not CJK:
        pytest.skip("no Chinese font on this machine (Debian: fonts-noto-cjk)")
    sheet = print_sheet(name, fmt, paper)
    args = sheet.args
    assert sheet.exit_code == 0, sheet.stderr
    text = read(sheet.out, fmt)
    prescription = prescribed(library, args)
    for item in prescription.routines:
        routine = item.protocol
        assert isinstance(routine, RoutineProtocol)
        for dose in step_doses(routine.steps, item.side, item.hold):
            # The dose words, as the player plays them: sets x repetitions, spots, holds.
            assert dose.how_long() in text, (routine.id, dose.how_long())
            assert dose.leg_words.capitalize() in text or dose.leg_words in text
        if not routine.per_side:
            # A two-leg exercise never names one leg.
            title = re.escape(routine.title)
            said = re.search(rf"{title}.{{0,400}}", text, re.IGNORECASE)
            assert said and "both legs together" in said.group(0).lower()
            assert "leg only" not in said.group(0).lower()
        elif item.side == Side.BOTH:
            assert re.search(r"about \d+ min for both legs \(about \d+ min a leg\)", text)
    assert "min each time (each leg)" not in text
    limit = next((p.pain_limit for p in prescription.items if p.pain_limit), None)
    said = [int(a or b) for a, b in LIMIT_WORDS.findall(text)]
    if limit is not None:
        # One pain limit everywhere, and the command carries it.
        assert said and set(said) == {limit}, said
        assert f"--pain-limit {limit}" in text or fmt != "txt"
    elif any(item.protocol.id == "lengthening" for item in prescription.items):
        assert set(said) == {PAIN_LIMIT}, said


LIMIT_WORDS = re.compile(
    r"(?:pain during at most|may reach|stop short of pain above|hurts above|at most) (\d+)(?= out of 10|/10|\.)"
    r"|at (\d+) out of 10 or less"
)
"""The pain limit as the instructions and the record name it (the evidence's "up to 4 out of
10 returned players" is a study's finding, not an instruction)."""


def test_a_program_sheet_prints_its_routines_leg_and_paper_decisions(tmp_path, invoke):
    out = tmp_path / "c.txt"
    assert invoke("print", *arguments("c", tmp_path), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    flat = " ".join(text.split())
    for title in ("LENGTHENING EXERCISES", "NORDIC HAMSTRING EXERCISE", "1. The Extender"):
        assert title in text
    assert "Leg: Left leg (Nordic hamstring exercise: both legs together)" in flat
    assert (
        "In Back to running, stages 6 to 7: week by week as below, never two days in a row: "
        "about 6 min (both legs together)."
    ) in flat
    assert "Pain limit: 3 out of 10 at most, during each session" in flat  # in the plan box
    assert "call your clinician on 020 7946 0000" in flat  # a stop, on paper
    assert "program start back-to-running --side left --stage jog_walk --pain-limit 3" in flat
    record = text.split("CHECK-IN RECORD")[1]
    assert "Nordic" not in record.split("Day 1,")[1].split("Day 2,")[0]  # no tick on day 1
    assert "DAILY RECORD" not in text


def test_a_letter_no_font_has_is_refused_in_one_line(invoke, tmp_path):
    result = invoke("print", "rice", "--patient", "Ⰰⰱⰲ", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 2
    assert "no font for" in result.stderr and "U+2C00" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_a_summary_for_a_clinical_record(tmp_path, invoke):
    result = invoke("print", *arguments("c", tmp_path), "-f", "summary", "-o", "-")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert 5 <= len(lines) <= 20
    assert "Pain limit during sessions: 3 out of 10." in result.stdout
    assert "Stage 3 of 7: Jog and walk (you start here)" in result.stdout
    assert "|" not in result.stdout and "†" not in result.stdout
    assert "drawings" not in result.stdout  # the drawings' key stays on the sheet


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", ["a", "b"])
def test_no_warning_sign_starts_a_column_without_its_heading(name, paper, tmp_path, invoke):
    """Issue 26, 4: the stop box's second column opens with a group's heading (repeated with
    "(continued)" when the group goes on), never with a sign under no heading."""
    out = tmp_path / "sheet.pdf"
    args = [*arguments(name, tmp_path), "--paper", paper, "--emergency-number", "999"]
    assert invoke("print", *args, "-o", str(out)).exit_code == 0
    page = PdfReader(out).pages[0]
    middle = float(page.mediabox.width) / 2
    chunks: list[tuple[float, float, str, bool]] = []

    def seen(text, cm, tm, font, size):
        if text.strip():
            bold = "Bold" in str((font or {}).get("/BaseFont", ""))
            chunks.append((tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5], text.strip(), bold))

    page.extract_text(visitor_text=seen)
    top = next(y for x, y, text, _ in chunks if text.startswith("Most hamstring pain"))
    foot = min(y for x, y, text, _ in chunks if "A lump in the thigh" in text)
    box = [c for c in chunks if foot <= c[1] < top]
    right = [c for c in box if c[0] > middle]
    first = max(right, key=lambda c: c[1])
    assert first[3], f"the right column starts with {first[2]!r}, not a heading"
    left_headings = {text for x, y, text, bold in box if bold and x < middle}
    if first[2].removesuffix(" (continued)") in left_headings:
        # The column starts inside a group: it says so.
        assert first[2].endswith("(continued)"), first[2]


def test_the_stage_a_program_starts_at_stands_out(tmp_path, invoke):
    """The audit's (c): "(you start here)" alone was the same bold as every stage."""
    out = tmp_path / "c.html"
    assert invoke("print", *arguments("c", tmp_path), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count('<div class="keep here">') == 1
    here = text.split('<div class="keep here">')[1].split("</div>")[0]
    assert "Stage 3 of 7: Jog and walk (you start here)" in here and "Move on after" in here
    assert ".here { background: var(--plan); border-left: 1mm solid" in text


def test_a_hebrew_note_reads_right_to_left_in_html(tmp_path, invoke):
    """Issue 26, 8: the English label no longer opens the note's paragraph, so a browser
    takes the paragraph's direction from the Hebrew (dir="auto") and sets it flush right."""
    out = tmp_path / "e.html"
    assert invoke("print", *arguments("e", tmp_path), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    note = text.split('<p class="notes" dir="auto">')[1].split("</p>")[0]
    assert note.startswith("בצעו") and "Notes" not in note
    assert '<p class="label">Notes from your clinician:</p>' in text


@pytest.mark.parametrize("ids", [["nordic"], ["lengthening", "nordic"]])
def test_the_plan_box_never_puts_the_nordic_on_every_day(ids, invoke):
    """The Nordic builds up week by week and is never done two days in a row: the plan's
    "How often" says so rather than "Once a day" for it."""
    text = invoke("print", *ids, "--side", "left", "-f", "txt", "-o", "-").stdout
    often = " ".join(text.split("How often:")[1].split("Leg:")[0].split())
    if ids == ["nordic"]:
        assert often.startswith("Week by week, never two days in a row")
    else:
        assert often.startswith("Once a day, for 14 days; Nordic hamstring exercise: week by")


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("name", ["a", "d", "e"])
def test_no_step_text_wraps_under_its_drawing(name, paper, print_sheet):
    """Issue 26, 10: a step's text stays in its column beside the drawing to its last line:
    before the record, no plain line starts at the left margin but the header's."""
    sheet = print_sheet(name, "pdf", paper)  # the sheet the doses test reads
    assert sheet.exit_code == 0
    margin, strays, in_record = None, [], False
    for page in PdfReader(sheet.out).pages:
        chunks: list[tuple[float, float, bool, str]] = []

        def seen(text, cm, tm, font, size, chunks=chunks):
            if text.strip():
                bold = "Bold" in str((font or {}).get("/BaseFont", ""))
                chunks.append((tm[4], size, bold, text.strip()))

        page.extract_text(visitor_text=seen)
        margin = margin if margin is not None else min(x for x, *_ in chunks)
        for x, size, bold, text in chunks:
            in_record = in_record or (bold and text.startswith("Daily record"))
            plain = not bold and size > 10 and not text.startswith("•")
            if plain and not in_record and abs(x - margin) < 1:
                strays.append(text)
    assert all(t.startswith(("Patient:", "Clinician:")) for t in strays), strays


def test_html_on_a_phone_keeps_the_clinic_phone_on_one_line(tmp_path, invoke):
    """Issue 26, 10: on a narrow screen the plan box is two columns, the phone number never
    broken, the warning signs in one column and the drawing above its text."""
    out = tmp_path / "a.html"
    assert invoke("print", *arguments("a", tmp_path), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert '<dd dir="auto" class="phone">020 7946 0000</dd>' in text
    assert ".phone { white-space: nowrap; }" in text
    phone = text.split("@media (max-width: 600px) {")[1].split("\n}")[0]
    assert "grid-template-columns: max-content 1fr" in phone and ".stop ul { columns: 1; }" in phone


def test_a_checklist_follows_on_in_html(invoke):
    """RICE's short checklist is not a table of days: it follows the guidance on the same
    page where it fits (Chromium: 2 A4 pages, not 3), kept whole."""
    text = invoke("print", "rice", "-f", "html", "-o", "-").stdout
    assert '<section class="record short">' in text
    assert "section.record.short { break-before: auto; break-inside: avoid; }" in text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_rice_keeps_a_short_list_with_its_heading_and_speaks_to_paper(paper, tmp_path, invoke):
    """Issue 26, 7: on Letter "Stretching into pain." sat alone at the top of page 2, away
    from "Avoid for the first 72 hours"; and a patient without a computer is told what to do."""
    out = tmp_path / "rice.pdf"
    assert invoke("print", "rice", "--paper", paper, "-o", str(out)).exit_code == 0
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(out).pages]
    assert len(pages) == 2
    (avoid,) = [p for p in pages if "Avoid for the first 72 hours • Heat" in p]
    assert "Stretching into pain" in avoid
    text = " ".join(pages)
    assert "without a computer call your clinician or the clinic" in text
