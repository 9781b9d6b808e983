"""pinnsolve against DeepXDE (PyTorch backend), side by side on this machine.

    .venv/bin/pip install -e ".[bench]"             # deepxde, the optional benchmark dependency
    .venv/bin/python benchmarks/vs_deepxde/bench.py [--parts speed,scaling,target] [--repeats 3]

Every measurement runs in a fresh subprocess (so peak resident memory is that tool's alone),
alternating pinnsolve and DeepXDE, with the same collocation points (pinnsolve samples them;
DeepXDE gets them as anchors), the same optimizer and learning rate, float32 and 2 threads.
Results go to results.json and scaling.png beside this file, and the tables to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PROBLEMS = {"heat1d": "problems/heat1d.py", "burgers1d": "problems/burgers1d.py", "poisson2d": "problems/poisson2d.py"}
NETS = {"3x32": (32, 3), "5x100": (100, 5)}


# --------------------------------------------------------------------------- workers
def pinnsolve_setup(problem_name: str, width: int, depth: int, points: int):
    import numpy as np
    import torch

    from pinnsolve import load_problem
    from pinnsolve.methods import MethodSettings, pinn

    torch.manual_seed(0)
    problem = load_problem(ROOT / PROBLEMS[problem_name])
    settings = MethodSettings(width=width, depth=depth, points=points)
    setup = pinn.build(problem, settings, np.random.default_rng(0), torch.float32, torch.device("cpu"))
    return problem, setup


def anchors_of(setup):
    import numpy as np

    return np.unique(np.concatenate([t.points for t in setup.objective.terms]), axis=0)


def deepxde_model(problem_name: str, width: int, depth: int, anchors):
    """The same problem written the way DeepXDE's documentation writes it."""
    os.environ["DDE_BACKEND"] = "pytorch"
    import deepxde as dde
    import numpy as np

    pi = np.pi
    if problem_name in ("heat1d", "burgers1d"):
        lo = 0.0 if problem_name == "heat1d" else -1.0
        geom = dde.geometry.GeometryXTime(dde.geometry.Interval(lo, 1.0), dde.geometry.TimeDomain(0.0, 1.0))

        def pde(x, y):
            y_t = dde.grad.jacobian(y, x, i=0, j=1)
            y_xx = dde.grad.hessian(y, x, i=0, j=0)
            if problem_name == "heat1d":
                return y_t - y_xx
            return y_t + y * dde.grad.jacobian(y, x, i=0, j=0) - 0.01 / pi * y_xx

        sign = 1.0 if problem_name == "heat1d" else -1.0
        bc = dde.icbc.DirichletBC(geom, lambda x: 0, lambda _, on_boundary: on_boundary)
        ic = dde.icbc.IC(geom, lambda x: sign * np.sin(pi * x[:, 0:1]), lambda _, on_initial: on_initial)
        data = dde.data.TimePDE(geom, pde, [bc, ic], num_domain=0, num_boundary=0, num_initial=0, anchors=anchors)
        n_in = 2
    else:
        geom = dde.geometry.Rectangle([0, 0], [1, 1])

        def pde(x, y):
            import torch

            f = 5 * pi**2 * torch.sin(pi * x[:, 0:1]) * torch.sin(2 * pi * x[:, 1:2])
            return -dde.grad.hessian(y, x, i=0, j=0) - dde.grad.hessian(y, x, i=1, j=1) - f

        bc = dde.icbc.DirichletBC(geom, lambda x: np.sin(pi * x[:, 0:1]) * np.sin(2 * pi * x[:, 1:2]),
                                  lambda _, on_boundary: on_boundary)
        data = dde.data.PDE(geom, pde, [bc], num_domain=0, num_boundary=0, anchors=anchors)
        n_in = 2
    net = dde.nn.FNN([n_in] + [width] * depth + [1], "tanh", "Glorot normal")
    return dde, dde.Model(data, net)


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_speed(tool: str, problem_name: str, net: str, points: int, steps: int) -> dict:
    """Adam iterations per second after a warm-up, on the same points."""
    import torch

    torch.set_num_threads(2)
    width, depth = NETS[net]
    problem, setup = pinnsolve_setup(problem_name, width, depth, points)
    if tool.startswith("pinnsolve"):  # "pinnsolve-compiled": the loss through torch.compile (--compile)
        from pinnsolve.train import TrainConfig, Trainer

        compiled = tool.endswith("compiled")

        def run(n: int) -> None:
            Trainer(setup.model, setup.objective,
                    TrainConfig(steps=n, lbfgs_steps=0, lr=1e-3, lr_decay=1.0, compile=compiled)).run()
    else:
        dde, model = deepxde_model(problem_name, width, depth, anchors_of(setup))
        model.compile("adam", lr=1e-3)

        def run(n: int) -> None:
            model.train(iterations=n, display_every=10**9, verbose=0)
    run(20)
    started = time.perf_counter()
    run(steps)
    return {"its": steps / (time.perf_counter() - started), "rss_mb": peak_rss_mb(),
            "points": int(setup.objective.points.shape[0])}


