"""Fakes shared by the tests: a clock that moves only when told, keys at scripted moments,
a view and cues that record what they are given, and an asker that answers from a dict.

Each stands in for the real thing behind the same methods, so no real time passes and no
terminal is needed.
"""

from __future__ import annotations

import io

from rich.console import Console
from typer.testing import CliRunner

from hamstring_care import cli
from hamstring_care.context import Environment
from hamstring_care.errors import Interrupted
from hamstring_care.vocab import Ask


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

    def clear(self) -> None:
        self.events.append("(cleared)")


class RecordingCues:
    def __init__(self) -> None:
        self.cues: list[str] = []

    def segment(self, segment) -> None:
        self.cues.append(f"segment {segment.kind}")

    def range_minimum(self, segment) -> None:
        self.cues.append("range minimum")


class ScriptedAsker:
    """Answers the flow's questions from a dict, recording what was asked.

    Answers are found by the prompt's key (``vocab.Ask``), never by its wording: ``leg``,
    ``review`` (a list of changes), ``menu`` (the "what now?" choice: a new check unless the
    test says "again" or "today"), ``read`` (read a routine's steps or guidance first),
    ``confirm`` (every other yes/no), ``still_true``.
    """

    def __init__(self, answers: dict, interrupt_at: str | None = None) -> None:
        self.answers = dict(answers)  # its own: "review" is consumed as it goes
        self.asked: list[str] = []
        self.interrupt_at = interrupt_at

    def red_flags(self, screen, *, in_sight=0):
        self.asked.append("red_flags")
        return self.answers["red_flags"]

    def confirm(self, text, default=True, *, key=None):
        self.asked.append(f"confirm: {text}")
        if key == Ask.STILL_TRUE:
            return self.answers.get("still_true", True)
        if key in (Ask.READ_ROUTINE, Ask.READ_GUIDANCE):
            return self.answers.get("read", False)
        return self.answers.get("confirm", False)

    def choose(self, text, options, default=None, *, key=None):
        self.asked.append(f"choose: {text}")
        values = [value for _, value in options]
        if key == Ask.LEG:
            chosen = self.answers.get("leg", default or values[0])
        elif key == Ask.REVIEW:  # the changes, then done
            changes = self.answers.setdefault("review", [])
            chosen = changes.pop(0) if changes else values[0]
        elif key == Ask.WHAT_NOW:
            chosen = self.answers.get("menu", "new")
        else:
            raise AssertionError(f"no scripted answer for {key}: {text}")
        assert chosen in values, (chosen, values)
        return chosen

    def pain(self, text, *, key=None):
        self.asked.append(f"pain: {text}")
        pains = self.answers.get("pain")
        return next(pains) if pains is not None else None

    def question(self, question, *, previous=None):
        self.asked.append(question.id)
        self.shown_before = getattr(self, "shown_before", {})
        self.shown_before[question.id] = previous
        if question.id == self.interrupt_at:
            raise Interrupted()
        changed = self.answers.get("changed", {})
        if question.id in changed and self.asked.count(question.id) > 1:
            return changed[question.id]
        return self.answers[question.id]


