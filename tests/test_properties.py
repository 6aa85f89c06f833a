"""Properties over many generated inputs (hypothesis).

The loader: whatever a file holds, it returns a model or raises InputFileError, whose lines
are what the user sees; never another exception. The triage engine: any complete, valid set
of answers reaches exactly one of the five dispositions, and ticking one more red flag never
makes the advice less urgent.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hamstring_care.errors import InputFileError
from hamstring_care.models import ProtocolBase
from hamstring_care.source.library import Library, load_protocol, parse_plan, protocol_dirs
from hamstring_care.source.reading import parse_document
from hamstring_care.triage import DISPOSITIONS, parse_answers, triage
from tests.conftest import CALM_ANSWERS
from tests.fixtures import SMALL, small_text

LIBRARY = Library(protocol_dirs(environ={}))
TRIAGE = LIBRARY.triage()
"""The bundled triage: the properties of its rules are properties of the clinical content."""
SMALL_LIBRARY = Library([SMALL])
"""The suite's own protocols, for the loader's properties."""
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- the loader -------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
)
keys = (
    st.sampled_from(
        [
            "id",
            "version",
            "title",
            "kind",
            "summary",
            "sources",
            "steps",
            "hold",
            "sections",
            "items",
            "text",
            "protocols",
            "side",
            "rules",
            "when",
            "questions",
            "routine",
            "guidance",
        ]
    )
    | st.text(max_size=12)
    | st.integers(0, 3)
    | st.booleans()
    | st.none()
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=40,
)


def mutate(data: Any, path: list[int], replacement: Any, drop: bool) -> Any:
    """Replace (or drop) the value found by following ``path`` choices down ``data``."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return replacement
    index = path[0] % len(data)
    if isinstance(data, dict):
        key = list(data)[index]
        copy = dict(data)
        if drop and len(path) == 1:
            del copy[key]
        else:
            copy[key] = mutate(data[key], path[1:], replacement, drop)
        return copy
    copy = list(data)
    copy[index] = mutate(data[index], path[1:], replacement, drop)
    return copy


def load_text(text: str, name: str = "hamstring-stretch.yaml") -> ProtocolBase | None:
    """Load ``text`` as a protocol file; None when the loader refused it with clear lines."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            return load_protocol(path)
        except InputFileError as error:
            assert error.lines
            assert all(line.startswith(str(path)) for line in error.lines)
            return None


@SETTINGS
@given(documents)
def test_any_document_is_a_protocol_or_a_clear_error(data):
    protocol = load_text(yaml.safe_dump(data))
    assert protocol is None or isinstance(protocol, ProtocolBase)


def without_drawings(data: Any) -> Any:
    """A routine's data without its drawings: copied elsewhere, it would not find them."""
    for step in data.get("steps", []):
        step.pop("illustration", None)
    return data


# Each example parses and validates a whole protocol file: 60 derandomized examples cover
# the five files (one of each kind) and the kinds of change.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        ["stretch.yaml", "roll-and-press.yaml", "rice.yaml", "triage.yaml", "walk-and-jog.yaml"]
    ),
    st.lists(st.integers(0, 50), min_size=1, max_size=6),
    documents,
    st.booleans(),
)
def test_any_change_to_a_valid_protocol_is_a_protocol_or_a_clear_error(
    name, path, replacement, drop
):
    data = without_drawings(yaml.safe_load(small_text(name)))
    changed = mutate(data, path, replacement, drop)
    protocol = load_text(yaml.safe_dump(changed, allow_unicode=True), name)
    assert protocol is None or isinstance(protocol, ProtocolBase)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_parses_or_is_a_clear_error(text):
    try:
        doc = parse_document(text, "typed.yaml")
    except InputFileError as error:
        assert error.lines and all(line.startswith("typed.yaml") for line in error.lines)
        return
    for name in ("plan", "answers"):
        try:
            if name == "plan":
                parse_plan(doc, SMALL_LIBRARY)
            else:
                doc.fail(parse_answers(SMALL_LIBRARY.triage(), doc.data)[1])
        except InputFileError as error:
            assert all(line.startswith("typed.yaml") for line in error.lines)


# --- the triage engine ------------------------------------------------------------------


def answer_strategy(question) -> st.SearchStrategy:
    if question.type == "choice":
        return st.sampled_from([c.value for c in question.choices])
    if question.type == "checklist":
        return st.lists(st.sampled_from([c.value for c in question.choices]), unique=True)
    if question.type == "yes_no":
        return st.sampled_from(["yes", "no", "not_sure"])
    low = question.min if question.min is not None else 0
    high = question.max if question.max is not None else 365
    # Most thresholds (days, age, pain) sit low: draw there often, and anywhere sometimes.
    return st.integers(low, min(high, 60)) | st.integers(low, high)


