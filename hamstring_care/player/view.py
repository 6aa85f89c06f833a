"""What the player shows: one line per event (plain), or a live panel with a big countdown."""

from __future__ import annotations

import textwrap
from types import TracebackType
from typing import IO

from rich.align import Align
from rich.console import Console, Group, RenderableType
from rich.constrain import Constrain
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from hamstring_care.player.engine import Frame
from hamstring_care.player.timeline import Segment

# The key help, longest first: the widest that fits the panel's border is shown; those
# that leave keys out say how to see them all ("?").
KEY_HELPS = (
    "Space pause · n next · b back · +/- 5 s · s stop, it hurts · q quit",
    "Space pause · s stop, it hurts · q quit · ? all keys",
    "s stop, it hurts · q quit · ? keys",
    "s stop · q quit · ? keys",
)

# A 5-row block font, readable from the floor.
FONT = {
    "0": ["███", "█ █", "█ █", "█ █", "███"],
    "1": [" ██", "  █", "  █", "  █", "  █"],
    "2": ["███", "  █", "███", "█  ", "███"],
    "3": ["███", "  █", "███", "  █", "███"],
    "4": ["█ █", "█ █", "███", "  █", "  █"],
    "5": ["███", "█  ", "███", "  █", "███"],
    "6": ["███", "█  ", "███", "█ █", "███"],
    "7": ["███", "  █", "  █", "  █", "  █"],
    "8": ["███", "█ █", "███", "█ █", "███"],
    "9": ["███", "█ █", "███", "  █", "███"],
    ":": ["   ", " █ ", "   ", " █ ", "   "],
}


def clock_text(seconds: int) -> str:
    """``75`` -> ``1:15``; under a minute, just the seconds."""
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else str(seconds)


def left_text(seconds: int) -> str:
    """``29 s left`` or ``3:44 left``."""
    return f"{clock_text(seconds)}{'' if seconds >= 60 else ' s'} left"


def big(text: str) -> str:
    """Draw digits in the block font, five rows high (every row as wide as the others)."""
    return "\n".join("  ".join(FONT[c][row] for c in text) for row in range(5))


def big_block(text: str) -> RenderableType:
    """The big digits centred as one block, with a blank line above and below.

    Centred row by row, a row ending in spaces (the 5's "█  ") would lose them and move
    right: the block is centred whole, each row as wide as the widest.
    """
    digits = Text(big(text), style="bold", justify="left", no_wrap=True, end="")
    return Group(Text(), Align.center(digits), Text())


def time_marks(seconds: int) -> list[int]:
    """The seconds left at which plain mode says so.

    Every half minute, and 10 s before the end of a hold of 20 s or more (never at its very
    start).
    """
    marks = [left for left in range(30, seconds, 30) if seconds - left >= 5]
    return sorted({*marks, *([10] if seconds >= 20 else [])}, reverse=True)


class PlainView:
    """One line per event, no cursor movement: for screen readers, pipes and logs.

    The keys are listed once, before the first segment (``keys``: none when there is no
    keyboard), and the time left is said at fixed points (``time_marks``), not every second.
    """

    def __init__(self, out: IO[str], keys: str | None = None, width: int | None = None) -> None:
        self.out = out
        self.width = width
        """On a terminal, its width: lines wrap between words there, never mid-word. Pipes
        and logs (None) keep one line per event."""
        self.step_no = 0
        self.keys = keys
        self.marks: list[int] = []

    def frame(self, frame: Frame) -> None:
        """Say the time left when it passes one of the segment's marks."""
        said = [m for m in self.marks if frame.seconds_left <= m]
        if said:
            self.marks = [m for m in self.marks if m not in said]
            self.event(f"  {min(said)} s left")

    def segment(self, segment: Segment) -> None:
        """Announce a new segment on its own line.

        A new step also gets its instruction and cue, each on a line of its own: the live
        panel shows them, and a screen reader reads these.
        """
        if self.keys is not None:
            self.event(self.keys)
            self.keys = None
        self.marks = time_marks(segment.seconds) if segment.kind == "work" else []
        self.event(segment.describe())
        if segment.step_no != self.step_no and segment.kind in ("get_ready", "work"):
            self.step_no = segment.step_no
            self.event(f"  How: {segment.step.instruction}")
            if segment.step.cue:
                self.event(f"  Cue: {segment.step.cue}")

    def event(self, text: str) -> None:
        """Write the event on a line of its own (wrapped between words on a terminal)."""
        if self.width:
            indent = " " * (len(text) - len(text.lstrip()) + 2)
            text = "\n".join(
                textwrap.wrap(text, self.width - 1, subsequent_indent=indent,
                              break_on_hyphens=False) or [text]
            )  # fmt: skip
        self.out.write(text + "\n")
        self.out.flush()

    def clear(self) -> None:
        """Lines stay where they are written: nothing to clear."""


