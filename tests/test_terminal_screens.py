"""Issue 28 in a real terminal, as a new user sees it: what is on the screen at 60x18, 80x24
and 120x40 (an emulated screen, pyte, fed with every byte the program writes)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time

import pexpect
import pytest

from tests.terminal_driver import (
    BUNDLED_GRADUAL,
    DOWN,
    ENTER,
    NONE_OF_THESE,
    Screen,
    answer,
    settle,
    spawn_run,
    spawn_sized,
)

SIZES = [(18, 60), (24, 80), (40, 120)]


@pytest.mark.parametrize(("rows", "columns"), SIZES)
def test_the_notice_stays_in_sight_above_the_warning_signs(tmp_path, rows, columns):
    """The checklist pushed the notice ("a self-care guide, not a diagnosis") off the top at
    80x24, and at 60x18 the whole of it: the list now scrolls below it."""
    child, screen = spawn_sized(tmp_path, rows, columns, NO_COLOR="1")
    child.expect("Space to tick")
    settle(child)
    words = screen.words()
    assert "self-care guide, not a diagnosis" in words
    assert "call your local emergency number" in words
    assert "Numb genitals" in words  # the first warning sign, under it
    child.send(NONE_OF_THESE)
    child.expect("How old are you?")
    child.sendcontrol("c")
    settle(child)


def test_answers_stay_on_screen_wrapped_between_words(tmp_path):
    """The terminal cut questionary's answer line mid-word ("Ge / tting better", "E / nter
    when done"); each answer is now said again wrapped between words."""
    child, screen = spawn_sized(tmp_path, 24, 80, NO_COLOR="1")
    answer(
        child,
        [
            ("Do any of these apply", NONE_OF_THESE),
            ("How old are you?", "35" + ENTER),
            ("Do any of these apply to you?", NONE_OF_THESE),
            ("How did the pain start?", ENTER),
            ("did you feel or hear a pop", DOWN + ENTER),
            ("How many days ago", "5" + ENTER),
            ("getting better", ENTER),
            ("Where is the pain mostly?", ""),
        ],
    )
    settle(child)
    lines = screen.lines
    assert any(line.endswith("Getting better") for line in lines), screen.text
    assert any(
        "Suddenly, at a moment I can name (a sprint, a kick, a slip)" in line for line in lines
    )
    assert not any(re.match(r"\s*(tting|nter|se arrow|lip\))", line) for line in lines), screen.text
    child.sendcontrol("c")
    settle(child)


GRADUAL_TO_RESULT = [("Do any of these apply", NONE_OF_THESE), *BUNDLED_GRADUAL]


@pytest.mark.parametrize(("rows", "columns"), SIZES)
def test_the_result_stays_in_sight_and_the_steps_go_to_the_pager(tmp_path, rows, columns):
    """The self-care result was ~110 lines up, under the routine's table: the table is now
    read on request, in the pager (PAGER honoured), and the result is on screen before it
    and after it."""
    paged = tmp_path / "paged.txt"
    child, screen = spawn_sized(tmp_path, rows, columns, NO_COLOR="1", PAGER=f"cat > {paged}")
    answer(child, GRADUAL_TO_RESULT)
    child.expect("first\\?")
    settle(child)
    assert "SELF-CARE: ROUTINE" in screen.words(), screen.text
    assert "foam roller and ball routine" in screen.words()
    child.send("y")
    child.expect("Which leg hurts?")
    settle(child)
    assert "Roll the back of the thigh" in paged.read_text(encoding="utf-8")
    assert "Roll the back of the thigh" not in screen.words()
    assert "SELF-CARE: ROUTINE" in screen.words(), screen.text
    child.sendcontrol("c")
    settle(child)


@pytest.mark.parametrize(("rows", "columns"), SIZES)
def test_an_emergency_ends_with_what_to_do_on_screen(tmp_path, rows, columns):
    child, screen = spawn_sized(tmp_path, rows, columns, NO_COLOR="1")
    answer(child, [("Do any of these apply", " " + ENTER)])  # the first sign: numb genitals
    child.expect(pexpect.EOF)
    words = screen.words()
    assert "EMERGENCY" in words and "Get emergency care now" in words, screen.text
    assert "Call your local emergency number" in words


def spawn_run_on_screen(tmp_path, *args: str) -> tuple[pexpect.spawn, Screen]:
    child = spawn_run(tmp_path, *args)
    screen = Screen(24, 80)
    child.logfile_read = screen
    return child, screen


def test_nothing_stale_stays_once_the_routine_ends(tmp_path):
    """Issue 28: the frozen last frame kept "Quit the routine? ..." after quitting, and
    "1 s left" after the end."""
    child, screen = spawn_run_on_screen(tmp_path, "--count-in", "1")
    answer(child, [("pain now", "4" + ENTER), ("Press a spot", "q"), ("Quit the routine?", "y")])
    child.expect("How is the pain now")
    settle(child)
    words = screen.words()
    assert "Quit the routine?" not in words and "s left" not in words, screen.text
    # The answer said again after the question, not after how to skip it.
    assert "pain now, 0 (none) to 10 (worst)? 4" in words and "skip 4" not in words, words
    child.send(ENTER)
    child.expect(pexpect.EOF)
    assert "Stopped early:" in screen.words()


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux: it rewraps on resize")
def test_a_resize_leaves_nothing_above_the_panel(tmp_path):
    """Issue 28: after a resize from 40x12 to 80x24, pieces of old panels stayed above the
    live one. A real terminal rewraps what is on screen when it is resized (pyte does not),
    so this one runs in tmux, on a server of its own."""
    from tests.conftest import ROOT

    tmux = ["tmux", "-L", f"hamstring-care-test-{os.getpid()}", "-f", "/dev/null"]
    program = [sys.executable, "-m", "hamstring_care", "--protocols-dir",
               str(ROOT / "tests" / "protocols"), "run", "waits", "--count-in", "1"]  # fmt: skip
    environ = {**os.environ, "HOME": str(tmp_path), "TERM": "xterm-256color"}
    environ.update({"HAMSTRING_CARE_SPEED": "4", "PROMPT_TOOLKIT_NO_CPR": "1"})
    for name in ("NO_COLOR", "COLUMNS", "LINES"):  # the size is the terminal's own
        environ.pop(name, None)

    def shown() -> str:
        return subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "run"], capture_output=True, text=True
        ).stdout

    def wait_for(text: str) -> None:
        for _ in range(100):
            if text in shown():
                return
            time.sleep(0.2)
        raise AssertionError(f"never shown: {text}\n{shown()}")

    command = " ".join(shlex.quote(part) for part in [*program]) + "; sleep 60"
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "run", "-x", "80", "-y", "24", command],
        env=environ, check=True,
    )  # fmt: skip
    try:
        wait_for("pain now")
        subprocess.run([*tmux, "send-keys", "-t", "run", "Enter"], check=True)
        wait_for("Press a spot")
        for columns, rows in [(40, 12), (80, 24), (120, 40), (80, 24)]:
            subprocess.run(
                [*tmux, "resize-window", "-t", "run", "-x", str(columns), "-y", str(rows)],
                check=True,
            )
            time.sleep(1.5)
        lines = shown().splitlines()
        top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
        assert not any(line.strip() for line in lines[:top]), "\n".join(lines)
        assert sum(line.startswith("╭") for line in lines) == 1
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
