"""From what a clinician gives (protocol ids and options, or a plan file) to a prescription.

Also writes new plan files. This module reads files; the pure part is ``prescription``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamstring_care.dates import option_date
from hamstring_care.errors import UnknownProtocolError, UsageError
from hamstring_care.models import ADDRESS_LIMIT, EMERGENCY_NUMBER_LIMIT, NAME_LIMIT, NOTES_LIMIT
from hamstring_care.prescription import Prescribed, Prescription, from_plan
from hamstring_care.vocab import Side

if TYPE_CHECKING:
    from hamstring_care.drawings import Logo
    from hamstring_care.prescription import Advice
    from hamstring_care.source.library import Library


@dataclass
class Overrides:
    """Options given on the command line; ``None`` means not given."""

    patient: str | None = None
    clinician: str | None = None
    clinic: str | None = None
    date: str | None = None
    notes: str | None = None
    notes_file: Path | None = None
    hold: int | None = None
    side: Side | None = None
    times_per_day: int | None = None
    days: int | None = None
    days_per_week: int | None = None
    paper: str | None = None
    clinic_phone: str | None = None
    clinic_address: str | None = None
    next_appointment: str | None = None
    emergency_number: str | None = None
    logo: Path | None = None

    def __post_init__(self) -> None:
        """Every free-text option within the limits of the plan file's same field."""
        from hamstring_care.sanitize import option_text

        for name, limit in TEXT_LIMITS.items():
            value = getattr(self, name)
            if value is not None:
                option_text(f"--{name.replace('_', '-')}", value, limit)


TEXT_LIMITS = {
    "patient": NAME_LIMIT,
    "clinician": NAME_LIMIT,
    "clinic": NAME_LIMIT,
    "clinic_phone": NAME_LIMIT,
    "next_appointment": NAME_LIMIT,
    "clinic_address": ADDRESS_LIMIT,
    "emergency_number": EMERGENCY_NUMBER_LIMIT,
    "notes": NOTES_LIMIT,
}
"""The options given as free text, with the limits ``models.Plan`` holds its fields to."""


def advice(library: Library, pid: str) -> Advice:
    """A protocol that can be prescribed (a routine or guidance, not the triage)."""
    from hamstring_care.models import TriageProtocol

    protocol = library.get(pid)
    if isinstance(protocol, TriageProtocol):
        known = ", ".join(p for p in library.entries() if p != "triage")
        raise UnknownProtocolError(
            f'"{pid}" is the triage, which is asked, not prescribed; print one of: {known}'
        )
    return protocol


def prescription(
    library: Library,
    protocol_ids: list[str],
    plan_path: Path | None,
    given: Overrides,
    today: dt.date | None = None,
    clinic_file: Path | None = None,
) -> Prescription:
    """The prescription from a plan file or from protocol ids, with the options given applied.

    A clinic settings file (``clinic_file``, when it exists) fills in what neither the plan
    nor the options give: the clinic, clinician, phone, address, emergency number, paper.
    """
    today = today or dt.date.today()
    if plan_path is not None and protocol_ids:
        raise UsageError("give protocols or --plan FILE, not both")
    if plan_path is None and not protocol_ids:
        raise UsageError(
            "name the protocols to print (e.g. foam-roller-and-ball) or give --plan FILE"
        )
    if given.notes is not None and given.notes_file is not None:
        raise UsageError("give --notes or --notes-file, not both")
    if plan_path is not None:
        from hamstring_care.source.library import load_plan

        plan = load_plan(plan_path, library)
        base = from_plan(plan, {p.id: advice(library, p.id) for p in plan.protocols}, today)
    else:
        items = tuple(Prescribed(advice(library, pid)) for pid in dict.fromkeys(protocol_ids))
        base = Prescription(items=items, date=today)
    if clinic_file is not None and _clinic_file_there(clinic_file):
        base = _with_clinic(base, clinic_file, plan_path is not None)
    return _apply(base, given)


