"""The guided check asked as numbered lines read from standard input: the plain check.

For screen readers, dumb terminals and pipes (``TERM=dumb``, ``start --plain``): no boxes, no
arrow-key lists, no cursor movement. Each question is printed as plain lines, its answers
numbered; the answer is a line of text (a number, several numbers, y or n). A wrong answer
says why and asks again; ``b`` goes back a question where the arrow prompts allow Esc.
Closed input (the end of a pipe) or Ctrl-C stops the check, as in the arrow prompts.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any, TypeVar

from hamstring_care.asking import BACK
from hamstring_care.errors import Interrupted
from hamstring_care.triage import check_answer
from hamstring_care.vocab import PAIN_MAX, Ask

if TYPE_CHECKING:
    from hamstring_care.models import Question, RedFlagScreen

T = TypeVar("T")
WIDTH = 80
BACK_WORD = "b"
YES_NO = ("yes", "no", "not_sure")


class Invalid(ValueError):
    """An answer that cannot be read: its message is said, and the question asked again."""


class NumberedAsker:
    """Asks each question as numbered lines; reads each answer as a line of ``inp``."""

    def __init__(self, inp: IO[str], out: IO[str], width: int = WIDTH) -> None:
        self.inp = inp
        self.out = out
        self.width = width

    # --- the Asker protocol -------------------------------------------------------------

    def red_flags(self, screen: RedFlagScreen, *, in_sight: int = 0) -> list[str]:
        """The ticked warning signs: their numbers on one line, or 0 for none of them."""
        options = [(flag.text, flag.id) for flag in screen.flags]
        ticked = self._ticks(screen.prompt, options, screen.none_label, back=False)
        assert isinstance(ticked, list)
        return ticked

    def question(self, question: Question, *, previous: Any = None) -> Any:
        """One answer, in the answer contract's ids; ``BACK`` for the question before."""
        if question.type == "number":
            return self._number(question)
        if question.type == "checklist":
            options = [(c.label, c.value) for c in question.choices]
            none_label = question.none_label or "None of these"
            return self._ticks(question.text, options, none_label, back=True)
        if question.type == "yes_no":
            labels = question.yes_no_words()
            choices = [(labels[value], value) for value in YES_NO]
        else:
            choices = [(c.label, c.value) for c in question.choices]
        return self._one(question.text, choices, None, back=True)

    def pain(self, text: str, *, key: Ask | None = None) -> int | None:
        """Pain 0-10, or None for an empty line."""

        def read(line: str) -> int | None:
            if not line:
                return None
            if line.isdigit() and 0 <= int(line) <= PAIN_MAX:
                return int(line)
            raise Invalid(f"A whole number from 0 to {PAIN_MAX}, or Enter to skip.")

        question = text.removesuffix("Enter to skip").rstrip()  # the hint says it
        return self._ask([question], f"0 to {PAIN_MAX}, Enter to skip", read)

    def confirm(self, text: str, default: bool = True, *, key: Ask | None = None) -> bool:
        """Yes or no: y or n, an empty line for the default."""

        def read(line: str) -> bool:
            if not line:
                return default
            if line.lower() in ("y", "yes"):
                return True
            if line.lower() in ("n", "no"):
                return False
            raise Invalid("Type y for yes or n for no.")

        hint = "y or n, Enter for " + ("yes" if default else "no")
        return self._ask([text], hint, read)

    def choose(
        self,
        text: str,
        options: list[tuple[str, str]],
        default: str | None = None,
        *,
        key: Ask | None = None,
    ) -> str:
        """One of the options' values, by its number (an empty line: ``default``)."""
        return str(self._one(text, options, default, back=False))

    # --- the kinds of question ----------------------------------------------------------

    def _one(
        self, text: str, options: list[tuple[str, str]], default: str | None, *, back: bool
    ) -> Any:
        values = [value for _, value in options]
        first = values.index(default) + 1 if default in values else None

        def read(line: str) -> Any:
            if back and line.lower() == BACK_WORD:
                return BACK
            if not line and first is not None:
                return values[first - 1]
            if line.isdigit() and 1 <= int(line) <= len(values):
                return values[int(line) - 1]
            raise Invalid(f"Type one number, from 1 to {len(values)}.")

        hint = f"a number, 1 to {len(values)}"
        hint += f", Enter for {first}" if first else ""
        hint += f", {BACK_WORD} for the question before" if back else ""
        return self._ask([text, *self._numbered(options)], hint, read)

    def _ticks(
        self, text: str, options: list[tuple[str, str]], none_label: str, *, back: bool
    ) -> Any:
        values = [value for _, value in options]

        def read(line: str) -> Any:
            if back and line.lower() == BACK_WORD:
                return BACK
            numbers = [part for part in re.split(r"[\s,]+", line) if part]
            if numbers == ["0"]:
                return []
            if not numbers:
                raise Invalid(f"Type the numbers that apply, or 0 for: {none_label}")
            if "0" in numbers:
                raise Invalid(f"0 ({none_label}) cannot go with other numbers.")
            if not all(n.isdigit() and 1 <= int(n) <= len(values) for n in numbers):
                raise Invalid(f"Type numbers from 1 to {len(values)}, or 0.")
            return [values[int(n) - 1] for n in dict.fromkeys(numbers)]

        lines = [text, *self._numbered(options), f"  0. {none_label}"]
        hint = "the numbers that apply, with spaces between, or 0"
        hint += f"; {BACK_WORD} for the question before" if back else ""
        return self._ask(lines, hint, read)

    def _number(self, question: Question) -> Any:
        def read(line: str) -> Any:
            if line.lower() == BACK_WORD:
                return BACK
            try:
                value: int | None = int(line)
            except ValueError:
                value = None
            ok, _, message = check_answer(question, value)
            if not ok:
                raise Invalid(message[: message.index(", got")].capitalize() + ".")
            return value

        lines = [question.text, *([question.help] if question.help else [])]
        return self._ask(lines, f"a whole number; {BACK_WORD} for the question before", read)

    # --- reading and writing ------------------------------------------------------------

    def _numbered(self, options: list[tuple[str, str]]) -> list[str]:
        return [f"  {n}. {label}" for n, (label, _) in enumerate(options, 1)]

    def _ask(self, lines: list[str], hint: str, read: Callable[[str], T]) -> T:
        """Print the question, then read lines until one is an answer."""
        self._say("")
        for line in lines:
            self._say(line)
        while True:
            self.out.write(f"Answer ({hint}): ")
            self.out.flush()
            try:
                typed = self.inp.readline()
            except KeyboardInterrupt:
                self.out.write("\n")  # "Stopped." on a line of its own, not after "^C"
                raise Interrupted() from None
            if not typed:  # the end of the input: no one left to answer
                self.out.write("\n")
                raise Interrupted()
            if not getattr(self.inp, "isatty", lambda: False)():
                self.out.write(typed if typed.endswith("\n") else typed + "\n")  # said, in a log
            try:
                return read(typed.strip())
            except Invalid as problem:
                self._say(str(problem))

    def _say(self, text: str) -> None:
        indent = len(text) - len(text.lstrip())
        wrapped = textwrap.wrap(
            text.strip(),
            max(30, self.width - 1),
            initial_indent=" " * indent,
            subsequent_indent=" " * (indent + 3 if indent else 0),
            break_on_hyphens=False,
        )
        self.out.write("\n".join(wrapped or [""]) + "\n")
        self.out.flush()
