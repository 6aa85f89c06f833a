"""The hamstring-care command line: options in, calls into the core, exit codes out.

This is the one place where errors become a line on stderr and an exit code.

Commands:
    hamstring-care                                  the guided check (same as `start`)
    hamstring-care start
    hamstring-care triage --answers answers.yaml [--json]
    hamstring-care run foam-roller-and-ball [--side right --hold 20]   (or --plan plan.yaml)
    hamstring-care print foam-roller-and-ball --patient NAME -o sheet.pdf  (or --plan plan.yaml)
    hamstring-care plan new [-o plan.yaml]
    hamstring-care protocols list
    hamstring-care protocols show rice
    hamstring-care protocols validate [my-protocols/ ...]
    hamstring-care history [--all]                  sessions and checks saved so far
    hamstring-care history chart | export FILE | forget --before DATE | repair

Global options (before the command): --protocols-dir DIR (repeatable), --data-dir DIR,
--debug, --version.

Heavy modules (questionary, yaml, pydantic, rich, fpdf) are imported inside the commands that use
them, so that `--help` and `--version` cost no more than Typer itself.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional, TypeVar

import typer

from hamstring_care import __version__
from hamstring_care.errors import (
    ExitCode,
    HamstringCareError,
    IncompleteAnswersError,
    Interrupted,
    NoTerminalError,
    UsageError,
)
from hamstring_care.vocab import Paper, SheetFormat, Side

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from hamstring_care.history.log import ProgressLog
    from hamstring_care.library import Entry, Library
    from hamstring_care.models import Protocol

app = typer.Typer(
    name="hamstring-care",
    help="Guided self-care for hamstring pain: warning signs first, then a safe next step.",
    pretty_exceptions_show_locals=False,  # a traceback must never print a user's answers
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
protocols_app = typer.Typer(
    help="List, show, check and start protocol files; print their JSON Schema.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(protocols_app, name="protocols")
plan_app = typer.Typer(
    help="Write plan files: one prescription for the printed sheet and the terminal.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(plan_app, name="plan")
history_app = typer.Typer(
    help="Your saved sessions and checks: the table, the trend chart, export, forget, repair.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(history_app, name="history")


@dataclass
class Settings:
    """Options given before the command."""

    debug: bool = False
    protocols_dirs: list[Path] = field(default_factory=list)
    data_dir: Path | None = None

    def library(self) -> Library:
        """The protocol library, weakest first.

        Bundled, then the user protocol folder, $HAMSTRING_CARE_PROTOCOLS, --protocols-dir.
        """
        from hamstring_care.library import Library, protocol_dirs

        dirs = protocol_dirs(self.protocols_dirs, user_folder=self.user_protocols())
        return Library(dirs, warn=_print_warning)

    def user_protocols(self) -> Path:
        """The user protocol folder, where `protocols new` writes: protocols/ in the data folder."""
        return self.history_folder() / "protocols"

    def history_folder(self) -> Path:
        """Where the progress log lives: --data-dir, $HAMSTRING_CARE_DATA, the user data dir."""
        from hamstring_care.history.store import data_dir

        return data_dir(self.data_dir)

    def progress_log(self) -> ProgressLog:
        """The progress log for writing; when it cannot be written, one warning and no saving."""
        from hamstring_care.history.log import ProgressLog

        return ProgressLog.open(self.history_folder(), _print_warning, now=now)


F = TypeVar("F", bound=Callable[..., Any])


def _settings(ctx: typer.Context | None) -> Settings:
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, Settings) else Settings()


def error_boundary(command: F) -> F:
    """Turn every error a user can cause into its message on stderr and its exit code.

    The command must take ``ctx: typer.Context`` as its first parameter.
    """

    @functools.wraps(command)
    def guarded(ctx: typer.Context, *args: Any, **kwargs: Any) -> Any:
        try:
            result = command(ctx, *args, **kwargs)
            sys.stdout.flush()  # a reader that went away is found here, not at exit
            return result
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            _output_closed()  # the reader went away (| head): end quietly
        except (KeyboardInterrupt, EOFError):
            _fail(Interrupted())
        except HamstringCareError as error:
            _fail(error)
        except Exception as error:
            if _settings(ctx).debug:
                raise
            _print_error(
                f"hamstring-care: internal error ({type(error).__name__}); "
                "run again with --debug to see where, and please report it"
            )
            raise typer.Exit(ExitCode.INTERNAL) from None

    return guarded  # type: ignore[return-value]


def _fail(error: HamstringCareError) -> None:
    for line in error.lines:
        _print_error(line)
    raise typer.Exit(error.exit_code)


def _print_error(line: str) -> None:
    _print_stderr(line, "red")


def _print_warning(line: str) -> None:
    _print_stderr(f"hamstring-care: warning: {line}", "yellow")


def _print_stderr(line: str, style: str) -> None:
    from rich.console import Console
    from rich.text import Text

    from hamstring_care.sanitize import visible

    Console(stderr=True, highlight=False, soft_wrap=True).print(Text(visible(line), style=style))


def now() -> datetime:
    """The current moment in UTC (tests replace this to move through days)."""
    from hamstring_care.dates import utc_now

    return utc_now()


def _console() -> Console:
    from rich.console import Console

    class OurConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1, our code for an internal error: use the closed-output code.
            self.quiet = True
            _output_closed()

    return OurConsole(highlight=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"hamstring-care {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    protocols_dir: Annotated[
        Optional[list[Path]],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Option(
            "--protocols-dir",
            help="Folder of protocol files that override the bundled ones by id (repeatable). "
            "Also read from HAMSTRING_CARE_PROTOCOLS (folders separated by the path separator).",
            file_okay=False,
            metavar="DIR",
        ),
    ] = None,
    data_dir: Annotated[
        Optional[str],  # noqa: UP045 - text, so that an empty value can be told from "."
        typer.Option(
            "--data-dir",
            help="Folder of the progress log (history.db). Also read from HAMSTRING_CARE_DATA. "
            "[default: your user data folder]",
            metavar="DIR",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks for internal errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Guided self-care for hamstring pain. With no command, runs the guided check (`start`)."""
    if data_dir is not None and not data_dir.strip():
        # An empty value would mean the current folder: health data written wherever one is.
        _fail(UsageError("--data-dir: give a folder (it was empty)"))
    folder = Path(data_dir) if data_dir is not None else None
    ctx.obj = Settings(debug=debug, protocols_dirs=list(protocols_dir or []), data_dir=folder)
    if ctx.invoked_subcommand is None:
        start(ctx)


