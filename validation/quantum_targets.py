"""Measure the targets of the VMC issue at the method's default settings (validation/QUANTUM.md).

    PYTHONPATH=src OMP_NUM_THREADS=1 python validation/quantum_targets.py [CASE ...]

CASE is one of ho_bosons, quantum_dot_2e, quantum_dot_2e_rbm, quantum_dot_6e, calogero (all by default).
Each runs `VMC().run` directly (the runner that writes run directories is being rewritten) and
prints one line: energy ± blocking error, exact energy, relative error, variance, wall time.
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

QUANTUM = Path(__file__).resolve().parents[1] / "problems" / "quantum"
CASES = {
    "ho_bosons": ("ho_bosons.py", {"n": 10, "dim": 3}, {}),
    "quantum_dot_2e": ("quantum_dot_2e.py", {}, {}),
    "quantum_dot_2e_rbm": ("quantum_dot_2e.py", {}, {"ansatz": "rbm"}),
    "quantum_dot_6e": ("quantum_dot_6e.py", {}, {}),
    "calogero": ("calogero.py", {}, {}),
}


def main(names: list[str]) -> None:
    torch.set_num_threads(1)
    for name in names or list(CASES):
        file, sets, settings = CASES[name]
        problem = load_problem(QUANTUM / file, sets)
        context = Context(dtype=torch.float64, device=torch.device("cpu"), rng=np.random.default_rng(0), seed=0)
        start = time.perf_counter()
        outcome = VMC().run(problem, VMCSettings(**settings), context)
        m = outcome.result.metrics()
        print(f"{name:20s} {sets or ''} {settings or 'defaults'}: E = {m['energy']:.6f} ± {m['energy_error']:.1e} "
              f"(exact {m.get('exact_energy', float('nan')):.6g}, rel. error "
              f"{m.get('energy_relative_error', float('nan')):.2e}), variance {m['variance']:.2e}, "
              f"tau {m['autocorrelation_time']:.1f}, R-hat {m['rhat']:.4f}, acceptance {m['acceptance']:.2f}, "
              f"{time.perf_counter() - start:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
