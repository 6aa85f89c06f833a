"""The loader: every bundled protocol validates, and every kind of error reads well."""

from __future__ import annotations

import pytest

from hamstring_care.errors import InputFileError, UnknownProtocolError
from hamstring_care.models import (
    Duration,
    GuidanceProtocol,
    ProgramProtocol,
    RoutineProtocol,
    TriageProtocol,
)
from hamstring_care.source.checking import validate_paths
from hamstring_care.source.library import Library, bundled_dir, load_protocol, protocol_dirs
from tests.fixtures import SMALL, small_text

ROUTINE = """
id: easy
version: "1.0"
title: Easy routine
kind: routine
summary: Two steps.
sources:
  seeds: Clinic articles.
steps:
  - title: Roll
    instruction: Roll the back of the thigh.
    hold: 60s
    per_side: true
    method: roller
    area: back_of_thigh
    sources: [seeds]
  - title: Ball
    instruction: Sit on the ball.
    hold: 10-20s
    repeat: 3
    per_side: true
    method: ball
    area: sit_bone
"""


def errors(path) -> list[str]:
    with pytest.raises(InputFileError) as caught:
        load_protocol(path)
    return list(caught.value.lines)


def test_bundled_protocols_all_validate(library):
    kinds = {pid: type(library.get(pid)) for pid in library.entries()}
    assert kinds == {
        "triage": TriageProtocol,
        "rice": GuidanceProtocol,
        "foam-roller-and-ball": RoutineProtocol,
        "hamstring-stretch": RoutineProtocol,
        "lengthening": RoutineProtocol,
        "nordic": RoutineProtocol,
        "back-to-running": ProgramProtocol,
    }
    report = validate_paths(library, [])
    assert report.errors == []
    assert report.files == 7


def test_every_bundled_protocol_cites_sources_it_uses(library):
    for pid in library.entries():
        assert library.get(pid).sources, pid


def test_valid_routine_loads(write):
    routine = load_protocol(write("easy.yaml", ROUTINE))
    assert routine.steps[1].hold == Duration(10, 20)
    assert str(routine.steps[1].hold) == "10-20s"
    assert routine.steps[0].hold.is_range is False


def test_bad_duration_names_file_line_column_and_field(write):
    path = write("easy.yaml", ROUTINE.replace("hold: 10-20s", 'hold: "twenty"'))
    assert errors(path) == [
        f'{path}:18:11: steps[1].hold: expected a duration like 20s or 10-20s, got "twenty"'
    ]


@pytest.mark.parametrize(
    ("hold", "message"),
    [
        ("0s", "a duration must be longer than 0s"),
        ("20-10s", 'a range goes from short to long, like 10-20s, got "20-10s"'),
        ("30", "expected a duration like 20s or 10-20s, got 30"),
    ],
)
def test_duration_edge_cases(write, hold, message):
    path = write("easy.yaml", ROUTINE.replace("hold: 60s", f"hold: {hold}"))
    assert errors(path) == [f"{path}:11:11: steps[0].hold: {message}"]


def test_minutes_are_read_as_seconds():
    assert Duration.parse("2min") == Duration(120, 120)


def test_all_errors_of_a_file_at_once_in_file_order(write):
    text = ROUTINE.replace("per_side: true", "per_side: maybe").replace("repeat: 3", "repeat: 0")
    path = write("easy.yaml", text.replace("area: sit_bone", "area: sit_bone\n    colour: red"))
    assert errors(path) == [
        f'{path}:12:15: steps[0].per_side: expected true or false, got "maybe"',
        f"{path}:19:13: steps[1].repeat: input should be greater than or equal to 1",
        f'{path}:20:15: steps[1].per_side: expected true or false, got "maybe"',
        f"{path}:23:5: steps[1].colour: unknown field; allowed here: title, instruction, hold, "
        "per_side, repeat, reps, reps_of, rest, method, area, cue, illustration, cautions, sources, practice",
    ]


def test_unknown_field_suggests_the_close_one(write):
    path = write("easy.yaml", ROUTINE.replace("summary:", "sumary:"))
    lines = errors(path)
    assert f'{path}:5:1: sumary: unknown field; did you mean "summary"?' in lines
    assert f"{path}:1:1: summary: required field is missing" in lines


def test_wrong_literal_lists_the_choices(write):
    path = write("easy.yaml", ROUTINE.replace("method: roller", "method: hands"))
    assert errors(path) == [
        f"{path}:13:13: steps[0].method: expected one of 'roller', 'ball', 'stretch', "
        "'nerve_glide' or 'movement', got \"hands\""
    ]


