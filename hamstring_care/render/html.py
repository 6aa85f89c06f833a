"""A sheet as one self-contained HTML file: inline style, pictures as data, no requests.

Every text is escaped with ``html.escape``; illustrations are embedded as ``<img>`` data, in
which a browser runs no script and loads nothing, whatever the SVG file holds.
"""

from __future__ import annotations

import base64
from html import escape

from hamstring_care.render.content import ALSO_HERE, Sheet, Statement
from hamstring_care.render.text import header_fields

PAGE = {"a4": "A4", "letter": "letter"}

STYLE = """
:root { --ink: #1b1b1b; --muted: #555; --line: #bbb; --stop: #b00020; }
* { box-sizing: border-box; }
body { font: 11pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 1.4rem 0 .4rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 0 0 .2rem; }
.clinic { font-weight: 600; margin: 0; }
.who { display: flex; flex-wrap: wrap; gap: .3rem 1.5rem; margin: .4rem 0 1rem; }
.who span b { color: var(--muted); font-weight: 600; }
.stop { border: 2px solid var(--stop); border-radius: 6px; padding: .5rem 1rem; }
.stop h2 { color: var(--stop); border: 0; margin-top: .2rem; }
.stop h3 { margin-top: .6rem; }
.stop ul { margin: .2rem 0; }
.schedule { font-weight: 600; }
.also { font-size: .85em; color: var(--muted); }
.also code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.plan { border: 1px solid var(--line); border-radius: 6px; padding: .4rem 1rem;
        margin-bottom: 1rem; }
.plan h2 { border: 0; margin-top: .2rem; }
.plan dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
           margin: .3rem 0; }
.plan dt { font-weight: 600; }
.plan dd { margin: 0; white-space: pre-wrap; }
.step { display: grid; grid-template-columns: 7rem 1fr; gap: 1rem; padding: .6rem 0;
        border-top: 1px solid #e3e3e3; break-inside: avoid; }
.step img { width: 7rem; height: auto; }
.step p { margin: .15rem 0; }
.dose { font-weight: 600; }
.cue { font-style: italic; }
.caution { color: #8a4b00; }
.cite { color: var(--muted); font-size: .85em; }
table.record { border-collapse: collapse; width: 100%; font-size: .95em; }
table.record th, table.record td { border: 1px solid var(--line); padding: .25rem .4rem;
                                   text-align: left; }
table.record td { height: 8mm; }
table.record td.box { text-align: center; font-size: 1.4em; }
table.record th.wide { width: 30%; }
.legend { margin: .1rem 0; color: var(--muted); }
.checklist { list-style: none; padding-left: 0; font-size: 1.05em; }
.checklist li { margin: .4rem 0; }
.notes { white-space: pre-wrap; overflow-wrap: anywhere; }
.sources { font-size: .85em; color: var(--muted); }
.sources p { margin: .1rem 0; }
footer { margin-top: 1.5rem; font-size: .8em; color: var(--muted);
         border-top: 1px solid var(--line); padding-top: .4rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  .stop, table.record tr { break-inside: avoid; }
  section.record { break-before: page; }
}
"""


def _statement(s: Statement) -> str:
    cite = f' <span class="cite">{escape(s.cite.strip())}</span>' if s.cite else ""
    return f"<li>{escape(s.text)}{cite}</li>"


def _image(svg: str | None, title: str) -> str:
    if not svg:
        return "<div></div>"
    data = base64.b64encode(svg.encode()).decode("ascii")
    return f'<img src="data:image/svg+xml;base64,{data}" alt="{escape(title)}">'


def _css_string(text: str) -> str:
    """Text as a CSS string inside a ``<style>`` element.

    Every character but letters, digits and spaces is written as a CSS escape, so no quote
    ends the string and no ``</style`` ends the element.
    """
    kept = "".join(c if c.isprintable() else " " for c in text)
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in kept) + '"'


def _page_style(sheet: Sheet) -> str:
    """The printed page: its size, and in its margins the patient's name and "page X of Y".

    The page margin boxes also stand in for the browser's own header and footer (its date,
    and the file's path, which may hold the patient's name). Browsers without margin boxes
    print their own unless "Headers and footers" is unticked in the print dialogue.
    """
    who = _css_string(sheet.patient or "")
    return (
        f"@page {{ size: {PAGE[sheet.paper]}; margin: 15mm 15mm 18mm; "
        f"@top-left {{ content: {who}; font: 8pt sans-serif; color: #555; }} "
        "@top-right { content: none; } @top-center { content: none; } "
        "@bottom-left { content: none; } @bottom-center { content: none; } "
        '@bottom-right { content: "page " counter(page) " of " counter(pages); '
        "font: 8pt sans-serif; color: #555; } }"
    )


