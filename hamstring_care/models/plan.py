"""Plan files and the clinic's details: a prescription kept in a file."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
)
from pydantic_core import PydanticCustomError

from hamstring_care import vocab
from hamstring_care.dates import read_date
from hamstring_care.models.base import (
    ADDRESS_LIMIT,
    EMERGENCY_NUMBER_LIMIT,
    NAME_LIMIT,
    NOTES_LIMIT,
    Id,
    Model,
    Paper,
    Side,
    describe,
)
from hamstring_care.models.routine import MAX_HOLD_S

# --- plans ------------------------------------------------------------------------------


def _iso_date(value: Any) -> Any:
    # Dates are read as text (the loader keeps YAML from building dates) and checked here.

    if value is None:
        return None
    day = read_date(value) if isinstance(value, str) else None
    if day is None:
        raise PydanticCustomError(
            "date",
            "expected a date like 2026-11-21 (years 1900 to 2999), got {got}",
            {"got": describe(value)},
        )
    return day


Name = Annotated[str, Field(min_length=1, max_length=NAME_LIMIT)]
Address = Annotated[str, Field(min_length=1, max_length=ADDRESS_LIMIT)]
EmergencyNumber = Annotated[str, Field(min_length=1, max_length=EMERGENCY_NUMBER_LIMIT)]


MAX_PLAN_PROTOCOLS = 20  # a take-home plan holds a few; thousands would render for minutes


class PlanProtocol(Model):
    """One protocol of a plan, with the clinician's overrides."""

    id: Id
    side: Side = vocab.Side.BOTH
    hold: Annotated[int, Field(ge=1, le=MAX_HOLD_S)] | None = None
    stage: Id | None = None
    """Programs only: the stage to start at (a clinician's choice)."""
    pain_limit: Annotated[int, Field(ge=0, le=vocab.PAIN_MAX)] | None = None
    """Programs only: a stricter pain limit than the program's (never a higher one)."""


class Schedule(Model):
    """How often, and for how long the adherence table runs."""

    times_per_day: Annotated[int, Field(ge=1, le=6)] = 1
    days: Annotated[int, Field(ge=1, le=90)] = 14
    """How many days the plan runs; the record lists the days with sessions."""
    days_per_week: Annotated[int, Field(ge=1, le=7)] = 7
    """Days a week with sessions, spread through each week from the first day."""


class Clinic(Model):
    """A clinic's details, typed once: ``clinic.yaml`` in the user config folder.

    Every sheet printed there carries them unless a plan file or an option says otherwise.
    """

    clinic: Name | None = None
    clinician: Name | None = None
    clinic_phone: Name | None = None
    """The clinic's phone number, as the patient should dial it."""
    clinic_address: Address | None = None
    """The clinic's address (line breaks kept)."""
    emergency_number: EmergencyNumber | None = None
    """The emergency number to call, e.g. 999, 911 or 112."""
    paper: Paper | None = None
    logo: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    """A PNG or SVG file (at most 256 KiB), relative to this file's folder: printed at the
    top of PDF and HTML sheets."""


class Plan(Model):
    """A prescription kept in a file: printed with ``print --plan``, played with ``run --plan``."""

    patient: Name | None = None
    clinician: Name | None = None
    clinic: Name | None = None
    date: Annotated[dt.date | None, BeforeValidator(_iso_date)] = None
    schedule: Schedule = Schedule()
    protocols: Annotated[list[PlanProtocol], Field(min_length=1, max_length=MAX_PLAN_PROTOCOLS)]
    notes: Annotated[str, Field(max_length=NOTES_LIMIT)] | None = None
    paper: Paper = vocab.Paper.A4
    clinic_phone: Name | None = None
    """The clinic's phone number, as the patient should dial it."""
    clinic_address: Address | None = None
    """The clinic's address (line breaks kept)."""
    next_appointment: Name | None = None
    """The next appointment, in the words to print (e.g. "Tue 1 Dec, 10:30")."""
    emergency_number: EmergencyNumber | None = None
    """The emergency number to call, e.g. 999, 911 or 112 (else "your local emergency
    number")."""
