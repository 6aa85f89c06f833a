"""The progress log as the guided check and the player use it: save as you go, never block.

A failure to save never stops a check or a routine: the first one prints one warning, and
nothing more is tried for the rest of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from hamstring_care.dates import utc_now
from hamstring_care.errors import HistoryError
from hamstring_care.history.store import History, newer_message, open_history
from hamstring_care.safety import SafetyState, safety_state

if TYPE_CHECKING:
    from hamstring_care.records import ProgramRun, Session, TriageRecord
    from hamstring_care.triage import TriageResult

T = TypeVar("T")
UNSAVED = "nothing will be saved this time"


class ProgressLog:
    """The history file, or nothing when it cannot be written (after one warning)."""

    def __init__(
        self,
        history: History | None,
        warn: Callable[[str], None],
        now: Callable[[], datetime] = utc_now,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self.history = history
        self.warn = warn
        self.now = now
        self.wall = wall or now

    @classmethod
    def open(
        cls,
        folder: Path,
        warn: Callable[[str], None],
        now: Callable[[], datetime] = utc_now,
        wall: Callable[[], datetime] | None = None,
    ) -> ProgressLog:
        """Open the history in ``folder`` for writing, or warn once and save nothing.

        ``wall`` is the real clock, saved with each record (``now`` may be a demonstration's).
        """
        try:
            history = open_history(folder, on_skip=warn)
        except HistoryError as error:
            warn(f"{error.lines[0]}; {UNSAVED}")
            return cls(None, warn, now, wall)
        if not history.writable:
            warn(newer_message(history.path, history.version))
            history.close()
            return cls(None, warn, now, wall)
        return cls(history, warn, now, wall)

    def close(self) -> None:
        """Close the file."""
        if self.history is not None:
            self.history.close()

    def _guard(self, action: Callable[[History], T], default: T) -> T:
        if self.history is None:
            return default
        try:
            return action(self.history)
        except HistoryError as error:
            self.history.close()
            self.history = None
            self.warn(f"{error.lines[0]}; {UNSAVED}")
            return default

    # --- what the guided check needs ----------------------------------------------------

    def last_triage(self) -> TriageRecord | None:
        """The last saved check, if any."""
        return self._guard(lambda h: h.last_triage(), None)

    def save_triage(self, result: TriageResult, recheck_of: int | None = None) -> int | None:
        """Save a check's result; return its id (None when not saved)."""
        return self._guard(
            lambda h: h.add_triage(
                taken_at=self.now(),
                triage_version=result.triage_version,
                disposition=result.disposition,
                rule=result.rule,
                answers=result.answers,
                cautions=result.cautions,
                recheck_of=recheck_of,
                recorded_at=self.wall(),
            ),
            None,
        )

    def active_program(self) -> ProgramRun | None:
        """The back-to-running program under way, if any."""
        return self._guard(lambda h: h.active_program(), None)

    def safety(self) -> SafetyState:
        """The newest advice and what it allows (none known when the log cannot be read)."""
        return self._guard(lambda h: safety_state(h.advice()), SafetyState(None))

    def remember_side(self, triage_id: int | None, side: str) -> None:
        """Keep the leg chosen for a check's routines with the check."""
        if triage_id is not None:
            self._guard(lambda h: h.set_side(triage_id, side), None)

    def sessions_of(self, routine_id: str, since: datetime) -> list[Session]:
        """One routine's sessions started at or after ``since``."""
        found: list[Session] = self._guard(lambda h: h.sessions(since=since), [])
        return [s for s in found if s.routine_id == routine_id]

    def sessions_since(self, days: int) -> list[Session]:
        """Sessions of the last ``days`` days."""
        since = self.now() - timedelta(days=days)
        return self._guard(lambda h: h.sessions(since=since), [])

    def recorder(self, triage_id: int | None = None) -> SessionRecorder:
        """A recorder for one routine session."""
        return SessionRecorder(self, triage_id)


class SessionRecorder:
    """Saves a session to the progress log as it goes (the session flow's ``Recorder``)."""

    def __init__(self, log: ProgressLog, triage_id: int | None = None) -> None:
        self.log = log
        self.triage_id = triage_id
        self.session_id: int | None = None

    def started(self, session: Session) -> None:
        """Save the new session row, linked to the check that recommended it."""
        linked = replace(session, triage_id=self.triage_id, recorded_at=self.log.wall())
        self.session_id = self.log._guard(lambda h: h.save_session(linked), None)

    def progress(self, session: Session) -> None:
        """Save how far the session has got."""
        self._update(session)

    def finished(self, session: Session) -> None:
        """Save the end of the session."""
        self._update(session)

    def _update(self, session: Session) -> None:
        session_id = self.session_id
        if session_id is None:
            return
        now = replace(session, recorded_at=self.log.wall())
        self.log._guard(
            lambda h: h.update_session(session_id, now, updated_at=self.log.now()), None
        )
