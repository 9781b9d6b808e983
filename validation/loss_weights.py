"""--loss-weights on heat1d, poisson2d and Burgers: the error each rule reaches at the defaults, and its time.

Runs ``pinnsolve solve`` as a user would (one process per run, one thread, the default
optimizer chain and seed) for each problem and rule, and prints one Markdown table row per
run from its metrics.json and the largest adaptive weight of its history.csv. The numbers in
validation/LOSS_WEIGHTS.md, on which ``--loss-weights auto`` chooses, come from:

    PYTHONPATH=src python validation/loss_weights.py --out /tmp/loss-weight-runs --jobs 2

Runs take one to a few minutes each; on a shared machine the times are inflated.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

PROBLEMS = ["heat1d", "poisson2d", "burgers1d"]
RULES = ["fixed", "annealing", "annealing-scaled", "relobralo"]


def cole_hopf(x: np.ndarray, t: np.ndarray, nu: float = 0.01 / np.pi, n: int = 8001) -> np.ndarray:
    """Burgers u_t + u u_x = ν u_xx, u(x, 0) = −sin πx, exactly (Cole–Hopf), on the grid x × t.

    u = −∫ sin π(x−η) f(x−η) e^{−η²/4νt} dη / ∫ f(x−η) e^{−η²/4νt} dη with f(y) = e^{−cos πy / 2πν},
    both integrals by the trapezoidal rule over |η| ≤ √(4νt · 150) (beyond, e^{−η²/4νt} outweighs f's range of
    e^{±1/2πν}; the Dirichlet ends u(±1) = 0 hold by symmetry). At x = 0, t = 1.6037/π it gives u_x = −152.00516
    (Basdevant et al. 1986: the steepest slope, −152.00516).
    """
    u = np.empty((len(x), len(t)))
    for j, tj in enumerate(t):
        if tj <= 0:
            u[:, j] = -np.sin(np.pi * x)
            continue
        span = np.sqrt(4 * nu * tj * 150)
        eta = np.linspace(-span, span, n)
        y = x[:, None] - eta[None, :]
        log_w = -np.cos(np.pi * y) / (2 * np.pi * nu) - eta[None, :] ** 2 / (4 * nu * tj)
        w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
        u[:, j] = -np.trapezoid(np.sin(np.pi * y) * w, eta, axis=1) / np.trapezoid(w, eta, axis=1)
    return u


def l2_error(problem: str, target: Path, metrics: dict) -> float:
    """The run's relative L2 error: against the exact solution, or Cole–Hopf's for Burgers (which has no exact one)."""
    if problem != "burgers1d":
        return float(metrics["l2_relative_error"])
    sys.path.insert(0, str(ROOT / "src"))
    from pinnsolve import load_result

    solution = load_result(target)
    exact = cole_hopf(np.asarray(solution.axes["x"]), np.asarray(solution.axes["t"]))
    return float(np.linalg.norm(solution.fields["u"] - exact) / np.linalg.norm(exact))


def run(problem: str, rule: str, out: Path, extra: list[str], again: bool = True) -> dict:
    """One run of ``problem`` with ``--loss-weights rule``; its metrics and the largest weight it reached."""
    target = out / f"{problem}-{rule}"
    command = [sys.executable, "-m", "pinnsolve", "solve", str(ROOT / "problems" / f"{problem}.py"), "--method",
               "pinn", "--loss-weights", rule, "--threads", "1", "--quiet", "--overwrite", "--out", str(target)]
    if again:
        subprocess.run(command + extra, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metrics = json.loads((target / "metrics.json").read_text())
    with open(target / "history.csv") as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0] if c.startswith("weight_")] if rows else []
    last = {c[len("weight_"):]: float(rows[-1][c]) for c in columns}
    return {"problem": problem, "rule": rule, "weights": last, **metrics, "l2": l2_error(problem, target, metrics)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/loss-weight-runs"))
    parser.add_argument("--jobs", type=int, default=1, help="runs at once (one thread each)")
    parser.add_argument("--problems", nargs="*", default=PROBLEMS)
    parser.add_argument("--rules", nargs="*", default=RULES)
    parser.add_argument("--measure-only", action="store_true", help="tabulate the runs already in --out")
    parser.add_argument("extra", nargs="*", help="further solve flags after --, e.g. -- --seed 1")
    args = parser.parse_args()
    cases = [(p, r) for p in args.problems for r in args.rules]
    print("| problem | --loss-weights | L2 relative error | wall s | train s | steps | final λ |")
    print("|---|---|---|---|---|---|---|")
    with ThreadPoolExecutor(args.jobs) as pool:
        for m in pool.map(lambda c: run(*c, args.out, args.extra, not args.measure_only), cases):
            weights = ", ".join(f"{k} {v:.3g}" for k, v in m["weights"].items()) or "—"
            print(f"| {m['problem']} | {m['rule']} | {m['l2']:.2e} | {m['wall_time_s']:.0f} | "
                  f"{m['train_time_s']:.0f} | {m['steps']} | {weights} |", flush=True)


if __name__ == "__main__":
    main()
