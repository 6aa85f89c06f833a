"""--json on every command that shows data: one document on stdout, nothing on stderr, its
shape the one the README shows."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import ROOT
from tests.patient import at, three_weeks

README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_example(command: str) -> dict:
    """The JSON example under the README's line for ``command``."""
    after = README.split(f"`hamstring-care {command} --json`", 1)[1]
    block = re.search(r"```json\n(.*?)```", after, flags=re.S)
    assert block is not None, command
    return json.loads(block.group(1))


def same_shape(example, actual, path="") -> None:
    """The same keys at every level (a list: its first item's), "...": anything more."""
    if isinstance(example, dict):
        assert isinstance(actual, dict), path
        if example.get("...") == "...":
            assert {k for k in example if k != "..."} <= set(actual), path
            return
        assert set(example) == set(actual), (path, set(example) ^ set(actual))
        for key in example:
            same_shape(example[key], actual[key], f"{path}.{key}")
    elif isinstance(example, list) and example and actual:
        kind = example[0].get("record") if isinstance(example[0], dict) else None
        like = [a for a in actual if kind is None or a.get("record") == kind]  # mixed records
        same_shape(example[0], like[0], f"{path}[0]")


@pytest.fixture
def patient(env, invoke, triage_protocol):
    three_weeks(env, invoke, triage_protocol)
    env.now = lambda: at(21, 12)
    env.wall = env.now


COMMANDS = ("protocols list", "protocols show", "protocols validate", "history chart",
            "history", "program status")  # fmt: skip


def data(invoke, *args: str, code: int = 0) -> dict:
    result = invoke(*args, "--json")
    assert result.exit_code == code, result.stderr
    assert result.stderr == ""
    document = json.loads(result.stdout)
    said = " ".join(args)
    assert document["output"] == next(c for c in COMMANDS if said.startswith(c))
    assert document["output_version"] == 1
    return document


@pytest.mark.parametrize("command", ["protocols list", "protocols show rice", "protocols validate"])
def test_the_protocol_commands(invoke, command):
    document = data(invoke, *command.split())
    same_shape(readme_example(command), document)


def test_protocols_list_and_show_say_what_the_table_says(invoke, library):
    listed = data(invoke, "protocols", "list")["protocols"]
    assert [p["id"] for p in listed] == sorted(library.entries())
    assert all(p["bundled"] and p["valid"] for p in listed)
    shown = data(invoke, "protocols", "show", "rice")
    assert shown["protocol"]["id"] == "rice" and shown["protocol"]["kind"] == "guidance"
    assert shown["protocol"]["sections"][0]["items"]
    unknown = invoke("protocols", "show", "ric", "--json")
    assert unknown.exit_code == 2 and unknown.stdout == ""


def test_validate_reports_in_json_with_its_exit_code(invoke, write, tmp_path):
    bad = write("clinic/calf.yaml", "id: calf\nversion: '1'\ntitle: x\nkind: routine\n")
    document = data(invoke, "protocols", "validate", str(bad.parent), code=2)
    assert document["files_with_errors"] == 1 and document["exit_code"] == 2
    assert all(line.startswith(str(bad)) for line in document["errors"])


def test_history_and_its_chart(patient, invoke):
    history = data(invoke, "history", "--limit", "5")
    same_shape(readme_example("history"), history)
    assert len(history["records"]) == 5
    assert history["saved"] == {"sessions": 13, "checks": 2}
    assert {r["record"] for r in history["records"]} == {"session", "program_check_in"}
    assert all(r["uid"] for r in history["records"])
    everything = data(invoke, "history", "--all")
    assert len(everything["records"]) == 13 + 2 + 12
    chart = data(invoke, "history", "chart")
    same_shape(readme_example("history chart"), chart)
    assert len(chart["days"]) == 28 and chart["days"][-1]["day"] == "2026-11-22"
    assert [d["program"] for d in chart["days"] if d["program"]] == [
        "move_on", "move_on", "step_back", "move_on",
    ]  # fmt: skip
    week = data(invoke, "history", "chart", "--days", "7")
    assert len(week["days"]) == 7


def test_program_status(patient, invoke):
    status = data(invoke, "program", "status")
    same_shape(readme_example("program status"), status)
    assert status["stage"]["id"] == "jog_walk" and status["program"]["day"] == 12
    assert len(status["check_ins"]) == 12


def test_with_nothing_saved(invoke):
    assert data(invoke, "history")["records"] == []
    assert data(invoke, "history", "chart")["days"] == []
    none = data(invoke, "program", "status")
    assert none["under_way"] is False and none["program"] is None
    assert "no program under way" in none["said"].lower()
