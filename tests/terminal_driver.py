"""Driving the program in a real pseudo-terminal (pexpect): keys, prompts, the answers."""

from __future__ import annotations

import os
import re
import sys

import pexpect

UP, DOWN, ENTER, SPACE, CTRL_C = "\x1b[A", "\x1b[B", "\r", " ", "\x03"
NONE_OF_THESE = UP + SPACE + ENTER  # "None of these" is the last choice; Up wraps to it


def spawn(tmp_path, *args: str, **env) -> pexpect.spawn:
    """The program in a pseudo-terminal: the guided check, or the command ``args`` name."""
    environ = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "COLUMNS": "100",
        # A real terminal answers prompt_toolkit's cursor-position requests; pexpect does not,
        # and each unanswered request costs a one-second wait when a prompt closes.
        "PROMPT_TOOLKIT_NO_CPR": "1",
        # These tests are about the questions and results, not time: routines play 20x faster.
        "HAMSTRING_CARE_SPEED": "20",
        **env,
    }
    environ.pop("HAMSTRING_CARE_PROTOCOLS", None)
    if "NO_COLOR" not in env:
        environ.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "hamstring_care", *args],
        env=environ,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=20,
    )


def answer(child: pexpect.spawn, steps: list[tuple[str, str]]) -> None:
    """For each (prompt text, keys): wait for the prompt, then type the keys."""
    for prompt, keys in steps:
        child.expect(re.escape(prompt))
        child.send(keys)


def finish(child: pexpect.spawn) -> tuple[str, int]:
    child.expect(pexpect.EOF)
    child.close()
    return child.before, child.exitstatus


def spawn_check(tmp_path, **env) -> pexpect.spawn:
    """The guided check in a pseudo-terminal, on the suite's own protocols (tests/protocols)."""
    from tests.fixtures import SMALL

    return spawn(tmp_path, "--protocols-dir", str(SMALL), **env)


WARNING_SIGNS = "Test warning signs"  # the small triage's checklist, asked first
GRADUAL = [  # (prompt, keys), the small triage: 35, no risk, gradual for 30 days, mid-thigh, 2
    ("How old are you?", "35" + ENTER),
    ("Test risks", NONE_OF_THESE),
    ("How did the pain start?", DOWN + ENTER),
    ("How many days ago", "30" + ENTER),
    ("Where is the pain?", DOWN + ENTER),
    ("Pain at rest", "2" + ENTER),
    ("Can you walk without pain?", ENTER),
    ("Before the result, your answers", ENTER),  # the review: they are right
]


BUNDLED_GRADUAL = [  # the same answers to the bundled triage, for the tests about the real tool
    ("How old are you?", "35" + ENTER),
    ("Do any of these apply to you?", NONE_OF_THESE),
    ("How did the pain start?", DOWN + ENTER),
    ("How many days ago", "30" + ENTER),
    ("getting better", DOWN + ENTER),
    ("Where is the pain mostly?", DOWN + ENTER),
    ("low back pain too", DOWN + ENTER),
    ("how bad is the pain", "2" + ENTER),
    ("Can you walk without pain?", ENTER),
    ("stand up from a chair", ENTER),
    ("Before the result, your answers", ENTER),
]


def spawn_run(
    tmp_path, *args: str, routine: tuple[str, ...] = ("waits",), speed: int = 4
) -> pexpect.spawn:
    """``hamstring-care run`` in a pseudo-terminal, played ``speed`` times faster than real
    time (HAMSTRING_CARE_SPEED): the keys and screens are the same, the waits shorter.

    The default routine, ``waits``, ends on a range hold of up to 10 minutes, so a test waits
    for what the screen shows, never for a time window (a loaded machine may be slow)."""
    from tests.conftest import ROOT

    quick = str(ROOT / "tests" / "protocols")
    environ = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "HAMSTRING_CARE_SPEED": str(speed),
    }
    environ.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "hamstring_care", "--protocols-dir", quick, "run", *routine, *args],
        env=environ,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=20,
    )