def can_ask() -> bool:
    """True when standard input is a terminal to ask questions on."""
    return sys.stdin.isatty()


def make_prompter() -> Any:
    """The terminal prompts; tests replace this function with a scripted asker."""
    if not can_ask():
        raise NoTerminalError(
            "hamstring-care: no terminal to ask questions on (input is not a terminal); "
            "to triage from a file, run: hamstring-care triage --answers FILE"
        )
    from hamstring_care.prompts import Prompter

    return Prompter()


@app.command()
@error_boundary
def start(ctx: typer.Context) -> None:
    """Run the guided check: warning signs, a few questions, then what to do next.

    After a RICE result, the next start (48 hours on) is a re-check that compares answers.
    """
    from hamstring_care import guided
    from hamstring_care.history import progress

    settings = _settings(ctx)
    library = settings.library()
    asker = make_prompter()
    console = _console()
    protocol = library.triage()
    with contextlib.closing(settings.progress_log()) as log:
        last = log.last_triage()
        opening = progress.recheck_due(last, now(), protocol.follow_up.recheck)
        if opening:
            console.print(opening, style="bold", markup=False)
        note = _override_note(library, "triage")
        if note:
            console.print(note, style="dim", markup=False)
        saved: list[int | None] = [None]

        def on_result(result: Any) -> None:
            saved[0] = log.save_triage(result, recheck_of=last.id if opening and last else None)
            if opening and last:
                from hamstring_care.history import view

                changes = progress.compare_answers(protocol, last.answers, result.answers)
                console.print()
                console.print(
                    view.recheck_comparison(changes, last, result.disposition, protocol, None)
                )
                console.print()

        def play(routine: Any, cautions: list[str]) -> Any:
            from hamstring_care.player.session import RunOptions

            if asker.confirm(f"Start “{routine.title}” now?"):
                return _play(library, routine, cautions, RunOptions(), log, triage_id=saved[0])
            return None

        result = guided.run(library, asker, console, play, on_result=on_result)
        due = progress.recheck_from(result.disposition, now(), protocol.follow_up.recheck)
        if due is not None and saved[0] is not None:
            from hamstring_care.dates import time_label

            console.print(
                f"Saved. Check again with hamstring-care from {time_label(due.astimezone())}.",
                style="bold",
                markup=False,
            )


