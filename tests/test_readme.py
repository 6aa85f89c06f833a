"""The README, executed (as sqlite-utils' tests/test_docs.py does with its docs).

Every command example in README.md runs here, one row per example: each line of its fenced
blocks (after the block's earlier lines, in the same folder) and each `hamstring-care ...` in
its text. Each row starts in a fresh folder with a fresh data folder, on a fake clock, with
the bundled protocols: the README is about the program as shipped. An example that names a
placeholder (ROUTINE, FILE, [--json]) runs as the concrete commands ``HOW`` gives; one that
cannot run here (the suite itself, a benchmark, an interactive day) is skipped with its reason.

Where the README shows output, the output is checked, not generated: each line it shows must
be printed, in that order (the README may leave lines out); its JSON must match, "..."
standing for any value. A README edit that breaks an example fails here, and so does an
example with a placeholder that ``HOW`` does not know.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SELF_MASSAGE, yaml_answers
from tests.fakes import CheckInAsker, ScriptedAsker

README = (ROOT / "README.md").read_text(encoding="utf-8")
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)


FENCED = r"^```(\w*)\n(.*?)^```"


def block(lang: str, start: str) -> str:
    """The README's one fenced block of this language (often none) that starts so."""
    found = re.findall(FENCED, README, re.MULTILINE | re.DOTALL)
    (text,) = [text for kind, text in found if kind == lang and text.startswith(start)]
    return text


def answers_example() -> str:
    """The README's answers file (### Answers files)."""
    return block("yaml", "red_flags: []")


# --- how each example runs --------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One command run here: its arguments (after ``hamstring-care``) and who answers."""

    args: tuple[str, ...]
    asker: str | None = None  # "check": the quick start's answers; "day": a program's day
    environ: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, str], ...] = ()  # (name, text) written into the folder first


CHECK = Step((), asker="check")
"""The guided check, answered as in the quick start: self-care, the right leg."""
ANSWERS = "answers.yaml"
"""The README's answers example, written into each row's folder."""

REMINDERS = "print --plan plan.yaml -o jane.pdf --ics jane.ics --at 08:00 --at 18:00"
"""Jane's sheet and reminders, from the README's plan file."""

