"""The words the flows say, each in one place: a constant, or a function of the values it needs.

The flows print these (style and markup stay theirs); the tests assert on these values, so a
change of wording touches this module only. Clinical content (titles, advice, questions, rules)
is not here: it is data, in the protocols' YAML. ``program`` is always the command as the user
runs it (``Environment.program``), for hints.
"""

from __future__ import annotations

from collections.abc import Sequence

from hamstring_care.vocab import DecisionKind
from hamstring_care.words import count

# --- the check (flows/check.py) ------------------------------------------------------------


def saved_check_again(program: str, when: str) -> str:
    """After a result is saved: when the re-check is due (``when`` as people read a time)."""
    return f"Saved. Check again with {program} from {when}."


def back_to_running(title: str, program: str, pid: str) -> str:
    """The back-to-running program named after a self-care result for a sudden strain."""
    return (
        f"Back to running or sport after this strain? {title} takes you there in "
        f"stages, from your answers day by day: {program} program start {pid}"
    )


def read_any_time(program: str, pid: str) -> str:
    """A protocol the check names, and where to read it later."""
    return f"Read it any time with: {program} protocols show {pid}"


def start_later(program: str, routine_id: str, leg: str | None) -> str:
    """The command that starts a routine later (``leg`` None: both legs, no option)."""
    which = "" if leg is None else f" --side {leg}"
    return f"Start it later with: {program} run {routine_id}{which}"


# --- the safety state (flows/safety.py) ----------------------------------------------------


def no_advice_yet(program: str) -> str:
    """Nothing saved yet to report on: the check comes first."""
    return f"No advice saved yet. Start with the check: {program}"


def newest_advice(line: str) -> str:
    """``line`` is the advice and when it was given (``safety.advice_line``)."""
    return f"The newest advice: {line}."


def read_in_full(program: str, pid: str) -> str:
    """Where the protocol behind the newest advice is read in full."""
    return f"Read it in full: {program} protocols show {pid}"


def way_back(program: str) -> str:
    """The way back to self-care, said after any advice of RICE or more urgent."""
    return f"Self-care waits for a new check that allows it: {program}"


# --- a session (flows/session.py) ----------------------------------------------------------

NO_SPEECH = "No speech command found (espeak-ng, spd-say or say): cues are bells only."


STOPPED_HURT = "Stopped because it hurt"
STOPPED_EARLY = "Stopped early"


def session_summary(
    steps: str,
    took: str,
    *,
    stopped: str | None = None,
    skipped: bool = False,
    longer: int = 0,
    pain: tuple[int, int] | None = None,
) -> str:
    """One line saying how a session went.

    Args:
        steps: the steps done, as ``Session.steps_words`` says them.
        took: the time it took, as people read it (``2:00``).
        stopped: ``"hurts"`` or ``"quit"`` when the session stopped, else None.
        skipped: some steps were skipped.
        longer: how many holds were made longer.
        pain: the pain before and after, when both were given.
    """
    if stopped is not None:
        how = STOPPED_HURT if stopped == "hurts" else STOPPED_EARLY
        line = f"{how}: {steps} in {took}"
    elif skipped:
        line = f"Played {steps}, in {took}"
    else:
        line = f"Done: {steps} in {took}"
    if longer:
        line += f", {count(longer, 'hold')} made longer"
    if pain is not None:
        line += f". Pain {pain[0]} -> {pain[1]}"
    return line + "."


def routine_of(number: int, of: int, title: str) -> str:
    """The heading of one routine of a plan's several."""
    return f"Routine {number} of {of}: {title}"


def no_more_routines(program: str, pids: Sequence[str]) -> str:
    """After a stop: the way back, and where the advice (and its protocols ``pids``) is read."""
    read = [f"{program} advice", *(f"{program} protocols show {pid}" for pid in pids)]
    return (
        f"No more routines until a new check allows them (start one with {program}). "
        "Read this advice again with: " + " and ".join(read)
    )


def playing_on(clearance: str) -> str:
    """Said when a clinician's plan clears a routine the newest advice would refuse."""
    return f"Playing on {clearance}; saved with the session."


# --- back to running (flows/program.py) ----------------------------------------------------

CHECK_IN_DONE = "Today's check-in is done. Next step tomorrow."
STOPPED_HURTS = "Stopped because it hurts: no more exercise today. The check-in follows."
OTHER_WINDOW_STOPS = (
    "Another window saved today's check-in meanwhile; yours stops the program, so it "
    "is kept instead."
)
CHECK_IN_HEADING = "Check-in, after today's exercises and walk or run:"
WARNING_SIGNS = "Warning signs:"
LAST_CHECK_INS = "Last check-ins:"
# How the morning after a check-in went, as the status's list says it (None: not asked yet).
SETTLED = {True: "settled", False: "not settled", None: "morning to come"}


STOP_PROGRAM = "Stop the program and check again now"
MORNING_DECIDES = (
    "Saved. Tomorrow morning's question, whether the pain was back to how it was "
    "before the session, decides the next step."
)


def next_stage(kind: DecisionKind, heading: str, *, first: bool = False) -> str:
    """Where a decision leads (``heading`` the stage's); ``first``: a step back stays there."""
    if first:
        return f"Staying at {heading}, the first stage"
    verb = {DecisionKind.STEP_BACK: "Back to", DecisionKind.MOVE_ON: "On to"}.get(
        kind, "Staying at"
    )
    return f"{verb} {heading}"


