"""Dates and times as people read them, the same in every country's reading of dates."""

from __future__ import annotations

import datetime as dt

from hamstring_care.errors import UsageError


def utc_now() -> dt.datetime:
    """The current moment, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)  # a sheet's record runs on for up to 90 days after its date


def read_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date from 1900 to 2999, or None when the text is not one."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def option_date(option: str, text: str) -> dt.date:
    """A YYYY-MM-DD date given to a command-line option.

    Raises:
        UsageError: the text is not such a date; the message names the option.
    """
    day = read_date(text)
    if day is None:
        raise UsageError(
            f'{option}: expected a date like 2026-11-21 (years 1900 to 2999), got "{text}"'
        )
    return day


def day_label(day: dt.date) -> str:
    """``Sat 21 Nov``: short, and never 11/12 or 12/11."""
    return f"{day:%a} {day.day} {day:%b}"


def long_date(day: dt.date) -> str:
    """``21 November 2026``."""
    return f"{day.day} {day:%B %Y}"


def time_label(moment: dt.datetime) -> str:
    """``Sat 21 Nov 09:14``: a day and a 24-hour time."""
    return f"{day_label(moment.date())} {moment:%H:%M}"


def minutes_seconds(seconds: float) -> str:
    """``5:23``."""
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"