HOW: dict[str, list[Step] | str] = {
    # The guided check needs a person: a scripted one answers it (a real terminal plays it in
    # tests/test_terminal.py).
    "hamstring-care": [CHECK],
    "hamstring-care start": [Step(("start",), asker="check")],
    "hamstring-care advice": [CHECK, Step(("advice",))],
    # Placeholders, filled as a user would.
    "hamstring-care run ROUTINE": [Step(("run", "hamstring-stretch"))],
    "hamstring-care print PROTOCOL ...": [
        Step(("print", "rice", "hamstring-stretch", "-f", "md", "-o", "-"))
    ],
    "hamstring-care triage --answers FILE [--json]": [
        Step(("triage", "--answers", ANSWERS)),
        Step(("triage", "--answers", ANSWERS, "--json")),
    ],
    "hamstring-care protocols show ID": [Step(("protocols", "show", "rice"))],
    "hamstring-care protocols validate [PATH ...]": [
        Step(("protocols", "validate")),
        Step(("protocols", "validate", "--strict", str(ROOT / "protocols"))),
    ],
    "hamstring-care protocols new ID --kind routine\\|guidance": [
        Step(("protocols", "new", "calf-roll", "--kind", "routine")),
        Step(("protocols", "new", "first-days", "--kind", "guidance")),
    ],
    "hamstring-care history export FILE": [CHECK, Step(("history", "export", "history.csv"))],
    "hamstring-care history forget --before YYYY-MM-DD \\| --all": [
        CHECK,
        Step(("history", "forget", "--before", "2026-11-30", "--yes")),
        Step(("history", "forget", "--all", "--yes")),
    ],
    "hamstring-care program start [PROGRAM]": [CHECK, Step(("program", "start"))],
    "hamstring-care history --json | jq": [CHECK, Step(("history", "--json"))],
    f"hamstring-care {REMINDERS}": [
        Step(tuple(shlex.split(REMINDERS)), files=(("plan.yaml", block("yaml", "patient: Jane")),))
    ],
    'hamstring-care history report -o report.pdf --patient "Sam Runner"': (
        "its line is the report of Sam's weeks of history: tests/test_report.py writes the "
        "report of such a history and checks this line word for word"
    ),
    "hamstring-care history report --from sam-export.json -o sam.html": [
        CHECK,
        Step(("history", "export", "sam-export.json")),
        Step(("history", "report", "--from", "sam-export.json", "-o", "sam.html")),
    ],
    "hamstring-care program today": [
        CHECK,
        Step(("program", "start")),
        Step(("program", "today"), asker="day"),
    ],
    # Not examples to run.
    "hamstring-care ...": "stands for any command",
    "uv run hamstring-care ...": "stands for any command",
    "uv run pytest": "the suite itself",
    "uv run ruff check . && uv run ruff format --check .": ".ci/run lints after the suite",
    "uv run mypy": ".ci/run checks the types after the suite",
}
SKIPPED_PREFIXES = {
    "uv run python benchmarks/": "a benchmark: it measures real time (benchmarks/README.md)",
}
ANSWERED = (  # a transcript's "? question answer" lines: what a person answers, day by day
    "a day of the program, answered at a terminal: tests/test_program_cli.py plays the same "
    "story on a fake clock"
)
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z-]{1,}\b|\[|\\\||\.\.\.")


@dataclass
class Example:
    """A command as the README shows it (and its line), with the commands of its block
    before it and the output it shows after it."""

    text: str
    line: int
    before: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    continued: bool = False  # written over several lines, each ending in \\
    after_answered: bool = False  # an earlier command of its block is answered at a terminal

    @property
    def id(self) -> str:
        return f"L{self.line} {self.text}"


def command(line: str) -> bool:
    return re.match(r"(\$ )?([A-Z_]+=\S+ )*(uv run |hamstring-care\b)", line) is not None


def line_of(offset: int) -> int:
    return README.count("\n", 0, offset) + 1


def block_examples() -> list[Example]:
    """The commands of each block (continued lines joined), each with the lines it shows."""
    found: list[Example] = []
    for block in re.finditer(FENCED, README, re.MULTILINE | re.DOTALL):
        if block.group(1):  # a file (yaml, json): not commands
            continue
        lines = block.group(2).splitlines()
        commands: list[Example] = []
        n = 0
        while n < len(lines):
            start, line = n, lines[n]
            while line.endswith("\\") and n + 1 < len(lines):  # continued on the next line
                n += 1
                line = line[:-1] + " " + lines[n]
            n += 1
            if command(line):
                text = " ".join(line.removeprefix("$ ").split("  #")[0].split())
                at, before = line_of(block.start(2)) + start, [e.text for e in commands]
                answered = any(line.startswith("? ") for e in commands for line in e.shown)
                commands.append(
                    Example(text, at, before, continued=n - start > 1, after_answered=answered)
                )
            elif commands and line.strip() and not line.startswith("$"):
                commands[-1].shown.append(line)
        found += commands
    return found


def inline_examples() -> list[Example]:
    """Each ``hamstring-care ...`` in the README's text, once, where it first appears."""
    found: dict[str, Example] = {}
    for span in re.finditer(r"`((?:uv run )?hamstring-care(?: [^`]*)?)`", README):
        found.setdefault(span.group(1), Example(span.group(1), line_of(span.start())))
    return list(found.values())


def examples() -> list[Example]:
    return block_examples() + inline_examples()


EXAMPLES = examples()


def steps_for(text: str, shown: list[str] = ()) -> list[Step] | str:
    """The commands an example runs here, or why it cannot run here."""
    if any(line.startswith("? ") for line in shown):
        return ANSWERED
    if text in HOW:
        return HOW[text]
    for prefix, reason in SKIPPED_PREFIXES.items():
        if text.startswith(prefix):
            return reason
    words = shlex.split(text, comments=True)
    environ = []
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name, _, value = words.pop(0).partition("=")
        environ.append((name, value))
    if words[:2] == ["uv", "run"]:
        words = words[2:]
    assert words[0] == "hamstring-care", text
    if PLACEHOLDER.search(" ".join(words[1:])):
        pytest.fail(f"README example {text!r} names a placeholder: say in HOW how it runs")
    if not words[1:]:
        return [CHECK]
    return [Step(tuple(words[1:]), environ=tuple(environ))]


def askers(kind: str | None):
    if kind == "check":
        # The README's story: a pain that began yesterday (NOW's day before), right leg.
        return ScriptedAsker({**yaml_answers(SELF_MASSAGE), "days_since_onset": 1, "leg": "right"})
    if kind == "day":
        return CheckInAsker({"ready": True, "pain": 2, "rest": 1})
    return None


@pytest.fixture
def readme_folder(tmp_path, monkeypatch, env) -> Path:
    """A fresh folder to run in, holding the README's answers file; a fixed moment."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / ANSWERS).write_text(answers_example(), encoding="utf-8")
    monkeypatch.chdir(folder)
    env.now = lambda: NOW
    return folder


def run(invoke, env, monkeypatch, steps: list[Step]):
    """Run each step; every one must succeed. The last one's result."""
    result = None
    for step in steps:
        env.prompter = askers(step.asker)
        for name, value in step.environ:
            monkeypatch.setenv(name, value)
        for name, text in step.files:
            Path(name).write_text(text, encoding="utf-8")
        result = invoke(*step.args)
        assert result.exit_code == 0, (step.args, result.stdout[-2000:], result.stderr)
    return result


def in_order(shown: list[str], printed: str) -> None:
    """Each line the README shows is printed, in that order (lines left out are allowed)."""
    lines = [" ".join(line.split()) for line in printed.splitlines()]
    at = 0
    for want in shown:
        want = " ".join(want.split())
        for i in range(at, len(lines)):
            # "..." at a line's end: the README leaves the rest of that line out.
            if lines[i] == want or (
                want.endswith("...") and lines[i].startswith(want[:-3].rstrip())
            ):
                at = i + 1
                break
        else:
            pytest.fail(f"the README shows {want!r}; printed here:\n{printed}")


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_every_readme_example_runs(example, readme_folder, invoke, env, monkeypatch):
    steps = steps_for(example.text, example.shown)
    if isinstance(steps, str):
        pytest.skip(steps)
    if example.after_answered:
        pytest.skip(ANSWERED)
    before = []
    for text in example.before:  # the block's earlier commands, in the same folder
        earlier = steps_for(text)
        before += [] if isinstance(earlier, str) else earlier
    if before:  # what a command needs first, the block's earlier commands have done
        steps = steps[-1:]
    result = run(invoke, env, monkeypatch, [*before, *steps])
    in_order(example.shown, result.output)  # stdout and stderr, as a terminal shows them


def test_the_readme_has_examples_of_each_kind():
    """The parsing finds what the README holds: a failure here means the README's shape
    changed, not that an example broke."""
    assert len({e.id for e in EXAMPLES}) == len(EXAMPLES) >= 40
    assert any(e.before for e in EXAMPLES)  # a block of commands, run in turn
    assert any(e.continued for e in EXAMPLES)  # a command over several lines, joined
    assert any(e.shown for e in EXAMPLES)  # the program's own words in a transcript
    assert any(PLACEHOLDER.search(e.text) and e.text in HOW for e in EXAMPLES)


# --- the output the README shows -------------------------------------------------------


def matches(shown: Any, printed: Any) -> bool:
    """JSON as the README shows it: "..." stands for any value, or for the rest of a list."""
    if shown == "...":
        return True
    if isinstance(shown, dict):
        return (
            isinstance(printed, dict)
            and shown.keys() == printed.keys()
            and all(matches(shown[k], printed[k]) for k in shown)
        )
    if isinstance(shown, list):
        if not isinstance(printed, list):
            return False
        if shown and shown[-1] == "...":
            head = shown[:-1]
            return len(printed) >= len(head) and all(map(matches, head, printed))
        return len(shown) == len(printed) and all(map(matches, shown, printed))
    return shown == printed


def test_the_json_output_is_what_the_readme_shows(readme_folder, invoke):
    """`triage --answers FILE --json`, of the README's answers example."""
    shown = json.loads(block("json", '{\n  "disposition"'))
    printed = json.loads(invoke("triage", "--answers", ANSWERS, "--json").stdout)
    assert matches(shown, printed), json.dumps(printed, indent=2)


def test_a_wrong_hold_reads_as_the_readme_shows(readme_folder, invoke):
    """Protocols: "Unknown keys are errors...": the bundled routine, its second hold mistyped."""
    original = (ROOT / "protocols" / "foam-roller-and-ball.yaml").read_text(encoding="utf-8")
    first, second, rest = original.split("    hold: ", 2)
    rest = "twenty" + rest[rest.index("\n") :]
    (readme_folder / "protocols").mkdir()
    path = readme_folder / "protocols" / "foam-roller-and-ball.yaml"
    path.write_text("    hold: ".join([first, second, rest]), encoding="utf-8")
    result = invoke("protocols", "validate", "protocols/foam-roller-and-ball.yaml")
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines() == block("", "protocols/foam-roller-and-ball.yaml:").splitlines()
    )


