"""`program today` in a real pseudo-terminal: the step, the check-in, the next morning."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pexpect

from hamstring_care import messages
from hamstring_care.history.store import open_history
from hamstring_care.vocab import DecisionKind
from tests.terminal_driver import ENTER, answer, finish, spawn


def spawn_program(tmp_path, *args: str, day: str) -> pexpect.spawn:
    return spawn(tmp_path, "program", *args, NO_COLOR="1", HAMSTRING_CARE_TODAY=day)


def test_a_day_of_the_program_in_the_terminal(tmp_path):
    with open_history(Path(os.environ["HAMSTRING_CARE_DATA"])) as history:
        history.add_triage(
            taken_at=dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc),
            triage_version="2.0.0", disposition="self_massage", rule="r", answers={},
            cautions=[],
        )  # fmt: skip
    started, code = finish(spawn_program(tmp_path, "start", day="2026-12-01"))
    assert code == 0 and messages.stage_heading(1, 7, "Protect and walk") in started

    child = spawn_program(tmp_path, "today", day="2026-12-01")
    answer(
        child,
        [
            ("ready for the check-in?", "y"),
            ("Your worst pain during today's session", "2" + ENTER),
            ("Walking for 20 minutes: pain at most 4/10", "y"),
            ("Has any of these happened", ENTER),  # the list starts on "No"
            ("new pop", ENTER),
            ("Your pain now, at rest", "1" + ENTER),
        ],
    )
    out, code = finish(child)
    assert code == 0 and messages.MORNING_DECIDES in " ".join(out.split())

    child = spawn_program(tmp_path, "today", day="2026-12-02")
    answer(child, [("by this morning, was the pain", "y")])
    child.expect(
        re.escape(
            messages.next_stage(DecisionKind.STAY, messages.stage_heading(1, 7, "Protect and walk"))
        )
    )
    child.expect(re.escape("ready for the check-in?"))
    child.send("n")  # not yet: check in later
    out, code = finish(child)
    assert code == 0 and messages.check_in_when_back("hamstring-care") in " ".join(out.split())
