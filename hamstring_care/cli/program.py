"""The program commands: start a graded return to running, do today's step, see the status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from hamstring_care.cli.app import env_of, error_boundary, program_app
from hamstring_care.cli.completion import complete_plans, complete_programs
from hamstring_care.cli.options import (
    ForceOption,
    JsonOption,
    print_json,
    status,
    write_output,
)
from hamstring_care.sanitize import visible
from hamstring_care.vocab import Side


@program_app.command("start")
@error_boundary
def program_start(
    ctx: typer.Context,
    program_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(
            metavar="PROGRAM",
            help="Program id. [default: back-to-running, or the plan's]",
            autocompletion=complete_programs,
        ),
    ] = None,
    side: Annotated[
        Optional[Side],  # noqa: UP045
        typer.Option(
            "--side",
            help="Which leg. [default: the leg chosen at your last check, else both]",
        ),
    ] = None,
    stage: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(metavar="STAGE", help="Start at this stage (a clinician's choice)."),
    ] = None,
    pain_limit: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            min=0,
            max=10,
            metavar="N",
            help="A stricter pain limit than the program's (a clinician's, as on the sheet).",
        ),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="End the program under way and start again.")
    ] = False,
    plan: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            metavar="FILE",
            help="A clinician's plan file: its program, leg, stage and pain limit.",
            autocompletion=complete_plans,
        ),
    ] = None,
    cleared: Annotated[
        bool,
        typer.Option(
            "--clinician-cleared",
            help="With --plan: a clinician has seen you since the newest advice and gave you "
            "this plan; it starts although that advice stopped self-care (said and saved).",
        ),
    ] = False,
) -> None:
    """Start a program after a check that allows it (a self-care result).

    Alone, start at the first stage; a later stage is a clinician's choice (--plan).
    """
    from hamstring_care.flows import program

    env = env_of(ctx)
    program.start(
        env, env.library(), program_id, side, stage, restart, plan, cleared, pain_limit=pain_limit
    )


@program_app.command("today")
@error_boundary
def program_today(
    ctx: typer.Context,
    ics: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            metavar="FILE",
            help="Write a calendar file (.ics) with a daily reminder for the next 14 days, "
            "and stop. Nothing is sent anywhere.",
        ),
    ] = None,
    at: Annotated[str, typer.Option(metavar="HH:MM", help="The reminder's time of day.")] = "18:00",
    force: ForceOption = False,
) -> None:
    """Today's step: the exercises, the walk or run, then a short check-in."""
    from hamstring_care.flows import program

    env = env_of(ctx)
    library = env.library()
    if ics is None:
        from hamstring_care.cli.care import today_then

        today_then(env, library)
        return
    from hamstring_care.dates import option_time

    reminder = option_time("--at", at)
    run = program.under_way(env, library)
    title = library.get(run.program_id).title
    key = f"{run.program_id}|{run.started_at.isoformat()}"
    data = program.calendar(
        title, env.today(), reminder, f"{env.program} program today", env.now(), key
    )
    if write_output(ics, data, force):
        shown = visible(ics)
        status(f"Wrote {shown}: a reminder at {reminder:%H:%M} each day for 14 days.")


@program_app.command("status")
@error_boundary
def program_status(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Where the program stands: the stage, the last check-ins, what moves it on."""
    from hamstring_care.flows import program

    env = env_of(ctx)
    if as_json:
        from hamstring_care.cli.shapes import program_status as shape

        print_json(shape(program.status_facts(env, env.library())))
        return
    program.status(env, env.library())
