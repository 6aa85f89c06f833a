"""Asking the triage questions in the terminal. The only module importing questionary.

``Prompter`` builds each questionary call from the typed question data. Extra keyword
arguments go through to prompt_toolkit, so tests hand it a pipe input and a dummy output.
Ctrl-C and closed input become ``Interrupted``; questionary's ``ask()`` would swallow them,
so ``unsafe_ask()`` is used.

A prompt is erased once answered and the question and answer are said again in our own
words, wrapped between words (``echo``): questionary's own line put the answer after the
question and let the terminal cut it mid-word, and a long answer garbled the lines above.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
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
MIN_LIST_ROWS = 8
"""A long list keeps at least this many rows, whatever must stay in sight above it."""
TICKS = "(Space to tick, arrows to move, Enter when done)"
ARROWS = "(Use arrow keys)"
SKIP = "Enter to skip"


def fit(text: str, indent: int, width: int | None = None) -> str:
    """Wrap a label or a question at word boundaries to the terminal's width.

    The prompts do not wrap by themselves: a long warning sign would be cut at the edge of a
    narrow terminal. Continuation lines are indented to sit under the label's first word.
    """
    columns = width or shutil.get_terminal_size().columns
    lines = textwrap.wrap(text, max(MIN_WIDTH, columns - indent - 1), break_on_hyphens=False)
    return ("\n" + " " * indent).join(lines) or text


def placed(message: str, instruction: str, width: int | None = None) -> str:
    """The instruction as it follows a fitted question.

    On the question's last line when it fits there, else on a line of its own, itself
    wrapped between words (never "E / nter").
    """
    columns = width or shutil.get_terminal_size().columns
    last = message.rsplit("\n", 1)[-1]
    used = len(last) + (3 if "\n" not in message else 1)  # "? " and a space; or a space
    if used + len(instruction) <= max(MIN_WIDTH, columns - 1):
        return instruction
    return "\n  " + fit(instruction, 2, columns)


def echo(question: str, answer: str, width: int) -> list[tuple[str, str]]:
    """The question and its answer as they stay on screen: wrapped between words.

    The answer follows the question on its last line when the whole answer fits there, else
    it starts a line of its own; continuation lines are indented under the text.
    """
    columns = max(MIN_WIDTH, width - 1)
    lines = _wrap(question, columns, "? ")
    lines = lines or ["?"]
    fragments: list[tuple[str, str]] = [("class:qmark", "?")]
    fragments.append(("class:question", "\n".join(lines)[1:]))
    if not answer:
        return [*fragments, ("", "\n")]
    if len(lines[-1]) + 1 + len(answer) <= columns:
        return [*fragments, ("", " "), ("class:answer", answer), ("", "\n")]
    wrapped = _wrap(answer, columns, "  ")
    return [*fragments, ("", "\n"), ("class:answer", "\n".join(wrapped)), ("", "\n")]


def _wrap(text: str, columns: int, first: str) -> list[str]:
    return textwrap.wrap(
        text, columns, initial_indent=first, subsequent_indent="  ", break_on_hyphens=False
    )


class Prompter:
    """Asks the red-flag checklist and each question; returns answers in the contract's ids."""

    def __init__(self, **prompt_kwargs: Any) -> None:
        self.prompt_kwargs = {**prompt_kwargs, "erase_when_done": True}

    def red_flags(self, screen: RedFlagScreen, *, in_sight: int = 0) -> list[str]:
        """Tick the warning signs that apply; an explicit "none" is required to go on.

        ``in_sight``: the rows printed just before (the notice), which the list leaves on
        screen: it scrolls within the rows below them instead of pushing them off the top.
        """
        flags = [(flag.text, flag.id) for flag in screen.flags]
        ticked: list[str] = self._ticks(screen.prompt, flags, screen.none_label, in_sight=in_sight)
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
        *,
        in_sight: int = 0,
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
        labels = {value: text for text, value in [*options, (none_label, NONE)]}
        message = fit(prompt, 2)
        question = questionary.checkbox(
            message,
            choices=choices,
            validate=validate,
            instruction=placed(message, TICKS),
            **self.prompt_kwargs,
        )
        _ignore_keys(question, ("a", "i"))  # questionary's "tick all" and "invert": not here
        if in_sight:
            _leave_rows_above(question, in_sight)
        ticked = self._ask(
            question,
            prompt,
            lambda values: "; ".join(labels[v] for v in values),
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
            options = [(labels[value], value) for value in YES_NO]
        else:
            options = [(c.label, c.value) for c in question.choices]
        return self._select(question.text, options, back=("escape", "left"))

    def _select(
        self,
        text: str,
        options: list[tuple[str, str]],
        default: str | None = None,
        back: tuple[str, ...] = (),
    ) -> Any:
        choices = [Choice(fit(label, 3), value=value) for label, value in options]
        start = next((c for c in choices if c.value == default), None)
        labels = dict((value, label) for label, value in options)
        message = fit(text, 2)
        prompt = questionary.select(
            message,
            choices=choices,
            default=start,
            instruction=placed(message, ARROWS),
            **self.prompt_kwargs,
        )
        return self._ask(prompt, text, lambda value: labels[value], back=back)

    def _number(self, question: Question) -> int:
        def validate(text: str) -> bool | str:
            try:
                value = int(text.strip())
            except ValueError:
                value = None
            ok, _, message = check_answer(question, value)
            return True if ok else message[: message.index(", got")].capitalize()

        message = fit(question.text, 2)
        answer = self._ask(
            questionary.text(
                message,
                instruction=placed(message, question.help) if question.help else None,
                validate=validate,
                **self.prompt_kwargs,
            ),
            question.text,
            str.strip,
            back=("escape",),
        )
        return answer if answer == BACK else int(answer.strip())

    def pain(self, text: str, *, key: Ask | None = None) -> int | None:
        """A pain score from 0 to 10, or None when the user just presses Enter."""

        def validate(answer: str) -> bool | str:
            answer = answer.strip()
            ok = not answer or (answer.isdigit() and 0 <= int(answer) <= PAIN_MAX)
            return True if ok else f"A whole number from 0 to {PAIN_MAX}, or Enter to skip"

        # "Enter to skip" is how to answer, not the question: shown while asking, and left
        # out of the answer said again ("...(worst)? 2", not "...? Enter to skip 2").
        question = text.removesuffix(SKIP).rstrip()
        message = fit(question, 2)
        hint = placed(message, f"({SKIP})") if question != text else None
        answer = self._ask(
            questionary.text(message, instruction=hint, validate=validate, **self.prompt_kwargs),
            question,
            lambda typed: typed.strip() or "skipped",
        )
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
        return str(self._select(text, options, default))

    def confirm(self, text: str, default: bool = True, *, key: Ask | None = None) -> bool:
        """Yes or no (yes by default, unless ``default`` is false)."""
        message = fit(text, 2)
        prompt = questionary.confirm(
            message,
            default=default,
            instruction=placed(message, "(Y/n) " if default else "(y/N) "),
            **self.prompt_kwargs,
        )
        return bool(self._ask(prompt, text, lambda yes: "Yes" if yes else "No"))

    @staticmethod
    def _ask(
        prompt: questionary.Question,
        text: str,
        said: Callable[[Any], str],
        back: tuple[str, ...] = (),
    ) -> Any:
        """Ask, then say the question and its answer (``said``) again, wrapped between words.

        Nothing is said for Esc (the question before is asked) or Ctrl-C.
        """
        from prompt_toolkit import print_formatted_text
        from prompt_toolkit.formatted_text import FormattedText
        from questionary.constants import DEFAULT_STYLE

        _add_back_keys(prompt, back)
        try:
            answer = prompt.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted() from None
        if answer != BACK:
            output = prompt.application.output
            print_formatted_text(
                FormattedText(echo(text, said(answer), output.get_size().columns)),
                style=DEFAULT_STYLE,
                output=output,
                end="",
            )
        return answer


def _add_back_keys(prompt: questionary.Question, keys: tuple[str, ...]) -> None:
    """Esc (and Left on a list) ends the question with ``BACK``: the flow asks the one before.

    Ctrl-D, on any prompt, stops as Ctrl-C does.
    """
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()
    for key in keys:
        bindings.add(key, eager=True)(lambda event: event.app.exit(result=BACK))
    # Ctrl-D ends every prompt as closed input does (a list would otherwise ignore it).
    bindings.add("c-d", eager=True)(lambda event: event.app.exit(exception=EOFError()))
    _bind(prompt, bindings)


def _ignore_keys(prompt: questionary.Question, keys: tuple[str, ...]) -> None:
    """These keys do nothing: bound after questionary's own, they win."""
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()
    for key in keys:
        bindings.add(key, eager=True)(lambda event: None)
    _bind(prompt, bindings)


def _bind(prompt: questionary.Question, bindings: Any) -> None:
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    application = prompt.application
    application.key_bindings = merge_key_bindings(
        [application.key_bindings or KeyBindings(), bindings]
    )


def _leave_rows_above(prompt: questionary.Question, rows: int) -> None:
    """Keep the prompt within the rows below the ``rows`` just printed: its list scrolls."""
    from prompt_toolkit.layout import Dimension, HSplit

    application = prompt.application
    inner = application.layout.container

    def height() -> Dimension:
        size = application.output.get_size()
        room = max(size.rows - rows - 1, MIN_LIST_ROWS)
        wanted = inner.preferred_height(size.columns, size.rows).preferred
        return Dimension(max=room, preferred=min(wanted, room))

    application.layout.container = HSplit([inner], height=height)
