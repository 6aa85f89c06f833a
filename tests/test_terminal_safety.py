"""Stop means stop, in a real terminal, run after run (issue 23's findings, as a person meets
them): the prompts, keys and screens are the real ones."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest

from hamstring_care import messages
from hamstring_care.history.store import open_history
from hamstring_care.vocab import DecisionKind
from tests.terminal_driver import (
    BUNDLED_GRADUAL,
    DOWN,
    ENTER,
    NONE_OF_THESE,
    answer,
    finish,
    spawn,
)


def data() -> Path:
    return Path(os.environ["HAMSTRING_CARE_DATA"])


def self_care_check_saved() -> None:
    with open_history(data()) as history:
        history.add_triage(
            taken_at=dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc),
            triage_version="2.1.0", disposition="self_massage", rule="ready-for-self-care",
            answers={}, cautions=[],
        )  # fmt: skip


@pytest.fixture(scope="session")
def popped(tmp_path_factory) -> dict:
    """The run that stopped with a pop, once in this test process: what it said, and a copy
    of the folder it ran in (its history) as it left it. For the session: an xdist worker
    runs other modules' tests in between, which would end a module's fixtures."""
    return {"kept": tmp_path_factory.mktemp("popped")}


def stopped_with_a_pop(tmp_path, popped) -> str:
    """The check (self-care), the routine, then "s" and "I felt a pop or snap".

    Played once in each test process (a whole check and routine in a real terminal); a
    later test gets what it said and a fresh copy of its folder in its own ``tmp_path``."""
    if "said" in popped:
        shutil.copytree(popped["kept"], tmp_path, dirs_exist_ok=True)
        return popped["said"]
    child = spawn(tmp_path, NO_COLOR="1")
    answer(
        child,
        [
            ("Do any of these apply", NONE_OF_THESE),
            *BUNDLED_GRADUAL,
            ("first?", "n"),  # reading the steps
            ("Which leg hurts?", ENTER),
            ("Start “Foam roller and ball self-massage” now", "y"),
            ("pain now", ENTER),
            ("Get ready", "s"),
            ("Is the pain sharp or worse than before", "3"),  # "Yes: I felt a pop or snap"
            ("How is the pain now", ENTER),
        ],
    )
    output, status = finish(child)
    assert status == 0, output
    said = " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())
    shutil.copytree(tmp_path, popped["kept"], dirs_exist_ok=True)
    popped["said"] = said
    return said


def test_1_and_8_after_a_pop_the_next_launch_goes_straight_into_the_check(tmp_path, popped):
    said = stopped_with_a_pop(tmp_path, popped)
    assert "See a clinician today" in said
    why = said.index("Why")
    assert said.index("A pop or snap during the routine can mean a tear") > why  # 8: its own
    assert "Deep vein thrombosis" not in said  # 8: not the clot rule's sources
    child = spawn(tmp_path, NO_COLOR="1")
    child.expect("Last advice:")
    answer(child, [("Do any of these apply", NONE_OF_THESE)])
    # The check itself, the way back (a re-check: the age kept, the risk factors asked with
    # last time's ticks): no "play your routine again".
    child.expect(r"Do any of these apply to you\?")
    assert "Play your routine again" not in child.before
    child.sendcontrol("c")
    assert finish(child)[1] == 130


def test_1_and_2_no_routine_and_no_program_after_the_pop(tmp_path, popped):
    stopped_with_a_pop(tmp_path, popped)
    for args in (("run", "hamstring-stretch"), ("program", "start")):
        output, status = finish(spawn(tmp_path, *args, NO_COLOR="1"))
        shown = " ".join(output.split())
        assert status == 2, shown
        assert "the newest advice is “See a clinician today” (after a routine stopped" in shown
        assert "a new check that allows it: hamstring-care" in shown


def test_3_the_check_after_a_program_stop_is_the_check(tmp_path):
    self_care_check_saved()
    assert finish(spawn(tmp_path, "program", "start", HAMSTRING_CARE_TODAY="2026-12-01"))[1] == 0
    child = spawn(tmp_path, "program", "today", NO_COLOR="1", HAMSTRING_CARE_TODAY="2026-12-01")
    answer(
        child,
        [
            ("ready for the check-in?", "y"),
            ("Your worst pain during today's session", "2" + ENTER),
            ("Walking for 20 minutes", "y"),
            ("Has any of these happened", DOWN + ENTER),  # Yes: a warning sign
            ("new pop", ENTER),
            ("Your pain now, at rest", "1" + ENTER),
            ("Start the check now?", "y"),
            ("Do any of these apply", NONE_OF_THESE),
        ],
    )
    child.expect(r"How old are you\?|Still true\?")  # straight into the check: no routine
    assert "Play your routine again" not in child.before
    child.sendcontrol("c")
    finish(child)
    output, status = finish(spawn(tmp_path, "program", "status", HAMSTRING_CARE_TODAY="2026-12-02"))
    shown = " ".join(output.split())
    assert status == 0  # 7: when, why and the way back
    assert "it stopped on Tue 1 Dec: a warning sign; a new check first: hamstring-care" in shown


def test_4_and_7_a_day_above_the_limit_settled_by_morning_goes_on(tmp_path):
    self_care_check_saved()
    started = spawn(tmp_path, "program", "start", "--stage", "lengthen",
                    HAMSTRING_CARE_TODAY="2026-12-01")  # fmt: skip
    answer(started, [("Walking for 20 minutes: pain at most 4/10", "y")])  # the reason
    assert finish(started)[1] == 0
    child = spawn(tmp_path, "program", "today", NO_COLOR="1", HAMSTRING_CARE_TODAY="2026-12-01")
    answer(
        child,
        [
            ("Play “Lengthening exercises” now?", "n"),
            ("ready for the check-in?", "y"),
            ("Your worst pain during today's session", "6" + ENTER),
            ("all day at 4 out of 10 or less", "y"),
            ("Has any of these happened", ENTER),
            ("new pop", ENTER),
            ("Your pain now, at rest", "1" + ENTER),
        ],
    )
    output, status = finish(child)
    said = " ".join(output.split())
    assert status == 0
    assert "Today's pain was above your limit (6 out of 10; the limit is 4)" in said  # 7
    assert "Tonight:" in said
    child = spawn(tmp_path, "program", "today", NO_COLOR="1", HAMSTRING_CARE_TODAY="2026-12-02")
    answer(child, [("by this morning, was the pain", "y")])
    walk = messages.stage_heading(1, 7, "Protect and walk")
    child.expect(re.escape(messages.next_stage(DecisionKind.STEP_BACK, walk)))
    child.expect(re.escape("pain 6 out of 10 during"))  # the engine's reason
    answer(
        child,
        [
            ("ready for the check-in?", "y"),
            ("Your worst pain during today's session", "1" + ENTER),
            ("Walking for 20 minutes", "y"),
            ("Has any of these happened", ENTER),
            ("new pop", ENTER),
            ("Your pain now, at rest", "0" + ENTER),
        ],
    )
    output, status = finish(child)
    said = " ".join(output.split())
    assert status == 0
    assert "has stopped" not in said and messages.STOP_PROGRAM not in said  # 4: no false stop
