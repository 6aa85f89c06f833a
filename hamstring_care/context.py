"""Everything real a command touches, in one object passed down from the command line.

As httpie's ``Environment``: the consoles, the terminal flags, the wall clock, the monotonic
clock, the keys, the prompter, the folders. The CLI builds one; a test builds one with fakes
instead of patching modules. Cheap to import: what it makes is imported when first made.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamstring_care.asking import Asker
from hamstring_care.errors import ExitCode, NoTerminalError

if TYPE_CHECKING:
    from datetime import date, datetime
    from datetime import time as dt_time

    from rich.console import Console

    from hamstring_care.history.log import ProgressLog
    from hamstring_care.player.engine import Clock, KeySource
    from hamstring_care.source.library import Library

PROGRAM = "hamstring-care"
CACHE_VARIABLE = "HAMSTRING_CARE_CACHE"
SPEED_VARIABLE = "HAMSTRING_CARE_SPEED"
"""Plays routines this many times faster: for demonstrations and tests, never for a session."""


def _utc_now() -> datetime:
    from hamstring_care.dates import utc_now

    return utc_now()


TODAY_VARIABLE = "HAMSTRING_CARE_TODAY"
"""A date (YYYY-MM-DD) to live on, for tests and demonstrations: days pass by setting it."""


def _wall_time() -> dt_time:
    from datetime import datetime as real

    return real.now().time()


def _demo_now(text: str, wall: Callable[[], dt_time] = _wall_time) -> Callable[[], datetime]:
    """The clock of a demonstration: that date, at the real time of day (``wall``).

    The time of day is placed on that date with that date's own UTC offset: today's offset,
    on a date across a daylight-saving change, would move a late evening onto the next day.
    """

    def now() -> datetime:
        from datetime import datetime as real

        from hamstring_care.dates import option_date

        day = option_date(TODAY_VARIABLE, text)
        moment = real.combine(day, wall())
        try:
            return moment.astimezone()  # a naive time is read as local time on its own date
        except (OverflowError, OSError):  # a system that cannot place that year's offsets
            return moment.replace(tzinfo=real.now().astimezone().tzinfo)

    return now


@dataclass
class Environment:
    """The real world of one run of the program. Every attribute may be replaced by a test."""

    stdin_isatty: bool = field(default_factory=lambda: _isatty(sys.stdin))
    stdout_isatty: bool = field(default_factory=lambda: _isatty(sys.stdout))
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    now: Callable[[], datetime] = _utc_now
    """The current moment (aware, UTC): saved times, days since, re-check due."""
    wall: Callable[[], datetime] | None = None
    """The real moment, whatever the demonstration date (``now`` when not given): saved
    with every record, so that the newest advice is found by when it was really given."""
    debug: bool = False
    protocols_dirs: list[Path] = field(default_factory=list)
    data_dir: Path | None = None
    prompter: Asker | None = None
    """The prompts; made on first use when not given (only on a terminal)."""
    clock: Clock | None = None
    """The player's monotonic clock; the real one when not given."""
    keys: KeySource | None = None
    """Keys for the player; the terminal's (or none, when input is not one) when not given."""
    console: Console | None = None

    def __post_init__(self) -> None:
        if self.now is _utc_now and TODAY_VARIABLE in self.environ:
            self.now = _demo_now(self.environ[TODAY_VARIABLE])
            self.wall = self.wall or _utc_now

    def today(self) -> date:
        """The local date of the run (the demonstration date, when one is set)."""
        return self.now().astimezone().date()

    def recorded(self) -> datetime:
        """The real moment, saved beside each record's own (demonstration) time."""
        return (self.wall or self.now)()

    # --- output ----------------------------------------------------------------------

    def out(self) -> Console:
        """The console for standard output (one per run)."""
        if self.console is None:
            self.console = _stdout_console()
        return self.console

    def warn(self, line: str) -> None:
        """One warning line on standard error."""
        print_stderr(f"hamstring-care: warning: {line}", "yellow")

    def error(self, line: str) -> None:
        """One error line on standard error."""
        print_stderr(line, "red")

    @property
    def plain_text(self) -> bool:
        """Plain text on standard output (see ``plain_for``)."""
        return self.plain_for(self.stdout_isatty)

    def plain_for(self, is_terminal: bool) -> bool:
        """Plain text for pipes, files and dumb terminals; Rich only on a real terminal."""
        return not is_terminal or self.environ.get("TERM") == "dumb"

    @property
    def program(self) -> str:
        """The command as the user runs it, for the hints the program prints.

        Under ``uv run`` (a clone not installed) that is ``uv run hamstring-care``.
        """
        return f"uv run {PROGRAM}" if "UV_RUN_RECURSION_DEPTH" in self.environ else PROGRAM

    # --- input -----------------------------------------------------------------------

    @property
    def can_ask(self) -> bool:
        """True when there is someone to ask: a terminal on standard input, or a test's asker."""
        return self.prompter is not None or self.stdin_isatty

    def asker(self) -> Asker:
        """The prompts; a clear error when input is not a terminal."""
        if self.prompter is None:
            if not self.stdin_isatty:
                raise NoTerminalError(
                    "hamstring-care: no terminal to ask questions on (input is not a terminal); "
                    f"to triage from a file, run: {self.program} triage --answers FILE"
                )
            from hamstring_care.prompts import Prompter

            self.prompter = Prompter()
        return self.prompter

    # --- the player's edges ----------------------------------------------------------

    @property
    def speed(self) -> float:
        """How many times faster than real time routines play (1 but for demonstrations)."""
        try:
            speed = float(self.environ.get(SPEED_VARIABLE, "1"))
        except ValueError:
            return 1.0
        if speed != speed:  # nan: every comparison is false, so no bound would hold it
            return 1.0
        return min(max(speed, 1.0), 1000.0)

    def player_clock(self) -> Clock:
        """The monotonic clock the player times by."""
        if self.clock is not None:
            return self.clock
        from hamstring_care.player.terminal import Faster, MonotonicClock

        clock = MonotonicClock()
        return clock if self.speed == 1 else Faster(clock, self.speed)

    @contextmanager
    def player_keys(self) -> Iterator[KeySource]:
        """Keys while a routine plays: raw terminal keys, restored on every exit."""
        if self.keys is not None:
            yield self.keys
            return
        from hamstring_care.player.terminal import NoKeys, SlowerWaits, TerminalKeys

        if not self.stdin_isatty:
            keys: KeySource = NoKeys()
            yield keys if self.speed == 1 else SlowerWaits(keys, self.speed)
            return
        with TerminalKeys() as terminal_keys:
            keys = terminal_keys
            yield keys if self.speed == 1 else SlowerWaits(keys, self.speed)

    # --- folders ---------------------------------------------------------------------

    def library(self) -> Library:
        """The protocol library, weakest first.

        Bundled, then the user protocol folder, $HAMSTRING_CARE_PROTOCOLS, --protocols-dir.
        """
        from hamstring_care.source.cache import KEY_FILE, ParsedCache
        from hamstring_care.source.library import Library, protocol_dirs

        dirs = protocol_dirs(
            self.protocols_dirs, environ=self.environ, user_folder=self.user_protocols()
        )
        cache = ParsedCache(self.cache_folder(), self.config_folder() / KEY_FILE)
        return Library(dirs, warn=self.warn, cache=cache)

    def cache_folder(self) -> Path:
        """Where parsed protocol files are kept between runs.

        $HAMSTRING_CARE_CACHE, else the user cache folder (~/.cache/hamstring-care/protocols
        on Linux).
        """
        given = self.environ.get(CACHE_VARIABLE)
        if given:
            return Path(given)
        import platformdirs

        return platformdirs.user_cache_path("hamstring-care") / "protocols"

    def config_folder(self) -> Path:
        """The user config folder (~/.config/hamstring-care on Linux): the cache's key.

        Outside the cache folder, and the same whatever --data-dir says (see source/cache.py).
        """
        import platformdirs

        return platformdirs.user_config_path(PROGRAM)

    def history_folder(self) -> Path:
        """Where the progress log lives: --data-dir, $HAMSTRING_CARE_DATA, the user data dir.

        Raises:
            UsageError: the folder cannot be looked into (a folder on the way that may not be
                entered, a name too long): one line for every command that uses it.
        """
        from hamstring_care.files import usable_folder
        from hamstring_care.history.folder import FILE_NAME, data_dir

        return usable_folder(data_dir(self.data_dir, self.environ), FILE_NAME, "data folder")

    def user_protocols(self) -> Path:
        """The user protocol folder, where `protocols new` writes: protocols/ in the data folder."""
        return self.history_folder() / "protocols"

    def progress_log(self) -> ProgressLog:
        """The progress log for writing; when it cannot be written, one warning and no saving."""
        from hamstring_care.history.log import ProgressLog

        return ProgressLog.open(self.history_folder(), self.warn, now=self.now, wall=self.recorded)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def print_stderr(line: str, style: str) -> None:
    """One line on standard error, control characters shown, never obeyed.

    In a terminal it wraps between words (never mid-word at the edge); elsewhere it stays one
    line, for a log or a script.
    """
    from rich.console import Console
    from rich.text import Text

    from hamstring_care.sanitize import visible

    console = Console(stderr=True, highlight=False)
    console.soft_wrap = not console.is_terminal
    console.print(Text(visible(line), style=style))


def output_closed() -> Any:
    """End quietly when the reader of standard output went away (``| head``)."""
    import contextlib

    # Python would report the failed flush at exit; point stdout at nothing first.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(ExitCode.OUTPUT_CLOSED)


def _stdout_console() -> Console:
    from rich.console import Console

    class OurConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1, our code for an internal error: use the closed-output code.
            self.quiet = True
            output_closed()

    return OurConsole(highlight=False)
