"""The bundled triage against CLINICAL.md's decision table and its Triage 2.0 section.

One case per row and edge. The 1.1 rows keep their result unless 2.0 makes it more careful;
those cases say so in their name ("2.0: ..."). The engine's mechanics, on a small triage of
the suite's own, are in tests/test_triage_engine.py.
"""

from __future__ import annotations

import pytest

from hamstring_care.errors import IncompleteAnswersError
from hamstring_care.triage import DISPOSITIONS, parse_answers, triage
from tests.conftest import CALM_ANSWERS

# A runner with no warning sign, a gradual mild ache mid-thigh, walking and rising pain-free.
CLEAN = CALM_ANSWERS
SUDDEN = {"felt_pop": "no", "strained_before": "no"}  # asked only after a sudden onset
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
CLOT_RISKS = ["pregnant_or_recent_birth", "recent_surgery_or_long_travel", "previous_clot"]
SIT_BONE_CAUTIONS = ["no_massage", "no_stretching", "no_ball_on_sit_bone"]


def case(**changes):
    """CLEAN with changes; a sudden onset gets its two extra answers unless given."""
    answers = {**CLEAN, **changes}
    if answers["onset"] == "sudden":
        answers = {**SUDDEN, **answers}
    return answers


def urgent_flag_cautions(flag: str) -> list[str]:
    cautions = ["no_massage"]
    if flag == "calf_swollen_warm":
        cautions.append("no_compression")
    if flag in ("pop_at_sit_bone", "large_bruise_or_gap"):
        cautions += ["no_stretching", "no_ball_on_sit_bone"]
    if flag == "calf_kick_or_heel_pop":
        cautions.append("no_calf_work")
    return cautions


def emergency_cautions(flag: str) -> list[str]:
    clot_or_tense = ("thigh_swelling_tense", "breathless_or_chest_pain")
    return ["no_massage", "no_compression"] if flag in clot_or_tense else ["no_massage"]


