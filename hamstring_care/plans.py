"""From what a clinician gives (protocol ids and options, or a plan file) to a prescription.

Also writes new plan files. This module reads files; the pure part is ``prescription``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamstring_care.dates import option_date
from hamstring_care.errors import InputFileError, Problem, UnknownProtocolError, UsageError
from hamstring_care.files import examine, reason
from hamstring_care.models import (
    ADDRESS_LIMIT,
    EMERGENCY_NUMBER_LIMIT,
    NAME_LIMIT,
    NOTES_LIMIT,
    ProgramProtocol,
    RoutineProtocol,
)
from hamstring_care.prescription import Prescribed, Prescription
from hamstring_care.sanitize import option_text
from hamstring_care.source.drawings import read_logo
from hamstring_care.source.library import load_clinic, load_plan
from hamstring_care.source.reading import display_name, read_text
from hamstring_care.vocab import Paper, Side

if TYPE_CHECKING:
    from hamstring_care.models import Plan
    from hamstring_care.prescription import Advice
    from hamstring_care.source.drawings import Logo
    from hamstring_care.source.library import Library


@dataclass(frozen=True)
class Layer:
    """One layer of a prescription: what it sets; ``None`` leaves the layer below showing.

    The layers, weakest first: the defaults, ``clinic.yaml``, a plan file, the command
    line's options. ``side`` and ``hold`` apply to every routine of the layers below.
    """

    date: dt.date | None = None
    patient: str | None = None
    clinician: str | None = None
    clinic: str | None = None
    notes: str | None = None
    times_per_day: int | None = None
    days: int | None = None
    days_per_week: int | None = None
    paper: Paper | None = None
    clinic_phone: str | None = None
    clinic_address: str | None = None
    next_appointment: str | None = None
    emergency_number: str | None = None
    logo: Logo | None = None
    side: Side | None = None
    hold: int | None = None

    @classmethod
    def options(
        cls,
        *,
        date: str | None = None,
        notes_file: Path | None = None,
        logo: Path | None = None,
        **given: Any,
    ) -> Layer:
        """The command line's options as a layer.

        Every free text within the plan file's limits, the date read, the notes file and
        the logo read and checked.
        """
        for name, limit in TEXT_LIMITS.items():
            if given.get(name) is not None:
                option_text(f"--{name.replace('_', '-')}", given[name], limit)
        if given.get("notes") is not None and notes_file is not None:
            raise UsageError("give --notes or --notes-file, not both")
        return cls(
            date=option_date("--date", date) if date is not None else None,
            notes=_notes_file(notes_file) if notes_file is not None else given.pop("notes", None),
            logo=_logo(logo) if logo is not None else None,
            **{name: value for name, value in given.items() if name != "notes"},
        )


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


def layered(items: tuple[Prescribed, ...], today: dt.date, *layers: Layer) -> Prescription:
    """One prescription from its layers, weakest first: each field is the strongest set."""
    chosen: dict[str, Any] = {}
    for layer in layers:
        chosen |= {f.name: v for f in fields(layer) if (v := getattr(layer, f.name)) is not None}
    side, hold = chosen.pop("side", None), chosen.pop("hold", None)
    items = tuple(
        replace(item, side=side or item.side, hold=item.hold if hold is None else hold)
        if item.is_routine
        else item
        for item in items
    )
    return Prescription(items=items, date=chosen.pop("date", today), **chosen)


def advice(library: Library, pid: str) -> Advice:
    """A protocol that can be prescribed (a routine, guidance or a program, not the triage)."""
    protocol = library.get(pid)
    if not protocol.can.printed:
        known = ", ".join(p for p in library.entries() if p != pid)
        raise UnknownProtocolError(
            f'"{pid}" is {protocol.can.words}, which is asked, not prescribed; '
            f"print one of: {known}"
        )
    return protocol  # type: ignore[return-value]  # printable: routine, guidance or program


def prescription(
    library: Library,
    protocol_ids: list[str],
    plan_path: Path | None,
    given: Layer,
    today: dt.date | None = None,
    clinic_file: Path | None = None,
) -> Prescription:
    """The prescription from a plan file or from protocol ids, with its layers applied.

    The clinic's settings file (``clinic_file``, when there is one) under the plan, the
    options given over both.
    """
    today = today or dt.date.today()
    if plan_path is not None and protocol_ids:
        raise UsageError("give protocols or --plan FILE, not both")
    if plan_path is None and not protocol_ids:
        raise UsageError(
            "name the protocols to print (e.g. foam-roller-and-ball) or give --plan FILE"
        )
    layers = []
    if clinic_file is not None and _clinic_file_there(clinic_file):
        layers.append(_clinic_layer(clinic_file))
    if plan_path is not None:
        plan = load_plan(plan_path, library)
        items = tuple(
            Prescribed(advice(library, p.id), p.side, p.hold, p.stage, p.pain_limit)
            for p in plan.protocols
        )
        layers.append(_plan_layer(plan))
    else:
        items = tuple(Prescribed(advice(library, pid)) for pid in dict.fromkeys(protocol_ids))
    return layered(items, today, *layers, given)


def _plan_layer(plan: Plan) -> Layer:
    """What a plan file sets (its paper always: a plan says its paper)."""
    same = {f.name for f in fields(Layer)} - {"logo", "side", "hold", "times_per_day", "days",
                                              "days_per_week"}  # fmt: skip
    schedule = plan.schedule
    return Layer(
        times_per_day=schedule.times_per_day, days=schedule.days,
        days_per_week=schedule.days_per_week, **{name: getattr(plan, name) for name in same},
    )  # fmt: skip


def _clinic_layer(clinic_file: Path) -> Layer:
    """What the clinic's settings file sets: the clinic, its contacts, paper and logo."""
    clinic = load_clinic(clinic_file)
    same = {f.name for f in fields(Layer)} & {f for f in type(clinic).model_fields} - {"logo"}
    logo = _logo(clinic_file.parent / clinic.logo) if clinic.logo is not None else None
    return Layer(logo=logo, **{name: getattr(clinic, name) for name in same})


def _clinic_file_there(path: Path) -> bool:
    """True when a clinic settings file is there to read; False when there is none.

    Anything else at its name (a folder, a named pipe, a link to nothing, a name that cannot
    be looked at) is an error, exit 2, as a damaged file is: skipped with a warning, a sheet
    would go to a patient without the clinic's phone and emergency number, and a warning
    line is easily missed while the sheet is not.
    """

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
    wanted, older = config / CLINIC_FILE, data / CLINIC_FILE
    if not os.path.lexists(older):
        return wanted
    if os.path.lexists(wanted):
        note(f"{display_name(older)} is not read: {display_name(wanted)} is; remove one of them")
        return wanted
    note(f"clinic settings read from the data folder: move {display_name(older)} to "
         f"{display_name(wanted)}")  # fmt: skip
    return older


def _logo(path: Path) -> Logo:
    from hamstring_care.render.pdf import logo_problem  # noqa: PLC0415 - fpdf2: with a logo only

    return read_logo(path, display_name(path), can_draw=logo_problem)


def _notes_file(path: Path) -> str:

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
    given: Layer,
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
        if isinstance(protocol, RoutineProtocol):
            ranged = protocol.has_range_holds
            hold = str(given.hold) if given.hold is not None and ranged else ""
            lines.append(f"    side: {given.side or 'both'}")
            lines.append(_line("    hold", hold, "" if ranged else "no range holds to change"))
        elif isinstance(protocol, ProgramProtocol):
            stages = ", ".join(s.id for s in protocol.stages)
            limit = protocol.pain_limit
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
