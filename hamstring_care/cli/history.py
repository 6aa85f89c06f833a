"""The history commands: the table, the chart, export, forget and repair."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hamstring_care.cli import shapes
from hamstring_care.cli.app import env_of, error_boundary, history_app, print_error
from hamstring_care.cli.options import (
    ForceOption,
    JsonOption,
    PatientOption,
    PlanOption,
    YesOption,
    print_json,
    say,
    status,
    write_output,
)
from hamstring_care.errors import UsageError
from hamstring_care.sanitize import visible
from hamstring_care.vocab import Paper
from hamstring_care.words import count

if TYPE_CHECKING:
    from hamstring_care.context import Environment
    from hamstring_care.history.store import History
    from hamstring_care.source.library import Library


@history_app.callback()
@error_boundary
def history_command(
    ctx: typer.Context,
    show_all: Annotated[bool, typer.Option("--all", help="Show every record.")] = False,
    limit: Annotated[
        int, typer.Option(min=1, metavar="N", help="How many recent records to show.")
    ] = 20,
    as_json: JsonOption = False,
) -> None:
    """Show your recent sessions and checks (newest first)."""
    if ctx.invoked_subcommand is not None:
        return
    from hamstring_care.history.queries import recent

    env = env_of(ctx)
    with _history_for_reading(env) as history:
        if history is None:
            if as_json:
                print_json(shapes.nothing_saved("history", _nothing_saved(env)))
                return
            say(env, _nothing_saved(env))
            return
        records = recent(history, None if show_all else limit)
        if as_json:
            from hamstring_care.history.export import TABLES

            uids = {table: history.uids(table) for table in TABLES.values()}
            print_json(shapes.history(records, uids))
            return
        from hamstring_care.history.view import history_view

        library = env.library()
        titles = stage_titles(library, [run.program_id for run in history.program_runs()])
        env.out().print(history_view(records, library.triage(), None, env.program, titles))


def stage_titles(library: Library, program_ids: list[str]) -> dict[str, str]:
    """The stage names of these programs, by stage id (a program that cannot be read: none)."""
    from hamstring_care.errors import HamstringCareError
    from hamstring_care.models import ProgramProtocol

    titles: dict[str, str] = {}
    for pid in dict.fromkeys(program_ids):
        try:
            program = library.get(pid) if pid in library.entries() else None
        except HamstringCareError:
            program = None
        if isinstance(program, ProgramProtocol):
            titles.update({stage.id: stage.title for stage in program.stages})
    return titles


def _nothing_saved(env: Environment, found: Path | None = None) -> str:
    """Said, exit 0, when there is nothing to show: no history file, or an empty one."""
    from hamstring_care.history.folder import FILE_NAME

    path = visible(str(env.history_folder() / FILE_NAME))
    where = f"in {visible(str(found))}" if found is not None else f"(no {path})"
    return (
        f"Nothing saved yet {where}. Run `{env.program}` for a check, "
        f"or `{env.program} run ROUTINE`."
    )


@contextlib.contextmanager
def _history_for_reading(env: Environment) -> Iterator[History | None]:
    """The history file opened for the history commands (None when there is none yet)."""
    from hamstring_care.history.store import SCHEMA_VERSION, newer_message, open_history

    history = open_history(env.history_folder(), create=False, on_skip=env.warn, reading=True)
    try:
        if history is not None and history.version > SCHEMA_VERSION:
            env.warn(newer_message(history.path, history.version))
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
            min=7,
            max=366,
            metavar="N",
            help="Days of pain to show. [default: as many as fit; with --json, 28]",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Chart pain before and after over the days, sessions per week and your streak."""
    from hamstring_care.history.queries import AXIS, chart_data

    env = env_of(ctx)
    with _history_for_reading(env) as history:
        if history is None:
            if as_json:
                print_json(shapes.nothing_saved("history chart", _nothing_saved(env)))
                return
            say(env, _nothing_saved(env))
            return
        rule = env.library().triage().follow_up.not_improving
        if as_json:  # data, whatever the terminal's width: the days asked for, else 4 weeks
            shown = days or JSON_CHART_DAYS
            # Room for four columns a day, as a chart with a program's column takes.
            data = chart_data(history, rule, env.now(), None, AXIS + 4 * shown, shown)
            print_json(shapes.chart(data, env.today()))
            return
        from hamstring_care.history.view import chart_view

        if not history.counts().any:  # an empty chart says less than history does
            say(env, _nothing_saved(env, history.path))
            return
        console = env.out()
        data = chart_data(history, rule, env.now(), None, console.width, days)
        console.print(chart_view(data, console.width))


