"""What ``protocols validate`` finds in protocol files and folders.

Errors stop a file from loading: every problem of every file (``file:line:column:
field.path: message``), a file that cannot be read, two files with one id in one folder, a
triage recommending a protocol that cannot be used. Warnings are for the clinician to read:
a protocol that another folder's file overrides (and which one wins), missing sources, a
routine longer than an hour.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hamstring_care.errors import ExitCode, HamstringCareError, InputFileError, Problem
from hamstring_care.files import examine
from hamstring_care.models import GuidanceProtocol, ProgramProtocol, RoutineProtocol, TriageProtocol
from hamstring_care.player.timeline import build, total_seconds
from hamstring_care.source.library import (
    Library,
    bundled_dir,
    drawing_findings,
    read_protocol,
    scan_folder,
)
from hamstring_care.source.reading import Document, display_name, unreadable
from hamstring_care.vocab import Disposition
from hamstring_care.words import count

if TYPE_CHECKING:
    from hamstring_care.models import AnyProtocol

LONG_ROUTINE_S = 60 * 60


@dataclass
class ValidationReport:
    """Errors and warnings, one line each, and a line per file that loaded."""

    files: int = 0
    bad: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def exit_code(self, strict: bool) -> ExitCode:
        """2 with errors; 1 with warnings only, under ``--strict``; else 0."""
        if self.errors:
            return ExitCode.BAD_INPUT
        return ExitCode.WARNINGS if strict and self.warnings else ExitCode.OK

    def summary(self) -> str:
        """One closing line: how many files, how many with errors, how many warnings."""
        found = [f"{self.bad} with errors" if self.bad else "all valid"]
        if self.warnings:
            found.append(count(len(self.warnings), "warning"))
        return f"{count(self.files, 'file')} checked: {', '.join(found)}."

    def error(self, line: str) -> None:
        """Add an error that belongs to no single file's load (it still marks a file bad)."""
        self.errors.append(line)
        self.bad += 1


def validate_paths(library: Library, paths: Sequence[Path]) -> ValidationReport:
    """Validate files and folders (default: every folder of the library).

    Then check what lies between files: ids that more than one folder provides, that
    each protocol the triage recommends exists and is advice, and that each routine a
    program plays is a routine.
    """
    report = ValidationReport()
    files: list[Path] = []
    folders: list[Path] = []
    for path in paths or library.dirs:
        try:
            status = examine(path)
        except OSError as exc:  # a folder on the way that may not be entered, a name too long
            report.error(f"{display_name(path)}: {unreadable(exc)}")
            continue
        if status is not None and stat.S_ISDIR(status.st_mode):
            try:
                found, skipped = scan_folder(path)
            except HamstringCareError as error:
                report.error(error.lines[0])
                continue
            for line in skipped:
                report.files += 1
                report.error(line)
            files += found
            folders.append(path)
        elif status is not None or os.path.lexists(path):  # a link to nothing: read says so
            files.append(path)
        else:
            report.error(f"{display_name(path)}: file not found")
    loaded: dict[str, AnyProtocol] = {}
    for path in files:
        report.files += 1
        try:
            protocol, doc = read_protocol(path)
        except InputFileError as error:
            report.bad += 1
            report.errors += error.lines
            continue
        drawings = drawing_findings(protocol, path.parent)
        if drawings:
            report.bad += 1
            report.errors += [doc.problem(where, why).format(doc.source) for where, why in drawings]
            continue
        loaded[protocol.id] = protocol
        report.checked.append(f"ok  {display_name(path)}")
        report.warnings += [p.format(doc.source) for p in protocol_warnings(protocol, doc)]
    _check_ids(library, folders, report)
    _check_recommended(library, loaded, report)
    _check_programs(library, loaded, report)
    return report


