"""Protocol, plan and answers files from other people: whatever they hold, one clear error.

Each hostile file must end in exit 2 with its own message, no traceback, and (run as a real
process) inside a 200 MiB address-space limit. Timings are in benchmarks/hostile.py.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hamstring_care.errors import InputFileError
from hamstring_care.source.library import Library
from hamstring_care.source.reading import read_document
from tests.fixtures import CALM_FILE

BOMB = b"""\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""
MIB = 1024 * 1024

HOSTILE = {
    "alias-bomb": (BOMB, "5:8: YAML: aliases (*name) repeat more than 10,000 values"),
    "alias-loop": (b"a: &a [1, *a]\n", "1:11: YAML: the alias *a is inside its own anchor"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "1:41: YAML: nested more than 40 levels deep"),
    "many-values": (b"red_flags: [" + b"1," * 400_000 + b"1]\n", "more than 20,000 values"),
    "over-1-mib": (b"a: '" + b"x" * MIB + b"'\n", "larger than 1 MiB (1.0 MiB)"),
    "binary": (bytes(range(256)) * 8, "a binary file, not YAML text"),
    "utf-16": ("onset: sudden\n".encode("utf-16"), "UTF-16 text; save the file as UTF-8"),
    "latin-1": ("onset: brusque, café\n".encode("latin-1"), "1:20: not UTF-8 text (byte 0xe9)"),
    "python-object": (
        b"onset: !!python/object/apply:os.system ['touch pwned']\n",
        "YAML: the tag !!python/object/apply:os.system is not allowed",
    ),
    "many-problems": (
        b"kind: routine\n" + b"".join(b"k%d: v\n" % i for i in range(2000)),
        "more problems; fix these first",
    ),
    "binary-tag": (b"onset: !!binary aGVsbG8=\n", "YAML: the tag !!binary is not allowed"),
    "timestamp-tag": (b"date: !!timestamp 2026-01-01\n", "the tag !!timestamp is not allowed"),
    "huge-integer": (b"days_since_onset: " + b"9" * 5000 + b"\n", "a number of 5,000 digits"),
    "yes-key": (b"red_flags: []\nyes: 1\n", "2:1: yes: the key yes is read as true or false"),
}


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_parser(request, monkeypatch) -> str:
    """Each PyYAML a machine may have: built with libyaml (its C scanner), or without it."""
    import yaml

    if request.param == "libyaml" and not hasattr(yaml, "CSafeLoader"):
        pytest.skip("this PyYAML has no libyaml")
    if request.param == "pure-python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    return request.param


