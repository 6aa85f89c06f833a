"""The protocol commands: list, show, validate, start a new one, print the schema."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hamstring_care.cli import completion, shapes
from hamstring_care.cli.app import env_of, error_boundary, print_error, protocols_app
from hamstring_care.cli.options import (
    ForceOption,
    JsonOption,
    OutputOption,
    print_json,
    status,
    write_output,
)
from hamstring_care.context import print_stderr
from hamstring_care.errors import HamstringCareError
from hamstring_care.sanitize import visible

if TYPE_CHECKING:
    from hamstring_care.models import AnyProtocol
    from hamstring_care.source.library import Entry


@protocols_app.command("list")
@error_boundary
def protocols_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List every protocol with the file it comes from."""
    env = env_of(ctx)
    library = env.library()
    rows: list[tuple[Entry, AnyProtocol | None, str | None]] = []
    for entry in library.entries().values():
        try:
            rows.append((entry, library.get(entry.id), None))
        except HamstringCareError:
            rows.append((entry, None, "run `hamstring-care protocols validate`"))
    if as_json:
        print_json(shapes.protocol_list(rows))
        return
    from hamstring_care.render.terminal import protocol_list

    env.out().print(protocol_list(rows))


@protocols_app.command("show")
@error_boundary
def protocols_show(
    ctx: typer.Context,
    protocol_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="Protocol id, e.g. rice.",
            autocompletion=completion.complete_protocols,
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Show one protocol in full (plain text in a pipe, as `print ID -f txt` words it)."""
    from hamstring_care.render.content import block_for

    env = env_of(ctx)
    library = env.library()
    if as_json:
        loaded = library.get(protocol_id)  # an unknown id: its error, with the ids known
        print_json(shapes.protocol(library.entries()[protocol_id], loaded))
        return
    block = block_for(library.get(protocol_id))
    if env.plain_text:
        from hamstring_care.render.text import block_text

        typer.echo(block_text(block), nl=False)
        return
    from hamstring_care.render.terminal import block_view

    env.out().print(block_view(block))


@protocols_app.command("validate")
@error_boundary
def protocols_validate(
    ctx: typer.Context,
    paths: Annotated[
        Optional[list[Path]],  # noqa: UP045 - Typer reads this annotation on Python 3.10
        typer.Argument(
            help="Files or folders to check (default: every protocol folder in use).",
            metavar="PATH",
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when there are warnings (2 for errors).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Check protocol files: every problem of every file, with file:line:column."""
    from hamstring_care.source.checking import validate_paths

    library = env_of(ctx).library()
    report = validate_paths(library, list(paths or []))
    if as_json:
        print_json(shapes.validation(report, strict))
        raise typer.Exit(report.exit_code(strict))
    for line in report.errors:
        print_error(line)
    for line in report.warnings:
        print_stderr(line, "yellow")
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
    from hamstring_care.files import write_atomic
    from hamstring_care.source import authoring
    from hamstring_care.source.reading import display_name

    env = env_of(ctx)
    pid = authoring.check_id(protocol_id)
    if str(output) == "-":
        write_output("-", authoring.starter_text(pid, kind.value, f"{pid}.yaml").encode(), force)
        return
    path = authoring.destination(pid, output, env.user_protocols())
    if output is None:
        _make_folder(path.parent)
    before = env.library().entries().get(pid)
    text = authoring.starter_text(pid, kind.value, display_name(path))
    write_atomic(path, text.encode(), force=force)
    schema = path.parent / authoring.SCHEMA_FILE
    new_schema = authoring.schema_text().encode()
    if not schema.is_file() or schema.read_bytes() != new_schema:
        write_atomic(schema, new_schema, force=True)
    shown = display_name(path)
    status(f"Wrote {shown}: a new {kind.value} protocol to edit.")
    status(f"Editors with the YAML language server check it with {schema.name} beside it.")
    if before is not None and before.path != path:
        env.warn(
            f"{pid} is also the id of {display_name(before.path)}; "
            "the file in the later folder is used (see protocols list)"
        )
    library = env.library()
    in_use = any(path.parent.resolve() == folder.resolve() for folder in library.dirs)
    folder = display_name(path.parent)
    program = "hamstring-care" if in_use else f"hamstring-care --protocols-dir {folder}"
    status(f"  Check it:  hamstring-care protocols validate {shown}")
    if kind is StarterKind.routine:
        status(f"  Try it:    {program} run {pid}")
    else:
        status(f"  Read it:   {program} protocols show {pid}")
    status(f"  Print it:  {program} print {pid} -o {pid}.pdf")


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
    from hamstring_care.source import authoring

    if write_output(output, authoring.schema_text().encode(), force):
        status(f"Wrote {visible(output)}.")