def to_html(sheet: Sheet) -> str:
    """The sheet as a complete HTML document."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No network: nothing may load from anywhere, whatever a text or picture says.
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{escape(sheet.title)}</title>",
        f"<style>{_page_style(sheet)}{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
    ]
    if sheet.clinic:
        out.append(f'<p class="clinic"><bdi>{escape(sheet.clinic)}</bdi></p>')
    out.append(f"<h1>{escape(sheet.title)}</h1>")
    fields = "".join(
        f"<span><b>{escape(name)}:</b> <bdi>{escape(value)}</bdi></span>"
        for name, value in header_fields(sheet)
    )
    out += [f'<div class="who">{fields}</div>', "</header>"]

    out += ['<section class="plan">', "<h2>Your plan</h2>", "<dl>"]
    for label, value in sheet.plan:
        out.append(f'<dt>{escape(label)}</dt><dd dir="auto">{escape(value)}</dd>')
    out.append("</dl>")
    if sheet.notes:
        out += [
            "<h3>Notes from your clinician</h3>",
            f'<p class="notes" dir="auto">{escape(sheet.notes)}</p>',
        ]
    out.append("</section>")
    out += ['<section class="stop">', f"<h2>{escape(sheet.stop_heading)}</h2>"]
    for group in sheet.flags:
        out.append(f"<h3>{escape(group.action)}</h3><ul>")
        out += [f"<li>{escape(sign)}</li>" for sign in group.signs]
        out.append("</ul>")
    out.append("</section>")

    for block in sheet.blocks:
        out += [
            f'<section class="{escape(block.kind)}">',
            f"<h2>{escape(block.title)}</h2>",
            f"<p>{escape(block.summary)}</p>",
            f'<p class="schedule">{escape(block.schedule)}</p>',
            f'<p class="also">{escape(ALSO_HERE)} <code>{escape(block.command)}</code></p>',
        ]
        if block.before:
            out += ["<h3>Before you start</h3>", "<ul>"]
            out += [_statement(s) for s in block.before]
            out.append("</ul>")
        for title, statements in block.sections:
            out += [f"<h3>{escape(title)}</h3>", "<ul>"]
            out += [_statement(s) for s in statements]
            out.append("</ul>")
        for step in block.steps:
            cite = f' <span class="cite">{escape(step.cite.strip())}</span>' if step.cite else ""
            out += [
                '<div class="step">',
                _image(step.svg, step.title),
                "<div>",
                f"<h3>{step.number}. {escape(step.title)}</h3>",
                f'<p class="dose">{escape(step.dose)}</p>',
                f"<p>{escape(step.instruction)}{cite}</p>",
            ]
            if step.cue:
                out.append(f'<p class="cue">Cue: {escape(step.cue)}</p>')
            out += [f'<p class="caution">Take care: {escape(c)}</p>' for c in step.cautions]
            out += ["</div>", "</div>"]
        out.append("</section>")

    if sheet.sources:
        out += ['<section class="sources">', "<h2>Sources</h2>"]
        out += [f"<p>{escape(source)}</p>" for source in sheet.sources]
        out.append("</section>")
    record = sheet.record
    out += ['<section class="record">', f"<h2>{escape(record.heading)}</h2>"]
    out += [f'<p class="legend">{escape(line)}</p>' for line in record.legend]
    if record.checklist:
        out.append('<ul class="checklist">')
        out += [f"<li>&#9744; {escape(item)}</li>" for item in record.checklist]
        out.append("</ul>")
    if record.columns:
        out += ['<table class="record">', "<thead><tr>", "<th>Day</th><th>Date</th>"]
        out += [
            f"<th{' class=wide' if c.wide else ''}>{escape(c.heading)}</th>" for c in record.columns
        ]
        out += ["</tr></thead>", "<tbody>"]
        for n, day in enumerate(record.days, 1):
            cells = "".join(
                '<td class="box">&#9744;</td>' if c.box else "<td></td>" for c in record.columns
            )
            out.append(f"<tr><td>{n}</td><td>{escape(day)}</td>{cells}</tr>")
        out += ["</tbody>", "</table>"]
    out.append("</section>")

    out += [f"<footer>{' · '.join(escape(f) for f in sheet.footer)}</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
