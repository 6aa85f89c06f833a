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
