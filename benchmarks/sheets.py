"""Sheet benchmark: a two-page PDF for one routine, start-up included, against `--help`.

Bound (issue 4): the PDF within 1.5 s wall time on this machine class; `hamstring-care --help`
is measured in the same run, round by round, to show the machine's floor.

    uv run python benchmarks/sheets.py [--rounds 15]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader
from startup import APP, bench_env, measure, rounds_option

BOUND_SECONDS = 1.5


def main() -> int:
    rounds = rounds_option(__doc__, 15)
    env = bench_env()
    with tempfile.TemporaryDirectory() as folder:
        out = str(Path(folder) / "sheet.pdf")
        commands = {
            "hamstring-care --help": ([*APP, "--help"], False),
            "print foam-roller-and-ball (PDF)": ([
                *APP, "print", "foam-roller-and-ball", "--patient", "Jane Doe",
                "--notes", "After each run.", "-o", out, "--force",
            ], False),
            "print foam-roller-and-ball (txt)": ([
                *APP, "print", "foam-roller-and-ball", "-f", "txt", "-o", "-",
            ], False),
        }  # fmt: skip
        times = measure(commands, env, rounds)
        pages = len(PdfReader(out).pages)
    floor = statistics.median(times["hamstring-care --help"])
    print(f"{rounds} rounds, median wall time, Python {sys.version.split()[0]}; PDF: {pages} pages")
    print(f"{'command':34} {'median':>8} {'max':>8} {'x --help':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:34} {median * 1000:6.0f}ms {max(values) * 1000:6.0f}ms {median / floor:8.2f}")
    pdf = statistics.median(times["print foam-roller-and-ball (PDF)"])
    ok = pdf <= BOUND_SECONDS
    print(f"bound: PDF <= {BOUND_SECONDS:.1f} s: {'met' if ok else 'OVER'} ({pdf:.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
