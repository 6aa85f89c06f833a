"""What the progress log says about the user: days, weeks, streaks, trends and re-checks.

Pure: records, the moment "now" and the time zone come in as arguments; nothing here reads
the clock or the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from statistics import fmean
from typing import TYPE_CHECKING, Any

from hamstring_care.vocab import RED_FLAGS, Disposition

if TYPE_CHECKING:
    from hamstring_care.models import NotImproving, Recheck, TriageProtocol
    from hamstring_care.progression import CheckIn
    from hamstring_care.records import Session, TriageRecord

NUMBER_WORDS = ("", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine")


def local_day(moment: datetime, tz: tzinfo | None) -> date:
    """The calendar day of a moment where the user is (``tz`` None: the system's zone)."""
    return moment.astimezone(tz).date()


def ago(delta: timedelta) -> str:
    """How long ago, the way a person says it: "Two days ago", "12 days ago", "3 weeks ago"."""
    days = delta.days
    if days < 1:
        hours = max(1, int(delta.total_seconds() // 3600))
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    if days == 1:
        return "Yesterday"
    if days < 14:
        return f"{NUMBER_WORDS[days] if days < 10 else days} days ago"
    weeks = days // 7
    return f"{NUMBER_WORDS[weeks] if weeks < 10 else weeks} weeks ago"


# --- re-check ---------------------------------------------------------------------------


def recheck_due(last: TriageRecord | None, now: datetime, rule: Recheck | None) -> str | None:
    """The opening line when the last check calls for checking again, else None."""
    if last is None or rule is None or last.disposition != rule.after:
        return None
    since = now - last.taken_at
    if since < timedelta(hours=rule.hours):
        return None
    return rule.text.replace("{ago}", ago(since))


def recheck_from(disposition: str, now: datetime, rule: Recheck | None) -> datetime | None:
    """When a result just given will call for a re-check (None if it will not)."""
    if rule is None or disposition != rule.after:
        return None
    return now + timedelta(hours=rule.hours)


@dataclass(frozen=True)
class Change:
    """One answer then and now, and whether it is better, worse or the same."""

    question: str
    then: Any
    now: Any
    verdict: str  # "better", "worse" or "same"


def urgency(disposition: str) -> int:
    """0 for the most urgent disposition, higher for less urgent ones."""
    return Disposition(disposition).urgency


def verdict(then: float, now: float) -> str:
    """Compare two scores where higher is better."""
    return "better" if now > then else "worse" if now < then else "same"


def compare_dispositions(then: str, now: str) -> str:
    """Is the advice now less urgent ("better"), more urgent ("worse") or the same?"""
    return verdict(urgency(then), urgency(now))


def compare_answers(
    protocol: TriageProtocol, then: Mapping[str, Any], now: Mapping[str, Any]
) -> list[Change]:
    """The answers that have a better and a worse direction, then and now.

    A yes/no question's better answer is the opposite of its ``not_sure_means`` (the riskier
    one); "not sure" counts as the riskier answer. A number question compares by its
    ``better`` (lower or higher). Red flags: any new one is worse.
    """
    changes = []
    flags_then, flags_now = set(then.get(RED_FLAGS) or []), set(now.get(RED_FLAGS) or [])
    if flags_then or flags_now:
        more, fewer = flags_now - flags_then, flags_then - flags_now
        changes.append(
            Change(
                RED_FLAGS,
                sorted(flags_then),
                sorted(flags_now),
                "worse" if more else "better" if fewer else "same",
            )
        )
    for question in protocol.questions:
        if question.id not in then or question.id not in now:
            continue
        a, b = then[question.id], now[question.id]
        if question.type == "yes_no" and question.not_sure_means:
            risky = question.not_sure_means

            def score(answer: Any, risky: str = risky) -> int:
                return 0 if answer in (risky, "not_sure") else 1

            changes.append(Change(question.id, a, b, verdict(score(a), score(b))))
        elif question.type == "number" and question.better and _numbers(a, b):
            sign = 1 if question.better == "higher" else -1
            changes.append(Change(question.id, a, b, verdict(sign * a, sign * b)))
    return changes


def _numbers(*values: Any) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


# --- days, weeks, streaks ---------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    """One calendar day: sessions and the average pain before and after.

    And a program's check-ins, with their pain during the day's walk or run.
    """

    day: date
    sessions: int
    pain_before: float | None
    pain_after: float | None
    check_ins: int = 0
    pain_during: float | None = None

    @property
    def active(self) -> int:
        """Sessions and check-ins: what the weeks count."""
        return self.sessions + self.check_ins


def _mean(values: list[int]) -> float | None:
    return fmean(values) if values else None


def daily(
    sessions: Iterable[Session],
    first: date,
    last: date,
    tz: tzinfo | None,
    check_ins: Iterable[CheckIn] = (),
) -> list[Day]:
    """Each day from ``first`` to ``last`` (inclusive), with that day's sessions and check-ins.

    A session with no exercise done (stopped in its count-in, say) is no session here: it
    is not counted, and its pain is not in the averages.
    """
    by_day: dict[date, list[Session]] = {}
    for session in sessions:
        day = local_day(session.started_at, tz)
        if first <= day <= last and session.exercised:
            by_day.setdefault(day, []).append(session)
    checked: dict[date, list[CheckIn]] = {}
    for check in check_ins:
        if first <= check.day <= last:
            checked.setdefault(check.day, []).append(check)
    out = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        done = by_day.get(day, [])
        said = checked.get(day, [])
        out.append(
            Day(
                day,
                len(done),
                _mean([s.pain_before for s in done if s.pain_before is not None]),
                _mean([s.pain_after for s in done if s.pain_after is not None]),
                len(said),
                _mean([c.pain_during for c in said if c.pain_during is not None]),
            )
        )
    return out


def local_midnight(day: date, tz: tzinfo | None) -> datetime:
    """The moment a calendar day begins where the user is."""
    if tz is None:
        return datetime.combine(day, time.min).astimezone()
    return datetime.combine(day, time.min, tzinfo=tz)


def week_start(day: date) -> date:
    """The Monday of the week a day falls in."""
    return day - timedelta(days=day.weekday())


def weekly(day_counts: Sequence[Day], today: date, count: int) -> list[tuple[date, int]]:
    """Sessions and check-ins in each of the last ``count`` weeks (Monday first).

    Oldest first.
    """
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]
    totals = dict.fromkeys(starts, 0)
    for day in day_counts:
        monday = week_start(day.day)
        if monday in totals:
            totals[monday] += day.active
    return list(totals.items())


def streak_days(starts_newest_first: Iterable[datetime], today: date, tz: tzinfo | None) -> int:
    """Days in a row with a session or a check-in (their moments, newest first).

    Ending today (or yesterday, while today is young).
    """
    count = 0
    expected: date | None = None
    for moment in starts_newest_first:
        day = local_day(moment, tz)
        if day > today:
            continue  # a clock set back; ignore the future
        if expected is None:
            if (today - day).days > 1:
                return 0
            expected = day
        if day == expected:
            count += 1
            expected = day - timedelta(days=1)
        elif day < expected:
            break
    return count


# --- pain trend -------------------------------------------------------------------------


@dataclass(frozen=True)
class PainTrend:
    """Average pain after the routine in the earlier and the later half of a period."""

    earlier: float
    later: float
    earlier_sessions: int
    later_sessions: int

    @property
    def coming_down(self) -> bool:
        """True when the later half's pain is lower."""
        return self.later < self.earlier


def pain_trend(sessions: Iterable[Session], now: datetime, period_days: int) -> PainTrend | None:
    """Compare pain after the routine in the two halves of the last ``period_days``.

    None unless both halves have a session with a pain score: one good or bad week alone
    says nothing about a trend.
    """
    half = timedelta(days=period_days / 2)
    start, middle = now - 2 * half, now - half
    earlier: list[int] = []
    later: list[int] = []
    for session in sessions:
        if session.pain_after is None or not start <= session.started_at <= now:
            continue
        if not session.exercised:
            continue  # no routine was done: its pain "after" is after nothing
        (earlier if session.started_at < middle else later).append(session.pain_after)
    if not earlier or not later:
        return None
    return PainTrend(fmean(earlier), fmean(later), len(earlier), len(later))


def not_improving(
    sessions: Iterable[Session], now: datetime, rule: NotImproving | None
) -> PainTrend | None:
    """The trend, when pain after the routine has not come down over the rule's period.

    Pain at 0 in the later half is not "not improving": there is nothing left to come down.
    """
    if rule is None:
        return None
    trend = pain_trend(sessions, now, rule.days)
    if trend is None or trend.coming_down or trend.later == 0:
        return None
    return trend


def trend_warning(
    sessions: Iterable[Session], now: datetime, rule: NotImproving | None
) -> str | None:
    """The protocol's "not improving" text, when pain after the routine has not come down."""
    return rule.text if rule and not_improving(sessions, now, rule) else None
