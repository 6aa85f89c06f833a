"""The hamstring-care command line: options in, one flow or core call, printing out.

Commands:
    hamstring-care                                  the guided check (same as `start`)
    hamstring-care start
    hamstring-care triage --answers answers.yaml [--json]
    hamstring-care run foam-roller-and-ball [--side right --hold 20]   (or --plan plan.yaml)
    hamstring-care print foam-roller-and-ball --patient NAME -o sheet.pdf  (or --plan plan.yaml)
    hamstring-care plan new [-o plan.yaml]
    hamstring-care protocols list | show ID | validate [PATH ...] | new ID | schema
    hamstring-care history [--all] | chart | export FILE | forget --before DATE | repair
    hamstring-care program start [PROGRAM] | today [--ics FILE] | status

Global options (before the command): --protocols-dir DIR (repeatable), --data-dir DIR,
--debug, --version.

``app.error_boundary`` is the one place where errors become a line on stderr and an exit
code; ``main`` adds the command-line mistakes Click finds before a command runs. Heavy
modules (questionary, yaml, pydantic, rich, fpdf) are imported inside the commands that use
them, so that `--help` and `--version` cost no more than Typer itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import warnings
from typing import Any

import typer

from hamstring_care.cli import care, history, program, protocols
from hamstring_care.cli.app import app, on_demand, print_error
from hamstring_care.context import Environment, output_closed
from hamstring_care.errors import ExitCode

__all__ = ["app", "care", "history", "main", "program", "protocols"]


def main(env: Environment | None = None) -> None:
    """Console-script entry point.

    Fits the standard streams to what they really are first: a closed stream reads as empty
    and takes output nowhere, and text that the output's encoding cannot hold is replaced,
    not fatal. Output cut short by its reader (``| head``) ends quietly, as other tools do.
    """
    # No pydantic plugins run here: looking them up reads every installed package's entry
    # points on each start (about 20 ms of a check's start-up).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if not sys.warnoptions:
        # A library's warning (with its install path and source line) is for its developers,
        # not for a user's screen; -W or PYTHONWARNINGS still show them.
        warnings.simplefilter("ignore")
    usage_error, help_wanted = _usage_error_classes()
    _usable_streams()
    try:
        code = on_demand(app)(prog_name="hamstring-care", standalone_mode=False, obj=env)
    except help_wanted as error:
        # A group named without its command (`hamstring-care protocols`): its help as help,
        # not as one red line of a mistake; the exit code still says nothing ran.
        typer.echo(error.ctx.get_help(), err=True)  # type: ignore[attr-defined]
        raise SystemExit(ExitCode.BAD_INPUT) from None
    except usage_error as error:
        print_error(_usage_line(error))
        raise SystemExit(ExitCode.BAD_INPUT) from None
    except typer.Abort:
        print_error("Stopped.")
        raise SystemExit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        output_closed()
    raise SystemExit(code if isinstance(code, int) else ExitCode.OK)


_PYDANTIC_WORDS = (
    ("Value error, ", ""),
    ("Input should be greater than or equal to ", "at least "),
    ("Input should be less than or equal to ", "at most "),
    ("Input should be a valid integer, unable to parse string as an integer", "a whole number"),
)


def _usage_error_classes() -> tuple[type[Exception], type[Exception]]:
    """Click's command-line mistake, and its "no command given: here is the help"."""
    # Typer carries its own copy of Click since 0.29 (pyproject asks for it).
    from typer._click.exceptions import NoArgsIsHelpError, UsageError

    return UsageError, NoArgsIsHelpError


def _usage_line(error: Any) -> str:
    """A command-line mistake in one line, with where to read more (not four of usage)."""
    message = error.format_message()
    for theirs, ours in _PYDANTIC_WORDS:
        message = message.replace(theirs, ours)
    message = message.replace("Invalid value for ", "").rstrip(".")
    message = re.sub(r"^'(-[^']+)'", r"\1", message)  # '--side': ... -> --side: ...
    message = _choices_in_words(message)
    from hamstring_care.words import PROGRAM, command_name

    command = error.ctx.command_path if error.ctx is not None else PROGRAM
    as_run = command_name() + command.removeprefix(PROGRAM)
    return f"{command}: {message} (see {as_run} --help)"


def _choices_in_words(message: str) -> str:
    """Click's "is not one of" as a person would say it.

    ``--side: 'rigth' is not one of 'both', 'right', 'left'`` becomes
    ``--side must be both, right or left, not 'rigth' (did you mean 'right'?)``.
    """
    found = re.match(r"^(-[^:]+): '(.*)' is not one of (.+)$", message)
    if found is None:
        return message
    from difflib import get_close_matches

    option, given, listed = found.groups()
    option = re.sub(r" / '?-\w'?", "", option)  # --format / '-f' -> --format
    choices = [c.strip().strip("'") for c in listed.split(",")]
    words = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
    close = get_close_matches(given, choices, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{option} must be {words}, not '{given}'{hint}"


def _usable_streams() -> None:
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:  # started with the stream closed (<&- or >&-)
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