def _clinic_file_there(path: Path) -> bool:
    """True when a clinic settings file is there to read; False when there is none.

    Anything else at its name (a folder, a named pipe, a link to nothing, a name that cannot
    be looked at) is an error, exit 2, as a damaged file is: skipped with a warning, a sheet
    would go to a patient without the clinic's phone and emergency number, and a warning
    line is easily missed while the sheet is not.
    """
    from hamstring_care.errors import InputFileError, Problem
    from hamstring_care.files import examine, reason
    from hamstring_care.source.reading import display_name

    def refuse(why: str) -> InputFileError:
        return InputFileError(display_name(path), [Problem((), why)])

    try:
        if not os.path.lexists(path):
            return False
        status = examine(path)
    except OSError as exc:
        raise refuse(f"cannot read: {reason(exc)}") from None
    if status is None:
        raise refuse("a symbolic link to nothing; link it to the clinic's settings or remove it")
    if stat.S_ISDIR(status.st_mode):
        raise refuse("a folder, not the clinic's settings file; move it away")
    if not stat.S_ISREG(status.st_mode):
        kind = "a named pipe" if stat.S_ISFIFO(status.st_mode) else "not a regular file"
        raise refuse(f"{kind}; the clinic's settings are read from a file")
    return True


CLINIC_FILE = "clinic.yaml"
"""The clinic settings file, in the user's config folder (formerly the data folder)."""


def clinic_file(config: Path, data: Path, note: Callable[[str], None]) -> Path:
    """Where the clinic's settings are read from: the config folder's ``clinic.yaml``.

    One in the data folder, where earlier versions read it, is still read when the config
    folder has none, with a one-line note to move it; with one in both, the config folder's
    is read, and the note says the other is not.
    """
    from hamstring_care.source.reading import display_name

    wanted, older = config / CLINIC_FILE, data / CLINIC_FILE
    if not os.path.lexists(older):
        return wanted
    if os.path.lexists(wanted):
        note(f"{display_name(older)} is not read: {display_name(wanted)} is; remove one of them")
        return wanted
    note(f"clinic settings read from the data folder: move {display_name(older)} to "
         f"{display_name(wanted)}")  # fmt: skip
    return older


CLINIC_FIELDS = ("clinic", "clinician", "clinic_phone", "clinic_address", "emergency_number")


def _with_clinic(base: Prescription, clinic_file: Path, from_plan: bool) -> Prescription:
    from dataclasses import replace

    from hamstring_care.source.library import load_clinic

    clinic = load_clinic(clinic_file)
    changes: dict[str, Any] = {
        name: getattr(clinic, name)
        for name in CLINIC_FIELDS
        if getattr(base, name) is None and getattr(clinic, name) is not None
    }
    if clinic.paper is not None and not from_plan:  # a plan file always says its paper
        changes["paper"] = str(clinic.paper)
    if clinic.logo is not None:
        changes["logo"] = _logo(clinic_file.parent / clinic.logo)
    return replace(base, **changes)


CONTACT = ("clinic_phone", "clinic_address", "next_appointment", "emergency_number")


def _apply(base: Prescription, given: Overrides) -> Prescription:
    from dataclasses import replace

    changes: dict[str, Any] = {}
    schedule = ("times_per_day", "days", "days_per_week")
    names = ("patient", "clinician", "clinic", *schedule, "paper", *CONTACT)
    for name in names:
        if getattr(given, name) is not None:
            changes[name] = getattr(given, name)
    if given.date is not None:
        changes["date"] = option_date("--date", given.date)
    if given.notes is not None:
        changes["notes"] = given.notes
    if given.notes_file is not None:
        changes["notes"] = _notes_file(given.notes_file)
    if given.logo is not None:
        changes["logo"] = _logo(given.logo)
    if given.hold is not None or given.side is not None:
        changes["items"] = tuple(
            replace(
                item,
                hold=given.hold if given.hold is not None else item.hold,
                side=given.side or item.side,
            )
            if item.is_routine
            else item
            for item in base.items
        )
    return replace(base, **changes)


