"""Choosing a sheet's format and file name, and drawing it in that format."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hamstring_care.errors import UsageError
from hamstring_care.prescription import Prescription
from hamstring_care.render.content import Sheet
from hamstring_care.vocab import SheetFormat

if TYPE_CHECKING:
    from hamstring_care.source.library import Library


@dataclass(frozen=True)
class Drawn:
    """A sheet drawn in one format: its bytes, and its pages where the format has pages."""

    data: bytes
    pages: int | None = None


def _pdf(sheet: Sheet) -> Drawn:
    from hamstring_care.render.pdf import to_pdf

    return Drawn(*to_pdf(sheet))


def _html(sheet: Sheet) -> Drawn:
    from hamstring_care.render.html import to_html

    return Drawn(to_html(sheet).encode())


def _markdown(sheet: Sheet) -> Drawn:
    from hamstring_care.render.text import to_markdown

    return Drawn(to_markdown(sheet).encode())


def _text(sheet: Sheet) -> Drawn:
    from hamstring_care.render.text import to_text

    return Drawn(to_text(sheet).encode())


def _summary(sheet: Sheet) -> Drawn:
    from hamstring_care.render.text import to_summary

    return Drawn(to_summary(sheet).encode())


@dataclass(frozen=True)
class Renderer:
    """One sheet format: how to draw it, its file suffixes, whether it may go to a pipe."""

    draw: Callable[[Sheet], Drawn]
    suffixes: tuple[str, ...]
    to_stdout: bool = True


RENDERERS: dict[SheetFormat, Renderer] = {
    SheetFormat.PDF: Renderer(_pdf, (".pdf",), to_stdout=False),
    SheetFormat.HTML: Renderer(_html, (".html", ".htm")),
    SheetFormat.MD: Renderer(_markdown, (".md", ".markdown")),
    SheetFormat.TXT: Renderer(_text, (".txt", ".text")),
    SheetFormat.SUMMARY: Renderer(_summary, (".txt", ".text")),
}
"""Every sheet format: a new one is one entry here and its module (the CLI reads this).
A suffix names the first format that has it (.txt: the whole sheet as text)."""

FORMATS = tuple(RENDERERS)
BY_SUFFIX: dict[str, SheetFormat] = {}
for _fmt, _renderer in RENDERERS.items():
    for _suffix in _renderer.suffixes:
        BY_SUFFIX.setdefault(_suffix, _fmt)


def choose_format(wanted: SheetFormat | None, output: str | None) -> SheetFormat:
    """The format asked for, else the one the output file's suffix names, else PDF."""
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    named = BY_SUFFIX.get(suffix) if suffix else None
    if suffix and named is None and wanted is None:
        known = ", ".join(sorted(BY_SUFFIX))
        raise UsageError(
            f"{output}: {suffix} is not a sheet format; name the file {known}, or give --format"
        )
    if wanted and named and suffix not in RENDERERS[wanted].suffixes:
        raise UsageError(f"{output}: the name ends in {suffix} but --format is {wanted}")
    fmt = wanted or named or SheetFormat.PDF
    if output == "-" and not RENDERERS[fmt].to_stdout:
        others = [str(f) for f, r in RENDERERS.items() if r.to_stdout]
        listed = ", ".join(others[:-1]) + f" or {others[-1]}"
        raise UsageError(
            f"a {str(fmt).upper()} cannot go to standard output; give a file name "
            f"(-o sheet.{fmt}) or --format {listed}"
        )
    return fmt


def default_name(prescription: Prescription, fmt: SheetFormat) -> str:
    """``sheet-jane-doe-2026-11-21.pdf``, or after the first protocol when no patient is named."""
    who = prescription.patient or prescription.items[0].protocol.id
    slug = re.sub(r"[^\w]+", "-", who.lower()).strip("-_")[:40] or "patient"
    return f"sheet-{slug}-{prescription.date.isoformat()}{RENDERERS[fmt].suffixes[0]}"


def render(sheet: Sheet, fmt: SheetFormat) -> Drawn:
    """The sheet drawn in ``fmt``; only the chosen format's module (and library) is imported."""
    return RENDERERS[fmt].draw(sheet)


def sheet_for(library: Library, prescription: Prescription) -> Sheet:
    """Describe the sheet, reading each step's illustration from the protocol's folder.

    A drawing is checked again as it is read (the file may have changed since the protocol
    was loaded): one that reaches outside itself stops the sheet with an error.
    """
    from hamstring_care.errors import InputFileError, Problem
    from hamstring_care.models import RoutineProtocol
    from hamstring_care.render.content import build_sheet
    from hamstring_care.source.drawings import MAX_SHEET_ELEMENTS, element_count, read_drawing
    from hamstring_care.source.reading import display_name

    drawn = [0]  # elements in the sheet's drawings so far

    def illustration(pid: str, name: str) -> str | None:
        path = library.illustration(pid, name)
        if path is None:
            return None
        try:
            text = read_drawing(path)
        except OSError:
            return None  # gone since loading: the sheet still gives the step's words
        except ValueError as exc:
            raise InputFileError(display_name(path), [Problem((), str(exc))]) from None
        drawn[0] += element_count(text)
        if drawn[0] > MAX_SHEET_ELEMENTS:
            message = (
                f"this sheet's drawings hold more than {MAX_SHEET_ELEMENTS:,} elements "
                "together; simplify them"
            )
            raise InputFileError(display_name(path), [Problem((), message)])
        return text

    def routine(rid: str) -> RoutineProtocol:
        return library.get(rid, RoutineProtocol)

    full = prescription.with_stage_routines(routine)
    return build_sheet(full, library.triage(), illustration)
