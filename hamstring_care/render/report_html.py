"""A progress report as one self-contained HTML file, the chart as inline SVG.

The same document as the PDF, and the same chart: ``report.chart_shapes`` lays it out once,
in millimetres, and here each shape becomes an SVG element. Every text is escaped; nothing
is loaded from anywhere (the page's policy forbids it).
"""

from __future__ import annotations

from html import escape

from hamstring_care.render.html import head
from hamstring_care.render.report import (
    LABEL_PT,
    Report,
    Shape,
    Table,
    chart_shapes,
    legend_sample,
)

CHART_W, CHART_H = 184.0, 72.0  # mm, as on the PDF
PT_MM = 25.4 / 72

STYLE = """
:root { --ink: #1b1b1b; --muted: #505050; --line: #969696; --stop: #b00020; --plan: #eef3f8; }
* { box-sizing: border-box; }
body { font: 11pt/1.2 "DejaVu Sans", Verdana, system-ui, sans-serif; color: var(--ink);
       max-width: 190mm; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 20pt; margin: 0 0 .2rem; }
h2 { font-size: 15pt; margin: 1rem 0 .3rem; border-bottom: 1px solid var(--line);
     break-after: avoid; }
p { margin: .15rem 0; }
.made, .note { color: var(--muted); }
.period { font-weight: 700; }
.now { background: var(--plan); border-radius: 2mm; padding: 3mm; margin: 2mm 0; }
.now.blocked { background: none; border: 2px solid var(--stop); }
.now h2 { border: 0; margin: 0 0 1mm; font-size: 14pt; }
.now.blocked h2 { color: var(--stop); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .6rem; margin: 0; }
dt { font-weight: 700; }
dd { margin: 0; }
svg { width: 100%; max-width: 184mm; height: auto; display: block; }
svg text { font-family: "DejaVu Sans", Verdana, sans-serif; }
.legend { display: flex; flex-wrap: wrap; gap: .2rem 1.2rem; margin: 1mm 0 2mm; }
.legend span { white-space: nowrap; }
.legend svg { display: inline-block; width: 6mm; height: 3mm; vertical-align: middle;
              margin-right: 1mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: 1.2mm; text-align: left; vertical-align: top; }
th { background: #ebebeb; }
td.n { text-align: right; }
tr { break-inside: avoid; }
footer { margin-top: 3mm; font-size: 8pt; color: var(--muted);
         border-top: 1px solid var(--line); padding-top: 1mm; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
"""

SVG_STYLE = {
    "before": 'stroke="#5a78aa" stroke-width="0.3" fill="none"',
    "after": 'stroke="#1b1b1b" stroke-width="0.45" fill="none"',
    "during": 'stroke="#c85a00" stroke-width="0.35" fill="none"',
    "limit": 'stroke="#c85a00" stroke-width="0.2" stroke-dasharray="1.2 1"',
    "grid": 'stroke="#d7d7d7" stroke-width="0.2"',
    "axis": 'stroke="#787878" stroke-width="0.2"',
    "pause": 'fill="#fae2e2" stroke="none"',
}
DOT_FILL = {"before": "#ffffff", "after": "#1b1b1b", "during": "#c85a00"}
TEXT_FILL = {"label": "#505050", "mark": "#1b1b1b", "stop": "#b00020"}


