"""The care commands: the guided check, triage from a file, playing and printing routines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hamstring_care.cli import completion
from hamstring_care.cli.app import app, env_of, error_boundary, plan_app
from hamstring_care.cli.options import (
    ClinicianOption,
    ClinicOption,
    ForceOption,
    HoldOption,
    OutputOption,
    PatientOption,
    SideOption,
    status,
    write_output,
)
from hamstring_care.errors import IncompleteAnswersError, UsageError
from hamstring_care.sanitize import visible
from hamstring_care.vocab import Paper, SheetFormat, Side
from hamstring_care.words import count

if TYPE_CHECKING:
    from hamstring_care.context import Environment
    from hamstring_care.prescription import Prescription
    from hamstring_care.source.library import Library


@app.command()
@error_boundary
def start(
    ctx: typer.Context,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="Numbered questions answered by typing a line, plain text, no boxes: for "
            "screen readers and pipes (also on TERM=dumb).",
        ),
    ] = False,
) -> None:
    """Run the guided check: warning signs, a few questions, then what to do next.

    After a RICE result, the next start (48 hours on) is a re-check that compares answers.
    """
    env = env_of(ctx)
    env.plain_check = env.plain_check or plain
    check_then(env, env.library())


def check_then(env: Environment, library: Library) -> None:
    """The guided check, then today's program step when the person chose it there."""
    from hamstring_care.flows.check import guided_check

    if guided_check(env, library).program_step:
        today_then(env, library)


def today_then(env: Environment, library: Library) -> None:
    """Today's program step, then the check when a stop asked for it at once."""
    from hamstring_care.flows import program

    if program.day(env, library).check_now:
        check_then(env, library)


@app.command("advice")
@error_boundary
def advice_command(ctx: typer.Context) -> None:
    """Read the newest advice again, whatever gave it: a check, a stop, a program's stop."""
    from hamstring_care.flows.safety import show_advice

    env = env_of(ctx)
    show_advice(env, env.library())


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
    from hamstring_care.source.reading import read_document
    from hamstring_care.triage import parse_answers, triage

    env = env_of(ctx)
    library = env.library()
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
    note = library.override_note("triage")
    nexts = [f"Next: {env.program} protocols show {pid}" for pid in result.protocols]
    if env.plain_text:
        from hamstring_care.render.content import result_content
        from hamstring_care.render.text import result_text

        shown = result_text(result_content(result, protocol))
        typer.echo("\n".join([*([note] if note else []), shown, *nexts]))
        return
    from hamstring_care.flows import screen
    from hamstring_care.render.content import result_content

    console = env.out()
    if note:
        console.print(note, style="dim", markup=False)
    content = result_content(result, protocol)
    printed = screen.show_result(env, content)
    for line in nexts:
        console.print(line, markup=False)
    # A triage from a file is never saved: `advice` would not have it.
    screen.keep_in_sight(env, content, printed + len(nexts), saved=False)


@app.command("run")
@error_boundary
def run_command(
    ctx: typer.Context,
    routine_id: Annotated[
        Optional[str],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Argument(
            metavar="ROUTINE",
            help="Routine id (or give --plan).",
            autocompletion=completion.complete_routines,
        ),
    ] = None,
    plan: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--plan",
            metavar="FILE",
            help="Run the routines of this plan file, with its sides and holds.",
            autocompletion=completion.complete_plans,
        ),
    ] = None,
    side: SideOption = None,
    hold: HoldOption = None,
    plain: Annotated[
        bool, typer.Option("--plain/--live", help="One line per event, or the live panel.")
    ] = False,
    sound: Annotated[
        bool, typer.Option("--sound/--no-sound", help="A terminal bell at each change.")
    ] = True,
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
    cleared: Annotated[
        bool,
        typer.Option(
            "--clinician-cleared",
            help="With --plan: a clinician has seen you since the newest advice and gave you "
            "this plan; it plays although that advice stopped self-care (said and saved).",
        ),
    ] = False,
) -> None:
    """Play a routine: a timed, hands-free session with cues, per leg.

    Not after advice of RICE or more urgent (a check, a stop), until a new check allows it.
    """
    from hamstring_care import plans
    from hamstring_care.flows.session import RunOptions, play_prescribed
    from hamstring_care.models import RoutineProtocol
    from hamstring_care.prescription import Prescribed

    env = env_of(ctx)
    library = env.library()
    given = plans.Layer.options(hold=hold, side=side)
    if cleared and plan is None:
        raise UsageError("--clinician-cleared goes with a clinician's plan: --plan FILE")
    notes: list[str] = []
    if plan is None:
        if routine_id is None:
            raise UsageError("name a routine (e.g. foam-roller-and-ball) or give --plan FILE")
        routine = library.get(routine_id, RoutineProtocol)
        routines = [Prescribed(routine, given.side or Side.BOTH, hold)]
    elif routine_id is not None:
        raise UsageError("give a routine or --plan FILE, not both")
    else:
        prescription = plans.prescription(library, [], plan, given, env.today())
        routines = prescription.routines
        start = f"{env.program} program start --plan {plan}"
        if not routines:
            programs = [i for i in prescription.items if i.protocol.can.started]
            also = f"; start its program with: {start}" if programs else ""
            raise UsageError(f"{plan}: the plan holds no routine to run{also}")
        for item in prescription.items:
            if item.protocol.can.started:
                notes.append(f"{item.protocol.title}: start it with {start}")
            elif not item.is_routine:
                notes.append(f"{item.protocol.title}: read it with {item.command(env.program)}")
    how = RunOptions(plain=plain, sound=sound, voice=voice, count_in=count_in)
    play_prescribed(env, library, routines, how, notes, cleared_by=plan if cleared else None)


