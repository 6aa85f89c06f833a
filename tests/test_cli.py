"""The command line through Typer's CliRunner, with the prompt adapter replaced."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from hamstring_care import cli, messages
from tests.fakes import ScriptedAsker
from tests.fixtures import CALM, CALM_FILE, FRESH, small_text

KNEE_FILE = CALM_FILE.replace("mid_thigh", "back_of_knee")
"""Self-care with a caution: the pain near the knee."""

runner = CliRunner()


@pytest.fixture
def asker(env):
    def use(answers: dict, **kwargs) -> ScriptedAsker:
        scripted = ScriptedAsker(answers, **kwargs)
        env.prompter = scripted
        return scripted

    return use


def test_version(invoke):
    result = invoke("--version")
    assert result.stdout == "hamstring-care 0.1.0\n"


def test_help_lists_every_command(invoke):
    result = invoke("--help")
    for command in ("start", "triage", "protocols", "--protocols-dir", "--debug", "--version"):
        assert command in result.stdout
    assert "list" in invoke("protocols", "--help").stdout


def test_arguments_read_as_people_write_them_in_help(invoke):
    """cli/app.py adjusts two of Typer's private methods (pyproject bounds Typer to the minor
    release they were written for); if a Typer release moves them, this fails."""
    run = invoke("run", "--help").stdout
    show = invoke("protocols", "show", "--help").stdout
    assert run.startswith("Usage: hamstring-care run [OPTIONS] [ROUTINE]\n")
    assert show.startswith("Usage: hamstring-care protocols show [OPTIONS] ID\n")
    assert "<str>" not in run + show
    assert "{ID}" not in show


def test_triage_json_has_the_documented_shape(write, invoke, small_protocols):
    result = invoke("triage", "--answers", str(write("a.yaml", KNEE_FILE)), "--json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert set(out) == {"disposition", "reasons", "protocols", "cautions", "triage_version"}
    assert out["disposition"] == "self_massage"
    assert out["protocols"] == ["roll-and-press", "stretch"]
    assert out["cautions"] == ["no_knee_crease"]
    assert out["triage_version"] == "0.1.0"
    assert out["reasons"][0]["rule"] == "ready-for-self-care"


def test_triage_reads_json_and_stdin(invoke, small_protocols):
    data = json.dumps({"red_flags": ["numb_saddle"]})
    result = invoke("triage", "--answers", "-", "--json", input=data)
    assert json.loads(result.stdout)["disposition"] == "emergency"


def test_triage_human_output(write, invoke, small_protocols):
    result = invoke("triage", "--answers", str(write("a.yaml", KNEE_FILE)))
    assert result.exit_code == 0
    assert "SELF-CARE: ROUTINE" in result.stdout
    assert "Test caution, off the knee crease." in result.stdout
    assert "Next: hamstring-care protocols show roll-and-press" in result.stdout


def test_bad_answers_one_line_each_on_stderr_nothing_on_stdout(write, invoke, small_protocols):
    path = write(
        "a.yaml",
        CALM_FILE.replace("pain_at_rest: 2", "pain_at_rest: 12").replace(
            "onset: gradual", "onset: slow"
        ),
    )
    result = invoke("triage", "--answers", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{path}:4:8: onset: expected one of: sudden, gradual; got "slow"',
        f"{path}:7:15: pain_at_rest: expected a whole number from 0 to 10, got 12",
    ]


def test_missing_answers(write, invoke, small_protocols):
    path = write("a.yaml", "red_flags: []\nonset: sudden\n")
    result = invoke("triage", "--answers", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{path}:1:1: {qid}: missing answer"
        for qid in ("age", "risk_factors", "felt_pop", "days_since_onset", "pain_location",
                    "pain_at_rest", "can_walk_without_pain")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"red_flags: [\n", "YAML: while parsing a flow"),
        (b"\xff\xfe", "UTF-16 text; save the file as UTF-8"),
        (b"onset: caf\xe9\n", "1:11: not UTF-8 text (byte 0xe9)"),
        (b"", "the file is empty"),
        (b"- a\n", "expected a mapping of answers"),
    ],
)
def test_unreadable_answers(write, content, message, invoke, small_protocols):
    path = write("a.yaml", content)
    result = invoke("triage", "--answers", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.startswith(str(path))


def test_missing_answers_file(tmp_path, invoke, small_protocols):
    result = invoke("triage", "--answers", str(tmp_path / "none.yaml"))
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        f"{tmp_path / 'none.yaml'}: file not found",
    )


def test_guided_flow_reaches_a_result_and_shows_the_routine(asker, invoke, small_protocols):
    scripted = asker({**CALM, "read": True})
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert "Test notice, not a diagnosis." in result.stdout
    assert "SELF-CARE: ROUTINE" in result.stdout
    assert "Roll the thigh" in result.stdout
    assert "Lying stretch" in result.stdout
    assert scripted.asked == [
        "red_flags",
        "age",
        "risk_factors",
        "onset",
        "days_since_onset",
        "pain_location",
        "pain_at_rest",
        "can_walk_without_pain",
        "choose: Before the result, your answers:",
        "confirm: Read the 4 steps of “Roll and press” first?",
        "choose: Which leg hurts?",
        "confirm: Start “Roll and press” now (right leg)?",
        "confirm: Read the 1 step of “Test stretch” first?",
        "confirm: Start “Test stretch” now (right leg)?",
    ]
    assert messages.start_later("hamstring-care", "stretch", "right") in result.stdout


def test_guided_flow_offers_each_routine_in_turn(asker, env, invoke, small_protocols):
    from hamstring_care.history.store import open_history

    scripted = asker({**CALM, "pain_location": "back_of_knee", "confirm": True})
    assert invoke().exit_code == 0
    with open_history(env.history_folder()) as history:
        (check,) = history.triage_results()
        played = [(s.routine_id, s.triage_id) for s in reversed(history.sessions())]
    assert check.cautions == ["no_knee_crease"]
    assert played == [("roll-and-press", check.id), ("stretch", check.id)]
    assert [asked for asked in scripted.asked if asked.startswith("confirm: Start")] == [
        "confirm: Start “Roll and press” now (right leg)?",
        "confirm: Start “Test stretch” now (right leg)?",
    ]


def stop_at_first_routine(env, disposition: str) -> None:
    """Press "s" in the first routine played, then the stop answer that routes to ``disposition``."""
    from tests.fakes import ScriptedKeys

    choices = env.library().triage().stop_check.choices
    digit = str(next(i for i, c in enumerate(choices, 1) if c.disposition == disposition))
    env.keys = ScriptedKeys(env.clock, [(8, "s"), (9, digit)])


def routines_played(stdout: str) -> int:
    return len(re.findall(r"(Done|Played|Stopped[^:]*): \d+ of \d+ steps?", stdout))


@pytest.mark.parametrize("disposition", ["rice", "clinician", "urgent"])
def test_guided_flow_offers_nothing_more_once_it_hurts(
    asker, env, disposition, invoke, small_protocols
):
    stop_at_first_routine(env, disposition)
    scripted = asker({**CALM, "confirm": True})
    result = invoke()
    assert result.exit_code == 0
    assert routines_played(result.stdout) == 1
    assert messages.STOPPED_HURT in result.stdout
    assert not any("Test stretch" in asked for asked in scripted.asked)


def test_guided_flow_carries_on_when_a_stop_says_carry_on(asker, env, invoke, small_protocols):
    from tests.fakes import ScriptedKeys

    carry_on = len(env.library().triage().stop_check.choices)
    env.keys = ScriptedKeys(env.clock, [(8, "s"), (9, str(carry_on))])
    asker({**CALM, "confirm": True})
    result = invoke()
    assert result.exit_code == 0
    assert routines_played(result.stdout) == 2


def test_a_plan_stops_at_the_routine_that_hurt(env, write, invoke, small_protocols):
    stop_at_first_routine(env, "rice")
    plan = write("plan.yaml", "protocols:\n  - id: roll-and-press\n  - id: stretch\n")
    result = invoke("run", "--plan", str(plan))
    assert result.exit_code == 0
    assert routines_played(result.stdout) == 1


@pytest.mark.parametrize("wanted", [True, False])
def test_guided_flow_shows_rice_guidance_in_full_on_request(asker, invoke, wanted, small_protocols):
    scripted = asker({**FRESH, "read": wanted})
    result = invoke("start")
    assert "SELF-CARE: RICE" in result.stdout
    assert "confirm: Read “Test guidance” now?" in scripted.asked
    assert ("Test advice one." in result.stdout) is wanted
    assert messages.read_any_time("hamstring-care", "rice") in result.stdout
    assert "Roll the thigh" not in result.stdout


def test_guided_flow_stops_at_once_on_an_emergency_flag(asker, invoke, small_protocols):
    scripted = asker({"red_flags": ["numb_saddle"]})
    result = invoke()
    assert scripted.asked == ["red_flags"]
    assert "Test emergency title" in result.stdout


def test_guided_flow_asks_about_a_pop_only_after_a_sudden_onset(
    asker, tmp_path, invoke, small_protocols
):
    scripted = asker(FRESH)
    invoke()
    assert scripted.asked[3:6] == ["onset", "felt_pop", "days_since_onset"]
    gradual = asker(CALM)
    invoke("--data-dir", str(tmp_path / "another"))  # a first check, not the way back
    assert gradual.asked[3:5] == ["onset", "days_since_onset"]


def test_guided_flow_asks_sitting_only_for_the_sit_bone(asker, tmp_path, invoke, small_protocols):
    scripted = asker({**CALM, "pain_location": "sit_bone", "sitting_hurts": "yes"})
    result = invoke()
    assert scripted.asked[5:7] == ["pain_location", "sitting_hurts"]
    assert "SEE A CLINICIAN" in result.stdout
    calm = asker(CALM)
    invoke("--data-dir", str(tmp_path / "another"))  # a first check again
    assert calm.asked[5:7] == ["pain_location", "pain_at_rest"]


def test_ctrl_c_says_stopped_and_exits_130(asker, invoke, small_protocols):
    asker(CALM, interrupt_at="pain_at_rest")
    result = invoke()
    assert result.exit_code == 130
    assert result.stderr.strip() == "Stopped."


def test_no_terminal_points_to_answers_files(invoke, small_protocols):
    result = invoke()  # CliRunner's stdin is not a terminal
    assert result.exit_code == 2
    assert "no terminal" in result.stderr
    assert "hamstring-care triage --answers FILE" in result.stderr
    assert result.stdout == ""


def test_internal_errors_hide_details_unless_debug(asker, monkeypatch, invoke, small_protocols):
    asker(CALM)

    def broken(*args, **kwargs):
        raise ValueError("pain_at_rest=2 private")

    monkeypatch.setattr("hamstring_care.flows.check.triage", broken)
    result = invoke()
    assert result.exit_code == 1
    assert "private" not in result.stderr + result.stdout
    assert "internal error (ValueError)" in result.stderr
    with pytest.raises(ValueError):
        invoke("--debug")


def test_protocols_list_and_validate_the_bundled_ones(invoke):
    listed = invoke("protocols", "list").stdout
    for pid in ("triage", "rice", "foam-roller-and-ball", "hamstring-stretch"):
        assert pid in listed
    validated = invoke("protocols", "validate")
    assert validated.exit_code == 0
    assert validated.stdout.endswith("7 files checked: all valid.\n")


def test_protocols_show_a_routine_and_the_triage(invoke, small_protocols):
    shown = invoke("protocols", "show", "stretch").stdout
    assert not set("╭│╰━┃") & set(shown)  # in a pipe: plain text, no box drawing
    # 5 s get-ready, 2 x (3 x 30 s + 2 x 10 s), 5 s switch
    assert "About 4 min for both legs (about 2 min a leg)." in shown
    assert "Dose: 3 holds, 30 s each, 10 s rest" in shown
    assert "Rules (the first that holds decides)" in invoke("protocols", "show", "triage").stdout


def test_protocols_show_unknown(invoke):
    result = invoke("protocols", "show", "yoga")
    assert result.exit_code == 2
    assert result.stderr.startswith('no protocol "yoga"; known protocols:')


def test_validate_a_broken_folder(write, tmp_path, invoke):
    write("bad/rice.yaml", small_text("rice.yaml").replace("kind: guidance", "kind: guide"))
    result = invoke("protocols", "validate", str(tmp_path / "bad"))
    assert result.exit_code == 2
    assert "kind: expected one of 'triage', 'guidance', 'routine' or 'program'" in result.stderr
    assert result.stdout.endswith("1 file checked: 1 with errors, 1 warning.\n")


def test_protocols_dir_overrides_and_says_so(write, tmp_path, monkeypatch, invoke):
    write(
        "clinic/triage.yaml",
        re.sub(
            r'^version: ".*"$', 'version: "9.0"', small_text("triage.yaml"), count=1, flags=re.M
        ),
    )
    path = write("a.yaml", CALM_FILE)
    result = invoke("--protocols-dir", str(tmp_path / "clinic"), "triage", "--answers", str(path))
    assert "(overrides the bundled one)" in result.stdout
    monkeypatch.setenv("HAMSTRING_CARE_PROTOCOLS", str(tmp_path / "clinic"))
    out = json.loads(invoke("triage", "--answers", str(path), "--json").stdout)
    assert out["triage_version"] == "9.0"


def test_broken_override_is_reported_with_its_file(write, tmp_path, invoke):
    write("clinic/triage.yaml", "id: triage\n")
    result = invoke(
        "--protocols-dir",
        str(tmp_path / "clinic"),
        "triage",
        "--answers",
        "-",
        input="red_flags: []",
    )
    assert result.exit_code == 2
    assert "clinic/triage.yaml:1:1: version: required field is missing" in result.stderr


def test_piped_output_is_plain_text_saying_what_the_panel_says(
    write, small_triage, invoke, small_protocols
):
    from rich.console import Console

    from hamstring_care.render import terminal
    from hamstring_care.triage import triage

    result = invoke("triage", "--answers", str(write("a.yaml", KNEE_FILE)))
    assert not set("╭│╰━") & set(result.stdout)
    note, shown = result.stdout.split("\n", 1)  # first, the triage file that is used
    assert note == "Using triage from tests/protocols/triage.yaml (overrides the bundled one)"
    assert shown.startswith("SELF-CARE: ROUTINE\nTest self-care title\n")
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(
        terminal.result_panel(
            triage(small_triage, {**CALM, "pain_location": "back_of_knee"}), small_triage
        )
    )
    panel = console.export_text()
    for line in ("Test caution, off the knee crease.", "Sources", "[1] A source written"):
        assert line in panel
        assert line in shown.replace("\n    ", " ")


def test_not_sure_shows_what_the_user_said(write, invoke, small_protocols):
    answers = (
        CALM_FILE.replace("onset: gradual", "onset: sudden\nfelt_pop: no")
        .replace("days_since_onset: 30", "days_since_onset: 5")
        .replace("can_walk_without_pain: yes", "can_walk_without_pain: not_sure")
    )
    out = invoke("triage", "--answers", str(write("a.yaml", answers))).stdout
    assert 'Can you walk without pain? Not sure (counted as "No, walking hurts")' in out
    assert 'counts as "No, walking hurts", the more careful' in out.replace("\n    ", " ")


def test_protocols_show_in_a_pipe_says_what_the_printed_text_sheet_says(invoke, small_protocols):
    """One content model: `protocols show X` and `print X -f txt` render the same block
    (the sheet adds how often and the command; its sources close the whole sheet)."""
    added = ("Also on your computer:", "Once a day, about", "About ")

    def words(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if not line.startswith(added))

    for pid in ("rice", "roll-and-press"):
        shown = invoke("protocols", "show", pid).stdout.split("\nSOURCES\n")[0]
        shown, _, evidence = shown.partition("\nAbout the evidence:\n")
        printed = invoke("print", pid, "-f", "txt", "-o", "-").stdout
        assert words(shown).strip() in words(printed)
        # What the research found closes the sheet, as it closes the protocol on screen.
        closing = printed.split("\nABOUT THE EVIDENCE\n")[1] if evidence else ""
        assert " ".join(evidence.split()) in " ".join(closing.split())
    assert "Test evidence." in evidence


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (
            "hamstring-care run ",
            ["foam-roller-and-ball", "hamstring-stretch", "lengthening", "nordic"],
        ),
        ("hamstring-care run ham", ["hamstring-stretch"]),
        ("hamstring-care print r", ["rice"]),
        # A folder that cannot be used offers nothing, and TAB still answers (issue 24).
        ("hamstring-care --protocols-dir /nonexistent run ham", ["hamstring-stretch"]),
        (f"hamstring-care --data-dir {'a' * 300} run ham", ["hamstring-stretch"]),
        (
            "hamstring-care protocols show ",
            [
                "back-to-running",
                "foam-roller-and-ball",
                "hamstring-stretch",
                "lengthening",
                "nordic",
                "rice",
                "triage",
            ],
        ),
    ],
)
def test_tab_completes_ids_from_the_folders(words, expected, monkeypatch, capsys):
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(cword))
    monkeypatch.setenv("_HAMSTRING_CARE_COMPLETE", "complete_bash")
    monkeypatch.setattr("sys.argv", ["hamstring-care"])
    with pytest.raises(SystemExit):
        cli.main()
    assert capsys.readouterr().out.split() == expected


COMPLETE_IN_A_FRESH_PROCESS = """
import sys
from hamstring_care import cli
sys.argv = ["hamstring-care"]
try:
    cli.main()
