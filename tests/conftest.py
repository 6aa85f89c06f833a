"""Shared fixtures: a predictable environment, the suite's own protocols and the bundled ones."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from hamstring_care.source.library import Library, bundled_dir, protocol_dirs

ROOT = Path(__file__).resolve().parent.parent

# Where PYTHONDONTWRITEBYTECODE is set (as on the project's machine), every test process would
# compile pydantic, Rich and the rest again on every run: write the bytecode once, here, as an
# installed program has it. (Each xdist worker reads this file too.)
sys.dont_write_bytecode = False


def _build_the_command_line_once() -> None:
    """Typer's CliRunner builds the Click command from the Typer app on every invoke, some
    1,200 times a run. The program's app is complete once imported and nothing changes it,
    and a Click command keeps nothing from one run to the next (each run has a context of its
    own), so its command is built once in each test process, as ``main()`` builds it: with
    each command made when first looked up (``cli.app.on_demand``; a test holds it equal to
    Typer's own). Any other app is built on every invoke, as before; the command-line tests
    that run a real process build theirs as the program does."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # another Typer: every invoke builds its command, only slower
        return
    built: dict[str, object] = {}

    def get_command(app):
        from hamstring_care import cli
        from hamstring_care.cli.app import on_demand

        if app is not cli.app:
            return build(app)
        if "app" not in built:
            built["app"] = build(on_demand(app))
        return built["app"]

    typer.testing._get_command = get_command  # type: ignore[attr-defined]


_build_the_command_line_once()


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of parsed protocols for the whole run: it is keyed on content, so sharing
    it is safe, and the tests that are about the cache use their own."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def shared_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user config folder for the whole run: the cache's key, so the shared cache serves
    every test (a key of each test's own would make each test seal the entries again)."""
    return tmp_path_factory.mktemp("config")


@pytest.fixture(autouse=True)
def stable_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shared_cache: Path, shared_config: Path
) -> None:
    """Same output everywhere: 80 columns, no colour, no user protocol folders, empty HOME,
    and a progress log of the test's own."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HAMSTRING_CARE_PROTOCOLS", raising=False)
    monkeypatch.setenv("HAMSTRING_CARE_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("TZ", "UTC")  # local days and times in the history views
    time.tzset()
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(shared_config))
    monkeypatch.delenv("UV_RUN_RECURSION_DEPTH", raising=False)  # hints as when installed
    monkeypatch.setenv("HAMSTRING_CARE_CACHE", str(shared_cache))


@pytest.fixture(scope="session")
def library() -> Library:
    """The bundled protocols: only for the tests about the bundled content."""
    return Library(protocol_dirs(environ={}))


@pytest.fixture(scope="session")
def triage_protocol(library: Library):
    """The bundled triage: only for the tests about the bundled content."""
    return library.triage()


@pytest.fixture(scope="session")
def small_library() -> Library:
    """The suite's own small protocols alone (tests/fixtures.py), no bundled one."""
    from tests.fixtures import SMALL

    return Library([SMALL])


@pytest.fixture(scope="session")
def small_triage(small_library: Library):
    return small_library.triage()


@pytest.fixture
def small_protocols(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The command line on the suite's own protocols, as a clinic's folder would be used:
    its triage and rice override the bundled ones by id, and its routines are its own."""
    from tests.fixtures import SMALL

    monkeypatch.setenv("HAMSTRING_CARE_PROTOCOLS", str(SMALL))
    return SMALL


@pytest.fixture
def write(tmp_path: Path):
    """Write a dedented text file under tmp_path and return its path."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


def bundled_text(name: str) -> str:
    """The text of a bundled protocol file, to copy and alter in a test."""
    return (bundled_dir() / name).read_text(encoding="utf-8")


CALM_ANSWERS = {
    "red_flags": [],
    "age": 35,
    "risk_factors": [],
    "onset": "gradual",
    "days_since_onset": 30,
    "trend": "same",
    "pain_location": "mid_thigh",
    "back_pain": "no",
    "pain_at_rest": 2,
    "can_walk_without_pain": "yes",
    "can_rise_without_pain": "yes",
}
"""A complete triage 2.0 answers set: no warning sign, a gradual mild ache for 30 days."""


@pytest.fixture
def env():
    """The command line's environment for one test: routines play on a fake clock, no
    prompts unless a test gives a scripted asker (``env.prompter = ...``), output to the
    runner (a console is made for each command)."""
    from tests.fakes import make_env

    return make_env()


@pytest.fixture
def invoke(env):
    """Run the command line on the test's ``env``."""
    from tests.fakes import invoke_with

    def run(*args: str, input: str | None = None):
        env.console = None  # each command prints to the runner's output of its own
        return invoke_with(env, *args, input=input)

    return run


SELF_MASSAGE = """\
red_flags: []
age: 35
risk_factors: []
onset: gradual
felt_pop: no             # asked only after a sudden onset: here ignored
days_since_onset: 30
trend: same
pain_location: back_of_knee
back_pain: no
strained_before: no      # asked only after a sudden onset: here ignored
pain_at_rest: 2
can_walk_without_pain: yes
can_rise_without_pain: yes
"""
"""The answers file of a calm self-care check, as a user writes it (YAML yes/no)."""


def yaml_answers(text: str) -> dict:
    import yaml

    data = yaml.safe_load(text)
    return {k: ("yes" if v is True else "no" if v is False else v) for k, v in data.items()}
