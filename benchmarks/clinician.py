"""Clinician benchmark: the progress report of a year, and the FHIR export of 10,000 sessions.

Bounds (issue 27), wall time, start-up included: `history report` of a year of daily use (730
sessions, two a day, and a back-to-running program's 365 daily check-ins, with 12 checks)
under 2 s, as PDF and as HTML; `history export --format fhir` of 10,000 sessions (two a day
for 5,000 days, 500 checks) under 3 s. Neither may load a FHIR or plotting library: each run
is also made once in-process, and the modules it loaded are listed. `hamstring-care --help`
is measured in the same run, round by round, to show the machine's floor.

    uv run python benchmarks/clinician.py [--rounds 7]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from history import fill as fill_ten_thousand
from startup import APP, PY, bench_env, measure, rounds_option

from hamstring_care.history.store import open_history

REPORT_BOUND = 2.0
FHIR_BOUND = 3.0
HEAVY = ("fhir", "fhir_core", "matplotlib", "plotly", "pygal", "numpy", "pandas")


def fill_year(folder: Path) -> None:
    """A year of daily use up to now: 730 sessions, a program's 365 check-ins, 12 checks."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    first = now - timedelta(days=365)
    with open_history(folder) as history:
        db = history.connection
        db.execute("BEGIN")
        for i in range(12):
            taken = (first + timedelta(days=30 * i)).isoformat()
            db.execute(
                "INSERT INTO triage_results (taken_at, recorded_at, triage_version, disposition, "
                "rule, answers, cautions, side) VALUES (?, ?, '2.1.0', 'self_massage', "
                "'ready-for-self-care', '{\"pain_at_rest\": 2}', '[]', 'right')",
                (taken, taken),
            )
        for i in range(730):
            start = (first + timedelta(hours=12 * i + 1)).isoformat()
            db.execute(
                "INSERT INTO sessions (routine_id, routine_version, side, started_at, "
                "updated_at, ended_at, recorded_at, segments_total, segments_completed, "
                "planned_seconds, elapsed_seconds, pain_before, pain_after) "
                "VALUES ('foam-roller-and-ball', '1.1.0', 'right', ?, ?, ?, ?, 28, 28, 330, "
                "340.0, ?, ?)",
                (start, start, start, start, 2 + i % 5, i % 4),
            )
        started = (first + timedelta(hours=2)).isoformat()
        run = db.execute(
            "INSERT INTO program_runs (program_id, program_version, side, start_stage, "
            "started_at, recorded_at, onset_day) VALUES ('back-to-running', '2.1.0', 'right', "
            "'walk', ?, ?, ?)",
            (started, started, (first.date() - timedelta(days=10)).isoformat()),
        ).lastrowid
        for i in range(365):
            day = first.date() + timedelta(days=i)
            taken = (first + timedelta(days=i, hours=11)).isoformat()
            db.execute(
                "INSERT INTO program_check_ins (run_id, day, taken_at, recorded_at, stage, "
                "pain_during, answers, warning_sign, new_pop, rest_pain, settled) "
                "VALUES (?, ?, ?, ?, 'walk', ?, '{\"walk_ok\": true}', 0, 0, 1, 1)",
                (run, date.isoformat(day), taken, taken, 1 + i % 4),
            )
        db.execute("COMMIT")


def loaded(argv: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries a command loads (run once, in a process of its own)."""
    code = (
        "import sys, runpy\n"
        f"sys.argv = {['hamstring-care', *argv]!r}\n"
        "try:\n    runpy.run_module('hamstring_care', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r}), "
        "file=sys.stderr)\n"
    )
    done = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stderr.strip().splitlines()[-1].replace("'", '"'))


def main() -> int:
    rounds = rounds_option(__doc__, 7)
    env = bench_env()
    ok = True
    with tempfile.TemporaryDirectory() as scratch:
        year, ten = Path(scratch) / "year", Path(scratch) / "ten"
        fill_year(year)
        fill_ten_thousand(ten)
        out = Path(scratch) / "out"
        out.mkdir()
        runs = {
            "hamstring-care --help": (["--help"], None, year),
            "history report -o r.pdf (a year)": (
                ["history", "report", "-o", str(out / "r.pdf"), "--force"], REPORT_BOUND, year,
            ),
            "history report -o r.html (a year)": (
                ["history", "report", "-o", str(out / "r.html"), "--force"], REPORT_BOUND, year,
            ),
            "history export -f fhir (10,000)": (
                ["history", "export", "-f", "fhir", str(out / "b.json"), "--force"], FHIR_BOUND,
                ten,
            ),
        }  # fmt: skip
        commands = {
            name: ([*APP, "--data-dir", str(folder), *argv], False)
            for name, (argv, _, folder) in runs.items()
        }
        times = measure(commands, env, rounds)
        heavy = {
            name: loaded(["--data-dir", str(folder), *argv], env)
            for name, (argv, bound, folder) in runs.items()
            if bound is not None
        }
        sizes = {p.name: p.stat().st_size for p in out.iterdir()}
    floor = statistics.median(times["hamstring-care --help"])
    print(f"{rounds} rounds, median wall time, Python {sys.version.split()[0]}")
    print(f"{'command':36} {'median':>8} {'max':>8} {'x --help':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:36} {median * 1000:6.0f}ms {max(values) * 1000:6.0f}ms {median / floor:8.2f}")
    print("files: " + ", ".join(f"{n} {s / 1024:,.0f} KiB" for n, s in sorted(sizes.items())))
    for name, (_, bound, _) in runs.items():
        if bound is None:
            continue
        median = statistics.median(times[name])
        met = median <= bound and not heavy[name]
        ok &= met
        libraries = ", ".join(heavy[name]) or "none"
        print(
            f"bound: {name} <= {bound} s: {'met' if met else 'OVER'} ({median:.2f} s; "
            f"FHIR or plotting libraries loaded: {libraries})"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
