"""The records the progress log keeps, typed: beneath both the flows and the store.

The flows build them and read them; the store maps each to its table. Every field that holds
a word of the shared vocabulary holds it as its type (a disposition, a leg, a stop reason, a
program's decision), read back from the file only when it is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hamstring_care.progression import CheckIn
from hamstring_care.vocab import DecisionKind, Disposition, Side, StopReason
from hamstring_care.words import count


@dataclass(frozen=True)
class TriageRecord:
    """One saved triage result."""

    id: int
    taken_at: datetime
    triage_version: str
    disposition: Disposition
    rule: str
    answers: dict[str, Any]
    cautions: list[str]
    recheck_of: int | None = None
    side: Side | None = None
    """The leg chosen for the routines this check recommended (None: none chosen)."""
    recorded_at: datetime | None = None
    """The real moment it was saved (None in a file from before version 5)."""


@dataclass(frozen=True, kw_only=True)
class Session:
    """One routine session, as far as it got: built by the session flow, saved and read here.

    ``ended_at`` is None while it plays, and stays None for a session that was killed.
    ``id`` and ``updated_at`` are the log's (None until saved).
    """

    id: int | None = None
    routine_id: str
    routine_version: str
    side: Side
    started_at: datetime
    updated_at: datetime | None = None
    ended_at: datetime | None = None
    segments_total: int
    segments_completed: int = 0
    segments_skipped: int = 0
    holds_extended: int = 0
    stopped_early: bool = False
    stop_reason: StopReason | None = None
    stop_disposition: Disposition | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    planned_seconds: int
    elapsed_seconds: float = 0.0
    triage_id: int | None = None
    recorded_at: datetime | None = None
    """The real moment of its last update (None in a file from before version 5)."""
    clearance: str | None = None
    """Played under a clinician's plan despite the newest advice: the plan, as said then."""


@dataclass(frozen=True, kw_only=True)
class ProgramRun:
    """A back-to-running program from its start (``ended_at`` None while under way)."""

    id: int | None = None
    program_id: str
    program_version: str
    side: Side
    start_stage: str
    pain_limit: int | None = None
    """A stricter pain limit than the program's, from a clinician's plan."""
    started_at: datetime
    triage_id: int | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    recorded_at: datetime | None = None
    """The real moment it started (None in a file from before version 5)."""
    ended_recorded_at: datetime | None = None
    """The real moment it ended."""
    stop_level: Disposition | None = None
    """Stopped by a rule, or by newer advice: how urgent (self-care waits for a new check)."""
    onset_day: date | None = None
    """The day of the injury, from the check it started after: its floors count from it."""
    clearance: str | None = None
    """Started despite the newest advice, or at a later stage, on a clinician's word: which."""

    @property
    def stopped(self) -> bool:
        """Ended by a stop of its own or by newer advice (not by a restart)."""
        reason = self.end_reason or ""
        return self.stop_level is not None or reason.startswith(("stopped", "newer advice"))


@dataclass(frozen=True, kw_only=True)
class ProgramCheckIn:
    """One day's check-in of a program, as saved, and the decision it led to (once known)."""

    id: int | None = None
    run_id: int
    check: CheckIn
    """What the runner said, as the decisions read it."""
    taken_at: datetime
    recorded_at: datetime | None = None
    decision: DecisionKind | None = None
    next_stage: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class ProgramStop:
    """A program's end, saved with what ended it.

    A rule or newer advice (``level`` set: self-care waits for a newer check), or a restart
    (``level`` None).
    """

    run_id: int
    reason: str
    level: Disposition | None
    at: datetime
    recorded_at: datetime | None = None


@dataclass
class Counts:
    """How many rows a change touched, or the log holds."""

    sessions: int = 0
    triage_results: int = 0
    programs: int = 0
    check_ins: int = 0
    """A program's daily check-ins (they go and come with their program)."""

    @property
    def any(self) -> bool:
        """Whether there is anything at all."""
        return bool(self.sessions or self.triage_results or self.programs or self.check_ins)

    def in_words(self) -> str:
        """``"3 sessions, 2 checks, 1 program and 4 program check-ins"``.

        Sessions and checks always; programs and their check-ins when there are any.
        """
        parts = [count(self.sessions, "session"), count(self.triage_results, "check")]
        if self.programs:
            parts.append(count(self.programs, "program"))
        if self.check_ins:
            parts.append(count(self.check_ins, "program check-in"))
        return ", ".join(parts[:-1]) + " and " + parts[-1]
