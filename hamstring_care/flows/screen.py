"""What stays in sight on a terminal: a result's level and what to do now, long text paged.

A result panel can be taller than the screen (a self-care result with its sources is some
30 rows; 24 is a common terminal): the last screen must still show the level and what to do
now. So the full panel is printed (it stays in the scrollback and a screen reader reads it),
and when it does not fit with room to spare, the level and what to do now follow it on
their own. Long text a person may want (a routine's steps, the RICE guidance) goes behind a
question and into a pager that honours ``PAGER``, never in front of the result. Plain output
(pipes, ``TERM=dumb``, ``--plain``) is plain text in reading order and never paged.
"""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

from rich.pager import Pager as RichPager

from hamstring_care.render.terminal import block_view, now_statements, result_now, result_view
from hamstring_care.render.text import block_text, result_text

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from hamstring_care.context import Environment
    from hamstring_care.render.content import Block, ResultContent

ROOM = 8
"""Rows kept free under a result for what follows it: a question with its choices."""


def rows(console: Console, renderable: RenderableType) -> int:
    """How many rows ``renderable`` takes on this console."""
    return len(console.render_lines(renderable, pad=False))


def show_result(env: Environment, content: ResultContent, *, plain: bool | None = None) -> int:
    """Print a result in full (plain text, or its panel); returns the rows it took.

    ``plain`` (default: plain output, see ``Environment.plain_text``) asks for plain text.
    """
    console = env.out()
    if env.plain_text if plain is None else plain:
        console.print(result_text(content), markup=False)
        return 0
    panel = result_view(content)
    console.print(panel)
    return rows(console, panel)


def keep_in_sight(
    env: Environment,
    content: ResultContent,
    printed: int,
    *,
    plain: bool | None = None,
    saved: bool = True,
) -> None:
    """The level and what to do now again, on their own, when needed.

    ``printed``: the rows of the result and of what came after it. When the screen cannot
    show them with room for what follows, the level and what to do now follow on their own,
    with as many of the things to do as fit (the first ones). ``saved``: the advice is in the
    history, so `advice` reads it again (a triage from a file is never saved).
    """
    console = env.out()
    if (env.plain_text if plain is None else plain) or printed + ROOM <= console.height:
        return
    note = "Why, and the sources: above."
    if saved:
        note += f" Read it all again: {env.program} advice"
    room = console.height - ROOM
    panel = result_now(content, note)
    for most in range(len(now_statements(content)) - 1, 0, -1):
        if rows(console, panel) <= room:
            break
        panel = result_now(content, note, most)
    console.print(panel)


def page(env: Environment, block: Block) -> None:
    """A protocol's text in a pager (``PAGER``, else ``less``) on a terminal.

    Elsewhere, and in plain output (no boxes for a screen reader), printed as plain text.
    """
    console = env.out()
    if env.plain_text:
        console.print(block_text(block, console.width), markup=False)
        return
    with console.pager(pager=Pager(console), styles=True):
        console.print(block_view(block))


class Pager(RichPager):
    """Rich's pager, run as git and gh run theirs.

    ``PAGER`` through the shell, else ``less`` with ``LESS=R`` (colours kept, the screen
    given back when it closes). When the pager cannot be started, the text is printed.
    """

    def __init__(self, console: Console) -> None:
        self.console = console

    def show(self, content: str) -> None:
        """Show ``content`` in the pager, or print it."""
        command = os.environ.get("PAGER", "").strip() or "less"
        environ = {**os.environ}
        environ.setdefault("LESS", "R")
        try:
            # The user's own PAGER, through the shell, as git runs it.
            done = subprocess.run(command, shell=True, input=content.encode(), env=environ)
        except OSError:
            done = None
        if done is None or done.returncode == 127:  # no such command
            self.console.file.write(content)
            self.console.file.flush()