# Run in a subprocess as a PyYAML without libyaml: the same program, the C loader removed.
WITHOUT_LIBYAML = (
    "import sys, yaml; del yaml.CSafeLoader; sys.argv[0] = 'hamstring-care';"
    "from hamstring_care.cli import main; main()"
)


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("command", ["triage --answers", "print --plan", "protocols validate"])
def test_hostile_file_gets_one_clear_error(
    write, tmp_path, name, command, invoke, yaml_parser, small_protocols
):
    content, message = HOSTILE[name]
    path = write(f"{name}.yaml", content)
    result = invoke(*command.split(), str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    if name == "many-problems":  # the first 25, then how many more
        assert len(errors) == 26
        assert message in errors[-1]
    else:
        assert len(errors) == 1
        assert message in errors[0]
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("parser", ["libyaml", "pure-python"])
@pytest.mark.parametrize("name", ["alias-bomb", "many-values", "deep", "over-1-mib"])
def test_hostile_file_in_a_real_process_stays_in_200_mib(write, name, parser, small_protocols):
    content, message = HOSTILE[name]
    path = write(f"{name}.yaml", content)

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (200 * MIB, 200 * MIB))

    program = ["-m", "hamstring_care"] if parser == "libyaml" else ["-c", WITHOUT_LIBYAML]
    done = subprocess.run(
        [sys.executable, *program, "triage", "--answers", str(path)],
        capture_output=True,
        text=True,
        preexec_fn=limit_memory,
        timeout=60,  # a guard against a hang, not a speed bound (see benchmarks/hostile.py)
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert done.stderr.count("\n") == 1


def test_standard_input_is_held_to_the_same_limit(invoke, small_protocols):
    result = invoke("triage", "--answers", "-", input="a: " + "x" * (MIB + 10))
    assert result.exit_code == 2
    assert (
        result.stderr
        == "<stdin>: larger than 1 MiB; a protocol, plan or answers file is a few kB\n"
    )


def test_a_device_is_refused_without_reading(invoke, small_protocols):
    result = invoke("triage", "--answers", "/dev/zero")
    assert result.exit_code == 2
    assert result.stderr == (
        "/dev/zero: is not a regular file; give a file, or - to read standard input\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["triage", "--answers", "{fifo}"],
        ["print", "--plan", "{fifo}", "-f", "txt", "-o", "-"],
        ["print", "rice", "--notes-file", "{fifo}", "-f", "txt", "-o", "-"],
        ["protocols", "validate", "{fifo}"],
    ],
)
def test_a_named_pipe_is_refused_not_waited_on(tmp_path, command, small_protocols):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "hamstring_care", *(a.format(fifo=fifo) for a in command)],
        capture_output=True,
        text=True,
        timeout=30,  # before the fix this waited for a writer for ever
    )
    assert done.returncode == 2
    assert done.stderr == f"{fifo}: is a named pipe; give a file, or - to read standard input\n"


def test_dates_are_read_as_text_and_checked(write, invoke, small_protocols):
    plan = write("plan.yaml", "protocols:\n  - id: rice\ndate: 2026-02-30\n")
    result = invoke("print", "--plan", str(plan), "-f", "txt", "-o", "-")
    assert (result.exit_code, result.stderr) == (
        2,
        f"{plan}:3:7: date: expected a date like 2026-11-21 (years 1900 to 2999), "
        'got "2026-02-30"\n',
    )
    answers = write("a.yaml", "red_flags: []\nonset: 2026-13-01\n")
    result = invoke("triage", "--answers", str(answers))
    assert result.exit_code == 2
    assert 'onset: expected one of: sudden, gradual; got "2026-13-01"' in result.stderr
    ok = write("ok.yaml", "protocols:\n  - id: rice\ndate: 2026-11-21\n")
    assert invoke("print", "--plan", str(ok), "-f", "txt", "-o", "-").exit_code == 0


def test_a_date_that_would_run_off_the_calendar_is_refused(invoke, small_protocols):
    result = invoke("print", "rice", "--date", "9999-12-31", "-f", "txt", "-o", "-")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.strip() == (
        '--date: expected a date like 2026-11-21 (years 1900 to 2999), got "9999-12-31"'
    )


def test_a_huge_integer_breaks_only_its_own_file(write, tmp_path, invoke):
    write("shared/big.yaml", "id: big\nversion: 1\n" + "x: " + "9" * 5000 + "\n")
    listed = invoke("--protocols-dir", str(tmp_path / "shared"), "protocols", "list")
    assert listed.exit_code == 0
    assert "foam-roller-and-ball" in listed.stdout and "big" in listed.stdout


def test_a_plan_holds_at_most_20_protocols_each_once(write, invoke, small_protocols):
    many = write("many.yaml", "protocols:\n" + "  - id: rice\n" * 3000)
    result = invoke("print", "--plan", str(many), "-f", "txt", "-o", "-")
    assert result.exit_code == 2
    assert "at most 20 items" in result.stderr
    twice = write("twice.yaml", "protocols:\n  - id: rice\n  - id: stretch\n  - id: rice\n")
    result = invoke("print", "--plan", str(twice), "-f", "txt", "-o", "-")
    assert result.stderr == (
        f"{twice}:4:9: protocols[2].id: rice is already in this plan (line 2); list it once\n"
    )