class LiveView:
    """A Rich live panel redrawn only when something changes (the loop calls it)."""

    def __init__(self, console: Console, title: str) -> None:
        self.console = console
        self.title = title
        self.message = ""
        self.last: Frame | None = None
        self.size: tuple[int, int] | None = None
        # Transient: once the routine ends the panel goes, and nothing stale stays on screen
        # (a question already answered, "1 s left" after the end); the summary line follows.
        self.live = Live(console=console, auto_refresh=False, transient=True)

    def __enter__(self) -> LiveView:
        self.live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.live.__exit__(kind, error, trace)

    def frame(self, frame: Frame) -> None:
        """Redraw with this frame."""
        self.last = frame
        self._update(frame)

    def segment(self, segment: Segment) -> None:
        """A new segment: the panel itself shows it, so clear the message line."""
        self.message = ""

    def event(self, text: str) -> None:
        """Show the event as the panel's message line."""
        self.message = text
        self._redraw()

    def clear(self) -> None:
        """The event is over: the message line goes."""
        self.message = ""
        self._redraw()

    def _redraw(self) -> None:
        if self.last is not None:
            self._update(self.last)

    def _update(self, frame: Frame) -> None:
        size = (self.console.size.width, self.console.size.height)
        if self.size is not None and size != self.size:
            # The terminal rewrapped the panel drawn at the old size: it now takes rows the
            # live display does not know of, which would stay above the new one. Start from a
            # clear screen instead.
            self.console.clear()
        self.size = size
        self.live.update(self.render(frame), refresh=True)

    def render(self, frame: Frame) -> RenderableType:
        """The richest panel that fits the terminal.

        Whatever the size, the panel shows the step, the time left, the question or message
        being asked, and the keys; with less room it leaves out, in turn, what comes next,
        the instruction, the big digits, the cue and the whole-routine bar.
        """
        width, height = self.console.size
        width = min(width, MAX_WIDTH)
        room = max(height - 1, 1)  # the line under the panel keeps the cursor
        for level in range(len(LEVELS)):
            panel = self._panel(frame, LEVELS[level], width)
            lines = self.console.render_lines(panel, self.console.options.update(width=width))
            if len(lines) <= room:
                return panel
        return panel

    def _panel(self, frame: Frame, shown: frozenset[str], width: int) -> RenderableType:
        seg = frame.segment
        steps = max(s.step_no for s in frame.segments)
        heading = Text()
        if seg.side and seg.kind != "switch_sides":
            heading.append(f" {seg.side_label.upper()} ", style="bold reverse")
            heading.append("  ")
        heading.append(seg.heading, style="bold")
        count = clock_text(frame.seconds_left)
        if "big" not in shown:
            heading.append(f"   {left_text(frame.seconds_left)}", style="bold")
        parts: list[RenderableType] = [heading]
        if "instruction" in shown and seg.kind == "work":
            parts.append(Text(seg.step.instruction, style="dim"))
        if "big" in shown:
            parts.append(big_block(count))
        if "cue" in shown and seg.kind == "work" and seg.step.cue:
            parts.append(Text(f"Cue: {seg.step.cue}", style="italic"))
        hint = frame.hint or seg.move_on_hint
        if frame.range_reached and self.message in ("", hint):
            parts.append(Text(hint, style="bold green"))
        elif self.message:
            parts.append(Text(self.message, style="bold yellow"))
        bars = Table.grid(padding=(0, 1), expand=True)
        bars.add_column(no_wrap=True)
        bars.add_column(ratio=1)
        bars.add_column(no_wrap=True, justify="right")
        bars.add_row(
            "Step",
            ProgressBar(total=1.0, completed=frame.segment_fraction),
            left_text(frame.seconds_left),
        )
        if "all" in shown:
            done = frame.routine_total - frame.routine_left
            bars.add_row(
                "All",
                ProgressBar(total=max(frame.routine_total, 1), completed=done),
                left_text(frame.routine_left),
            )
        parts.append(bars)
        if "next" in shown and frame.next_up is not None:
            parts.append(Text(f"Next: {frame.next_up.describe()}", style="dim"))
        keys = next((k for k in KEY_HELPS if len(k) + 6 <= width), KEY_HELPS[-1])
        title = f"{self.title} · step {seg.step_no} of {steps}"
        panel = Panel(
            Group(*parts),
            title=Text(title if len(title) + 6 <= width else f"Step {seg.step_no} of {steps}"),
            subtitle=Text(keys, style="dim"),
            border_style="cyan",
        )
        return Constrain(panel, width)


MAX_WIDTH = 100  # the panel stops growing here: wider lines are hard to read across

EVERYTHING = frozenset({"next", "instruction", "big", "cue", "all"})
LEVELS: tuple[frozenset[str], ...] = (
    EVERYTHING,
    EVERYTHING - {"next"},
    EVERYTHING - {"next", "instruction"},
    EVERYTHING - {"next", "instruction", "big"},
    EVERYTHING - {"next", "instruction", "big", "cue"},
    frozenset(),
)
"""What the panel shows, from the most to the least room."""
