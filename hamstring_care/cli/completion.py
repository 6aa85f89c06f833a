"""Tab completion of protocol ids and plan files.

The shell runs the program on every TAB, so this answers from the folders alone: file
names are the ids, and a protocol's kind is read from its ``kind:`` line. Nothing is
parsed or validated (no YAML, no pydantic): a suggestion is only a suggestion, and a
wrong one is refused with a clear error when the command runs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from hamstring_care.vocab import Kind

KIND_LINE = re.compile(rb"^kind:\s*['\"]?(\w+)", re.MULTILINE)
READ_AT_MOST = 64 * 1024  # the kind line sits near the top of a protocol file


def _kinds(ctx: typer.Context) -> dict[str, str]:
    """Every protocol id in the folders in use, with its kind ("" when it cannot be read)."""
    from hamstring_care.context import Environment
    from hamstring_care.errors import HamstringCareError
    from hamstring_care.source.library import protocol_dirs, scan_folder

    env = Environment()
    root = ctx.find_root().params
    extra = [Path(p) for p in root.get("protocols_dir") or []]
    if root.get("data_dir"):
        env.data_dir = Path(root["data_dir"])
    # TAB never fails: a folder that cannot be used offers nothing (the command says why).
    try:
        user: Path | None = env.user_protocols()
    except HamstringCareError:
        user = None
    kinds: dict[str, str] = {}
    for folder in protocol_dirs(extra, environ=env.environ, user_folder=user):
        try:
            files = scan_folder(folder)[0]
        except HamstringCareError:
            continue
        for path in files:
            try:
                with path.open("rb") as stream:
                    found = KIND_LINE.search(stream.read(READ_AT_MOST))
            except OSError:
                found = None
            kinds[path.stem] = found.group(1).decode() if found else ""
    return kinds


def _ids(ctx: typer.Context, incomplete: str, can: Callable[[Kind], bool]) -> list[str]:
    """The ids starting with what is typed whose kind ``can`` (the kinds' one table)."""
    kinds = {kind.value: kind for kind in Kind}
    return sorted(
        pid
        for pid, kind in _kinds(ctx).items()
        if kind in kinds and can(kinds[kind]) and pid.startswith(incomplete)
    )


def complete_routines(ctx: typer.Context, incomplete: str) -> list[str]:
    """Routine ids: what `run` plays."""
    return _ids(ctx, incomplete, lambda kind: kind.played)


def complete_printable(ctx: typer.Context, incomplete: str) -> list[str]:
    """Routines, guidance and programs: what a sheet can hold."""
    return _ids(ctx, incomplete, lambda kind: kind.printed)


def complete_programs(ctx: typer.Context, incomplete: str) -> list[str]:
    """Program ids: what `program start` starts."""
    return _ids(ctx, incomplete, lambda kind: kind.started)


def complete_protocols(ctx: typer.Context, incomplete: str) -> list[str]:
    """Every protocol id."""
    return sorted(pid for pid in _kinds(ctx) if pid.startswith(incomplete))


def complete_plans(incomplete: str) -> list[str]:
    """YAML files (plan files) and folders, from what is typed."""
    typed = Path(incomplete or ".")
    folder = typed if incomplete.endswith("/") or not incomplete else typed.parent
    prefix = "" if incomplete.endswith("/") or not incomplete else typed.name
    try:
        children: list[Any] = sorted(folder.iterdir())
    except OSError:
        return []
    found = []
    for child in children:
        if not child.name.startswith(prefix) or child.name.startswith("."):
            continue
        shown = str(child) if incomplete else child.name
        if child.is_dir():
            found.append(shown + "/")
        elif child.suffix in (".yaml", ".yml"):
            found.append(shown)
    if len(found) == 1 and found[0].endswith("/") and _shell_completes_paths():
        # bash and zsh put a space after a lone answer ("plans/ "), which ends the word:
        # with none, they complete the path themselves, a folder without the space.
        return []
    return found


def _shell_completes_paths() -> bool:
    """Bash and zsh fall back to their own path completion when given nothing (fish not)."""
    return os.environ.get("_HAMSTRING_CARE_COMPLETE") in ("complete_bash", "complete_zsh")
