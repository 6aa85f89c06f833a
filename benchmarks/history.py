"""History benchmark: `history` and `history chart` over 10,000 sessions, start-up included.

Bound (issue 5): each within 0.5 s wall time; `hamstring-care --help` is measured in the same
run, round by round, to show the machine's floor. The log is the worst case for the chart's
streak: two sessions a day, every day, for 5,000 days up to today (plus 500 checks).

    uv run python benchmarks/history.py [--rounds 15]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from startup import APP, bench_env, measure, rounds_option

from hamstring_care.history.store import open_history

BOUND_SECONDS = 0.5
SESSIONS = 10_000


def fill(folder: Path) -> None:
    """10,000 finished sessions, two a day back from now, with pain scores; 500 checks."""
    now = datetime.now(timezone.utc)
    with open_history(folder) as history:
        db = history.connection
        db.execute("BEGIN")
        for i in range(SESSIONS):
            start = now - timedelta(hours=12 * i + 1)
            db.execute(
                "INSERT INTO sessions (routine_id, routine_version, side, started_at, "
                "updated_at, ended_at, segments_total, segments_completed, planned_seconds, "
                "elapsed_seconds, pain_before, pain_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?)",
                (
                    "foam-roller-and-ball", "1.0.0", "both", start.isoformat(timespec="seconds"),
                    start.isoformat(timespec="seconds"), start.isoformat(timespec="seconds"),
                    28, 28, 323, 330.0, 3 + i % 5, 1 + i % 4,
                ),
            )  # fmt: skip
        for i in range(500):
            db.execute(
                "INSERT INTO triage_results (taken_at, triage_version, disposition, rule, "
                "answers, cautions) VALUES (?, '1.1.0', 'self_massage', 'ready-for-self-care', "
                "'{\"pain_at_rest\": 2}', '[]')",
                ((now - timedelta(days=10 * i)).isoformat(timespec="seconds"),),
            )
        db.execute("COMMIT")


def main() -> int:
    rounds = rounds_option(__doc__, 15)
    env = bench_env()
    with tempfile.TemporaryDirectory() as folder:
        fill(Path(folder))
        env["HAMSTRING_CARE_DATA"] = folder
        commands = {
            "hamstring-care --help": ([*APP, "--help"], False),
            "history | cat": ([*APP, "history"], False),
            "history (terminal)": ([*APP, "history"], True),
            "history chart | cat": ([*APP, "history", "chart"], False),
            "history chart (terminal)": ([*APP, "history", "chart"], True),
        }
        times = measure(commands, env, rounds)
    floor = statistics.median(times["hamstring-care --help"])
    python = sys.version.split()[0]
    print(f"{rounds} rounds, median wall time, Python {python}, {SESSIONS} sessions")
    print(f"{'command':28} {'median':>8} {'max':>8} {'x --help':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:28} {median * 1000:6.0f}ms {max(values) * 1000:6.0f}ms {median / floor:8.2f}")
    ok = True
    for name, values in times.items():
        if name.startswith("history"):
            median = statistics.median(values)
            met = median <= BOUND_SECONDS
            ok &= met
            verdict = "met" if met else "OVER"
            print(f"bound: {name} <= {BOUND_SECONDS} s: {verdict} ({median:.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
