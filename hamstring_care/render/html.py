"""A sheet as one self-contained HTML file: inline style, pictures as data, no requests.

Every text is escaped with ``html.escape``; illustrations are embedded as ``<img>`` data, in
which a browser runs no script and loads nothing, whatever the SVG file holds.
"""

from __future__ import annotations

import base64
from html import escape

from hamstring_care.render.content import ALSO_HERE, EVIDENCE_HEADING, START_HERE, Sheet, Statement
from hamstring_care.render.text import header_fields

PAGE = {"a4": "A4", "letter": "letter"}

STYLE = """
:root { --ink: #1b1b1b; --muted: #505050; --line: #969696; --stop: #b00020;
        --plan: #eef3f8; --dose: #f2f2f2; }
* { box-sizing: border-box; }
body { font: 11pt/1.2 "DejaVu Sans", Verdana, system-ui, sans-serif;
       color: var(--ink); max-width: 190mm; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 20pt; margin: 0 0 .1rem; }
h2 { font-size: 15pt; margin: .8rem 0 .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 11pt; margin: .3rem 0 .1rem; }
p, ul { margin: .15rem 0; }
ul { padding-left: 1.2rem; }
header { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; }
.clinic { font-weight: 600; font-size: 12pt; color: var(--muted); order: 2;
          margin-left: auto; }
.logo { order: 2; max-width: 45mm; max-height: 14mm; margin-left: 3mm; }
.who { display: flex; flex-wrap: wrap; gap: .2rem 1.5rem; margin: 0 0 .5rem; order: 3;
       width: 100%; }
.plan { background: var(--plan); border-radius: 2mm; padding: 2.5mm 3mm; margin-bottom: 2.5mm; }
.plan h2 { border: 0; margin: 0 0 1mm; font-size: 14pt; }
.plan dl { display: grid; grid-template-columns: max-content 1fr max-content 1fr;
           gap: .1rem .5rem; margin: 0; }
.plan dt { font-weight: 700; }
.plan dd { margin: 0 1rem 0 0; white-space: pre-wrap; }
.plan .notes { margin-top: 1mm; white-space: pre-wrap; overflow-wrap: anywhere; }
.plan .label { margin: 1mm 0 0; font-weight: 700; }
.phone { white-space: nowrap; }
.stop { border: 2px solid var(--stop); border-radius: 2mm; padding: 2.5mm; margin-bottom: 2mm; }
.stop h2 { color: var(--stop); border: 0; margin: 0 0 1mm; font-size: 14pt; }
.stop h3 { margin: .3rem 0 .1rem; break-after: avoid; }
.stop ul { columns: 2; column-gap: 5mm; margin-top: 0; }
.stop li { break-inside: avoid; }
.heading { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline;
           gap: 0 1rem; border-bottom: 1px solid var(--line); margin: 1mm 0 1.2mm; }
.heading h2 { border: 0; margin: 0; }
.schedule { font-weight: 700; }
.also { color: var(--muted); }
.also code { font-family: inherit; }
.step { display: flow-root; padding: .6mm 0; break-inside: avoid; }
.step img { float: left; width: 45mm; height: auto; margin: 0 4mm 0 0; }
.step > div { display: flow-root; }  /* the text keeps its column, never under the drawing */
.keep { break-inside: avoid; }
.here { background: var(--plan); border-left: 1mm solid var(--ink); padding: .5mm 2mm;
        print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.here h3 { margin-top: 0; }
.step h3 { font-size: 14pt; margin: 0 0 .8mm; }
.dose { display: flex; flex-wrap: wrap; margin: 0 0 1.2mm; }
.dose span { background: var(--dose); border: 1px solid var(--line); padding: 0 2mm; }
.dose b { font-weight: 700; }
.caution { font-weight: 700; }
.cite { color: var(--muted); }
section.record { break-before: page; }
section.record.short { break-before: auto; break-inside: avoid; }
table.record { border-collapse: collapse; width: 100%; margin-top: 1mm; }
table.record th, table.record td { border: 1px solid var(--line); padding: 0 .3rem;
                                   text-align: center; }
table.record th { background: #ebebeb; }
table.record td { height: 7mm; }
.tick { display: inline-block; width: 5mm; height: 5mm; border: .3mm solid var(--ink);
        vertical-align: middle; }
table.record th.wide { width: 25%; }
table.record th.group { border-bottom: 1px solid var(--line); }
table.record td:nth-child(2) { white-space: nowrap; }
.checklist { list-style: none; padding-left: 0; }
.checklist li { margin: .3rem 0; }
.endnotes { font-size: 8pt; line-height: 1.15; color: var(--muted); margin-top: 3mm; }
.endnotes h2 { font-size: 11pt; margin: 1mm 0 1mm; }
.endnotes h3 { font-size: 8pt; margin: 0; }
.endnotes p, .endnotes li { margin: 0; }
footer { margin-top: 3mm; font-size: 8pt; color: var(--muted);
         border-top: 1px solid var(--line); padding-top: 1mm; }
@media (max-width: 600px) {
  .plan dl { grid-template-columns: max-content 1fr; }
  .stop ul { columns: 1; }
  .step img { float: none; display: block; margin: 0 0 1mm; }
}
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  h2, h3, .heading { break-after: avoid; }
  .plan, .stop, table.record tr { break-inside: avoid; }
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


def page_style(patient: str | None, paper: str) -> str:
    """The printed page: its size, and in its margins the patient's name and "page X of Y".

    The page margin boxes also stand in for the browser's own header and footer (its date,
    and the file's path, which may hold the patient's name). Browsers without margin boxes
    print their own unless "Headers and footers" is unticked in the print dialogue.
    """
    who = _css_string(patient or "")
    return (
        f"@page {{ size: {PAGE[paper]}; margin: 10mm 13mm 15mm; "
        f"@top-left {{ content: {who}; font: 8pt sans-serif; color: #555; }} "
        "@top-right { content: none; } @top-center { content: none; } "
        "@bottom-left { content: none; } @bottom-center { content: none; } "
        '@bottom-right { content: "page " counter(page) " of " counter(pages); '
        "font: 8pt sans-serif; color: #555; } }"
    )


def head(title: str, patient: str | None, paper: str, style: str) -> list[str]:
    """A document's opening, up to ``<body>``: its title and its styles.

    With a policy that lets nothing load from anywhere, whatever a text or picture says.
    """
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title>",
        f"<style>{page_style(patient, paper)}{style}</style>",
        "</head>",
        "<body>",
    ]


def to_html(sheet: Sheet) -> str:
    """The sheet as a complete HTML document."""
    out = [*head(sheet.title, sheet.patient, sheet.paper, STYLE), "<header>"]
    if sheet.clinic:
        out.append(f'<p class="clinic"><bdi>{escape(sheet.clinic)}</bdi></p>')
    if sheet.logo is not None:
        kind = "image/png" if sheet.logo.kind == "png" else "image/svg+xml"
        data = base64.b64encode(sheet.logo.data).decode("ascii")
        out.append(f'<img class="logo" src="data:{kind};base64,{data}" alt="">')
    out.append(f"<h1>{escape(sheet.title)}</h1>")
    fields = "".join(
        f"<span><b>{escape(name)}:</b> <bdi>{escape(value)}</bdi></span>"
        for name, value in header_fields(sheet)
    )
    out += [f'<div class="who">{fields}</div>', "</header>"]

    if sheet.has_plan:
        out += ['<section class="plan">', "<h2>Your plan</h2>", "<dl>"]
        for label, value in sheet.plan:
            nowrap = ' class="phone"' if label == "Phone" else ""
            out.append(f'<dt>{escape(label)}:</dt><dd dir="auto"{nowrap}>{escape(value)}</dd>')
        out.append("</dl>")
        if sheet.drawing_key:
            out.append(f"<p>{escape(sheet.drawing_key)}</p>")
        if sheet.notes:
            # The label on a line of its own: the note's own first letter sets its direction
            # (a Hebrew note runs right to left, its full stop at its end).
            out.append('<p class="label">Notes from your clinician:</p>')
            out.append(f'<p class="notes" dir="auto">{escape(sheet.notes)}</p>')
        out.append("</section>")
    out += ['<section class="stop">', f"<h2>{escape(sheet.stop_heading)}</h2>"]
    # Each group in a row of its own, its signs in two columns under it: no sign is ever
    # read under another group's heading.
    for group in sheet.flags:
        out.append(f"<h3>{escape(group.action)}</h3><ul>")
        out += [f"<li>{escape(sign)}</li>" for sign in group.signs]
        out.append("</ul>")
    out.append("</section>")

    for block in sheet.blocks:
        out += [
            f'<section class="{escape(block.kind)}">',
            # The heading is kept with what to check before you start, or where there is
            # nothing to check, with the first step (as on the PDF).
            '<div class="keep">',
            f'<div class="heading"><h2>{escape(block.title)}</h2>',
            f'<p class="schedule">{escape(block.schedule)}</p></div>',
        ]
        if not block.steps:
            # As on the PDF: a routine's summary says what its steps say beside it. Guidance
            # and programs run on over pages: the heading is kept with the summary only.
            out += [f"<p>{escape(block.summary)}</p>", "</div>"]
        open_keep = bool(block.steps)  # the heading's keep is still open
        if block.before:
            out += ["<h3>Before you start</h3>", "<ul>"]
            out += [_statement(s) for s in block.before]
            out.append("</ul>")
            if open_keep:
                out.append("</div>")
                open_keep = False
        for title, statements in block.sections:
            # A section is kept whole where it fits a page: no item alone, away from its title.
            here = " here" if title.endswith(f"({START_HERE})") else ""
            out += [f'<div class="keep{here}">', f"<h3>{escape(title)}</h3>", "<ul>"]
            out += [_statement(s) for s in statements]
            out += ["</ul>", "</div>"]
        for number, step in enumerate(block.steps):
            cite = f' <span class="cite">{escape(step.cite.strip())}</span>' if step.cite else ""
            grid = "".join(
                f"<span><b>{escape(label)}:</b> {escape(value)}</span>"
                for label, value in step.grid
            )
            out += [
                '<div class="step">',
                _image(step.svg, step.title),
                "<div>",
                f"<h3>{step.number}. {escape(step.title)}</h3>",
                f'<p class="dose">{grid}</p>',
                f"<p>{escape(step.instruction)}{cite}</p>",
            ]
            out += [f'<p class="caution">Take care: {escape(c)}</p>' for c in step.cautions]
            out += ["</div>", "</div>"] + (["</div>"] if open_keep and number == 0 else [])
        out.append("</section>")

    record = sheet.record
    # A table of days starts a page, to be filled in; a checklist follows on, kept whole.
    kind = "record" if record.columns else "record short"
    out += [f'<section class="{kind}">', f"<h2>{escape(record.heading)}</h2>"]
    out += [f'<p class="legend">{escape(line)}</p>' for line in record.legend]
    out += [
        f'<p class="also">{escape(ALSO_HERE)} <code>{escape(command)}</code></p>'
        for command in (sheet.commands if sheet.show_commands else [])
    ]
    tick = '<span class="tick"></span>'
    if record.checklist:
        out.append('<ul class="checklist">')
        out += [f"<li>{tick} {escape(item)}</li>" for item in record.checklist]
        out.append("</ul>")
    if record.columns:
        grouped = any(c.group for c in record.columns)
        span = ' rowspan="2"' if grouped else ""
        out += ['<table class="record">', "<thead><tr>", f"<th{span}>Day</th><th{span}>Date</th>"]
        under = record.columns
        if grouped:
            # The sessions' names once over their columns, the columns' names under them;
            # the others head both rows.
            groups = [c.group for c in record.columns]
            for c in record.columns:
                if c.group is None:
                    wide = ' class="wide"' if c.wide else ""
                    out.append(f"<th{wide}{span}>{escape(c.heading)}</th>")
                elif groups.index(c.group) == record.columns.index(c):
                    count = groups.count(c.group)
                    out.append(f'<th class="group" colspan="{count}">{escape(c.group)}</th>')
            out.append("</tr><tr>")
            under = [c for c in record.columns if c.group]
        out += [f"<th{' class=wide' if c.wide else ''}>{escape(c.heading)}</th>" for c in under]
        out += ["</tr></thead>", "<tbody>"]
        for n, day in record.days:
            cells = "".join(f"<td>{tick}</td>" if c.box else "<td></td>" for c in record.columns)
            out.append(f"<tr><td>{n}</td><td>{escape(day)}</td>{cells}</tr>")
        out += ["</tbody>", "</table>"]
    out.append("</section>")

    if sheet.evidence or sheet.sources:
        out.append('<section class="endnotes">')
        if sheet.evidence:
            out.append(f"<h2>{escape(EVIDENCE_HEADING)}</h2>")
        for title, statements in sheet.evidence:
            out += [f"<h3>{escape(title)}</h3>", "<ul>"]
            out += [_statement(s) for s in statements]
            out.append("</ul>")
        if sheet.sources:
            out.append("<h2>Sources</h2>")
            out += [f"<p>{escape(source)}</p>" for source in sheet.sources]
        out.append("</section>")

    out += [f"<footer>{' · '.join(escape(f) for f in sheet.footer)}</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
