"""The history commands: the table, the chart, export, forget and repair."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hamstring_care.cli.app import env_of, error_boundary, history_app, print_error
from hamstring_care.cli.options import ForceOption, YesOption, write_output
from hamstring_care.errors import UsageError
from hamstring_care.sanitize import visible
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
) -> None:
    """Show your recent sessions and checks (newest first)."""
    if ctx.invoked_subcommand is not None:
        return
    from hamstring_care.history.queries import recent
    from hamstring_care.history.view import history_view

    env = env_of(ctx)
    with _history_for_reading(env) as history:
        if history is None:
            typer.echo(_nothing_saved(env))
            return
        records = recent(history, None if show_all else limit)
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


def _nothing_saved(env: Environment) -> str:
    from hamstring_care.history.folder import FILE_NAME

    path = visible(str(env.history_folder() / FILE_NAME))
    return (
        f"Nothing saved yet (no {path}). Run `{env.program}` for a check, "
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
            min=7, max=366, metavar="N", help="Days of pain to show. [default: as many as fit]"
        ),
    ] = None,
) -> None:
    """Chart pain before and after over the days, sessions per week and your streak."""
    from hamstring_care.history.queries import chart_data
    from hamstring_care.history.view import chart_view

    env = env_of(ctx)
    with _history_for_reading(env) as history:
        if history is None:
            typer.echo(_nothing_saved(env))
            return
        console = env.out()
        rule = env.library().triage().follow_up.not_improving
        data = chart_data(history, rule, env.now(), None, console.width, days)
        console.print(chart_view(data, console.width))


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
    env = env_of(ctx)
    with _history_for_reading(env) as history:
        sessions = history.sessions() if history else []
        checks = history.triage_results() if history else []
        programs = history.program_runs() if history else []
        check_ins = history.check_ins() if history else []
    if fmt == "json":
        data = export.to_json(sessions, checks, env.now(), programs, check_ins)
    else:
        data = export.to_csv(sessions, checks, programs, check_ins)
    if write_output(output, data, force):
        parts = [count(len(sessions), "session"), count(len(checks), "check")]
        if programs:
            parts.append(count(len(programs), "program"))
        typer.echo(f"Wrote {visible(output)}: {', '.join(parts)}.")


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
    """Delete saved sessions and checks, for good (asks first)."""
    from hamstring_care.dates import day_label, option_date
    from hamstring_care.history.progress import local_midnight

    if everything == (before is not None):
        raise UsageError("give --before YYYY-MM-DD or --all (one of them)")
    cutoff = None if before is None else local_midnight(option_date("--before", before), None)
    env = env_of(ctx)
    with _history_for_reading(env) as history:
        if history is None:
            typer.echo(_nothing_saved(env))
            return
        counts = history.counts(cutoff)
        when = "" if cutoff is None else f" from before {day_label(cutoff.date())} {cutoff.year}"
        what = (
            f"{count(counts.sessions, 'session')} and {count(counts.triage_results, 'check')}{when}"
        )
        if not counts.sessions and not counts.triage_results:
            typer.echo(f"Nothing to delete: {what}.")
            return
        if not _confirmed(env, f"Delete {what}? This cannot be undone.", yes, "delete"):
            typer.echo("Nothing deleted.")
            return
        done = history.forget(cutoff)
    typer.echo(
        f"Deleted {count(done.sessions, 'session')} and {count(done.triage_results, 'check')}."
    )


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
        f"{count(carried.sessions, 'session')} and {count(carried.triage_results, 'check')} "
        "carried over; what could not be read stays in the file set aside."
    )
