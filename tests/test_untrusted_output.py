"""Every command's output, walked with hostile names, file names, protocol texts and rows.

Whatever other people's files and a crafted history hold, no output obeys it: no escape
sequence reaches the terminal (screen clears, window titles, clipboard writes, links), no
Rich markup becomes a link, and bidirectional overrides and zero-width characters are shown
as the letters \\u202e and \\u200b instead of silently reordering or hiding text.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from hamstring_care.history.folder import FILE_NAME
from hamstring_care.history.store import open_history
from tests.fixtures import small_text

runner = CliRunner()
ESC = "\x1b"
# What must never come out raw: the payloads, not the program's own colours.
FORBIDDEN = {
    "clear screen": ESC + "[2J",
    "window title": ESC + "]0;",
    "clipboard (OSC 52)": ESC + "]52;",
    "hyperlink (OSC 8)": ESC + "]8;",
    "right-to-left override": "\u202e",
    "zero-width space": "\u200b",
    "left-to-right isolate": "\u2066",
}
HOSTILE_TEXT = (
    "\\e[2J\\e]0;owned\\a \\e]52;c;aGk=\\a \\e]8;;http://x\\e\\\\click\\e]8;;\\e\\\\ "
    "[link=mailto:a@b]mail[/link] evil\\u202egpj \\u2066iso zero\\u200bwidth"
)
HOSTILE_FILE_NAMES = [
    "\x1b[2Jclear.yaml",
    "x\x1b]52;c;aGk=\x07.yaml",
    "[link=mailto:a@b]y.yaml",
    "evil\u202egpj.yaml",
    "zero\u200bwidth.yaml",
]


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    for name in HOSTILE_FILE_NAMES:
        (folder / name).write_text("id: x\n", encoding="utf-8")
    routine = small_text("stretch.yaml").replace("id: stretch", "id: hostile")
    routine = routine.replace("title: Test stretch", f'title: "{HOSTILE_TEXT}"')
    routine = routine.replace("    cue: Test cue, stretch.", f'    cue: "{HOSTILE_TEXT}"')
    routine = routine.replace("    illustration: stretch.svg\n", "")  # not in this folder
    (folder / "hostile.yaml").write_text(routine, encoding="utf-8")
    return folder


def crafted_history(data: Path) -> None:
    """A history file whose rows were written by someone else, hostile text included."""
    raw = yaml.safe_load(f'"{HOSTILE_TEXT}"')  # YAML's own escapes: \\e is ESC
    with open_history(data):
        pass
    connection = sqlite3.connect(data / FILE_NAME)
    connection.execute(
        "INSERT INTO sessions (routine_id, routine_version, side, started_at, updated_at, "
        "ended_at, segments_total, segments_completed, stop_reason, stop_disposition, "
        "planned_seconds, elapsed_seconds) VALUES (?, ?, ?, '2026-11-20T08:00:00+00:00', "
        "'2026-11-20T08:05:00+00:00', '2026-11-20T08:05:00+00:00', 4, 4, 'hurts', ?, 60, 60)",
        (raw, raw, raw, raw),
    )
    connection.execute(
        "INSERT INTO triage_results (taken_at, triage_version, disposition, rule, answers, "
        "cautions) VALUES ('2026-11-20T07:00:00+00:00', ?, ?, ?, ?, '[]')",
        (raw, raw, raw, '{"red_flags": [], "pain_at_rest": "' + raw.replace('"', "") + '"}'),
    )
    connection.commit()
    connection.close()


def commands(shared: Path) -> list[list[str]]:
    p = ["--protocols-dir", str(shared)]
    return [
        [*p, "protocols", "list"],
        [*p, "protocols", "show", "hostile"],
        [*p, "protocols", "validate", str(shared)],
        [*p, "run", "hostile", "--plain", "--count-in", "0", "--hold", "1"],
        [*p, "print", "hostile", "-f", "txt", "-o", "-", "--patient", HOSTILE_TEXT],
        [*p, "print", "hostile", "-f", "md", "-o", "-", "--patient", HOSTILE_TEXT],
        [*p, "print", "hostile", "-f", "html", "-o", "-", "--notes", HOSTILE_TEXT],
        [*p, "print", "--plan", str(shared / "\x1b[2Jclear.yaml"), "-o", "-"],
        ["history"],
        ["history", "--all"],
        ["history", "chart"],
        ["history", "export", "-", "--format", "csv"],
        ["history", "export", "-", "--format", "json"],
        ["history", "export", "-", "--format", "fhir"],
        ["history", "--json"],
        ["history", "chart", "--json"],
        ["history", "report", "-o", "-", "-f", "html", "--patient", HOSTILE_TEXT],
        ["program", "status", "--json"],
        [*p, "protocols", "list", "--json"],
        [*p, "protocols", "show", "hostile", "--json"],
        [*p, "protocols", "validate", str(shared), "--json"],
        ["triage", "--answers", "-"],
        # Written files whose names hold escapes: "Wrote NAME" shows them as letters.
        [*p, "print", "hostile", "-f", "txt", "-o", str(shared / f"{TITLE_ESCAPE}a.txt")],
        [*p, "plan", "new", "hostile", "-o", str(shared / f"{TITLE_ESCAPE}p.yaml")],
        ["history", "export", str(shared / f"{TITLE_ESCAPE}e.json")],
        ["protocols", "schema", "-o", str(shared / f"{TITLE_ESCAPE}s.json")],
    ]


TITLE_ESCAPE = "\x1b]0;owned\x07"  # sets the terminal window's title when obeyed


def test_no_output_obeys_untrusted_text(shared, monkeypatch, invoke, small_protocols):
    data = Path(os.environ["HAMSTRING_CARE_DATA"])
    crafted_history(data)
    monkeypatch.setenv("FORCE_COLOR", "1")  # draw as on a terminal: markup would become links
    monkeypatch.setenv("COLUMNS", "200")
    hostile_answers = f'onset: "{HOSTILE_TEXT}"\nred_flags: ["{HOSTILE_TEXT}"]\n'
    for args in commands(shared):
        stdin = hostile_answers if args[0] == "triage" else None
        result = invoke(*args, input=stdin)
        out = result.stdout + result.stderr
        assert result.exit_code in (0, 2), (args, out)
        if "hostile" in args and "run" not in args:  # (the crafted stop refuses a routine)
            assert result.exit_code == 0, (args, out)  # it loads: its texts are shown
        for what, raw in FORBIDDEN.items():
            assert raw not in out, (args, what, out)
        # Markup is shown as written (perhaps escaped for Markdown), never made a link.
        assert "mailto:a@b" not in out or "link=mailto:a@b" in out, (args, out)