def protocol_warnings(protocol: AnyProtocol, doc: Document) -> list[Problem]:
    """What a valid protocol should still fix: missing sources, an over-long routine."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if not protocol.sources:
        found.append(
            (
                ("sources",),
                "no sources: cite where the advice comes from, and mark what is clinic "
                "practice with practice: true",
            )
        )
    if isinstance(protocol, (RoutineProtocol, GuidanceProtocol)):
        found += [
            (path, "no sources and not marked practice: true; cite one, or mark it practice")
            for path in _unsourced(protocol, ())
        ]
    if isinstance(protocol, RoutineProtocol):
        seconds = total_seconds(build(protocol.steps))
        if seconds > LONG_ROUTINE_S:
            found.append(
                (
                    ("steps",),
                    f"the routine takes {math.ceil(seconds / 60)} min with both legs, over "
                    f"{LONG_ROUTINE_S // 60} min; most people will not finish it",
                )
            )
    return [doc.problem(path, f"warning: {message}") for path, message in found]


def _unsourced(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    # Statements (anything with sources and practice fields) that cite nothing.
    from pydantic import BaseModel  # noqa: PLC0415 - pydantic off the loader-free paths

    if isinstance(node, BaseModel):
        names = type(node).model_fields
        statement = path and "sources" in names and "practice" in names
        if statement and not getattr(node, "sources", None) and not getattr(node, "practice", None):
            yield path
        for name in names:
            yield from _unsourced(getattr(node, name), (*path, name))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            yield from _unsourced(value, (*path, i))


def _check_ids(library: Library, validated: list[Path], report: ValidationReport) -> None:
    # A folder validated on its own is placed last, as if given with --protocols-dir.
    folders = [*library.dirs, *(f for f in validated if f not in library.dirs)]
    by_id: dict[str, list[Path]] = {}
    for folder in folders:
        try:
            found, _ = scan_folder(folder)
        except HamstringCareError:
            continue  # reported already, or not a folder being checked
        for path in found:
            by_id.setdefault(path.stem, []).append(path)
    for pid, paths in by_id.items():
        if len(paths) < 2:
            continue
        winner = paths[-1]
        for path in paths:
            if path.parent not in validated:
                continue
            twins = [p for p in paths if p != path and p.parent == path.parent]
            if twins:
                report.error(
                    f"{display_name(path)}: id {pid} is also in {display_name(twins[0])}, "
                    "in the same folder; keep one of them"
                )
                continue
            others = ", ".join(_named(p) for p in paths if p != path)
            verdict = (
                "this file wins (its folder comes later)"
                if path == winner
                else f"{display_name(winner)} wins (its folder comes later)"
            )
            report.warnings.append(
                f"{display_name(path)}: warning: id {pid} is also in {others}; {verdict}"
            )


def _named(path: Path) -> str:
    bundled = " (bundled)" if path.parent == bundled_dir() else ""
    return display_name(path) + bundled


def _referenced(
    library: Library, loaded: dict[str, AnyProtocol], pid: str
) -> tuple[AnyProtocol | None, str]:
    """The protocol an id names (the files being checked first), or why it cannot be used."""
    try:
        return loaded.get(pid) or library.get(pid), ""
    except HamstringCareError as error:
        return None, error.lines[0]


def _check_programs(
    library: Library, loaded: dict[str, AnyProtocol], report: ValidationReport
) -> None:
    # Each routine a program's stage plays must exist and be a routine.

    for protocol in loaded.values():
        if not isinstance(protocol, ProgramProtocol):
            continue
        for i, stage in enumerate(protocol.stages):
            for rid in stage.routines:
                target, why = _referenced(library, loaded, rid)
                if target is None:
                    report.error(
                        f"{protocol.id}: stages[{i}] plays {rid}, which cannot be used: {why}"
                    )
                elif not target.can.played:
                    report.error(
                        f"{protocol.id}: stages[{i}] plays {rid}, which is "
                        f"{target.can.words}, not a routine"
                    )


def _check_recommended(
    library: Library, loaded: dict[str, AnyProtocol], report: ValidationReport
) -> None:
    # Each protocol that a triage recommends must exist and be advice.

    for protocol in loaded.values():
        if not isinstance(protocol, TriageProtocol):
            continue
        wanted = {pid for d in Disposition for pid in protocol.dispositions.of(d).protocols}
        wanted |= {pid for rule in protocol.rules for pid in rule.protocols or []}
        wanted |= {pid for note in protocol.notes for pid in note.protocols}
        for pid in sorted(wanted):
            target, why = _referenced(library, loaded, pid)
            if target is None:
                report.error(f"triage: recommends {pid}, which cannot be used: {why}")
            elif isinstance(target, TriageProtocol):
                report.error(f"triage: recommends {pid}, which is a triage, not advice")
