"""What the history views show, read from an open history: the views only draw it."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from hamstring_care.history.progress import (
    Day,
    PainTrend,
    daily,
    local_day,
    local_midnight,
    pain_trend,
    streak_days,
    trend_warning,
    week_start,
    weekly,
)
from hamstring_care.history.store import History
from hamstring_care.records import Counts, ProgramCheckIn, Session, TriageRecord

if TYPE_CHECKING:
    from hamstring_care.models import NotImproving

DEFAULT_PERIOD = 14  # days of the pain trend when the triage protocol sets none
AXIS = 4  # width of the chart's "10 ┤"


@dataclass(frozen=True)
class Recent:
    """The newest records, and how many there are in all."""

    path: Path
    records: list[Session | TriageRecord | ProgramCheckIn]
    counts: Counts


def recent(history: History, limit: int | None) -> Recent:
    """The ``limit`` newest sessions and checks (every one for None), newest first."""
    records = merge_newest_first(
        history.sessions(limit=limit),
        history.triage_results(limit=limit),
        limit,
        history.check_ins(),
    )
    return Recent(history.path, records, history.counts())


def merge_newest_first(
    sessions: Sequence[Session],
    checks: Sequence[TriageRecord],
    limit: int | None,
    check_ins: Sequence[ProgramCheckIn] = (),
) -> list[Session | TriageRecord | ProgramCheckIn]:
    """Sessions, checks and a program's check-ins in one list, newest first."""

    def when(record: Session | TriageRecord | ProgramCheckIn) -> datetime:
        return record.started_at if isinstance(record, Session) else record.taken_at

    records: list[Session | TriageRecord | ProgramCheckIn] = [*sessions, *checks, *check_ins]
    merged = sorted(records, key=when, reverse=True)
    return merged if limit is None else merged[:limit]


@dataclass(frozen=True)
class ChartData:
    """Everything the chart shows."""

    days: list[Day]
    weeks: list[tuple[date, int]]
    streak_days: int
    last_session: date | None
    """The last day with a session (or a check-in)."""
    trend: PainTrend | None
    period_days: int
    warning: str | None
    stage_changes: dict[date, str] = field(default_factory=dict)
    """A program's decisions that changed its course, by day: move_on, step_back, stop."""
    program: bool = False
    """A program's check-ins are in the chart: their pain during, and their days."""


def days_that_fit(width: int, cell: int = 3) -> int:
    """How many days the pain chart can show in ``width`` columns (``cell`` columns a day)."""
    return max(7, (width - AXIS) // cell)


def chart_data(
    history: History,
    rule: NotImproving | None,
    now: datetime,
    tz: tzinfo | None,
    width: int,
    shown_days: int | None = None,
    week_count: int = 8,
) -> ChartData:
    """Read the days, weeks, streak and trend that fit ``width`` columns.

    A program's check-ins count too: their pain during the day (a column of its own, so a
    day takes four columns), their days in the weeks and in the streak.
    """
    today = local_day(now, tz)
    check_ins = history.check_ins()
    recent = today - timedelta(days=days_that_fit(width) - 1)
    program = any(recent <= c.check.day <= today for c in check_ins)
    fit = days_that_fit(width, 4 if program else 3)
    count = min(shown_days or fit, fit)
    period = rule.days if rule else DEFAULT_PERIOD
    oldest = min(
        today - timedelta(days=count - 1), week_start(today) - timedelta(weeks=week_count - 1)
    )
    since = min(local_midnight(oldest, tz), now - timedelta(days=period))
    sessions = history.sessions(since=since)
    every_day = daily(sessions, oldest, today, tz, [c.check for c in check_ins])
    checked = sorted((c.taken_at for c in check_ins), reverse=True)
    starts = heapq.merge(history.session_starts(), checked, reverse=True)
    last = next(starts, None)
    in_a_row = streak_days(itertools.chain([last], starts), today, tz) if last else 0
    return ChartData(
        days=every_day[-count:],
        weeks=weekly(every_day, today, week_count),
        streak_days=in_a_row,
        last_session=local_day(last, tz) if last else None,
        trend=pain_trend(sessions, now, period),
        period_days=period,
        warning=trend_warning(sessions, now, rule),
        stage_changes={
            c.check.day: c.decision
            for c in check_ins
            if c.decision in STAGE_CHANGES
            and oldest <= c.check.day <= today
            and (c.decision, c.next_stage) != ("step_back", c.check.stage)  # at the first stage
        },
        program=program,
    )


STAGE_CHANGES = ("move_on", "step_back", "stop")