def test_unknown_source_key(write):
    path = write("easy.yaml", ROUTINE.replace("sources: [seeds]", "sources: [seeds, nhs]"))
    assert errors(path) == [
        f'{path}:15:22: steps[0].sources[1]: no source "nhs" in this file\'s sources'
    ]


def test_id_must_match_file_name(write):
    path = write("other.yaml", ROUTINE)
    assert errors(path) == [f'{path}:1:5: id: "easy" must match the file name "other"']


def test_unquoted_float_version(write):
    path = write("easy.yaml", ROUTINE.replace('version: "1.0"', "version: 1.10"))
    assert errors(path) == [
        f'{path}:2:10: version: write the version in quotes, like "1.0", so YAML keeps it as text'
    ]


def test_unknown_kind_still_reports_header_problems(write):
    path = write("easy.yaml", "id: easy\nkind: routin\n")
    assert errors(path) == [
        f"{path}:1:1: version: required field is missing",
        f"{path}:1:1: title: required field is missing",
        f"{path}:1:1: summary: required field is missing",
        f"{path}:2:7: kind: expected one of 'triage', 'guidance', 'routine' or 'program', got \"routin\"",
    ]


def test_yaml_syntax_error_has_line_and_column(write):
    path = write("easy.yaml", "id: easy\nsteps: [a, b\ntitle: x\n")
    (line,) = errors(path)
    assert line.startswith(f"{path}:3:6: YAML: while parsing a flow sequence")
    assert "expected ',' or ']'" in line


def test_tab_indentation_gets_a_hint(write):
    path = write("easy.yaml", "id: easy\nsteps:\n\t- a\n")
    (line,) = errors(path)
    assert line.startswith(f"{path}:3:1: YAML:")
    assert line.endswith("(indent with spaces, not tabs)")


def test_duplicate_key(write):
    path = write("easy.yaml", ROUTINE.replace("title: Easy routine", "title: A\ntitle: B"))
    assert errors(path) == [f"{path}:4:1: title: this key appears twice"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        ("# only a comment\n", "the file holds no data"),
        ("- a\n- b\n", "expected a mapping of fields (id, version, title, kind, ...)"),
    ],
)
def test_empty_or_not_a_mapping(write, content, message):
    path = write("easy.yaml", content)
    assert errors(path)[0].endswith(f": {message}")


