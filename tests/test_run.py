"""The `run` command: errors, plain mode, and a session result from a fake clock."""

from __future__ import annotations

import contextlib
import io
from dataclasses import asdict

import pytest
from rich.console import Console
from typer.testing import CliRunner

from hamstring_care import messages
from hamstring_care.flows.session import RunOptions
from hamstring_care.player.engine import KEY_LIST
from tests.conftest import ROOT
from tests.fakes import FakeClock, RecordingCues, RecordingView, ScriptedKeys
from tests.fakes import play_on_fakes as run_routine
from tests.fixtures import step

runner = CliRunner()
QUICK = str(ROOT / "tests" / "protocols")


def test_unknown_routine_lists_the_routines(invoke):
    result = invoke("run", "yoga")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == 'no routine "yoga"; routines: foam-roller-and-ball, hamstring-stretch, lengthening, nordic'
    )


def test_guidance_is_not_a_routine(invoke):
    result = invoke("run", "rice")
    assert result.exit_code == 2
    assert result.stderr.startswith('"rice" is guidance, not a routine; routines:')


def test_hold_out_of_range_is_a_usage_error(invoke):
    assert invoke("run", "hamstring-stretch", "--hold", "0").exit_code == 2


def test_plain_mode_when_piped_one_line_per_event(invoke):
    result = invoke("--protocols-dir", QUICK, "run", "quick", "--count-in", "0", "--no-sound")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        KEY_LIST,  # once, before the first segment
        "Right leg: Roll quickly, 1 s",
        "  How: Roll.",
        "  Cue: Roll on.",
        "Switch sides: left leg next, 1 s",
        "Left leg: Roll quickly, 1 s",
        "Press a spot, 1-2 s",
        "  How: Press.",
        "Move on when the tenderness eases (Enter).",
        messages.session_summary("2 of 2 steps", "0:05"),
    ]
    assert "\x1b" not in result.stdout and "\a" not in result.stdout


def test_session_result_with_pain_scores(small_library, small_triage):
    clock = FakeClock()
    keys = ScriptedKeys(clock, [(7, "+")])
    view = RecordingView()
    pains = iter([5, 3])
    console = Console(file=io.StringIO(), width=80)
    result = run_routine(
        small_library.get("stretch"),
        small_triage,
        [],
        RunOptions(side="left"),
        console,
        lambda _text: next(pains),
        keys=keys,
        cues=RecordingCues(),
        view=view,
        clock=clock,
    )
    data = asdict(result)
    assert data["routine_id"] == "stretch"
    assert data["routine_version"] == "0.1.0"
    assert (data["side"], data["pain_before"], data["pain_after"]) == ("left", 5, 3)
    assert (data["segments_total"], data["segments_completed"]) == (6, 6)
    assert data["holds_extended"] == 1
    assert data["elapsed_seconds"] == 5 + 3 * 30 + 2 * 10 + 5
    assert not data["stopped_early"]
    said = messages.session_summary("1 of 1 step", "2:00", longer=1, pain=(5, 3))
    assert said in console.file.getvalue()


def test_stop_it_hurts_shows_the_advice(small_library, small_triage):
    clock = FakeClock()
    keys = ScriptedKeys(clock, [(8, "s"), (9, "2")])
    console = Console(file=io.StringIO(), width=80)
    result = run_routine(
        small_library.get("roll-and-press"),
        small_triage,
        [],
        RunOptions(),
        console,
        lambda _text: None,
        keys=keys,
        cues=RecordingCues(),
        view=RecordingView(),
        clock=clock,
    )
    assert (result.stop_reason, result.stop_disposition) == ("hurts", "clinician")
    out = console.file.getvalue()
    assert messages.STOPPED_HURT in out
    assert "Test clinician title" in out


def test_cautions_tailor_the_routine(small_library, small_triage):
    clock = FakeClock()
    view = RecordingView()
    run_routine(
        small_library.get("roll-and-press"),
        small_triage,
        ["no_ball_on_sit_bone"],
        RunOptions(side="right", count_in=0),
        Console(file=io.StringIO()),
        lambda _text: None,
        keys=ScriptedKeys(clock, []),
        cues=RecordingCues(),
        view=view,
        clock=clock,
    )
    assert not any("Ball on the sit bone" in e for e in view.events)
    assert any("Near the knee" in e for e in view.events)


