"""Drawings (SVG) are self-contained by rule: nothing in one may point outside it.

A protocol folder can come from someone else, and its drawings go into PDF and HTML sheets.
An SVG can name other files and addresses in many places (``href``, ``<image>``, CSS
``@import`` and ``url(...)``, entity declarations, style-sheet instructions); a renderer that
follows one would read a local file into the sheet or send a request. So a drawing may refer
only to its own parts (``#id``), and anything else is refused with the reason.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

MAX_DRAWING_BYTES = 256 * 1024  # the bundled drawings are about 1 kB each
MAX_ELEMENTS = 500  # they have about 20; the PDF library draws about 2,000 a second
MAX_SHEET_ELEMENTS = 2_000  # all the drawings of one sheet together: about a second to draw
MAX_PROBLEMS = 5

# Elements that embed or run outside content whatever their attributes say.
_FORBIDDEN = {
    "image": "an <image> element (drawings may not embed pictures)",
    "feImage": "an <feImage> element (drawings may not embed pictures)",
    "foreignObject": "a <foreignObject> element",
    "script": "a <script> element",
    "iframe": "an <iframe> element",
    "object": "an <object> element",
    "embed": "an <embed> element",
    "audio": "an <audio> element",
    "video": "a <video> element",
}
_URL = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"]*)\1\s*\)", re.IGNORECASE)
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)|<\?xml-stylesheet", re.IGNORECASE)


def drawing_problems(text: str) -> list[str]:
    """Every way this SVG reaches outside itself (empty when it is self-contained)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    found = _DECLARATION.search(text)
    if found:
        what = found.group(1) or "xml-stylesheet"
        return [
            f"a <!{what.upper()}> declaration" if found.group(1) else f"an <?{what}?> instruction"
        ]
    try:
        root = fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        return [f"not a well-formed SVG ({exc})"]
    if _local(root.tag) != "svg":
        return [f"expected an <svg> drawing, found <{_local(root.tag)}>"]
    problems: list[str] = []
    for count, element in enumerate(root.iter(), 1):
        if count > MAX_ELEMENTS:
            problems.append(f"more than {MAX_ELEMENTS:,} elements; a sheet's drawing needs few")
            break
        name = _local(element.tag)
        if name in _FORBIDDEN:
            problems.append(_FORBIDDEN[name])
        for attribute, value in element.attrib.items():
            if _local(attribute) == "href" and not value.strip().startswith("#"):
                problems.append(f'a link to "{_short(value)}" (only #id links are allowed)')
            problems += _css_problems(value)
        if name == "style" and element.text:
            problems += _css_problems(element.text)
    return list(dict.fromkeys(problems))[:MAX_PROBLEMS]


def _css_problems(css: str) -> list[str]:
    problems = []
    if "@import" in css.lower():
        problems.append("a CSS @import")
    for match in _URL.finditer(css):
        target = match.group(2).strip()
        if not target.startswith("#"):
            problems.append(f'a CSS url("{_short(target)}") (only url(#id) is allowed)')
    return problems


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _short(value: str) -> str:
    value = value.strip()
    return value if len(value) <= 60 else value[:57] + "..."


def read_drawing(path: Path) -> str:
    """Read a drawing: a regular UTF-8 file of at most 256 KiB, checked to be self-contained.

    Raises:
        ValueError: with the reason, when the file is not one, is too large, is not UTF-8
            text, or reaches outside itself.
        OSError: when it cannot be read at all.
    """
    status = path.stat()
    if not stat.S_ISREG(status.st_mode):
        raise ValueError("not a regular file")
    if status.st_size > MAX_DRAWING_BYTES:
        raise ValueError("larger than 256 KiB")
    with path.open("rb") as stream:
        raw = stream.read(MAX_DRAWING_BYTES + 1)
    if len(raw) > MAX_DRAWING_BYTES:
        raise ValueError("larger than 256 KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8 text") from None
    problems = drawing_problems(text)
    if problems:
        raise ValueError("not self-contained: " + "; ".join(problems))
    return text


def element_count(text: str) -> int:
    """About how many elements a drawing holds (its opening tags)."""
    return text.count("<") - text.count("</") - text.count("<?") - text.count("<!")
