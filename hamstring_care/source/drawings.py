"""Drawings (SVG) are self-contained by rule: nothing in one may point outside it.

A protocol folder can come from someone else, and its drawings go into PDF and HTML sheets.
An SVG can name other files and addresses in many places (``href``, ``<image>``, CSS
``@import`` and ``url(...)``, entity declarations, style-sheet instructions, event handlers
that run script in a browser); a renderer that follows one would read a local file into the
sheet or send a request. So a drawing may refer only to its own parts (``#id``) and may use
only the elements, attributes, CSS properties and CSS functions of an allow-list: a list of
what is forbidden always misses a spelling (a CSS escape, an upper-case name, a namespace,
a newer standard's function). Anything else is refused with the reason.
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

# What a drawing may use: an allow-list, so that what is not named here (a script, an event
# handler, an element or property of a newer standard that fetches) is refused, whatever
# its case or namespace. The bundled drawings use a fraction of it; the rest is what drawing
# programs write for shapes, text, gradients, markers and styles.
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ELEMENTS = _words(
    """svg g defs symbol use title desc metadata switch style path rect circle ellipse line
    polyline polygon text tspan textPath linearGradient radialGradient stop clipPath mask
    pattern marker"""
)
# Elements of drawing programs' own namespaces (Inkscape, Sodipodi, RDF metadata): no
# renderer draws or runs them.
_EDITOR_NAMESPACES = _words(
    """http://www.inkscape.org/namespaces/inkscape
    http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd
    http://www.w3.org/1999/02/22-rdf-syntax-ns# http://creativecommons.org/ns#
    http://web.resource.org/cc/ http://purl.org/dc/elements/1.1/"""
)
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
# Presentation properties: as attributes, and as CSS in style="" and <style>.
_PROPERTIES = _words(
    """fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap
    stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity color
    display visibility overflow clip-path clip-rule mask marker marker-start marker-mid
    marker-end stop-color stop-opacity font font-family font-size font-weight font-style
    font-variant font-stretch text-anchor dominant-baseline alignment-baseline
    baseline-shift letter-spacing word-spacing text-decoration white-space writing-mode
    direction unicode-bidi paint-order vector-effect shape-rendering text-rendering
    color-interpolation isolation mix-blend-mode enable-background transform
    transform-origin"""
)
_ATTRIBUTES = _PROPERTIES | _words(
    """id class style href viewBox preserveAspectRatio version baseProfile width height x y
    x1 y1 x2 y2 cx cy r rx ry fx fy fr d points pathLength dx dy rotate textLength
    lengthAdjust startOffset method spacing side offset gradientUnits gradientTransform
    spreadMethod patternUnits patternContentUnits patternTransform clipPathUnits maskUnits
    maskContentUnits markerWidth markerHeight markerUnits refX refY orient type media lang"""
)
# CSS functions a value may hold: colours, lengths and transforms, and url(#id) only.
_FUNCTIONS = _words(
    """url rgb rgba hsl hsla calc var matrix translate translatex translatey scale scalex
    scaley rotate skewx skewy"""
)
# The reasons for the elements that embed or run outside content, in words.
_NAMED = {
    "image": "an <image> element (drawings may not embed pictures)",
    "feImage": "an <feImage> element (drawings may not embed pictures)",
    "foreignObject": "a <foreignObject> element",
    "script": "a <script> element",
    "a": "an <a> link",
}
_URL = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"]*)\1\s*\)", re.IGNORECASE)
_FUNCTION = re.compile(r"([a-zA-Z_-][\w-]*)\(")  # a function token: no space before (
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(\n|\r\n|\r|\f)|(.))", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
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
        problems += _element_problems(element)
    return list(dict.fromkeys(problems))[:MAX_PROBLEMS]


