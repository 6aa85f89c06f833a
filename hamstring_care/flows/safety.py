"""The safety state in words: the newest advice, why something is not offered, the way back.

Every command that offers or plays self-care asks ``safety.SafetyState.allows`` first; this
module says the answer to a person, always with the way back (a new check) and where the
advice can be read again (``hamstring-care advice``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from hamstring_care import messages
from hamstring_care.dates import time_label
from hamstring_care.errors import UsageError
from hamstring_care.flows import screen
from hamstring_care.history.store import open_history
from hamstring_care.models import Item
from hamstring_care.render.content import disposition_content, stop_reason
from hamstring_care.safety import Advice, Offer, SafetyState, safety_state
from hamstring_care.vocab import AdviceSource

if TYPE_CHECKING:
    from hamstring_care.context import Environment
    from hamstring_care.history.store import History
    from hamstring_care.models import TriageProtocol
    from hamstring_care.source.library import Library

SOURCE_WORDS = {
    AdviceSource.CHECK: "a check",
    AdviceSource.ROUTINE_STOP: "a routine stopped because it hurt",
    AdviceSource.PROGRAM_STOP: "back to running's stop",
    AdviceSource.CLEARANCE: "a clinician's clearance",
}
UNREADABLE = "advice whose record cannot be read (counted as the most careful)"


def title(advice: Advice, triage: TriageProtocol) -> str:
    """What the advice says to do, as its result panel's title."""
    if advice.level is None:
        return UNREADABLE
    if advice.source is AdviceSource.CLEARANCE:
        return "Self-care on your clinician's plan"
    rule = next((r for r in triage.rules if r.id == advice.because), None)
    if advice.source is AdviceSource.CHECK and rule is not None and rule.title is not None:
        return rule.title  # how soon, as the result said it
    return triage.dispositions.of(advice.level).title


def advice_line(advice: Advice, triage: TriageProtocol) -> str:
    """``"See a clinician today" (after a routine stopped because it hurt, Sat 5 Dec 09:14)``."""
    when = time_label(advice.given_at.astimezone())
    return f"“{title(advice, triage)}” (after {SOURCE_WORDS[advice.source]}, {when})"


def last_advice(state: SafetyState, triage: TriageProtocol) -> str | None:
    """One line for a returning user: what was last advised and when (None: nothing yet)."""
    if state.newest is None:
        return None
    return f"Last advice: {advice_line(state.newest, triage)}."


def refusal(state: SafetyState, offer: Offer, triage: TriageProtocol, program: str) -> str | None:
    """Why ``offer`` is not offered now, in one line with the way back; None when it may be."""
    if state.allows(offer):
        return None
    what = {
        Offer.ROUTINE: "no routine now",
        Offer.PROGRAM_START: "the program cannot start now",
        Offer.PROGRAM_STEP: "no program step now",
    }[offer]
    if state.newest is None:
        return f"{what}: it starts after a check that allows self-care; run the check: {program}"
    return (
        f"{what}: the newest advice is {advice_line(state.newest, triage)}; self-care waits "
        f"for a new check that allows it: {program} (read the advice again: {program} advice)"
    )


def check_clock(state: SafetyState, now: datetime, triage: TriageProtocol) -> None:
    """Refuse, in one line, to go on while the clock reads earlier than the newest advice."""
    if state.newest is None or not state.clock_behind(now):
        return

    raise UsageError(
        f"the computer's clock ({time_label(now.astimezone())}) is earlier than the newest "
        f"saved advice, {advice_line(state.newest, triage)}: check the date and time"
    )


def forgetting(history: History, before: datetime | None, triage: TriageProtocol) -> str | None:
    """Said before records are deleted when the newest advice is among them (else None).

    Deleting a record does not make its advice wrong: the person is told to follow it still,
    and that a new check comes before any self-care (with nothing saved, none is offered).
    """
    newest = safety_state(history.advice()).newest
    if newest is None or newest.allows_self_care or not history.would_forget(newest, before):
        return None
    return (
        f"this deletes the newest advice too, {advice_line(newest, triage)}. Follow it still: "
        "self-care starts again only after a new check."
    )


def show_advice(env: Environment, library: Library) -> None:
    """The newest advice in full, whatever gave it, with when, why and the way back."""
    triage = library.triage()
    out = env.out()
    history = open_history(env.history_folder(), create=False, on_skip=env.warn, reading=True)
    if history is None:
        out.print(messages.no_advice_yet(env.program), markup=False)
        return
    with history:
        state = safety_state(history.advice())
        newest = state.newest
        record = (
            history.triage_result(newest.record_id)
            if newest is not None and newest.source is AdviceSource.CHECK and newest.record_id
            else None
        )
    if newest is None:
        out.print(messages.no_advice_yet(env.program), markup=False)
        return
    out.print(messages.newest_advice(advice_line(newest, triage)), style="bold", markup=False)
    because: Item | None = None
    if record is not None:
        rule = next((r for r in triage.rules if r.id == record.rule), None)
        if rule is not None:
            because = Item(text=rule.because, sources=rule.sources, practice=rule.practice)
    elif newest.source is AdviceSource.ROUTINE_STOP and newest.level is not None:
        because = stop_reason(triage, newest.level)
    elif newest.source is AdviceSource.PROGRAM_STOP and newest.because:
        said = newest.because.removeprefix("stopped: ")
        because = Item(text=f"Back to running stopped: {said}.")
    content = None
    printed = 0
    if newest.level is not None and newest.source is not AdviceSource.CLEARANCE:
        content = disposition_content(newest.level, triage, because=because)
        printed = screen.show_result(env, content)
        for pid in triage.dispositions.of(newest.level).protocols:
            out.print(messages.read_in_full(env.program, pid), markup=False)
            printed += 1
    elif newest.source is AdviceSource.CLEARANCE:
        out.print(newest.because, markup=False)
    if state.blocked:
        out.print(messages.way_back(env.program), style="bold", markup=False)
    if content is not None:
        screen.keep_in_sight(env, content, printed + 2)
