"""Fakes shared by the tests: a clock that moves only when told, keys at scripted moments,
a view and cues that record what they are given, and an asker that answers from a dict.

Each stands in for the real thing behind the same methods, so no real time passes and no
terminal is needed.
"""

from __future__ import annotations

from hamstring_care.errors import Interrupted


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> float:
        return self.t


class ScriptedKeys:
    """Keys at given times; waiting advances the fake clock to the key or the timeout."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, str]]) -> None:
        self.clock = clock
        self.script = sorted((clock.t + at, key) for at, key in script)
        self.waits = 0

    def wait(self, timeout):
        self.waits += 1
        due = self.script[0][0] if self.script else None
        if due is not None and (timeout is None or due <= self.clock.t + timeout):
            self.clock.t = max(self.clock.t, due)
            return [self.script.pop(0)[1]]
        if timeout is None:
            raise AssertionError("waiting for a key that never comes")
        self.clock.t += timeout
        return []


class RecordingView:
    def __init__(self) -> None:
        self.events: list[str] = []
        self.frames = []

    def frame(self, frame) -> None:
        self.frames.append(frame)

    def segment(self, segment) -> None:
        self.events.append(segment.describe())

    def event(self, text: str) -> None:
        self.events.append(text)


class RecordingCues:
    def __init__(self) -> None:
        self.cues: list[str] = []

    def segment(self, segment) -> None:
        self.cues.append(f"segment {segment.kind}")

    def range_minimum(self, segment) -> None:
        self.cues.append("range minimum")


class ScriptedAsker:
    """Answers the flow's questions from a dict, recording what was asked."""

    def __init__(self, answers: dict, interrupt_at: str | None = None) -> None:
        self.answers = answers
        self.asked: list[str] = []
        self.interrupt_at = interrupt_at

    def red_flags(self, screen):
        self.asked.append("red_flags")
        return self.answers["red_flags"]

    def confirm(self, text):
        self.asked.append(f"confirm: {text}")
        return self.answers.get("confirm", False)

    def question(self, question):
        self.asked.append(question.id)
        if question.id == self.interrupt_at:
            raise Interrupted()
        return self.answers[question.id]