def _svg_shape(shape: Shape) -> str:
    points = " ".join(f"{x:.2f},{y:.2f}" for x, y in shape.points)
    style = SVG_STYLE.get(shape.style, "")
    if shape.kind == "line":
        (x1, y1), (x2, y2) = shape.points
        return f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" {style}/>'
    if shape.kind == "path":
        return f'<polyline points="{points}" {style}/>'
    if shape.kind == "rect":
        (x1, y1), (x2, y2) = shape.points
        return (
            f'<rect x="{x1:.2f}" y="{y1:.2f}" width="{x2 - x1:.2f}" height="{y2 - y1:.2f}" '
            f"{style}/>"
        )
    colour = DOT_FILL.get(shape.style, "#1b1b1b")
    stroke = SVG_STYLE.get(shape.style, "").split(" fill=")[0]
    if shape.kind == "circle":
        (x, y) = shape.points[0]
        return f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{shape.size}" {stroke} fill="{colour}"/>'
    if shape.kind == "triangle":
        (x, y) = shape.points[0]
        r = shape.size * 1.3
        corners = f"{x:.2f},{y - r:.2f} {x - r:.2f},{y + r * 0.8:.2f} {x + r:.2f},{y + r * 0.8:.2f}"
        return f'<polygon points="{corners}" {stroke} fill="{colour}"/>'
    (x, y) = shape.points[0]
    weight = ' font-weight="700"' if shape.style in ("mark", "stop") else ""
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" font-size="{LABEL_PT * PT_MM:.2f}" '
        f'text-anchor="{shape.anchor}" fill="{TEXT_FILL.get(shape.style, "#1b1b1b")}"{weight}>'
        f"{escape(shape.text)}</text>"
    )


def chart_svg(report: Report) -> str:
    """The chart as an SVG element, sized in millimetres."""
    shapes = chart_shapes(report.chart, CHART_W, CHART_H)
    body = "\n".join(_svg_shape(s) for s in shapes)
    label = "Pain over time, 0 to 10: " + "; ".join(w for _, w in report.chart.legend())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W:g} {CHART_H:g}" '
        f'width="{CHART_W:g}mm" height="{CHART_H:g}mm" role="img" '
        f'aria-label="{escape(label)}">\n{body}\n</svg>'
    )


def _legend(report: Report) -> str:
    items = []
    for style, words in report.chart.legend():
        sample = "".join(_svg_shape(s) for s in legend_sample(style, 0, 0, 3))
        drawn = f'<svg viewBox="0 0 6 3" aria-hidden="true">{sample}</svg>' if sample else ""
        items.append(f"<span>{drawn}{escape(words)}</span>")
    return f'<p class="legend">{"".join(items)}</p>'


def _pairs(pairs: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{escape(k)}:</dt><dd>{escape(v)}</dd>" for k, v in pairs)
    return f"<dl>{rows}</dl>"


def _table(table: Table) -> list[str]:
    out = [f"<h2>{escape(table.heading)}</h2>"]
    if not table.rows:
        return [*out, f"<p>{escape(table.empty)}</p>"]
    total = sum(table.widths)
    out.append("<table><colgroup>")
    out += [f'<col style="width: {100 * w / total:.1f}%">' for w in table.widths]
    out.append("</colgroup><thead><tr>")
    out += [f"<th>{escape(c)}</th>" for c in table.columns]
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        cells = "".join(
            f"<td{' class=n' if i in table.numeric else ''}>{escape(cell)}</td>"
            for i, cell in enumerate(row)
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="note">{escape(table.note)}</p>')
    return out


def to_html(report: Report) -> str:
    """The report as a complete HTML document."""
    title = report.title + (f": {report.patient}" if report.patient else "")
    now = report.now
    out = [
        *head(title, report.patient, report.paper, STYLE),
        f'<h1 dir="auto">{escape(title)}</h1>',
        f'<p class="period">{escape(report.period)}</p>',
        f'<p class="made">{escape(report.made)}</p>',
        f'<section class="now{" blocked" if now.blocked else ""}">',
        "<h2>The advice now</h2>",
        f"<p><b>{escape(now.title)}</b></p>",
        *(f"<p>{escape(line)}</p>" for line in now.lines),
        "</section>",
        "<h2>Prescription followed</h2>",
        _pairs(report.followed),
        "<h2>At a glance</h2>",
        _pairs(report.figures),
        "<h2>Pain over time, 0 to 10</h2>",
        chart_svg(report),
        _legend(report),
    ]
    for table in report.tables:
        out += _table(table)
    footer = " · ".join(escape(p) for p in (report.patient, *report.footer) if p)
    out += [f"<footer>{footer}</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
