"""The triage engine against CLINICAL.md's decision table, one case per row and edge."""

from __future__ import annotations

import pytest

from hamstring_care.errors import IncompleteAnswersError
from hamstring_care.triage import (
    DISPOSITIONS,
    decide,
    missing_answers,
    parse_answers,
    tailor,
    triage,
)

# A runner with no warning sign, a gradual ache mid-thigh, walking and rising pain-free.
CLEAN = {
    "red_flags": [],
    "onset": "gradual",
    "days_since_onset": 30,
    "pain_location": "mid_thigh",
    "pain_at_rest": 2,
    "can_walk_without_pain": "yes",
    "can_rise_without_pain": "yes",
}
EMERGENCY_FLAGS = [
    "saddle_numbness",
    "both_legs",
    "breathless_or_chest_pain",
    "leg_cold_pale_or_misshapen",
    "thigh_swelling_tense",
]
URGENT_FLAGS = [
    "calf_swollen_warm",
    "pop_at_sit_bone",
    "large_bruise_or_gap",
    "foot_drop_or_weakness",
    "fever",
    "cannot_bear_weight",
    "cancer_weight_loss_night_pain",
]


def case(**changes):
    return {**CLEAN, **changes}


# (name, answers, disposition, rule, cautions)
TABLE = [
    *[
        (f"row1 {f}", {"red_flags": [f]}, "emergency", "emergency-flag", [])
        for f in EMERGENCY_FLAGS
    ],
    *[
        (
            f"row2 {f}",
            {"red_flags": [f]},
            "urgent",
            "urgent-flag",
            ["no_massage", "no_compression"] if f == "calf_swollen_warm" else ["no_massage"],
        )
        for f in URGENT_FLAGS
    ],
    ("row1 before row2", {"red_flags": ["fever", "both_legs"]}, "emergency", "emergency-flag", []),
    ("row3 pain 7 at rest", case(pain_at_rest=7), "urgent", "severe-pain-at-rest", ["no_massage"]),
    ("row3 pain 10", case(pain_at_rest=10), "urgent", "severe-pain-at-rest", ["no_massage"]),
    (
        "row3 before row4",
        case(red_flags=["tingling_or_numbness"], pain_at_rest=8),
        "urgent",
        "severe-pain-at-rest",
        ["no_massage"],
    ),
    (
        "row4 nerve root",
        case(red_flags=["tingling_or_numbness"]),
        "clinician",
        "nerve-symptoms",
        ["no_ball_on_sit_bone", "no_nerve_flossing"],
    ),
    (
        "unsure red flag",
        case(red_flags=["not_sure"]),
        "clinician",
        "unsure-about-warning-signs",
        ["no_massage"],
    ),
    (
        "unsure with emergency",
        {"red_flags": ["not_sure", "saddle_numbness"]},
        "emergency",
        "emergency-flag",
        [],
    ),
    (
        "row5 tendinopathy",
        case(pain_location="sit_bone", sitting_hurts="yes"),
        "clinician",
        "gradual-sit-bone-sitting",
        ["no_ball_on_sit_bone", "no_stretching"],
    ),
    (
        "row5 sitting not sure",
        case(pain_location="sit_bone", sitting_hurts="not_sure"),
        "clinician",
        "gradual-sit-bone-sitting",
        ["no_ball_on_sit_bone", "no_stretching"],
    ),
    (
        "row5 sitting fine",
        case(pain_location="sit_bone", sitting_hurts="no"),
        "self_massage",
        "ready-for-self-care",
        [],
    ),
    (
        "row5 needs gradual",
        case(onset="sudden", days_since_onset=20, pain_location="sit_bone", sitting_hurts="yes"),
        "self_massage",
        "ready-for-self-care",
        [],
    ),
    (
        "row6 walking painful day 7",
        case(onset="sudden", days_since_onset=7, can_walk_without_pain="no"),
        "clinician",
        "sudden-not-recovering",
        [],
    ),
    (
        "row6 rising painful day 15",
        case(onset="sudden", days_since_onset=15, can_rise_without_pain="no"),
        "clinician",
        "sudden-not-recovering",
        [],
    ),
    (
        "row6 rising painful day 14 is row9",
        case(onset="sudden", days_since_onset=14, can_rise_without_pain="no"),
        "rice",
        "painful-to-move",
        ["no_massage"],
    ),
    (
        "row6 walking painful day 6 is row9",
        case(onset="sudden", days_since_onset=6, can_walk_without_pain="no"),
        "rice",
        "painful-to-move",
        ["no_massage"],
    ),
    (
        "row7 gradual walking painful",
        case(can_walk_without_pain="no"),
        "clinician",
        "gradual-painful-to-move",
        [],
    ),
    (
        "row7 gradual rising not sure",
        case(can_rise_without_pain="not_sure"),
        "clinician",
        "gradual-painful-to-move",
        [],
    ),
    (
        "row8 day 0 pain-free",
        case(onset="sudden", days_since_onset=0),
        "rice",
        "fresh-injury",
        ["no_massage"],
    ),
    (
        "row8 day 3 walking painful",
        case(onset="sudden", days_since_onset=3, can_walk_without_pain="no"),
        "rice",
        "fresh-injury",
        ["no_massage"],
    ),
    (
        "row9 day 4",
        case(onset="sudden", days_since_onset=4, can_walk_without_pain="no"),
        "rice",
        "painful-to-move",
        ["no_massage"],
    ),
    ("row10 clean", CLEAN, "self_massage", "ready-for-self-care", []),
    ("row10 pain 6", case(pain_at_rest=6), "self_massage", "ready-for-self-care", []),
    (
        "row10 back of knee",
        case(pain_location="back_of_knee"),
        "self_massage",
        "ready-for-self-care",
        ["no_knee_crease"],
    ),
    (
        "row10 recent sudden",
        case(onset="sudden", days_since_onset=4),
        "self_massage",
        "ready-for-self-care",
        ["gentle_near_injury"],
    ),
    (
        "row10 sudden day 14",
        case(onset="sudden", days_since_onset=14),
        "self_massage",
        "ready-for-self-care",
        [],
    ),
    (
        "row10 both cautions",
        case(onset="sudden", days_since_onset=5, pain_location="back_of_knee"),
        "self_massage",
        "ready-for-self-care",
        ["no_knee_crease", "gentle_near_injury"],
    ),
]


