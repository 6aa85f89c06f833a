"""The live panel at the sizes people's terminals have: the question, the time and the keys
always show; the range hint shows once; a finished pause leaves nothing behind."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from hamstring_care.player.engine import Frame
from hamstring_care.player.timeline import RANGE_HINT, build
from hamstring_care.player.view import LiveView, left_text
from tests.fixtures import step

SIZES = [(60, 18), (80, 23), (120, 40)]
LONG = " ".join(["Sit with the roller under the back of the thigh and roll slowly."] * 5)
STEPS = [  # long words where the panel has its longest: what must still fit
    step("60s", per_side=True, title="Roll the back of the thigh, slowly", instruction=LONG,
         cue="Slow strokes, from the top of the thigh to the bottom."),
    step("10-20s", per_side=True, repeat=3, title="Stay on a tight spot", instruction=LONG),
    step("2min", title="A long hold", instruction=LONG),
]  # fmt: skip
STOP_QUESTION = (  # as long as a stop question's prompt and answers run
    "Is the pain sharp or worse than before, or is there something new you did not feel?",
    ["Yes: sharp pain, or worse than before", "Yes: something new, numb or tingling",
     "Yes: I felt or heard a pop or a snap", "No: carry on"],
)  # fmt: skip
TITLE = "A routine of the suite's own"


def frames(steps) -> list[Frame]:
    segments = build(steps)
    return [
        Frame(
            segment=seg,
            index=i,
            segments=segments,
            seconds_left=seg.seconds,
            segment_fraction=0.3,
            routine_left=600,
            routine_total=660,
            next_up=segments[i + 1] if i + 1 < len(segments) else None,
            range_reached=seg.is_range,
        )
        for i, seg in enumerate(segments)
    ]


def shown(view: LiveView, frame: Frame, width: int) -> list[str]:
    lines = view.console.render_lines(view.render(frame), view.console.options.update(width=width))
    return ["".join(s.text for s in line) for line in lines]


def words(lines: list[str]) -> str:
    return re.sub(r"[\s│╭╮╰╯─]+", " ", " ".join(lines))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_question_the_time_and_the_keys_always_fit(width, height):
    prompt, labels = STOP_QUESTION
    question = f"{prompt} Press a number (Esc: carry on):\n" + "\n".join(
        f"  {i}) {label}" for i, label in enumerate(labels, 1)
    )
    console = Console(file=io.StringIO(), width=width, height=height, force_terminal=True)
    view = LiveView(console, TITLE)
    for frame in frames(STEPS):
        view.message = question
        lines = shown(view, frame, width)
        text = words(lines)
        assert len(lines) <= height - 1, (width, height, frame.segment.heading)
        assert " ".join(question.split()) in text
        assert left_text(frame.seconds_left) in text  # "29 s left", "3:44 left"
        assert "stop" in text and "q quit" in text


def test_the_big_digits_and_the_instruction_show_where_there_is_room():
    console = Console(file=io.StringIO(), width=120, height=40, force_terminal=True)
    view = LiveView(console, TITLE)
    frame = next(f for f in frames(STEPS) if f.segment.kind == "work")
    text = "\n".join(shown(view, frame, 120))
    assert "███" in text
    assert frame.segment.step.instruction.split()[0] in text
    assert "Next:" in text


def test_the_range_hint_shows_once():
    console = Console(file=io.StringIO(), width=100, height=40, force_terminal=True)
    view = LiveView(console, TITLE)
    frame = next(f for f in frames(STEPS) if f.range_reached)
    view.message = RANGE_HINT  # the engine announces it, and the frame says it is reached
    text = words(shown(view, frame, 100))
    assert text.count("Move on when the tenderness eases") == 1