def test_non_utf8_names_the_byte_and_place(write):
    path = write("easy.yaml", b"id: easy\ntitle: caf\xe9\n")
    assert errors(path) == [f"{path}:2:11: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_utf8_byte_order_mark_is_fine(write):
    path = write("easy.yaml", "\ufeff" + ROUTINE.lstrip())
    assert load_protocol(path).id == "easy"


def test_python_tags_are_refused(write):
    path = write("easy.yaml", "id: !!python/object/apply:os.system ['true']\n")
    assert errors(path) == [
        f"{path}:1:5: YAML: the tag !!python/object/apply:os.system is not allowed; "
        "only text, numbers, true/false, lists and mappings"
    ]


def test_missing_file_and_folder(tmp_path):
    assert errors(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: file not found"]
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    assert errors(folder) == [f"{folder}: is a folder, not a file"]


TRIAGE_BREAKS = [  # on the suite's own triage (tests/protocols/triage.yaml)
    (
        "{answer: pain_at_rest, at_least: 7}",
        "{answer: pain_now, at_least: 7}",
        'rules[3].when.answer: no question "pain_now" under questions',
    ),
    (
        "{answer: pain_location, is: back_of_knee}",
        "{answer: location, is: back_of_knee}",
        'rules[4].when.all[1].answer: no question "location" under questions',
    ),
    ("when: {flag: lump}", "when: {flag: tingles}", 'rules[5].when.flag: no red flag "tingles"'),
    (
        "{answer: onset, is: sudden}",  # the first: a question's ask_if
        "{answer: onset, is: slowly}",
        'questions[3].ask_if.is: "slowly" is not an answer to onset; expected one of: sudden, '
        "gradual",
    ),
    (
        "{answer: pain_at_rest, at_least: 7}",
        "{answer: onset, at_least: 7}",
        'rules[3].when: "onset" is not a number question',
    ),
    (
        "cautions: [no_massage]\n    sources: [test-source]",
        "cautions: [no_massages]\n    sources: [test-source]",
        'rules[9].cautions[0].caution: no caution "no_massages" under cautions',
    ),
    (
        "when: {always: true}",
        "when: {answer: onset, is: sudden}",
        "the last rule must be `always: true`",
    ),
    (
        "when: {flag_level: emergency}",
        "when: {flag_level: emergency, flag: lump}",
        "rules[0].when: a condition needs exactly one of: answer, flag, flag_level, all, any, always",
    ),
    ("  - id: sitting_hurts", "  - id: onset", 'questions[6].id: "onset" is used twice'),
    (
        "  - id: pain_location\n",
        "  - id: days_again\n    type: number\n    text: Again?\n    role: days_since_onset\n"
        "  - id: pain_location\n",
        "another question has the role days_since_onset",
    ),
    (
        "    disposition: clinician\n    title: Test lump title",
        "    disposition: self_massage\n    title: Test lump title",
        "rules[6].disposition: rules go from most to least urgent: clinician comes after "
        "self_massage (rule lump)",
    ),
    (
        "{answer: risk_factors, includes: clot_before}",
        "{answer: risk_factors, is: clot_before}",
        '"risk_factors" is a checklist question: use includes',
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), TRIAGE_BREAKS)
def test_triage_cross_checks(write, old, new, message):
    text = small_text("triage.yaml")
    assert old in text
    path = write("triage.yaml", text.replace(old, new, 1))
    assert any(message in line for line in errors(path)), errors(path)


def test_rule_after_always_is_unreachable(write):
    catch_all = (
        "  - id: catch-all\n    when: {always: true}\n    disposition: rice\n    because: x\n"
    )
    text = small_text("triage.yaml").replace(
        "  - id: fresh-injury\n", catch_all + "  - id: fresh-injury\n"
    )
    path = write("triage.yaml", text)
    assert any(
        "rules[10]: never reached: the rule before it always holds" in line for line in errors(path)
    )


def test_override_by_id_says_which_file_won(tmp_path, write):
    write("clinic/rice.yaml", small_text("rice.yaml").replace("title: Test", "title: Our"))
    library = Library(protocol_dirs([tmp_path / "clinic"], environ={}))
    entry = library.entries()["rice"]
    assert entry.path == tmp_path / "clinic" / "rice.yaml"
    assert entry.overrides == (bundled_dir() / "rice.yaml",)
    assert library.get("rice").title == "Our guidance"


def test_environment_folders_come_between_bundled_and_command_line(tmp_path):
    dirs = protocol_dirs([tmp_path / "cli"], environ={"HAMSTRING_CARE_PROTOCOLS": "/a:/b"})
    assert [str(d) for d in dirs[1:]] == ["/a", "/b", str(tmp_path / "cli")]


def test_unknown_protocol_lists_the_known_ones(small_library):
    with pytest.raises(UnknownProtocolError) as caught:
        small_library.get("yoga")
    assert caught.value.lines == (
        'no protocol "yoga"; known protocols: quick, rice, roll-and-press, stretch, triage, '
        "waits, walk-and-jog",
    )


def test_missing_protocol_folder(tmp_path):
    with pytest.raises(UnknownProtocolError, match="protocols folder not found"):
        Library([tmp_path / "gone"]).entries()


def changed_copy(tmp_path, name: str, old: str, new: str):
    """A copy of the suite's own protocol folder with one file changed; its library."""
    import shutil

    folder = tmp_path / "clinic"
    shutil.copytree(SMALL, folder)
    text = (folder / name).read_text(encoding="utf-8")
    assert old in text
    (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder, Library([folder])


def test_validate_reports_recommended_protocols_that_are_missing(tmp_path):
    folder, library = changed_copy(
        tmp_path, "triage.yaml", "protocols: [rice]", "protocols: [rice-v2]"
    )
    report = validate_paths(library, [folder])
    assert report.errors == [
        'triage: recommends rice-v2, which cannot be used: no protocol "rice-v2" '
        '(did you mean "rice"?); known protocols: '
        "quick, rice, roll-and-press, stretch, triage, waits, walk-and-jog"
    ]


def test_validate_reports_a_program_stage_playing_what_is_not_a_routine(tmp_path):
    folder, library = changed_copy(
        tmp_path, "walk-and-jog.yaml", "routines: [stretch]", "routines: [rice, yoga]"
    )
    report = validate_paths(library, [folder])
    assert (
        report.errors[0] == "walk-and-jog: stages[0] plays rice, which is guidance, not a routine"
    )
    assert report.errors[1].startswith(
        'walk-and-jog: stages[0] plays yoga, which cannot be used: no protocol "yoga"'
    )
