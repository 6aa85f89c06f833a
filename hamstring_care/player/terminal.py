"""The player's real edges: the monotonic clock, terminal keys, and sound and speech cues."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import time
from contextlib import AbstractContextManager
from typing import IO, Any

from hamstring_care.player.timeline import Segment

SPEECH_COMMANDS = ("espeak-ng", "spd-say", "say")


class MonotonicClock:
    """``time.monotonic``: never jumps with the wall clock."""

    def now(self) -> float:
        """Seconds on the monotonic clock."""
        return time.monotonic()


class Faster:
    """A clock that runs ``speed`` times faster than the one it reads (demonstrations, tests)."""

    def __init__(self, clock: MonotonicClock, speed: float) -> None:
        self.clock = clock
        self.speed = speed
        self.start = clock.now()

    def now(self) -> float:
        """Seconds on the faster clock."""
        return self.start + (self.clock.now() - self.start) * self.speed


class SlowerWaits:
    """Keys whose waits are ``speed`` times shorter, to go with a ``Faster`` clock."""

    def __init__(self, keys: Any, speed: float) -> None:
        self.keys = keys
        self.speed = speed

    def wait(self, timeout: float | None) -> list[str]:
        """The keys pressed within ``timeout`` seconds of the faster clock."""
        keys: list[str] = self.keys.wait(None if timeout is None else timeout / self.speed)
        return keys


class TerminalKeys(AbstractContextManager["TerminalKeys"]):
    """Keys from the terminal in raw mode, read without blocking the timer.

    Waiting uses ``select`` on the terminal where the platform has it (no busy loop); the
    terminal mode is restored on every exit, Ctrl-C and errors included.
    """

    def __init__(self) -> None:
        from prompt_toolkit.input import create_input

        self._input = create_input()
        self._raw: Any = None

    def __enter__(self) -> TerminalKeys:
        self._raw = self._input.raw_mode()
        self._raw.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.__exit__(*exc)
        if os.name == "posix":
            # Keys pressed as the routine ended must not leak into the next prompt.
            import termios

            with contextlib.suppress(termios.error, OSError):
                termios.tcflush(self._input.fileno(), termios.TCIFLUSH)

    def wait(self, timeout: float | None) -> list[str]:
        """Return the keys pressed within ``timeout`` seconds (None: until a key)."""
        if os.name == "posix":
            ready, _, _ = select.select([self._input.fileno()], [], [], timeout)
            return self._read() if ready else []
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:  # other platforms: poll ten times a second, sleeping in between
            keys = self._read()
            if keys or (deadline is not None and time.monotonic() >= deadline):
                return keys
            time.sleep(0.1 if deadline is None else max(0.0, min(0.1, deadline - time.monotonic())))

    def _read(self) -> list[str]:
        names = []
        for press in self._input.read_keys():
            key = getattr(press.key, "value", press.key)
            names.append("enter" if key in ("c-m", "c-j") else key)
        return names


class NoKeys:
    """No keyboard (input is not a terminal): the routine simply runs, hands-free."""

    def wait(self, timeout: float | None) -> list[str]:
        """Sleep for ``timeout``; there are never keys."""
        if timeout is None:
            raise RuntimeError("no keyboard to wait for")
        time.sleep(timeout)
        return []


class TerminalCues:
    """A terminal bell at each segment change and range minimum; speech with ``--voice``."""

    def __init__(self, out: IO[str], *, sound: bool = True, speech: str | None = None) -> None:
        self.out = out
        self.sound = sound
        self.speech = speech
        self._speaking: subprocess.Popen[bytes] | None = None

    def segment(self, segment: Segment) -> None:
        """Ring and, with a voice, say what comes: "Right leg. Roll ... 60 seconds."."""
        self._bell()
        self._say(spoken(segment))

    def range_minimum(self, segment: Segment) -> None:
        """Ring, and say that it is time to move on once it eases."""
        self._bell()
        self._say(segment.move_on_hint.replace(" (Enter)", ""))

    def _bell(self) -> None:
        if self.sound:
            self.out.write("\a")
            self.out.flush()

    def _say(self, text: str) -> None:
        if self.speech is None:
            return
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()  # never talk over the next cue
        # Started, not waited for: speech must never hold up the timer.
        self._speaking = subprocess.Popen(
            [self.speech, text],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def spoken(segment: Segment) -> str:
    """What the voice says as a segment starts."""
    side = f"{segment.side_label}. " if segment.side else ""
    if segment.kind == "switch_sides":
        return f"Switch sides. {segment.side_label} next."
    if segment.kind == "rest":
        return f"Rest. {segment.seconds} seconds."
    if segment.kind == "get_ready":
        return f"Get ready. {side}{segment.step.title}."
    return f"{side}{segment.step.title}. {segment.seconds} seconds."


def find_speech() -> str | None:
    """The system's speech command, if any (espeak-ng or spd-say on Linux, say on macOS)."""
    return next((c for c in SPEECH_COMMANDS if shutil.which(c)), None)
