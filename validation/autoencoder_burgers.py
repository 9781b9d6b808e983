"""POD against the autoencoder on Burgers snapshots: reconstruction and rollout error against k.

    .venv/bin/python validation/autoencoder_burgers.py [--latents 1,2,3,4] [--vary nu=0.005:0.05:8]
        [--steps N] [--dtype float64] [--cell gru|mlp|...] [--encoder mlp|conv] [--out runs/autoencoder_burgers]

Snapshots: the finite-difference reference of problems/burgers1d.py for each ν of ``--vary``
(training) and the midpoints between neighbouring values (unseen). POD (mean-subtracted SVD of
the training snapshots, Galerkin rollout of the equations) is computed here for k = 1 … 8; the
autoencoder is one `pinnsolve solve --method autoencoder --latent k` run per k (seed 0, one
thread). Prints a Markdown table with the command at the top and writes the error-vs-k plot
to OUT/error_vs_latent.png (and the table to OUT/table.md).
"""

from __future__ import annotations

import argparse
import io
import json
import shlex
import sys
import time
from pathlib import Path

import torch

from pinnsolve import load_problem
from pinnsolve.methods.autoencoder import AutoencoderSettings, pod_sweep
from pinnsolve.viz.surrogates import plot_error_vs_latent
from pinnsolve.methods.snapshots import trajectory_sets
from pinnsolve.run import RunOptions, solve

ROOT = Path(__file__).resolve().parents[1]
POD_KS = [1, 2, 3, 4, 8]


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latents", default="1,2,3,4", help="latent sizes k of the autoencoder")
    parser.add_argument("--vary", default="nu=0.005:0.05:8")
    parser.add_argument("--steps", type=int, default=None, help="Adam steps (default: the method's budget)")
    parser.add_argument("--lbfgs-steps", type=int, default=None)
    parser.add_argument("--dtype", default="float64")
    parser.add_argument("--cell", help="latent dynamics: mlp, elman, gru or lstm (default: the method's, gru)")
    parser.add_argument("--encoder", help="mlp or conv (default: the method's, mlp)")
    parser.add_argument("--width", type=int)
    parser.add_argument("--depth", type=int)
    parser.add_argument("--out", default="runs/autoencoder_burgers")
    args = parser.parse_args()
    torch.set_num_threads(1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    command = "python " + " ".join(shlex.quote(a) for a in [str(Path(sys.argv[0])), *sys.argv[1:]])
    problem = load_problem(ROOT / "problems" / "burgers1d.py")
    latents = [int(k) for k in args.latents.split(",")]

    started = time.perf_counter()
    data = trajectory_sets(problem, None, "autoencoder", args.vary, hold_out_midpoints=True)
    snapshot_time = time.perf_counter() - started
    started = time.perf_counter()
    ks = sorted(set(POD_KS) | set(latents))
    sweep = pod_sweep(data.train, data.unseen, ks)
    pod_time = time.perf_counter() - started
    print(f"snapshots {snapshot_time:.1f} s, POD sweep {pod_time:.1f} s", file=sys.stderr, flush=True)

    points: dict[int, dict] = {}
    for k in latents:
        given = {name: getattr(args, name) for name in ("cell", "encoder", "width", "depth")
                 if getattr(args, name) is not None}
        settings = dict(latent=k, vary=args.vary, steps=args.steps, lbfgs_steps=args.lbfgs_steps, **given)
        options = RunOptions(method="autoencoder", settings=settings, dtype=args.dtype, threads=1)
        started = time.perf_counter()
        result = solve(problem, options, out=out / f"k{k}", plain=True, stream=io.StringIO())
        m = result.metrics
        points[k] = {**{key: m.get(key) for key in ("ae_reconstruction_train", "ae_reconstruction_unseen",
                                                      "ae_rollout_train", "ae_rollout_unseen", "ae_rollout_own")},
                     "train_time_s": m["train_time_s"], "wall_time_s": time.perf_counter() - started,
                     "steps": m["steps"]}
        print(json.dumps({"k": k, **points[k]}), file=sys.stderr, flush=True)

    used = AutoencoderSettings(**{name: getattr(args, name) for name in ("cell", "encoder") if getattr(args, name)})
    plot_error_vs_latent(sweep, points, out / "error_vs_latent.png",
                         f"burgers1d, {args.vary}: POD and autoencoder ({used.encoder} encoder, {used.cell} step)")
    train = [t.parameters[data.parameter] for t in data.train]
    lines = [f"    {command}", "",
             f"Training ν: {len(train)} values {min(train):.4g} … {max(train):.4g}; unseen ν: the {len(data.unseen)} "
             f"midpoints; grid {data.train[0].states.shape[1]} free nodes × {len(data.train[0].times)} times. "
             f"Relative L2 error of the states over all snapshots of the set. POD: {pod_time:.0f} s for the "
             f"whole sweep (k = {', '.join(map(str, ks))}); snapshots {snapshot_time:.0f} s.", "",
             "| k | POD recon. | AE recon. | POD rollout | AE rollout | POD recon. unseen | AE recon. unseen "
             "| POD rollout unseen | AE rollout unseen | AE steps, train time |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for i, k in enumerate(sweep["k"]):
        ae = points.get(k, {})
        cells = [str(k), fmt(sweep["reconstruction_train"][i]), fmt(ae.get("ae_reconstruction_train")),
                 fmt(sweep["rollout_train"][i]), fmt(ae.get("ae_rollout_train")),
                 fmt(sweep["reconstruction_unseen"][i]), fmt(ae.get("ae_reconstruction_unseen")),
                 fmt(sweep["rollout_unseen"][i]), fmt(ae.get("ae_rollout_unseen")),
                 f"{ae['steps']}, {ae['train_time_s']:.0f} s" if ae else "—"]
        lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    (out / "table.md").write_text(table + "\n")
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
