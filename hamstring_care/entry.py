"""The program's entry point: the ``hamstring-care`` script and ``python -m hamstring_care``.

Loading the program makes some hundred thousand objects that live for the whole run
(modules, classes, the command line). The cycle collector's passes over them find nothing
and cost a check about 4% of its start-up (``benchmarks/README.md``), so it is paused while
the program loads; what loading made is then set aside for the rest of the run
(``gc.freeze``) and the collector resumes, for the run's own objects only. Any garbage made
while loading stays: a few hundred kilobytes at most, once.
"""

from __future__ import annotations

import gc


def main() -> None:
    """Load the command line with the cycle collector paused, then run it."""
    gc.disable()
    try:
        from hamstring_care.cli import main as run
    finally:
        gc.freeze()
        gc.enable()
    run()
