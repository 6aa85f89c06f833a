"""The suite's own small protocols and answers, for the tests about the engine and renderers.

``tests/protocols/`` holds a small triage, a guidance (id ``rice``, as the triage offers it),
two routines (``roll-and-press``, ``stretch``) and their drawings, written for the tests:
not clinical content. A test of the player, the flows, a renderer or the loader uses these,
so that a clinical change to ``protocols/`` breaks only the tests about the bundled content.
"""

from __future__ import annotations

from pathlib import Path

SMALL = Path(__file__).resolve().parent / "protocols"
"""The folder of the suite's own protocols (also ``quick`` and ``waits``, for real time)."""


def small_text(name: str) -> str:
    """The text of one of the suite's own protocol files, to copy and alter in a test."""
    return (SMALL / name).read_text(encoding="utf-8")


CALM = {
    "red_flags": [],
    "age": 35,
    "risk_factors": [],
    "onset": "gradual",
    "days_since_onset": 30,
    "pain_location": "mid_thigh",
    "pain_at_rest": 2,
    "can_walk_without_pain": "yes",
}
"""Complete answers to the small triage: no warning sign, a mild gradual ache, self-care."""

CALM_FILE = """\
red_flags: []
age: 35
risk_factors: []
onset: gradual
days_since_onset: 30
pain_location: mid_thigh
pain_at_rest: 2
can_walk_without_pain: yes
"""
"""``CALM`` as an answers file, as a user writes it (YAML yes/no)."""

FRESH = {**CALM, "onset": "sudden", "felt_pop": "no", "days_since_onset": 1}
"""A strain yesterday, no pop: the small triage's RICE."""


def step(hold="10s", per_side=False, repeat=1, title="Hold", instruction="Do it.", **more):
    """One routine step built in code, as small as a test needs (``rest`` as ``hold`` is)."""
    from hamstring_care.models import Duration, Step

    fields = {"method": "roller", "area": "back_of_thigh", **more}
    rest = fields.pop("rest", None)
    return Step(
        title=title,
        instruction=instruction,
        hold=Duration.parse(hold),
        per_side=per_side,
        repeat=repeat,
        rest=Duration.parse(rest) if rest else None,
        **fields,
    )