except SystemExit:
    pass
print("pydantic loaded" if "pydantic" in sys.modules else "no pydantic", file=sys.stderr)
"""


def test_tab_completion_loads_no_pydantic(tmp_path):
    """Every TAB runs the program: it answers without Typer's coercion of the values typed
    so far (which loads pydantic), from the folders alone, options before the word kept."""
    import os
    import subprocess
    import sys

    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "my-routine.yaml").write_text("id: my-routine\nkind: routine\n")
    words = f"hamstring-care --protocols-dir {extra} run --side right --count-in 3 my"
    env = {
        **os.environ,
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
        "_HAMSTRING_CARE_COMPLETE": "complete_bash",
    }
    done = subprocess.run(
        [sys.executable, "-c", COMPLETE_IN_A_FRESH_PROCESS],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.split() == ["my-routine"]
    assert done.stderr.strip() == "no pydantic"


RUN_IN_A_FRESH_PROCESS = """
import sys
from hamstring_care import cli
sys.argv = ["hamstring-care", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
print("rich loaded" if "rich" in sys.modules else "no rich", file=sys.stderr)
"""


@pytest.mark.parametrize("args", [[], ["--json"]])
def test_a_check_in_a_pipe_loads_no_rich(write, args, small_protocols):
    """Plain text and JSON need no terminal library: a scripted check starts faster."""
    import subprocess
    import sys

    answers = write("a.yaml", CALM_FILE)
    done = subprocess.run(
        [sys.executable, "-c", RUN_IN_A_FRESH_PROCESS, "triage", "--answers", str(answers), *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "self" in done.stdout.lower()
    assert done.stderr.strip() == "no rich"


def test_tab_completes_plan_files(tmp_path, monkeypatch):
    from hamstring_care.cli.completion import complete_plans

    (tmp_path / "plan.yaml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "plans").mkdir()
    monkeypatch.chdir(tmp_path)
    assert complete_plans("") == ["plan.yaml", "plans/"]
    assert complete_plans("pl") == ["plan.yaml", "plans/"]
    assert complete_plans("plans") == ["plans/"]  # fish: no space after a folder
    # Issue 28: bash added a space after a lone folder ("plans/ "): it now completes the
    # path itself (its -o default), as zsh does (_files).
    for shell in ("complete_bash", "complete_zsh"):
        monkeypatch.setenv("_HAMSTRING_CARE_COMPLETE", shell)
        assert complete_plans("plans") == []
        assert complete_plans("pl") == ["plan.yaml", "plans/"]


def test_practice_is_marked_once_with_a_legend_and_never_on_emergency_advice(
    write, invoke, small_protocols, small_triage
):
    calm = invoke("triage", "--answers", str(write("a.yaml", CALM_FILE))).stdout
    assert "†" in calm and "† Clinic practice, not research evidence." in calm
    assert calm.count("† Clinic practice, not research evidence.") == 1
    emergency = CALM_FILE.replace("red_flags: []", "red_flags: [numb_saddle]")
    urgent = invoke("triage", "--answers", str(write("e.yaml", emergency))).stdout
    assert urgent.splitlines()[1] == "EMERGENCY"  # after the line naming the triage file
    assert any(i.practice for i in small_triage.dispositions.emergency.advice)  # and yet:
    assert "†" not in urgent and "practice" not in urgent.lower()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["run", "foam-roller-and-ball", "--side", "rigth"],
            "hamstring-care run: --side must be both, right or left, not 'rigth' "
            "(did you mean 'right'?) (see hamstring-care run --help)",
        ),
        (
            ["print", "rice", "-f", "docx"],
            "hamstring-care print: --format must be pdf, html, md, txt or summary, not 'docx' "
            "(see hamstring-care print --help)",
        ),
    ],
)
def test_a_wrong_choice_is_said_in_our_words(args, line, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["hamstring-care", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip() == line


def test_panels_stop_growing_at_100_columns(small_triage):
    from rich.console import Console

    from hamstring_care.render import terminal
    from hamstring_care.triage import triage

    console = Console(width=160, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(terminal.result_panel(triage(small_triage, CALM), small_triage))
    assert max(len(line.rstrip()) for line in console.export_text().splitlines()) == 100


def test_hints_name_the_command_as_it_was_run(write, invoke, monkeypatch, small_protocols):
    """Run from a clone with `uv run`, the hints say `uv run hamstring-care ...`."""
    answers = str(write("a.yaml", CALM_FILE))
    installed = invoke("triage", "--answers", answers).stdout
    assert "\nNext: hamstring-care protocols show roll-and-press" in installed
    assert "uv run" not in installed
    monkeypatch.setenv("UV_RUN_RECURSION_DEPTH", "1")
    cloned = invoke("triage", "--answers", answers).stdout
    assert "\nNext: uv run hamstring-care protocols show roll-and-press" in cloned


def test_an_answer_can_be_changed_before_the_result(asker, invoke, small_protocols):
    """The review lists the answers; changing one asks it again, and what now applies."""
    scripted = asker(
        {
            **CALM,
            "review": ["can_walk_without_pain"],
            "changed": {"can_walk_without_pain": "no"},
        }
    )
    result = invoke()
    assert result.exit_code == 0, result.stderr
    reviews = [a for a in scripted.asked if a.startswith("choose: Before the result")]
    assert len(reviews) == 2  # listed, changed, listed again
    assert scripted.asked.count("can_walk_without_pain") == 2
    assert "SELF-CARE: RICE" in result.stdout  # walking hurts now: not the routine


def test_no_review_holds_up_an_emergency(asker, invoke, small_protocols):
    scripted = asker({**CALM, "red_flags": ["numb_saddle"]})
    result = invoke()
    assert "EMERGENCY" in result.stdout
    assert not any(a.startswith("choose: Before the result") for a in scripted.asked)


def test_esc_steps_back_to_the_question_before(asker, invoke, small_protocols):
    """Back from "walk" asks the pain at rest again, then goes on."""
    from hamstring_care.asking import BACK

    scripted = asker(CALM)
    answers = iter([BACK])

    original = scripted.question

    def question(q):
        if q.id == "can_walk_without_pain" and scripted.asked.count(q.id) == 0:
            scripted.asked.append(q.id)
            return next(answers)
        return original(q)

    scripted.question = question
    assert invoke().exit_code == 0
    asked = [a for a in scripted.asked if not a.startswith(("choose", "confirm", "pain:"))]
    assert asked[-4:] == [
        "pain_at_rest",
        "can_walk_without_pain",
        "pain_at_rest",
        "can_walk_without_pain",
    ]


def test_esc_while_changing_an_answer_keeps_it(asker, invoke, small_protocols):
    from hamstring_care.asking import BACK

    scripted = asker({**CALM, "review": ["pain_at_rest"]})
    original = scripted.question

    def question(q):
        if q.id == "pain_at_rest" and scripted.asked.count(q.id) == 1:
            scripted.asked.append(q.id)
            return BACK
        return original(q)

    scripted.question = question
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert "SELF-CARE: ROUTINE" in result.stdout and "__back__" not in result.stdout


def test_hints_under_errors_and_in_history_name_the_command_as_run(
    asker, invoke, monkeypatch, capsys, small_protocols
):
    """Issue 28: under `uv run`, the hint under a usage error, history's footer, the hint
    for an unreadable history row all said plain `hamstring-care`."""
    monkeypatch.setenv("UV_RUN_RECURSION_DEPTH", "1")
    monkeypatch.setattr("sys.argv", ["hamstring-care", "run", "--sid", "right"])
    with pytest.raises(SystemExit):
        cli.main()
    err = capsys.readouterr().err.strip()
    assert err.startswith("hamstring-care run: No such option: --sid")
    assert err.endswith("(see uv run hamstring-care run --help)")
    asker(CALM)
    invoke()
    listed = " ".join(invoke("history").stdout.split())
    assert "Trend: uv run hamstring-care history chart" in listed
    from hamstring_care.history.store import command_name

    assert command_name() == "uv run hamstring-care"  # the store's own hints


def test_a_self_care_result_for_a_sudden_strain_offers_back_to_running(asker, invoke):
    """Issue 28: the check never mentioned back to running. After a self-care result for a
    sudden strain it names the program and the command that starts it; a gradual pain, or
    a program already under way, gets no such line."""
    sudden = {**CALM, "onset": "sudden", "felt_pop": "no", "trend": "better"}
    sudden.update({"back_pain": "no", "strained_before": "no", "can_rise_without_pain": "yes"})
    asker(sudden)
    result = invoke()
    assert result.exit_code == 0, result.stderr
    assert "SELF-CARE: ROUTINE" in result.stdout
    said = " ".join(result.stdout.split())
    offered = messages.back_to_running("Back to running", "hamstring-care", "back-to-running")
    assert offered in said
    assert invoke("program", "start").exit_code == 0
    asker(sudden)
    assert offered not in " ".join(invoke().stdout.split())  # one is under way


def test_bash_completes_a_plan_folder_without_a_space(tmp_path):
    """Issue 28, in a real bash: `run --plan pl<TAB>` gave "plans/ ", ending the word."""
    import sys
    from pathlib import Path

    import pexpect

    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "mine.yaml").write_text("")
    bin_dir = str(Path(sys.executable).parent)  # where hamstring-care is installed
    environ = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "dumb",
               "PS1": "$ ", "INPUTRC": "/dev/null"}  # fmt: skip
    shell = pexpect.spawn("bash", ["--norc", "--noprofile"], cwd=str(tmp_path), env=environ,
                          encoding="utf-8", timeout=20)  # fmt: skip
    shell.sendline('eval "$(hamstring-care --show-completion bash)"; echo ready')
    shell.expect("ready")
    shell.send("hamstring-care run --plan pl\t")
    shell.send("\t")  # a second TAB: the folder's YAML files, right after the slash
    shell.send("\x01echo \r")  # Ctrl-A, then echo the line rather than run it
    shell.expect(r"--plan (\S*)\s*\r\n")
    assert shell.match.group(1) == "plans/mine.yaml"
    shell.sendline("exit")
    shell.close()


@pytest.mark.parametrize("group", ["protocols", "plan", "program"])
def test_a_group_named_without_its_command_shows_its_help_plainly(group, monkeypatch, capsys):
    """Its help as help (it was one red "mistake" line wrapped round the whole help text)."""
    import sys

    from hamstring_care import cli

    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    monkeypatch.setattr(sys, "argv", ["hamstring-care", group])
    with pytest.raises(SystemExit) as stop:
        cli.main()
    assert stop.value.code == 2
    shown = capsys.readouterr().err
    assert shown.startswith(f"Usage: hamstring-care {group} [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nCommands:\n" in shown
    assert "(see " not in shown and f"hamstring-care {group}: " not in shown


def test_after_a_stop_the_way_back_is_said_as_a_sentence():
    """Not "...allows them: hamstring-care." (the command read as the end of a sentence)."""
    said = messages.no_more_routines("hamstring-care", ["rice"])
    assert said.startswith(
        "No more routines until a new check allows them (start one with hamstring-care). "
    )
    assert said.endswith("hamstring-care advice and hamstring-care protocols show rice")
