"""Asking the triage questions in the terminal. The only module importing questionary.

``Prompter`` builds each questionary call from the typed question data. Extra keyword
arguments go through to prompt_toolkit, so tests hand it a pipe input and a dummy output.
Ctrl-C and closed input become ``Interrupted``; questionary's ``ask()`` would swallow them,
so ``unsafe_ask()`` is used.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING, Any

import questionary
from questionary import Choice, Separator

from hamstring_care.asking import BACK
from hamstring_care.errors import Interrupted
from hamstring_care.triage import check_answer
from hamstring_care.vocab import PAIN_MAX, Ask

if TYPE_CHECKING:
    from hamstring_care.models import Question, RedFlagScreen

NONE = "__none__"

YES_NO = ("yes", "no", "not_sure")
CHOICE_INDENT = 5  # " » ○ " before a checklist label; a select's " » " is shorter
MIN_WIDTH = 30


def fit(text: str, indent: int, width: int | None = None) -> str:
    """Wrap a label or a question at word boundaries to the terminal's width.

    The prompts do not wrap by themselves: a long warning sign would be cut at the edge of a
    narrow terminal. Continuation lines are indented to sit under the label's first word.
    """
    columns = width or shutil.get_terminal_size().columns
    lines = textwrap.wrap(text, max(MIN_WIDTH, columns - indent - 1))
    return ("\n" + " " * indent).join(lines) or text


class Prompter:
    """Asks the red-flag checklist and each question; returns answers in the contract's ids."""

    def __init__(self, **prompt_kwargs: Any) -> None:
        self.prompt_kwargs = prompt_kwargs

    def red_flags(self, screen: RedFlagScreen) -> list[str]:
        """Tick the warning signs that apply; an explicit "none" is required to go on."""
        flags = [(flag.text, flag.id) for flag in screen.flags]
        ticked: list[str] = self._ticks(screen.prompt, flags, screen.none_label)
        return ticked

    def _checklist(self, question: Question, previous: list[str] | None = None) -> Any:
        choices = [(choice.label, choice.value) for choice in question.choices]
        none_label = question.none_label or "None of these"
        return self._ticks(question.text, choices, none_label, True, previous)

    def _ticks(
        self,
        prompt: str,
        options: list[tuple[str, str]],
        none_label: str,
        back: bool = False,
        previous: list[str] | None = None,
    ) -> Any:
        def validate(ticked: list[str]) -> bool | str:
            if not ticked:
                return f'Tick what applies, or "{none_label}".'
            if NONE in ticked and len(ticked) > 1:
                return f'"{none_label}" cannot go with other ticks.'
            return True

        ticked_before = set(previous or [])
        choices = [
            Choice(fit(text, CHOICE_INDENT), value=value, checked=value in ticked_before)
            for text, value in options
        ]
        none_before = previous is not None and not previous
        choices += [
            Separator(" "),
            Choice(fit(none_label, CHOICE_INDENT), value=NONE, checked=none_before),
        ]
        ticked = self._ask(
            questionary.checkbox(
                fit(prompt, 2),
                choices=choices,
                validate=validate,
                instruction="(Space to tick, arrows to move, Enter when done)",
                **self.prompt_kwargs,
            ),
            back=("escape",) if back else (),
        )
        if ticked == BACK:
            return BACK
        return [value for value in ticked if value != NONE]

    def question(self, question: Question, *, previous: Any = None) -> Any:
        """Ask one question in the way its type calls for.

        A checklist shows last time's ticks already ticked, when ``previous`` gives them.
        """
        if question.type == "number":
            return self._number(question)
        if question.type == "checklist":
            return self._checklist(question, previous if isinstance(previous, list) else None)
        if question.type == "yes_no":
            labels = question.yes_no_words()
            choices = [Choice(fit(labels[value], 3), value=value) for value in YES_NO]
        else:
            choices = [Choice(fit(c.label, 3), value=c.value) for c in question.choices]
        prompt = questionary.select(fit(question.text, 2), choices=choices, **self.prompt_kwargs)
        return self._ask(prompt, back=("escape", "left"))

    def _number(self, question: Question) -> int:
        def validate(text: str) -> bool | str:
            try:
                value = int(text.strip())
            except ValueError:
                value = None
            ok, _, message = check_answer(question, value)
            return True if ok else message[: message.index(", got")].capitalize()

        answer = self._ask(
            questionary.text(
                fit(question.text, 2),
                instruction=question.help,
                validate=validate,
                **self.prompt_kwargs,
            ),
            back=("escape",),
        )
        return answer if answer == BACK else int(answer.strip())

    def pain(self, text: str, *, key: Ask | None = None) -> int | None:
        """A pain score from 0 to 10, or None when the user just presses Enter."""

        def validate(answer: str) -> bool | str:
            answer = answer.strip()
            ok = not answer or (answer.isdigit() and 0 <= int(answer) <= PAIN_MAX)
            return True if ok else f"A whole number from 0 to {PAIN_MAX}, or Enter to skip"

        answer = self._ask(questionary.text(fit(text, 2), validate=validate, **self.prompt_kwargs))
        return int(answer) if answer.strip() else None

    def choose(
        self,
        text: str,
        options: list[tuple[str, str]],
        default: str | None = None,
        *,
        key: Ask | None = None,
    ) -> str:
        """One of ``options`` (label, value), the arrow starting on ``default``."""
        choices = [Choice(fit(label, 3), value=value) for label, value in options]
        start = next((c for c in choices if c.value == default), None)
        return str(
            self._ask(
                questionary.select(
                    fit(text, 2), choices=choices, default=start, **self.prompt_kwargs
                )
            )
        )

    def confirm(self, text: str, default: bool = True, *, key: Ask | None = None) -> bool:
        """Yes or no (yes by default, unless ``default`` is false)."""
        prompt = questionary.confirm(fit(text, 2), default=default, **self.prompt_kwargs)
        return bool(self._ask(prompt))

    @staticmethod
    def _ask(prompt: questionary.Question, back: tuple[str, ...] = ()) -> Any:
        _add_back_keys(prompt, back)
        try:
            return prompt.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None


def _add_back_keys(prompt: questionary.Question, keys: tuple[str, ...]) -> None:
    """Esc (and Left on a list) ends the question with ``BACK``: the flow asks the one before.

    Ctrl-D, on any prompt, stops as Ctrl-C does.
    """
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    bindings = KeyBindings()
    for key in keys:
        bindings.add(key, eager=True)(lambda event: event.app.exit(result=BACK))
    # Ctrl-D ends every prompt as closed input does (a list would otherwise ignore it).
    bindings.add("c-d", eager=True)(lambda event: event.app.exit(exception=EOFError()))
    application = prompt.application
    application.key_bindings = merge_key_bindings(
        [application.key_bindings or KeyBindings(), bindings]
    )
