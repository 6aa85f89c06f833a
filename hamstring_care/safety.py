"""The safety state: the newest advice, whatever gave it, and what may be offered now.

Advice comes from a check, from a routine stopped because it hurt, from a program's stop, or
from a clinician's clearance to start a program. The newest wins, by the real moment it was
saved (a demonstration's date never outranks a real check). While it is RICE or more urgent
no routine, plan or program step is offered or played, by any command, until a newer check
allows self-care; it can always be read again. One function answers "may this be offered
now?": ``SafetyState.allows``. Pure: the history hands over the advice it holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from hamstring_care.vocab import AdviceSource, Disposition, Word


class Offer(Word):
    """What a command is about to offer or play."""

    ROUTINE = "routine"
    """A routine or a plan's routines: `run`, `run --plan`, "play your routine again"."""
    PROGRAM_START = "program_start"
    """A program's start or restart: it also needs a check (or a clearance) to start from."""
    PROGRAM_STEP = "program_step"
    """Today's step of a program under way."""


UNREADABLE_CARE = 6
"""Advice whose record cannot be read counts as more careful than any level."""


@dataclass(frozen=True)
class Advice:
    """One piece of advice as saved: what gave it, how urgent, when, and why."""

    source: AdviceSource
    level: Disposition | None
    """None when its record cannot be read: then it counts as the most careful."""
    given_at: datetime
    """The moment as saved and shown (a demonstration's date, when one was set)."""
    recorded_at: datetime | None
    """The real moment it was saved; None in a file from before these were kept."""
    because: str = ""
    """Why, when the record says: a stop's reason, a clearance's plan, a check's rule id."""
    record_id: int | None = None
    """The row that gave it: a check's, a session's or (a stop, a clearance) a program's."""

    @property
    def order(self) -> tuple[int, datetime, int]:
        """The sort key, oldest first.

        Real moments after those without, then by moment, then, at the same moment, the more
        careful advice last (it wins).
        """
        care = UNREADABLE_CARE if self.level is None else len(Disposition) - self.level.urgency
        moment = self.recorded_at or self.given_at
        return (self.recorded_at is not None, moment, care)

    @property
    def allows_self_care(self) -> bool:
        """Self-care may go on after this advice."""
        return self.level is Disposition.SELF_MASSAGE


@dataclass(frozen=True)
class SafetyState:
    """The newest advice, and what it allows."""

    newest: Advice | None

    def allows(self, offer: Offer) -> bool:
        """May ``offer`` be offered or played now?

        Routines may be played before any advice at all (a clinician's sheet names them);
        a program starts only after advice that allows self-care; nothing self-care follows
        advice of RICE or more urgent, or advice that cannot be read.
        """
        if self.newest is None:
            return offer is Offer.ROUTINE
        return self.newest.allows_self_care

    @property
    def blocked(self) -> bool:
        """The newest advice stops self-care until a newer check."""
        return self.newest is not None and not self.newest.allows_self_care

    def clock_behind(self, now: datetime) -> bool:
        """The clock reads earlier than the newest advice was saved (set back, or wrong).

        Advice saved then would count as older than advice it follows: nothing is saved or
        offered until the clock is right.
        """
        saved = self.newest.recorded_at if self.newest is not None else None
        return saved is not None and now.replace(microsecond=0) < saved


def safety_state(advice: Iterable[Advice | None]) -> SafetyState:
    """The state from every source's newest advice (None where a source has none)."""
    given = [a for a in advice if a is not None]
    return SafetyState(max(given, key=lambda a: a.order) if given else None)