def _element_problems(element: Any) -> list[str]:
    """What one element uses that drawings may not: by the allow-lists above."""
    namespace, name = _split(element.tag)
    if namespace in _EDITOR_NAMESPACES:
        return []
    if namespace not in ("", SVG_NAMESPACE) or name not in _ELEMENTS:
        shown = name if namespace in ("", SVG_NAMESPACE) else element.tag
        return [_NAMED.get(name, f"a <{_short(shown)}> element (not one a drawing may use)")]
    problems = []
    for attribute, value in element.attrib.items():
        namespace, local = _split(attribute)
        if local.lower().startswith("on"):
            problems.append(f"an event handler ({_short(local)}=...)")
        elif local == "href" and namespace in ("", _XLINK):
            if not value.strip().startswith("#"):
                problems.append(f'a link to "{_short(value)}" (only #id links are allowed)')
        elif (namespace == _XML and local in ("space", "lang")) or namespace in _EDITOR_NAMESPACES:
            continue
        elif namespace or (local not in _ATTRIBUTES and not local.startswith("data-")):
            problems.append(f"an attribute {_short(attribute)} (not one a drawing may use)")
        elif local == "style":
            problems += _declaration_problems(_css_text(value))
        else:
            problems += _value_problems(_css_text(value))
    if name == "style" and element.text:
        problems += _style_sheet_problems(element.text)
    return problems


def _walk(root: Any) -> typing.Iterator[tuple[Any, int]]:
    """Each element in document order with its depth (the root is 1), without recursion."""
    pending = [(root, 1)]
    while pending:
        element, depth = pending.pop()
        yield element, depth
        pending += [(child, depth + 1) for child in reversed(element)]


def _css_text(css: str) -> str:
    r"""CSS as its parser reads it: comments out, escapes decoded (``u\72l(`` is ``url(``)."""

    def decoded(match: re.Match[str]) -> str:
        digits, line_break, other = match.groups()
        if digits:
            code = int(digits, 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return "" if line_break else other

    return _CSS_ESCAPE.sub(decoded, _CSS_COMMENT.sub(" ", css))


def _style_sheet_problems(css: str) -> list[str]:
    """A <style> element: rules of selectors and declarations, no @-rules at all."""
    text = _css_text(css)
    problems = []
    for rule in re.findall(r"@\s*([\w-]*)", text):
        problems.append("a CSS @import" if rule.lower() == "import" else f"a CSS @{rule} rule")
    for block in re.findall(r"\{([^{}]*)\}", text):
        problems += _declaration_problems(block)
    return problems


def _declaration_problems(text: str) -> list[str]:
    """Decoded declarations (``fill: red; stroke: url(#g)``): known properties, no fetching."""
    problems = []
    if "@" in text:
        problems.append("a CSS @import" if "import" in text.lower() else "a CSS @-rule")
    for declaration in text.split(";"):
        name, colon, value = declaration.partition(":")
        name = name.strip().lower()
        if not name and not value.strip():
            continue
        if not colon or name not in _PROPERTIES:
            problems.append(f"a CSS property {_short(name)} (not one a drawing may use)")
        problems += _value_problems(value)
    return problems


def _value_problems(text: str) -> list[str]:
    """A value's functions, decoded: colours, lengths, transforms, and url(#id) only."""
    problems = []
    for match in _FUNCTION.finditer(text):
        if match.group(1).lower() not in _FUNCTIONS:
            problems.append(f"a CSS {_short(match.group(1))}() (not one a drawing may use)")
    for match in _URL.finditer(text):
        target = match.group(2).strip()
        if not target.startswith("#"):
            problems.append(f'a CSS url("{_short(target)}") (only url(#id) is allowed)')
    if re.search(r"url\s*\(", text, re.IGNORECASE) and not _URL.search(text):
        problems.append("a CSS url(...) that cannot be read")
    return problems


def _split(name: str) -> tuple[str, str]:
    """``{namespace}local`` as its namespace (empty when none) and its local name."""
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return "", name


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


def read_logo(
    path: Path, source: str, can_draw: typing.Callable[[Logo], str | None] | None = None
) -> Logo:
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
    # Drawn once now (by the renderer that will draw it: ``can_draw``), so that no sheet
    # meets a logo it cannot draw: fonts it lacks, numbers out of range, a <use> that refers
    # to itself.
    problem = can_draw(logo) if can_draw is not None else None
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