@app.command("print")
@error_boundary
def print_command(
    ctx: typer.Context,
    protocol_ids: Annotated[
        Optional[list[str]],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Argument(
            metavar="PROTOCOL",
            help="Routines or guidance to print, e.g. foam-roller-and-ball.",
            autocompletion=completion.complete_printable,
        ),
    ] = None,
    plan: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--plan",
            metavar="FILE",
            help="Print the prescription in this plan file (see `plan new`); "
            "options given here override the plan's.",
            autocompletion=completion.complete_plans,
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
        typer.Option(min=1, max=90, metavar="N", help="Days the plan runs. [default: 14]"),
    ] = None,
    days_a_week: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=1,
            max=7,
            metavar="N",
            help="Days a week with sessions; the record lists those days. [default: 7]",
        ),
    ] = None,
    paper: Annotated[
        Optional[Paper],  # noqa: UP045
        typer.Option(help="Paper size. [default: a4]"),
    ] = None,
    clinic_phone: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="NUMBER", help="The clinic's phone, printed in the plan box."),
    ] = None,
    clinic_address: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="TEXT", help="The clinic's address, printed in the plan box."),
    ] = None,
    next_appointment: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="TEXT", help='The next appointment, e.g. "Tue 1 Dec, 10:30".'),
    ] = None,
    emergency_number: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="NUMBER",
            help="The emergency number the stop box says to call, e.g. 999, 911 or 112. "
            "[default: your local emergency number]",
        ),
    ] = None,
    logo: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            metavar="FILE",
            help="The clinic's logo, a PNG or SVG of at most 256 KiB, at the top of PDF and "
            "HTML sheets.",
        ),
    ] = None,
    command: Annotated[
        bool,
        typer.Option(
            "--command/--no-command",
            help='Print "Also on your computer:" with the command that plays each routine.',
        ),
    ] = True,
    ics: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--ics",
            metavar="FILE",
            help="Also write the schedule's reminders to a calendar file (.ics): one for each "
            "time a day, on the plan's days, from the next one to come. Nothing is sent.",
        ),
    ] = None,
    at: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--at",
            metavar="HH:MM",
            help="With --ics: the time of each session of a day, once for each. "
            "[default: 18:00; 2 a day 08:00 and 18:00; more spread from 08:00 to 20:30]",
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Print a take-home sheet: doses, pictures, warning signs and a daily record."""
    from hamstring_care import plans
    from hamstring_care.render import formats

    env = env_of(ctx)
    library = env.library()
    given = plans.Layer.options(
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
        days_per_week=days_a_week,
        paper=paper,
        clinic_phone=clinic_phone,
        clinic_address=clinic_address,
        next_appointment=next_appointment,
        emergency_number=emergency_number,
        logo=logo,
    )
    clinic_file = plans.clinic_file(env.config_folder(), env.history_folder(), env.warn)
    prescription = plans.prescription(
        library, list(protocol_ids or []), plan, given, env.today(), clinic_file=clinic_file
    )
    fmt = formats.choose_format(sheet_format, output)
    reminders = _reminders(env, prescription, plan, ics, at, output)
    sheet = formats.sheet_for(library, prescription)
    sheet.show_commands = command
    drawn = formats.render(sheet, fmt)
    target = output or formats.default_name(prescription, fmt)
    if write_output(target, drawn.data, force):
        pages = f", {count(drawn.pages, 'page')}" if drawn.pages is not None else ""
        status(f"Wrote {visible(target)}{pages}.")
    if ics is not None and reminders is not None:
        data, said = reminders
        if write_output(ics, data, force):
            status(f"Wrote {visible(ics)}: {said}.")


def _reminders(
    env: Environment,
    prescription: Prescription,
    plan: Path | None,
    ics: str | None,
    at: list[str] | None,
    output: str | None,
) -> tuple[bytes, str] | None:
    """The calendar file of the schedule's reminders, and what it holds in words."""
    if ics is None:
        if at:
            raise UsageError("--at goes with --ics FILE (the reminders' times of day)")
        return None
    if ics == "-" and output == "-":
        raise UsageError("the sheet and the reminders cannot both go to standard output")
    from hamstring_care.dates import option_time
    from hamstring_care.prescription import how_often
    from hamstring_care.render import ics as calendar

    times = calendar.times_a_day(
        prescription.times_per_day, [option_time("--at", t) for t in at] if at else None
    )
    plays = f"The whole plan: hamstring-care run --plan {visible(str(plan))}" if plan else ""
    found = calendar.for_prescription(prescription, times, env.now(), plays)
    first, last = min(r.first for r in found), found[0].last_day
    often = how_often(prescription.times_per_day, prescription.days_per_week).lower()
    said = (
        f"{count(len(found), 'reminder')} ({often}), from {first:%a} {first.day} {first:%b} "
        f"{first:%H:%M} to {last:%a} {last.day} {last:%b}"
    )
    return calendar.calendar(found, "exercises", env.now()), said


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

    library = env_of(ctx).library()
    given = plans.Layer.options(
        patient=patient, clinician=clinician, clinic=clinic, hold=hold, side=side
    )
    ids = list(protocol_ids or plans.default_protocols(library))
    text = plans.new_plan_text(library, output if output != "-" else "plan.yaml", ids, given)
    if write_output(output, text.encode(), force):
        program = env_of(ctx).program
        shown = visible(output)
        status(f"Wrote {shown}. Edit it, then: {program} print --plan {shown}")
