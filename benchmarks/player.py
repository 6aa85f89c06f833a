"""Player benchmark: end-of-routine drift and CPU time on a real 60 s routine.

Bounds (issue 3): drift at most 20 ms; at most 1.2 s of CPU per 60 s of routine (2% of a
core). The routine runs on the real monotonic clock, waiting on a pipe with select (as the
terminal keys do), and draws the live panel on a terminal-sized console into /dev/null.

    uv run python benchmarks/player.py [--runs 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import select

from rich.console import Console

from hamstring_care.models import Duration, Step
from hamstring_care.player.engine import Player
from hamstring_care.player.terminal import MonotonicClock
from hamstring_care.player.timeline import build, total_seconds
from hamstring_care.player.view import LiveView


class SilentKeys:
    """Waits like TerminalKeys (select with a timeout) on a pipe nobody writes to."""

    def __init__(self) -> None:
        self.read_end, self.write_end = os.pipe()

    def wait(self, timeout):
        select.select([self.read_end], [], [], timeout)
        return []


class NoCues:
    def segment(self, segment) -> None:
        pass

    def range_minimum(self, segment) -> None:
        pass


def step(title: str, hold: str, repeat: int = 1) -> Step:
    return Step(
        title=title,
        instruction="Benchmark step.",
        hold=Duration.parse(hold),
        per_side=False,
        repeat=repeat,
        method="roller",
        area="back_of_thigh",
    )


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    runs = parser.parse_args().runs
    segments = build([step("Spot", "5-10s", repeat=3), step("Hold", "30s")], count_in=0)
    planned = total_seconds(segments)
    assert planned == 60
    worst_drift = worst_cpu = 0.0
    for run in range(1, runs + 1):
        sink = open(os.devnull, "w")  # noqa: SIM115
        console = Console(file=sink, force_terminal=True, width=80, height=24)
        with LiveView(console, "Benchmark") as view:
            player = Player(
                segments,
                clock=MonotonicClock(),
                keys=SilentKeys(),
                view=view,
                cues=NoCues(),
                ask_hurts=lambda: None,
                confirm_quit=lambda: False,
            )
            cpu_before = cpu_seconds()
            outcome = player.run()
            cpu = cpu_seconds() - cpu_before
        drift_ms = (outcome.elapsed_seconds - planned) * 1000
        print(
            f"run {run}: planned {planned} s, elapsed {outcome.elapsed_seconds:.4f} s, "
            f"drift {drift_ms:+.1f} ms, CPU {cpu:.3f} s"
        )
        worst_drift = max(worst_drift, abs(drift_ms))
        worst_cpu = max(worst_cpu, cpu)
    print(
        f"worst drift {worst_drift:.1f} ms (bound 20 ms); "
        f"worst CPU {worst_cpu:.3f} s per 60 s (bound 1.2 s)"
    )
    return 0 if worst_drift <= 20 and worst_cpu <= 1.2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
