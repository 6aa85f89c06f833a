"""Drawings (SVG) are self-contained by rule: nothing in one may point outside it.

A protocol folder can come from someone else, and its drawings go into PDF and HTML sheets.
An SVG can name other files and addresses in many places (``href``, ``<image>``, CSS
``@import`` and ``url(...)``, entity declarations, style-sheet instructions); a renderer that
follows one would read a local file into the sheet or send a request. So a drawing may refer
only to its own parts (``#id``), and anything else is refused with the reason.
"""

from __future__ import annotations

import codecs
import re
import stat
import struct
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_DRAWING_BYTES = 256 * 1024  # the bundled drawings are about 1 kB each
MAX_ELEMENTS = 500  # they have about 20; the PDF library draws about 2,000 a second
MAX_DEPTH = 40  # elements inside each other; the bundled drawings need 3, and the PDF
# library draws nested groups by recursion (490 levels exhaust Python's stack)
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
    """Every reason this SVG may not be drawn (empty when it may).

    Anything that reaches outside the drawing, and more elements or deeper nesting than a
    sheet can draw quickly.
    """
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
    for count, (element, depth) in enumerate(_walk(root), 1):
        if count > MAX_ELEMENTS:
            problems.append(f"more than {MAX_ELEMENTS:,} elements; a sheet's drawing needs few")
            break
        if depth > MAX_DEPTH:
            problems.append(f"elements nested more than {MAX_DEPTH} levels deep")
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


def _walk(root: Any) -> typing.Iterator[tuple[Any, int]]:
    """Each element in document order with its depth (the root is 1), without recursion."""
    pending = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        yield element, depth
        pending += [(child, depth + 1) for child in reversed(element)]


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


def _short(value: str, limit: int = 60) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 3] + "..."


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
        raise ValueError("refused: " + "; ".join(problems))
    return text


def element_count(text: str) -> int:
    """About how many elements a drawing holds (its opening tags)."""
    return text.count("<") - text.count("</") - text.count("<?") - text.count("<!")


MAX_LOGO_BYTES = 256 * 1024
MAX_LOGO_PIXELS = 2_000  # a side: plenty for 45 mm at print resolution, no decompression bomb
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Logo:
    """A clinic's logo for the top of a sheet: a PNG or a self-contained SVG."""

    kind: str
    """``png`` or ``svg``."""
    data: bytes


def read_logo(path: Path, source: str) -> Logo:
    """Read and check a logo: a PNG or SVG file of at most 256 KiB that every sheet can draw.

    A PNG must be at most 2,000 pixels a side and decode to its last pixel; an SVG must be
    a drawing (self-contained, within the drawing limits) with a size, and draw once on a
    scratch PDF page. A UTF-8 byte-order mark before an SVG is dropped. Raises
    ``InputFileError`` with the reason: the check, not the sheet, finds what cannot be drawn.
    """
    from hamstring_care.errors import InputFileError, Problem
    from hamstring_care.source.reading import read_bytes

    def refuse(reason: str) -> InputFileError:
        return InputFileError(source, [Problem((), reason)])

    raw = read_bytes(path, source)
    if len(raw) > MAX_LOGO_BYTES:
        raise refuse("a logo may be at most 256 KiB")
    if raw.startswith(PNG_SIGNATURE):
        if raw[12:16] != b"IHDR" or len(raw) < 24:
            raise refuse("not a readable PNG image")
        width, height = struct.unpack(">II", raw[16:24])
        if not (0 < width <= MAX_LOGO_PIXELS and 0 < height <= MAX_LOGO_PIXELS):
            raise refuse(f"a logo may be at most {MAX_LOGO_PIXELS:,} pixels a side")
        _check_png(raw, refuse)  # every pixel decoded, within the size just checked
        return Logo("png", raw)
    raw = raw.removeprefix(codecs.BOM_UTF8)  # as some editors save: XML allows it, fpdf2 not
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if "<svg" not in text:
        raise refuse("not a PNG or SVG image")
    problems = drawing_problems(text)
    if problems:
        raise refuse("refused: " + "; ".join(problems))
    if not _has_size(text):
        raise refuse("an SVG logo needs a viewBox, or a width and a height, to be drawn")
    logo = Logo("svg", raw)
    from hamstring_care.render.pdf import logo_problem

    # Drawn once now, so that no sheet meets a logo it cannot draw: fonts it lacks, numbers
    # out of range, a <use> that refers to itself.
    problem = logo_problem(logo)
    if problem:
        raise refuse(_short(problem, 160))
    return logo


_NUMBER = r"\s*([0-9]*\.?[0-9]+)\s*(?:px|mm|cm|in|pt)?\s*"


def _has_size(text: str) -> bool:
    """True when the root element says how large it is (a viewBox, or width and height)."""
    from defusedxml.ElementTree import fromstring

    root = fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    box = root.get("viewBox", "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return True
    except ValueError:
        pass
    sizes = [re.fullmatch(_NUMBER, root.get(name, "")) for name in ("width", "height")]
    return all(match and float(match.group(1)) > 0 for match in sizes)


def _check_png(raw: bytes, refuse: typing.Callable[[str], Exception]) -> None:
    """Decode every pixel, as the PDF will: damaged or missing image data is refused now.

    Bounded by the 2,000 pixels a side checked before, and by Pillow's own limits on text
    and colour-profile chunks.
    """
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.verify()  # the chunks' checksums; it leaves the image unusable, so again:
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            no_palette = image.mode in ("P", "PA") and image.palette is None
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's words for a damaged file
        reason = _short(str(exc), 100) or "damaged"
        raise refuse(f"not a readable PNG image ({reason})") from None
    except Exception:  # whatever else a damaged file makes the decoder raise
        raise refuse("not a readable PNG image (damaged or incomplete)") from None
    if no_palette:
        raise refuse("not a readable PNG image (a palette image without its palette, PLTE)")
