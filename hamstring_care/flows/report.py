"""A clinician's record of the history: the progress report, and the FHIR R4 export.

Both read the history once (``history.summary``): the patient's own, or a patient's
``history export`` read back (``--from``) on the clinic's machine. Only reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hamstring_care import messages, plans
from hamstring_care.dates import time_label
from hamstring_care.errors import HamstringCareError
from hamstring_care.flows import safety
from hamstring_care.history import fhir
from hamstring_care.history.folder import FILE_NAME
from hamstring_care.history.imported import in_memory, read_export
from hamstring_care.history.report import build
from hamstring_care.history.store import SCHEMA_VERSION, newer_message, open_history
from hamstring_care.history.summary import summarize
from hamstring_care.render.report import Now
from hamstring_care.sanitize import visible
from hamstring_care.words import count

if TYPE_CHECKING:
    from hamstring_care.context import Environment
    from hamstring_care.history.store import History
    from hamstring_care.history.summary import Summary
    from hamstring_care.models import AnyProtocol
    from hamstring_care.prescription import Prescription
    from hamstring_care.render.report import Now
    from hamstring_care.source.library import Library


@dataclass(frozen=True)
class Source:
    """The history a record is made from: where it is, and the day it is read for."""

    history: History
    name: str
    """The history file, or the export given."""
    as_of: dt.datetime
    """Now, or when the export was made."""
    exported: bool = False


@contextlib.contextmanager
def history_source(env: Environment, from_file: Path | None = None) -> Iterator[Source]:
    """The patient's history (an empty one when nothing is saved yet), or an export read back.

    Raises:
        HistoryError: the history file cannot be read.
        InputFileError: the export cannot be read.
    """
    if from_file is not None:
        imported = read_export(from_file, on_skip=env.warn)
        with imported.history:
            as_of = imported.exported_at or env.now()
            yield Source(imported.history, imported.source, as_of, exported=True)
        return
    path = env.history_folder() / FILE_NAME
    history = open_history(env.history_folder(), create=False, on_skip=env.warn, reading=True)
    if history is None:
        history = in_memory(visible(str(path)), env.warn)
    elif history.version > SCHEMA_VERSION:
        env.warn(newer_message(history.path, history.version))
    with history:
        yield Source(history, visible(str(path)), env.now())


class Finder:
    """Protocols by id from the library, None for an id it does not have."""

    def __init__(self, library: Library) -> None:
        self.library = library

    def __call__(self, pid: str) -> AnyProtocol | None:
        """A protocol by id, or None when no folder in use has it (or it cannot be loaded)."""
        if pid not in self.library.entries():
            return None
        try:
            return self.library.get(pid)
        except HamstringCareError:
            return None


def read_summary(
    env: Environment, source: Source, library: Library, plan: Path | None
) -> tuple[Summary, Prescription | None]:
    """The history read for a clinician, held against the plan given (if any)."""
    prescription = None
    if plan is not None:
        prescription = plans.prescription(library, [], plan, plans.Layer(), env.today())
    today = source.as_of.astimezone().date()
    summary = summarize(
        source.history,
        Finder(library),
        library.triage(),
        today,
        prescription,
        visible(str(plan)) if plan else None,
    )
    return summary, prescription


def fhir_export(env: Environment, plan: Path | None) -> tuple[bytes, str]:
    """The history as a FHIR R4 Bundle (JSON bytes), and what it holds in words."""
    library = env.library()
    with history_source(env) as source, fhir.no_collection():
        summary, prescription = read_summary(env, source, library, plan)
    patient = prescription.patient if prescription else None
    document = fhir.bundle(summary, library.triage(), env.now(), patient)
    kinds: dict[str, int] = {}
    for entry in document["entry"]:
        kind = entry["resource"]["resourceType"]
        kinds[kind] = kinds.get(kind, 0) + 1
    said = "a FHIR R4 Bundle of " + ", ".join(
        count(n, kind) for kind, n in sorted(kinds.items(), key=lambda k: -k[1])
    )
    return fhir.to_bytes(document), said


# --- the progress report ---------------------------------------------------------------


def now_box(summary: Summary, library: Library, program: str) -> Now:
    """The advice now, in the words the commands use, and whether self-care may go on."""
    triage = library.triage()
    newest = summary.state.newest
    if newest is None:
        return Now("No advice saved yet", [f"No check saved: the check is {program}"], False)
    when = time_label(newest.given_at.astimezone())
    lines = [f"After {safety.SOURCE_WORDS[newest.source]}, {when}."]
    if summary.state.blocked:
        lines.append(f"Self-care is stopped. {messages.way_back(program)}")
    else:
        lines.append("Self-care may go on.")
    return Now(safety.title(newest, triage), lines, summary.state.blocked)


@dataclass(frozen=True)
class Made:
    """A report drawn: its bytes, its pages (PDF), and what it covers in words."""

    data: bytes
    pages: int | None
    said: str


def progress_report(
    env: Environment,
    fmt: str,
    from_file: Path | None = None,
    plan: Path | None = None,
    patient: str | None = None,
    paper: str | None = None,
) -> Made:
    """The progress report of the history (or of an export), drawn as PDF or HTML."""
    library = env.library()
    with history_source(env, from_file) as source:
        summary, prescription = read_summary(env, source, library, plan)
    name = patient or (prescription.patient if prescription else None)
    where = f"the export {source.name}" if source.exported else f"the history {source.name}"
    report = build(
        summary,
        library.triage(),
        Finder(library),
        now_box(summary, library, "hamstring-care"),
        env.now(),
        where,
        patient=name,
        paper=paper or (prescription.paper if prescription else "a4"),
    )
    if fmt == "pdf":
        from hamstring_care.render.report_pdf import to_pdf  # noqa: PLC0415 - fpdf2, PDF only

        data, pages = to_pdf(report)
        drawn = Made(data, pages, "")
    else:
        from hamstring_care.render.report_html import to_html  # noqa: PLC0415 - one format each

        drawn = Made(to_html(report).encode(), None, "")
    covers = [count(len(summary.sessions), "session"), count(len(summary.checks), "check")]
    if summary.runs:
        covers.append(count(len(summary.runs), "program"))
    return Made(drawn.data, drawn.pages, ", ".join(covers))