def _without_stdin() -> None:
    os.close(0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no terminal to ask questions on"),
        (["triage", "--answers", "-"], "<stdin>: the file is empty"),
    ],
)
def test_closed_standard_input_is_a_clear_error(tmp_path, args, message, small_protocols):
    done = subprocess.run(
        [sys.executable, "-m", "hamstring_care", *args],
        stdin=None,
        capture_output=True,
        text=True,
        preexec_fn=_without_stdin,
        env={**os.environ, "HOME": str(tmp_path)},
        timeout=30,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_routine_runs_with_standard_input_closed(tmp_path):
    quick = Path(__file__).parent / "protocols"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hamstring_care",
            "--protocols-dir",
            str(quick),
            "--data-dir",
            str(tmp_path),
            "run",
            "quick",
            "--count-in",
            "0",
        ],
        capture_output=True,
        text=True,
        preexec_fn=_without_stdin,
        env={**os.environ, "HAMSTRING_CARE_SPEED": "20"},  # about input, not time
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Done:" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["triage", "--answers", "{answers}"],
        ["protocols", "show", "triage"],
        ["protocols", "list"],
        ["print", "rice", "-f", "txt", "-o", "-"],
    ],
)
def test_output_to_a_closed_pipe_ends_quietly(tmp_path, args, write, small_protocols):
    answers = write("answers.yaml", CALM_FILE)
    args = [a.replace("{answers}", str(answers)) for a in args]
    child = subprocess.Popen(
        [sys.executable, "-m", "hamstring_care", "--data-dir", str(tmp_path), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    child.stdout.close()  # the reader is gone before the first line is written
    error = child.stderr.read()
    assert child.wait(timeout=60) == 141
    assert error == b""


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", [["protocols", "show", "triage"], ["history"]])
def test_an_output_that_cannot_hold_every_letter_gets_replacements(
    tmp_path, encoding, args, small_protocols
):
    """Letters the output's encoding lacks become '?': the practice mark (a dagger) in the
    triage, a data folder named in Japanese in history's last line; the rest reads as is."""
    from hamstring_care.history.store import Session, open_history

    folder = tmp_path / "données-日本"
    with open_history(folder) as history:
        history.save_session(
            Session(
                routine_id="stretch", routine_version="0.1.0", side="both",
                started_at=datetime(2026, 12, 1, 8, tzinfo=timezone.utc),
                segments_total=5, planned_seconds=120,
            )
        )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "hamstring_care", "--data-dir", str(folder), *args],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "400"},
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    shown = "†" if args[0] == "protocols" else str(folder)
    assert shown.encode(encoding, errors="replace") in done.stdout
    assert b"?" in done.stdout


def test_escape_sequences_in_a_file_become_visible_text(write, invoke, small_protocols):
    path = write("a.yaml", 'onset: "\\e]0;pwned\\a\\e[2J[bold]x"\n')
    doc = read_document(path)
    assert doc.data == {"onset": "\\x1b]0;pwned\\x07\\x1b[2J[bold]x"}
    result = invoke("triage", "--answers", str(path))
    assert "\x1b" not in result.stderr
    assert 'got "\\x1b]0;pwned\\x07\\x1b[2J[bold]x"' in result.stderr


def test_keys_with_escape_sequences_are_visible_in_messages(write):
    path = write("a.yaml", '"\\e[31mred": 1\n')
    with pytest.raises(InputFileError) as caught:
        read_document(path).fail([(("\\x1b[31mred",), "unknown")])
    assert caught.value.lines == (f"{path}:1:14: \\x1b[31mred: unknown",)


MARKED = '"[bold red]Marked[/] \\e[2J\\e]8;;file:///etc/passwd\\e\\\\link"'
HOSTILE_ROUTINE = f"""
id: hostile
version: "1.0"
title: {MARKED}
kind: routine
summary: {MARKED}
sources:
  bandy-1997: {MARKED}
steps:
  - title: {MARKED}
    instruction: {MARKED}
    hold: 3s
    per_side: false
    method: stretch
    area: back_of_thigh
    cue: {MARKED}
    sources: [bandy-1997]
"""


