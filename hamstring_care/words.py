"""Counts in words, and the command's name as the user runs it, for hints.

"1 session", "2 sessions", never "session(s)".
"""

from __future__ import annotations

import os
from collections.abc import Mapping

PROGRAM = "hamstring-care"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``count(1, "page")`` is "1 page"; ``count(3, "page")`` is "3 pages"."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def command_name(environ: Mapping[str, str] | None = None) -> str:
    """The command as the user runs it, for hints (``os.environ`` when none is given).

    Under ``uv run`` (a clone not installed) that is ``uv run hamstring-care``.
    """
    environ = os.environ if environ is None else environ
    return f"uv run {PROGRAM}" if "UV_RUN_RECURSION_DEPTH" in environ else PROGRAM
