"""The guided check: notice, warning signs, questions, result, then the next step.

A re-check after RICE compares the new answers with the last ones; the result is saved as
soon as it is shown (before any routine starts); each recommended routine is offered and
played through the session flow. Everything real comes from the ``Environment``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text

from hamstring_care import messages
from hamstring_care.asking import BACK, Asker
from hamstring_care.dates import time_label
from hamstring_care.flows import safety as said
from hamstring_care.flows import screen
from hamstring_care.flows.session import RunOptions, ends_self_care, session_with_log
from hamstring_care.history import progress, view
from hamstring_care.models import ProgramProtocol, RoutineProtocol
from hamstring_care.render import terminal
from hamstring_care.render.content import Citations, block_for, describe_answer, result_content
from hamstring_care.safety import Offer
from hamstring_care.tailoring import tailor
from hamstring_care.triage import applicable, decide, evaluate, resolve, triage
from hamstring_care.vocab import RED_FLAGS, Ask, Disposition, Side
from hamstring_care.words import count

if TYPE_CHECKING:
    from datetime import datetime

    from hamstring_care.context import Environment
    from hamstring_care.history.log import ProgressLog
    from hamstring_care.models import Question, RoutineProtocol, TriageProtocol
    from hamstring_care.records import Session, TriageRecord
    from hamstring_care.source.library import Library
    from hamstring_care.triage import TriageResult


def ask(
    protocol: TriageProtocol,
    asker: Asker,
    red_flags: list[str] | None = None,
    given: dict[str, Any] | None = None,
    onset_days: int | None = None,
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Ask the warning signs (unless already asked), then each question that applies.

    The questions stop once an urgent result is certain. Answers ``given`` are kept and
    not asked again (after one is changed, only what now applies and is missing is asked).
    A re-check passes the last check's answers as ``before``: what cannot have changed is
    kept (a question's ``recheck: keep``, a checklist's ``keep`` ticks), what may have is
    offered with "still true?" (``recheck: confirm``, and a checklist's other ticks, a "none"
    included: never reused silently), the rest is asked again; ``onset_days`` (the days
    since onset counted on from the last check) is offered as a yes or no first.
    """
    flags = asker.red_flags(protocol.red_flags) if red_flags is None else red_flags
    answers: dict[str, Any] = {**(given or {}), RED_FLAGS: flags}
    asked: list[str] = []  # the questions asked here, in order, for Esc to step back through
    index = 0
    while index < len(protocol.questions):
        question = protocol.questions[index]
        early = decide(protocol, answers)
        if early is not None and early.disposition.stops_the_check:
            break
        index += 1
        if question.ask_if is not None:
            effective, _ = resolve(protocol, answers)
            if evaluate(protocol, question.ask_if, effective)[0] is False:
                continue
        if question.id in answers:
            continue
        if question.role == "days_since_onset" and onset_days is not None:
            days = "today" if onset_days == 0 else f"{count(onset_days, 'day')} ago"
            if asker.confirm(
                f"It started {days}, counting on from your last check?", key=Ask.ONSET_COUNTED
            ):
                answers[question.id] = onset_days
                asked.append(question.id)
                continue
        kept = _from_before(protocol, question, asker, before or {})
        if kept is not None:
            answers[question.id] = kept
            asked.append(question.id)
            continue
        answer = asker.question(question)
        if answer == BACK:
            # Esc: the question before is asked again (the first one stays where it is).
            if asked:
                previous = asked.pop()
                del answers[previous]
                index = next(i for i, q in enumerate(protocol.questions) if q.id == previous)
            else:
                index -= 1
            continue
        answers[question.id] = answer
        asked.append(question.id)
    kept = applicable(protocol, answers)
    order = [RED_FLAGS, *(q.id for q in protocol.questions)]
    return {qid: kept[qid] for qid in order if qid in kept}


