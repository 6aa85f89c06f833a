"""What the flows ask a person, as one protocol: the prompts answer it, and so do tests.

Beneath both the environment (which makes the prompter) and the prompts (which implement
it), so that neither imports the other for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from hamstring_care.vocab import Ask

if TYPE_CHECKING:
    from hamstring_care.models import Question, RedFlagScreen

BACK = "__back__"
"""What a question returns when Esc (or Left, on a list) asks for the question before."""


class Asker(Protocol):
    """What the flows ask a person: the prompts, or a test's scripted answers."""

    def red_flags(self, screen: RedFlagScreen, *, in_sight: int = 0) -> list[str]:
        """The ticked warning-sign ids.

        The ``in_sight`` rows printed just before stay in sight: a terminal's list scrolls
        below them.
        """

    def question(self, question: Question, *, previous: Any = None) -> Any:
        """One answer, in the answer contract's ids; ``BACK`` for the question before.

        ``previous`` (a re-check's last answer) is shown ready to keep or change.
        """

    def pain(self, text: str, *, key: Ask | None = None) -> int | None:
        """Pain 0-10, or None when skipped."""

    def confirm(self, text: str, default: bool = True, *, key: Ask | None = None) -> bool:
        """Yes or no."""

    def choose(
        self,
        text: str,
        options: list[tuple[str, str]],
        default: str | None = None,
        *,
        key: Ask | None = None,
    ) -> str:
        """One of the options' values (each option is a label and a value)."""