def test_validating_a_clinic_folder_reads_as_the_readme_shows(readme_folder, invoke):
    """Your own protocols: a starter's hold made 900 s, and a copy of the bundled rice.yaml.

    Run from the clone, as the README's lines are, the bundled folder reads ``protocols/``."""
    (readme_folder / "clinic").mkdir()
    assert invoke("protocols", "new", "calf-roll", "-o", "clinic").exit_code == 0
    starter = readme_folder / "clinic" / "calf-roll.yaml"
    text = starter.read_text(encoding="utf-8")
    starter.write_text(text.replace("    hold: 60s ", "    hold: 900s", 1), encoding="utf-8")
    rice = (ROOT / "protocols" / "rice.yaml").read_text(encoding="utf-8")
    (readme_folder / "clinic" / "rice.yaml").write_text(rice, encoding="utf-8")
    result = invoke("protocols", "validate", "clinic")
    assert result.exit_code == 2
    printed = result.stderr.replace(f"{ROOT}/protocols/", "protocols/")
    assert printed.splitlines() == block("", "clinic/calf-roll.yaml:").splitlines()


# --- the files the README shows --------------------------------------------------------


def test_the_answers_example_is_a_complete_answers_file(triage_protocol):
    """Every question the bundled triage asks is answered, and the result is RICE, as shown."""
    import yaml

    from hamstring_care.triage import parse_answers, triage

    answers, problems = parse_answers(triage_protocol, yaml.safe_load(answers_example()))
    assert problems == []
    assert set(answers) == {"red_flags", *(q.id for q in triage_protocol.questions)}
    assert triage(triage_protocol, answers).disposition == "rice"
    assert f'"triage_version": "{triage_protocol.version}"' in README