@pytest.mark.parametrize(
    ("answers", "disposition", "rule", "cautions"),
    [t[1:] for t in TABLE],
    ids=[t[0] for t in TABLE],
)
def test_decision_table(triage_protocol, answers, disposition, rule, cautions):
    parsed, problems = parse_answers(triage_protocol, answers)
    assert problems == []
    result = triage(triage_protocol, parsed)
    assert (result.disposition, result.rule, result.cautions) == (disposition, rule, cautions)


def test_every_disposition_and_caution_is_reachable(triage_protocol):
    reached, cautions = set(), set()
    for _name, _answers, disposition, _rule, raised in TABLE:
        reached.add(disposition)
        cautions.update(raised)
    assert reached == set(DISPOSITIONS)
    assert cautions == {c.id for c in triage_protocol.cautions}


def test_yaml_booleans_count_as_yes_and_no(triage_protocol):
    answers, problems = parse_answers(
        triage_protocol, case(can_walk_without_pain=False, can_rise_without_pain=True)
    )
    assert problems == []
    assert answers["can_walk_without_pain"] == "no"
    assert triage(triage_protocol, answers).rule == "gradual-painful-to-move"


def test_not_sure_is_the_riskier_answer_and_says_so(triage_protocol):
    result = triage(
        triage_protocol, case(onset="sudden", days_since_onset=5, can_walk_without_pain="not_sure")
    )
    assert result.disposition == "rice"
    notes = [r.text for r in result.reasons if r.answers == {"can_walk_without_pain": "not_sure"}]
    assert len(notes) == 1
    assert '"no", the more careful answer' in notes[0]


def test_not_sure_note_only_for_answers_the_rule_used(triage_protocol):
    result = triage(
        triage_protocol, case(red_flags=["both_legs"], can_rise_without_pain="not_sure")
    )
    assert len(result.reasons) == 1


def test_reasons_carry_the_rule_and_flag_sources(triage_protocol):
    result = triage(triage_protocol, {"red_flags": ["calf_swollen_warm"]})
    reason = result.reasons[0]
    assert reason.answers == {"red_flags": ["calf_swollen_warm"]}
    assert triage_protocol.sources["nhs-dvt"] in reason.sources
    assert result.to_json()["reasons"][0]["rule"] == "urgent-flag"


def test_emergency_flag_needs_no_further_answers(triage_protocol):
    assert decide(triage_protocol, {"red_flags": ["both_legs"]}).disposition == "emergency"


def test_undecided_while_an_earlier_rule_needs_an_answer(triage_protocol):
    assert decide(triage_protocol, {"red_flags": []}) is None
    assert decide(triage_protocol, {"red_flags": ["tingling_or_numbness"]}) is None


