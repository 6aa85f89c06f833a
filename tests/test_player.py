"""The player loop on a fake clock with scripted keys: no real time passes."""

from __future__ import annotations

import pytest

from hamstring_care.player.engine import Player
from hamstring_care.player.timeline import build, total_seconds
from tests.fakes import FakeClock, RecordingCues, RecordingView, ScriptedKeys
from tests.fixtures import step


def play(segments, script=(), hurts=None, quit_answer=True):
    clock = FakeClock()
    keys = ScriptedKeys(clock, list(script))
    view, cues = RecordingView(), RecordingCues()
    player = Player(
        segments,
        clock=clock,
        keys=keys,
        view=view,
        cues=cues,
        ask_hurts=lambda: hurts,
        confirm_quit=lambda: quit_answer,
    )
    outcome = player.run()
    return outcome, view, cues, keys


def test_plays_every_segment_in_planned_time():
    steps = [
        step("60s", per_side=True, title="Roll"),
        step("10-20s", per_side=True, repeat=3, title="Press"),
        step("10-20s", repeat=2, title="Once"),
    ]
    segments = build(steps)
    outcome, view, cues, _ = play(segments)
    assert outcome.segments_completed == len(segments)
    assert outcome.elapsed_seconds == pytest.approx(total_seconds(segments), abs=1e-6)
    assert view.events[0] == "Right leg: Get ready: Roll, 5 s"
    assert "Switch sides: left leg next, 5 s" in view.events
    assert cues.cues.count("range minimum") == 8  # 3 range holds on each leg, then 2


def test_no_drift_over_an_hour_and_refresh_at_most_once_a_second():
    segments = build([step("10-20s", per_side=True, repeat=45)] * 2, count_in=5)
    planned = total_seconds(segments)
    assert planned >= 3600
    outcome, view, _, keys = play(segments)
    assert abs(outcome.elapsed_seconds - planned) < 0.020
    assert len(view.frames) <= planned + len(segments)  # one frame a second at most
    assert keys.waits <= planned + 2 * len(segments)


def test_countdown_frames():
    _outcome, view, _, _ = play(build([step("3s")], count_in=0))
    assert [f.seconds_left for f in view.frames] == [3, 2, 1]
    assert [f.routine_left for f in view.frames] == [3, 2, 1]


def test_pause_adds_its_time_and_a_count_in():
    segments = build([step("10s")], count_in=0)
    outcome, view, _, _ = play(segments, [(4, " "), (20, " ")])
    assert outcome.paused_seconds == pytest.approx(16 + 3)
    assert outcome.elapsed_seconds == pytest.approx(10 + 16 + 3)
    assert "Paused. Space to resume." in view.events
    assert "Resuming in 3..." in view.events


def test_next_and_back():
    segments = build([step("10s", title="A"), step("10s", title="B")], count_in=0)
    outcome, view, _, _ = play(segments, [(2, "n"), (3, "b"), (3.5, "b")])
    # n skips A at 2 s; b at 3 s (1 s into B) goes back to A; b again 0.5 s in: still A (first)
    assert outcome.segments_completed == 2
    assert outcome.elapsed_seconds == pytest.approx(3.5 + 10 + 10)
    starts = [e for e in view.events if e.startswith(("A", "B"))]
    assert starts == ["A, 10 s", "B, 10 s", "A, 10 s", "A, 10 s", "B, 10 s"]


def test_back_restarts_a_segment_well_under_way():
    segments = build([step("10s")], count_in=0)
    outcome, _, _, _ = play(segments, [(6, "left")])
    assert outcome.elapsed_seconds == pytest.approx(16)


