"""pinnsolve's side of vs_netket/README.md: --method vmc at its defaults on ho_bosons with N, d set.

    PYTHONPATH=src OMP_NUM_THREADS=1 .venv/bin/python benchmarks/vs_netket/pinnsolve_ho.py N D [--iterations 150]

Defaults: 200 chains, 4000 samples per iteration, up to 150 SR iterations (stopping once the
variance is below 1e-6), 200 000 samples for the final energy — the budget netket_ho.py gets.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

from pinnsolve.dsl import load_problem
from pinnsolve.methods.contract import Context
from pinnsolve.quantum.method import VMC, VMCSettings

PROBLEM = Path(__file__).resolve().parents[2] / "problems" / "quantum" / "ho_bosons.py"


def main(n: int, d: int, full: bool) -> None:
    torch.set_num_threads(1)
    start = time.perf_counter()
    problem = load_problem(PROBLEM, {"n": n, "dim": d})
    settings = VMCSettings(stop_variance=0.0) if full else VMCSettings()
    context = Context(dtype=torch.float64, device=torch.device("cpu"), rng=np.random.default_rng(0), seed=0)
    m = VMC().run(problem, settings, context).result.metrics()
    print(f"pinnsolve N={n} d={d}{' (all 150 iterations)' if full else ''}: E = {m['energy']:.6f} ± "
          f"{m['energy_error']:.1e} (exact {m['exact_energy']}), variance {m['variance']:.2e}, "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), "--full" in sys.argv)
