"""history report: the progress report's numbers against the history of a three-week patient,
its pages and type, the chart in both formats, and a patient's export read on another machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from hamstring_care import messages
from hamstring_care.history.store import open_history
from tests.patient import LAST_DAY, MONDAY, RECHECK_DAY, ROUTINE_DAYS, STOP_DAY, at, three_weeks
from tests.test_sheets import printed_sizes

ROUTINES_PRESCRIBED = 2  # the self-care result's: the foam roller routine and the stretch


@pytest.fixture(scope="session")
def lived(tmp_path_factory) -> dict[str, Path]:
    """The three weeks' history folder as lived, once in this test process, kept aside
    (for the session: an xdist worker runs other modules' tests in between)."""
    return {}


@pytest.fixture
def patient(lived, env, invoke, triage_protocol, tmp_path_factory):
    """The three weeks lived; the report is made on the evening of the last day.

    Lived once in each test process (some 50 commands); every other test gets a copy of
    that history folder, as it was lived, for its own data folder."""
    if "folder" not in lived:
        folder = three_weeks(env, invoke, triage_protocol)
        lived["folder"] = tmp_path_factory.mktemp("lived") / "data"
        shutil.copytree(folder, lived["folder"])
    else:
        folder = env.history_folder()
        shutil.copytree(lived["folder"], folder, dirs_exist_ok=True)
    env.now = lambda: at(21, 12)  # Sun 22 Nov, 19:00
    env.wall = env.now
    return folder


def expected(folder: Path) -> dict:
    """What the report must say, counted here from the history's own rows."""
    with open_history(folder) as history:
        sessions = history.sessions()
        checks = sorted(history.triage_results(), key=lambda c: c.taken_at)
        check_ins = history.check_ins()
    start = checks[0].taken_at.date()  # self-care from the first check that allowed it
    stop = next(s for s in sessions if s.stop_reason == "hurts").started_at.date()
    recheck = checks[1].taken_at.date()
    paused = {stop + dt.timedelta(days=n) for n in range((recheck - stop).days)}
    weeks = {}
    for week in range(3):
        monday = MONDAY.date() + dt.timedelta(weeks=week)
        days = [monday + dt.timedelta(days=n) for n in range(7)]
        days = [d for d in days if start <= d <= LAST_DAY]
        done = sum(1 for s in sessions if s.started_at.date() in days and s.segments_completed)
        planned = ROUTINES_PRESCRIBED * sum(1 for d in days if d not in paused)
        ins = sum(1 for c in check_ins if c.check.day in days)
        weeks[monday] = (done, planned, sum(1 for d in days if d in paused), ins)
    pains = [(s.pain_before, s.pain_after) for s in sessions]
    return {
        "weeks": weeks,
        "pains": pains,
        "during": [c.check.pain_during for c in check_ins],
        "sessions": len(sessions),
        "done": sum(w[0] for w in weeks.values()),
        "planned": sum(w[1] for w in weeks.values()),
        "paused": len(paused),
    }


def pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_numbers_are_the_historys(patient, invoke, tmp_path, library):
    from hamstring_care.flows.report import Finder
    from hamstring_care.history.report import weekly
    from hamstring_care.history.summary import summarize

    want = expected(patient)
    assert want["weeks"] == {  # the patient's three weeks, as lived (see tests/patient.py)
        dt.date(2026, 11, 2): (6, 12, 1, 0),
        dt.date(2026, 11, 9): (3, 10, 2, 5),
        dt.date(2026, 11, 16): (4, 14, 0, 7),
    }
    with open_history(patient) as history:
        summary = summarize(history, Finder(library), library.triage(), LAST_DAY)
    weeks = weekly(summary)
    assert {w.monday: (w.done, w.planned, w.paused, w.check_ins) for w in weeks} == want["weeks"]

    out = tmp_path / "report.pdf"
    result = invoke("history", "report", "--patient", "Sam Runner", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Wrote {out}, 2 pages: 13 sessions, 2 checks, 1 program.\n"
    text, pages = pdf_text(out)
    said = flat(text)
    assert pages <= 2
    share = round(100 * want["done"] / want["planned"])
    assert f"{want['done']} done of {want['planned']} planned ({share}%)" in said
    assert f"self-care stopped by advice on {want['paused']} days" in said
    for monday, (done, planned, _, _) in want["weeks"].items():
        row = f"{monday:%a} {monday.day} {monday:%b} {done} of {planned}"
        assert row in said, row
    assert "5 of 5" in said and "7 of 7" in said  # program check-ins, of the days it ran
    assert "Progress report: Sam Runner" in said
    assert "Mon 2 Nov 2026 to Sun 22 Nov 2026 (21 days)" in said
    # The prescription, the checks, the stop and the program's decisions, with their dates.
    assert "Foam roller and ball self-massage (right leg only)" in said
    assert "Hamstring stretch: not played" in said
    assert "Once a day, from Mon 2 Nov 2026" in said
    stop_day = at(STOP_DAY).date()
    assert f"{stop_day:%a} {stop_day.day} {stop_day:%b} 07:30" in said
    assert "stopped: it hurt SELF-CARE: RICE" in said
    assert said.count("ready-for-self-care") == 2
    assert "back a stage Jog and walk → Lengthening exercises not back to usual by the next" in said
    assert "Now at stage 3 of 7, Jog and walk." in said
    assert "The advice now Self-care: foam roller and ball routine, then stretching" in said
    recheck = at(RECHECK_DAY).date()
    assert f"After a check, {recheck:%a} {recheck.day} {recheck:%b} 08:00." in said


def test_the_chart_holds_every_pain_score(patient, library):
    from hamstring_care.flows.report import Finder
    from hamstring_care.history.report import chart
    from hamstring_care.history.summary import summarize
    from hamstring_care.render.report import chart_shapes

    want = expected(patient)
    with open_history(patient) as history:
        summary = summarize(history, Finder(library), library.triage(), LAST_DAY)
    drawn = chart(summary)
    points = {m: [p.pain for p in drawn.points if p.moment == m] for m in ("before", "after")}
    assert sorted(points["before"]) == sorted(b for b, _ in want["pains"])
    assert sorted(points["after"]) == sorted(a for _, a in want["pains"])
    assert [p.pain for p in drawn.points if p.moment == "during"] == want["during"]
    assert drawn.days == 21 and drawn.limit == 4
    (band,) = drawn.bands  # the stop on day 7 until the re-check on day 10
    assert int(band.start) == STOP_DAY - 1 and int(band.end) == RECHECK_DAY - 1
    kinds = sorted(m.kind for m in drawn.marks)
    assert kinds.count("check") == 2 and kinds.count("stop") == 1 and "step_back" in kinds
    shapes = chart_shapes(drawn, 184, 72)
    dots = [s for s in shapes if s.kind in ("circle", "triangle")]
    assert len(dots) == len(drawn.points)
    assert all(0 <= x <= 184 and 0 <= y <= 72 for s in shapes for x, y in s.points)


def test_the_pdf_reads_at_arms_length(patient, invoke, tmp_path):
    """Every text 11 pt or more (the chart's included), but the footer at 8 pt."""
    out = tmp_path / "r.pdf"
    assert invoke("history", "report", "-o", str(out)).exit_code == 0
    footer_band = 16 * 72 / 25.4
    pages = printed_sizes(out)
    assert len(pages) == 2
    for page in pages:
        for size, height, text in page:
            if size < 11 - 0.01:
                assert size >= 8 - 0.01 and height < footer_band, f"{text!r} at {size} pt"
    raw = out.read_bytes()
    assert b"/Subtype /Image" not in raw  # the chart is vectors, not a picture


def test_the_html_is_one_file_with_the_chart_inline(patient, invoke, tmp_path):
    want = expected(patient)
    out = tmp_path / "r.html"
    result = invoke("history", "report", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "default-src 'none'" in html
    assert "<script" not in html.lower() and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    (svg,) = re.findall(r"<svg xmlns=.*?</svg>", html, flags=re.S)
    scores = sum(v is not None for pair in want["pains"] for v in pair) + len(want["during"])
    assert svg.count("<circle") + svg.count("<polygon") == scores
    said = flat(re.sub(r"<[^>]+>", " ", html))
    assert f"{want['done']} done of {want['planned']} planned" in said
    piped = invoke("history", "report", "-o", "-", "--format", "html")
    assert piped.stdout.startswith("<!DOCTYPE html>") and piped.stderr == ""


def test_a_patients_export_prints_the_same_report_on_the_clinics_machine(
    patient, env, invoke, tmp_path, monkeypatch
):
    export = tmp_path / "export.json"
    assert invoke("history", "export", str(export)).exit_code == 0
    here = tmp_path / "here.pdf"
    assert invoke("history", "report", "-o", str(here)).exit_code == 0
    monkeypatch.setenv("HAMSTRING_CARE_DATA", str(tmp_path / "clinic"))  # no history there
    env.now = lambda: at(25, 12)  # printed some days later: the export's day still counts
    there = tmp_path / "there.pdf"
    result = invoke("history", "report", "--from", str(export), "-o", str(there))
    assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "clinic").exists()  # nothing written on the clinic's machine
    mine, theirs = flat(pdf_text(here)[0]), flat(pdf_text(there)[0])
    assert "from the export " in theirs
    strip = re.compile(r"Made .*? from the (history|export) \S+")
    assert strip.sub("", mine) == strip.sub("", theirs)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "1:2: not JSON"),
        (b"[1, 2]", "not a hamstring-care history export"),
        (b'{"sessions": {}}', "sessions: should be a list of records"),
        (b'{"sessions": [], "history_format": 99}', "written by a newer hamstring-care"),
        (b"\xff\xfe{}", "UTF-16 text"),
    ],
)
def test_an_export_that_cannot_be_read_is_one_line_and_exit_2(tmp_path, invoke, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = invoke("history", "report", "--from", str(bad), "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith(str(bad))
    assert not (tmp_path / "r.pdf").exists()


def test_an_exports_bad_records_are_said_and_left_out(tmp_path, invoke):
    document = {
        "history_format": 6,
        "sessions": [
            {"id": 1, "routine_id": "hamstring-stretch", "routine_version": "1", "side": "left",
             "started_at": "2026-11-02T08:00:00+00:00", "updated_at": "2026-11-02T08:05:00+00:00",
             "ended_at": "2026-11-02T08:05:00+00:00", "segments_total": 6,
             "segments_completed": 6, "planned_seconds": 300, "pain_before": 3, "pain_after": 1},
            {"id": 2, "routine_id": "hamstring-stretch", "started_at": "yesterday"},
            {"id": 3, "routine_id": "\x1b[31mred", "routine_version": "1", "side": "left",
             "started_at": "2026-11-03T08:00:00+00:00", "updated_at": "2026-11-03T08:00:00+00:00",
             "segments_total": 6, "planned_seconds": 300, "pain_before": 99},
            "not a record",
        ],
        "triage_results": [],
    }  # fmt: skip
    export = tmp_path / "export.json"
    export.write_text(json.dumps(document), encoding="utf-8")
    result = invoke("history", "report", "--from", str(export), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert any("sessions[2] cannot be read" in line for line in warnings)
    assert any("sessions[4] cannot be read (not a record)" in line for line in warnings)
    assert "\x1b" not in result.stderr
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "\x1b" not in html


def test_with_nothing_saved_the_report_says_so(invoke, tmp_path):
    out = tmp_path / "r.pdf"
    result = invoke("history", "report", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    said = flat(pdf_text(out)[0])
    assert "No advice saved yet" in said and "No check saved." in said
    assert not Path(os.environ["HAMSTRING_CARE_DATA"]).exists()


def test_while_self_care_is_stopped_the_report_says_so_first(env, invoke, triage_protocol,
                                                             tmp_path, monkeypatch):  # fmt: skip
    import tests.patient as lived

    monkeypatch.setattr(lived, "ROUTINE_DAYS", [d for d in ROUTINE_DAYS if d <= STOP_DAY])
    monkeypatch.setattr(lived, "RECHECK_DAY", 99)
    monkeypatch.setattr(lived, "PROGRAM_DAYS", range(0))
    three_weeks(env, invoke, triage_protocol)
    env.now = lambda: at(STOP_DAY + 1, 3)
    out = tmp_path / "r.pdf"
    assert invoke("history", "report", "-o", str(out)).exit_code == 0
    said = flat(pdf_text(out)[0])
    assert "The advice now Protect it for the first days (RICE), then check again" in said
    assert "After a routine stopped because it hurt" in said
    assert "Self-care is stopped. " + messages.way_back("hamstring-care") in said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "-"], "a PDF cannot go to standard output"),
        (["-o", "r.txt"], "name the file .pdf or .html"),
        (["-o", "r.pdf", "--format", "html"], "the name ends in .pdf but --format is html"),
    ],
)
def test_report_output_mistakes(invoke, args, message):
    result = invoke("history", "report", *args)
    assert result.exit_code == 2 and message in result.stderr
