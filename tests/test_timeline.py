"""The pure timeline: steps x sides x repeats into timed segments."""

from __future__ import annotations

from hamstring_care.player.timeline import build, next_up, total_seconds
from tests.fixtures import step

STRETCH = [step("30s", per_side=True, repeat=3, rest="10s", title="Stretch", method="stretch")]
ROLL_AND_PRESS = [
    step("60s", per_side=True, title="Roll"),
    step("10-20s", per_side=True, repeat=3, title="Press"),
]


def kinds(segments):
    return [(s.kind, s.step_no, s.side, s.rep, s.seconds) for s in segments]


def test_stretch_both_legs_with_rests():
    segments = build(STRETCH, count_in=5)
    assert kinds(segments) == [
        ("get_ready", 1, "right", 1, 5),
        ("work", 1, "right", 1, 30),
        ("rest", 1, "right", 2, 10),
        ("work", 1, "right", 2, 30),
        ("rest", 1, "right", 3, 10),
        ("work", 1, "right", 3, 30),
        ("switch_sides", 1, "left", 1, 5),
        ("work", 1, "left", 1, 30),
        ("rest", 1, "left", 2, 10),
        ("work", 1, "left", 2, 30),
        ("rest", 1, "left", 3, 10),
        ("work", 1, "left", 3, 30),
    ]
    assert total_seconds(segments) == 5 + 2 * (3 * 30 + 2 * 10) + 5


def test_switching_legs_takes_the_count_in_and_at_least_a_second():
    assert [s.seconds for s in build(STRETCH, count_in=8) if s.kind == "switch_sides"] == [8]
    assert [s.seconds for s in build(STRETCH, count_in=0) if s.kind == "switch_sides"] == [1]


def test_one_side_only_and_no_count_in():
    segments = build(STRETCH, sides="left", count_in=0)
    assert {s.side for s in segments} == {"left"}
    assert [s.kind for s in segments] == ["work", "rest", "work", "rest", "work"]


def test_ranges_count_to_the_maximum_and_hold_overrides_them():
    spot = [s for s in build(ROLL_AND_PRESS) if s.step_no == 2 and s.kind == "work"]
    assert [(s.min_seconds, s.seconds, s.is_range) for s in spot] == [(10, 20, True)] * 6
    fixed = [s for s in build(ROLL_AND_PRESS, hold=25) if s.kind == "work"]
    assert {(s.min_seconds, s.seconds) for s in fixed if s.step_no == 2} == {(25, 25)}
    assert {s.seconds for s in fixed if s.step_no == 1} == {60}  # fixed holds stay


def test_describe_and_next_up():
    segments = build(ROLL_AND_PRESS)
    assert segments[1].describe() == "Right leg: Roll, 60 s"
    assert segments[5].describe() == "Right leg: Press (1 of 3), 10-20 s"
    assert next_up(segments, 1).describe() == "Left leg: Roll, 60 s"
    assert next_up(segments, len(segments) - 1) is None