def test_the_clinic_file_is_used_as_shown(readme_folder, invoke):
    """clinic.yaml, as the README writes it (its logo beside it), fills every sheet."""
    import io

    from PIL import Image

    data = readme_folder.parent / "data"
    data.mkdir(exist_ok=True)
    (data / "clinic.yaml").write_text(block("yaml", "clinic: "), encoding="utf-8")
    logo = io.BytesIO()
    Image.new("RGB", (120, 40), (42, 111, 151)).save(logo, "PNG")
    (data / "logo.png").write_bytes(logo.getvalue())
    sheet = invoke("print", "rice", "-f", "txt", "-o", "-")
    assert sheet.exit_code == 0, sheet.stderr
    assert "Riverside Physio" in sheet.stdout and "call 999" in sheet.stdout


@pytest.mark.parametrize("first_line", ["patient: Jane Doe", "patient: Sam Runner"])
def test_each_plan_file_is_valid_as_shown(first_line, readme_folder, invoke):
    (readme_folder / "plan.yaml").write_text(block("yaml", first_line), encoding="utf-8")
    sheet = invoke("print", "--plan", "plan.yaml", "-f", "txt", "-o", "-")
    assert sheet.exit_code == 0, sheet.stderr
    assert f"Patient: {first_line.split(': ')[1]}" in sheet.stdout


