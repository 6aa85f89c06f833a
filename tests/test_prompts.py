"""The questionary prompts, driven through prompt_toolkit's pipe input."""

from __future__ import annotations

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from hamstring_care.errors import Interrupted
from hamstring_care.prompts import Prompter

UP, DOWN, ENTER, SPACE, CTRL_C = "\x1b[A", "\x1b[B", "\r", " ", "\x03"


def ask(keys: str, call):
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        return call(Prompter(input=pipe, output=DummyOutput()))


def question(small_triage, qid):
    return small_triage.question(qid)


def test_none_of_these_gives_an_empty_list(small_triage):
    screen = small_triage.red_flags
    assert ask(UP + SPACE + ENTER, lambda p: p.red_flags(screen)) == []


def test_ticked_flags_come_back_as_ids(small_triage):
    screen = small_triage.red_flags
    keys = SPACE + DOWN + SPACE + ENTER
    assert ask(keys, lambda p: p.red_flags(screen)) == ["numb_saddle", "calf_swollen"]


def test_enter_with_nothing_ticked_is_refused(small_triage):
    screen = small_triage.red_flags
    # The first Enter is refused by validation; then tick "not sure" (just above "none").
    keys = ENTER + UP + UP + SPACE + ENTER
    assert ask(keys, lambda p: p.red_flags(screen)) == ["not_sure"]


def test_none_with_other_ticks_is_refused(small_triage):
    screen = small_triage.red_flags
    keys = SPACE + UP + SPACE + ENTER + SPACE + ENTER  # tick first + none: refused; untick none
    assert ask(keys, lambda p: p.red_flags(screen)) == ["numb_saddle"]


def test_choice_question(small_triage):
    q = question(small_triage, "pain_location")
    assert ask(DOWN + DOWN + ENTER, lambda p: p.question(q)) == "back_of_knee"


def test_yes_no_not_sure(small_triage):
    q = question(small_triage, "can_walk_without_pain")
    assert ask(ENTER, lambda p: p.question(q)) == "yes"
    assert ask(DOWN + DOWN + ENTER, lambda p: p.question(q)) == "not_sure"


def test_number_refuses_text_and_out_of_range(small_triage):
    q = question(small_triage, "pain_at_rest")
    keys = "abc" + ENTER + "\b\b\b" + "11" + ENTER + "\b\b" + " 7 " + ENTER
    assert ask(keys, lambda p: p.question(q)) == 7


def test_ctrl_c_is_interrupted(small_triage):
    q = question(small_triage, "onset")
    with pytest.raises(Interrupted):
        ask(CTRL_C, lambda p: p.question(q))


def test_closed_input_is_interrupted(small_triage):
    q = question(small_triage, "days_since_onset")
    with create_pipe_input() as pipe:
        pipe.send_text("4")
        pipe.close()
        with pytest.raises(Interrupted):
            Prompter(input=pipe, output=DummyOutput()).question(q)


def test_long_labels_wrap_at_word_boundaries_never_cut():
    from hamstring_care.prompts import fit

    text = "Numb genitals, buttocks or anus, or new trouble with bladder or bowels"
    wrapped = fit(text, 5, width=40)
    lines = wrapped.split("\n")
    assert len(lines) == 3
    assert all(5 + len(line.strip()) < 40 for line in lines)
    assert " ".join(line.strip() for line in lines) == text
    assert all(line.startswith(" " * 5) for line in lines[1:])
    assert fit(text, 5, width=120) == text


ESC = "\x1b"


def test_esc_or_left_asks_for_the_question_before(small_triage):
    from hamstring_care.asking import BACK

    walk = question(small_triage, "can_walk_without_pain")
    assert ask(ESC, lambda p: p.question(walk)) == BACK
    assert ask("\x1b[D", lambda p: p.question(walk)) == BACK  # Left, on a list
    age = question(small_triage, "age")
    assert ask(ESC, lambda p: p.question(age)) == BACK


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.choose("Which?", [("No", "no"), ("Yes", "yes")], default="no"),
        lambda p: p.confirm("Sure?"),
        lambda p: p.pain("Pain?"),
    ],
    ids=["a list", "yes or no", "a number"],
)
def test_ctrl_d_stops_every_prompt_as_ctrl_c_does(call):
    """A list ignored Ctrl-D: a check-in left waiting instead of stopping (exit 130). (The
    Enter after it would answer, were Ctrl-D ignored: the test fails rather than waits.)"""
    with pytest.raises(Interrupted):
        ask("\x04" + ENTER, call)


def test_a_recheck_shows_last_times_ticks_already_ticked(triage_protocol):
    """Enter keeps last time's answer; nothing is reused without being shown."""
    q = question(triage_protocol, "risk_factors")
    assert ask(ENTER, lambda p: p.question(q, previous=["previous_clot"])) == ["previous_clot"]
    assert ask(ENTER, lambda p: p.question(q, previous=[])) == []  # "none" ticked before
