"""Every error a user can cause, each carrying its exit code and a message.

The CLI is the one place that turns these into a line on stderr and an exit code.
Nothing here does I/O, so the pure modules can raise these too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from hamstring_care.words import count


class ExitCode(IntEnum):
    """Exit codes, documented in the README."""

    OK = 0
    INTERNAL = 1
    BAD_INPUT = 2
    WARNINGS = 3
    """`protocols validate --strict` found warnings and no errors: told apart from a bug."""
    INTERRUPTED = 130
    OUTPUT_CLOSED = 141  # 128 + SIGPIPE, as a shell reports a tool whose reader went away


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in an input file.

    ``path`` is the field path inside the document, e.g. ``("steps", 2, "hold")``;
    ``line`` and ``column`` are 1-based and ``None`` when the place is unknown.
    """

    path: tuple[str | int, ...]
    message: str
    line: int | None = None
    column: int | None = None

    def format(self, source: str | None) -> str:
        """Render as ``file:line:col: field.path: message``."""
        where = []
        if source is not None:
            where.append(source)
            if self.line is not None:
                where.append(str(self.line))
                if self.column is not None:
                    where.append(str(self.column))
        prefix = ":".join(where)
        field = format_path(self.path)
        parts = [p for p in (prefix, field) if p]
        return ": ".join([*parts, self.message])


def format_path(path: tuple[str | int, ...]) -> str:
    """Render a field path the way a reader of the YAML would write it: ``steps[2].hold``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class HamstringCareError(Exception):
    """Base for errors the user can cause; ``lines`` is what goes to stderr."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.lines: tuple[str, ...] = lines


class InputFileError(HamstringCareError):
    """A protocol, answers or plan file that cannot be read or is not valid.

    The first ``MAX_LISTED`` problems are listed, then how many more there are: a file
    that is wrong everywhere gets a screenful, not a million lines.
    """

    MAX_LISTED = 25

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
        lines = [p.format(source) for p in self.problems[: self.MAX_LISTED]]
        if len(self.problems) > self.MAX_LISTED:
            more = len(self.problems) - self.MAX_LISTED
            lines.append(f"{source}: and {count(more, 'more problem')}; fix these first")
        super().__init__(*lines)


class UnknownProtocolError(HamstringCareError):
    """An id that no protocol folder holds."""


class IncompleteAnswersError(HamstringCareError):
    """The answers do not reach a disposition: some questions are unanswered."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(*(f"{qid}: missing answer" for qid in missing))


class NoTerminalError(HamstringCareError):
    """The interactive flow was started without a terminal to ask on."""


class Interrupted(HamstringCareError):
    """The user pressed Ctrl-C (or closed input) mid-way."""

    exit_code = ExitCode.INTERRUPTED

    def __init__(self) -> None:
        super().__init__("Stopped.")


class OutputFileError(HamstringCareError):
    """An output file that exists (without --force) or cannot be written."""


class UsageError(HamstringCareError):
    """Options that do not go together, or a value the command cannot use."""


class HistoryError(HamstringCareError):
    """The progress log cannot be used: its message names the file and what to do."""


class HistoryDamagedError(HistoryError):
    """The history file is not a database, or its pages are damaged."""


class HistoryNewerError(HistoryError):
    """The history file was written by a newer hamstring-care: it is read, never written."""


class HistoryUnsavableError(HistoryError):
    """The history cannot be written here: a read-only folder or file, a full disk."""


class HistoryBusyError(HistoryError):
    """Another process held the history file for longer than the wait allows."""


class HistoryConflictError(HistoryError):
    """What was to be saved clashes with what another window saved meanwhile: said plainly."""