class PassingKeys:
    """No keys: each wait moves the fake clock on by its timeout (a routine takes no time)."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock

    def wait(self, timeout):
        if timeout is None:
            raise AssertionError("waiting for a key that never comes")
        self.clock.t += timeout
        return []


class PainAsker(ScriptedAsker):
    """Answers the pain questions from a list (None: skipped)."""

    def __init__(self, pains) -> None:
        super().__init__({"red_flags": [], "pain": iter(pains)})


def make_env(
    *,
    clock: FakeClock | None = None,
    keys=None,
    console: Console | None = None,
    prompter=None,
    now=None,
    **more,
) -> Environment:
    """An environment of fakes: a fake clock, keys that only pass time, a capture console."""
    clock = clock or FakeClock()
    env = Environment(
        clock=clock,
        keys=keys if keys is not None else PassingKeys(clock),
        console=console if console is not None else Console(file=io.StringIO(), width=80),
        prompter=prompter,
        stdin_isatty=False,
        stdout_isatty=False,
        **more,
    )
    if now is not None:
        env.now = now
    return env


def invoke_with(env: Environment | None, *args: str, input: str | None = None):
    """Run the command line on ``env`` (None: the real one, as the program builds it)."""
    return CliRunner().invoke(cli.app, list(args), obj=env, input=input, catch_exceptions=False)


class PainFunction:
    """An asker whose pain answers come from a function of the question."""

    def __init__(self, answer) -> None:
        self.answer = answer

    def pain(self, text):
        return self.answer(text)


def play_on_fakes(
    routine,
    triage,
    cautions,
    options,
    console,
    ask_pain,
    *,
    keys=None,
    cues=None,
    view=None,
    clock=None,
    recorder=None,
    wall_clock=None,
):
    """Play a routine through the session flow on an environment built of these fakes."""
    from hamstring_care.flows.session import play

    env = make_env(
        clock=clock,
        keys=keys,
        console=console,
        prompter=PainFunction(ask_pain),
        now=wall_clock,
    )
    return play(env, routine, triage, cautions, options, recorder=recorder, view=view, cues=cues)


class CheckInAsker:
    """Answers a program's questions by their keys: the morning, the check-in, "Play ...?".

    ``day`` holds one day's answers: ``morning`` (settled by the next morning), ``pain``
    (during), ``yes`` (the stage's questions), ``warning`` and ``pop`` (True, False or
    "not_sure"), ``rest``, ``play``, ``ready``, ``check`` (start the check after a stop),
    ``cleared``, ``reason`` (starting alone at stage 2: stage 1 done already), ``menu``,
    ``check_answers`` (a check started after a stop).
    """

    def __init__(self, day: dict | None = None) -> None:
        self.day = day or {}
        self.asked: list[str] = []
        self.keys: list[Ask | None] = []

    def confirm(self, text, default=True, *, key=None):
        self.asked.append(text)
        self.keys.append(key)
        answer = {
            Ask.MORNING: ("morning", True),
            Ask.PLAY: ("play", False),
            Ask.START_CHECK: ("check", False),
            Ask.READY: ("ready", True),
            Ask.STAGE_QUESTION: ("yes", True),
            Ask.CLEARED: ("cleared", False),
            Ask.STAGE_REASON: ("reason", True),
            Ask.STILL_TRUE: ("still_true", True),
            Ask.ONSET_COUNTED: ("onset_counted", True),
            Ask.START_ROUTINE: ("routine", False),
            Ask.READ_GUIDANCE: ("read", False),
            Ask.READ_ROUTINE: ("read", False),
        }
        name, otherwise = answer[key]
        return self.day.get(name, otherwise)

    def pain(self, text, *, key=None):
        self.asked.append(text)
        self.keys.append(key)
        if key == Ask.REST_PAIN:
            return self.day.get("rest", 1)
        if key == Ask.PAIN_DURING:
            return self.day.get("pain", 2)
        return None  # a routine's pain before and after

    def choose(self, text, options, default=None, *, key=None):
        self.asked.append(text)
        self.keys.append(key)
        values = [value for _, value in options]
        if key in (Ask.WARNING_SIGN, Ask.NEW_POP):
            said = self.day.get("warning" if key == Ask.WARNING_SIGN else "pop", False)
            return said if isinstance(said, str) else "yes" if said else "no"
        if key == Ask.LEG:
            return default or values[0]
        if key == Ask.REVIEW:
            return values[0]
        wanted = self.day.get("menu")
        return wanted if wanted in values else values[0]

    def red_flags(self, screen, *, in_sight=0):
        return self.day.get("red_flags", [])

    def question(self, question, *, previous=None):
        # Only a check started after a stop asks these: from ``day["check_answers"]``.
        return self.day["check_answers"][question.id]
