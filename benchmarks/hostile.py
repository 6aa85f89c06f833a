"""Hostile files: each must end in one clear error within 2 s and 200 MB (issue 6).

Runs every hostile file of tests/test_hostile.py, plus the worst shapes that still pass the
size and count limits and a named pipe, through `triage --answers`, `print --plan` and
`protocols validate`; then a shared protocol folder for each hostile drawing of
tests/test_drawings.py (and the largest self-contained drawing allowed), through `protocols
validate` and `print -o sheet.pdf`. Then (issue 24) a hostile protocol cache (a tampered
entry of 300,000 values, a named pipe at an entry, a folder of someone's own files), every
logo the PDF cannot draw and the largest it can, and every free-text option at its limit
and far over it. Each run is a fresh process; the slowest wall time and the largest peak
resident memory (the child's ru_maxrss) over the rounds are kept.

    uv run python benchmarks/hostile.py [--rounds 3]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.startup import bench_env, rounds_option  # noqa: E402
from tests.test_drawings import DECLARATIONS, SVG, UNDRAWABLE_LOGOS, hostile_svg, png  # noqa: E402
from tests.test_drawings import HOSTILE as HOSTILE_DRAWINGS  # noqa: E402
from tests.test_hostile import HOSTILE, LIMITS, MIB  # noqa: E402

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


def drawing_folders(folder: Path) -> dict[str, Path]:
    """A protocol folder per hostile drawing: the stretch routine naming evil.svg."""
    stretch = (HERE.parent / "protocols" / "hamstring-stretch.yaml").read_text(encoding="utf-8")
    secret = png(folder / "secret.png")
    drawings = {name: hostile_svg(name, secret) for name in [*HOSTILE_DRAWINGS, *DECLARATIONS]}

    def circles(n: int) -> str:
        return SVG.format(
            "".join(f'<circle cx="{i % 160}" cy="{i % 100}" r="1"/>' for i in range(n))
        )

    drawings["the most elements allowed (499 circles)"] = circles(499)
    drawings["25,000 circles (refused)"] = circles(25_000)
    found = {}
    # The most a sheet may draw: the six-step routine, each step at the per-drawing limit.
    roller = (HERE.parent / "protocols" / "foam-roller-and-ball.yaml").read_text(encoding="utf-8")
    place = folder / "six-drawings"
    (place / "illustrations").mkdir(parents=True)
    for svg_name in {line.split()[-1] for line in roller.splitlines() if "illustration:" in line}:
        (place / "illustrations" / svg_name).write_text(circles(330), encoding="utf-8")
    (place / "foam-roller-and-ball.yaml").write_text(roller, encoding="utf-8")
    found["drawing: six drawings of 330 circles (1,986 in all)"] = place
    for i, (name, svg) in enumerate(drawings.items()):
        place = folder / f"drawing{i}"
        (place / "illustrations").mkdir(parents=True)
        (place / "illustrations" / "evil.svg").write_text(svg, encoding="utf-8")
        (place / "hamstring-stretch.yaml").write_text(
            stretch.replace("lying-stretch.svg", "evil.svg"), encoding="utf-8"
        )
        found[f"drawing: {name}"] = place
    return found


@dataclass
class Job:
    """One command of the benchmark, with what its runs need around them."""

    name: str
    label: str
    arguments: list[str]
    env: dict[str, str] = field(default_factory=dict)
    """Variables added to the user's environment (a cache of its own)."""
    before: Callable[[], None] | None = None
    """Made again before each round (a tampered cache entry the run before has replaced)."""


TAMPER = """
import json, sys
path, middle = sys.argv[1], sys.argv[2].encode()
head, _, payload = open(path, "rb").read().partition(middle)
data = json.loads(payload[:-1])
data["sections"][0]["items"] += [f"x{i}" for i in range(300_000)]
open(path, "wb").write(head + middle + json.dumps(data).encode() + b"}")
"""


