"""The Python API: the same checks, prescriptions and sheets as the command line."""

from __future__ import annotations

import pytest

from hamstring_care import api
from hamstring_care.errors import InputFileError
from tests.conftest import SELF_MASSAGE, yaml_answers


def test_a_check_from_python_is_the_commands_result(invoke, write):
    answers = yaml_answers(SELF_MASSAGE)
    result = api.check(answers)
    printed = invoke("triage", "--answers", str(write("a.yaml", SELF_MASSAGE)), "--json")
    assert result.to_json() == __import__("json").loads(printed.stdout)


def test_bad_answers_say_every_problem():
    with pytest.raises(InputFileError) as caught:
        api.check({"red_flags": ["nope"], "age": "old"})
    said = "\n".join(caught.value.lines)
    assert "unknown red flag" in said and "age: expected a whole number" in said
    with pytest.raises(InputFileError, match="onset: missing answer"):
        api.check({"red_flags": [], "age": 35})


def test_a_prescription_and_its_sheet(tmp_path):
    prescribed = api.prescription(["hamstring-stretch"], patient="Jane Doe", side="right")
    assert prescribed.patient == "Jane Doe" and prescribed.items[0].side == "right"
    text = api.sheet(prescribed, "txt").decode()
    assert "Jane Doe" in text and "(right leg only)" in text
    assert api.sheet(prescribed).startswith(b"%PDF")


def test_a_plan_file_from_python(write):
    plan = write("plan.yaml", "patient: Sam\nprotocols:\n  - id: rice\n")
    assert api.prescription(plan=plan).patient == "Sam"


def test_the_readmes_python_example_runs():
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert scope["result"].disposition == "self_massage"
    assert scope["pdf"].startswith(b"%PDF")