def test_longer_and_shorter():
    segments = build([step("10s")], count_in=0)
    outcome, _, _, _ = play(segments, [(1, "+"), (2, "+")])
    assert (outcome.elapsed_seconds, outcome.holds_extended) == (pytest.approx(20), 1)
    outcome, _, _, _ = play(segments, [(1, "+"), (2, "-"), (3, "-")])  # the net: shorter
    assert (outcome.elapsed_seconds, outcome.holds_extended) == (pytest.approx(5), 0)
    outcome, _, _, _ = play(segments, [(1, "-")])
    assert outcome.elapsed_seconds == pytest.approx(5)
    outcome, _, _, _ = play(segments, [(8, "-")])  # never less than 1 s from now
    assert outcome.elapsed_seconds == pytest.approx(9)


def test_range_hold_moves_on_with_enter_only_after_the_minimum():
    segments = build([step("10-20s")], count_in=0)
    outcome, view, cues, _ = play(segments, [(5, "enter"), (12, "enter")])
    assert outcome.elapsed_seconds == pytest.approx(12)
    assert "Move on when the tenderness eases (Enter)." in view.events
    assert cues.cues == ["segment work", "range minimum"]
    assert [f.range_reached for f in view.frames][9:11] == [False, True]


def test_enter_skips_a_get_ready_but_not_a_fixed_hold():
    segments = build([step("10s")], count_in=5)
    outcome, _, _, _ = play(segments, [(1, "enter"), (3, "enter")])
    assert outcome.elapsed_seconds == pytest.approx(1 + 10)


def test_stop_it_hurts_ends_with_advice():
    segments = build([step("10s"), step("10s")], count_in=0)
    outcome, view, _, _ = play(segments, [(4, "s")], hurts="clinician")
    assert (outcome.stopped_early, outcome.stop_reason, outcome.stop_disposition) == (
        True,
        "hurts",
        "clinician",
    )
    assert outcome.segments_completed == 0
    assert "Stopped: it hurts." in view.events


def test_stop_it_hurts_then_carry_on():
    segments = build([step("10s")], count_in=0)
    outcome, _, _, _ = play(segments, [(4, "s")], hurts=None)
    assert not outcome.stopped_early
    assert outcome.elapsed_seconds == pytest.approx(10 + 3)  # the resume count-in


def test_quit_after_confirmation_or_not():
    segments = build([step("10s")], count_in=0)
    outcome, _, _, _ = play(segments, [(4, "q")], quit_answer=True)
    assert (outcome.stopped_early, outcome.stop_reason) == (True, "quit")
    assert outcome.elapsed_seconds == pytest.approx(4)
    outcome, _, _, _ = play(segments, [(4, "q")], quit_answer=False)
    assert not outcome.stopped_early
    assert outcome.segments_completed == 1


def test_ctrl_c_is_an_interrupt():
    with pytest.raises(KeyboardInterrupt):
        play(build([step("10s")], count_in=0), [(2, "c-c")])


def test_resuming_is_cleared_once_the_routine_runs_again():
    """After a pause, "Resuming in 1..." must not stay on screen while the clock runs."""
    clock = FakeClock()
    view = RecordingView()
    player = Player(
        build([step("30s", per_side=True, repeat=3, rest="10s")], sides="left"),
        clock=clock,
        keys=ScriptedKeys(clock, [(7, " "), (8, " ")]),
        view=view,
        cues=RecordingCues(),
        ask_hurts=lambda: None,
        confirm_quit=lambda: False,
    )
    player.run()
    resumed = max(i for i, e in enumerate(view.events) if e.startswith("Resuming in"))
    assert view.events[resumed + 1] == "(cleared)"


def test_enter_before_the_range_minimum_says_how_long_is_left():
    steps = [step("10-20s", per_side=True, repeat=3)]
    clock = FakeClock()
    view = RecordingView()
    # count-in 0; the range hold's minimum is 10 s: Enter at 4 s is 6 s early
    Player(
        build(steps, sides="left", count_in=0),
        clock=clock,
        keys=ScriptedKeys(clock, [(4, "enter"), (12, "enter"), (24, "enter"), (36, "enter")]),
        view=view,
        cues=RecordingCues(),
        ask_hurts=lambda: None,
        confirm_quit=lambda: False,
    ).run()
    assert "Hold on: 6 s to go before you can move on." in view.events
