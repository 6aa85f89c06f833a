"""The guided check: notice, warning signs, questions, result, then the next step.

A re-check after RICE compares the new answers with the last ones; the result is saved as
soon as it is shown (before any routine starts); each recommended routine is offered and
played through the session flow. Everything real comes from the ``Environment``.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from hamstring_care.context import Asker
from hamstring_care.render import terminal
from hamstring_care.render.content import Citations, block_for
from hamstring_care.tailoring import tailor
from hamstring_care.triage import decide, evaluate, resolve, triage
from hamstring_care.vocab import RED_FLAGS

if TYPE_CHECKING:
    from hamstring_care.context import Environment
    from hamstring_care.history.log import ProgressLog
    from hamstring_care.history.store import Session, TriageRecord
    from hamstring_care.models import TriageProtocol
    from hamstring_care.source.library import Library
    from hamstring_care.triage import TriageResult


def ask(protocol: TriageProtocol, asker: Asker) -> dict[str, Any]:
    """Ask the warning signs, then each question that applies, stopping once urgent is certain."""
    answers: dict[str, Any] = {RED_FLAGS: asker.red_flags(protocol.red_flags)}
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


def guided_check(env: Environment, library: Library) -> TriageResult:
    """The whole guided check, saved to the progress log; returns the result."""
    from hamstring_care.history import progress

    protocol = library.triage()
    asker = env.asker()
    console = env.out()
    with contextlib.closing(env.progress_log()) as log:
        last = log.last_triage()
        opening = progress.recheck_due(last, env.now(), protocol.follow_up.recheck)
        if opening:
            console.print(opening, style="bold", markup=False)
        note = override_note(library, "triage")
        if note:
            console.print(note, style="dim", markup=False)
        console.print(terminal.notice(protocol))
        result = triage(protocol, ask(protocol, asker))
        citations = Citations()  # one numbering for the result and what follows it
        console.print()
        console.print(terminal.result_panel(result, protocol, citations))
        previous = last if opening else None
        saved = log.save_triage(result, recheck_of=previous.id if previous else None)
        if previous is not None:
            _compare(env, protocol, previous, result)
        follow(env, result, library, citations, log, saved)
        due = progress.recheck_from(result.disposition, env.now(), protocol.follow_up.recheck)
        if due is not None and saved is not None:
            from hamstring_care.dates import time_label

            console.print(
                f"Saved. Check again with hamstring-care from {time_label(due.astimezone())}.",
                style="bold",
                markup=False,
            )
    return result


def _compare(
    env: Environment, protocol: TriageProtocol, then: TriageRecord, result: TriageResult
) -> None:
    from hamstring_care.history import progress, view

    changes = progress.compare_answers(protocol, then.answers, result.answers)
    console = env.out()
    console.print()
    console.print(view.recheck_comparison(changes, then, result.disposition, protocol, None))
    console.print()


def follow(
    env: Environment,
    result: TriageResult,
    library: Library,
    citations: Citations,
    log: ProgressLog | None = None,
    triage_id: int | None = None,
) -> None:
    """Hand over to what the result recommends: guidance in full; routines shown, then offered.

    Once a routine is stopped because it hurt and the stop check routes to RICE or a
    clinician, self-care ends there: no further routine is shown or offered.
    """
    from hamstring_care.flows.session import RunOptions, ends_self_care, session_with_log
    from hamstring_care.models import RoutineProtocol

    protocol = library.triage()
    console = env.out()
    for pid in result.protocols:
        recommended = library.get(pid)
        if not isinstance(recommended, RoutineProtocol):
            console.print(terminal.block_view(block_for(recommended, citations)))
            continue
        tailored = tailor(recommended, protocol, result.cautions)
        if not tailored.steps:
            continue
        console.print(terminal.block_view(block_for(tailored, citations)))
        if log is None or not env.asker().confirm(f"Start “{recommended.title}” now?"):
            continue
        played: Session = session_with_log(
            env, recommended, protocol, result.cautions, RunOptions(), log, triage_id
        )
        if ends_self_care(played):
            return


def override_note(library: Library, pid: str) -> str | None:
    """Say so when a protocol comes from a folder that overrides the bundled one."""
    from hamstring_care.source.reading import display_name

    entry = library.entries().get(pid)
    if entry is None or not entry.overrides:
        return None
    return f"Using {pid} from {display_name(entry.path)} (overrides the bundled one)"
