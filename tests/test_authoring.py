"""protocols new and protocols schema: a clinician's own protocol, from a starter to a sheet."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from hamstring_care.source import authoring
from hamstring_care.source.library import bundled_dir, load_protocol
from tests.conftest import bundled_text
from tests.fixtures import small_text


@pytest.fixture
def user_folder() -> Path:
    return Path(os.environ["HAMSTRING_CARE_DATA"]) / "protocols"


@pytest.mark.parametrize("kind", authoring.KINDS)
def test_each_starter_validates_as_written_without_warnings(tmp_path, kind, invoke):
    path = tmp_path / "my-own.yaml"
    path.write_text(authoring.starter_text("my-own", kind, str(path)), encoding="utf-8")
    protocol = load_protocol(path)
    assert (protocol.id, protocol.kind, protocol.title) == ("my-own", kind, "My own")
    result = invoke("protocols", "validate", "--strict", str(path))
    assert (result.exit_code, result.stderr) == (0, "")


def test_new_routine_goes_to_the_user_folder_and_runs_and_prints(
    user_folder, tmp_path, monkeypatch, invoke, small_protocols
):
    result = invoke("protocols", "new", "calf-roll")
    assert result.exit_code == 0, result.stderr
    path = user_folder / "calf-roll.yaml"
    assert result.stdout == ""  # status lines: on standard error
    assert result.stderr.splitlines() == [
        f"Wrote {path}: a new routine protocol to edit.",
        "Editors with the YAML language server check it with hamstring-care.schema.json beside it.",
        f"  Check it:  hamstring-care protocols validate {path}",
        "  Try it:    hamstring-care run calf-roll",
        "  Print it:  hamstring-care print calf-roll -o calf-roll.pdf",
    ]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=hamstring-care.schema.json\n")
    assert json.loads((user_folder / authoring.SCHEMA_FILE).read_text()) == authoring.json_schema()
    assert "calf-roll" in invoke("protocols", "list").stdout
    played = invoke("run", "calf-roll", "--plain")
    assert played.exit_code == 0, played.stderr
    assert "Left leg: Lying hamstring stretch (3 of 3), 30 s" in played.stdout
    sheet = tmp_path / "calf.md"
    assert invoke("print", "calf-roll", "-o", str(sheet)).exit_code == 0
    assert "hamstring-care run calf-roll" in sheet.read_text(encoding="utf-8")


def test_new_guidance_is_shown_and_overriding_an_id_says_so(user_folder, invoke):
    result = invoke("protocols", "new", "rice", "--kind", "guidance")
    assert result.exit_code == 0
    assert "  Read it:   hamstring-care protocols show rice" in result.stderr
    assert (
        "hamstring-care: warning: rice is also the id of protocols/rice.yaml; "
        "the file in the later folder is used (see protocols list)\n"
    ) in result.stderr
    assert "What to expect" in invoke("protocols", "show", "rice").stdout


def test_an_existing_file_is_replaced_only_with_force(user_folder, invoke):
    assert invoke("protocols", "new", "calf-roll").exit_code == 0
    path = user_folder / "calf-roll.yaml"
    path.write_text("edited", encoding="utf-8")
    again = invoke("protocols", "new", "calf-roll")
    assert again.exit_code == 2
    assert again.stderr == f"{path}: already exists; add --force to replace it\n"
    assert path.read_text(encoding="utf-8") == "edited"
    assert invoke("protocols", "new", "calf-roll", "--force").exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_output_to_a_folder_a_file_or_stdout(tmp_path, user_folder, invoke):
    folder = tmp_path / "clinic"
    folder.mkdir()
    into_folder = invoke("protocols", "new", "calf", "-o", str(folder))
    assert into_folder.exit_code == 0
    assert (folder / "calf.yaml").is_file()
    assert f"  Try it:    hamstring-care --protocols-dir {folder} run calf" in into_folder.stderr
    assert invoke("protocols", "new", "knee", "-o", str(folder / "knee.yml")).exit_code == 0
    assert (folder / "knee.yml").is_file()
    shown = invoke("protocols", "new", "calf", "-o", "-")
    assert yaml.safe_load(shown.stdout)["id"] == "calf"
    assert not user_folder.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Calf Roll"], '"Calf Roll" cannot be a protocol id: use lower-case letters'),
        (["../evil"], '"../evil" cannot be a protocol id'),
        (["calf", "-o", "other.yaml"], "-o other.yaml: a protocol file is named after its id"),
        (["calf", "--kind", "triage"], "Invalid value for '--kind'"),
    ],
)
def test_bad_ids_and_names_are_refused(args, message, user_folder, invoke):
    result = invoke("protocols", "new", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not user_folder.exists()


# --- the schema -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = authoring.json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def as_json(text: str):
    # What an editor sees: YAML read into JSON types (dates become text).
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def test_schema_command_prints_the_schema(tmp_path, invoke):
    result = invoke("protocols", "schema")
    assert json.loads(result.stdout) == authoring.json_schema()
    out = tmp_path / "schema.json"
    assert invoke("protocols", "schema", "-o", str(out)).stderr == f"Wrote {out}.\n"
    assert json.loads(out.read_text()) == authoring.json_schema()


@pytest.mark.parametrize("name", sorted(p.name for p in bundled_dir().glob("*.yaml")))
def test_every_bundled_protocol_fits_the_schema(validator, name):
    assert list(validator.iter_errors(as_json(bundled_text(name)))) == []


@pytest.mark.parametrize("kind", authoring.KINDS)
def test_starters_and_new_plans_fit_the_schema(validator, kind, tmp_path, invoke, small_protocols):
    assert list(validator.iter_errors(as_json(authoring.starter_text("x", kind, "x")))) == []
    plan = invoke("plan", "new", "-o", "-", "--patient", "Jo").stdout
    assert list(validator.iter_errors(as_json(plan))) == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("hold: 30s", "hold: thirty"), "does not match"),
        (("per_side: true", "per_sides: true"), "Additional properties are not allowed"),
        (
            ("kind: routine", "kind: routin"),
            "is not one of ['triage', 'guidance', 'routine', 'program']",
        ),
        (("method: stretch", "method: yoga"), "'yoga' is not one of"),
    ],
)
def test_the_schema_rejects_what_the_loader_rejects(validator, change, complaint):
    text = small_text("stretch.yaml").replace(*change)
    messages = [error.message for error in validator.iter_errors(as_json(text))]
    messages += [e.message for error in validator.iter_errors(as_json(text)) for e in error.context]
    assert any(complaint in message for message in messages), messages


def test_a_plan_with_an_unknown_field_is_rejected(validator):
    messages = [
        e.message for e in validator.iter_errors({"protocols": [{"id": "x"}], "pateint": "Jo"})
    ]
    assert any("Additional properties are not allowed ('pateint'" in m for m in messages)


def test_the_schema_describes_fields_from_their_docstrings():
    definitions = authoring.json_schema()["$defs"]
    step = definitions["Step"]["properties"]
    assert step["per_side"]["description"] == "true: each leg in turn; false: once."
    assert step["hold"]["patternErrorMessage"] == "expected a duration like 20s, 10-20s or 2min"
    inherited = definitions["RoutineProtocol"]["properties"]["id"]["description"]
    assert inherited == "The protocol's id: the same as its file name without .yaml."