def reference_error_function(problem):
    """L2 relative error against the exact solution, or a fine finite-difference reference."""
    import numpy as np

    from pinnsolve.evaluate import evaluation_points, exact_on

    axes, _, points = evaluation_points(problem, {"x": 201, "t": 101} if problem.time is not None else None)
    if problem.exact:
        truth = exact_on(problem, points)[problem.field_names[0]]
    else:
        from scipy.interpolate import RegularGridInterpolator

        from pinnsolve.reference import solve_reference

        ref, _ = solve_reference(problem, grid={"x": 2049, "t": 201})
        field = problem.field_names[0]
        interp = RegularGridInterpolator(tuple(ref.axes[c] for c in ref.field_coords[field]), ref.fields[field])
        truth = interp(points)
    norm = float(np.linalg.norm(truth))
    return points, lambda values: float(np.linalg.norm(values.ravel() - truth) / norm)


def worker_target(tool: str, problem_name: str, target: float, cap_s: float) -> dict:
    """Wall time until the L2 relative error first reaches ``target`` with the tool's own recipe."""
    import torch

    torch.set_num_threads(2)
    if tool == "pinnsolve":  # pinnsolve's defaults: 3×32 tanh, Adam 2000 → L-BFGS, float32 here
        problem, setup = pinnsolve_setup(problem_name, 32, 3, None)
    else:  # DeepXDE's documented Burgers recipe: 3×20 tanh, 2540 + 80 + 160 points, Adam 1e-3 then L-BFGS
        problem, setup = pinnsolve_setup(problem_name, 20, 3, 2540)
    points, error_of = reference_error_function(problem)
    seen = {"time": None, "error": None}
    started = time.perf_counter()

    class Reached(Exception):
        pass

    def check(values) -> None:
        err = error_of(values)
        seen["error"] = err
        if err <= target:
            seen["time"] = time.perf_counter() - started
            raise Reached
        if time.perf_counter() - started > cap_s:
            raise Reached

    if tool == "pinnsolve":
        from pinnsolve.train import TrainConfig, Trainer

        x = torch.as_tensor(points, dtype=torch.float32)

        class Check:
            def on_start(self, t): ...
            def on_end(self, t): ...

            def on_step(self, trainer, record):
                if record.step % 100 == 0:
                    with torch.no_grad():
                        check(setup.model(x)[:, 0].numpy())

        try:
            Trainer(setup.model, setup.objective, TrainConfig(steps=2000, lbfgs_steps=20000), [Check()]).run()
        except Reached:
            pass
    else:
        dde, model = deepxde_model(problem_name, 20, 3, anchors_of(setup))

        class Check(dde.callbacks.Callback):
            def on_epoch_end(self):
                if self.model.train_state.epoch % 100 == 0:
                    check(self.model.predict(points)[:, 0])

        try:
            model.compile("adam", lr=1e-3)
            model.train(iterations=15000, callbacks=[Check()], display_every=10**9, verbose=0)
            dde.optimizers.set_LBFGS_options(maxiter=20000)
            dde.optimizers.config.LBFGS_options["iter_per_step"] = 100
            model.compile("L-BFGS")
            model.train(callbacks=[Check()], display_every=10**9, verbose=0)
        except Reached:
            pass
    return {"time_to_target_s": seen["time"], "last_error": seen["error"], "rss_mb": peak_rss_mb(),
            "elapsed_s": time.perf_counter() - started}


