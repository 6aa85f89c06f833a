"""The progress log in a real pseudo-terminal: saved sessions, confirmations, the re-check."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect

from hamstring_care.history.folder import FILE_NAME
from hamstring_care.history.store import open_history
from tests.terminal_driver import (
    CTRL_C,
    ENTER,
    GRADUAL,
    NONE_OF_THESE,
    WARNING_SIGNS,
    answer,
    finish,
    spawn_check,
    spawn_run,
)


def spawn_history(tmp_path, *args: str) -> pexpect.spawn:
    environ = {
        **os.environ,
        "TERM": "xterm-256color",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "NO_COLOR": "1",  # plain words to match
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "hamstring_care", "history", *args],
        env=environ,
        dimensions=(30, 100),
        encoding="utf-8",
        timeout=20,
    )


def data() -> Path:
    return Path(os.environ["HAMSTRING_CARE_DATA"])


def test_a_session_run_in_the_terminal_shows_in_history_then_is_forgotten(
    tmp_path, small_protocols
):
    child = spawn_run(tmp_path, "--count-in", "1")
    answer(child, [("pain now", "4" + ENTER), ("Press a spot", ""), ("tenderness eases", ENTER)])
    answer(child, [("How is the pain now", "2" + ENTER)])
    assert finish(child)[1] == 0

    shown, status = finish(spawn_history(tmp_path))
    shown = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert status == 0, shown
    assert re.search(r"waits, both legs +Done: (\d) of \1 parts, 0:0\d +4 -> 2", shown)

    child = spawn_history(tmp_path, "forget", "--all")
    answer(child, [("Delete 1 session and 0 checks? This cannot be undone.", "y")])
    output, status = finish(child)
    assert status == 0 and "Deleted 1 session and 0 checks." in output
    with open_history(data()) as history:
        assert history.counts().sessions == 0


def test_ctrl_c_mid_routine_keeps_what_was_done(tmp_path, small_protocols):
    child = spawn_run(tmp_path, "--count-in", "1")
    answer(child, [("pain now", ENTER), ("LEFT LEG", CTRL_C)])
    assert finish(child)[1] == 130
    with open_history(data()) as history:
        (saved,) = history.sessions()
    assert saved.stop_reason == "interrupted" and saved.segments_completed >= 2
    shown, _ = finish(spawn_history(tmp_path))
    assert "Interrupted (Ctrl-C)" in shown


def test_recheck_opens_the_guided_check_after_rice(tmp_path):
    with open_history(data()) as history:
        history.add_triage(
            taken_at=datetime.now(timezone.utc) - timedelta(days=3),
            triage_version="1.1.0",
            disposition="rice",
            rule="painful-to-move",
            answers={"red_flags": [], "can_walk_without_pain": "no", "pain_at_rest": 4},
            cautions=["no_massage"],
        )
    child = spawn_check(tmp_path, NO_COLOR="1")
    child.expect("Three days ago you were advised RICE: let's check again.")
    # A check of an older triage re-checked: only the answers both have are compared.
    answer(child, [(WARNING_SIGNS, NONE_OF_THESE), *GRADUAL])
    child.expect("Your answers have improved since last time.")
    steps = [("Which leg hurts?", ENTER), ("Start “Roll and press", "n"), ("Test stretch”", "n")]
    answer(child, steps)
    assert finish(child)[1] == 0
    with open_history(data()) as history:
        latest, first = history.triage_results()
    assert latest.recheck_of == first.id and latest.disposition == "self_massage"


def test_repair_asks_before_moving_a_damaged_file(tmp_path):
    data().mkdir(parents=True)
    (data() / FILE_NAME).write_bytes(b"garbage" * 1000)
    child = spawn_history(tmp_path, "repair")
    child.expect("the history file is damaged")
    answer(child, [("start a new history", "n")])
    output, status = finish(child)
    assert status == 0 and "Left as it is." in output
    child = spawn_history(tmp_path, "repair")
    answer(child, [("start a new history", "y")])
    output, status = finish(child)
    assert status == 0 and "A new history starts at" in output
    assert len(list(data().glob("history.damaged-*.db"))) == 1
