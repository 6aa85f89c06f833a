"""Drawings are self-contained by rule: no SVG may reach the network or another file.

A shared protocol folder is untrusted. Its drawings are refused, at `protocols validate` and
at `print`, when anything in them points outside the drawing; and the PDF library is told
never to fetch anything, as a second wall.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import struct
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamstring_care import cli
from tests.fixtures import small_text

runner = CliRunner()
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 160 100">{}</svg>'


def png(path: Path) -> Path:
    """A real 2x2 PNG, the kind of local picture a hostile drawing would pull in."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


HOSTILE = {
    "remote image": '<image href="http://tracker.invalid/t.png?who=clinic-sheet" width="10" height="10"/>',
    "local image, xlink": '<image xlink:href="{secret}" width="10" height="10"/>',
    "device": '<image href="/dev/zero" width="10" height="10"/>',
    "use of another file": '<use href="other.svg#leg"/>',
    "a link": '<a href="https://example.org/"><circle r="3"/></a>',
    "css import": "<style>@import url(http://127.0.0.1:9/x.css);</style>",
    "css url": '<rect width="5" height="5" style="fill: url(http://127.0.0.1:9/x.png)"/>',
    "attribute url": '<rect width="5" height="5" fill="url(file:///etc/passwd)"/>',
    "foreign object": "<foreignObject><p>hi</p></foreignObject>",
    "script": "<script>fetch('http://127.0.0.1:9/')</script>",
}
DECLARATIONS = {
    "entity": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    + SVG.format("<text>&x;</text>"),
    "stylesheet": '<?xml-stylesheet href="http://127.0.0.1:9/s.css"?>' + SVG.format(""),
}


def hostile_svg(case: str, secret: Path) -> str:
    if case in DECLARATIONS:
        return DECLARATIONS[case]
    return SVG.format(HOSTILE[case].replace("{secret}", str(secret)))


@pytest.fixture
def no_network(monkeypatch):
    """Any name looked up or socket opened while the test runs is recorded and refused.

    Look-ups answer with a public address, so that a renderer allowed to fetch public
    addresses would go on to open a socket, which is then refused: nothing leaves.
    """
    used: list[tuple] = []

    def lookup(host, *args, **kwargs):
        used.append(("lookup", host))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("1.1.1.1", 80))]

    class Refused(socket.socket):
        def __init__(self, *args, **kwargs):
            used.append(("socket", args))
            raise OSError("network use in a test")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket, "socket", Refused)
    return used


def shared_folder(tmp_path: Path, svg: str) -> Path:
    folder = tmp_path / "shared"
    (folder / "illustrations").mkdir(parents=True)
    (folder / "illustrations" / "evil.svg").write_text(svg, encoding="utf-8")
    (folder / "stretch.yaml").write_text(
        small_text("stretch.yaml").replace(" stretch.svg", " evil.svg"), encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("case", [*HOSTILE, *DECLARATIONS])
def test_a_drawing_that_reaches_out_is_refused_at_validate_and_print(
    tmp_path, no_network, case, small_protocols
):
    secret = png(tmp_path / "secret.png")
    folder = shared_folder(tmp_path, hostile_svg(case, secret))
    checked = runner.invoke(cli.app, ["protocols", "validate", str(folder)])
    assert checked.exit_code == 2, checked.output
    assert "illustrations/evil.svg" in checked.stderr
    for fmt in ("pdf", "html"):
        out = tmp_path / f"sheet.{fmt}"
        printed = runner.invoke(
            cli.app,
            ["--protocols-dir", str(folder), "print", "stretch", "-o", str(out)],
        )
        assert printed.exit_code == 2, printed.output
        assert len(printed.stderr.strip().splitlines()) == 1
        assert "evil.svg" in printed.stderr
        assert not out.exists()
    assert no_network == []


def test_the_pdf_library_fetches_nothing_even_if_a_drawing_got_through(
    tmp_path, no_network, small_library
):
    """The second wall: the PDF renderer itself neither connects nor reads local files."""
    from pypdf import PdfReader

    from hamstring_care.prescription import Prescribed, Prescription
    from hamstring_care.render.content import build_sheet
    from hamstring_care.render.pdf import to_pdf

    secret = png(tmp_path / "secret.png")
    drawing = SVG.format(
        '<image href="http://tracker.invalid/t.png" width="50" height="50"/>'
        f'<image href="{secret}" x="60" width="50" height="50"/>'
        f'<image href="file://{secret}" x="100" width="50" height="50"/>'
    )
    prescription = Prescription(
        items=(Prescribed(small_library.get("stretch"), "both", None),),
        date=dt.date(2026, 11, 21),
    )
    sheet = build_sheet(prescription, small_library.triage(), lambda _pid, _name: drawing)
    out = tmp_path / "x.pdf"
    out.write_bytes(to_pdf(sheet)[0])
    images = [
        name
        for page in PdfReader(out).pages
        for name in (page.get("/Resources", {}).get("/XObject") or {})
    ]
    assert images == []
    assert no_network == []


def test_an_illustrations_folder_linked_elsewhere_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "stretch.svg").write_text(SVG.format('<circle r="3"/>'))
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "illustrations").symlink_to(elsewhere, target_is_directory=True)
    (folder / "stretch.yaml").write_text(
        small_text("stretch.yaml").replace(" stretch.svg", " own.svg")
    )
    (elsewhere / "own.svg").write_text(SVG.format('<circle r="3"/>'))
    checked = runner.invoke(cli.app, ["protocols", "validate", str(folder)])
    assert checked.exit_code == 2
    assert "illustrations" in checked.stderr


