"""The guided session: notice, warning signs, questions, result, then the next step.

The asker (prompts) and the console are passed in, so tests drive the whole flow with a
scripted asker and a capture console.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from hamstring_care import display
from hamstring_care.triage import decide, evaluate, resolve, tailor, triage

if TYPE_CHECKING:
    from rich.console import Console

    from hamstring_care.library import Library
    from hamstring_care.models import Question, RedFlagScreen, RoutineProtocol, TriageProtocol
    from hamstring_care.player.session import SessionResult
    from hamstring_care.triage import TriageResult


class Asker(Protocol):
    """What the flow needs from the prompts."""

    def red_flags(self, screen: RedFlagScreen) -> list[str]:
        """The ticked red-flag ids."""

    def question(self, question: Question) -> Any:
        """One answer, in the answer contract's ids."""


def ask(protocol: TriageProtocol, asker: Asker) -> dict[str, Any]:
    """Ask the warning signs, then each question that applies, stopping once urgent is certain."""
    answers: dict[str, Any] = {"red_flags": asker.red_flags(protocol.red_flags)}
    for question in protocol.questions:
        early = decide(protocol, answers)
        if early is not None and early.disposition.stops_the_check:
            break
        if question.ask_if is not None:
            effective, _ = resolve(protocol, answers)
            if evaluate(protocol, question.ask_if, effective)[0] is False:
                continue
        answers[question.id] = asker.question(question)
    return answers


Play = Callable[["RoutineProtocol", list[str]], "SessionResult | None"]
"""Offers a routine and plays it if wanted; returns what happened (None: not played)."""


def run(
    library: Library,
    asker: Asker,
    console: Console,
    play: Play | None = None,
    on_result: Callable[[TriageResult], object] | None = None,
) -> TriageResult:
    """The whole guided session; returns the result.

    ``on_result`` hears the result as soon as it is shown (the progress log saves it then,
    before any routine starts); ``play`` is offered each recommended routine with the
    cautions in force.
    """
    protocol = library.triage()
    console.print(display.notice(protocol))
    answers = ask(protocol, asker)
    result = triage(protocol, answers)
    console.print()
    console.print(display.result_panel(result, protocol))
    if on_result is not None:
        on_result(result)
    follow(result, library, console, play)
    return result


def follow(
    result: TriageResult, library: Library, console: Console, play: Play | None = None
) -> None:
    """Hand over to what the result recommends: guidance in full; routines shown, then played.

    Once a routine is stopped because it hurt and the stop check routes to RICE or a
    clinician, self-care ends there: no further routine is shown or offered.
    """
    from hamstring_care.models import RoutineProtocol
    from hamstring_care.player.session import ends_self_care

    protocol = library.triage()
    for pid in result.protocols:
        recommended = library.get(pid)
        if isinstance(recommended, RoutineProtocol):
            tailored = tailor(recommended, protocol, result.cautions)
            if tailored.steps:
                console.print(display.routine(tailored))
                if play is not None and ends_self_care(play(recommended, result.cautions)):
                    return
        else:
            console.print(display.show(recommended))