# --------------------------------------------------------------------------- driver
def run_worker(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "_worker", *args], capture_output=True, text=True,
                         env={**os.environ, "DDE_BACKEND": "pytorch", "OMP_NUM_THREADS": "2"})
    if out.returncode != 0:
        raise RuntimeError(f"worker {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def part_speed(results: dict, repeats: int, steps: int, tools: list[str]) -> None:
    """it/s of each tool (the last one is the baseline of the ratios), alternating the tools."""
    base = tools[-1]
    print("\n## Adam iterations per second (median of %d), float32, 2 threads" % repeats)
    print("| problem | net | points | " + " | ".join(f"{t} it/s" for t in tools) + " | "
          + " | ".join(f"ratio {t}" for t in tools[:-1]) + " | peak RSS " + " / ".join(tools) + " (MB) |")
    print("|---" * (3 + 2 * len(tools) - 1 + 1) + "|")
    for problem in PROBLEMS:
        for net in NETS:
            runs: dict[str, list] = {t: [] for t in tools}
            for _ in range(repeats):
                for tool in tools:  # alternate, so drifts in machine load hit every tool
                    runs[tool].append(run_worker("speed", tool, problem, net, "2048", str(steps)))
            med = {t: statistics.median(r["its"] for r in v) for t, v in runs.items()}
            rss = {t: max(r["rss_mb"] for r in v) for t, v in runs.items()}
            points = runs[tools[0]][0]["points"]
            results.setdefault("speed", []).append({"problem": problem, "net": net, "points": points, "its": med,
                                                    "rss_mb": rss,
                                                    "ratio": {t: med[t] / med[base] for t in tools[:-1]}})
            print(f"| {problem} | {net} | {points} | " + " | ".join(f"{med[t]:.1f}" for t in tools) + " | "
                  + " | ".join(f"{med[t] / med[base]:.2f}" for t in tools[:-1]) + " | "
                  + " / ".join(f"{rss[t]:.0f}" for t in tools) + " |", flush=True)


def part_scaling(results: dict, steps: int) -> None:
    print("\n## it/s against collocation points (heat1d, 3x32)")
    print("| points | pinnsolve it/s | DeepXDE it/s | ratio |")
    print("|---|---|---|---|")
    rows = []
    for n in (1024, 4096, 16384, 65536):
        s = n if n < 16384 else max(20, steps // 4)
        p = run_worker("speed", "pinnsolve", "heat1d", "3x32", str(n), str(min(steps, s)))
        d = run_worker("speed", "deepxde", "heat1d", "3x32", str(n), str(min(steps, s)))
        rows.append({"points": p["points"], "pinnsolve": p["its"], "deepxde": d["its"]})
        print(f"| {p['points']} | {p['its']:.1f} | {d['its']:.1f} | {p['its'] / d['its']:.2f} |", flush=True)
    results["scaling"] = rows
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    for tool, style in (("pinnsolve", "o-"), ("deepxde", "s--")):
        ax.loglog([r["points"] for r in rows], [r[tool] for r in rows], style, label=tool)
    ax.set(xlabel="collocation points", ylabel="Adam iterations per second",
           title="heat1d, 3×32 tanh, float32, 2 threads")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.savefig(HERE / "scaling.png", dpi=120)


def part_target(results: dict, cap_s: float) -> None:
    print(f"\n## Time to an L2 relative error target (each tool's recipe, cap {cap_s:.0f} s)")
    print("| problem | target | pinnsolve (s) | DeepXDE (s) | last errors | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    for problem, target in (("heat1d", 1e-3), ("burgers1d", 5e-3)):
        p = run_worker("target", "pinnsolve", problem, str(target), str(cap_s))
        d = run_worker("target", "deepxde", problem, str(target), str(cap_s))
        results.setdefault("target", []).append({"problem": problem, "target": target, "pinnsolve": p, "deepxde": d})
        fmt = lambda r: "not reached" if r["time_to_target_s"] is None else f"{r['time_to_target_s']:.0f}"  # noqa
        print(f"| {problem} | {target:g} | {fmt(p)} | {fmt(d)} | {p['last_error']:.2e} / {d['last_error']:.2e} | "
              f"{p['rss_mb']:.0f} / {d['rss_mb']:.0f} |", flush=True)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        mode, args = sys.argv[2], sys.argv[3:]
        if mode == "speed":
            result = worker_speed(args[0], args[1], args[2], int(args[3]), int(args[4]))
        else:
            result = worker_target(args[0], args[1], float(args[2]), float(args[3]))
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="speed,scaling,target")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds per time-to-target run")
    parser.add_argument("--tools", default="pinnsolve,pinnsolve-compiled,deepxde",
                        help="speed part: the tools to alternate; the last is the baseline of the ratios")
    args = parser.parse_args()
    results: dict = {"command": " ".join(sys.argv), "date": time.strftime("%Y-%m-%d %H:%M")}
    parts = args.parts.split(",")
    if "speed" in parts:
        part_speed(results, args.repeats, args.steps, args.tools.split(","))
    if "scaling" in parts:
        part_scaling(results, args.steps)
    if "target" in parts:
        part_target(results, args.cap)
    name = "results.json" if set(parts) == {"speed", "scaling", "target"} else f"results-{'-'.join(parts)}.json"
    (HERE / name).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
