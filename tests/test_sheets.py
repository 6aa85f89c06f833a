"""Take-home sheets: every format of every protocol, hostile input, and paper = terminal."""

from __future__ import annotations

import datetime as dt
import io
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader
from rich.console import Console
from typer.testing import CliRunner

from hamstring_care import messages
from hamstring_care.flows.session import RunOptions
from hamstring_care.player.engine import KEY_LIST
from hamstring_care.prescription import Prescribed, Prescription, StepDose, content_hash
from hamstring_care.render.content import build_sheet
from hamstring_care.render.formats import sheet_for
from hamstring_care.render.text import to_markdown, to_text
from hamstring_care.sanitize import clean
from tests.conftest import ROOT
from tests.fakes import FakeClock, RecordingCues, RecordingView, ScriptedKeys
from tests.fakes import play_on_fakes as run_routine
from tests.fixtures import SMALL, small_text

runner = CliRunner()
SNAPSHOTS = ROOT / "tests" / "snapshots"
ADVICE = ("roll-and-press", "stretch", "rice")  # the suite's own (tests/protocols)
HOSTILE_NAME = (
    "<script>alert(1)</script> [bold red]Zoë\x1b[31m Ångström-Łukasiewicz\x1b]0;pwn\x07 😀"
)
RTL = "שלום עולם مرحبا"
CLINICIAN = "Dr Ñúñez – “Pat” O’Neil"  # en dash, curly quotes: beyond Latin-1


@pytest.fixture(autouse=True)
def on_the_suites_own_protocols(small_protocols):
    """Sheets are drawn from the suite's own protocols, but where a test says it is about
    the bundled ones (their drawings, the two-routine sheet the README promises)."""


def pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse_html(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    return parser


# --- every format of every protocol -----------------------------------------------------


@pytest.mark.parametrize("pid", ADVICE)
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_pdf_of_each_protocol_holds_patient_steps_and_footer(
    tmp_path, small_library, pid, paper, invoke
):
    out = tmp_path / "sheet.pdf"
    result = invoke("print", pid, "--patient", "Jane Doe", "--paper", paper, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text, pages = pdf_text(out)
    protocol = small_library.get(pid)
    assert "Jane Doe" in text
    for step in getattr(protocol, "steps", []):
        assert step.title in text
    for section in getattr(protocol, "sections", []):
        assert section.title in text
    assert f"{pid} v{protocol.version} #{content_hash(protocol)}" in text
    assert "Stop and get help if..." in text
    if protocol.kind == "routine":
        # The routine and its sources on at most 2 pages, then the record whole on the last
        # page: a page of its own, or under the instructions when it fits there whole.
        assert pages <= 3, f"a routine fits on 2 pages and its record on 1, got {pages}"
        last = PdfReader(out).pages[-1].extract_text()
        assert "Daily record" in last and "14 " in last, last[:80]
        if pages > 1:
            assert "Daily record" not in PdfReader(out).pages[-2].extract_text()
        assert f"hamstring-care run {pid}" in text
    assert result.stderr == f"Wrote {out}, {pages} page{'' if pages == 1 else 's'}.\n"
    width = float(PdfReader(out).pages[0].mediabox.width)
    assert round(width) == (595 if paper == "a4" else 612)


@pytest.mark.parametrize("pid", ADVICE)
def test_html_of_each_protocol_is_self_contained(tmp_path, small_library, pid, invoke):
    out = tmp_path / "sheet.html"
    assert invoke("print", pid, "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    tags = parse_html(text)
    for tag, attrs in tags.tags:
        for name in ("src", "href", "action", "srcset", "poster"):
            value = attrs.get(name)
            assert value is None or value.startswith("data:"), (tag, name, value)
        assert tag not in ("script", "link", "iframe", "object", "embed"), tag
    assert "@import" not in text and "url(" not in text
    protocol = small_library.get(pid)
    pictures = [a for t, a in tags.tags if t == "img"]
    steps = getattr(protocol, "steps", [])
    assert len(pictures) == sum(1 for s in steps if s.illustration)
    assert "@media print" in text and "size: A4" in text


@pytest.mark.parametrize("pid", ADVICE)
@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_text_formats_to_stdout(small_library, pid, fmt, invoke):
    result = invoke("print", pid, "--format", fmt, "-o", "-")
    assert result.exit_code == 0, result.stderr
    protocol = small_library.get(pid)
    assert protocol.title in result.stdout or protocol.title.upper() in result.stdout
    assert "\x1b" not in result.stdout


def snapshot_sheet(library, fmt: str) -> str:
    prescription = Prescription(
        items=(Prescribed(library.get("roll-and-press"), "right", 20),),
        date=dt.date(2026, 11, 21),
        patient="Jane Doe",
        clinician="Dr A. Smith",
        clinic="Riverside Physio",
        notes="Do the routine after your run.\nCome back in two weeks.",
        times_per_day=2,
        days=3,
    )
    sheet = build_sheet(prescription, library.triage(), lambda _pid, _name: None)
    return to_markdown(sheet) if fmt == "md" else to_text(sheet)


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_snapshot(small_library, fmt):
    """Regenerate after an intended change with: UPDATE_SNAPSHOTS=1 uv run pytest -k snapshot."""
    path = SNAPSHOTS / f"roll-and-press.{fmt}"
    got = snapshot_sheet(small_library, fmt)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


# --- hostile input ----------------------------------------------------------------------


def test_clean_drops_escapes_and_controls_keeps_every_script():
    assert clean("a\x1b[31mred\x1b[0m b") == "ared b"
    assert clean("title\x1b]0;pwned\x07 after") == "title after"
    assert clean("link \x1b]8;;http://x\x1b\\text\x1b]8;;\x1b\\") == "link text"
    assert clean("bell\a back\b nul\x00 c1\x9b2J") == "bell back nul c1"
    assert clean("tab\there\r\nnext") == "tab here\nnext"
    assert clean("  two\n lines ", one_line=True) == "two lines"
    assert clean(f"Zoë 😀 {RTL}") == f"Zoë 😀 {RTL}"


def hostile_args(tmp_path: Path) -> list[str]:
    notes = tmp_path / "notes.txt"
    head = f"[bold red]<b>notes</b>\x1b[2J {RTL} 😀\n"
    long_notes = ("Walk daily and keep a diary of the pain. " * 600)[: 20_000 - len(head)]
    notes.write_text(head + long_notes, encoding="utf-8")
    return ["--patient", HOSTILE_NAME, "--clinician", CLINICIAN, "--notes-file", str(notes)]


def test_hostile_html_is_escaped(tmp_path, invoke):
    out = tmp_path / "s.html"
    result = invoke("print", "roll-and-press", *hostile_args(tmp_path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert [t for t, _ in parse_html(text).tags].count("script") == 0
    assert "<b>notes</b>" not in text  # the notes' tags are text, never markup
    assert "&lt;b&gt;notes&lt;/b&gt;" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [bold red]Zoë Ångström-Łukasiewicz 😀" in text
    assert "\x1b" not in text and "pwn" not in text
    assert RTL in text and CLINICIAN in text


def test_hostile_markdown_and_text(tmp_path, invoke):
    md = invoke("print", "roll-and-press", *hostile_args(tmp_path), "-f", "md", "-o", "-")
    assert md.exit_code == 0
    assert "\\<script\\>alert(1)\\</script\\> \\[bold red\\]Zoë" in md.stdout
    assert "<" not in md.stdout.replace("\\<", "")
    txt = invoke("print", "roll-and-press", *hostile_args(tmp_path), "-f", "txt", "-o", "-")
    assert "<script>alert(1)</script> [bold red]Zoë Ångström-Łukasiewicz 😀" in txt.stdout
    assert "\x1b" not in txt.stdout and "\x07" not in txt.stdout
    assert max(len(line) for line in txt.stdout.splitlines()) <= 78


def test_markdown_leaves_a_bare_address_as_text(invoke):
    """GFM renderers link "https://..." and "www." on their own; escaped, they read the same
    and stay text (cmark-gfm, GitHub's renderer, leaves https\\:// and www\\. unlinked)."""
    notes = "Log in at https://127.0.0.1:9/login or WWW.example.org, at 09:30"
    sheet = invoke(
        "print", "rice", "--notes", notes, "--clinic", "ftp://x.org", "-f", "md", "-o", "-"
    )
    assert sheet.exit_code == 0
    assert "https\\://127.0.0.1:9/login or WWW\\.example.org, at 09:30" in sheet.stdout
    assert "ftp\\://x.org" in sheet.stdout
    assert "://" not in sheet.stdout.replace("\\://", "")


def test_hostile_pdf_renders_and_long_notes_continue_on_new_pages(tmp_path, invoke):
    out = tmp_path / "s.pdf"
    result = invoke("print", "stretch", *hostile_args(tmp_path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    text, pages = pdf_text(out)
    assert pages >= 4  # 20,000 characters of notes run on over pages
    flat = " ".join(text.split())
    assert "[bold red]Zoë Ångström-Łukasiewicz" in flat
    assert CLINICIAN in flat
    assert "Walk daily and keep a diary" in flat
    assert "\x1b" not in text
    # Shaped right to left, so the text reads back in its own order, not reversed.
    assert "שלום עולם" in text and "مرحبا" in text


def test_notes_longer_than_the_limit_are_refused(invoke):
    result = invoke("print", "rice", "--notes", "x" * 50_001, "-f", "txt", "-o", "-")
    assert result.exit_code == 2
    assert result.stderr.strip() == "--notes: at most 50,000 characters, got 50,001"


# --- files: atomic, never overwritten without --force -----------------------------------


def test_existing_file_needs_force(tmp_path, invoke):
    out = tmp_path / "s.txt"
    out.write_text("keep me")
    result = invoke("print", "rice", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{out}: already exists; add --force to replace it"
    assert out.read_text() == "keep me"
    assert invoke("print", "rice", "-o", str(out), "--force").exit_code == 0
    assert "TEST GUIDANCE" in out.read_text()


def _special_files(tmp_path):
    import socket
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    yield "a named pipe", fifo
    sock_path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock_path))
        yield "a socket", sock_path
    device = tmp_path / "null"
    try:  # a private copy of /dev/null's node: replacing it would harm nothing
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        return
    yield "a device", device


@pytest.mark.parametrize("command", ["print", "history export", "protocols schema"])
def test_force_never_replaces_a_device_pipe_or_socket(tmp_path, command, invoke):
    import stat

    for kind, target in _special_files(tmp_path):
        before = os.lstat(target).st_mode
        args = {
            "print": ["print", "rice", "-f", "txt", "-o", str(target), "--force"],
            "history export": [
                "--data-dir",
                str(tmp_path / "data"),
                "history",
                "export",
                str(target),
                "--format",
                "csv",
                "--force",
            ],
            "protocols schema": ["protocols", "schema", "-o", str(target)],
        }[command]
        result = invoke(*args)
        assert result.exit_code == 2, (kind, result.output)
        assert result.stderr.strip() == f"{target}: is {kind}, not a file; give a file name"
        assert stat.S_IFMT(os.lstat(target).st_mode) == stat.S_IFMT(before)


def test_a_link_is_replaced_as_a_link(tmp_path, invoke):
    target = tmp_path / "real.txt"
    target.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert invoke("print", "rice", "-f", "txt", "-o", str(link), "--force").exit_code == 0
    assert not link.is_symlink() and target.read_text() == "keep me"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, invoke):
    out = tmp_path / "s.pdf"
    out.write_bytes(b"old sheet")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    result = invoke("print", "rice", "-o", str(out), "--force")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{out}: cannot write: no space left on device"
    assert out.read_bytes() == b"old sheet"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.pdf"]


def test_missing_folder_and_read_only_folder(tmp_path, monkeypatch, invoke):
    result = invoke("print", "rice", "-o", str(tmp_path / "nope" / "s.pdf"))
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == f"{tmp_path / 'nope' / 's.pdf'}: cannot write: no folder {tmp_path / 'nope'}"
    )
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.access(locked, os.W_OK):  # root writes anywhere: make the folder refuse as it would
        import tempfile

        def refuse(*_args, **_kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        result = invoke("print", "rice", "-o", str(locked / "s.pdf"))
        assert result.exit_code == 2
        assert result.stderr.strip() == f"{locked / 's.pdf'}: cannot write: permission denied"
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_default_file_name_and_mode(tmp_path, monkeypatch, invoke):
    monkeypatch.chdir(tmp_path)
    result = invoke("print", "rice", "--patient", "Jane Doe", "--date", "2026-11-21", "-f", "md")
    assert result.stderr == "Wrote sheet-jane-doe-2026-11-21.md.\n"
    mode = (tmp_path / "sheet-jane-doe-2026-11-21.md").stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- usage errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["yoga"],
            'no protocol "yoga"; known protocols: back-to-running, foam-roller-and-ball, hamstring-stretch, lengthening, nordic, rice, triage',
        ),
        (
            ["triage"],
            '"triage" is the triage, which is asked, not prescribed; print one of: back-to-running, foam-roller-and-ball, hamstring-stretch, lengthening, nordic, rice',
        ),
    ],
)
def test_an_unknown_id_lists_the_bundled_protocols(monkeypatch, args, message, invoke):
    monkeypatch.delenv("HAMSTRING_CARE_PROTOCOLS")  # the bundled protocols alone
    result = invoke("print", *args)
    assert (result.exit_code, result.stderr.strip(), result.stdout) == (2, message, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "name the protocols to print (e.g. foam-roller-and-ball) or give --plan FILE"),
        (
            ["rice", "-o", "-"],
            "a PDF cannot go to standard output; give a file name (-o sheet.pdf) or --format html, md, txt or summary",
        ),
        (
            ["rice", "-o", "out.docx"],
            "out.docx: .docx is not a sheet format; name the file .htm, .html, .markdown, .md, "
            ".pdf, .text, .txt, or give --format",
        ),
        (
            ["rice", "-o", "s.pdf", "-f", "html"],
            "s.pdf: the name ends in .pdf but --format is html",
        ),
        (
            ["rice", "--date", "21/11/2026"],
            '--date: expected a date like 2026-11-21 (years 1900 to 2999), got "21/11/2026"',
        ),
        (
            ["rice", "--notes", "a", "--notes-file", "n.txt"],
            "give --notes or --notes-file, not both",
        ),
        (["rice", "--notes-file", "missing.txt"], "missing.txt: file not found"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, monkeypatch, args, message, invoke):
    monkeypatch.chdir(tmp_path)
    result = invoke("print", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


# --- plans ------------------------------------------------------------------------------


def test_plan_new_validates_as_written_and_prints(tmp_path, monkeypatch, invoke):
    monkeypatch.chdir(tmp_path)
    result = invoke(
        "plan", "new", "--patient", 'Zoë "Z" O\'Brien: #1', "--side", "left", "--hold", "15"
    )
    assert result.exit_code == 0, result.stderr
    assert (
        result.stderr == "Wrote plan.yaml. Edit it, then: hamstring-care print --plan plan.yaml\n"
    )
    again = invoke("plan", "new")
    assert again.exit_code == 2 and "already exists" in again.stderr
    sheet = invoke("print", "--plan", "plan.yaml", "-f", "txt", "-o", "-")
    assert sheet.exit_code == 0, sheet.stderr
    assert 'Patient: Zoë "Z" O\'Brien: #1' in sheet.stdout
    assert "hamstring-care run roll-and-press --hold 15 --side left" in sheet.stdout
    assert "hamstring-care run stretch --side left" in sheet.stdout


def test_command_line_options_override_the_plan(tmp_path, invoke):
    plan = tmp_path / "p.yaml"
    plan.write_text("patient: Ann\nprotocols:\n  - id: roll-and-press\n    side: left\n")
    result = invoke(
        "print", "--plan", str(plan), "--patient", "Bea", "--side", "right", "-f", "txt", "-o", "-"
    )
    assert "Patient: Bea" in result.stdout
    assert "hamstring-care run roll-and-press --side right" in result.stdout


def test_bad_plan_reports_every_problem_with_its_place(tmp_path, invoke):
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "patient: Ann\n"
        "schedule:\n  times_per_day: 9\n"
        "protocols:\n"
        "  - id: yoga\n"
        "  - id: rice\n    hold: 20\n"
        "  - id: triage\n"
        "paper: a5\n"
    )
    result = invoke("print", "--plan", str(plan))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{plan}:3:18: schedule.times_per_day: input should be less than or equal to 6",
        f"{plan}:9:8: paper: expected one of 'a4' or 'letter', got \"a5\"",
    ]
    plan.write_text(plan.read_text().replace("9", "2").replace("a5", "a4"))
    result = invoke("print", "--plan", str(plan))
    unknown, *others = result.stderr.splitlines()
    assert unknown.startswith(f'{plan}:5:9: protocols[0].id: no protocol "yoga"; known: ')
    assert "rice, roll-and-press, stretch" in unknown  # the ids there are, but the triage
    assert others == [
        f"{plan}:7:11: protocols[1].hold: hold goes with routines; rice is guidance",
        f"{plan}:8:9: protocols[2].id: the triage is asked, not prescribed",
    ]


def test_sheet_and_player_give_the_same_steps_and_doses(tmp_path, small_library, small_triage):
    """A plan printed, then played on a fake clock: every step, leg, hold and repeat agree."""
    plan = tmp_path / "p.yaml"
    plan.write_text(
        "protocols:\n"
        "  - id: roll-and-press\n    side: right\n    hold: 17\n"
        "  - id: stretch\n    side: left\n"
    )
    from hamstring_care import plans

    prescription = plans.prescription(small_library, [], plan, plans.Layer())
    sheet = sheet_for(small_library, prescription)
    text = to_text(sheet)
    for block, item in zip(sheet.blocks, prescription.routines, strict=True):
        view = RecordingView()
        clock = FakeClock()
        played = []
        view.segment = lambda segment, played=played: played.append(segment)
        run_routine(
            item.protocol,
            small_triage,
            [],
            RunOptions(side=item.side, hold=item.hold),
            Console(file=io.StringIO()),
            lambda _text: None,
            keys=ScriptedKeys(clock, []),
            cues=RecordingCues(),
            view=view,
            clock=clock,
        )
        assert [s.title for s in block.steps] == list(dict.fromkeys(p.step.title for p in played))
        for entry in block.steps:
            work = [p for p in played if p.kind == "work" and p.step.title == entry.title]
            rests = [p.seconds for p in played if p.kind == "rest" and p.step.title == entry.title]
            legs = tuple(dict.fromkeys(p.side for p in work if p.side))
            from_player = StepDose(
                step=work[0].step,
                legs=legs,
                repeats=len(work) // max(1, len(legs)),
                min_seconds=work[0].min_seconds,
                max_seconds=work[0].seconds,
                rest_seconds=rests[0] if rests else 0,
            )
            assert from_player.words() == entry.dose
            assert f"Dose: {entry.dose}" in text
    assert "Dose: 2 spots, 17 s each · right leg only" in text
    assert sheet.commands == [
        "hamstring-care run roll-and-press --hold 17 --side right",
        "hamstring-care run stretch --side left",  # no range hold: no --hold
    ]
    assert "Dose: 3 holds, 30 s each, 10 s rest · left leg only" in text


def test_run_plan_plays_its_routines_and_points_to_guidance(tmp_path, invoke):
    plan = tmp_path / "p.yaml"
    plan.write_text("protocols:\n  - id: rice\n  - id: quick\n    side: left\n    hold: 2\n")
    result = invoke(
        "--protocols-dir",
        str(SMALL),
        "run",
        "--plan",
        str(plan),
        "--count-in",
        "0",
        "--no-sound",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Test guidance: read it with hamstring-care protocols show rice",
        KEY_LIST,
        "Left leg: Roll quickly, 1 s",
        "  How: Roll.",
        "  Cue: Roll on.",
        "Press a spot, 2 s",
        "  How: Press.",
        messages.session_summary("2 of 2 steps", "0:03"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run"], "name a routine (e.g. foam-roller-and-ball) or give --plan FILE"),
        (["run", "quick", "--plan", "p.yaml"], "give a routine or --plan FILE, not both"),
    ],
)
def test_run_needs_one_routine_or_a_plan(args, message, invoke):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_run_plan_without_routines(tmp_path, invoke):
    plan = tmp_path / "p.yaml"
    plan.write_text("protocols:\n  - id: rice\n")
    result = invoke("run", "--plan", str(plan))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{plan}: the plan holds no routine to run"


# --- illustrations ----------------------------------------------------------------------


def test_every_bundled_step_has_its_own_drawing(library):  # the bundled drawings
    names = []
    for pid in ("foam-roller-and-ball", "hamstring-stretch"):
        for step in library.get(pid).steps:
            assert step.illustration, f"{pid}: {step.title} has no illustration"
            path = library.illustration(pid, step.illustration)
            assert path is not None and path.read_text().startswith("<svg")
            names.append(step.illustration)
    assert len(names) == len(set(names))


WORKING_LEG = "#1f6fb2"  # the blue the plan box's key names


def test_each_drawing_is_its_own_pose_with_the_working_leg_in_blue(library):
    """Redrawn (issue 16): one distinct pose per step, the leg worked drawn in the key's blue,
    and a motion arrow or the tight spot in red; the key is printed where drawings are."""
    import re

    poses = {}
    for pid in ("foam-roller-and-ball", "hamstring-stretch"):
        for step in library.get(pid).steps:
            svg = library.illustration(pid, step.illustration).read_text()
            legs = re.findall(rf'<path d="([^"]+)"[^>]*stroke="{WORKING_LEG}"', svg)
            assert len(legs) == 1, step.illustration
            assert 'stroke="#c0392b"' in svg, f"{step.illustration}: no arrow or spot"
            poses[step.illustration] = legs[0]
    assert len(set(poses.values())) == len(poses)  # no two steps share a pose


def test_illustrations_must_exist_and_stay_in_their_folder(write, tmp_path):
    from hamstring_care.errors import InputFileError
    from hamstring_care.source.library import load_protocol

    text = small_text("stretch.yaml")
    missing = write("mine/stretch.yaml", text.replace(" stretch.svg", " nope.svg"))
    with pytest.raises(InputFileError) as error:
        load_protocol(missing)
    assert error.value.lines[0].endswith(
        "steps[0].illustration: no file illustrations/nope.svg beside this file or among the bundled protocols"
    )
    escape = write("bad/stretch.yaml", text.replace(" stretch.svg", " ../../etc/passwd.svg"))
    with pytest.raises(InputFileError) as error:
        load_protocol(escape)
    assert "expected the file name of an SVG in the illustrations folder" in error.value.lines[0]
    (tmp_path / "link" / "illustrations").mkdir(parents=True)
    outside = tmp_path / "secret.svg"
    outside.write_text("<svg/>")
    (tmp_path / "link" / "illustrations" / "leak.svg").symlink_to(outside)
    linked = write("link/stretch.yaml", text.replace(" stretch.svg", " leak.svg"))
    with pytest.raises(InputFileError):
        load_protocol(linked)


def test_own_illustration_beside_an_overriding_protocol(write, tmp_path):
    from hamstring_care.source.library import Library, protocol_dirs

    write(
        "mine/illustrations/my-stretch.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>',
    )
    write(
        "mine/stretch.yaml", small_text("stretch.yaml").replace(" stretch.svg", " my-stretch.svg")
    )
    mine = Library(protocol_dirs([SMALL, tmp_path / "mine"], environ={}))
    assert mine.override_note("stretch").startswith(f"Using stretch from {tmp_path}/mine/")
    assert (
        mine.illustration("stretch", "my-stretch.svg")
        == tmp_path / "mine" / "illustrations" / "my-stretch.svg"
    )
    # a bundled drawing is found from any folder
    assert mine.illustration("stretch", "roller-calf.svg") is not None


def test_an_unknown_suffix_is_written_only_with_a_format(tmp_path, monkeypatch, invoke):
    monkeypatch.chdir(tmp_path)
    assert invoke("print", "rice", "-o", "out.docx").exit_code == 2
    assert not (tmp_path / "out.docx").exists()
    written = invoke("print", "rice", "-o", "notes.sheet", "-f", "txt")
    assert written.exit_code == 0
    assert (tmp_path / "notes.sheet").read_text().startswith("YOUR HAMSTRING SELF-CARE PLAN")


def test_your_plan_box_holds_how_often_the_leg_the_contact_and_the_notes(invoke, write):
    args = [
        "print", "roll-and-press", "stretch", "--side", "right",
        "--notes", "Twice a day if you can.", "--clinic-phone", "01234 567890",
        "--clinic-address", "1 High St", "--next-appointment", "Tue 1 Dec, 10:30",
        "--emergency-number", "999", "-o", "-",
    ]  # fmt: skip
    for fmt in ("txt", "md", "html"):
        out = invoke(*args, "-f", fmt).stdout.lower()  # the text sheet's headings are capitals
        for words in ("Your plan", "Once a day, for 14 days", "Right leg", "01234 567890",
                      "1 High St", "Tue 1 Dec, 10:30", "Twice a day if you can.",
                      "Test emergency title, call 999",
                      "Most hamstring pain settles with care"):  # fmt: skip
            assert words.lower() in out, (fmt, words)
        assert out.index("your plan") < out.index("most hamstring pain settles with care")
        assert "also on your computer:" in out and "in the terminal" not in out
    plan = write(
        "plan.yaml",
        "protocols:\n  - id: rice\nclinic_phone: '020 7946 0000'\nemergency_number: '112'\n",
    )
    from_plan = invoke("print", "--plan", str(plan), "-f", "txt", "-o", "-").stdout
    assert "Phone: 020 7946 0000" in from_plan and "call 112" in from_plan
    plain = invoke("print", "rice", "-f", "txt", "-o", "-").stdout
    assert "Test emergency title, call your local emergency number" in plain


def test_the_printed_html_pages_carry_the_name_and_page_numbers_safely(invoke):
    name = '</style><script>alert(1)</script> Zoë "O\\Neil"'
    html = invoke("print", "rice", "--patient", name, "-f", "html", "-o", "-").stdout
    style = html[html.index("<style>") : html.index("</style>")]
    assert "@top-left" in style and 'counter(page) " of " counter(pages)' in style
    assert "<" not in style[len("<style>") :] and "Zo" in style
    assert html.count("</style>") == 1 and "<script>" not in html
    assert "<bdi>" in html


def test_the_record_is_made_for_a_pen(invoke):
    """One tick per routine per session, pain before and after per session, 0 and 10 named,
    room for comments; guidance alone gets a short checklist, not two weeks of rows."""
    two = invoke(
        "print", "roll-and-press", "stretch", "--times-per-day", "2",
        "-f", "txt", "-o", "-",
    ).stdout  # fmt: skip
    # No codes to decode, and no table of spaces: each day a line of named boxes.
    day = " ".join(two.split("Day 1, ")[1].split("\n\n")[0].split())
    assert day.endswith(
        ": Morning: Roll and press [ ] Test stretch [ ] Before ___ After ___ "
        "Evening: Roll and press [ ] Test stretch [ ] Before ___ After ___"
    )
    assert "0 = none, 10 = the worst you can imagine" in " ".join(two.split())
    # A session a line, and a box never parted from its name by the wrapping.
    assert "\n    Morning:  Roll and press [ ]  Test stretch [ ]  Before ___  After ___\n" in two
    assert "[\n" not in two and "\u00a0" not in two
    rice = invoke("print", "rice", "-f", "txt", "-o", "-").stdout
    assert "CHECKLIST" in rice and "  [ ] First section\n  [ ] Second section\n" in rice
    assert "Day  Date" not in rice


@pytest.fixture
def clinic_folder(tmp_path, monkeypatch) -> Path:
    """The user config folder of this test alone, where clinic.yaml lives (issue 27)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    folder = tmp_path / "config" / "hamstring-care"
    folder.mkdir(parents=True)
    return folder


def test_a_clinic_types_its_details_once(invoke, write, tmp_path, clinic_folder):
    """clinic.yaml in the config folder fills what the plan and the options leave out."""
    data = clinic_folder
    (data / "clinic.yaml").write_text(
        "clinic: Riverside Physio\nclinic_phone: 01234 567890\nemergency_number: '999'\n"
        "clinician: Dr A. Smith\n"
    )
    sheet = invoke("print", "rice", "-f", "txt", "-o", "-").stdout
    assert "Riverside Physio" in sheet and "Phone: 01234 567890" in sheet
    assert "call 999" in sheet and "Clinician: Dr A. Smith" in sheet
    given = invoke("print", "rice", "--clinician", "Dr B", "-f", "txt", "-o", "-").stdout
    assert "Clinician: Dr B" in given
    (data / "clinic.yaml").write_text("clinic_phone: [1, 2]\n")
    bad = invoke("print", "rice", "-f", "txt", "-o", "-")
    assert bad.exit_code == 2
    assert "clinic.yaml:1:15: clinic_phone:" in bad.stderr


def test_a_right_to_left_name_keeps_the_pdf_footer_in_order(tmp_path, invoke):
    out = tmp_path / "ar.pdf"
    assert invoke("print", "stretch", "--patient", "مرحبا سارة", "-o", str(out)).exit_code == 0
    pages = PdfReader(out).pages
    footer = pages[0].extract_text().splitlines()[-1]
    assert footer.rstrip().endswith(f"page 1 of {len(pages)}"), footer
    assert "· ·" not in footer and not footer.lstrip().startswith("·")


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_long_record_goes_on_under_a_continued_heading(tmp_path, invoke, paper):
    out = tmp_path / "long.pdf"
    args = ["print", "stretch", "--days", "60", "--date", "2026-11-22"]
    args += ["--paper", paper, "-o", str(out)]
    assert invoke(*args).exit_code == 0
    pages = [page.extract_text().lstrip() for page in PdfReader(out).pages]
    record = [text for text in pages if "Sun 22 Nov" in text or "record (continued)" in text]
    assert record[0].startswith("Daily record") and len(record) >= 2
    for text in record[1:]:
        assert text.startswith("Daily record (continued)")
    assert "60" in record[-1] and "Wed 20 Jan" in record[-1]


CONTACT = [
    "--patient", "Jane Doe",
    "--notes", "Start gently; stop if the pain goes past 4 out of 10.",
    "--clinic", "Riverside Physio", "--clinician", "A. Smith",
    "--clinic-phone", "020 7946 0000", "--clinic-address", "12 River Street, Kingston KT1 1AA",
    "--next-appointment", "Tue 1 Dec, 10:30", "--emergency-number", "999",
    "--times-per-day", "2", "--side", "right",
]  # fmt: skip
TWO_ROUTINES = ["print", "foam-roller-and-ball", "hamstring-stretch", *CONTACT]
"""The two bundled routines with notes, contact and next appointment: the README's sheet."""


def printed_sizes(path: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's texts as the PDF draws them: (type size in pt, height from the foot, text)."""
    pages = []
    for page in PdfReader(path).pages:
        texts: list[tuple[float, float, str]] = []

        def seen(text, cm, tm, font, size, texts=texts):
            if text.strip():
                texts.append((size * tm[3] * (cm[3] or 1), tm[5], text.strip()))

        page.extract_text(visitor_text=seen)
        pages.append(texts)
    return pages


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_two_routine_sheet_reads_at_arms_length_on_two_pages_and_the_record(
    tmp_path, invoke, paper, monkeypatch
):
    """Every text at least 11 pt, step titles 14 pt, only the footer and the endnotes 8 pt;
    the two routines on two pages, the record on a page of its own after them: the README's
    promise for the bundled routines, so on the bundled protocols alone."""
    monkeypatch.delenv("HAMSTRING_CARE_PROTOCOLS")
    out = tmp_path / f"{paper}.pdf"
    result = invoke(*TWO_ROUTINES, "--paper", paper, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    pages = printed_sizes(out)
    assert len(pages) == 3
    assert "Daily record" in [text for _, _, text in pages[2]]
    assert not any(text == "Daily record" for page in pages[:2] for _, _, text in page)
    footer_band = 16 * 72 / 25.4  # the lowest 16 mm of a page, in points
    step_titles = {"1. Roll the back of the thigh", "6. Ball in the upper buttock"}
    for page in pages:
        endnotes = False
        for size, height, text in page:
            endnotes = endnotes or text in ("About the evidence", "Sources")
            if text in step_titles:
                assert size == pytest.approx(14), text
            if size < 11 - 0.01:
                assert size >= 8 - 0.01, text
                assert endnotes or height < footer_band, f"{text!r} at {size} pt"
    assert step_titles <= {text for page in pages for _, _, text in page}


def test_html_sheet_has_the_pdf_layout_doses_and_endnotes(tmp_path, invoke):
    """The same dose grid, the warning signs in two columns, drawn tick boxes, and what the
    research found after the record, as on the PDF."""
    out = tmp_path / "two.html"
    assert invoke("print", "roll-and-press", "stretch", *CONTACT, "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    # Each urgency a row of its own, its signs in two columns under it: never split.
    assert ".stop ul { columns: 2;" in text and '<div class="columns">' not in text
    # A step's text keeps its column beside the drawing to its last line.
    assert ".step > div { display: flow-root; }" in text
    assert '<th class="group" colspan="4">Morning</th>' in text
    assert "<span><b>How long:</b> 2 spots, 10-20 s each</span>" in text
    assert "<span><b>How long:</b> 3 holds, 30 s each, 10 s rest</span>" in text
    assert text.count("<span><b>Leg:</b> Right leg only</span>") == 4  # per leg: 3 + 1
    assert text.count('<span class="tick"></span>') == 14 * 4  # 2 routines x 2 sessions a day
    record, endnotes = text.index('<section class="record">'), text.index("About the evidence")
    assert record < endnotes < text.index("<h2>Sources</h2>")
    assert "Cue:" not in text  # the player's cues stay in the terminal
    assert '<dd dir="auto">Right leg; blue and drawn thicker in the drawings</dd>' in text


def test_a_schedule_of_some_days_a_week_lists_those_days(tmp_path, invoke, write):
    """Three days a week over two weeks: six rows, spread through each week, the plan's day
    numbers kept; the plan box and the routine say how often."""
    from hamstring_care.prescription import session_days

    start = dt.date(2026, 11, 23)  # a Monday
    assert [d.isoformat() for d in session_days(start, 14, 3)] == [
        "2026-11-23", "2026-11-25", "2026-11-28", "2026-11-30", "2026-12-02", "2026-12-05",
    ]  # fmt: skip
    assert len(session_days(start, 14, 7)) == 14
    assert [d.day for d in session_days(start, 7, 1)] == [23]
    text = invoke(
        "print", "stretch", "--days-a-week", "3", "--date", "2026-11-23",
        "-f", "txt", "-o", "-",
    ).stdout  # fmt: skip
    assert "How often: Once a day, 3 days a week, for 14 days" in text
    assert "Once a day, 3 days a week, about 4 min for both legs (about 2 min a leg)." in text
    record = text.split("DAILY RECORD")[1].split("-----")[0]
    assert [line.split(",")[0] for line in record.splitlines() if line.startswith("Day ")] == [
        "Day 1", "Day 3", "Day 6", "Day 8", "Day 10", "Day 13",
    ]  # fmt: skip
    assert "Wed 25 Nov" in text and "Tue 24 Nov" not in text
    plan = write("p.yaml", "schedule:\n  days_per_week: 8\nprotocols:\n  - id: rice\n")
    refused = invoke("print", "--plan", str(plan), "-f", "txt", "-o", "-")
    assert refused.exit_code != 0 and "days_per_week" in refused.stderr


def png(width: int, height: int) -> bytes:
    """A real PNG of this size, in one colour."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (42, 111, 151)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_clinic_logo_is_printed_once_checked_like_a_drawing(tmp_path, invoke, clinic_folder):
    """Off by default; a PNG or a self-contained SVG, at the top of the PDF and the HTML;
    anything else is refused with one line, and nothing is written."""

    logo = tmp_path / "logo.png"
    logo.write_bytes(png(300, 100))
    plain, with_logo = tmp_path / "plain.pdf", tmp_path / "logo.pdf"
    assert invoke("print", "rice", "-o", str(plain)).exit_code == 0
    assert invoke("print", "rice", "--logo", str(logo), "-o", str(with_logo)).exit_code == 0
    assert len(PdfReader(plain).pages[0].images) == 0
    assert len(PdfReader(with_logo).pages[0].images) == 1
    html = invoke("print", "rice", "--logo", str(logo), "-f", "html", "-o", "-").stdout
    assert '<img class="logo" src="data:image/png;base64,' in html

    svg = tmp_path / "logo.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 30 10"><circle r="4"/></svg>'
    )
    assert invoke("print", "rice", "--logo", str(svg), "-o", str(tmp_path / "s.pdf")).exit_code == 0

    cases = {
        "leak.svg": ('<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/y.png"/></svg>', "an <image> element"),
        "notes.txt": ("just words", "not a PNG or SVG image"),
        "sizeless.svg": ('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', "needs a viewBox"),
        "huge.png": (png(2001, 10), "at most 2,000 pixels a side"),
        "cut.png": (png(30, 30)[:40], "not a readable PNG image"),
    }  # fmt: skip
    for name, (content, reason) in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        out = tmp_path / f"{name}.pdf"
        result = invoke("print", "rice", "--logo", str(path), "-o", str(out))
        assert result.exit_code == 2, name
        assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1, name
        assert not out.exists()

    data = clinic_folder
    (data / "logo.png").write_bytes(png(120, 40))
    (data / "clinic.yaml").write_text("clinic: Riverside Physio\nlogo: logo.png\n")
    from_clinic = tmp_path / "clinic.pdf"
    assert invoke("print", "rice", "-o", str(from_clinic)).exit_code == 0
    assert len(PdfReader(from_clinic).pages[0].images) == 1


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (os.mkfifo, "a named pipe; the clinic's settings are read from a file"),
        (lambda path: path.symlink_to(path.parent / "nowhere"), "a symbolic link to nothing"),
        (lambda path: path.mkdir(), "a folder, not the clinic's settings file"),
    ],
    ids=["named pipe", "link to nothing", "folder"],
)
def test_a_clinic_file_that_is_not_a_file_is_said_not_skipped(make, reason, invoke, clinic_folder):
    """Skipped, the sheet would go to a patient without the clinic's phone and number."""
    make(clinic_folder / "clinic.yaml")
    result = invoke("print", "rice", "-f", "txt", "-o", "-")
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert f"clinic.yaml: {reason}" in line


def test_a_clinic_file_in_the_data_folder_is_still_read_with_a_note(invoke, clinic_folder):
    """Earlier versions read clinic.yaml in the data folder: it still works, said in a line."""
    data = Path(os.environ["HAMSTRING_CARE_DATA"])
    data.mkdir(parents=True, exist_ok=True)
    (data / "clinic.yaml").write_text("clinic: Old Place\n")
    result = invoke("print", "rice", "-f", "txt", "-o", "-")
    assert result.exit_code == 0 and "Old Place" in result.stdout
    assert result.stderr == (
        "hamstring-care: warning: clinic settings read from the data folder: move "
        f"{data / 'clinic.yaml'} to {clinic_folder / 'clinic.yaml'}\n"
    )
    (clinic_folder / "clinic.yaml").write_text("clinic: New Place\n")
    both = invoke("print", "rice", "-f", "txt", "-o", "-")
    assert "New Place" in both.stdout and "Old Place" not in both.stdout
    assert both.stderr == (
        f"hamstring-care: warning: {data / 'clinic.yaml'} is not read: "
        f"{clinic_folder / 'clinic.yaml'} is; remove one of them\n"
    )


def test_right_to_left_notes_and_names_are_aligned_to_their_direction(tmp_path, invoke):
    """A Hebrew note is set flush right in the plan box, an English one flush left; an
    Arabic name in the footer sits at the right of its own cell."""
    lines = {}
    for name, notes in (("he", "לעשות את התרגיל פעמיים ביום"), ("en", "Twice a day, gently.")):
        out = tmp_path / f"{name}.pdf"
        result = invoke("print", "rice", "--patient", "سارة", "--notes", notes, "-o", str(out))
        assert result.exit_code == 0, result.stderr
        page = PdfReader(out).pages[0]
        found = []

        def seen(text, cm, tm, font, size, found=found):
            if text.strip():
                found.append((tm[4], text.strip()))

        page.extract_text(visitor_text=seen)
        lines[name] = found
    width = float(PdfReader(tmp_path / "en.pdf").pages[0].mediabox.width)
    he_x = next(x for x, text in lines["he"] if "פעמיים" in text or "םיימעפ" in text)
    en_x = next(x for x, text in lines["en"] if "Twice a day, gently." in text)
    assert en_x < width * 0.5 < he_x  # the Hebrew line starts well to the right


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_no_command_leaves_the_terminal_off_the_sheet(fmt, invoke):
    with_command = invoke("print", "stretch", "-f", fmt, "-o", "-").stdout
    without = invoke("print", "stretch", "--no-command", "-f", fmt, "-o", "-").stdout
    assert "Also on your computer" in with_command and "hamstring-care run" in with_command
    assert "Also on your computer" not in without and "hamstring-care run" not in without


def test_no_command_in_the_pdf(tmp_path, invoke):
    out = tmp_path / "s.pdf"
    assert invoke("print", "stretch", "--no-command", "-o", str(out)).exit_code == 0
    assert "Also on your computer" not in pdf_text(out)[0]


@pytest.mark.parametrize("sessions", [2, 3, 6])
def test_the_record_fits_the_page_at_any_sessions_a_day(tmp_path, invoke, sessions):
    """Up to two sessions a day side by side; more, a row each: never past the margin."""
    out = tmp_path / "s.pdf"
    args = ["print", "roll-and-press", "stretch", "--days", "3"]
    args += ["--date", "2026-11-23"]
    result = invoke(*args, "--times-per-day", str(sessions), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    pages = printed_sizes(out)
    width = float(PdfReader(out).pages[0].mediabox.width)
    record = next(page for page in pages if any(t == "Daily record" for _, _, t in page))
    texts = [t for _, _, t in record]
    # One word, never broken inside; where a column would be too narrow to write in, ruled
    # lines under the table.
    assert "Comments" in texts or "Comments (the date, and what happened):" in texts
    reader = PdfReader(out)
    page = reader.pages[pages.index(record)]
    right = []
    page.extract_text(
        visitor_text=lambda t, cm, tm, f, s: right.append(tm[4]) if t.strip() else None
    )
    assert max(right) < width - 13 * 72 / 25.4
    text = invoke(*args, "--times-per-day", str(sessions), "-f", "txt", "-o", "-").stdout
    if sessions > 2:
        assert "A row for each session of the day." in text
        assert f"Wed 25 Nov, {sessions}:" in text  # the last day's last session has a row


@pytest.mark.parametrize("pid", ["rice", "walk-and-jog", "stretch"])
def test_html_sheets_open_and_close_every_element(pid, invoke):
    """The kept-together parts of a sheet close where they open, for every kind of block."""
    from html.parser import HTMLParser

    class Balance(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.open: list[str] = []
            self.wrong: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in ("meta", "img", "br"):
                self.open.append(tag)

        def handle_endtag(self, tag):
            if self.open and self.open[-1] == tag:
                self.open.pop()
            else:
                self.wrong.append(tag)

    checker = Balance()
    checker.feed(invoke("print", pid, "-f", "html", "-o", "-").stdout)
    assert checker.wrong == [] and checker.open == []