def cache_jobs(folder: Path) -> list[Job]:
    """A protocol cache of its own, made hostile after one ordinary run has filled it."""
    from hamstring_care.source.cache import MIDDLE, ParsedCache
    from hamstring_care.source.library import bundled_dir

    home = {
        "HAMSTRING_CARE_CACHE": str(folder / "cache"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "HAMSTRING_CARE_DATA": str(folder / "data"),
    }
    run([sys.executable, "-m", "hamstring_care", "protocols", "list"], {**bench_env(), **home})
    cache = ParsedCache(folder / "cache", folder / "config" / "cache.key")
    answers = str(HERE / "answers.yaml")

    def entry(name: str) -> Path:
        return cache.folder / f"{cache._digest((bundled_dir() / name).read_bytes())}.json"

    def many_values() -> None:
        """The audit's entry: rice with 300,000 more items, its seal left as it was.

        Made in a process of its own: a child's peak memory (ru_maxrss) counts what its
        parent held when it was started, so this process must stay small.
        """
        path = str(entry("rice.yaml"))
        subprocess.run([sys.executable, "-c", TAMPER, path, MIDDLE.decode()], check=True)

    def pipe_at_triage() -> None:
        path = entry("triage.yaml")
        if not path.is_fifo():
            path.unlink(missing_ok=True)
            os.mkfifo(path)

    docs = folder / "documents"
    docs.mkdir()
    for i in range(250):
        (docs / f"report-{i}.json").write_text(json.dumps({"mine": i}))
    return [
        Job("cache: rice entry with 300,000 values", "print rice -f txt",
            ["print", "rice", "-f", "txt", "-o", "-"], home, many_values),
        Job("cache: a named pipe at triage's entry", "triage --answers",
            ["triage", "--answers", answers], home, pipe_at_triage),
        Job("cache: a folder of 250 of your .json files", "protocols list",
            ["protocols", "list"], {**home, "HAMSTRING_CARE_CACHE": str(docs)}),
    ]  # fmt: skip


def logo_jobs(folder: Path) -> list[Job]:
    """Every logo the PDF cannot draw (refused when read), and the largest it can."""
    import struct
    import zlib

    from tests.test_drawings import chunk, svg_logo

    logos = {name: content for name, (content, _) in UNDRAWABLE_LOGOS.items()}
    # 32 MB of pixels, compressed row by row: this process stays small (see many_values).
    packer = zlib.compressobj(9)
    row = b"\x00" + bytes(2000 * 8)
    pixels = b"".join(packer.compress(row) for _ in range(2000)) + packer.flush()
    header = struct.pack(">IIBBBBB", 2000, 2000, 16, 6, 0, 0, 0)
    logos["2000 x 2000 16-bit RGBA.png (drawn)"] = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    circles = "".join(f'<circle cx="{i % 100}" cy="{i % 30}" r="1"/>' for i in range(499))
    logos["499 circles.svg (drawn)"] = svg_logo(circles)
    jobs = []
    for i, (name, content) in enumerate(logos.items()):
        path = folder / f"logo{i}{Path(name.split(' (')[0]).suffix}"
        path.write_bytes(content)
        jobs.append(
            Job(f"logo: {name}", "print --logo -o sheet.pdf",
                ["print", "rice", "--logo", str(path), "-o", str(folder / "s.pdf"), "--force"])
        )  # fmt: skip
    return jobs


def option_jobs(folder: Path) -> list[Job]:
    """Every free-text option at its limit at once, and a name far over it."""
    at_limit = [word for option, limit in LIMITS.items() for word in (option, "9 " * (limit // 2))]
    out = str(folder / "options.pdf")
    return [
        Job("options: every free-text option at its limit", "print -o sheet.pdf",
            ["print", "rice", "foam-roller-and-ball", *at_limit, "-o", out, "--force"]),
        Job("options: a 130,000-character --patient", "print -o sheet.pdf",
            ["print", "rice", "--patient", "9" * 130_000, "-o", out, "--force"]),
    ]  # fmt: skip


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
        paths["a named pipe"] = Path(folder) / "fifo"
        os.mkfifo(paths["a named pipe"])
        jobs = [
            Job(name, label, [*args, str(path)])
            for name, path in paths.items()
            for label, args in COMMANDS.items()
        ]
        out = Path(folder) / "sheet.pdf"
        for name, place in drawing_folders(Path(folder)).items():
            pid = "foam-roller-and-ball" if "six" in name else "hamstring-stretch"
            jobs.append(Job(name, "protocols validate", ["protocols", "validate", str(place)]))
            jobs.append(
                Job(name, "print -o sheet.pdf", ["--protocols-dir", str(place), "print",
                    pid, "-o", str(out), "--force"])
            )  # fmt: skip
        for make in (cache_jobs, logo_jobs, option_jobs):
            place = Path(folder) / make.__name__
            place.mkdir()
            jobs += make(place)
        worst_s, worst_mb = 0.0, 0.0
        print("| file | command | slowest | peak memory | exit |\n|---|---|---|---|---|")
        for job in jobs:
            runs = []
            for _ in range(rounds):
                if job.before is not None:
                    job.before()
                argv = [sys.executable, "-m", "hamstring_care", *job.arguments]
                runs.append(run(argv, {**env, **job.env}))
            seconds = max(r[0] for r in runs)
            megabytes = max(r[1] for r in runs)
            codes = {r[2] for r in runs}
            worst_s, worst_mb = max(worst_s, seconds), max(worst_mb, megabytes)
            code = ",".join(str(c) for c in sorted(codes))
            print(
                f"| {job.name} | {job.label} | {seconds * 1000:.0f} ms | {megabytes:.0f} MB "
                f"| {code} |"
            )
    met = worst_s <= BOUND_S and worst_mb <= BOUND_MB
    print(
        f"\nWorst: {worst_s * 1000:.0f} ms, {worst_mb:.0f} MB; bound {BOUND_S:.0f} s and "
        f"{BOUND_MB} MB: {'met' if met else 'NOT MET'}"
    )


if __name__ == "__main__":
    main()
