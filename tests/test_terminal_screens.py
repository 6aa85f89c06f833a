"""Issue 28 in a real terminal, as a new user sees it: what is on the screen at 60x18, 80x24
and 120x40 (an emulated screen, pyte, fed with every byte the program writes)."""

from __future__ import annotations

import re

import pexpect
import pytest

from tests.terminal_driver import DOWN, ENTER, NONE_OF_THESE, answer, settle, spawn_sized

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


GRADUAL_TO_RESULT = [
    ("Do any of these apply", NONE_OF_THESE),
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
