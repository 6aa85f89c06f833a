"""Dates and times as people read them, the same in every country's reading of dates."""

from __future__ import annotations

import datetime as dt
import re

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
            f'{option}: expected a date like 2026-11-21 (years 1900 to 2999), got "{_given(text)}"'
        )
    return day


_CLOCK_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")  # ASCII digits only, nothing around


def option_time(option: str, text: str) -> dt.time:
    """A time of day given to a command-line option, as HH:MM (or H:MM), 00:00 to 23:59.

    Only ASCII digits and the colon: no sign, no underscore, no space or line break, no
    digits of other scripts, all of which Python's ``int()`` would take.

    Raises:
        UsageError: the text is not such a time; the message names the option.
    """
    found = _CLOCK_TIME.fullmatch(text)
    if found is not None and int(found[1]) < 24 and int(found[2]) < 60:
        return dt.time(int(found[1]), int(found[2]))
    raise UsageError(f"{option} must be a time of day as HH:MM, e.g. 18:00, not '{_given(text)}'")


def _given(text: str, limit: int = 40) -> str:
    """What was given, short enough for one line of an error (the sanitizer shows the rest)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