def _from_before(
    protocol: TriageProtocol, question: Question, asker: Asker, before: dict[str, Any]
) -> Any | None:
    """A re-check's answer carried over from the last check, when it may be; else None."""
    if question.id not in before:
        return None
    value = before[question.id]
    if question.recheck == "keep":
        return value
    if question.type == "checklist":
        # Asked every time, last time's ticks ready to keep or change: a risk factor's "no"
        # is never reused silently; a tick that cannot have changed (a past clot) stays.
        sticky = [v for v in value if v in question.keep] if isinstance(value, list) else []
        again = asker.question(question, previous=value)
        return again if again == BACK else list(dict.fromkeys([*sticky, *again]))
    if question.recheck == "confirm":
        shown = describe_answer(protocol, question.id, value)
        if asker.confirm(f"{question.text} Last time: {shown}. Still true?", key=Ask.STILL_TRUE):
            return value
    return None


def review(
    protocol: TriageProtocol, asker: Asker, answers: dict[str, Any], width: int = 60
) -> dict[str, Any]:
    """The answers listed before the result, with the chance to change any of them.

    Not when an urgent result is already certain: then nothing may hold up the advice. Each
    answer is one line of a ``width``-column terminal, so that the whole list fits a small
    one and a wide one shows the questions whole.
    """
    line = max(REVIEW_LINE, width - 6)  # the list's pointer and margins
    while True:
        early = decide(protocol, answers)
        if early is not None and early.disposition.stops_the_check:
            return answers
        options = [("They are right: show the result", DONE)]
        for qid, value in answers.items():
            question = protocol.question(qid)
            asked = "Warning signs" if qid == RED_FLAGS else (question.text if question else qid)
            shown = describe_answer(protocol, qid, value, short=True)
            asked = _short(asked, max(32, line - 22))  # room left for the answer
            options.append((_short(f"Change {asked} {shown}", line), qid))
        chosen = asker.choose(
            "Before the result, your answers:", options, default=DONE, key=Ask.REVIEW
        )
        if chosen == DONE:
            return answers
        kept = {k: v for k, v in answers.items() if k != chosen}
        if chosen == RED_FLAGS:
            answers = ask(protocol, asker, None, kept)
            continue
        question = protocol.question(chosen)
        answer = asker.question(question) if question is not None else BACK
        if answer == BACK:
            continue  # Esc: the change is called off, the answer stays
        kept[chosen] = answer
        answers = ask(protocol, asker, kept.get(RED_FLAGS, []), kept)


DONE = "__done__"


def counted_onset_days(protocol: TriageProtocol, then: TriageRecord, now: datetime) -> int | None:
    """The last check's days since onset, counted on to today (None when it has none)."""
    question = protocol.onset_question
    before = then.answers.get(question.id) if question else None
    if not isinstance(before, int) or isinstance(before, bool):
        return None
    return before + max(0, (now - then.taken_at).days)


REVIEW_LINE = 54  # the review's lines on a 60-column terminal, the smallest one supported


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


@dataclass(frozen=True)
class CheckOutcome:
    """How the guided check ended: its result, or the program's step asked for instead."""

    result: TriageResult | None = None
    program_step: bool = False
    """The person chose today's step of their program (the command line plays it)."""


