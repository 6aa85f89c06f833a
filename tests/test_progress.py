"""What the progress log says: pure functions on records, a moment and a time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from hamstring_care.history import progress
from hamstring_care.history.store import Session, TriageRecord

UTC = timezone.utc
T0 = datetime(2026, 11, 2, 7, 30, tzinfo=UTC)


def check(disposition: str, at: datetime, **answers) -> TriageRecord:
    return TriageRecord(1, at, "1.1.0", disposition, "rule", answers, [])


def session(at: datetime, before=None, after=None, done=5) -> Session:
    return Session(
        id=1, routine_id="foam-roller-and-ball", routine_version="1", side="both",
        started_at=at, updated_at=at, ended_at=at, segments_total=5, segments_completed=done,
        pain_before=before, pain_after=after, planned_seconds=300, elapsed_seconds=300.0,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("hours", "words"),
    [(3, "3 hours ago"), (30, "Yesterday"), (48, "Two days ago"), (24 * 9, "Nine days ago"),
     (24 * 12, "12 days ago"), (24 * 15, "Two weeks ago"), (24 * 80, "11 weeks ago")],
)  # fmt: skip
def test_ago_in_words(hours, words):
    assert progress.ago(timedelta(hours=hours)) == words


def test_recheck_is_due_48_hours_after_rice_only(small_triage):
    rule = small_triage.follow_up.recheck
    rice = check("rice", T0)
    assert progress.recheck_due(rice, T0 + timedelta(hours=47, minutes=59), rule) is None
    assert progress.recheck_due(rice, T0 + timedelta(hours=48), rule) == (
        "Two days ago you were advised RICE: let's check again."
    )
    later = T0 + timedelta(days=3)
    assert progress.recheck_due(check("self_massage", T0), later, rule) is None
    assert progress.recheck_due(check("clinician", T0), later, rule) is None
    assert progress.recheck_due(None, later, rule) is None


def test_compare_answers_knows_better_from_worse(small_triage):
    then = {"red_flags": [], "can_walk_without_pain": "no", "felt_pop": "no",
            "pain_at_rest": 4, "days_since_onset": 2, "sitting_hurts": "yes"}  # fmt: skip
    now = {"red_flags": [], "can_walk_without_pain": "yes", "felt_pop": "not_sure",
           "pain_at_rest": 4, "days_since_onset": 4, "sitting_hurts": "no"}  # fmt: skip
    changes = {c.question: c.verdict for c in progress.compare_answers(small_triage, then, now)}
    assert changes == {  # no warning sign either time: nothing to compare there
        "can_walk_without_pain": "better",  # its riskier answer is no
        "felt_pop": "worse",  # "not sure" counts as the riskier answer, yes
        "pain_at_rest": "same",
        "sitting_hurts": "better",  # its riskier answer is yes
    }  # days since onset has no better or worse
    flagged = progress.compare_answers(small_triage, then, {**now, "red_flags": ["calf_swollen"]})
    assert flagged[0].verdict == "worse"


def test_dispositions_compare_by_urgency():
    assert progress.compare_dispositions("rice", "self_massage") == "better"
    assert progress.compare_dispositions("rice", "urgent") == "worse"
    assert progress.compare_dispositions("clinician", "clinician") == "same"


def test_streak_counts_days_in_a_row_up_to_today_or_yesterday():
    today = date(2026, 11, 2)
    starts = [T0, T0 - timedelta(hours=2), T0 - timedelta(days=1), T0 - timedelta(days=2),
              T0 - timedelta(days=4)]  # fmt: skip
    assert progress.streak_days(starts, today, UTC) == 3
    assert progress.streak_days(starts[2:], today, UTC) == 2  # none yet today
    assert progress.streak_days(starts[3:], today, UTC) == 0  # the last was two days ago
    assert progress.streak_days([], today, UTC) == 0


def test_days_use_the_users_time_zone():
    late = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
    tokyo = timezone(timedelta(hours=9))
    (day,) = progress.daily([session(late, 6, 3)], date(2026, 11, 2), date(2026, 11, 2), tokyo)
    assert (day.sessions, day.pain_before, day.pain_after) == (1, 6, 3)
    assert (
        progress.daily([session(late)], date(2026, 11, 2), date(2026, 11, 2), UTC)[0].sessions == 0
    )


def test_weekly_counts_from_monday():
    days = progress.daily(
        [session(T0 - timedelta(days=d)) for d in (0, 1, 7, 8, 9)],
        date(2026, 10, 19), date(2026, 11, 2), UTC,
    )  # fmt: skip
    assert progress.weekly(days, date(2026, 11, 2), 3) == [
        (date(2026, 10, 19), 2), (date(2026, 10, 26), 2), (date(2026, 11, 2), 1),
    ]  # fmt: skip


def test_not_improving_needs_both_weeks_and_pain_left(small_triage):
    rule = small_triage.follow_up.not_improving
    two_weeks = [session(T0 - timedelta(days=d), after=4) for d in range(14)]
    trend = progress.not_improving(two_weeks, T0, rule)
    assert trend is not None and (trend.earlier, trend.later) == (4, 4)
    one_week = two_weeks[:7]
    assert progress.not_improving(one_week, T0, rule) is None
    better = [session(T0 - timedelta(days=d), after=2 if d < 7 else 4) for d in range(14)]
    assert progress.not_improving(better, T0, rule) is None
    no_pain = [session(T0 - timedelta(days=d), after=0) for d in range(14)]
    assert progress.not_improving(no_pain, T0, rule) is None
    unscored = [session(T0 - timedelta(days=d)) for d in range(14)]
    assert progress.not_improving(unscored, T0, rule) is None