def _override_note(library: Library, pid: str) -> str | None:
    """Say so when a protocol comes from a folder that overrides the bundled one."""
    from hamstring_care.library import display_name

    entry = library.entries().get(pid)
    if entry is None or not entry.overrides:
        return None
    return f"Using {pid} from {display_name(entry.path)} (overrides the bundled one)"


@app.command("triage")
@error_boundary
def triage_command(
    ctx: typer.Context,
    answers: Annotated[
        str,
        typer.Option(
            "--answers",
            "-a",
            help="YAML or JSON file of answers (ids as in the README); - reads standard input.",
            metavar="FILE",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Triage from a file of answers, without prompts."""
    from hamstring_care.library import read_document
    from hamstring_care.triage import parse_answers, triage

    library = _settings(ctx).library()
    protocol = library.triage()
    doc = read_document(Path(answers))
    parsed, problems = parse_answers(protocol, doc.data)
    doc.fail(problems)
    try:
        result = triage(protocol, parsed)
    except IncompleteAnswersError as error:
        doc.fail([((qid,), "missing answer") for qid in error.missing])
        raise
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    note = _override_note(library, "triage")
    nexts = [f"Next: hamstring-care protocols show {pid}" for pid in result.protocols]
    from hamstring_care.report import plain_text_wanted

    if plain_text_wanted(sys.stdout.isatty(), os.environ.get("TERM")):
        from hamstring_care.report import result_report, to_text

        typer.echo(
            "\n".join([*([note] if note else []), to_text(result_report(result, protocol)), *nexts])
        )
        return
    from hamstring_care import display

    console = _console()
    if note:
        console.print(note, style="dim", markup=False)
    console.print(display.result_panel(result, protocol))
    for line in nexts:
        console.print(line, markup=False)


# Options shared by `run`, `print` and `plan new`, declared once so that they read alike.
HoldOption = Annotated[
    Optional[int],  # noqa: UP045 - Typer reads this annotation on Python 3.10
    typer.Option(
        "--hold", min=1, max=600, metavar="SECONDS", help="Hold for range steps (10-20s)."
    ),
]
SideOption = Annotated[
    Optional[Side],  # noqa: UP045
    typer.Option("--side", help="Which leg for per-side steps. [default: both]"),
]
PatientOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--patient", metavar="NAME", help="Patient's name."),
]
ClinicianOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--clinician", metavar="NAME", help="Your name."),
]
ClinicOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--clinic", metavar="NAME", help="Clinic's name."),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]
OutputOption = Annotated[
    str, typer.Option("--output", "-o", metavar="FILE", help="Where to write (- for stdout).")
]


@app.command("run")
@error_boundary
def run_command(
    ctx: typer.Context,
    routine_id: Annotated[
        Optional[str],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Argument(metavar="ROUTINE", help="Routine id (or give --plan)."),
    ] = None,
    plan: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--plan",
            metavar="FILE",
            help="Run the routines of this plan file, with its sides and holds.",
        ),
    ] = None,
    side: SideOption = None,
    hold: HoldOption = None,
    plain: Annotated[bool, typer.Option(help="One line per event, no live panel.")] = False,
    no_sound: Annotated[bool, typer.Option("--no-sound", help="No terminal bell.")] = False,
    voice: Annotated[
        bool, typer.Option(help="Speak the cues (espeak-ng, spd-say or say).")
    ] = False,
    count_in: Annotated[
        int,
        typer.Option(
            min=0,
            max=60,
            metavar="SECONDS",
            help="Time to get into position before each step and when switching legs.",
        ),
    ] = 5,
) -> None:
    """Play a routine: a timed, hands-free session with cues, per leg."""
    from hamstring_care import plans
    from hamstring_care.player.session import RunOptions, ends_self_care
    from hamstring_care.prescription import Prescribed

    library = _settings(ctx).library()
    given = plans.Overrides(hold=hold, side=side)
    if plan is None:
        if routine_id is None:
            raise UsageError("name a routine (e.g. foam-roller-and-ball) or give --plan FILE")
        routines = [Prescribed(_routine(library, routine_id), given.side or Side.BOTH, hold)]
    elif routine_id is not None:
        raise UsageError("give a routine or --plan FILE, not both")
    else:
        prescription = plans.prescription(library, [], plan, given)
        routines = prescription.routines
        if not routines:
            raise UsageError(f"{plan}: the plan holds no routine to run")
        for item in prescription.items:
            if not item.is_routine:
                typer.echo(f"{item.protocol.title}: read it with {item.command()}")
    with contextlib.closing(_settings(ctx).progress_log()) as log:
        for item in routines:
            options = RunOptions(
                side=item.side,
                hold=item.hold,
                plain=plain,
                sound=not no_sound,
                voice=voice,
                count_in=count_in,
            )
            played = _play(library, item.protocol, [], options, log)
            if ends_self_care(played):
                break  # it hurt: the plan's other routines wait for the advice given


def _routine(library: Library, routine_id: str) -> Any:
    from hamstring_care.errors import UnknownProtocolError
    from hamstring_care.models import RoutineProtocol

    def routines() -> str:
        # Only on the error paths: listing them loads and validates every protocol file.
        ids = [
            pid for pid in library.entries() if isinstance(_try_load(library, pid), RoutineProtocol)
        ]
        return ", ".join(ids)

    if routine_id not in library.entries():
        raise UnknownProtocolError(f'no routine "{routine_id}"; routines: {routines()}')
    protocol = library.get(routine_id)
    if not isinstance(protocol, RoutineProtocol):
        raise UnknownProtocolError(
            f'"{routine_id}" is {protocol.kind}, not a routine; routines: {routines()}'
        )
    return protocol


def _try_load(library: Library, pid: str) -> Any:
    try:
        return library.get(pid)
    except HamstringCareError:
        return None


def _play(
    library: Library,
    routine: Any,
    cautions: list[str],
    options: Any,
    log: ProgressLog,
    triage_id: int | None = None,
) -> Any:
    """Play a routine, saving it as it goes; then say so if the pain is not coming down."""
    from hamstring_care.history.view import trend_warning
    from hamstring_care.player.session import run_routine

    prompter = make_prompter() if can_ask() else None
    console = _console()
    protocol = library.triage()
    result = run_routine(
        routine,
        protocol,
        cautions,
        options,
        console,
        prompter.pain if prompter else lambda _text: None,
        recorder=log.recorder(triage_id),
        wall_clock=now,
    )
    rule = protocol.follow_up.not_improving
    if rule is not None:
        warning = trend_warning(log.sessions_since(rule.days), now(), protocol)
        if warning:
            console.print(warning, style="bold yellow", markup=False)
    return result


def _write_output(output: str, data: bytes, force: bool) -> bool:
    """Write to standard output for ``-`` (returns False), else to the file, atomically."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return False
    from hamstring_care.files import write_atomic

    write_atomic(Path(output), data, force=force)
    return True


@app.command("print")
@error_boundary
def print_command(
    ctx: typer.Context,
    protocol_ids: Annotated[
        Optional[list[str]],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Argument(
            metavar="PROTOCOL",
            help="Routines or guidance to print, e.g. foam-roller-and-ball.",
        ),
    ] = None,
    plan: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--plan",
            metavar="FILE",
            help="Print the prescription in this plan file (see `plan new`); "
            "options given here override the plan's.",
        ),
    ] = None,
    sheet_format: Annotated[
        Optional[SheetFormat],  # noqa: UP045
        typer.Option("--format", "-f", help="Default: from the -o file's suffix, else pdf."),
    ] = None,
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write (- for standard output with html, md, txt). "
            "Default: sheet-PATIENT-DATE.FORMAT here.",
        ),
    ] = None,
    patient: PatientOption = None,
    clinician: ClinicianOption = None,
    clinic: ClinicOption = None,
    date: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="YYYY-MM-DD",
            help="Date on the sheet and first day of the record. [default: today]",
        ),
    ] = None,
    notes: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="TEXT", help="Your notes for the patient."),
    ] = None,
    notes_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(metavar="FILE", help="Read the notes from a UTF-8 text file."),
    ] = None,
    hold: HoldOption = None,
    side: SideOption = None,
    times_per_day: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, max=6, metavar="N", help="Sessions a day. [default: 1]"),
    ] = None,
    days: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, max=90, metavar="N", help="Rows of the daily record. [default: 14]"),
    ] = None,
    paper: Annotated[
        Optional[Paper],  # noqa: UP045
        typer.Option(help="Paper size. [default: a4]"),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Print a take-home sheet: doses, pictures, warning signs and a daily record."""
    from hamstring_care import plans
    from hamstring_care.sheets import formats

    library = _settings(ctx).library()
    given = plans.Overrides(
        patient=patient,
        clinician=clinician,
        clinic=clinic,
        date=date,
        notes=notes,
        notes_file=notes_file,
        hold=hold,
        side=side,
        times_per_day=times_per_day,
        days=days,
        paper=paper.value if paper else None,
    )
    prescription = plans.prescription(library, list(protocol_ids or []), plan, given)
    fmt = formats.choose_format(sheet_format.value if sheet_format else None, output)
    data = formats.render(formats.sheet_for(library, prescription), fmt)
    target = output or formats.default_name(prescription, fmt)
    if _write_output(target, data, force):
        pages = f", {formats.pdf_pages(data)} page(s)" if fmt == "pdf" else ""
        typer.echo(f"Wrote {target}{pages}.")


@plan_app.command("new")
@error_boundary
def plan_new(
    ctx: typer.Context,
    protocol_ids: Annotated[
        Optional[list[str]],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Argument(
            metavar="PROTOCOL",
            help="Protocols to prescribe. [default: the self-massage result's routines]",
        ),
    ] = None,
    output: OutputOption = "plan.yaml",
    patient: PatientOption = None,
    clinician: ClinicianOption = None,
    clinic: ClinicOption = None,
    hold: HoldOption = None,
    side: SideOption = None,
    force: ForceOption = False,
) -> None:
    """Write a commented plan file to edit, then print (`print --plan`) and run (`run --plan`)."""
    from hamstring_care import plans

    library = _settings(ctx).library()
    given = plans.Overrides(
        patient=patient,
        clinician=clinician,
        clinic=clinic,
        hold=hold,
        side=side,
    )
    ids = list(protocol_ids or plans.default_protocols(library))
    text = plans.new_plan_text(library, output if output != "-" else "plan.yaml", ids, given)
    if _write_output(output, text.encode(), force):
        typer.echo(f"Wrote {output}. Edit it, then: hamstring-care print --plan {output}")


@protocols_app.command("list")
@error_boundary
def protocols_list(ctx: typer.Context) -> None:
    """List every protocol with the file it comes from."""
    from hamstring_care import display

    library = _settings(ctx).library()
    rows: list[tuple[Entry, Protocol | None, str | None]] = []
    for entry in library.entries().values():
        try:
            rows.append((entry, library.get(entry.id), None))
        except HamstringCareError:
            rows.append((entry, None, "run `hamstring-care protocols validate`"))
    _console().print(display.protocol_list(rows))


@protocols_app.command("show")
@error_boundary
def protocols_show(
    ctx: typer.Context,
    protocol_id: Annotated[str, typer.Argument(metavar="ID", help="Protocol id, e.g. rice.")],
) -> None:
    """Show one protocol in full."""
    from hamstring_care import display

    _console().print(display.show(_settings(ctx).library().get(protocol_id)))


@protocols_app.command("validate")
@error_boundary
def protocols_validate(
    ctx: typer.Context,
    paths: Annotated[
        Optional[list[Path]],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Argument(
            help="Files or folders to check (default: every protocol folder in use).",
            metavar="[PATH]...",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when there are warnings (2 for errors).")
    ] = False,
) -> None:
    """Check protocol files: every problem of every file, with file:line:column."""
    from hamstring_care.checking import validate_paths

    library = _settings(ctx).library()
    report = validate_paths(library, list(paths or []))
    for line in report.errors:
        _print_error(line)
    for line in report.warnings:
        _print_stderr(line, "yellow")
    for line in report.checked:
        typer.echo(line)
    typer.echo(report.summary())
    raise typer.Exit(report.exit_code(strict))


class StarterKind(str, Enum):
    """What ``protocols new`` can start."""

    routine = "routine"
    guidance = "guidance"


@protocols_app.command("new")
@error_boundary
def protocols_new(
    ctx: typer.Context,
    protocol_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="The new protocol's id and file name, e.g. calf-roll."),
    ],
    kind: Annotated[
        StarterKind,
        typer.Option("--kind", help="routine (timed steps) or guidance (sections of advice)."),
    ] = StarterKind.routine,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="A file named ID.yaml, or a folder (- for stdout). "
            "[default: your protocol folder]",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Write a commented starting protocol to edit; it validates as written."""
    from hamstring_care import authoring
    from hamstring_care.files import write_atomic
    from hamstring_care.library import display_name

    settings = _settings(ctx)
    pid = authoring.check_id(protocol_id)
    if str(output) == "-":
        _write_output("-", authoring.starter_text(pid, kind.value, f"{pid}.yaml").encode(), force)
        return
    path = authoring.destination(pid, output, settings.user_protocols())
    if output is None:
        _make_folder(path.parent)
    before = settings.library().entries().get(pid)
    text = authoring.starter_text(pid, kind.value, display_name(path))
    write_atomic(path, text.encode(), force=force)
    schema = path.parent / authoring.SCHEMA_FILE
    new_schema = authoring.schema_text().encode()
    if not schema.is_file() or schema.read_bytes() != new_schema:
        write_atomic(schema, new_schema, force=True)
    shown = display_name(path)
    typer.echo(f"Wrote {shown}: a new {kind.value} protocol to edit.")
    typer.echo(f"Editors with the YAML language server check it with {schema.name} beside it.")
    if before is not None and before.path != path:
        _print_warning(
            f"{pid} is also the id of {display_name(before.path)}; "
            "the file in the later folder is used (see protocols list)"
        )
    library = settings.library()
    in_use = any(path.parent.resolve() == folder.resolve() for folder in library.dirs)
    program = "hamstring-care" if in_use else f"hamstring-care --protocols-dir {path.parent}"
    typer.echo(f"  Check it:  hamstring-care protocols validate {shown}")
    if kind is StarterKind.routine:
        typer.echo(f"  Try it:    {program} run {pid}")
    else:
        typer.echo(f"  Read it:   {program} protocols show {pid}")
    typer.echo(f"  Print it:  {program} print {pid} -o {pid}.pdf")


def _make_folder(folder: Path) -> None:
    from hamstring_care.errors import OutputFileError

    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the private data folder
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise OutputFileError(f"{folder}: cannot create the folder: {reason}") from None


@protocols_app.command("schema")
@error_boundary
def protocols_schema(
    ctx: typer.Context,
    output: OutputOption = "-",
    force: ForceOption = False,
) -> None:
    """Print the JSON Schema of protocol and plan files, for editors to complete and check."""
    from hamstring_care import authoring

    if _write_output(output, authoring.schema_text().encode(), force):
        typer.echo(f"Wrote {output}.")


@history_app.callback()
@error_boundary
def history_command(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Show every record.")] = False,
    limit: Annotated[
        int, typer.Option(min=1, metavar="N", help="How many recent records to show.")
    ] = 20,
) -> None:
    """Show your recent sessions and checks (newest first)."""
    if ctx.invoked_subcommand is not None:
        return
    from hamstring_care.history.view import history_view

    settings = _settings(ctx)
    with _history_for_reading(settings) as history:
        if history is None:
            typer.echo(_nothing_saved(settings))
            return
        view = history_view(history, settings.library().triage(), None if show_all else limit, None)
        _console().print(view)


def _nothing_saved(settings: Settings) -> str:
    from hamstring_care.history.store import FILE_NAME

    path = settings.history_folder() / FILE_NAME
    return (
        f"Nothing saved yet (no {path}). Run `hamstring-care` for a check, "
        "or `hamstring-care run ROUTINE`."
    )


@contextlib.contextmanager
def _history_for_reading(settings: Settings) -> Any:
    """The history file opened for the history commands (None when there is none yet)."""
    from hamstring_care.history.store import SCHEMA_VERSION, newer_message, open_history

    history = open_history(
        settings.history_folder(), create=False, on_skip=_print_warning, reading=True
    )
    try:
        if history is not None and history.version > SCHEMA_VERSION:
            _print_warning(newer_message(history.path, history.version))
        yield history
    finally:
        if history is not None:
            history.close()


@history_app.command("chart")
@error_boundary
def history_chart(
    ctx: typer.Context,
    days: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=7, max=366, metavar="N", help="Days of pain to show. [default: as many as fit]"
        ),
    ] = None,
) -> None:
    """Chart pain before and after over the days, sessions per week and your streak."""
    from hamstring_care.history.view import chart_view

    settings = _settings(ctx)
    with _history_for_reading(settings) as history:
        if history is None:
            typer.echo(_nothing_saved(settings))
            return
        console = _console()
        triage = settings.library().triage()
        console.print(chart_view(history, triage, now(), None, console.width, days))


