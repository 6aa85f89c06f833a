"""Choosing a sheet's format and file name, and drawing it in that format."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from hamstring_care.errors import UsageError
from hamstring_care.prescription import Prescription
from hamstring_care.sheets.content import Sheet

if TYPE_CHECKING:
    from hamstring_care.library import Library

FORMATS = ("pdf", "html", "md", "txt")
BY_SUFFIX = {".pdf": "pdf", ".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
BY_SUFFIX |= {".txt": "txt", ".text": "txt"}
TO_STDOUT = ("html", "md", "txt")


def choose_format(wanted: str | None, output: str | None) -> str:
    """The format asked for, else the one the output file's suffix names, else PDF."""
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    named = BY_SUFFIX.get(suffix) if suffix else None
    if wanted and named and wanted != named:
        raise UsageError(f"{output}: the name ends in {suffix} but --format is {wanted}")
    fmt = wanted or named or "pdf"
    if output == "-" and fmt not in TO_STDOUT:
        raise UsageError(
            "a PDF cannot go to standard output; give a file name (-o sheet.pdf) "
            "or --format html, md or txt"
        )
    return fmt


def default_name(prescription: Prescription, fmt: str) -> str:
    """``sheet-jane-doe-2026-11-21.pdf``, or after the first protocol when no patient is named."""
    who = prescription.patient or prescription.items[0].protocol.id
    slug = re.sub(r"[^\w]+", "-", who.lower()).strip("-_")[:40] or "patient"
    return f"sheet-{slug}-{prescription.date.isoformat()}.{fmt}"


def render(sheet: Sheet, fmt: str) -> bytes:
    """The sheet drawn in ``fmt``; only the chosen format's module (and library) is imported."""
    if fmt == "pdf":
        from hamstring_care.sheets.pdf import to_pdf

        return to_pdf(sheet)
    if fmt == "html":
        from hamstring_care.sheets.html import to_html

        return to_html(sheet).encode()
    from hamstring_care.sheets.text import to_markdown, to_text

    return (to_markdown(sheet) if fmt == "md" else to_text(sheet)).encode()


def sheet_for(library: Library, prescription: Prescription) -> Sheet:
    """Describe the sheet, reading each step's illustration from the protocol's folder.

    A drawing is checked again as it is read (the file may have changed since the protocol
    was loaded): one that reaches outside itself stops the sheet with an error.
    """
    from hamstring_care.drawings import MAX_SHEET_ELEMENTS, element_count, read_drawing
    from hamstring_care.errors import InputFileError, Problem
    from hamstring_care.library import display_name
    from hamstring_care.sheets.content import build_sheet

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

    return build_sheet(prescription, library.triage(), illustration)


_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")  # a page object, not the /Pages tree


def pdf_pages(data: bytes) -> int:
    """Pages in a PDF this program wrote: fpdf2 writes one ``/Type /Page`` object per page."""
    return len(_PAGE.findall(data))
