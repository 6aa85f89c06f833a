"""A history read once for a clinician.

The records oldest first, with their stable ids, each program's decisions, the newest
advice, the times self-care was stopped, and the prescription followed.
The progress report and the FHIR export are both made from a ``Summary``, so they say the
same things about the same records. Reading only: nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hamstring_care.dates import day_label
from hamstring_care.history.store import (
    UID_TABLES,
    History,
    ProgramCheckIn,
    ProgramRun,
    Session,
    TriageRecord,
)
from hamstring_care.models import ProgramProtocol
from hamstring_care.prescription import Prescribed, Prescription
from hamstring_care.progression import Decision, replay
from hamstring_care.safety import SafetyState, safety_state
from hamstring_care.vocab import DecisionKind, Disposition, Side, known

if TYPE_CHECKING:
    from hamstring_care.models import AnyProtocol, ProgramProtocol, TriageProtocol
    from hamstring_care.prescription import Prescription

    Find = Callable[[str], AnyProtocol | None]
    """A protocol by id, or None when this machine does not have it."""


@dataclass(frozen=True)
class RunSummary:
    """A program from its start: its check-ins and the decisions they led to."""

    run: ProgramRun
    program: ProgramProtocol | None
    """The program as this run follows it (its stricter pain limit); None when unknown here."""
    check_ins: list[ProgramCheckIn]
    decisions: list[Decision]
    """Every decision, oldest first: replayed with its reasons, or as saved when the program
    is unknown here (then without reasons)."""
    stage: str | None
    """The stage of the next session (None when the program is unknown here)."""

    def stage_title(self, sid: str) -> str:
        """A stage's title, or its id when the program is unknown here."""
        if self.program is None or self.program.stage_index(sid) is None:
            return sid
        return self.program.stage_at(sid)[1].title


@dataclass(frozen=True)
class Followed:
    """The prescription the report and the export hold the sessions against, and whence."""

    prescription: Prescription
    source: str
    """Where it comes from, in words: a plan file, or the check that recommended it."""
    open_ended: bool = False
    """No end was prescribed: its sessions are counted up to the report's last day."""


@dataclass(frozen=True)
class Pause:
    """A time when advice of RICE or more urgent stopped self-care, and what gave it."""

    start: dt.datetime
    end: dt.datetime | None
    """When advice that allows self-care came (None: still paused)."""
    level: Disposition
    what: str
    """What gave the advice: "check", "routine stopped", "program stopped"."""

    def covers(self, day: dt.date) -> bool:
        """True when self-care was stopped on ``day``.

        From the stop's day to the day before the advice that allowed it again (on that day
        self-care may go on).
        """
        return local_day(self.start) <= day and (self.end is None or day < local_day(self.end))


@dataclass(frozen=True)
class Summary:
    """Everything a clinician's record of the history holds, oldest first."""

    sessions: list[Session]
    checks: list[TriageRecord]
    runs: list[RunSummary]
    uids: dict[str, dict[int, str]]
    """Each record's stable id, by table and row number (empty for a file before schema 6)."""
    identity: str | None
    """The history's own stable id: the patient's, in an export."""
    state: SafetyState
    followed: Followed | None
    first_day: dt.date | None
    last_day: dt.date
    """The day the summary is read for (today, or the day an export was made)."""
    paused: list[Pause]
    """When advice of RICE or more urgent stopped self-care, oldest first."""

    def uid(self, table: str, record_id: int | None) -> str | None:
        """A record's stable id, if it has one."""
        return self.uids.get(table, {}).get(record_id or 0)


def local_day(moment: dt.datetime) -> dt.date:
    """The calendar day of a moment, where this machine is."""
    return moment.astimezone().date()


def summarize(
    history: History,
    find: Find,
    triage: TriageProtocol,
    today: dt.date,
    plan: Prescription | None = None,
    plan_name: str | None = None,
) -> Summary:
    """Read a history for the report and the export.

    ``plan`` is the prescription a clinician gave (a plan file); without one the prescription
    is the newest check's that allowed self-care (its routines and leg, with a sheet's
    schedule: once a day, every day), or else the routines that were played.
    """
    sessions = list(reversed(history.sessions()))
    checks = list(reversed(history.triage_results()))
    runs = [_run(history, run, find) for run in reversed(history.program_runs())]
    days = [local_day(s.started_at) for s in sessions] + [local_day(c.taken_at) for c in checks]
    days += [local_day(r.run.started_at) for r in runs]
    first = min(days) if days else None
    if plan is not None:
        followed: Followed | None = Followed(plan, f"the plan {plan_name or 'given'}")
    else:
        followed = _inferred(checks, sessions, find, triage, today)
    return Summary(
        sessions=sessions,
        checks=checks,
        runs=runs,
        uids={table: history.uids(table) for table in UID_TABLES},
        identity=history.identity(),
        state=safety_state(history.advice()),
        followed=followed,
        first_day=first,
        last_day=today,
        paused=pauses(checks, sessions, [r.run for r in runs]),
    )