def guided_check(env: Environment, library: Library) -> CheckOutcome:
    """The whole guided check, saved to the progress log; returns how it ended.

    A returning user first reads the last advice, in one line; the warning signs come next,
    every time. Only when the newest advice allows self-care (and no re-check is due), and
    no sign is ticked, does it offer today's program step or the routine again instead of
    the other questions; after advice of RICE or worse it goes straight on into the check,
    the way back. The result is saved before it is shown.
    """
    protocol = library.triage()
    asker = env.asker()
    console = env.out()
    with contextlib.closing(env.progress_log()) as log:
        last = log.last_triage()
        state = log.safety()
        said.check_clock(state, env.recorded(), protocol)
        opening = progress.recheck_due(last, env.now(), protocol.follow_up.recheck)
        where = said.last_advice(state, protocol)
        note = library.override_note("triage")
        above = [
            *([Text(where)] if where and not opening else []),
            *([Text(opening, style="bold")] if opening else []),
            *([Text(note, style="dim")] if note else []),
            terminal.notice(protocol) if not env.plain_text else Text(_notice_text(protocol)),
        ]
        rows = sum(len(console.render_lines(part, pad=False)) for part in above)
        for part in above:
            console.print(part)
        # Before anything else, every time; what was just said stays in sight above it.
        flags = asker.red_flags(protocol.red_flags, in_sight=rows)
        offers = not opening and not flags and state.allows(Offer.ROUTINE)
        choice = _what_now(env, library, last, log) if offers else "new"
        if choice == "today":
            return CheckOutcome(program_step=True)
        if choice == "again" and last is not None:
            _play_again(env, library, last, log)
            return CheckOutcome()
        recheck = last if opening or state.blocked else None
        onset = counted_onset_days(protocol, last, env.now()) if recheck and last else None
        before = dict(recheck.answers) if recheck else None
        asked = ask(protocol, asker, flags, onset_days=onset, before=before)
        answers = review(protocol, asker, asked, width=console.width)
        result = triage(protocol, answers)
        previous = last if opening else None
        # Saved before it is shown: advice on screen is advice in the history.
        saved = log.save_triage(result, recheck_of=previous.id if previous else None)
        citations = Citations()  # one numbering for the result and what follows it
        console.print()
        content = result_content(result, protocol, citations)
        printed = screen.show_result(env, content)
        if previous is not None:
            printed += _compare(env, protocol, previous, result)
        screen.keep_in_sight(env, content, printed)  # the level and what to do now
        leg = last.side if last else None  # the leg chosen last time
        follow(env, result, library, citations, log, saved, leg)
        _offer_program(env, library, result, log)
        due = progress.recheck_from(result.disposition, env.now(), protocol.follow_up.recheck)
        if due is not None and saved is not None:
            console.print(
                messages.saved_check_again(env.program, time_label(due.astimezone())),
                style="bold",
                markup=False,
            )
    return CheckOutcome(result)


def _offer_program(
    env: Environment, library: Library, result: TriageResult, log: ProgressLog
) -> None:
    """After a self-care result for a sudden strain (a runner's, a player's), the way back.

    One line with the command, as a routine declined gets, once the routines are done with:
    only when the newest advice (a stop included) allows a program and none is under way.
    """
    if result.answers.get("onset") != "sudden" or log.active_program() is not None:
        return
    if not log.safety().allows(Offer.PROGRAM_START):
        return
    programs = library.of_kind(ProgramProtocol)
    if not programs:
        return
    program = library.get(programs[0], ProgramProtocol)
    env.out().print()
    env.out().print(
        messages.back_to_running(program.title, env.program, program.id),
        markup=False,
    )


def _what_now(
    env: Environment, library: Library, last: TriageRecord | None, log: ProgressLog
) -> str:
    """After no warning sign, self-care allowed: today's step, the routine again, or a check.

    Returns ``today``, ``again`` or ``new``; only offers what there is.
    """
    options: list[tuple[str, str]] = []
    under_way = log.active_program()
    if under_way is not None and under_way.program_id in library.entries():
        title = library.get(under_way.program_id).title
        options.append((f"Today's step of your program ({title})", "today"))
    if last is not None and last.disposition == Disposition.SELF_MASSAGE:
        routines = [pid for pid in _recommended(library, last) if pid in library.entries()]
        if routines:
            titles = " and ".join(library.get(pid).title for pid in routines)
            side = last.side
            leg = f", {side.legs_words}" if side else ""
            options.append((f"Play your routine again ({titles}{leg})", "again"))
    if not options:
        return "new"
    question = (
        "No warning sign. A program is under way: what now?"
        if under_way is not None
        else "No warning sign. Last time the check suggested self-care: what now?"
    )
    options.append(("Start a new check", "new"))
    return env.asker().choose(question, options, default=options[0][1], key=Ask.WHAT_NOW)


def _recommended(library: Library, check: TriageRecord) -> list[str]:
    return list(library.triage().dispositions.of(check.disposition).protocols)


def _play_again(env: Environment, library: Library, check: TriageRecord, log: ProgressLog) -> None:

    protocol = library.triage()
    side = _ask_leg(env, check.side)
    log.remember_side(check.id, side)
    for pid in _recommended(library, check):
        routine = library.get(pid)
        if not isinstance(routine, RoutineProtocol):
            continue
        if not tailor(routine, protocol, check.cautions).steps:
            continue
        if _offer(env, routine, protocol, check.cautions, side, log, check.id):
            return