@pytest.fixture
def hostile_routine(write, tmp_path):
    """A valid routine whose texts hold escape sequences and Rich markup."""
    write("clinic/hostile.yaml", HOSTILE_ROUTINE)
    return tmp_path / "clinic"


@pytest.mark.parametrize(
    "command",
    [
        ["protocols", "show", "hostile"],
        ["protocols", "list"],
        ["run", "hostile", "--plain", "--count-in", "0"],
        ["print", "hostile", "-o", "-", "--format", "txt"],
        ["print", "hostile", "-o", "-", "--format", "md"],
    ],
)
def test_markup_and_escapes_in_a_protocol_are_shown_literally(
    hostile_routine, monkeypatch, command, invoke, small_protocols
):
    result = invoke("--protocols-dir", str(hostile_routine), *command)
    assert result.exit_code == 0, result.stderr
    shown = result.stdout
    assert "\x1b" not in shown + result.stderr
    if "md" in command:  # Markdown escapes what it would read as links or markup
        assert "\\[bold red\\]Marked\\[/\\] \\\\x1b\\[2J" in shown
    else:  # a table may wrap between the two
        assert "[bold red]Marked[/]" in shown
        assert "\\x1b[2J" in shown


def test_unreadable_files_in_a_protocol_folder_are_reported_and_skipped(
    write, tmp_path, monkeypatch, invoke
):
    folder = tmp_path / "clinic"
    write(
        "clinic/calm.yaml",
        HOSTILE_ROUTINE.replace("id: hostile", "id: calm").replace(MARKED, "Calm"),
    )
    (folder / "loop-a.yaml").symlink_to(folder / "loop-b.yaml")
    (folder / "loop-b.yaml").symlink_to(folder / "loop-a.yaml")
    (folder / "gone.yaml").symlink_to(folder / "nowhere.yaml")
    os.mkfifo(folder / "pipe.yaml")
    write("clinic/secret.yaml", "id: secret\n")
    real_access = os.access
    # Running as root reads any file, so the permission check is told this one is closed.
    monkeypatch.setattr(
        os, "access", lambda p, mode: Path(p).name != "secret.yaml" and real_access(p, mode)
    )
    listed = invoke("--protocols-dir", str(folder), "protocols", "list")
    assert listed.exit_code == 0
    assert "calm" in listed.stdout
    warnings = listed.stderr.splitlines()
    assert warnings == [
        f"hamstring-care: warning: {folder}/gone.yaml: a symbolic link to nothing; skipped",
        f"hamstring-care: warning: {folder}/loop-a.yaml: cannot read: a symbolic link loop; skipped",
        f"hamstring-care: warning: {folder}/loop-b.yaml: cannot read: a symbolic link loop; skipped",
        f"hamstring-care: warning: {folder}/pipe.yaml: not a regular file; skipped",
        f"hamstring-care: warning: {folder}/secret.yaml: cannot read: permission denied; skipped",
    ]
    validated = invoke("protocols", "validate", str(folder))
    assert validated.exit_code == 2
    assert [line.removeprefix("hamstring-care: warning: ") for line in warnings] == [
        line for line in validated.stderr.splitlines() if "skipped" in line
    ]
    assert "ok  " in validated.stdout


def test_a_protocol_folder_that_is_a_file_is_one_error(tmp_path, monkeypatch, invoke):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("HAMSTRING_CARE_PROTOCOLS", str(tmp_path / "file"))
    result = invoke("protocols", "list")
    assert result.exit_code == 2
    assert result.stderr == f"not a folder: {tmp_path}/file\n"


def test_a_library_without_a_warning_callback_stays_quiet(tmp_path):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    assert Library([tmp_path]).entries() == {}


def test_an_option_mistake_is_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "hamstring_care", "run", "foam-roller-and-ball", "--side", "rigth"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "hamstring-care run: --side must be both, right or left, not 'rigth' "
        "(did you mean 'right'?) (see hamstring-care run --help)\n"
    )


