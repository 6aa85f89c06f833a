"""Reminders as an iCalendar file (RFC 5545), for any prescription and for a program's days.

One event for each time of day, repeated on the prescription's days (every day, or its days
of the week) until its last day, with an alarm; floating local time, so the phone's own time
zone applies. Each event's UID is made from what it reminds of (the prescription, or the
program's run, and which time of day it is), never at random: importing the file again, or
a newer one, updates the events instead of adding them twice; its SEQUENCE grows with the
time the file was made. The first reminder is never in the past. Nothing in it points
anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hamstring_care.errors import UsageError
from hamstring_care.prescription import how_often, session_days

if TYPE_CHECKING:
    from hamstring_care.prescription import Prescription

DOMAIN = "hamstring-care.invalid"
"""The UIDs' right-hand side: a reserved name that never resolves."""
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DEFAULT_TIMES = {
    1: ("18:00",),
    2: ("08:00", "18:00"),
    3: ("08:00", "13:00", "18:00"),
    4: ("08:00", "12:00", "16:00", "20:00"),
    5: ("08:00", "11:00", "14:00", "17:00", "20:00"),
    6: ("08:00", "10:30", "13:00", "15:30", "18:00", "20:30"),
}
"""Times of day for 1 to 6 sessions a day, when none are given: spread through the day."""
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Reminder:
    """One repeating reminder: from its first moment, on its days, to its last day."""

    uid: str
    first: dt.datetime
    """Floating local time (no time zone): the first reminder, never in the past."""
    last_day: dt.date
    weekdays: tuple[int, ...] | None
    """Monday 0; None for every day."""
    summary: str
    description: str


def stable_uid(*parts: str) -> str:
    """A UID made from what the reminder is for: the same parts give the same UID."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{digest}@{DOMAIN}"


def times_a_day(count: int, given: list[dt.time] | None) -> list[dt.time]:
    """The times of day of ``count`` sessions: those given (one for each), or spread out.

    Raises:
        UsageError: a number of times other than the sessions a day.
    """
    if not given:
        return [dt.time.fromisoformat(t) for t in DEFAULT_TIMES[count]]
    if len(given) != count:
        raise UsageError(
            f"give --at once for each of the {count} sessions a day (got {len(given)})"
        )
    return sorted(given)


def first_after(days: list[dt.date], at: dt.time, now: dt.datetime) -> dt.datetime | None:
    """The first of ``days`` at ``at`` that is still to come (``now``: local, naive)."""
    return next(
        (dt.datetime.combine(d, at) for d in days if dt.datetime.combine(d, at) > now), None
    )


def for_prescription(
    prescription: Prescription, times: list[dt.time], now: dt.datetime, command: str
) -> list[Reminder]:
    """A reminder for each time of day of a prescription's routines, on its session days.

    Raises:
        UsageError: the prescription holds no routine, or its last session has passed.
    """
    routines = prescription.routines
    if not routines:
        raise UsageError("the prescription holds no routine to be reminded of")
    days = session_days(prescription.date, prescription.days, prescription.days_per_week)
    local_now = now.astimezone().replace(tzinfo=None)
    weekdays = None
    if prescription.days_per_week < 7:
        weekdays = tuple(sorted({d.weekday() for d in days}))
    titles = ", ".join(item.protocol.title for item in routines)
    plays = "; ".join(item.command() for item in routines)
    key = [
        prescription.patient or "",
        prescription.date.isoformat(),
        *(f"{i.protocol.id}:{i.side}:{i.hold}" for i in routines),
    ]
    found = []
    for number, at in enumerate(times, 1):
        first = first_after(days, at, local_now)
        if first is None:
            continue
        which = f" (session {number} of {len(times)} a day)" if len(times) > 1 else ""
        found.append(
            Reminder(
                uid=stable_uid("prescription", *key, f"time {number} of a day"),
                first=first,
                last_day=days[-1],
                weekdays=weekdays,
                summary=f"Your exercises{which}: {titles}",
                description=(
                    f"{how_often(prescription.times_per_day, prescription.days_per_week)}, "
                    f"until {days[-1]:%a} {days[-1].day} {days[-1]:%b}. In the terminal: "
                    f"{plays}. {command}"
                ).strip(),
            )
        )
    if not found:
        raise UsageError(
            f"the prescription's last session day was {days[-1]:%a} {days[-1].day} "
            f"{days[-1]:%b} {days[-1].year}: no reminder is still to come"
        )
    return found


def calendar(reminders: list[Reminder], what: str, made: dt.datetime) -> bytes:
    """The reminders as an iCalendar file (``what`` names them in the product id)."""
    from icalendar import Alarm, Calendar, Event  # noqa: PLC0415 - only when a file is made

    cal = Calendar()
    cal.add("prodid", f"-//hamstring-care//{what}//EN")
    cal.add("version", "2.0")
    stamp = made.astimezone(dt.timezone.utc).replace(microsecond=0)
    sequence = max(0, int((stamp - EPOCH).total_seconds() // 60))  # grows with each new file
    for reminder in reminders:
        event = Event()
        event.add("uid", reminder.uid)
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", reminder.first)
        event.add("duration", dt.timedelta(minutes=15))
        until = dt.datetime.combine(reminder.last_day, reminder.first.time())
        rule: dict[str, object] = {"freq": "daily", "until": until}
        if reminder.weekdays is not None:
            rule = {"freq": "weekly", "byday": [WEEKDAYS[d] for d in reminder.weekdays],
                    "until": until}  # fmt: skip
        event.add("rrule", rule)
        event.add("summary", reminder.summary)
        event.add("description", reminder.description)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", dt.timedelta(0))
        alarm.add("description", reminder.summary)
        event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())
