"""The wheel carries the protocols, and the installed program finds them from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT

uv = shutil.which("uv")


@pytest.mark.skipif(uv is None, reason="building the wheel needs uv, as the README says")
def test_wheel_ships_protocols_and_finds_them_from_anywhere(tmp_path):
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    for name in ("triage", "rice", "foam-roller-and-ball", "hamstring-stretch"):
        assert f"hamstring_care/protocols/{name}.yaml" in names
    assert "hamstring_care/protocols/illustrations/roller-thigh.svg" in names
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE-DejaVu.txt"):
        assert f"hamstring_care/fonts/{name}" in names
    for kind in ("routine", "guidance"):
        assert f"hamstring_care/starters/{kind}.yaml" in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)  # MIT: its notice
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Only the unpacked wheel is on the path for our package; dependencies come from this venv.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from hamstring_care.source.library import bundled_dir; import hamstring_care, sys;"
            "print(bundled_dir()); print(hamstring_care.__file__)",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    bundled, package = result.stdout.split()
    assert bundled == str(tmp_path / "site" / "hamstring_care" / "protocols")
    assert package.startswith(str(tmp_path / "site"))

    def installed(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "hamstring_care", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    started = installed("protocols", "new", "calf-roll", "-o", ".")
    assert started.returncode == 0, started.stderr
    assert (elsewhere / "calf-roll.yaml").is_file()
    listed = installed("protocols", "validate")
    assert listed.returncode == 0, listed.stderr
    assert "7 files checked: all valid." in listed.stdout
    printed = installed("print", "foam-roller-and-ball", "-o", "s.pdf")
    assert printed.returncode == 0, printed.stderr
    assert printed.stderr == "Wrote s.pdf, 3 pages.\n"  # the routine, then the record alone
    html = installed("print", "foam-roller-and-ball", "-f", "html", "-o", "-")
    assert html.stdout.count('<img src="data:image/svg+xml;base64,') == 6  # the drawings ship too


def test_every_package_the_code_imports_is_declared():
    """What the code imports, it declares: a dependency that arrives only through another
    package's requirements can vanish, or change, with that package's next release."""
    import ast
    import importlib.metadata
    import re

    try:
        import tomllib
    except ImportError:  # Python 3.10: pytest brings the same parser
        import tomli as tomllib  # type: ignore[no-redef]

    declared = {
        re.split(r"[<>=!~ ;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "dependencies"
        ]
    }
    distributions = importlib.metadata.packages_distributions()
    imported: dict[str, str] = {}
    for path in (ROOT / "hamstring_care").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import)
                else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0
                and node.module else []
            )  # fmt: skip
            for name in names:
                top = name.partition(".")[0]
                if top in distributions and top != "hamstring_care":
                    imported[top] = path.relative_to(ROOT).as_posix()
    undeclared = {
        top: where
        for top, where in imported.items()
        if not {d.lower().replace("_", "-") for d in distributions[top]} & declared
    }
    assert undeclared == {}
