"""Hostile files: each must end in one clear error within 2 s and 200 MB (issue 6).

Runs every hostile file of tests/test_hostile.py, plus the worst shapes that still pass the
size and count limits, through `triage --answers`, `print --plan` and `protocols validate`,
each as a fresh process, and keeps the slowest wall time and the largest peak resident
memory (the child's ru_maxrss) over the rounds.

    uv run python benchmarks/hostile.py [--rounds 3]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.startup import bench_env, rounds_option  # noqa: E402
from tests.test_hostile import HOSTILE, MIB  # noqa: E402

BOUND_S = 2.0
BOUND_MB = 200
COMMANDS = {
    "triage --answers": ["triage", "--answers"],
    "print --plan": ["print", "--plan"],
    "protocols validate": ["protocols", "validate"],
}


def near_the_limits() -> dict[str, bytes]:
    """Files just inside every limit, so the whole loader runs on the most it accepts."""
    steps = b"".join(
        b"  - {title: s%d, instruction: x, hold: %dx, per_side: maybe, method: m, area: a}\n"
        % (i, i)
        for i in range(1400)
    )
    return {
        "19,990 values, each wrong": b"".join(b"k%d: v\n" % i for i in range(9995)),
        "1,400 broken steps": b"id: x\nversion: '1'\nkind: routine\nsteps:\n" + steps,
        "1 MiB of escape sequences": b'onset: "' + b"\\e" * (MIB // 2 - 8) + b'"\n',
        "1 MiB of Rich markup": b'onset: "' + b"[b]" * (MIB // 3 - 4) + b'"\n',
        "aliases repeating 9,999": b"a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\nb: ["
        + b", ".join([b"*a"] * 833)
        + b"]\n",
    }


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident MB and exit code of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    rounds = rounds_option(__doc__ or "", 3)
    env = bench_env()
    cases = {name: content for name, (content, _) in HOSTILE.items()} | near_the_limits()
    with tempfile.TemporaryDirectory() as folder:
        paths = {}
        for i, (name, content) in enumerate(cases.items()):
            paths[name] = Path(folder) / f"case{i}.yaml"
            paths[name].write_bytes(content)
        worst_s, worst_mb = 0.0, 0.0
        print("| file | command | slowest | peak memory | exit |\n|---|---|---|---|---|")
        for name, path in paths.items():
            for label, args in COMMANDS.items():
                runs = [
                    run([sys.executable, "-m", "hamstring_care", *args, str(path)], env)
                    for _ in range(rounds)
                ]
                seconds = max(r[0] for r in runs)
                megabytes = max(r[1] for r in runs)
                codes = {r[2] for r in runs}
                worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, megabytes)
                code = ",".join(str(c) for c in sorted(codes))
                print(
                    f"| {name} | {label} | {seconds * 1000:.0f} ms | {megabytes:.0f} MB | {code} |"
                )
    met = worst_s <= BOUND_S and worst_mb <= BOUND_MB
    print(
        f"\nWorst: {worst_s * 1000:.0f} ms, {worst_mb:.0f} MB; bound {BOUND_S:.0f} s and "
        f"{BOUND_MB} MB: {'met' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