def _logo(path: Path) -> Logo:
    from hamstring_care.drawings import read_logo
    from hamstring_care.source.reading import display_name

    return read_logo(path, display_name(path))


def _notes_file(path: Path) -> str:
    from hamstring_care.sanitize import option_text
    from hamstring_care.source.reading import display_name, read_text

    source = display_name(path)
    return option_text(source, read_text(path, source), NOTES_LIMIT)


# --- new plan files ---------------------------------------------------------------------

HEADER = """\
# A hamstring-care plan: one prescription, for paper and for the terminal.
#   Print the take-home sheet:   hamstring-care print --plan {name}
#   Run it in the terminal:      hamstring-care run --plan {name}
#   Check it after editing:      hamstring-care print --plan {name} -o - --format txt
# Leave a field empty (or delete it) to use the default shown.
"""
PROTOCOLS_HELP = """
# In order. For routines: side is both, right or left; hold (seconds, 1 to 600) replaces the
# 10-20 s range holds and leaves fixed holds as they are. Ids: hamstring-care protocols list
protocols:
"""
NOTES_HELP = """
# Notes for the patient, in your words. For several lines:
# notes: |
#   Do the routine after your run, not before.
#   Come back if it is no better in two weeks.
"""


def _line(key: str, value: str, comment: str = "") -> str:
    text = f"{key}: {value}".rstrip()
    return f"{text:<27} # {comment}" if comment else text


def _scalar(value: str | None) -> str:
    # A JSON string is also a YAML string, with every character safely escaped.
    return json.dumps(value, ensure_ascii=False) if value else ""


def new_plan_text(
    library: Library,
    name: str,
    protocol_ids: list[str],
    given: Overrides,
) -> str:
    """A commented plan file that validates as written."""
    lines = [
        HEADER.format(name=name),
        _line("patient", _scalar(given.patient), "empty leaves a line to write the name on"),
        _line("clinician", _scalar(given.clinician)),
        _line("clinic", _scalar(given.clinic)),
        _line("date", "", "YYYY-MM-DD, first day of the record; empty: the day it is printed"),
        "",
        "schedule:",
        _line("  times_per_day", "1", "sessions a day, 1 to 6"),
        _line("  days", "14", "how many days the plan runs, 1 to 90"),
        _line("  days_per_week", "7", "days a week with sessions, 1 to 7"),
        PROTOCOLS_HELP.rstrip("\n"),
    ]
    for pid in dict.fromkeys(protocol_ids):
        protocol = advice(library, pid)
        lines.append(f"  - id: {pid}")
        if protocol.kind == "routine":
            ranged = protocol.has_range_holds
            hold = str(given.hold) if given.hold is not None and ranged else ""
            lines.append(f"    side: {given.side or 'both'}")
            lines.append(_line("    hold", hold, "" if ranged else "no range holds to change"))
        elif protocol.kind == "program":
            stages = ", ".join(s.id for s in getattr(protocol, "stages", []))
            limit = getattr(protocol, "pain_limit", 10)
            lines.append(f"    side: {given.side or 'both'}")
            lines.append(_line("    stage", "", f"where to start: {stages}; empty: the first"))
            lines.append(
                _line("    pain_limit", "", f"0 to {limit}, stricter than the program's {limit}")
            )
    lines += [
        NOTES_HELP.rstrip("\n"),
        _line("notes", _scalar(given.notes)),
        "",
        _line("paper", "a4", "a4 or letter"),
    ]
    return "\n".join(lines) + "\n"


def default_protocols(library: Library) -> list[str]:
    """What a self-massage result recommends: the usual prescription."""
    return list(library.triage().dispositions.self_massage.protocols)