def decided(head: str, because: str) -> str:
    """A decision (``head``: ``STOP_PROGRAM`` or ``next_stage``) and the engine's reason."""
    return f"{head}: {because}."


def rule(rule_id: str, text: str) -> str:
    """The rule that decided, by its id and in the protocol's words."""
    return f"Rule ({rule_id}): {text}"


def source(citation: str) -> str:
    """One source of a rule, indented under it."""
    return f"  Source: {citation}"


def earlier_stage_first(number: int, title: str, before_title: str) -> str:
    """Before the questions that let a person start at stage ``number``, skipping the one before."""
    return (
        f"To start at stage {number} ({title}), stage {number - 1} ({before_title}) "
        "should be done already:"
    )


def started(title: str, legs: str) -> str:
    """The program started, for which legs."""
    return f"Started {title} ({legs})."


def started_on(clearance: str) -> str:
    """The clearance a start at a later stage rests on, as saved."""
    return f"Saved: started on {clearance}."


def program_stages(titles: Sequence[str]) -> str:
    """The stages, counted and named in order (``3 stages: Walk, Jog, Run.``)."""
    return f"{len(titles)} stages: {', '.join(titles)}."


def moves_by_answers(pain_limit: int) -> str:
    """How a stage moves on: by answers within the pain limit, not by the calendar."""
    return (
        f"Each stage moves on by your answers, not by the calendar: pain during at most "
        f"{pain_limit} out of 10, and back to usual by the next morning."
    )


def at_the_quickest(days: int) -> str:
    """The least time to the last stage: ``days`` good check-ins (no typical time is known)."""
    return (
        f"At the quickest, {days} days of good check-ins to the last stage; a bad "
        "day, a break, or a stage's earliest day after the injury (below) makes it longer."
    )


def not_before(title: str, earliest_day: int, date: str) -> str:
    """A stage that cannot start before a day after the injury (``date`` as people read it)."""
    return f"{title} starts no earlier than day {earliest_day} after the injury ({date})."


def each_day(program: str) -> str:
    """The command for each day of the program."""
    return f"Each day: {program} program today"


def stage_heading(number: int, of: int, title: str) -> str:
    """``Stage 2 of 4: Jog``."""
    return f"Stage {number} of {of}: {title}"


def morning_missed(day: str) -> str:
    """The morning after a session went by unanswered: what it counts as."""
    return (
        f"The morning question after your session on {day} was not answered on the morning "
        "after: it counts as not back to usual by the next morning."
    )


def after_long_break(days: int) -> str:
    """Today starts a stage lower after a break of ``days`` at a running stage."""
    return (
        f"{days} days since your last check-in: after a break this long at "
        "a running stage, today starts one stage lower (clinic practice, not a tested rule)."
    )


def check_in_when_back(program: str) -> str:
    """Said when the check-in is left for later."""
    return f"Check in when you are back: {program} program today"


def program_stopped(title: str, program: str) -> str:
    """The program stopped: said with the way back to self-care."""
    return f"{title} has stopped. {way_back(program)}"


def read_advice_again(program: str) -> str:
    """Where advice just given is read again."""
    return f"Read this again with: {program} advice"


def today(heading: str) -> str:
    """The heading of today's step (``heading`` is the stage's, as ``stage_heading`` says)."""
    return f"Today: {heading}"


def exercises(titles: Sequence[str]) -> str:
    """Today's first item: its routines, in order."""
    return f"1. Exercises: {', then '.join(titles)}"


def numbered(number: int, text: str) -> str:
    """One numbered item of today's step."""
    return f"{number}. {text}"


def pain_limit_today(pain_limit: int) -> str:
    """The pain limit for today's exercises, walk and run."""
    return (
        f"The exercises, walk and run may reach {pain_limit} out of 10 at most "
        "(stretching never into pain); stop if anything on the warning-sign list happens."
    )


def not_today(title: str, dose: str) -> str:
    """A routine left out today, with why (``dose`` says what the stage gives instead)."""
    return f"{title}: not today: {dose}."


def listed(item: str) -> str:
    """One item of a list under a heading (the warning signs)."""
    return f"  - {item}"


def program_day(title: str, day: int, legs: str) -> str:
    """The status's heading: the program, its day and the legs."""
    return f"{title}, day {day} ({legs})"


def paused(why: str) -> str:
    """Why the program is paused."""
    return f"Paused: {why}."


def so_far(good: int, of: int) -> str:
    """Good check-ins in a row at this stage, of those that move it on."""
    return f"So far: {good} of {of} in a row."


def last_decision(day: str, decided: str, because: str, rule: str) -> str:
    """The newest decision, when (``day``), why and by which rule."""
    return f"Last decision, {day}: {decided} ({because}; {rule})."


def waiting_for_morning(day: str, program: str) -> str:
    """A check-in waits for the next morning's answer, which ``program today`` asks."""
    return f"Waiting: how the morning after {day} went ({program} program today asks)."


def check_in_row(day: str, stage: str, pain: int | None, settled: bool | None, kind: str) -> str:
    """One row of the status's last check-ins; ``pain`` None when not given."""
    said = "-" if pain is None else pain
    return f"  {day:<10}  {stage}: pain {said}/10, {SETTLED[settled]} -> {kind}"
