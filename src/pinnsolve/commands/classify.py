"""``pinnsolve classify``: learn regimes over parameter ranges; ``--predict`` labels new data.

    pinnsolve classify PROBLEM.py --vary gamma=0:2:400[,omega0=0.5:2:20] [--label 'name=relation' ...]
        [--model logistic|mlp|cnn|rnn] [--features field|trajectory|latent] [--noise 0.01] [--folds 5] [--out DIR]
    pinnsolve classify --predict RUN_DIR data.npz|data.csv

The run directory (written by the one runner, `pinnsolve.run.solve`) holds config.json, metrics.json,
history.csv (torch models), model.pt (every array of the classifier, no pickle), labels.npz, plots/,
and the checkpoints a stopped run resumes from (``--resume RUN_DIR``): dataset/chunk-NNNN.npz (the
solved samples, chunk by chunk) and folds/fold-K.npz (each finished cross-validation fold).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from pinnsolve.errors import RunDirectoryError, SettingsError

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    from pinnsolve.classify.features import FEATURES
    from pinnsolve.classify.models import MODELS
    from pinnsolve.dsl.assignments import add_common_arguments

    p.add_argument("problem", nargs="?", help="the problem file (with --predict: the run directory)")
    p.add_argument("data", nargs="?", help="--predict: trajectories to label (.npz or .csv)")
    p.add_argument("--predict", action="store_true", help="label new data with the classifier saved in RUN_DIR")
    p.add_argument(
        "--vary",
        help="ranges and counts, e.g. gamma=0:2:400[,omega0=0.5:2:20] (Sobol points; the "
        "dataset has the product of the counts). Default: the problem file's classify={'vary': ...}",
    )
    p.add_argument(
        "--label",
        action="append",
        metavar="NAME=RELATION",
        help="a regime, e.g. 'underdamped=gamma < omega0' (repeat; replaces the file's regimes)",
    )
    p.add_argument("--model", choices=list(MODELS), help="classifier (default logistic: the baseline)")
    p.add_argument("--features", choices=FEATURES, help="what the classifier sees (default field)")
    p.add_argument("--noise", type=float, help="measurement noise, relative to each field's typical size")
    p.add_argument("--folds", type=int, help="cross-validation folds (default 5)")
    p.add_argument("--lookback", type=int, help="epochs without improvement before stopping (default 20)")
    p.add_argument("--grid", help="reference grid, e.g. t=101 or x=101,t=11 (default: the problem file's)")
    p.add_argument("--epochs", type=int, help="most epochs per torch model (default 300; look-back stops earlier)")
    add_common_arguments(p, "the run directory (default runs/<problem>-classify-<time>)")
    p.add_argument(
        "--resume",
        metavar="RUN_DIR",
        help="continue a stopped classify run: its cached dataset chunks and finished folds are read back "
        "(the problem, settings and seed are the run's own). --threads also sets the worker processes "
        "that solve the dataset's chunks",
    )


def _settings(args: argparse.Namespace):
    from pinnsolve.classify.method import ClassifySettings

    values = {k: getattr(args, k) for k in ("vary", "model", "features", "noise") if getattr(args, k) is not None}
    if args.noise is not None and not 0 <= args.noise < float("inf"):
        raise SettingsError(
            f"--noise {args.noise}: give a finite standard deviation ≥ 0 (relative to each field's size), e.g. 0.01."
        )
    for flag, name in (("folds", "folds"), ("lookback", "lookback"), ("epochs", "max_epochs")):
        value = getattr(args, flag)
        if value is not None:
            if value < 1:
                raise SettingsError(f"--{flag} {value}: give a positive whole number.")
            values[name] = value
    if args.label:
        values["labels"] = list(args.label)
    if args.grid:
        from pinnsolve.dsl.assignments import parse_assignments

        values["grid"] = parse_assignments(args.grid, "--grid", int)
    return ClassifySettings(**values)


def run(args: argparse.Namespace) -> int:
    """Classify through the one runner (`pinnsolve.run.solve`): its run directory, config.json, SIGTERM and
    ``--resume`` (the dataset chunks and finished folds kept in the run directory are read back)."""
    if args.predict:
        return _predict(args)
    from pinnsolve.dsl import load_problem
    from pinnsolve.dsl.assignments import parse_sets as _sets
    from pinnsolve.run import RunOptions, solve

    if args.resume:
        problem_file, parameters, settings, seed = _resumed(Path(args.resume))
        problem = load_problem(problem_file, parameters)
    elif not args.problem:
        raise SettingsError(
            "pinnsolve classify needs a problem file, e.g. pinnsolve classify problems/regimes/damped_oscillator.py "
            "(or --resume RUN_DIR to continue a stopped run)."
        )
    else:
        problem = load_problem(args.problem, _sets(args.set))
        settings, seed = _settings(args), 0 if args.seed is None else args.seed
    threads = getattr(args, "threads", None)
    options = RunOptions(method="classify", settings=settings, seed=seed, dtype="float32", threads=threads)
    result = solve(
        problem,
        options,
        args.out,
        plain=True if args.quiet else None,
        resume_dir=args.resume,
        overwrite=args.overwrite,
    )
    _report(problem.name, result.metrics, result.run_dir)
    return 0


def _resumed(run_dir: Path) -> tuple[str, dict, object, int]:
    """The problem file, parameter values, settings and seed that the classify run in ``run_dir`` recorded."""
    from pinnsolve.io.rundir import RunDirectory
    from pinnsolve.methods.options import make_settings

    config = RunDirectory.open(run_dir).read_config()
    problem = config.get("problem") or {}
    if config.get("method") != "classify" or not problem.get("file"):
        raise RunDirectoryError(
            f"--resume {run_dir}: its config.json is not that of a pinnsolve classify run (method "
            f"'{config.get('method')}'). Give the folder a classify run wrote, or resume it with its own command."
        )
    return (
        problem["file"],
        dict(problem.get("parameters") or {}),
        make_settings("classify", config.get("settings")),
        int(config.get("seed", 0)),
    )


def _report(name: str, m: dict, path: Path) -> None:
    def f(v: object) -> str:
        return "n/a" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v)

    print(
        f"\n{name}: {m['model']} on {m['features']} features, {m['samples']} samples, {m['folds']}-fold CV, "
        f"{m['wall_time_s']:.1f} s"
    )
    print(
        f"accuracy {f(m['accuracy'])}, balanced {f(m['balanced_accuracy'])}, outside the ±2 % band "
        f"{f(m['accuracy_outside_band'])}; boundary error {f(m['boundary_error'])} (relative); ROC AUC "
        f"{f(m['roc_auc'])}; ECE {f(m['expected_calibration_error'])}"
    )
    print(f"Results in {path}/: labels.npz, model.pt, metrics.json, config.json, plots/")


def _predict(args: argparse.Namespace) -> int:
    import torch

    from pinnsolve.classify.features import select, transform
    from pinnsolve.classify.models import load_fitted
    from pinnsolve.io.rundir import RunDirectory

    if not args.problem or not args.data:
        raise SettingsError(
            "--predict needs the run directory and the data: pinnsolve classify --predict RUN_DIR "
            "data.npz (or data.csv)."
        )
    run_dir = RunDirectory.open(args.problem)
    config = run_dir.read_config()
    if config.get("result") != "labels":
        raise RunDirectoryError(
            f"{run_dir.path}: not a classify run (its result is '{config.get('result')}'). "
            "Give a folder that pinnsolve classify wrote."
        )
    try:
        state = torch.load(run_dir.file(run_dir.MODEL), weights_only=True)
    except FileNotFoundError:
        raise RunDirectoryError(f"{run_dir.file(run_dir.MODEL)}: missing; rerun pinnsolve classify.") from None
    except Exception as exc:  # torch reports a damaged file as RuntimeError, UnpicklingError, EOFError, ...
        raise RunDirectoryError(
            f"{run_dir.file(run_dir.MODEL)}: not a readable classifier ({type(exc).__name__}); the file is corrupt. "
            "Rerun pinnsolve classify to write it again."
        ) from None
    try:
        spec = (config.get("choices") or {}).get("model_spec") or config["model_spec"]
        fitted = load_fitted(spec, {k: v.numpy() for k, v in state.items()})
        field_shape, transform_name, chosen = (fitted.spec[k] for k in ("field_shape", "transform", "features"))
        scale = np.asarray(fitted.spec["feature_scale"], dtype=float)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RunDirectoryError(
            f"{run_dir.file(run_dir.CONFIG)}: its model_spec is missing or incomplete ({type(exc).__name__}: {exc}), "
            "or model.pt does not match it. Rerun pinnsolve classify to write the run again."
        ) from None
    labels = _labels(run_dir)
    data = read_data(Path(args.data), labels.channels, field_shape)
    features = select(transform(data, transform_name, scale), chosen)
    p = fitted.predict_proba(features)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["index", "label", *[f"p_{c}" for c in labels.classes]])
    for i, row in enumerate(p):
        writer.writerow([i, labels.classes[int(np.argmax(row))], *[f"{v:.6f}" for v in row]])
    return 0


def _labels(run_dir: object):
    """The run's labels.npz (its classes and channels); a missing or damaged file is a clear error."""
    import zipfile

    from pinnsolve.results.labels import Labels

    try:
        return Labels.load(run_dir.path)
    except RunDirectoryError:
        raise
    except FileNotFoundError:
        raise RunDirectoryError(f"{run_dir.file('labels.npz')}: missing; rerun pinnsolve classify.") from None
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise RunDirectoryError(
            f"{run_dir.file('labels.npz')}: not readable ({type(exc).__name__}); the file is corrupt. "
            "Rerun pinnsolve classify to write it again."
        ) from None