def test_speech_starts_without_waiting_and_says_the_segment(tmp_path):
    """The speech command is started, not waited for (it would hold up the timer), and the
    next cue cuts it short rather than talking over it."""
    import io as _io
    import os
    import signal
    import time

    from hamstring_care.player.terminal import TerminalCues, spoken
    from hamstring_care.player.timeline import build

    speaker = tmp_path / "speak"
    speaker.write_text(
        f'#!/bin/sh\necho $$ >> {tmp_path / "pids"}\necho "$1" >> {tmp_path / "said"}\n'
        "exec sleep 30\n"
    )
    speaker.chmod(0o755)

    def wait_until(state, what: str):
        for _ in range(1000):  # a state to wait for, not a time bound: up to 20 s
            if found := state():
                return found
            time.sleep(0.02)
        raise AssertionError(what)

    def wait_for_lines(name: str, count: int) -> list[str]:
        path = tmp_path / name

        def written() -> list[str] | None:
            lines = path.read_text().splitlines() if path.exists() else []
            return lines if len(lines) >= count else None

        return wait_until(written, f"the speech command never wrote {name}")

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return not os.waitpid(pid, os.WNOHANG)[0]

    out = _io.StringIO()
    cues = TerminalCues(out, sound=True, speech=str(speaker))
    segment = build([step("60s", per_side=True, title="Roll the back of the thigh")])[1]
    cues.segment(segment)  # returns while the speaker still talks (its 30 s sleep)
    assert out.getvalue() == "\a"
    first = int(wait_for_lines("pids", 1)[0])
    try:
        assert alive(first)
        assert wait_for_lines("said", 1) == [spoken(segment)]
        cues.range_minimum(segment)
        second = int(wait_for_lines("pids", 2)[1])
        wait_until(lambda: not alive(first), "the next cue did not cut the speech short")
        os.kill(second, signal.SIGKILL)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(first, signal.SIGKILL)
    assert spoken(segment) == "Right leg. Roll the back of the thigh. 60 seconds."


def test_voice_without_a_speech_command_says_so(small_library, small_triage, monkeypatch):
    monkeypatch.setattr("hamstring_care.player.terminal.find_speech", lambda: None)
    clock = FakeClock()
    console = Console(file=io.StringIO(), width=100)
    run_routine(
        small_library.get("stretch"),
        small_triage,
        [],
        RunOptions(voice=True, side="left"),
        console,
        lambda _text: None,
        keys=ScriptedKeys(clock, []),
        cues=RecordingCues(),
        view=RecordingView(),
        clock=clock,
    )
    assert messages.NO_SPEECH in console.file.getvalue()


@pytest.mark.parametrize(
    ("script", "quits"),
    [
        ([(3, "q"), (4, "q")], True),  # q again quits
        ([(3, "q"), (4, "y")], True),
        ([(3, "q"), (4, "enter")], False),  # Enter carries on
        ([(3, "q"), (4, "n")], False),
        ([(3, "q"), (4, "escape")], False),
        ([(3, "s"), (4, "escape")], False),  # Esc on the stop check carries on too
    ],
)
def test_quit_and_stop_questions_take_the_keys_people_press(
    small_library, small_triage, script, quits
):
    clock = FakeClock()
    result = run_routine(
        small_library.get("stretch"),
        small_triage,
        [],
        RunOptions(side="left"),
        Console(file=io.StringIO(), width=80),
        lambda _text: None,
        keys=ScriptedKeys(clock, script),
        cues=RecordingCues(),
        view=RecordingView(),
        clock=clock,
    )
    assert result.stopped_early is quits
    assert result.segments_completed == (0 if quits else result.segments_total)


