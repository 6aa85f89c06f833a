"""The triage engine's mechanics on the suite's own small triage (tests/protocols/triage.yaml):
answers parsed, three-valued rules, "not sure", cautions gathered, routines tailored.

What the bundled triage decides for each clinical case is tests/test_triage.py's table.
"""

from __future__ import annotations

import pytest

from hamstring_care.errors import IncompleteAnswersError
from hamstring_care.tailoring import tailor
from hamstring_care.triage import decide, missing_answers, parse_answers, triage
from tests.fixtures import CALM, FRESH


def test_yaml_booleans_count_as_yes_and_no(small_triage):
    answers, problems = parse_answers(small_triage, {**CALM, "can_walk_without_pain": False})
    assert problems == []
    assert answers["can_walk_without_pain"] == "no"
    assert triage(small_triage, answers).rule == "painful-to-move"


def test_not_sure_is_the_riskier_answer_and_says_so(small_triage):
    answers = {**FRESH, "days_since_onset": 5, "can_walk_without_pain": "not_sure"}
    result = triage(small_triage, answers)
    assert (result.disposition, result.rule) == ("rice", "painful-to-move")
    notes = [r.text for r in result.reasons if r.answers == {"can_walk_without_pain": "not_sure"}]
    assert notes == [
        'You were not sure about "Can you walk without pain?", so it counts as '
        '"No, walking hurts", the more careful answer.'
    ]


def test_not_sure_note_only_for_answers_the_rule_used(small_triage):
    answers = {**CALM, "red_flags": ["numb_saddle"], "can_walk_without_pain": "not_sure"}
    assert len(triage(small_triage, answers).reasons) == 1


def test_reasons_carry_the_rule_and_flag_sources(small_triage):
    result = triage(small_triage, {"red_flags": ["calf_swollen"]})
    reason = result.reasons[0]
    assert reason.answers == {"red_flags": ["calf_swollen"]}
    assert reason.sources == [small_triage.sources["flag-source"]]
    assert result.to_json()["reasons"][0]["rule"] == "urgent-flag"


def test_emergency_flag_needs_no_further_answers(small_triage):
    assert decide(small_triage, {"red_flags": ["numb_saddle"]}).disposition == "emergency"


def test_undecided_while_an_earlier_rule_needs_an_answer(small_triage):
    assert decide(small_triage, {"red_flags": []}) is None
    # A clinician's sign: an urgent rule above it still waits for the pain at rest.
    assert decide(small_triage, {"red_flags": ["tingling"]}) is None


def test_severe_pain_stops_early(small_triage):
    result = decide(small_triage, {"red_flags": [], "onset": "sudden", "pain_at_rest": 9})
    assert (result.disposition, result.rule) == ("urgent", "severe-pain")


def test_missing_answers_are_listed(small_triage):
    with pytest.raises(IncompleteAnswersError) as caught:
        triage(small_triage, {"red_flags": [], "onset": "gradual"})
    assert caught.value.missing == [
        "age",
        "risk_factors",
        "days_since_onset",
        "pain_location",
        "pain_at_rest",
        "can_walk_without_pain",
    ]


def test_answers_the_flow_would_not_ask_are_ignored(small_triage):
    # A pop only counts after a sudden onset, sitting only at the sit bone.
    result = triage(small_triage, {**CALM, "felt_pop": "yes", "sitting_hurts": "yes"})
    assert (result.disposition, result.rule) == ("self_massage", "ready-for-self-care")
    assert result.answers == CALM  # accepted, and left out of what is kept


def test_sitting_question_applies_only_at_the_sit_bone(small_triage):
    assert "sitting_hurts" not in missing_answers(small_triage, CALM)
    assert missing_answers(small_triage, {**CALM, "pain_location": "sit_bone"}) == ["sitting_hurts"]


def test_red_flags_are_required(small_triage):
    without = {k: v for k, v in CALM.items() if k != "red_flags"}
    assert missing_answers(small_triage, without) == ["red_flags"]


def test_the_cautions_of_every_rule_and_note_that_holds_are_gathered(small_triage):
    """The deciding rule's first, then those of the other rules and notes that hold."""
    answers = {**FRESH, "red_flags": ["tingling"], "risk_factors": ["thinners"]}
    result = triage(small_triage, answers)
    assert (result.disposition, result.rule) == ("clinician", "nerve")
    assert result.cautions == ["no_ball_on_sit_bone", "no_massage", "no_stretching"]
    assert result.protocols == ["rice"]  # the fresh injury's note offers the first days
    assert [r.rule for r in result.reasons] == ["nerve", "fresh-first-days", "thinners"]