def _offer(
    env: Environment,
    routine: RoutineProtocol,
    protocol: TriageProtocol,
    cautions: list[str],
    side: Side,
    log: ProgressLog,
    triage_id: int | None,
) -> bool:
    """Offer a routine for the leg chosen and play it if wanted (declined: how to come back).

    True when it was stopped because it hurt and self-care ends there.
    """
    if not env.asker().confirm(
        f"Start “{routine.title}” now ({side.legs_words})?", key=Ask.START_ROUTINE
    ):
        env.out().print(come_back(env, routine.id, side), markup=False)
        return False
    played: Session = session_with_log(
        env, routine, protocol, cautions, RunOptions(side=side), log, triage_id
    )
    return ends_self_care(played)


def _compare(
    env: Environment, protocol: TriageProtocol, then: TriageRecord, result: TriageResult
) -> int:
    """Then and now, answer by answer; returns the rows it took."""
    changes = progress.compare_answers(protocol, then.answers, result.answers)
    console = env.out()
    table = view.recheck_comparison(changes, then, result.disposition, protocol, None)
    console.print()
    console.print(table)
    console.print()
    return screen.rows(console, table) + 2


def follow(
    env: Environment,
    result: TriageResult,
    library: Library,
    citations: Citations,
    log: ProgressLog,
    triage_id: int | None = None,
    leg: Side | None = None,
) -> None:
    """Hand over to what the result recommends: guidance, routines offered, to read first.

    Long text never goes in front of the result: guidance and each routine's steps are
    offered to read (in a pager on a terminal). Before the first routine is offered, the
    leg is asked (the last check's answer is offered first) and kept with the check. A
    routine declined gets the command that starts it later. Once a routine is stopped
    because it hurt and the stop check routes to RICE or a clinician, self-care ends there:
    no further routine is shown or offered.
    """
    protocol = library.triage()
    console = env.out()
    asker = env.asker()
    side: Side | None = None
    paged = "" if env.plain_text else " (in a pager: q comes back here)"
    for pid in result.protocols:
        recommended = library.get(pid)
        if not isinstance(recommended, RoutineProtocol):
            # Guidance runs long (RICE is some 60 lines): on request, not under the result.
            if asker.confirm(f"Read “{recommended.title}” now?{paged}", key=Ask.READ_GUIDANCE):
                screen.page(env, block_for(recommended, citations))
            console.print(messages.read_any_time(env.program, pid), markup=False)
            continue
        tailored = tailor(recommended, protocol, result.cautions)
        if not tailored.steps:
            continue
        steps = count(len(tailored.steps), "step")
        if asker.confirm(
            f"Read the {steps} of “{recommended.title}” first?{paged}", key=Ask.READ_ROUTINE
        ):
            screen.page(env, block_for(tailored, citations))
        if side is None:
            side = _ask_leg(env, leg)
            log.remember_side(triage_id, side)
        if _offer(env, recommended, protocol, result.cautions, side, log, triage_id):
            return


def _notice_text(protocol: TriageProtocol) -> str:
    """The notice as plain lines: its title, then its text (no box for a screen reader)."""
    return f"{protocol.title}\n{protocol.notice}"


def _ask_leg(env: Environment, remembered: Side | None) -> Side:
    """Which leg the routines are for; the remembered answer is offered first."""
    options = [(f"{side.legs_words.capitalize()}", str(side)) for side in LEG_ORDER]
    if remembered is not None:
        options = [
            (f"{label} (as last time)" if value == remembered else label, value)
            for label, value in options
        ]
    chosen = env.asker().choose(
        "Which leg hurts?", options, default=str(remembered) if remembered else None, key=Ask.LEG
    )
    return Side(chosen)


LEG_ORDER = (Side.RIGHT, Side.LEFT, Side.BOTH)


def come_back(env: Environment, routine_id: str, side: Side) -> str:
    """The command that starts a routine later, for the leg chosen."""
    return messages.start_later(env.program, routine_id, None if side == Side.BOTH else side)