def test_an_empty_data_folder_is_refused(tmp_path, invoke):
    result = invoke("--data-dir", "", "history")
    assert (result.exit_code, result.stderr) == (2, "--data-dir: give a folder (it was empty)\n")
    assert not (Path.cwd() / "history.db").exists()


def test_utf_32_is_named_as_such(write, invoke, small_protocols):
    path = write("a.yaml", "onset: sudden\n".encode("utf-32"))
    result = invoke("triage", "--answers", str(path))
    assert result.stderr == f"{path}: UTF-32 text; save the file as UTF-8\n"


def test_a_finished_routine_is_saved_as_ended_before_the_last_question(small_library, small_triage):
    """If the disk fills while the pain question is asked, the row still says it ended."""
    import io

    from rich.console import Console

    from hamstring_care.flows.session import RunOptions
    from tests.fakes import FakeClock, RecordingCues, RecordingView, ScriptedKeys
    from tests.fakes import play_on_fakes as run_routine

    saved = []

    class Recorder:
        def started(self, result):
            saved.append(("started", result))

        def progress(self, result):
            saved.append(("progress", result))

        def finished(self, result):
            raise AssertionError("not reached: the disk is full")

    def ask_pain(text):
        if "now" in text and "Before" not in text:
            raise KeyboardInterrupt  # the user leaves at the last question
        return None

    clock = FakeClock()
    with pytest.raises(AssertionError):
        run_routine(
            small_library.get("stretch"), small_triage, [], RunOptions(count_in=0),
            Console(file=io.StringIO()), ask_pain, keys=ScriptedKeys(clock, []),
            cues=RecordingCues(), view=RecordingView(), clock=clock, recorder=Recorder(),
        )  # fmt: skip
    last = saved[-1][1]
    assert last.ended_at is not None and last.segments_completed == last.segments_total


# --- every argument (issue 24) ----------------------------------------------------------

LIMITS = {
    "--patient": 200,
    "--clinician": 200,
    "--clinic": 200,
    "--clinic-phone": 200,
    "--next-appointment": 200,
    "--clinic-address": 500,
    "--emergency-number": 20,
    "--notes": 50_000,
}