# Ways around a check that reads the raw text: CSS escapes, comments, case, other namespaces,
# event handlers. Each passed `protocols validate` before the allow-list (issue 24, D17).
DISGUISED = {
    "escaped @import": '<style>@\\69mport "http://127.0.0.1:9/a.css";</style>',
    "escaped url()": "<style>rect { fill: \\75rl(http://127.0.0.1:9/x) }</style>",
    "escaped url() in style=": '<rect style="fill: u\\72l(http://127.0.0.1:9/x)"/>',
    "event handler": '<rect onload="fetch(\'http://127.0.0.1:9/\')" width="1" height="1"/>',
    "event handler, upper case": '<rect ONCLICK="x()" width="1" height="1"/>',
    "upper-case image": '<IMAGE HREF="http://127.0.0.1:9/x.png"/>',
    "upper-case script": "<SCRIPT>fetch('http://127.0.0.1:9/')</SCRIPT>",
    "XHTML script": '<script xmlns="http://www.w3.org/1999/xhtml">fetch("/")</script>',
    "image-set()": "<rect style=\"fill: image-set('http://127.0.0.1:9/x.png' 1x)\"/>",
    "a property that fetches": '<rect style="background: url(http://127.0.0.1:9/x)"/>',
    "@font-face": "<style>@font-face { font-family: x; src: url(http://127.0.0.1:9/f) }</style>",
    "XML Events": '<g xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load"/>',
}


@pytest.mark.parametrize("case", DISGUISED)
def test_a_disguised_reach_outside_is_refused(case):
    from hamstring_care.source.drawings import drawing_problems

    assert drawing_problems(SVG.format(DISGUISED[case])) != []


def test_the_audits_disguised_drawing_is_refused_by_validate(tmp_path):
    drawing = SVG.format(
        '<style>@\\69mport "http://127.0.0.1:9/a.css"; rect { fill: \\75rl(http://127.0.0.1:9/x) }'
        '</style><rect onload="alert(1)" width="1" height="1"/>'
    )
    checked = runner.invoke(
        cli.app, ["protocols", "validate", str(shared_folder(tmp_path, drawing))]
    )
    assert checked.exit_code == 2
    assert "a CSS @import" in checked.stderr
    assert 'a CSS url("http://127.0.0.1:9/x")' in checked.stderr
    assert "an event handler (onload=...)" in checked.stderr


def test_what_drawing_programs_write_is_allowed():
    """Shapes, text, gradients, classes in a <style>, Inkscape's own namespaces."""
    from hamstring_care.source.drawings import drawing_problems

    drawing = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        ' xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"'
        ' viewBox="0 0 160 100" inkscape:version="1.3" data-name="Layer 1">'
        '<sodipodi:namedview id="n" pagecolor="#fff"/>'
        "<defs><style>/* exported */ .cls-1 { fill: url(#g); stroke: rgb(0, 51, 102); }</style>"
        '<linearGradient id="g"><stop offset="0" stop-color="#036"/></linearGradient></defs>'
        '<g transform="translate(10 5) rotate(3)" xml:space="preserve">'
        '<path class="cls-1" d="M0 0 L10 10" style="stroke-width: 2; opacity: .8"/>'
        '<text x="1" y="9" font-family="\'Myriad Pro\', sans-serif">Riverside</text>'
        '<use xlink:href="#g"/></g></svg>'
    )
    assert drawing_problems(drawing) == []


def test_the_bundled_drawings_are_self_contained(library):
    from hamstring_care.source.drawings import drawing_problems

    folder = Path(__file__).resolve().parent.parent / "protocols" / "illustrations"
    for svg in sorted(folder.glob("*.svg")):
        assert drawing_problems(svg.read_text(encoding="utf-8")) == [], svg.name


def test_drawings_too_complex_to_draw_quickly_are_refused(tmp_path):
    many = SVG.format("".join(f'<circle cx="{i % 160}" r="1"/>' for i in range(600)))
    folder = shared_folder(tmp_path, many)
    checked = runner.invoke(cli.app, ["protocols", "validate", str(folder)])
    assert checked.exit_code == 2
    assert "more than 500 elements" in checked.stderr


