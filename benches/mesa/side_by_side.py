"""sahelsim's Epstein reference model against Mesa's example, side by side on one machine.

Alternates, for a number of rounds, `cargo bench --bench epstein -- mesa_default_100_steps`
(sahelsim, 30 samples of 100 steps) and `speed.py`'s samples (Mesa, 100 steps each, after the
same 100-step warm-up), and prints for each round the load average before each program, both
medians in steps per second and their ratio. The budget in docs/performance.md is a ratio of
at least 1,000 at Mesa's default configuration (40 x 40).

    python3 -m venv /tmp/mesa && /tmp/mesa/bin/pip install mesa==3.3.1 networkx
    /tmp/mesa/bin/python benches/mesa/side_by_side.py [ROUNDS] [MESA_SAMPLES]

Run from the repository root (cargo must be on the PATH). ROUNDS defaults to 2, MESA_SAMPLES
to 5.
"""

import os
import re
import statistics
import subprocess
import sys

import speed  # beside this file, which Python puts first on the path

BENCH = "mesa_default_100_steps"
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def load():
    """The one-minute load average, as a string."""
    return f"{os.getloadavg()[0]:.2f}"


def sahelsim_steps_per_second():
    """Median steps per second of sahelsim's benchmark (its median time per 100 steps)."""
    out = subprocess.run(
        ["cargo", "bench", "--bench", "epstein", "--", BENCH],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(l for l in out.splitlines() if BENCH in l)
    # Columns: fastest │ slowest │ median │ mean │ samples │ iters.
    cells = [c.strip() for c in line.split(BENCH, 1)[1].split("│")]
    m = re.fullmatch(r"([0-9.]+)\s*(\S+)", cells[2])
    if not m:
        sys.exit(f"could not read the median from: {line!r}")
    seconds = float(m.group(1)) * UNITS[m.group(2)]
    return speed.STEPS / seconds


def mesa_steps_per_second(samples):
    """Median steps per second of Mesa's example over `samples` fresh worlds."""
    return statistics.median(speed.sample(s + 1) for s in range(samples))


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    samples = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"mesa {speed.mesa.__version__}, {os.cpu_count()} CPUs")
    print("round  load  sahelsim steps/s  load  Mesa steps/s  ratio")
    for r in range(rounds):
        l1 = load()
        ours = sahelsim_steps_per_second()
        l2 = load()
        theirs = mesa_steps_per_second(samples)
        print(f"{r + 1:>5}  {l1}  {ours:>16,.0f}  {l2}  {theirs:>12.1f}  {ours / theirs:>5,.0f}x", flush=True)


if __name__ == "__main__":
    main()
