"""Steps per second of Mesa's Epstein civil violence example on its default configuration
(40 x 40 torus, citizen density 0.7, cop density 0.074, von Neumann vision 7, legitimacy 0.8,
jail terms up to 1000), to set beside `cargo bench --bench epstein` on the same machine.

    python3 -m venv /tmp/mesa && /tmp/mesa/bin/pip install mesa==3.3.1 networkx
    /tmp/mesa/bin/python benches/mesa/speed.py

As in the Rust benchmark `mesa_default_100_steps`, the world first runs 100 steps (past the
opening burst); then each sample times 100 more steps of a fresh world brought to the same
point. Prints each sample and the median in steps per second.
"""

import platform
import statistics
import sys
import time

import mesa
from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

WARM_UP = 100
STEPS = 100
SAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def sample(seed):
    m = EpsteinCivilViolence(seed=seed)
    for _ in range(WARM_UP):
        m.step()
    t = time.perf_counter()
    for _ in range(STEPS):
        m.step()
    return STEPS / (time.perf_counter() - t)


def main():
    print(f"mesa {mesa.__version__}, python {platform.python_version()}, {platform.machine()}")
    rates = []
    for s in range(SAMPLES):
        r = sample(s + 1)
        rates.append(r)
        print(f"sample {s + 1}: {r:.1f} steps/s", flush=True)
    print(f"median: {statistics.median(rates):.1f} steps/s over {SAMPLES} samples of {STEPS} steps")


if __name__ == "__main__":
    main()