def test_a_condition_on_a_caution_raises_it_only_when_it_holds(small_triage):
    assert triage(small_triage, CALM).cautions == []
    near_knee = triage(small_triage, {**CALM, "pain_location": "back_of_knee"})
    assert near_knee.cautions == ["no_knee_crease"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"red_flags": "none"},
            ("red_flags", 'expected a list of red flag ids ([] for none), got "none"'),
        ),
        (
            {"red_flags": ["bad_knee"]},
            ("red_flags", 0, 'unknown red flag "bad_knee"; expected one of:'),
        ),
        ({"pain_at_rest": 11}, ("pain_at_rest", "expected a whole number from 0 to 10, got 11")),
        ({"pain_at_rest": 2.5}, ("pain_at_rest", "expected a whole number from 0 to 10, got 2.5")),
        (
            {"days_since_onset": -1},
            ("days_since_onset", "expected a whole number from 0 to 3650, got -1"),
        ),
        (
            {"days_since_onset": True},
            ("days_since_onset", "expected a whole number from 0 to 3650, got true"),
        ),
        ({"onset": "fast"}, ("onset", 'expected one of: sudden, gradual; got "fast"')),
        (
            {"risk_factors": ["smoker"]},
            ("risk_factors", "expected a list of: thinners, clot_before"),
        ),
        ({"age": 121}, ("age", "expected a whole number from 0 to 120, got 121")),
        (
            {"can_walk_without_pain": "maybe"},
            ("can_walk_without_pain", 'expected one of: yes, no, not_sure; got "maybe"'),
        ),
        (
            {"mood": "ok"},
            ("mood", "unknown question; expected one of: red_flags, age, risk_factors,"),
        ),
    ],
)
def test_bad_answers_name_the_field(small_triage, answers, expected):
    _, problems = parse_answers(small_triage, answers)
    assert len(problems) == 1
    path, message = problems[0]
    assert path == expected[:-1]
    assert message.startswith(expected[-1])


def test_answers_must_be_a_mapping(small_triage):
    assert parse_answers(small_triage, ["no"])[1][0][1].startswith("expected a mapping of answers")


def test_duplicate_red_flags_count_once(small_triage):
    answers, _ = parse_answers(small_triage, {"red_flags": ["lump", "lump"]})
    assert answers["red_flags"] == ["lump"]


# --- a routine tailored to the cautions -------------------------------------------------


def titles(tailored):
    return [t.step.title for t in tailored.steps]


def test_no_massage_leaves_no_massage_steps(small_library, small_triage):
    routine = small_library.get("roll-and-press")  # every step a roller or a ball
    tailored = tailor(routine, small_triage, ["no_massage"])
    assert tailored.steps == []
    assert len(tailored.dropped) == len(routine.steps)


def test_no_ball_on_sit_bone_drops_only_that_step(small_library, small_triage):
    routine = small_library.get("roll-and-press")
    tailored = tailor(routine, small_triage, ["no_ball_on_sit_bone"])
    assert [s.title for s, _ in tailored.dropped] == ["Ball on the sit bone"]
    assert titles(tailored) == ["Roll the thigh", "Press a spot", "Near the knee"]


def test_a_note_caution_annotates_pressure_steps_and_drops_none(small_library, small_triage):
    tailored = tailor(small_library.get("roll-and-press"), small_triage, ["gentle"])
    assert all(t.notes for t in tailored.steps) and tailored.dropped == []
    stretch = tailor(small_library.get("stretch"), small_triage, ["gentle"])
    assert stretch.steps[0].notes == []


def test_no_stretching_drops_the_stretch(small_library, small_triage):
    assert tailor(small_library.get("stretch"), small_triage, ["no_stretching"]).steps == []


def test_dose_in_words(small_library):
    from hamstring_care.prescription import step_doses

    steps = small_library.get("roll-and-press").steps
    assert [d.words() for d in step_doses(steps)] == [
        "30 s · each leg",
        "2 spots, 10-20 s each · each leg",
        "1 spot, 10-20 s each · each leg",
        "20 s · both legs together",
    ]
    left = step_doses(steps, "left", 15)[1]
    assert left.words() == "2 spots, 15 s each · left leg only"
    assert left.grid() == [("How long", "2 spots, 15 s each"), ("Leg", "Left leg only")]
    stretch = small_library.get("stretch").steps
    assert step_doses(stretch)[0].words() == "3 holds, 30 s each, 10 s rest · each leg"
    assert (
        step_doses(stretch, "right", 15)[0].words()
        == "3 holds, 30 s each, 10 s rest · right leg only"
    )