def test_severe_pain_stops_early(triage_protocol):
    result = decide(
        triage_protocol,
        {
            "red_flags": [],
            "onset": "sudden",
            "days_since_onset": 1,
            "pain_location": "mid_thigh",
            "pain_at_rest": 9,
        },
    )
    assert result.disposition == "urgent"


def test_missing_answers_are_listed(triage_protocol):
    with pytest.raises(IncompleteAnswersError) as caught:
        triage(triage_protocol, {"red_flags": [], "onset": "gradual"})
    assert caught.value.missing == [
        "days_since_onset",
        "pain_location",
        "pain_at_rest",
        "can_walk_without_pain",
        "can_rise_without_pain",
    ]


def test_sitting_question_applies_only_at_the_sit_bone(triage_protocol):
    partial = {k: v for k, v in CLEAN.items()}
    assert "sitting_hurts" not in missing_answers(triage_protocol, partial)
    partial["pain_location"] = "sit_bone"
    assert missing_answers(triage_protocol, partial) == ["sitting_hurts"]


def test_red_flags_are_required(triage_protocol):
    without = {k: v for k, v in CLEAN.items() if k != "red_flags"}
    assert missing_answers(triage_protocol, without) == ["red_flags"]


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
            ("days_since_onset", "expected a whole number of at least 0, got -1"),
        ),
        (
            {"days_since_onset": True},
            ("days_since_onset", "expected a whole number of at least 0, got true"),
        ),
        ({"onset": "fast"}, ("onset", 'expected one of: sudden, gradual; got "fast"')),
        (
            {"can_walk_without_pain": "maybe"},
            ("can_walk_without_pain", 'expected one of: yes, no, not_sure; got "maybe"'),
        ),
        ({"mood": "ok"}, ("mood", "unknown question; expected one of: red_flags, onset,")),
    ],
)
def test_bad_answers_name_the_field(triage_protocol, answers, expected):
    _, problems = parse_answers(triage_protocol, answers)
    assert len(problems) == 1
    path, message = problems[0]
    assert path == expected[:-1]
    assert message.startswith(expected[-1])


def test_answers_must_be_a_mapping(triage_protocol):
    assert parse_answers(triage_protocol, ["no"])[1][0][1].startswith(
        "expected a mapping of answers"
    )


def test_duplicate_red_flags_count_once(triage_protocol):
    answers, _ = parse_answers(triage_protocol, {"red_flags": ["fever", "fever"]})
    assert answers["red_flags"] == ["fever"]


def titles(tailored):
    return [t.step.title for t in tailored.steps]


def test_no_massage_leaves_no_massage_steps(library, triage_protocol):
    routine = library.get("foam-roller-and-ball")
    tailored = tailor(routine, triage_protocol, ["no_massage"])
    assert tailored.steps == []
    assert len(tailored.dropped) == len(routine.steps)


def test_no_ball_on_sit_bone_drops_only_that_step(library, triage_protocol):
    routine = library.get("foam-roller-and-ball")
    tailored = tailor(routine, triage_protocol, ["no_ball_on_sit_bone"])
    assert [s.title for s, _ in tailored.dropped] == ["Ball where the hamstring attaches"]
    assert len(tailored.steps) == len(routine.steps) - 1


def test_gentle_near_injury_adds_a_note_to_pressure_steps(library, triage_protocol):
    tailored = tailor(library.get("foam-roller-and-ball"), triage_protocol, ["gentle_near_injury"])
    noted = [t for t in tailored.steps if t.notes]
    assert len(noted) == len(tailored.steps)
    assert tailored.dropped == []
    stretch = tailor(library.get("hamstring-stretch"), triage_protocol, ["gentle_near_injury"])
    assert stretch.steps[0].notes == []


def test_no_stretching_drops_the_stretch(library, triage_protocol):
    tailored = tailor(library.get("hamstring-stretch"), triage_protocol, ["no_stretching"])
    assert tailored.steps == []


def test_dose_in_words(library):
    from hamstring_care.prescription import step_doses

    steps = library.get("foam-roller-and-ball").steps
    words = [d.words() for d in step_doses(steps)]
    assert words[:2] == ["60 s, each leg", "10-20 s a spot, 3 times, each leg"]
    assert [d.words() for d in step_doses(steps, "left", 15)][
        1
    ] == "15 s a spot, 3 times, left leg only"
    stretch = library.get("hamstring-stretch").steps
    assert step_doses(stretch)[0].words() == "30 s, 3 times with 10 s rest, each leg"
    assert (
        step_doses(stretch, "right", 15)[0].words()
        == "30 s, 3 times with 10 s rest, right leg only"
    )