class ExportFormat(str, Enum):
    """Formats of a history export."""

    csv = "csv"
    json = "json"


@history_app.command("export")
@error_boundary
def history_export(
    ctx: typer.Context,
    output: Annotated[
        str,
        typer.Argument(metavar="FILE", help="A .csv or .json file (- for standard output)."),
    ],
    export_format: Annotated[
        Optional[ExportFormat],  # noqa: UP045
        typer.Option("--format", "-f", help="Default: from the file's suffix."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Export every session and check to CSV or JSON (for your clinician)."""
    from hamstring_care.history import export

    suffix = Path(output).suffix.lower().lstrip(".")
    fmt = export_format.value if export_format else suffix
    if fmt not in export.FORMATS:
        raise UsageError(f"{output}: give a .csv or .json file name, or --format csv|json")
    settings = _settings(ctx)
    with _history_for_reading(settings) as history:
        sessions = history.sessions() if history else []
        checks = history.triage_results() if history else []
    if fmt == "json":
        data = export.to_json(sessions, checks, now())
    else:
        data = export.to_csv(sessions, checks)
    if _write_output(output, data, force):
        typer.echo(f"Wrote {output}: {len(sessions)} session(s), {len(checks)} check(s).")


@history_app.command("forget")
@error_boundary
def history_forget(
    ctx: typer.Context,
    before: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="YYYY-MM-DD", help="Delete what was saved before this day."),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Delete everything saved.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask to confirm.")] = False,
) -> None:
    """Delete saved sessions and checks, for good (asks first)."""
    from hamstring_care.dates import day_label, option_date
    from hamstring_care.history.progress import local_midnight

    if everything == (before is not None):
        raise UsageError("give --before YYYY-MM-DD or --all (one of them)")
    cutoff = None if before is None else local_midnight(option_date("--before", before), None)
    settings = _settings(ctx)
    with _history_for_reading(settings) as history:
        if history is None:
            typer.echo(_nothing_saved(settings))
            return
        counts = history.counts(cutoff)
        when = "" if cutoff is None else f" from before {day_label(cutoff.date())} {cutoff.year}"
        what = f"{counts.sessions} session(s) and {counts.triage_results} check(s){when}"
        if not counts.sessions and not counts.triage_results:
            typer.echo(f"Nothing to delete: {what}.")
            return
        if not _confirmed(f"Delete {what}? This cannot be undone.", yes, "delete"):
            typer.echo("Nothing deleted.")
            return
        done = history.forget(cutoff)
    typer.echo(f"Deleted {done.sessions} session(s) and {done.triage_results} check(s).")


def _confirmed(question: str, yes: bool, action: str) -> bool:
    """``--yes``, or the user's answer (No by default); without a terminal, a usage error."""
    if yes:
        return True
    if not can_ask():
        raise UsageError(f"no terminal to ask on: add --yes to {action} without asking")
    return bool(make_prompter().confirm(question, False))


@history_app.command("repair")
@error_boundary
def history_repair(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask to confirm.")] = False,
) -> None:
    """Set a damaged history file aside (never deleted) and start a new one with its good rows."""
    from hamstring_care.errors import HistoryDamagedError
    from hamstring_care.history.store import FILE_NAME, carry_over, move_aside, open_history

    folder = _settings(ctx).history_folder()
    path = folder / FILE_NAME
    try:
        history = open_history(folder, create=False)
    except HistoryDamagedError as error:
        found = [error.lines[0].removeprefix(f"{path}: ")]
    else:
        if history is None:
            typer.echo(f"No history file at {path}: nothing to repair.")
            return
        with contextlib.closing(history):
            if not history.writable:
                typer.echo(f"{path} comes from a newer hamstring-care, not damaged: left as is.")
                return
            found = [*history.integrity_problems(), *history.unreadable()]
        if not found:
            typer.echo(
                f"{path} is sound (SQLite's integrity check, and every table and row read): "
                "nothing to repair."
            )
            return
    shown = found[:10] + ([f"and {len(found) - 10} more"] if len(found) > 10 else [])
    for line in shown:
        _print_error(f"{path}: {line}")
    question = (
        f"Set {path.name} aside (kept, not deleted) and start a new history "
        "with every row that can be read?"
    )
    if not _confirmed(question, yes, "set it aside"):
        typer.echo("Left as it is.")
        return
    kept = move_aside(path, now())
    with contextlib.closing(open_history(folder)) as fresh:
        carried = carry_over(kept, fresh)
    typer.echo(
        f"Set the damaged file aside as {kept}. A new history starts at {path} with "
        f"{_count(carried.sessions, 'session')} and {_count(carried.triage_results, 'check')} "
        "carried over; what could not be read stays in the file set aside."
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def main() -> None:
    """Console-script entry point.

    Fits the standard streams to what they really are first: a closed stream reads as empty
    and takes output nowhere, and text that the output's encoding cannot hold is replaced,
    not fatal. Output cut short by its reader (``| head``) ends quietly, as other tools do.
    """
    usage_error = _usage_error_class()
    _usable_streams()
    try:
        code = app(prog_name="hamstring-care", standalone_mode=False)
    except usage_error as error:
        _print_error(_usage_line(error))
        raise SystemExit(ExitCode.BAD_INPUT) from None
    except typer.Abort:
        _print_error("Stopped.")
        raise SystemExit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        _output_closed()
    raise SystemExit(code if isinstance(code, int) else ExitCode.OK)


_PYDANTIC_WORDS = (
    ("Value error, ", ""),
    ("Input should be greater than or equal to ", "at least "),
    ("Input should be less than or equal to ", "at most "),
    ("Input should be a valid integer, unable to parse string as an integer", "a whole number"),
)


def _usage_error_class() -> type[Exception]:
    # Typer carries its own copy of Click since 0.29 (pyproject asks for it).
    from typer._click.exceptions import UsageError

    return UsageError


def _usage_line(error: Any) -> str:
    """A command-line mistake in one line, with where to read more (not four of usage)."""
    message = error.format_message()
    for theirs, ours in _PYDANTIC_WORDS:
        message = message.replace(theirs, ours)
    message = message.replace("Invalid value for ", "").rstrip(".")
    message = re.sub(r"^'(-[^']+)'", r"\1", message)  # '--side': ... -> --side: ...
    command = error.ctx.command_path if error.ctx is not None else "hamstring-care"
    return f"{command}: {message} (see {command} --help)"


def _usable_streams() -> None:
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:  # started with the stream closed (<&- or >&-)
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]


def _output_closed() -> typing.NoReturn:
    # Python would report the failed flush at exit; point stdout at nothing first.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(ExitCode.OUTPUT_CLOSED)