def test_skipped_parts_are_not_done(tmp_path, small_library, small_triage):
    """Pressing n through every part says "Played ..., skipped", here and in the history."""
    from hamstring_care.history.log import ProgressLog
    from hamstring_care.history.view import session_outcome

    clock = FakeClock()
    log = ProgressLog.open(tmp_path, pytest.fail)
    console = Console(file=io.StringIO(), width=100)
    routine = small_library.get("stretch")
    script = [(1 + i, "n") for i in range(5)]  # the get-ready, then five parts passed over
    result = run_routine(
        routine, small_triage, [], RunOptions(side="left"), console, lambda _t: None,
        keys=ScriptedKeys(clock, script), cues=RecordingCues(), view=RecordingView(),
        clock=clock, recorder=log.recorder(),
    )  # fmt: skip
    assert (result.segments_completed, result.segments_skipped) == (1, 5)
    assert "Played 0 of 1 step, 1 skipped, in 0:" in console.file.getvalue()
    (saved,) = log.history.sessions()
    log.close()
    assert saved.segments_skipped == 5
    assert session_outcome(saved).startswith("Played 0 of 1 step, 1 skipped, 0:")


def test_a_mistyped_id_gets_a_suggestion(invoke):
    run = invoke("run", "foam-roler")
    assert run.exit_code == 2
    assert run.stderr.startswith('no routine "foam-roler" (did you mean "foam-roller-and-ball"?);')
    shown = invoke("protocols", "show", "rise")
    assert shown.stderr.startswith('no protocol "rise" (did you mean "rice"?); known protocols:')


def test_plain_mode_says_everything_in_plain_lines(small_library, small_triage):
    """For a screen reader: each step's instruction and cue, the stop question and the
    advice after it, all plain lines, no box drawing."""
    from hamstring_care.player.view import PlainView

    clock = FakeClock()
    out = io.StringIO()
    console = Console(file=out, width=80)
    run_routine(
        small_library.get("roll-and-press"), small_triage, [], RunOptions(plain=True),
        console, lambda _t: None, keys=ScriptedKeys(clock, [(8, "s"), (9, "2")]),
        cues=RecordingCues(), view=PlainView(out), clock=clock,
    )  # fmt: skip
    text = out.getvalue()
    routine = small_library.get("roll-and-press")
    assert f"  How: {routine.steps[0].instruction}" in text
    assert f"  Cue: {routine.steps[0].cue}" in text
    assert small_triage.stop_check.prompt in text
    assert "Test clinician title" in text
    assert not set("╭│╰━┃─") & set(text)


def test_a_plan_of_two_asks_pain_once_between_them_and_counts_the_whole_plan(env, write, invoke):
    """Routine 1 of 2 / 2 of 2, one pain question between them, "All" the whole plan."""
    from tests.fakes import PainAsker

    env.prompter = PainAsker([5, 4, 3])
    plan = write(
        "plan.yaml",
        "protocols:\n  - id: quick\n    side: left\n  - id: stretch\n    side: right\n",
    )
    result = invoke("--protocols-dir", QUICK, "run", "--plan", str(plan), "--count-in", "0")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert messages.routine_of(1, 2, "Quick test routine") in out
    assert messages.routine_of(2, 2, "Test stretch") in out
    assert out.count("Pain 5 -> 4") == 1 and out.count("Pain 4 -> 3") == 1
    asked = env.prompter.asked
    assert [a for a in asked if a.startswith("pain")] == [
        "pain: Before you start: pain now, 0 (none) to 10 (worst)? Enter to skip",
        "pain: How is the pain now, 0 to 10, before the next routine? Enter to skip",
        "pain: How is the pain now, 0 to 10? Enter to skip",
    ]


def test_the_whole_routine_bar_counts_the_plan():
    from hamstring_care.player.engine import Player
    from hamstring_care.player.timeline import build

    clock = FakeClock()
    view = RecordingView()
    segments = build([step("30s", per_side=True, repeat=3, rest="10s")], sides="left", count_in=0)
    Player(
        segments, clock=clock, keys=ScriptedKeys(clock, []), view=view, cues=RecordingCues(),
        ask_hurts=lambda: None, confirm_quit=lambda: False, around=(100, 50),
    ).run()  # fmt: skip
    first = view.frames[0]
    assert first.routine_total == 100 + first.routine_left  # 50 after, and this routine's
    assert first.routine_left == 50 + sum(s.seconds for s in segments)


