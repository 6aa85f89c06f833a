"""The plain check (issue 28): numbered questions read line by line from standard input, plain
text out, no boxes and no arrow-key lists; for screen readers (TERM=dumb) and pipes
(``start --plain``)."""

from __future__ import annotations

import io

import pexpect
import pytest

from hamstring_care import messages
from hamstring_care.asking import BACK
from hamstring_care.errors import Interrupted
from hamstring_care.numbered import NumberedAsker
from tests.terminal_driver import spawn_check

# The small triage, as the arrow-key tests answer it: none, 35, no risk, gradual, 30 days,
# mid-thigh, pain at rest 2, walks without pain; the review says they are right (Enter).
GRADUAL_LINES = ["0", "35", "0", "2", "30", "2", "2", "1", ""]
BOXES = set("╭╮╰╯│─┌┐└┘━»○●")


def test_a_pipe_of_numbered_answers_gets_the_result_as_plain_text(invoke, small_protocols):
    typed = [*GRADUAL_LINES, "n", "1", "n", "n", "n"]  # read neither, right leg, play neither
    result = invoke("start", "--plain", input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Test notice, not a diagnosis." in out
    assert "  1. Test emergency sign" in out and "  0. None of these apply to me" in out
    assert "SELF-CARE: ROUTINE" in out and "What to do now:" in out
    assert messages.start_later("hamstring-care", "stretch", "right") in out
    assert not BOXES & set(out), [c for c in out if c in BOXES]


def test_a_wrong_answer_says_why_and_asks_again(small_triage):
    out = io.StringIO()
    asker = NumberedAsker(io.StringIO("7\n1 0\n\n2 4 2\n"), out)
    ticked = asker.red_flags(small_triage.red_flags)
    said = out.getvalue()
    assert "Type numbers from 1 to 5, or 0." in said
    assert "0 (None of these apply to me) cannot go with other numbers." in said
    assert "Type the numbers that apply, or 0 for: None of these apply to me" in said
    assert ticked == ["calf_swollen", "tingling"]  # each once, in the order typed


def test_b_goes_back_an_empty_line_takes_the_default_and_the_end_of_the_input_stops():
    from hamstring_care.models import Question

    question = Question(id="q", type="choice", text="Which?", choices=[
        {"label": "One", "value": "one"}, {"label": "Two", "value": "two"}])  # fmt: skip
    assert NumberedAsker(io.StringIO("b\n"), io.StringIO()).question(question) == BACK
    options = [("One", "one"), ("Two", "two")]
    assert NumberedAsker(io.StringIO("\n"), io.StringIO()).choose("?", options, "two") == "two"
    assert NumberedAsker(io.StringIO("\n"), io.StringIO()).confirm("Go?", default=False) is False
    assert NumberedAsker(io.StringIO("\n"), io.StringIO()).pain("Pain?") is None
    with pytest.raises(Interrupted):
        NumberedAsker(io.StringIO(""), io.StringIO()).confirm("Go on?")


def test_on_a_dumb_terminal_the_check_is_numbered_lines(tmp_path):
    """TERM=dumb on a real terminal: no boxed notice, no arrow-key checklist (issue 28)."""
    child = spawn_check(tmp_path, TERM="dumb", NO_COLOR="1")
    seen = []
    prompts = ["Test warning signs", "How old", "Test risks", "How did the pain start",
               "How many days", "Where is the pain", "Pain at rest", "walk without pain",
               "Before the result"]  # fmt: skip
    for prompt, line in zip(prompts, GRADUAL_LINES, strict=True):
        child.expect(prompt)
        child.expect(r"Answer \(")
        seen.append(child.before)
        child.sendline(line)
    child.expect("SELF-CARE: ROUTINE")
    child.expect(r"Read the 4 steps")
    seen.append(child.before)
    child.sendline("n")
    for reply in ["1", "n", "n", "n"]:
        child.expect(r"Answer \(")
        child.sendline(reply)
    child.expect(pexpect.EOF)
    seen.append(child.before)
    child.close()
    assert child.exitstatus == 0
    text = "".join(seen)
    assert "  0. None of these apply to me" in text
    assert "What to do now:" in text
    assert not BOXES & set(text), [c for c in text if c in BOXES]