def pauses(
    checks: list[TriageRecord], sessions: list[Session], runs: list[ProgramRun]
) -> list[Pause]:
    """Each time self-care was stopped, from every piece of advice in the order given.

    The same sources as the safety state: a check, a routine stopped because it hurt, a
    program's stop, a clinician's clearance to start a program; each holds until the next.
    """
    events: list[tuple[dt.datetime, Disposition, str]] = []
    for check in checks:
        level = known(Disposition, check.disposition)
        events.append((check.taken_at, level or Disposition.EMERGENCY, "check"))
    for session in sessions:
        level = known(Disposition, session.stop_disposition)
        if session.stop_disposition is not None and level is not Disposition.SELF_MASSAGE:
            when = session.ended_at or session.updated_at or session.started_at
            events.append((when, level or Disposition.EMERGENCY, "routine stopped"))
    for run in runs:
        if run.clearance:
            events.append((run.started_at, Disposition.SELF_MASSAGE, "clearance"))
        if run.ended_at is not None and run.stopped:
            events.append((run.ended_at, run.stop_level or Disposition.RICE, "program stopped"))
    found: list[Pause] = []
    open_pause: tuple[dt.datetime, Disposition, str] | None = None
    for when, level, what in sorted(events, key=lambda e: e[0]):
        if level is Disposition.SELF_MASSAGE:
            if open_pause is not None:
                found.append(Pause(open_pause[0], when, open_pause[1], open_pause[2]))
                open_pause = None
        elif open_pause is None:
            open_pause = (when, level, what)
    if open_pause is not None:
        found.append(Pause(open_pause[0], None, open_pause[1], open_pause[2]))
    return found


def _run(history: History, run: ProgramRun, find: Find) -> RunSummary:

    assert run.id is not None
    saved = history.check_ins(run.id)
    found = find(run.program_id)
    if not isinstance(found, ProgramProtocol):
        decisions = [
            Decision(c.check.day, c.decision, c.check.stage, c.next_stage, c.rule or "", "")
            for c in saved
            if c.decision is not None and c.decision is not DecisionKind.WAITING
        ]
        return RunSummary(run, None, saved, decisions, None)
    program = found
    if run.pain_limit is not None and run.pain_limit < program.pain_limit:
        program = program.model_copy(update={"pain_limit": run.pain_limit})
    until = local_day(run.ended_at) if run.ended_at else None
    state = replay(program, run.start_stage, [c.check for c in saved], until, run.onset_day)
    decisions = [d for d in state.decisions if d.kind is not DecisionKind.WAITING]
    return RunSummary(run, program, saved, decisions, state.stage)


def _inferred(
    checks: list[TriageRecord],
    sessions: list[Session],
    find: Find,
    triage: TriageProtocol,
    today: dt.date,
) -> Followed | None:
    """The newest self-care check's routines and leg, or else the routines played."""

    def prescribed(ids: list[str], side: Side) -> tuple[Prescribed, ...]:
        found = [find(pid) for pid in dict.fromkeys(ids)]
        return tuple(
            Prescribed(p, side if p.kind == "routine" else Side.BOTH)
            for p in found
            if p is not None and p.kind in ("routine", "guidance")
        )

    allowed = [c for c in checks if known(Disposition, c.disposition) is Disposition.SELF_MASSAGE]
    check = allowed[-1] if allowed else None
    if check is not None:
        rule = next((r for r in triage.rules if r.id == check.rule), None)
        ids = rule.protocols if rule is not None and rule.protocols is not None else None
        ids = ids if ids is not None else triage.dispositions.self_massage.protocols
        items = prescribed(list(ids), known(Side, check.side) or Side.BOTH)
        start = local_day(allowed[0].taken_at)  # self-care from the first check that allowed it
        if items:
            days = max(1, (today - start).days + 1)
            said = ", ".join(f"{day_label(local_day(c.taken_at))}" for c in allowed[-3:])
            more = f"{len(allowed) - 3} more, " if len(allowed) > 3 else ""
            source = (
                f"the {'check' if len(allowed) == 1 else 'checks'} that allowed self-care "
                f"({more}{said} {local_day(check.taken_at).year}), with a sheet's schedule"
            )
            return Followed(Prescription(items, start, days=days), source, open_ended=True)
    played = [s for s in sessions if s.segments_completed > 0]
    if not played:
        return None
    side = known(Side, played[-1].side) or Side.BOTH
    items = prescribed([s.routine_id for s in played], side)
    if not items:
        return None
    start = local_day(played[0].started_at)
    days = max(1, (today - start).days + 1)
    source = "the routines played (no plan given, no check that allowed self-care)"
    return Followed(Prescription(items, start, days=days), source, open_ended=True)