JSON_CHART_DAYS = 28


class ExportFormat(str, Enum):
    """Formats of a history export."""

    csv = "csv"
    json = "json"
    fhir = "fhir"


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
        typer.Option(
            "--format",
            "-f",
            help="Default: from the file's suffix. fhir: a FHIR R4 Bundle (JSON) for a "
            "clinic's system.",
        ),
    ] = None,
    plan: PlanOption = None,
    force: ForceOption = False,
) -> None:
    """Export every session and check to CSV or JSON, or FHIR R4 (for your clinician)."""
    from hamstring_care.history import export

    suffix = Path(output).suffix.lower().lstrip(".")
    fmt = export_format.value if export_format else suffix
    if fmt not in (*export.FORMATS, "fhir"):
        raise UsageError(f"{output}: give a .csv or .json file name, or --format csv|json|fhir")
    if plan is not None and fmt != "fhir":
        raise UsageError("--plan goes with --format fhir (its care plan)")
    env = env_of(ctx)
    if fmt == "fhir":
        from hamstring_care.flows.report import fhir_export

        data, said = fhir_export(env, plan)
        if write_output(output, data, force):
            status(f"Wrote {visible(output)}: {said}.")
        return
    with _history_for_reading(env) as history:
        sessions = history.sessions() if history else []
        checks = history.triage_results() if history else []
        programs = history.program_runs() if history else []
        check_ins = history.check_ins() if history else []
        uids = {t: history.uids(t) for t in export.TABLES.values()} if history else {}
        identity = history.identity() if history else None
    if fmt == "json":
        data = export.to_json(sessions, checks, env.now(), programs, check_ins, uids, identity)
    else:
        data = export.to_csv(sessions, checks, programs, check_ins, uids)
    if write_output(output, data, force):
        parts = [count(len(sessions), "session"), count(len(checks), "check")]
        if programs:
            parts.append(count(len(programs), "program"))
        status(f"Wrote {visible(output)}: {', '.join(parts)}.")


class ReportFormat(str, Enum):
    """Formats of a progress report."""

    pdf = "pdf"
    html = "html"


REPORT_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html"}


@history_app.command("report")
@error_boundary
def history_report(
    ctx: typer.Context,
    output: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="A .pdf or .html file (- writes html to standard output). "
            "[default: report-PATIENT-DATE.pdf here]",
        ),
    ] = None,
    report_format: Annotated[
        Optional[ReportFormat],  # noqa: UP045
        typer.Option("--format", "-f", help="Default: from the -o file's suffix, else pdf."),
    ] = None,
    from_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--from",
            metavar="FILE",
            help="A patient's `history export` JSON file, instead of the history here.",
        ),
    ] = None,
    plan: PlanOption = None,
    patient: PatientOption = None,
    paper: Annotated[
        Optional[Paper],  # noqa: UP045
        typer.Option(help="Paper size. [default: the plan's, else a4]"),
    ] = None,
    force: ForceOption = False,
) -> None:
    """A progress report for the clinician: pain over time, sessions by week, checks, stops."""
    import re

    from hamstring_care.flows.report import progress_report

    named = REPORT_SUFFIXES.get(Path(output).suffix.lower()) if output and output != "-" else None
    if output and output != "-" and named is None and report_format is None:
        raise UsageError(f"{output}: name the file .pdf or .html, or give --format")
    if report_format and named and report_format.value != named:
        raise UsageError(f"{output}: the name ends in {Path(str(output)).suffix} but --format is "
                         f"{report_format.value}")  # fmt: skip
    fmt = report_format.value if report_format else named or "pdf"
    if output == "-" and fmt == "pdf":
        raise UsageError("a PDF cannot go to standard output; give a file name or --format html")
    env = env_of(ctx)
    made = progress_report(env, fmt, from_file, plan, patient, paper.value if paper else None)
    if output is None:
        who = re.sub(r"[^\w]+", "-", (patient or "history").lower()).strip("-_")[:40] or "history"
        output = f"report-{who}-{env.today().isoformat()}.{fmt}"
    if write_output(output, made.data, force):
        pages = f", {count(made.pages, 'page')}" if made.pages is not None else ""
        status(f"Wrote {visible(output)}{pages}: {made.said}.")