# --- the JSON shapes the README shows ----------------------------------------------------


def same_shape(shown: Any, printed: Any, where: str = "") -> list[str]:
    """Where the README's example and the printed document differ in shape: the same keys at
    every level (a list's first items compared); the values are an example's own."""
    if isinstance(shown, dict):
        if printed is None:  # a value that may be null: the README shows it when given
            return []
        if not isinstance(printed, dict):
            return [f"{where or 'top'}: an object in the README"]
        if "..." in shown:  # the README cut the rest of this object
            keys = set(shown) - {"..."}
            missing = keys - set(printed)
            return [f"{where}: {sorted(missing)} not printed"] if missing else []
        if set(shown) != set(printed):
            return [f"{where or 'top'}: README {sorted(shown)}, printed {sorted(printed)}"]
        return [p for k in shown for p in same_shape(shown[k], printed[k], f"{where}.{k}")]
    if isinstance(shown, list) and isinstance(printed, list) and shown and printed:
        return same_shape(shown[0], printed[0], f"{where}[0]")
    return []


def bundled_versions(shown: Any, library) -> list[str]:
    """Each bundled protocol the example names with a version other than its file's."""
    found = []
    if isinstance(shown, dict):
        named = shown.get("id")
        if isinstance(named, str) and "version" in shown and named in library.entries():
            version = library.get(named).version
            if version != shown["version"]:
                found.append(f"{named} {shown['version']} (the file: {version})")
        found += [f for value in shown.values() for f in bundled_versions(value, library)]
    elif isinstance(shown, list):
        found += [f for value in shown for f in bundled_versions(value, library)]
    return found


JSON_SHAPES = [
    json.loads(text)
    for kind, text in re.findall(FENCED, README, re.MULTILINE | re.DOTALL)
    if kind == "json" and text.startswith('{\n  "output": ')
]


@pytest.mark.parametrize("shown", JSON_SHAPES, ids=[s["output"] for s in JSON_SHAPES])
def test_each_json_shape_is_what_the_command_prints(
    shown, readme_folder, invoke, env, monkeypatch, library
):
    """The README's `--json` examples: the keys the command prints, the bundled versions."""
    story = [CHECK, Step(("program", "start")), Step(("run", "hamstring-stretch"))]
    run(invoke, env, monkeypatch, story)
    args = tuple(shown["output"].split()) + (
        ("rice",) if shown["output"] == "protocols show" else ()
    )
    result = invoke(*args, "--json")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert same_shape(shown, printed) == []
    assert bundled_versions(shown, library) == []
    if "fingerprint" in shown:  # the bundled rice's, as its sheet's footer prints it
        assert printed["fingerprint"] == shown["fingerprint"]


def test_the_json_shapes_are_all_there():
    assert {s["output"] for s in JSON_SHAPES} == {
        "protocols list", "protocols show", "protocols validate", "history", "history chart",
        "program status",
    }  # fmt: skip
