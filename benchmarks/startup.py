"""Start-up benchmark: hamstring-care against a bare Typer app, measured in the same run.

Bounds: `--help` and `--version` within 10% of the bare app's `--help` (issue 2); tab
completion within 1.2x of it (issue 15); `triage --answers FILE --json` within 1.2x of the
yardstick of issue 28, `bare_check.py`: a bare Typer command that reads the same answers with
PyYAML, validates them with one pydantic model and prints JSON (the simplest script doing a
check's work). The other triage rows are shown against it too. Runs alternate, round by
round, so that drift in the machine's load touches every command alike; the median of each
is compared.

    uv run python benchmarks/startup.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
APP = [PY, "-m", "hamstring_care"]
ANSWERS = str(HERE / "answers.yaml")

BARE = [PY, str(HERE / "bare_typer_app.py")]
CHECK = [PY, str(HERE / "bare_check.py"), ANSWERS, "--json"]
TRIAGE = [*APP, "triage", "--answers", ANSWERS]


def tab(words: str) -> list[str]:
    """What bash runs on TAB after ``words`` (the completion protocol Typer speaks)."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    return [
        "env", f"COMP_WORDS={words}", f"COMP_CWORD={cword}",
        "_HAMSTRING_CARE_COMPLETE=complete_bash", *APP,
    ]  # fmt: skip


HELP = "bare Typer app --help"
YARDSTICK = "bare check (yardstick)"
# name: (argv, bound or None, the row the bound multiplies, run on a terminal?)
COMMANDS = {
    HELP: ([*BARE, "--help"], None, HELP, False),
    "bare Typer app (runs)": ([*BARE, "--name", "x"], None, HELP, False),
    YARDSTICK: (CHECK, None, YARDSTICK, False),
    "hamstring-care --help": ([*APP, "--help"], 1.10, HELP, False),
    "hamstring-care --version": ([*APP, "--version"], 1.10, HELP, False),
    "triage --answers --json": ([*TRIAGE, "--json"], 1.20, YARDSTICK, False),
    "triage --answers | cat": (TRIAGE, None, YARDSTICK, False),
    "triage --answers (terminal)": (TRIAGE, None, YARDSTICK, True),
    "run <TAB>": (tab("hamstring-care run "), 1.20, HELP, False),
    "protocols show <TAB>": (tab("hamstring-care protocols show "), 1.20, HELP, False),
    "print --plan <TAB>": (tab("hamstring-care print --plan "), 1.20, HELP, False),
}


def time_once(argv: list[str], env: dict[str, str], terminal: bool) -> float:
    """Wall time of one run; on a terminal, a pseudo-terminal whose output is drained."""
    master = None
    stdout: int = subprocess.DEVNULL
    if terminal:
        master, stdout = os.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=stdout, stderr=subprocess.PIPE, env=env, stdin=subprocess.DEVNULL
    )
    if master is not None:
        os.close(stdout)
        while True:
            try:
                if not os.read(master, 65536):
                    break
            except OSError:  # EIO: the child closed the terminal
                break
        os.close(master)
    stderr = proc.stderr.read()
    proc.wait()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed: {stderr.decode()}")
    return elapsed


def bench_env() -> dict[str, str]:
    """The environment of a user's shell: 80 columns, no protocol folders, bytecode cached.

    PYTHONDONTWRITEBYTECODE (set on some CI machines) would make every run compile every
    module again, a cost no installed program pays, so it is removed.
    """
    env = {**os.environ, "COLUMNS": "80", "TERM": "xterm-256color"}
    for name in ("HAMSTRING_CARE_PROTOCOLS", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def rounds_option(doc: str, default: int) -> int:
    """The ``--rounds N`` option of a benchmark script."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=default)
    return parser.parse_args().rounds


def measure(
    commands: dict[str, tuple[list[str], bool]], env: dict[str, str], rounds: int
) -> dict[str, list[float]]:
    """Wall times of each (argv, on a terminal) command, alternating round by round.

    Each runs once first, unmeasured, so that the bytecode caches are warm.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    for argv, terminal in commands.values():
        time_once(argv, env, terminal)
    for _ in range(rounds):
        for name, (argv, terminal) in commands.items():
            times[name].append(time_once(argv, env, terminal))
    return times


def main() -> int:
    rounds = rounds_option(__doc__, 30)
    env = bench_env()
    runs = {name: (argv, terminal) for name, (argv, _, _, terminal) in COMMANDS.items()}
    times = measure(runs, env, rounds)
    failed = False
    print(f"{rounds} rounds, median wall time, Python {sys.version.split()[0]}")
    print(f"{'command':28} {'median':>8} {'ratio':>6} {'bound':>6}  of")
    for name, (_, bound, against, _) in COMMANDS.items():
        median = statistics.median(times[name])
        ratio = median / statistics.median(times[against])
        ok = bound is None or ratio <= bound
        failed |= not ok
        shown = "" if bound is None else f"{bound:.2f}"
        print(
            f"{name:28} {median * 1000:6.0f}ms {ratio:6.2f} {shown:>6}  {against}"
            f"{'' if ok else '  OVER'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