def test_a_stop_in_the_count_in_is_no_step_done(tmp_path, library, triage_protocol):
    """Issue 28: "Stopped because it hurt: 1 of 17 parts done" when only the 5 s get-ready
    had run; parts counted the count-ins. Steps are counted, and no hold played is no
    exercise: the session is saved as such."""
    from hamstring_care.history.log import ProgressLog

    clock = FakeClock()
    log = ProgressLog.open(tmp_path, pytest.fail)
    console = Console(file=io.StringIO(), width=100)
    stop = str(next(i for i, c in enumerate(triage_protocol.stop_check.choices, 1)
                    if c.disposition == "rice"))  # fmt: skip
    result = run_routine(
        library.get("foam-roller-and-ball"), triage_protocol, [], RunOptions(side="right"),
        console, lambda _t: None, keys=ScriptedKeys(clock, [(6, "s"), (7, stop)]),
        cues=RecordingCues(), view=RecordingView(), clock=clock, recorder=log.recorder(),
    )  # fmt: skip
    assert result.segments_completed == 1  # the get-ready
    said = messages.session_summary("0 of 6 steps done", "0:07", stopped="hurts")
    assert said in console.file.getvalue()
    (saved,) = log.history.sessions()
    log.close()
    assert (saved.steps_total, saved.steps_done, saved.holds_done) == (6, 0, 0)
    assert not saved.exercised


def test_steps_count_each_step_once_whatever_its_holds_and_legs(library):
    """A step is done when every one of its holds was played, on each leg."""
    from hamstring_care.player.timeline import build, step_counts

    segments = build(library.get("hamstring-stretch").steps, sides="both")
    holds = [i for i, s in enumerate(segments) if s.kind == "work"]
    everything = range(len(segments))
    assert step_counts(segments, everything, ()).done == 1
    half = step_counts(segments, [0, *holds[:3]], ())
    assert (half.total, half.done, half.holds_done) == (1, 0, 3)
    passed = step_counts(segments, [0], [holds[0]])
    assert (passed.done, passed.skipped, passed.holds_done) == (0, 1, 0)


def test_ctrl_c_saves_the_time_played_up_to_it(tmp_path, library, triage_protocol):
    """Issue 28: "Interrupted (Ctrl-C): 1 of 17 parts, 0:05" for a routine stopped about
    34 s in: the time saved was the last part's end, not the moment of Ctrl-C."""
    from hamstring_care.history.log import ProgressLog

    clock = FakeClock()
    log = ProgressLog.open(tmp_path, pytest.fail)
    with pytest.raises(KeyboardInterrupt):
        run_routine(
            library.get("foam-roller-and-ball"), triage_protocol, [], RunOptions(side="right"),
            Console(file=io.StringIO(), width=100), lambda _t: None,
            keys=ScriptedKeys(clock, [(34, "c-c")]), cues=RecordingCues(),
            view=RecordingView(), clock=clock, recorder=log.recorder(),
        )  # fmt: skip
    (saved,) = log.history.sessions()
    log.close()
    assert saved.stop_reason == "interrupted"
    assert saved.elapsed_seconds == pytest.approx(34)
    assert (saved.steps_done, saved.holds_done) == (0, 0)  # 60 s the first hold: not over


def test_hands_free_names_no_key(tmp_path):
    """Issue 28: with no keyboard (input not a terminal) the routine runs hands-free, yet
    said "Move on when the tenderness eases (Enter)"."""
    import os
    import subprocess
    import sys

    ran = subprocess.run(
        [sys.executable, "-m", "hamstring_care", "--protocols-dir", QUICK, "run", "quick",
         "--count-in", "0", "--no-sound"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": str(tmp_path), "HAMSTRING_CARE_SPEED": "20"},
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert "(Enter)" not in ran.stdout and "Press Enter" not in ran.stdout
    assert "The tenderness may ease now: the hold runs on to its end." in ran.stdout
