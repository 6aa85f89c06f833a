"""End to end in a real pseudo-terminal: the real prompts, answered as a user would."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pexpect
import pytest

UP, DOWN, ENTER, SPACE, CTRL_C = "\x1b[A", "\x1b[B", "\r", " ", "\x03"
NONE_OF_THESE = UP + SPACE + ENTER  # "None of these" is the last choice; Up wraps to it


def spawn(tmp_path, **env) -> pexpect.spawn:
    environ = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "COLUMNS": "100",
        # A real terminal answers prompt_toolkit's cursor-position requests; pexpect does not,
        # and each unanswered request costs a one-second wait when a prompt closes.
        "PROMPT_TOOLKIT_NO_CPR": "1",
        **env,
    }
    environ.pop("HAMSTRING_CARE_PROTOCOLS", None)
    if "NO_COLOR" not in env:
        environ.pop("NO_COLOR", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "hamstring_care"],
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


QUESTIONS = [
    "How did the pain start?",
    "How many days ago",
    "Where is the pain mostly?",
    "how bad is the pain",
    "Can you walk without pain?",
    "stand up from a chair",
]

ROUTES = {
    "emergency": ([("Do any of these apply", SPACE + ENTER)], "Get emergency care now"),
    "urgent": ([("Do any of these apply", DOWN * 5 + SPACE + ENTER)], "See a clinician today"),
    "clinician": (
        [
            ("Do any of these apply", UP + UP + SPACE + ENTER),
            *zip(
                QUESTIONS,
                [ENTER, "20" + ENTER, DOWN + ENTER, "2" + ENTER, ENTER, ENTER],
                strict=True,
            ),
        ],
        "Book a clinician within the next week or two",
    ),
    "rice": (
        [
            ("Do any of these apply", NONE_OF_THESE),
            *zip(
                QUESTIONS,
                [ENTER, "1" + ENTER, DOWN + ENTER, "2" + ENTER, ENTER, ENTER],
                strict=True,
            ),
        ],
        "Avoid for the first 72 hours",
    ),
    "self_massage": (
        [
            ("Do any of these apply", NONE_OF_THESE),
            *zip(
                QUESTIONS,
                [DOWN + ENTER, "30" + ENTER, DOWN + ENTER, "2" + ENTER, ENTER, ENTER],
                strict=True,
            ),
            ("Roll the back of the thigh", ""),
            ("Start “Foam roller and ball self-massage” now?", "n"),
            ("Start “Hamstring stretch” now?", "n"),
        ],
        "",  # the routine's steps were waited for above
    ),
}


@pytest.mark.parametrize("disposition", list(ROUTES))
def test_guided_flow_reaches_each_disposition(tmp_path, disposition):
    steps, expected = ROUTES[disposition]
    child = spawn(tmp_path, NO_COLOR="1")
    answer(child, [("not a diagnosis", ""), *steps])
    output, status = finish(child)
    assert status == 0, output
    assert expected in output


def test_ctrl_c_mid_flow_says_stopped(tmp_path):
    child = spawn(tmp_path)
    answer(child, [("Do any of these apply", NONE_OF_THESE), ("How did the pain start?", CTRL_C)])
    output, status = finish(child)
    assert status == 130
    assert "Stopped." in output
    assert "Traceback" not in output


def test_no_color_means_no_colour_codes(tmp_path):
    child = spawn(tmp_path, NO_COLOR="1")
    answer(child, [("Do any of these apply", SPACE + ENTER)])
    output, _ = finish(child)
    assert re.search(r"\x1b\[[0-9;]*3[0-9](;|m)", output) is None
    coloured = spawn(tmp_path)
    answer(coloured, [("Do any of these apply", SPACE + ENTER)])
    assert re.search(r"\x1b\[[0-9;]*3[0-9](;|m)", finish(coloured)[0])


def test_no_terminal_on_stdin(tmp_path):
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


def spawn_run(tmp_path, *args: str, routine: tuple[str, ...] = ("quick",)) -> pexpect.spawn:
    from tests.conftest import ROOT

    quick = str(ROOT / "tests" / "protocols")
    environ = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "PROMPT_TOOLKIT_NO_CPR": "1",
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
    child.expect(r"Done: \d+ of \d+ parts done in 0:\d\d\. Pain 4 -> 2\.")
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
    child.expect("Stopped early")
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
    child.expect(r"Done: 4 of 4 parts done in 0:0\d\. Pain 3 -> 1\.")
    output, status = finish(child)
    assert status == 0
    assert "RIGHT LEG" not in output