# (name, answers, disposition, rule, cautions)
TABLE = [
    *[
        (f"row1 {f}", {"red_flags": [f]}, "emergency", "emergency-flag", emergency_cautions(f))
        for f in EMERGENCY_FLAGS
    ],
    *[
        (f"row2 {f}", {"red_flags": [f]}, "urgent", "urgent-flag", urgent_flag_cautions(f))
        for f in URGENT_FLAGS
    ],
    (
        "row1 before row2",
        {"red_flags": ["fever", "both_legs"]},
        "emergency",
        "emergency-flag",
        ["no_massage"],
    ),
    ("row3 pain 7 at rest", case(pain_at_rest=7), "urgent", "severe-pain-at-rest", ["no_massage"]),
    ("row3 pain 10", case(pain_at_rest=10), "urgent", "severe-pain-at-rest", ["no_massage"]),
    (
        "row3 before row4, keeping row4's cautions",
        case(red_flags=["tingling_or_numbness"], pain_at_rest=8),
        "urgent",
        "severe-pain-at-rest",
        ["no_massage", "no_ball_on_sit_bone", "no_nerve_flossing"],
    ),
    (
        "row4 nerve root",
        case(red_flags=["tingling_or_numbness"]),
        "clinician",
        "nerve-symptoms",
        ["no_ball_on_sit_bone", "no_nerve_flossing"],
    ),
    (
        "2.0: unsure red flag is urgent",
        {"red_flags": ["not_sure"]},
        "urgent",
        "unsure-about-warning-signs",
        ["no_massage"],
    ),
    (
        "unsure with emergency",
        {"red_flags": ["not_sure", "saddle_numbness"]},
        "emergency",
        "emergency-flag",
        ["no_massage"],
    ),
    (
        "row5 tendinopathy",
        case(pain_location="sit_bone", sitting_hurts="yes"),
        "clinician",
        "sit-bone-sitting",
        ["no_ball_on_sit_bone", "no_stretching"],
    ),
    (
        "row5 sitting not sure",
        case(pain_location="sit_bone", sitting_hurts="not_sure"),
        "clinician",
        "sit-bone-sitting",
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
        "2.0: sudden at the sit bone, sitting hurts, day 20",
        case(onset="sudden", days_since_onset=20, pain_location="sit_bone", sitting_hurts="yes"),
        "clinician",
        "sit-bone-tendon",
        SIT_BONE_CAUTIONS,
    ),
    (
        "2.0: sudden at the sit bone, sitting hurts, past 6 weeks",
        case(onset="sudden", days_since_onset=50, pain_location="sit_bone", sitting_hurts="yes"),
        "clinician",
        "sit-bone-sitting",
        ["no_ball_on_sit_bone", "no_stretching"],
    ),
    (
        "row6 walking painful day 7",
        case(onset="sudden", days_since_onset=7, can_walk_without_pain="no"),
        "clinician",
        "sudden-not-recovering",
        ["no_massage"],
    ),
    (
        "row6 rising painful day 15",
        case(onset="sudden", days_since_onset=15, can_rise_without_pain="no"),
        "clinician",
        "sudden-not-recovering",
        ["no_massage"],
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
        ["no_massage"],
    ),
    (
        "row7 gradual rising not sure",
        case(can_rise_without_pain="not_sure"),
        "clinician",
        "gradual-painful-to-move",
        ["no_massage"],
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
    (
        "2.0: pain 6 at rest for 30 days",
        case(pain_at_rest=6),
        "clinician",
        "pain-lasting",
        [],
    ),
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
    # --- Triage 2.0 rows -------------------------------------------------------------------
    (
        "2.0: past cancer with new tingling",
        {"red_flags": ["cancer_weight_loss_night_pain", "tingling_or_numbness"]},
        "emergency",
        "cancer-with-nerve-signs",
        ["no_massage", "no_ball_on_sit_bone", "no_nerve_flossing"],
    ),
    (
        "2.0: past cancer with foot drop",
        {"red_flags": ["cancer_weight_loss_night_pain", "foot_drop_or_weakness"]},
        "emergency",
        "cancer-with-nerve-signs",
        ["no_massage"],
    ),
    (
        "2.0: pop at the sit bone answered in the questions",
        case(onset="sudden", days_since_onset=2, pain_location="sit_bone", felt_pop="yes"),
        "urgent",
        "sit-bone-avulsion-signs",
        SIT_BONE_CAUTIONS,
    ),
    (
        "2.0: not sure about a pop at the sit bone",
        case(onset="sudden", days_since_onset=2, pain_location="sit_bone", felt_pop="not_sure"),
        "urgent",
        "sit-bone-avulsion-signs",
        SIT_BONE_CAUTIONS,
    ),
    (
        "2.0: tingling with a sudden sit-bone injury",
        case(
            red_flags=["tingling_or_numbness"],
            onset="sudden",
            days_since_onset=1,
            pain_location="sit_bone",
            sitting_hurts="no",
        ),
        "urgent",
        "sit-bone-avulsion-signs",
        [*SIT_BONE_CAUTIONS, "no_nerve_flossing"],
    ),
    (
        "2.0: sudden at the sit bone, walking hurts",
        case(
            onset="sudden",
            days_since_onset=10,
            pain_location="sit_bone",
            sitting_hurts="no",
            can_walk_without_pain="no",
        ),
        "clinician",
        "sit-bone-tendon",
        SIT_BONE_CAUTIONS,
    ),
    (
        "2.0: day-1 sit-bone strain, sitting hurts, no longer RICE",
        case(onset="sudden", days_since_onset=1, pain_location="sit_bone", sitting_hurts="yes"),
        "clinician",
        "sit-bone-tendon",
        SIT_BONE_CAUTIONS,
    ),
    (
        "2.0: under 16 with a sudden sit-bone injury (2.1: asked about a limp)",
        case(
            age=14,
            onset="sudden",
            days_since_onset=20,
            pain_location="sit_bone",
            sitting_hurts="no",
            limping="no",
        ),
        "clinician",
        "young-sit-bone-injury",
        ["no_massage"],
    ),
    (
        "2.0: a pop mid-thigh",
        case(onset="sudden", days_since_onset=5, felt_pop="yes"),
        "clinician",
        "pop-away-from-sit-bone",
        ["no_massage"],
    ),
    (
        "2.0: strain yesterday plus tingling keeps no_massage",
        case(red_flags=["tingling_or_numbness"], onset="sudden", days_since_onset=1),
        "clinician",
        "nerve-symptoms",
        ["no_ball_on_sit_bone", "no_nerve_flossing", "no_massage"],
    ),
    (
        "2.0: blood thinners and a fresh strain",
        case(risk_factors=["blood_thinners"], onset="sudden", days_since_onset=3),
        "urgent",
        "blood-thinners-fresh-injury",
        ["no_massage", "no_compression"],
    ),
    (
        "2.0: blood thinners and a knock, day 7",
        case(risk_factors=["blood_thinners"], onset="blow", days_since_onset=7),
        "urgent",
        "blood-thinners-fresh-injury",
        ["no_massage", "no_compression", "no_pressure_on_bruise"],
    ),
    (
        "2.1: blood thinners, pain without an injury: today",
        case(risk_factors=["blood_thinners"]),
        "urgent",
        "blood-thinners-no-injury",
        ["no_massage", "no_compression"],
    ),
    (
        "2.1: blood thinners, a knock 10 days ago, a bruise far larger than the knock",
        case(
            risk_factors=["blood_thinners"], onset="blow", days_since_onset=10, bruise_larger="yes"
        ),
        "urgent",
        "blood-thinners-large-bruise",
        ["no_massage", "no_compression", "no_pressure_on_bruise"],
    ),
    (
        "2.1: blood thinners, a strain 10 days ago, the bruise as expected",
        case(
            risk_factors=["blood_thinners"], onset="sudden", days_since_onset=10, bruise_larger="no"
        ),
        "self_massage",
        "ready-for-self-care",
        ["gentle_near_injury"],
    ),
    *[
        (
            f"2.1: {risk} (Wells history) with pain behind the knee",
            case(risk_factors=[risk], pain_location="back_of_knee"),
            "urgent",
            "clot-risk",
            ["no_massage", "no_compression"],
        )
        for risk in ("major_surgery_12_weeks", "bedridden_or_plaster", "cancer_treatment")
    ],
    (
        "2.1: 12, thigh pain with a limp after a fall 2 days ago",
        case(age=12, onset="sudden", days_since_onset=2, limping="yes"),
        "urgent",
        "young-hip",
        ["no_massage", "no_stretching", "no_running_jumping"],
    ),
    (
        "2.1: 16, knee-ache without an injury for 5 days, no limp",
        case(age=16, pain_location="back_of_knee", days_since_onset=5, limping="no"),
        "urgent",
        "young-hip",
        ["no_massage", "no_stretching", "no_running_jumping"],
    ),
    (
        "2.1: 17, pain without an injury for 5 days: not the hip rule",
        case(age=17, days_since_onset=5),
        "self_massage",
        "ready-for-self-care",
        [],
    ),
    (
        "2.1: a kick-like pop low in the calf",
        case(red_flags=["calf_kick_or_heel_pop"]),
        "urgent",
        "urgent-flag",
        ["no_massage", "no_calf_work"],
    ),
    *[
        (
            f"2.0: {risk} with pain behind the knee",
            case(risk_factors=[risk], pain_location="back_of_knee"),
            "urgent",
            "clot-risk",
            ["no_massage", "no_compression"],
        )
        for risk in CLOT_RISKS
    ],
    (
        "2.0: a previous clot with pain that began without injury 10 days ago",
        case(risk_factors=["previous_clot"], days_since_onset=10),
        "urgent",
        "clot-risk",
        ["no_massage", "no_compression"],
    ),
    (
        # Triage 2.1 names no time limit: 2.0's four weeks no longer make it self-care.
        "2.1: a previous clot, gradual for 30 days mid-thigh, needs a clot ruled out",
        case(risk_factors=["previous_clot"]),
        "urgent",
        "clot-risk",
        ["no_massage", "no_compression"],
    ),
    (
        "2.0: a knock, day 5",
        case(onset="blow", days_since_onset=5),
        "rice",
        "direct-blow",
        ["no_massage", "no_pressure_on_bruise"],
    ),
    (
        "2.0: a knock, day 20, self-care off the bruise",
        case(onset="blow", days_since_onset=20),
        "self_massage",
        "ready-for-self-care",
        ["no_pressure_on_bruise"],
    ),
    (
        "2.0: a knock, walking still hurts at day 8",
        case(onset="blow", days_since_onset=8, can_walk_without_pain="no"),
        "clinician",
        "sudden-not-recovering",
        ["no_massage", "no_pressure_on_bruise"],
    ),
    (
        "2.0: 6/10 lying still for 8 weeks, movement painless",
        case(days_since_onset=56, pain_at_rest=6),
        "clinician",
        "pain-lasting",
        [],
    ),
    (
        "2.0: strain 5 weeks old still aching at rest",
        case(onset="sudden", days_since_onset=35, pain_at_rest=3),
        "clinician",
        "pain-lasting",
        [],
    ),
    (
        "2.0: getting worse after day 3",
        case(onset="sudden", days_since_onset=5, trend="worse"),
        "clinician",
        "getting-worse",
        [],
    ),
    (
        "2.0: getting worse on day 2 is still RICE",
        case(onset="sudden", days_since_onset=2, trend="worse"),
        "rice",
        "fresh-injury",
        ["no_massage"],
    ),
    (
        "2.0: rest pain 4 with movement painless after 8 days",
        case(days_since_onset=8, pain_at_rest=4),
        "clinician",
        "rest-pain-not-movement",
        [],
    ),
    (
        "2.0: strained before, new strain",
        case(onset="sudden", days_since_onset=5, strained_before="yes"),
        "clinician",
        "strained-before",
        [],
    ),
    (
        "2.0: a 17-year-old with pain without injury for 3 weeks",
        case(age=17, days_since_onset=21),
        "clinician",
        "young-pain-without-injury",
        [],
    ),
    (
        "2.0: a growing lump",
        case(red_flags=["growing_lump"]),
        "clinician",
        "growing-lump",
        ["no_massage_over_lump"],
    ),
    (
        "2.0: weak immune system with rest pain 4",
        case(risk_factors=["weak_immune_system"], days_since_onset=5, pain_at_rest=4),
        "clinician",
        "weak-immune-pain",
        [],
    ),
    (
        "2.0: over 50 with rest pain 4 and no injury",
        case(age=60, days_since_onset=5, pain_at_rest=4),
        "clinician",
        "over-50-pain-without-injury",
        [],
    ),
    (
        "2.0: low back pain too: same level, a note and no flossing",
        case(back_pain="yes"),
        "self_massage",
        "ready-for-self-care",
        ["no_nerve_flossing"],
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


def test_a_triage_1_1_answers_file_lists_each_new_answer(triage_protocol):
    old = {k: v for k, v in CLEAN.items() if k not in ("age", "risk_factors", "trend", "back_pain")}
    with pytest.raises(IncompleteAnswersError) as caught:
        triage(triage_protocol, {**old, "onset": "sudden", "days_since_onset": 5})
    assert caught.value.missing == [
        "age",
        "risk_factors",
        "felt_pop",
        "trend",
        "back_pain",
        "strained_before",
    ]


@pytest.mark.parametrize(
    ("answers", "title", "protocols"),
    [
        (  # a pop mid-thigh yesterday: a bad tear, seen within days; the first 72 hours
            case(onset="sudden", days_since_onset=1, felt_pop="yes"),
            "See a clinician within a few days",
            ["rice"],
        ),
        (  # a sudden sit-bone injury that hurts to sit, no pop: within a week
            case(onset="sudden", days_since_onset=10, pain_location="sit_bone",
                 sitting_hurts="yes"),
            "Book a clinician within a week",
            [],
        ),
        (case(red_flags=["growing_lump"]), "See your GP (doctor) within days", []),
        (case(red_flags=["tingling_or_numbness"]), "Book a clinician within about 1-2 weeks", []),
    ],
)  # fmt: skip
def test_each_clinician_result_says_how_soon(triage_protocol, answers, title, protocols):
    """Triage 2.1: how soon where a source gives it; a fresh injury gets the first 72 hours."""
    from hamstring_care.render.content import result_content

    result = triage(triage_protocol, answers)
    assert result.disposition == "clinician"
    assert result_content(result, triage_protocol).title == title
    assert result.protocols == protocols


def test_a_2_0_answers_file_says_exactly_which_new_answer_it_lacks(triage_protocol):
    """Nothing new needed: it works as before; a child's check lacks the limp question."""
    assert triage(triage_protocol, case()).disposition == "self_massage"
    with pytest.raises(IncompleteAnswersError) as missing:
        triage(triage_protocol, case(age=12, onset="sudden", days_since_onset=20))
    assert missing.value.missing == ["limping"]
