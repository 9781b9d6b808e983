"""Regime classifiers on the five shipped cases: logistic (the default) against MLP, CNN and GRU.

    PYTHONPATH=src OMP_NUM_THREADS=1 python validation/classify_cases.py [--models logistic,mlp,cnn,rnn]
        [--cases damped_oscillator,...] [--out validation/classify]

Each case runs at the problem file's defaults (its classify={...}: ranges, noise, grid, folds),
seed 0, one thread, exactly what `pinnsolve classify problems/regimes/<case>.py --model M` does;
the numbers go to <out>/results.json and a Markdown table on stdout (for CLASSIFY.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

CASES = ["damped_oscillator", "burgers_shock", "heat_ftcs_stability", "brusselator_hopf", "lorenz_chaos"]
MODELS = ["logistic", "mlp", "cnn", "rnn"]
ROOT = Path(__file__).resolve().parents[1]


def run_case(case: str, model: str) -> dict:
    from pinnsolve.classify.method import Classifier, ClassifySettings
    from pinnsolve.dsl import load_problem
    from pinnsolve.methods.contract import Context

    started = time.perf_counter()
    problem = load_problem(ROOT / "problems" / "regimes" / f"{case}.py")
    with open(os.devnull, "w") as quiet:
        context = Context(dtype=torch.float32, device=torch.device("cpu"), rng=np.random.default_rng(0), plain=True,
                          stream=quiet)
        outcome = Classifier().run(problem, ClassifySettings(model=model), context)
    m = {**outcome.result.metrics(), **outcome.metrics}
    m["total_time_s"] = time.perf_counter() - started
    return {k: m[k] for k in ("accuracy", "balanced_accuracy", "accuracy_outside_band", "boundary_error", "roc_auc",
                              "expected_calibration_error", "samples", "wall_time_s", "solve_time_s", "train_time_s",
                              "total_time_s", "confusion_matrix")}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--out", default=str(ROOT / "validation" / "classify"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    for case in args.cases.split(","):
        for model in args.models.split(","):
            results.setdefault(case, {})[model] = run_case(case, model)
            path.write_text(json.dumps(results, indent=1))
            r = results[case][model]
            print(f"{case} {model}: outside band {r['accuracy_outside_band']:.4f}, boundary {r['boundary_error']:.2e}, "
                  f"{r['wall_time_s']:.1f} s", file=sys.stderr, flush=True)
    print("| case | model | accuracy | balanced | outside ±2 % band | boundary error | ROC AUC | ECE | samples | "
          "time (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for case, by_model in results.items():
        for model, r in by_model.items():
            print(f"| {case} | {model} | {r['accuracy']:.4f} | {r['balanced_accuracy']:.4f} | "
                  f"{r['accuracy_outside_band']:.4f} | {r['boundary_error']:.2e} | {r['roc_auc']:.4f} | "
                  f"{r['expected_calibration_error']:.3f} | {r['samples']} | {r['wall_time_s']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