@pytest.mark.parametrize("option", LIMITS)
def test_every_free_text_option_has_the_plan_files_limit(option, invoke, small_protocols):
    """A 130,000-character name printed 35 pages in 34 s: now one line, at once."""
    limit = LIMITS[option]
    over = invoke("print", "rice", option, "9" * (limit + 1), "-f", "txt", "-o", "-")
    assert over.exit_code == 2 and over.stdout == ""
    assert over.stderr == f"{option}: at most {limit:,} characters, got {limit + 1:,}\n"
    at = invoke("print", "rice", option, "9" * limit, "-f", "txt", "-o", "-")
    assert at.exit_code == 0, at.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["print", "rice", "--patient", "Zo\udceb", "-f", "html", "-o", "-"],
        ["print", "rice", "--notes", "caf\udce9", "-f", "md", "-o", "-"],
        ["print", "rice", "--clinic-phone", "\udcff", "-f", "txt", "-o", "-"],
        ["plan", "new", "--patient", "Zo\udceb", "-o", "-"],
    ],
    ids=["html", "md", "txt", "plan"],
)
def test_bytes_that_are_not_utf8_in_an_option_are_one_line(args, invoke, small_protocols):
    """As a Latin-1 script or terminal passes them (Python's surrogateescape)."""
    result = invoke(*args)
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{args[2]}: not UTF-8 text (the byte \\x")


def test_the_sanitizer_shows_a_byte_that_was_not_utf8():
    """Any text that reaches an output (a file name, a YAML "\\udceb") encodes."""
    from hamstring_care.sanitize import clean, visible

    assert visible("Zo\udceb.yaml") == "Zo\\xeb.yaml"
    assert clean("Zo\udceb") == "Zo\\xeb"
    assert clean("\ud800").encode() == b"\\ud800"


@pytest.mark.parametrize("value", ["nan", "NaN", "-nan"])
def test_a_speed_that_is_not_a_number_plays_at_real_time(value):
    from hamstring_care.context import Environment

    assert Environment(environ={"HAMSTRING_CARE_SPEED": value}).speed == 1.0


@pytest.mark.parametrize(
    "text",
    ["99999999999999999999:00", "+18:-0", "1_8:0_0", "١٨:٠٠", "18\n:00", " 18 : 00 ",
     "18:00\n", "25:00", "18", "", "18:60", "18:0", "018:00"],
)  # fmt: skip
def test_a_time_of_day_is_hh_mm_in_ascii_digits_only(text):
    from hamstring_care.dates import option_time
    from hamstring_care.errors import UsageError

    with pytest.raises(UsageError, match=r"^--at must be a time of day as HH:MM"):
        option_time("--at", text)


def test_a_time_of_day_as_people_write_it():
    import datetime as dt

    from hamstring_care.dates import option_time

    assert option_time("--at", "18:00") == dt.time(18, 0)
    assert option_time("--at", "7:05") == dt.time(7, 5)
    assert option_time("--at", "00:00") == dt.time(0, 0)


LONG_NAME = "a" * 300  # over the 255 bytes a file name may have


@pytest.mark.parametrize(
    "args",
    [
        ["print", "rice", "-f", "txt", "-o", f"{LONG_NAME}.txt"],
        ["history", "export", f"{LONG_NAME}.json"],
        ["plan", "new", "-o", f"{LONG_NAME}.yaml"],
        ["protocols", "schema", "-o", f"{LONG_NAME}.json"],
        ["protocols", "new", "x", "-o", f"{LONG_NAME}/x.yaml"],
        ["protocols", "validate", LONG_NAME],
        ["--data-dir", LONG_NAME, "history"],
        ["--data-dir", LONG_NAME, "program", "status"],
        ["--data-dir", LONG_NAME, "print", "rice", "-f", "txt", "-o", "-"],
    ],
    ids=lambda args: " ".join(a for a in args if a != LONG_NAME and LONG_NAME not in a),
)
def test_a_name_longer_than_the_system_allows_is_one_line(
    tmp_path, monkeypatch, args, invoke, small_protocols
):
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert "file name too long" in line


def locked(monkeypatch, folder: Path) -> None:
    """The system's answer for a folder that may not be entered (root may enter any)."""
    import errno

    real_stat, real_lstat, real_open = os.stat, os.lstat, os.open

    def refuse(path) -> None:
        if str(folder) in os.fspath(path) and os.fspath(path) != str(folder):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))

    def stat(path, *args, **kwargs):
        refuse(path)
        return real_stat(path, *args, **kwargs)

    def lstat(path, *args, **kwargs):
        refuse(path)
        return real_lstat(path, *args, **kwargs)

    def open_(path, *args, **kwargs):
        refuse(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(os, "open", open_)


@pytest.mark.parametrize(
    "args",
    [
        ["print", "rice", "-f", "txt", "-o", "{inner}/x.txt"],
        ["history", "export", "{inner}/x.json"],
        ["--data-dir", "{inner}", "history"],
        ["--data-dir", "{inner}", "program", "status"],
        ["protocols", "validate", "{inner}"],
    ],
    ids=lambda args: " ".join(a for a in args if "{inner}" not in a),
)
def test_a_path_under_a_folder_you_may_not_enter_is_one_line(
    tmp_path, monkeypatch, args, invoke, small_protocols
):
    inner = tmp_path / "locked" / "inner"
    inner.mkdir(parents=True)
    locked(monkeypatch, tmp_path / "locked")
    result = invoke(*[a.replace("{inner}", str(inner)) for a in args])
    assert result.exit_code == 2, result.stderr
    (line,) = result.stderr.splitlines()
    assert "permission denied" in line
