"""Promises the project makes about itself: docs, privacy of set-up, light imports."""

from __future__ import annotations

import re
import subprocess
import sys

from typer.testing import CliRunner

from hamstring_care import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    """Every command of the app, read from it (so a new command cannot miss the README)."""
    import typer

    found: list[str] = []

    def walk(group: object, prefix: str) -> None:
        for name, command in sorted(getattr(group, "commands", {}).items()):
            path = f"{prefix} {name}".strip()
            if getattr(command, "commands", None):
                walk(command, path)
                if getattr(command, "invoke_without_command", False):
                    found.append(path)
            else:
                found.append(path)

    walk(typer.main.get_command(cli.app), "")
    return found


COMMANDS = commands()


def test_readme_quick_start_is_the_two_commands():
    assert "uv run hamstring-care\n" in README
    assert "uv run pytest\n" in README
    assert "pip install uv" in README
    assert "pip install ." in README and "pipx install ." in README
    assert "uv tool install ." in README


def test_the_command_list_is_read_from_the_app():
    assert {"start", "run", "print", "history repair", "protocols schema"} <= set(COMMANDS)


def test_every_command_has_help_and_is_in_the_readme():
    runner = CliRunner()
    for command in COMMANDS:
        result = runner.invoke(cli.app, [*command.split(), "--help"], catch_exceptions=False)
        assert result.exit_code == 0, command
        assert f"hamstring-care {command}" in README, command


def test_readme_documents_every_exit_code():
    from hamstring_care.errors import ExitCode

    for code in ExitCode:
        assert f"| {int(code)} |" in README, code


def test_no_file_names_a_package_registry_address():
    registries = ["pypi" + ".org", "files." + "pythonhosted", "registry." + "npmjs"]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in tracked:
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        for address in registries:
            assert address not in text, f"{name} names {address}"


def test_uv_lock_is_ignored():
    assert "uv.lock" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_help_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from hamstring_care import cli\n"
        "try:\n    cli.app(['--help'], prog_name='hamstring-care')\n"
        "except SystemExit:\n    pass\n"
        "heavy = ['yaml', 'pydantic', 'questionary', 'prompt_toolkit', 'hamstring_care.models',\n"
        "         'fpdf', 'uharfbuzz', 'rich', 'sqlite3', 'platformdirs']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_help_shows_arguments_as_people_read_them():
    from typer.main import get_command
    from typer.testing import CliRunner

    from hamstring_care.cli import app

    runner = CliRunner()
    group = get_command(app)
    for name, command in group.commands.items():
        paths = [[name]]
        if hasattr(command, "commands"):
            paths = [[name, sub] for sub in command.commands]
        for path in paths:
            shown = runner.invoke(app, [*path, "--help"]).stdout
            assert not re.search(r"<(str|list|Path)|\{[A-Z]+\}|\[\[", shown), (path, shown)


def _shape(command: object) -> object:
    """What a Click command is to its user: help, parameters, and its commands in order."""

    def shown(value: object) -> str:  # objects made afresh by each build, by their contents
        inner = getattr(value, "parameter_info", None)
        text = repr(value) + (repr(vars(inner)) if inner is not None else "")
        return re.sub(r" at 0x[0-9a-f]+", "", text)

    params = [
        {k: shown(v) for k, v in vars(p).items() if k not in ("callback", "_runtime_param")}
        for p in getattr(command, "params", [])
    ]
    subcommands = getattr(command, "commands", None)
    inner = [(n, _shape(c)) for n, c in subcommands.items()] if subcommands is not None else None
    return (getattr(command, "help", None), params, inner)


def test_commands_built_on_demand_are_the_commands_typer_builds():
    import typer

    from hamstring_care.cli.app import on_demand

    eager = typer.main.get_command(cli.app)
    lazy = typer.main.get_command(on_demand(cli.app))
    assert list(lazy.commands) == list(eager.commands)  # type: ignore[attr-defined]
    assert len(eager.commands) >= 9  # type: ignore[attr-defined]
    assert _shape(lazy) == _shape(eager)


def test_a_run_builds_only_the_command_it_runs(monkeypatch):
    import typer.main

    from hamstring_care.cli.app import on_demand

    built: list[str] = []
    build = typer.main.get_command_from_info

    def counted(info, **settings):
        command = build(info, **settings)
        built.append(command.name)
        return command

    monkeypatch.setattr(typer.main, "get_command_from_info", counted)
    shown = CliRunner().invoke(on_demand(cli.app), ["triage", "--help"])
    assert shown.exit_code == 0 and "--answers" in shown.stdout
    assert built == ["triage"]


def test_a_check_defines_the_triage_models_alone():
    code = (
        "import sys\n"
        "from hamstring_care import cli\n"
        f"sys.argv = ['hamstring-care', 'triage', '--answers', {str(ROOT / 'benchmarks' / 'answers.yaml')!r}, '--json']\n"
        "try:\n    cli.main()\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('hamstring_care.models')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"disposition"' in out.stdout
    shown = out.stdout.strip().splitlines()[-1]
    assert shown == str(
        ["hamstring_care.models", "hamstring_care.models.base", "hamstring_care.models.triage"]
    )


def test_every_model_name_is_found_where_the_type_checker_is_told_it_is():
    import ast
    import importlib

    from hamstring_care import models

    package = ROOT / "hamstring_care" / "models"
    told: dict[str, str] = {}
    for node in ast.walk(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "hamstring_care.models."
        ):
            told.update({alias.name: node.module.rsplit(".", 1)[1] for alias in node.names})  # type: ignore[union-attr]
    for path in sorted(package.glob("*.py")):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"hamstring_care.models.{path.stem}")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = []
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in names:
                if name.startswith("_"):
                    continue
                assert told.get(name) == path.stem, f"{name} of models/{path.name}"
                assert getattr(models, name) is getattr(module, name)
    assert set(models._HOME_OF) == set(told)
    assert models.model_for("routine") is models.RoutineProtocol
    assert models.model_for("recipe") is None


ENTRY_IN_A_FRESH_PROCESS = """
import gc, sys
during_load = []

def watch(phase, info):
    cli = sys.modules.get("hamstring_care.cli")
    if phase == "start" and cli is not None and not hasattr(cli, "main"):
        during_load.append(info["generation"])

gc.callbacks.append(watch)
sys.argv = ["hamstring-care", "--version"]
from hamstring_care import entry
try:
    entry.main()
except SystemExit:
    pass
print(len(during_load), gc.isenabled(), gc.get_freeze_count() > 10_000)
"""


def test_the_program_loads_with_the_cycle_collector_paused_then_runs_with_it():
    """Loading makes objects that live for the run: no collector passes over them (issue 28)."""
    out = subprocess.run(
        [sys.executable, "-c", ENTRY_IN_A_FRESH_PROCESS], capture_output=True, text=True, check=True
    )
    assert out.stdout.splitlines()[0].startswith("hamstring-care ")
    assert out.stdout.splitlines()[-1] == "0 True True"


def test_the_script_and_python_m_start_through_the_entry_point():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.findall(r"^hamstring-care = (.*)$", pyproject, re.M) == [
        '"hamstring_care.entry:main"'
    ]
    main_module = (ROOT / "hamstring_care" / "__main__.py").read_text(encoding="utf-8")
    assert "from hamstring_care.entry import main" in main_module
