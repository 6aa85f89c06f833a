"""Drawings are self-contained by rule: no SVG may reach the network or another file.

A shared protocol folder is untrusted. Its drawings are refused, at `protocols validate` and
at `print`, when anything in them points outside the drawing; and the PDF library is told
never to fetch anything, as a second wall.
"""

from __future__ import annotations

import datetime as dt
import socket
import struct
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hamstring_care import cli
from tests.conftest import bundled_text

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
    (folder / "hamstring-stretch.yaml").write_text(
        bundled_text("hamstring-stretch.yaml").replace("lying-stretch.svg", "evil.svg"),
        encoding="utf-8",
    )
    return folder


@pytest.mark.parametrize("case", [*HOSTILE, *DECLARATIONS])
def test_a_drawing_that_reaches_out_is_refused_at_validate_and_print(tmp_path, no_network, case):
    secret = png(tmp_path / "secret.png")
    folder = shared_folder(tmp_path, hostile_svg(case, secret))
    checked = runner.invoke(cli.app, ["protocols", "validate", str(folder)])
    assert checked.exit_code == 2, checked.output
    assert "illustrations/evil.svg" in checked.stderr
    for fmt in ("pdf", "html"):
        out = tmp_path / f"sheet.{fmt}"
        printed = runner.invoke(
            cli.app,
            ["--protocols-dir", str(folder), "print", "hamstring-stretch", "-o", str(out)],
        )
        assert printed.exit_code == 2, printed.output
        assert len(printed.stderr.strip().splitlines()) == 1
        assert "evil.svg" in printed.stderr
        assert not out.exists()
    assert no_network == []


def test_the_pdf_library_fetches_nothing_even_if_a_drawing_got_through(
    tmp_path, no_network, library
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
        items=(Prescribed(library.get("hamstring-stretch"), "both", None),),
        date=dt.date(2026, 11, 21),
    )
    sheet = build_sheet(prescription, library.triage(), lambda _pid, _name: drawing)
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
    (elsewhere / "lying-stretch.svg").write_text(SVG.format('<circle r="3"/>'))
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "illustrations").symlink_to(elsewhere, target_is_directory=True)
    (folder / "hamstring-stretch.yaml").write_text(
        bundled_text("hamstring-stretch.yaml").replace("lying-stretch.svg", "own.svg")
    )
    (elsewhere / "own.svg").write_text(SVG.format('<circle r="3"/>'))
    checked = runner.invoke(cli.app, ["protocols", "validate", str(folder)])
    assert checked.exit_code == 2
    assert "illustrations" in checked.stderr


def test_the_bundled_drawings_are_self_contained(library):
    from hamstring_care.drawings import drawing_problems

    folder = Path(__file__).resolve().parent.parent / "protocols" / "illustrations"
    for svg in sorted(folder.glob("*.svg")):
        assert drawing_problems(svg.read_text(encoding="utf-8")) == [], svg.name


def test_drawings_too_complex_to_draw_quickly_are_refused(tmp_path):
    many = SVG.format("".join(f'<circle cx="{i % 160}" r="1"/>' for i in range(600)))
    folder = shared_folder(tmp_path, many)
    checked = runner.invoke(cli.app, ["protocols", "validate", str(folder)])
    assert checked.exit_code == 2
    assert "more than 500 elements" in checked.stderr


def test_a_sheet_draws_at_most_2000_elements_in_all(tmp_path):
    roller = bundled_text("foam-roller-and-ball.yaml")
    folder = tmp_path / "shared"
    (folder / "illustrations").mkdir(parents=True)
    names = {line.split()[-1] for line in roller.splitlines() if "illustration:" in line}
    for name in names:
        drawing = SVG.format("".join(f'<circle cx="{i % 160}" r="1"/>' for i in range(450)))
        (folder / "illustrations" / name).write_text(drawing)
    (folder / "foam-roller-and-ball.yaml").write_text(roller)
    out = tmp_path / "sheet.pdf"
    printed = runner.invoke(
        cli.app, ["--protocols-dir", str(folder), "print", "foam-roller-and-ball", "-o", str(out)]
    )
    assert printed.exit_code == 2
    assert "drawings hold more than 2,000 elements together" in printed.stderr
    assert not out.exists()
