"""End to end in a real pseudo-terminal: the real prompts, answered as a user would."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from hamstring_care import messages
from tests.terminal_driver import (
    CTRL_C,
    DOWN,
    ENTER,
    GRADUAL,
    NONE_OF_THESE,
    SPACE,
    WARNING_SIGNS,
    answer,
    finish,
    spawn_check,
    spawn_run,
)

SUDDEN_YESTERDAY = [  # the small triage: a strain yesterday, no pop, mid-thigh, pain 2
    ("How old are you?", "35" + ENTER),
    ("Test risks", NONE_OF_THESE),
    ("How did the pain start?", ENTER),
    ("Did you feel a pop?", DOWN + ENTER),
    ("How many days ago", "1" + ENTER),
    ("Where is the pain?", DOWN + ENTER),
    ("Pain at rest", "2" + ENTER),
    ("Can you walk without pain?", ENTER),
    ("Before the result, your answers", ENTER),  # the review: they are right
]
LUMP = DOWN * 2 + SPACE + ENTER  # the third sign: the small triage's clinician sign

ROUTES = {
    "emergency": ([(WARNING_SIGNS, SPACE + ENTER)], "Test emergency title"),
    "urgent": ([(WARNING_SIGNS, DOWN + SPACE + ENTER)], "Test urgent title"),
    "clinician": ([(WARNING_SIGNS, LUMP), *GRADUAL], "Test lump title"),
    "rice": (
        [
            (WARNING_SIGNS, NONE_OF_THESE),
            *SUDDEN_YESTERDAY,
            ("Read “Test guidance” now?", "y"),
        ],
        "Test advice one.",
    ),
    "self_massage": (
        [
            (WARNING_SIGNS, NONE_OF_THESE),
            *GRADUAL,
            ("Read the 4 steps of “Roll and press” first?", "y"),
            ("Roll the thigh", ""),  # in the pager (here, PAGER=cat)
            ("Which leg hurts?", ENTER),  # right, the first choice
            ("Start “Roll and press” now (right leg)?", "n"),
            ("run roll-and-press --side right", ""),  # how to come back to it
            ("Read the 1 step of “Test stretch” first?", "n"),
            ("Start “Test stretch” now (right leg)?", "n"),
        ],
        messages.start_later("hamstring-care", "stretch", "right"),
    ),
}


@pytest.mark.parametrize("disposition", list(ROUTES))
def test_guided_flow_reaches_each_disposition(tmp_path, disposition):
    steps, expected = ROUTES[disposition]
    child = spawn_check(tmp_path, NO_COLOR="1")
    answer(child, [("not a diagnosis", ""), *steps])
    output, status = finish(child)
    assert status == 0, output
    assert expected in output


def test_stop_it_hurts_ends_self_care(tmp_path):
    """After "stop, it hurts" routes to RICE, the stretch is neither offered nor played."""
    child = spawn_check(tmp_path, NO_COLOR="1")
    steps = [
        (WARNING_SIGNS, NONE_OF_THESE),
        *GRADUAL,
        ("first?", "n"),  # reading the steps
        ("Which leg hurts?", DOWN + DOWN + ENTER),  # both legs
        ("Start “Roll and press” now (both legs)?", "y"),
        ("pain now", "3" + ENTER),
        ("Get ready", "s"),
        ("Test stop: sharp, tingling or a pop?", "1"),
        ("How is the pain now", "5" + ENTER),
    ]
    answer(child, [("not a diagnosis", ""), *steps])
    child.expect(re.escape(messages.STOPPED_HURT))
    child.expect("Test rice title")
    # Wrapped between words wherever the terminal's width falls.
    child.expect(r"No\s+more\s+routines\s+until\s+a\s+new\s+check\s+allows\s+them")
    child.expect(r"Read\s+this\s+advice\s+again\s+with:")
    child.expect("hamstring-care advice")
    child.expect("hamstring-care protocols show rice")
    output, status = finish(child)
    assert status == 0, output
    assert "Test stretch” now?" not in output


def test_ctrl_c_mid_flow_says_stopped(tmp_path):
    child = spawn_check(tmp_path)
    answer(child, [(WARNING_SIGNS, NONE_OF_THESE), ("How old are you?", CTRL_C)])
    output, status = finish(child)
    assert status == 130
    assert "Stopped." in output
    assert "Traceback" not in output


def test_no_color_means_no_colour_codes(tmp_path):
    child = spawn_check(tmp_path, NO_COLOR="1")
    answer(child, [(WARNING_SIGNS, SPACE + ENTER)])
    output, _ = finish(child)
    assert re.search(r"\x1b\[[0-9;]*3[0-9](;|m)", output) is None
    coloured = spawn_check(tmp_path)
    answer(coloured, [(WARNING_SIGNS, SPACE + ENTER)])
    assert re.search(r"\x1b\[[0-9;]*3[0-9](;|m)", finish(coloured)[0])


def test_no_terminal_on_stdin(tmp_path, small_protocols):
    result = subprocess.run(
        [sys.executable, "-m", "hamstring_care"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "hamstring-care triage --answers FILE" in result.stderr


def test_run_a_routine_with_keys(tmp_path):
    child = spawn_run(tmp_path, "--count-in", "1")
    answer(child, [("pain now", "4" + ENTER), ("Get ready", ENTER), ("RIGHT LEG", " ")])
    child.expect("Paused. Space to resume.")
    child.send(" ")
    child.expect("Resuming in")
    child.expect("Press a spot")
    child.expect("Move on when the tenderness eases")
    child.send(ENTER)
    answer(child, [("How is the pain now", "2" + ENTER)])
    child.expect(r"Done: \d+ of \d+ steps? in 0:\d\d\. Pain 4 -> 2\.")
    assert finish(child)[1] == 0


def test_run_quit_and_ctrl_c(tmp_path):
    child = spawn_run(tmp_path, "--count-in", "3")
    answer(
        child,
        [
            ("pain now", ENTER),
            ("Get ready", "q"),
            ("Quit the routine?", "y"),
            ("How is the pain now", ENTER),
        ],
    )
    child.expect(re.escape(messages.STOPPED_EARLY))
    assert finish(child)[1] == 0
    child = spawn_run(tmp_path, "--count-in", "3")
    answer(child, [("pain now", ENTER), ("Get ready", CTRL_C)])
    output, status = finish(child)
    assert status == 130
    assert "Stopped." in output


def test_run_a_plan_in_the_terminal(tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("protocols:\n  - id: rice\n  - id: quick\n    side: left\n    hold: 1\n")
    child = spawn_run(tmp_path, "--plan", str(plan), "--count-in", "1", routine=())
    child.expect("read it with hamstring-care protocols show rice")
    answer(child, [("pain now", "3" + ENTER), ("LEFT LEG", "")])
    child.expect("Press a spot")
    answer(child, [("How is the pain now", "1" + ENTER)])
    child.expect(r"Done: \d+ of \d+ steps? in 0:0\d\. Pain 3 -> 1\.")
    output, status = finish(child)
    assert status == 0
    assert "RIGHT LEG" not in output