def test_a_sheet_draws_at_most_2000_elements_in_all(tmp_path, small_protocols):
    """Five drawings of 450 elements: each within its own limit, too many together."""
    step = small_text("stretch.yaml").split("steps:\n", 1)[1]
    folder = tmp_path / "shared"
    (folder / "illustrations").mkdir(parents=True)
    steps = []
    for n in range(5):
        drawing = SVG.format("".join(f'<circle cx="{i % 160}" r="1"/>' for i in range(450)))
        (folder / "illustrations" / f"d{n}.svg").write_text(drawing)
        steps.append(step.replace(" stretch.svg", f" d{n}.svg"))
    head = small_text("stretch.yaml").split("steps:\n", 1)[0].replace("id: stretch", "id: drawn")
    (folder / "drawn.yaml").write_text(head + "steps:\n" + "".join(steps))
    out = tmp_path / "sheet.pdf"
    printed = runner.invoke(
        cli.app, ["--protocols-dir", str(folder), "print", "drawn", "-o", str(out)]
    )
    assert printed.exit_code == 2
    assert "drawings hold more than 2,000 elements together" in printed.stderr
    assert not out.exists()


# --- logos: what the check passes, every sheet draws (issue 24) -------------------------


def chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def raw_png(width: int, height: int, idat: bytes | None, color_type: int = 2) -> bytes:
    """A PNG with valid checksums around whatever image data it is given (None: no IDAT)."""
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    data = chunk(b"IDAT", idat) if idat is not None else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + data + chunk(b"IEND", b"")


LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" {size}>{body}</svg>'


def svg_logo(body: str, size: str = 'viewBox="0 0 100 30"') -> bytes:
    return LOGO_SVG.format(size=size, body=body).encode()


UNDRAWABLE_LOGOS = {
    "corrupt compressed data.png": (
        raw_png(100, 30, b"\x78\x9c" + b"\xff" * 200),
        "not a readable PNG image",
    ),
    "too little image data.png": (
        raw_png(100, 30, zlib.compress(b"\x00" * 50)),
        "not a readable PNG image",
    ),
    "no IDAT.png": (raw_png(10, 10, None), "not a readable PNG image"),
    "palette without PLTE.png": (
        raw_png(10, 10, zlib.compress(b"\x00" * 110), color_type=3),
        "a palette image without its palette",
    ),
    "a font the PDF lacks.svg": (
        svg_logo('<text x="1" y="10" font-family="MyriadPro-Regular, Myriad Pro">Riverside</text>'),
        "its text asks for a font the PDF does not have (MyriadPro-Regular)",
    ),
    "490 nested groups.svg": (
        svg_logo("<g>" * 490 + '<rect width="1" height="1"/>' + "</g>" * 490),
        "nested more than 40 levels deep",
    ),
    "a use of itself.svg": (
        svg_logo('<g id="a"><rect width="1" height="1"/><use href="#a"/></g>'),
        "reference cycle",
    ),
    "a number like 1e400.svg": (
        svg_logo('<rect width="1e400" height="1"/>'),
        "the PDF library cannot draw it",
    ),
}


@pytest.mark.parametrize("name", UNDRAWABLE_LOGOS)
@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_a_logo_the_pdf_cannot_draw_is_refused_when_checked(tmp_path, name, fmt, small_protocols):
    """Exit 2 with one line naming the logo, for every format: never exit 1 at drawing."""
    content, reason = UNDRAWABLE_LOGOS[name]
    logo = tmp_path / name
    logo.write_bytes(content)
    out = tmp_path / f"sheet.{fmt}"
    printed = runner.invoke(cli.app, ["print", "rice", "--logo", str(logo), "-o", str(out)])
    assert printed.exit_code == 2, printed.output
    (line,) = printed.stderr.strip().splitlines()
    assert line.startswith(f"{logo}: ") and reason in line
    assert not out.exists()


def test_a_logo_saved_with_a_byte_order_mark_is_drawn(tmp_path, small_protocols):
    from pypdf import PdfReader

    logo = tmp_path / "bom.svg"
    logo.write_bytes(b"\xef\xbb\xbf" + svg_logo('<rect width="10" height="10"/>'))
    out = tmp_path / "sheet.pdf"
    printed = runner.invoke(cli.app, ["print", "rice", "--logo", str(logo), "-o", str(out)])
    assert printed.exit_code == 0, printed.output
    assert PdfReader(out).pages[0].extract_text()  # drawn, with the rest of the sheet


def test_a_logo_sized_by_width_and_height_prints_no_python_warning(tmp_path, small_protocols):
    """As a user runs it: a library's warning never reaches the screen."""
    import subprocess
    import sys

    logo = tmp_path / "wh.svg"
    logo.write_bytes(svg_logo('<rect width="10" height="10"/>', 'width="100" height="30"'))
    ran = subprocess.run(
        [sys.executable, "-m", "hamstring_care", "print", "rice", "--logo", str(logo),
         "-o", str(tmp_path / "s.pdf")],
        capture_output=True, text=True, cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"},
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stderr.startswith("Wrote ") and ran.stderr.count("\n") == 1  # the status line
