"""Reference figures for the docking test (tests/docking.rs): Mesa's Epstein civil violence
example run over many seeds, summarised with the same statistics sahelsim computes.

    python3 -m venv /tmp/mesa && /tmp/mesa/bin/pip install mesa==3.3.1 networkx
    /tmp/mesa/bin/python benches/mesa/reference.py > tests/fixtures/docking/mesa_reference.json

Takes about 40 minutes on one core. The statistics (see docs/reference.md, "Outbursts") are
computed over steps burn_in+1..=steps; step 0 is the initial state and is never counted.
"""

import json
import platform
import sys
import time

import mesa
from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence

STEPS = 500
BURN_IN = 50
OUTBURST_THRESHOLD = 20
SEEDS = list(range(1, 31))

# name -> keyword arguments of EpsteinCivilViolence (everything else at Mesa's defaults).
SETTINGS = {
    "mesa_default": {},
    "punctuated": {"legitimacy": 0.82, "max_jail_term": 30, "cop_density": 0.04},
    "low_legitimacy": {"legitimacy": 0.75, "max_jail_term": 30, "cop_density": 0.04},
}


def summarise(active, jailed, quiet):
    """The per-replicate statistics; `active` etc. hold steps 0..=STEPS."""
    window = range(BURN_IN + 1, STEPS + 1)
    n = len(window)
    runs = []  # (start, end, peak) of maximal runs with active >= OUTBURST_THRESHOLD
    start = None
    for t in window:
        if active[t] >= OUTBURST_THRESHOLD:
            if start is None:
                start = t
        elif start is not None:
            runs.append((start, t - 1))
            start = None
    if start is not None:
        runs.append((start, STEPS))
    peaks = [max(active[s : e + 1]) for s, e in runs]
    lengths = [e - s + 1 for s, e in runs]
    waits = [runs[i + 1][0] - runs[i][1] - 1 for i in range(len(runs) - 1)]
    return {
        "active_mean": sum(active[t] for t in window) / n,
        "jailed_mean": sum(jailed[t] for t in window) / n,
        "quiet_mean": sum(quiet[t] for t in window) / n,
        "active_peak": max(active[t] for t in window),
        "outbursts": len(runs),
        "outburst_peaks": peaks,
        "outburst_lengths": lengths,
        "waiting_times": waits,
    }


def run(kwargs, seed):
    m = EpsteinCivilViolence(seed=seed, **kwargs)
    active, jailed, quiet = [m.ACTIVE], [m.ARRESTED], [m.QUIET]
    for _ in range(STEPS):
        m.step()
        active.append(m.ACTIVE)
        jailed.append(m.ARRESTED)
        quiet.append(m.QUIET)
    return active, jailed, quiet


def main():
    out = {
        "generator": "benches/mesa/reference.py",
        "mesa_version": mesa.__version__,
        "python": platform.python_version(),
        "model": "mesa.examples.advanced.epstein_civil_violence.model.EpsteinCivilViolence",
        "steps": STEPS,
        "burn_in": BURN_IN,
        "outburst_threshold": OUTBURST_THRESHOLD,
        "seeds": SEEDS,
        "settings": {},
    }
    for name, kwargs in SETTINGS.items():
        t0 = time.perf_counter()
        reps = []
        sums = [[0, 0] for _ in range(STEPS + 1)]
        for seed in SEEDS:
            active, jailed, quiet = run(kwargs, seed)
            reps.append({"seed": seed, **summarise(active, jailed, quiet)})
            for t in range(STEPS + 1):
                sums[t][0] += active[t]
                sums[t][1] += jailed[t]
        k = len(SEEDS)
        out["settings"][name] = {
            "mesa_kwargs": kwargs,
            "seconds": round(time.perf_counter() - t0, 1),
            "replicates": reps,
            "mean_series": {
                "active": [round(s[0] / k, 3) for s in sums],
                "jailed": [round(s[1] / k, 3) for s in sums],
            },
        }
        print(f"{name}: {out['settings'][name]['seconds']} s", file=sys.stderr)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