FLAG_IDS = [flag.id for flag in TRIAGE.red_flags.flags]
answer_sets = st.fixed_dictionaries(
    {
        "red_flags": st.lists(st.sampled_from(FLAG_IDS), unique=True, max_size=4),
        **{q.id: answer_strategy(q) for q in TRIAGE.questions},
    }
)


def decide(raw: dict) -> str:
    answers, problems = parse_answers(TRIAGE, raw)
    assert problems == []
    return triage(TRIAGE, answers).disposition


@SETTINGS
@given(answer_sets)
def test_valid_answers_reach_exactly_one_disposition(raw):
    assert decide(raw) in DISPOSITIONS


@SETTINGS
@given(answer_sets, st.sampled_from(FLAG_IDS))
def test_one_more_red_flag_never_makes_the_advice_less_urgent(raw, flag):
    assume(flag not in raw["red_flags"])
    before = decide(raw)
    after = decide({**raw, "red_flags": [*raw["red_flags"], flag]})
    assert DISPOSITIONS.index(after) <= DISPOSITIONS.index(before), (before, after)


RISK_FACTORS = [c.value for c in TRIAGE.question("risk_factors").choices]

# Each: one more finding, as a change to the answers (None: not applicable to these answers).
MORE_FINDINGS = {
    "a risk factor": lambda raw, pick: (
        None
        if pick(RISK_FACTORS) in raw["risk_factors"]
        else {**raw, "risk_factors": [*raw["risk_factors"], pick(RISK_FACTORS)]}
    ),
    "a worse trend": lambda raw, pick: {**raw, "trend": "worse"},
    "a pop": lambda raw, pick: {**raw, "felt_pop": "yes"},
    "an earlier strain": lambda raw, pick: {**raw, "strained_before": "yes"},
}


@SETTINGS
@given(answer_sets, st.sampled_from(sorted(MORE_FINDINGS)), st.data())
def test_one_more_finding_never_makes_the_advice_less_urgent(raw, finding, data):
    changed = MORE_FINDINGS[finding](raw, lambda options: data.draw(st.sampled_from(options)))
    assume(changed is not None)
    before, after = decide(raw), decide(changed)
    assert DISPOSITIONS.index(after) <= DISPOSITIONS.index(before), (finding, before, after)


CALM = {**CALM_ANSWERS, "pain_at_rest": 0}


@pytest.mark.parametrize(
    ("risk", "changes", "rule"),
    [
        (
            "blood_thinners",
            {"onset": "sudden", "days_since_onset": 2},
            "blood-thinners-fresh-injury",
        ),
        ("pregnant_or_recent_birth", {"pain_location": "back_of_knee"}, "clot-risk"),
        ("recent_surgery_or_long_travel", {"days_since_onset": 10}, "clot-risk"),
        ("previous_clot", {"pain_location": "back_of_knee"}, "clot-risk"),
        ("major_surgery_12_weeks", {"pain_location": "back_of_knee"}, "clot-risk"),
        ("bedridden_or_plaster", {"days_since_onset": 10}, "clot-risk"),
        ("cancer_treatment", {"pain_location": "back_of_knee"}, "clot-risk"),
        ("weak_immune_system", {"pain_at_rest": 4, "days_since_onset": 5}, "weak-immune-pain"),
    ],
)
def test_each_risk_factor_reaches_its_rule(risk, changes, rule):
    answers = {**CALM, "felt_pop": "no", "strained_before": "no", **changes}
    without = triage(TRIAGE, parse_answers(TRIAGE, answers)[0])
    with_risk = triage(TRIAGE, parse_answers(TRIAGE, {**answers, "risk_factors": [risk]})[0])
    assert with_risk.rule == rule
    assert without.rule != rule
    assert DISPOSITIONS.index(with_risk.disposition) < DISPOSITIONS.index(without.disposition)
    assert set(RISK_FACTORS) == {r for r, _, _ in RISK_ROWS}


RISK_ROWS = test_each_risk_factor_reaches_its_rule.pytestmark[0].args[1]


@pytest.mark.parametrize("flag", FLAG_IDS)
def test_each_red_flag_alone_routes_above_self_care(flag):
    calm = CALM
    assert decide(calm) == "self_massage"
    assert DISPOSITIONS.index(decide({**calm, "red_flags": [flag]})) <= DISPOSITIONS.index(
        "clinician"
    )
