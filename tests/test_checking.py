"""protocols validate: errors (exit 2), warnings (exit 1 with --strict), clean (exit 0)."""

from __future__ import annotations

import pytest

from hamstring_care.source.checking import validate_paths
from hamstring_care.source.library import Library
from tests.fixtures import small_text

ROUTINE = """
id: calf
version: "1.0"
title: Calf roll
kind: routine
summary: One step.
sources:
  seeds: Clinic articles.
steps:
  - title: Roll
    instruction: Roll the calf.
    hold: 60s
    per_side: true
    method: roller
    area: calf
    sources: [seeds]
"""


def validate(invoke, *args: str):
    result = invoke("protocols", "validate", *args)
    return result.exit_code, result.stderr.splitlines(), result.stdout.splitlines()


def test_clean_folder_exits_0_even_when_strict(invoke, write, tmp_path):
    write("clinic/calf.yaml", ROUTINE)
    for strict in ([], ["--strict"]):
        code, errors, out = validate(invoke, *strict, str(tmp_path / "clinic"))
        assert (code, errors) == (0, [])
        assert out == [f"ok  {tmp_path}/clinic/calf.yaml", "1 file checked: all valid."]


def test_warnings_exit_0_or_1_with_strict(invoke, write, tmp_path):
    path = write("clinic/calf.yaml", ROUTINE.replace("    sources: [seeds]\n", ""))
    code, errors, out = validate(invoke, str(path))
    assert code == 0
    assert errors == [
        f"{path}:9:5: steps[0]: warning: no sources and not marked practice: true; "
        "cite one, or mark it practice"
    ]
    assert out[-1] == "1 file checked: all valid, 1 warning."
    assert validate(invoke, "--strict", str(path))[0] == 3  # warnings alone: not a bug (1)


def test_a_file_without_sources_is_a_warning_not_an_error(invoke, write):
    text = ROUTINE.replace("sources:\n  seeds: Clinic articles.\n", "").replace(
        "    sources: [seeds]\n", "    practice: true\n"
    )
    path = write("calf.yaml", text)
    code, errors, _ = validate(invoke, "--strict", str(path))
    assert code == 3
    assert errors == [
        f"{path}:1:1: sources: warning: no sources: cite where the advice comes from, and mark "
        "what is clinic practice with practice: true"
    ]


def test_a_routine_over_an_hour_is_a_warning(invoke, write):
    # 5 s to get ready, 4 x 600 s, 5 s to switch legs, 4 x 600 s: 4,810 s, 81 min begun.
    path = write("calf.yaml", ROUTINE.replace("hold: 60s", "hold: 600s\n    repeat: 4"))
    code, errors, _ = validate(invoke, str(path))
    assert code == 0
    assert errors == [
        f"{path}:9:3: steps: warning: the routine takes 81 min with both legs, over 60 min; "
        "most people will not finish it"
    ]
    shorter = write("calf.yaml", ROUTINE.replace("hold: 60s", "hold: 600s\n    repeat: 2"))
    assert validate(invoke, str(shorter))[:2] == (0, [])


@pytest.mark.parametrize(
    ("hold", "message"),
    [
        ("601s", "at most 600s (10 min), got 601s; split a longer hold into steps"),
        ("11min", "at most 600s (10 min), got 660s; split a longer hold into steps"),
        ("30-900s", "at most 600s (10 min), got 30-900s; split a longer hold into steps"),
        ("0s", "a duration must be longer than 0s"),
    ],
)
def test_holds_out_of_range_are_errors(invoke, write, hold, message):
    path = write("calf.yaml", ROUTINE.replace("hold: 60s", f"hold: {hold}"))
    code, errors, _ = validate(invoke, str(path))
    assert code == 2
    assert errors == [f"{path}:11:11: steps[0].hold: {message}"]


def test_errors_of_every_file_at_once_with_their_places(invoke, write, tmp_path):
    write(
        "clinic/calf.yaml", ROUTINE.replace("hold: 60s", "hold: sixty").replace("calf\n", "cafl\n")
    )
    write("clinic/rice.yaml", small_text("rice.yaml").replace("title: ", "titel: ", 1))
    code, errors, out = validate(invoke, str(tmp_path / "clinic"))
    assert code == 2
    assert errors == [
        f"{tmp_path}/clinic/calf.yaml:11:11: steps[0].hold: expected a duration like 20s or 10-20s, "
        'got "sixty"',
        f"{tmp_path}/clinic/calf.yaml:14:11: steps[0].area: expected one of 'back_of_thigh', "
        "'sit_bone', 'buttock', 'back_of_knee', 'calf' or 'sole', got \"cafl\"",
        f"{tmp_path}/clinic/rice.yaml:3:1: title: required field is missing",
        f'{tmp_path}/clinic/rice.yaml:5:1: titel: unknown field; did you mean "title"?',
        f"{tmp_path}/clinic/rice.yaml: warning: id rice is also in protocols/rice.yaml "
        "(bundled); this file wins (its folder comes later)",
    ]
    assert out[-1].startswith("2 files checked: 2 with errors")


def test_an_override_says_which_file_wins(invoke, write, tmp_path):
    write("clinic/rice.yaml", small_text("rice.yaml"))
    code, errors, _ = validate(invoke, str(tmp_path / "clinic"))
    assert code == 0
    assert errors == [
        f"{tmp_path}/clinic/rice.yaml: warning: id rice is also in protocols/rice.yaml "
        "(bundled); this file wins (its folder comes later)"
    ]


def test_default_validation_names_the_winner_for_each_file(write, tmp_path):
    base = write("base/rice.yaml", small_text("rice.yaml"))
    ours = write("clinic/rice.yaml", small_text("rice.yaml"))
    library = Library([tmp_path / "base", tmp_path / "clinic"])
    report = validate_paths(library, [])  # every folder in use
    assert report.errors == []
    assert sorted(report.warnings) == sorted(
        [
            f"{base}: warning: id rice is also in {ours}; {ours} wins (its folder comes later)",
            f"{ours}: warning: id rice is also in {base}; this file wins (its folder comes later)",
        ]
    )


def test_two_files_with_one_id_in_one_folder_is_an_error(invoke, write, tmp_path):
    write("clinic/calf.yaml", ROUTINE)
    write("clinic/calf.yml", ROUTINE)
    code, errors, _ = validate(invoke, str(tmp_path / "clinic"))
    assert code == 2
    assert (
        f"{tmp_path}/clinic/calf.yaml: id calf is also in {tmp_path}/clinic/calf.yml, in the same folder; keep one of them"
        in errors
    )


def test_missing_illustration_is_an_error(invoke, write):
    path = write(
        "calf.yaml", ROUTINE.replace("area: calf", "area: calf\n    illustration: calf-roll.svg")
    )
    code, errors, _ = validate(invoke, str(path))
    assert code == 2
    assert errors == [
        f"{path}:15:19: steps[0].illustration: no file illustrations/calf-roll.svg beside this "
        "file or among the bundled protocols"
    ]