def read_data(path: Path, channels: list[str], shape: list[int]) -> np.ndarray:
    """Solutions to label, shape (n, *shape) with shape = (channels, *grid): an .npz with one array per field
    (or one array ``features``), or a .csv with one sample per row (the fields' values one after another)."""
    if not path.is_file():
        raise SettingsError(f"{path}: no such data file. Give an .npz or .csv of trajectories.")
    try:
        array = _read_array(path, channels)
    except SettingsError:
        raise
    except Exception as exc:  # numpy's readers: ValueError, OSError, BadZipFile, EOFError, ...
        raise SettingsError(
            f"{path}: not a readable {path.suffix or 'data'} file of numbers ({type(exc).__name__}: {exc}). Give an "
            ".npz with one array per field (or 'features'), or a .csv with one sample per row and no header."
        ) from None
    if array.size == 0 or len(array) == 0:
        raise SettingsError(f"{path}: holds no samples. Give at least one trajectory to label.")
    if not np.all(np.isfinite(array)):
        raise SettingsError(f"{path}: holds NaN or infinite values; give finite trajectories.")
    try:
        return array.reshape(len(array), *shape)
    except ValueError:
        raise SettingsError(
            f"{path}: {int(np.prod(array.shape[1:]))} values per sample, but the classifier was "
            f"trained on solutions of shape {tuple(shape)} (fields × grid). Give solutions on the "
            "run's grid."
        ) from None


def _read_array(path: Path, channels: list[str]) -> np.ndarray:
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            if "features" in data.files:
                array = np.asarray(data["features"], dtype=float)
            elif all(c in data.files for c in channels):
                array = np.stack([np.asarray(data[c], dtype=float) for c in channels], axis=1)
            else:
                raise SettingsError(
                    f"{path}: expected an array 'features' or one per field "
                    f"({', '.join(channels)}); it holds {', '.join(data.files)}."
                )
    elif path.suffix == ".csv":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "input contained no data": said below, in words
            array = np.loadtxt(path, delimiter=",", ndmin=2)
    else:
        raise SettingsError(f"{path}: give an .npz or a .csv file.")
    return array