@history_app.command("forget")
@error_boundary
def history_forget(
    ctx: typer.Context,
    before: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="YYYY-MM-DD", help="Delete what was saved before this day."),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Delete everything saved.")] = False,
    yes: YesOption = False,
) -> None:
    """Delete saved sessions, checks and programs, for good (asks first)."""
    from hamstring_care.dates import day_label, option_date
    from hamstring_care.flows.safety import forgetting
    from hamstring_care.history.progress import local_midnight

    if everything == (before is not None):
        raise UsageError("give --before YYYY-MM-DD or --all (one of them)")
    cutoff = None if before is None else local_midnight(option_date("--before", before), None)
    env = env_of(ctx)
    with _history_for_reading(env) as history:
        if history is None:
            say(env, _nothing_saved(env))
            return
        counts = history.counts(cutoff)
        when = "" if cutoff is None else f" from before {day_label(cutoff.date())} {cutoff.year}"
        what = f"{counts.in_words()}{when}"
        if not counts.any:
            typer.echo(f"Nothing to delete: {what}.")
            return
        warning = forgetting(history, cutoff, env.library().triage())
        if warning is not None:
            env.warn(warning)
        if not _confirmed(env, f"Delete {what}? This cannot be undone.", yes, "delete"):
            typer.echo("Nothing deleted.")
            return
        done = history.forget(cutoff)
    typer.echo(f"Deleted {done.in_words()}.")


def _confirmed(env: Environment, question: str, yes: bool, action: str) -> bool:
    """``--yes``, or the user's answer (No by default); without a terminal, a usage error."""
    if yes:
        return True
    if not env.can_ask:
        raise UsageError(f"no terminal to ask on: add --yes to {action} without asking")
    return bool(env.asker().confirm(question, False))


@history_app.command("repair")
@error_boundary
def history_repair(
    ctx: typer.Context,
    yes: YesOption = False,
) -> None:
    """Set a damaged history file aside (never deleted) and start a new one with its good rows."""
    from hamstring_care.errors import HistoryDamagedError
    from hamstring_care.history.folder import FILE_NAME
    from hamstring_care.history.store import carry_over, move_aside, open_history

    env = env_of(ctx)
    folder = env.history_folder()
    path = folder / FILE_NAME
    shown = visible(str(path))
    try:
        history = open_history(folder, create=False)
    except HistoryDamagedError as error:
        found = [error.lines[0].removeprefix(f"{path}: ")]
    else:
        if history is None:
            typer.echo(f"No history file at {shown}: nothing to repair.")
            return
        with contextlib.closing(history):
            if not history.writable:
                typer.echo(f"{shown} comes from a newer hamstring-care, not damaged: left as is.")
                return
            found = [*history.integrity_problems(), *history.unreadable()]
        if not found:
            typer.echo(
                f"{shown} is sound (SQLite's integrity check, and every table and row read): "
                "nothing to repair."
            )
            return
    listed = found[:10] + ([f"and {len(found) - 10} more"] if len(found) > 10 else [])
    for line in listed:
        print_error(f"{path}: {line}")
    question = (
        f"Set {visible(path.name)} aside (kept, not deleted) and start a new history "
        "with every row that can be read?"
    )
    if not _confirmed(env, question, yes, "set it aside"):
        typer.echo("Left as it is.")
        return
    kept = move_aside(path, env.now())
    with contextlib.closing(open_history(folder)) as fresh:
        carried = carry_over(kept, fresh)
    typer.echo(
        f"Set the damaged file aside as {visible(str(kept))}. A new history starts at {shown} with "
        f"{carried.in_words()} carried over; what could not be read stays in the file set aside."
    )
