"""The safety state as a machine: any sequence of what a person does, run after run.

Hypothesis drives sequences of checks with any result, routines played or stopped with each
stop answer, program starts and restarts, check-ins with any answers (skipped ones too),
mornings answered or not, and days passing, backwards included. After every step:

- no routine or program step was played while the newest advice was RICE or worse (a shadow
  of the newest advice, kept by the test from what the person was told, says which);
- every advice shown is saved: the history's newest advice is the shadow's;
- the decisions replayed from the saved check-ins are the decisions saved (and shown) when
  each was given;
- a stage never moved on without the answers its rule reads.

Bounded (15 sequences of up to 12 steps, about 15 s): it runs in the suite.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from hamstring_care import messages
from hamstring_care.history.store import open_history
from hamstring_care.safety import safety_state
from hamstring_care.vocab import DecisionKind, Disposition
from tests.conftest import SELF_MASSAGE, yaml_answers
from tests.fakes import (
    CheckInAsker,
    PassingKeys,
    ScriptedAsker,
    ScriptedKeys,
    invoke_with,
    make_env,
)

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
CALM = yaml_answers(SELF_MASSAGE)
CHECKS = {  # answers that give each result
    Disposition.SELF_MASSAGE: CALM,
    Disposition.RICE: {**CALM, "onset": "sudden", "days_since_onset": 2, "felt_pop": "no",
                       "strained_before": "no", "pain_location": "mid_thigh"},
    Disposition.CLINICIAN: {**CALM, "red_flags": ["tingling_or_numbness"]},
    Disposition.URGENT: {**CALM, "red_flags": ["fever"]},
    Disposition.EMERGENCY: {**CALM, "red_flags": ["saddle_numbness"]},
}  # fmt: skip
STOPS = [None, Disposition.RICE, Disposition.CLINICIAN, Disposition.URGENT]
PAINS = st.one_of(st.none(), st.integers(0, 10))
SIGNS = st.sampled_from([False, False, False, True, "not_sure"])


class SafetyMachine(RuleBasedStateMachine):
    """One person's history, in a data folder of its own, on a calendar the test moves."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="safety-machine-"))
        self.now = T0
        environ = {**os.environ, "HAMSTRING_CARE_DATA": str(self.folder)}
        self.env = make_env(now=lambda: self.now, environ=environ)
        self.newest: Disposition | None = None  # the shadow: the newest advice the person got
        self.newest_at = T0
        self.played_while_blocked: list[str] = []

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def invoke(self, *args: str):
        # Each command a minute after the last, as a person types them (advice given in the
        # same second counts the more careful as the newer).
        self.now += dt.timedelta(minutes=1)
        self.env.console = None
        return invoke_with(self.env, *args)

    def clock_refused(self, done) -> bool:
        """The clock was set back before the newest advice: nothing is saved or offered."""
        behind = self.newest is not None and self.now < self.newest_at
        if behind:
            assert done.exit_code == 2 and "the computer's clock" in done.stderr, done.stderr
        return behind

    @property
    def blocked(self) -> bool:
        return self.newest is not None and self.newest is not Disposition.SELF_MASSAGE

    def saved_newest(self) -> Disposition | None:
        with open_history(self.folder) as history:
            newest = safety_state(history.advice()).newest
        return None if newest is None else newest.level

    # --- what a person does -------------------------------------------------------------

    @initialize(under_way=st.sampled_from([True, True, True, False]))
    def a_start(self, under_way: bool) -> None:
        """Most sequences begin with a self-care check and a program under way, so that its
        days, stops and restarts are reached within the suite's few examples."""
        if under_way:
            self.a_check(Disposition.SELF_MASSAGE)
            self.a_program_start(restart=False, stage=None)

    # Self-care and a routine played through come up more often than each other outcome:
    # anything else ends a program, and a program's days are where its decisions happen.
    @rule(result=st.sampled_from([*CHECKS, Disposition.SELF_MASSAGE, Disposition.SELF_MASSAGE]))
    def a_check(self, result: Disposition) -> None:
        self.env.keys = PassingKeys(self.env.clock)
        self.env.prompter = ScriptedAsker({**CHECKS[result], "still_true": False})
        done = self.invoke()
        if self.clock_refused(done):
            return
        assert done.exit_code == 0, done.stderr
        self.newest, self.newest_at = result, self.now
        assert result.label in done.stdout

    @rule(stop=st.sampled_from([*STOPS, None, None]))
    def a_routine(self, stop: Disposition | None) -> None:
        self.env.prompter = ScriptedAsker({"red_flags": []})
        if stop is None:
            self.env.keys = PassingKeys(self.env.clock)
        else:
            choices = self.env.library().triage().stop_check.choices
            digit = next(str(i) for i, c in enumerate(choices, 1) if c.disposition == stop)
            self.env.keys = ScriptedKeys(self.env.clock, [(1, "s"), (2, digit)])
        done = self.invoke("run", "hamstring-stretch", "--count-in", "0", "--no-sound")
        if self.clock_refused(done):
            return
        if self.blocked or done.exit_code == 2:
            assert self.blocked, done.stderr  # refused only after advice of RICE or worse
            assert done.exit_code == 2 and "no routine now" in done.stderr
            return
        assert done.exit_code == 0, done.stderr
        if stop is not None:
            assert messages.STOPPED_HURT in done.stdout
            self.newest, self.newest_at = stop, self.now

    @rule(restart=st.booleans(), stage=st.sampled_from([None, "lengthen"]))
    def a_program_start(self, restart: bool, stage: str | None) -> None:
        self.env.prompter = CheckInAsker({})
        args = ["program", "start", *(["--restart"] if restart else [])]
        done = self.invoke(*args, *(["--stage", stage] if stage else []))
        if done.exit_code == 0:
            assert self.newest is Disposition.SELF_MASSAGE, "a program started after " + str(
                self.newest
            )
        else:
            assert done.exit_code == 2, done.stderr

    @rule(
        pain=PAINS, rest=PAINS, warning=SIGNS, pop=SIGNS, yes=st.booleans(),
        morning=st.booleans(), ready=st.sampled_from([True, True, True, False]),
    )  # fmt: skip
    def a_program_day(self, pain, rest, warning, pop, yes, morning, ready) -> None:
        answers = {"pain": pain, "rest": rest, "warning": warning, "pop": pop, "yes": yes,
                   "morning": morning, "ready": ready, "check": False}  # fmt: skip
        self.env.keys = PassingKeys(self.env.clock)
        self.env.prompter = asker = CheckInAsker(answers)
        blocked = self.blocked
        done = self.invoke("program", "today")
        assert done.exit_code in (0, 2), done.stderr
        program = self.env.library().get("back-to-running")  # what `program start` starts
        shown = " ".join(done.stdout.split())
        todays = [messages.today(messages.stage_heading(n, len(program.stages), stage.title))
                  for n, stage in enumerate(program.stages, 1)]  # fmt: skip
        stopped = messages.program_stopped(program.title, self.env.program) in shown
        if any(step in shown for step in todays):
            assert not blocked, f"a program step shown after {self.newest}"
        if stopped:
            with open_history(self.folder) as history:
                (run, *_) = history.program_runs()
            assert run.stop_level is not None
            self.newest, self.newest_at = run.stop_level, self.now
        assert "Start the check now?" not in asker.asked or stopped

    @rule(
        pain=PAINS, rest=PAINS, warning=SIGNS, pop=SIGNS, yes=st.booleans(),
        morning=st.booleans(),
    )  # fmt: skip
    def another_program_day(self, pain, rest, warning, pop, yes, morning) -> None:
        """The same as a program day, ready for the check-in: rules are drawn evenly, and a
        program's days are where most of its decisions and stops happen."""
        self.a_program_day(pain, rest, warning, pop, yes, morning, ready=True)

    @rule(days=st.sampled_from([-1, 1, 1, 1, 2, 3, 9]))
    def days_pass(self, days: int) -> None:
        self.now += dt.timedelta(days=days, minutes=1)

    # --- what must always hold -------------------------------------------------------------

    @invariant()
    def every_advice_is_saved(self) -> None:
        if (self.folder / "history.db").exists():
            assert self.saved_newest() == self.newest

    @invariant()
    def decisions_replay_as_saved_and_need_their_answers(self) -> None:
        from hamstring_care.flows.program import for_run, replayed, saved_check_ins

        if not (self.folder / "history.db").exists():
            return
        library = self.env.library()
        with open_history(self.folder) as history:
            for run in history.program_runs():
                stored = history.check_ins(run.id)
                checks = saved_check_ins(history, run)
                program = for_run(library.get(run.program_id), run)
                last_day = checks[-1].day if checks else None
                state = replayed(program, run, checks, last_day) if checks else None
                if state is None:
                    continue
                decided = {d.day: d for d in state.decisions}
                for saved in stored:
                    replay = decided.get(saved.check.day)
                    if saved.decision is not None and replay is not None:
                        assert replay.kind == saved.decision, (saved, replay)
                for saved in stored:
                    if saved.decision is DecisionKind.MOVE_ON:
                        said = saved.check
                        assert said.pain_during is not None and said.rest_pain is not None
                        assert said.settled is True and all(said.answers.values())


SafetyMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("SAFETY_EXAMPLES", "15")),
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_the_safety_state_holds_whatever_a_person_does = SafetyMachine.TestCase
