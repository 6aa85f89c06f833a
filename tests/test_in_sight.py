"""Issue 28, defect 1: whatever the terminal's size, the last screen shows the level and
what to do now; long text (a routine's steps, guidance) is read on request, in a pager."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from tests.conftest import CALM_ANSWERS
from tests.fakes import ScriptedAsker, invoke_with, make_env

SIZES = [(60, 18), (80, 24), (120, 40)]
SUDDEN = {**CALM_ANSWERS, "onset": "sudden", "felt_pop": "no", "strained_before": "no"}
RESULTS = {
    "emergency": ({"red_flags": ["saddle_numbness"]}, "EMERGENCY", "Get emergency care now"),
    "urgent": ({"red_flags": ["pop_at_sit_bone"]}, "URGENT", "See a clinician today"),
    "rice": ({**SUDDEN, "days_since_onset": 1}, "SELF-CARE: RICE", "Follow the RICE guidance"),
    "self_massage": (
        {**SUDDEN, "days_since_onset": 5, "trend": "better"},
        "SELF-CARE: ROUTINE",
        "Self-care: foam roller and ball routine",
    ),
}


def terminal_env(width: int, height: int, **answers):
    """The check on a terminal of this size: Rich draws its panels, as a person sees them."""
    console = Console(
        file=io.StringIO(), width=width, height=height, force_terminal=True, color_system=None
    )
    env = make_env(console=console, prompter=ScriptedAsker(answers))
    env.stdout_isatty = True
    env.environ = {"TERM": "xterm-256color", "HAMSTRING_CARE_DATA": "unused"}
    return env, console


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("level", list(RESULTS))
def test_the_last_screen_shows_the_level_and_what_to_do_now(tmp_path, width, height, level):
    answers, label, title = RESULTS[level]
    env, console = terminal_env(width, height, **answers)
    env.data_dir = tmp_path
    assert invoke_with(env, "--data-dir", str(tmp_path), "start").exit_code == 0
    shown = console.file.getvalue().split("Start it later with:")[0].splitlines()
    # (cut where the answers to the next questions begin to show.) What a screen of this height shows once the last line is printed, leaving the bottom
    # rows for the question that comes next (the routine's, here answered by a fake).
    last = " ".join(" ".join(line.strip("│ ").split()) for line in shown[-(height - 6) :])
    assert label in last, "\n".join(shown[-height:])
    assert title in last, "\n".join(shown[-height:])


def test_a_routines_steps_are_read_on_request_not_under_the_result(tmp_path):
    answers, _, _ = RESULTS["self_massage"]
    env, console = terminal_env(80, 24, **answers)
    assert invoke_with(env, "--data-dir", str(tmp_path), "start").exit_code == 0
    shown = console.file.getvalue()
    assert "SELF-CARE: ROUTINE" in shown
    assert "Roll the back of the thigh" not in shown  # declined: the fake reads nothing
    asked = env.prompter.asked
    assert (
        "confirm: Read the 6 steps of “Foam roller and ball self-massage” first? (in a pager: q comes back here)"
        in asked
    )


def test_only_saved_advice_is_pointed_to_again(tmp_path):
    """The check's advice is saved, so `advice` reads it again; a triage from a file is not."""
    import yaml

    answers, _, _ = RESULTS["self_massage"]
    env, console = terminal_env(80, 24, **answers)
    assert invoke_with(env, "--data-dir", str(tmp_path), "start").exit_code == 0
    assert "Why, and the sources: above. Read it all again:" in console.file.getvalue()

    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    env, console = terminal_env(80, 24)
    assert (
        invoke_with(env, "--data-dir", str(tmp_path), "triage", "--answers", str(path)).exit_code
        == 0
    )
    shown = console.file.getvalue()
    assert "Why, and the sources: above." in shown  # the level and what to do now, again
    assert "Read it all again" not in shown and "advice" not in shown.split("above.")[-1]


@pytest.mark.parametrize("width", [60, 80, 120])
def test_the_answers_before_the_result_use_the_terminals_width(width):
    from hamstring_care.flows.check import review
    from hamstring_care.source.library import Library, bundled_dir

    protocol = Library([bundled_dir()]).triage()
    shown: list[str] = []

    class Reading:
        """Reads the review's lines, then keeps the answers."""

        def choose(self, message, options, default=None, key=None):
            shown.extend(label for label, _ in options[1:])
            return default

    answers = {"onset": "gradual", "trend": "better", "pain_at_rest": 2}
    review(protocol, Reading(), answers, width=width)  # type: ignore[arg-type]
    assert len(shown) == 3
    assert all(len(line) <= max(54, width - 6) for line in shown), shown  # one line each
    if width == 120:  # the questions and answers whole
        assert not any(line.endswith("…") for line in shown), shown
        assert any("Since it started, is it getting better" in line for line in shown), shown
    if width == 60:
        assert any(line.endswith("…") for line in shown), shown  # the smallest: shortened
