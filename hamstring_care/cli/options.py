"""Options shared by several commands, declared once so that they read alike."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from hamstring_care.vocab import Side

if TYPE_CHECKING:
    from hamstring_care.context import Environment

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
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask to confirm.")]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the data as JSON (its shape: see the README).")
]
PlanOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--plan",
        metavar="FILE",
        help="The clinician's plan file: the prescription the sessions are held against.",
    ),
]


def write_output(output: str, data: bytes, force: bool) -> bool:
    """Write to standard output for ``-`` (returns False), else to the file, atomically."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return False
    from hamstring_care.files import write_atomic

    write_atomic(Path(output), data, force=force)
    return True


def say(env: Environment, line: str) -> None:
    """A line on standard output: wrapped between words on a terminal, whole in a pipe.

    For a message longer than a terminal is wide (a folder's path in it): the terminal
    would otherwise break it in the middle of a word.
    """
    console = env.out()
    console.print(
        line, markup=False, highlight=False, emoji=False, soft_wrap=not console.is_terminal
    )


def status(line: str) -> None:
    """A status line ("Wrote ..."): on standard error, so standard output holds only data."""
    from hamstring_care.context import print_stderr

    print_stderr(line, "")


def print_json(document: object) -> None:
    """A command's data as JSON on standard output, one document.

    Letters of every script as they are; every character a terminal could obey or that
    hides how text reads (C0 and C1 controls, DEL, bidirectional and zero-width ones) written
    as its JSON escape, so the data reads back exactly and the screen never obeys it.
    """
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False)
    typer.echo(_UNSEEN.sub(lambda found: f"\\u{ord(found.group()):04x}", text))


_UNSEEN = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
