"""What the command line does, for a Python caller.

Check answers, build a prescription, make a sheet: the same engine, the same protocol
folders, the same errors (each a ``HamstringCareError`` with its message), and nothing
printed::

    from hamstring_care import api

    result = api.check({"red_flags": [], "age": 35, ...})  # a TriageResult
    result.disposition, [reason.text for reason in result.reasons]

    prescription = api.prescription(["foam-roller-and-ball"], patient="Jane Doe", side="right")
    pdf = api.sheet(prescription)  # the bytes of the take-home sheet (PDF)
    text = api.sheet(prescription, "txt").decode()

As copier's ``run_copy`` and sqlite-utils' ``Database``: a face over the same code the
command line adapts, documented in the README and tested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamstring_care.vocab import SheetFormat

if TYPE_CHECKING:
    from hamstring_care.prescription import Prescription
    from hamstring_care.source.library import Library
    from hamstring_care.triage import TriageResult


def library(protocols_dirs: Iterable[Path | str] = ()) -> Library:
    """The protocol library: the bundled protocols, overridden by these folders in order."""
    from hamstring_care.source.library import Library, protocol_dirs

    return Library(protocol_dirs([Path(d) for d in protocols_dirs], environ={}))


def check(answers: Mapping[str, Any], *, protocols: Library | None = None) -> TriageResult:
    """The check's result for a mapping of answers (the ids of an answers file).

    Raises:
        InputFileError: an answer that is not one the question takes, or one missing that
            the result depends on; every problem is listed.
    """
    from hamstring_care.errors import IncompleteAnswersError, InputFileError, Problem
    from hamstring_care.triage import parse_answers, triage

    protocol = (protocols or library()).triage()
    parsed, problems = parse_answers(protocol, dict(answers))
    if problems:
        raise InputFileError("answers", [Problem(path, message) for path, message in problems])
    try:
        return triage(protocol, parsed)
    except IncompleteAnswersError as missing:
        problems = [((qid,), "missing answer") for qid in missing.missing]
        raise InputFileError("answers", [Problem(p, m) for p, m in problems]) from None


def prescription(
    protocol_ids: Iterable[str] = (),
    *,
    plan: Path | str | None = None,
    protocols: Library | None = None,
    today: dt.date | None = None,
    **options: Any,
) -> Prescription:
    """A prescription from protocol ids or a plan file, with the options ``print`` takes.

    Options by their command-line names with ``_`` for ``-``: ``patient``, ``side``,
    ``hold``, ``times_per_day``, ``days``, ``days_per_week``, ``paper``, ``notes``,
    ``clinic_phone``, ``date`` (YYYY-MM-DD), ``logo`` (a path), ...
    """
    from hamstring_care import plans
    from hamstring_care.vocab import Paper, Side

    if isinstance(options.get("side"), str):
        options["side"] = Side(options["side"])
    if isinstance(options.get("paper"), str):
        options["paper"] = Paper(options["paper"])
    if options.get("logo") is not None:
        options["logo"] = Path(options["logo"])
    given = plans.Layer.options(**options)
    path = Path(plan) if plan is not None else None
    return plans.prescription(protocols or library(), list(protocol_ids), path, given, today)


def sheet(
    prescribed: Prescription,
    format: SheetFormat | str = SheetFormat.PDF,
    *,
    protocols: Library | None = None,
    show_commands: bool = True,
) -> bytes:
    """The take-home sheet of a prescription, in a format: pdf, html, md or txt."""
    from hamstring_care.render import formats

    drawn_sheet = formats.sheet_for(protocols or library(), prescribed)
    drawn_sheet.show_commands = show_commands
    return formats.render(drawn_sheet, SheetFormat(format)).data
