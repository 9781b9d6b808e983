"""`classify`: learn which regime a solution is in, from solutions over parameter ranges.

The steps (each in its own module): draw parameter values (Sobol) over the ``--vary`` box,
solve each by finite differences and label it (`dataset`); measure it with noise and choose
the view (`features`); cross-validate the model with look-back early stopping (`crossval`,
`training`); train it once more on every sample (the saved model); locate the analytic
boundary (`boundary`). The result is a `Labels`.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from pinnsolve.classify.boundary import boundary_lines, nearest_boundary
from pinnsolve.classify.crossval import cross_validate
from pinnsolve.classify.dataset import Dataset, build_dataset
from pinnsolve.classify.features import FEATURES, TRANSFORMS, add_noise, channel_scale, select, transform
from pinnsolve.classify.models import MODELS, Fitted, fit_model
from pinnsolve.classify.progress import bar
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.regimes import check_regimes_cover, parse_label, parse_ranges, regime_function
from pinnsolve.errors import MethodNotApplicable, ProblemError, RunInterrupted, SettingsError
from pinnsolve.methods.contract import Context, Method, Outcome, setting
from pinnsolve.results.labels import Labels

__all__ = ["Classifier", "ClassifySettings", "resolve"]


@dataclass
class ClassifySettings:
    vary: str | None = setting(
        None,
        "parameter ranges and counts, e.g. gamma=0:2:400[,omega0=0.5:2:20]; "
        "the dataset has the product of the counts (default: the problem file's)",
    )
    labels: list | None = setting(
        None,
        "regimes as name=relation (replace the file's)",  # noqa: RUF009
        flag="label",
    )
    model: str | None = setting(None, "classifier (default logistic)", choices=list(MODELS))
    features: str | None = setting(None, "what the classifier sees (default field)", choices=FEATURES)
    noise: float | None = setting(None, "Gaussian measurement noise, relative to each field's typical size")
    folds: int | None = setting(None, "cross-validation folds (default 5)")
    lookback: int = setting(20, "look-back: stop when the validation loss has not improved for this many epochs")
    max_epochs: int = setting(300, "most epochs per torch model")
    transform: str | None = setting(
        None, "compress the solution before learning (asinh for blow-ups)", choices=TRANSFORMS
    )
    grid: dict | None = setting(None, "reference grid per coordinate, e.g. {'t': 101}")  # noqa: RUF009
    scheme: str | None = setting(None, "reference scheme (auto, mol, ftcs, cn)")
    dt: float | None = setting(None, "reference time step (ftcs: marched as given, even if unstable)")
    c: float | None = setting(None, "logistic: inverse regularisation strength C (default 100)")


def resolve(problem: Problem, settings: ClassifySettings) -> tuple[Problem, ClassifySettings, dict[str, str]]:
    """The problem with the command line's regimes, and the settings with the file's defaults filled in."""
    defaults = {
        "model": "logistic",
        "features": "field",
        "noise": 0.0,
        "transform": "none",
        "scheme": "auto",
        "c": 100.0,
        "folds": 5,
    }
    chosen: dict[str, str] = {}
    filled = copy.copy(settings)
    for name in ("vary", "model", "features", "noise", "transform", "grid", "scheme", "dt", "c", "folds"):
        if getattr(settings, name) is None:
            if name in problem.classify:
                setattr(filled, name, problem.classify[name])
                chosen[name] = f"{problem.classify[name]} (the problem file's classify default)"
            elif name in defaults:
                setattr(filled, name, defaults[name])
                chosen[name] = f"{defaults[name]} (default)"
    if filled.folds is not None and int(filled.folds) < 2:
        raise SettingsError(f"--folds {filled.folds}: cross-validation needs at least 2 folds (e.g. --folds 5).")
    if not filled.vary:
        raise SettingsError(
            f"problem '{problem.name}' has no default parameter ranges: give --vary, e.g. --vary "
            f"{next(iter(problem.parameters), 'k')}=0.5:1.5:400."
        )
    if settings.labels:
        problem = copy.copy(problem)
        problem.regimes = dict(parse_label(text, problem.parameters) for text in settings.labels)
        problem.label = None
        if len(problem.regimes) < 2:
            raise SettingsError("--label gives one regime; a classifier needs two or more (repeat --label).")
    return problem, filled, chosen


class Classifier(Method, name="classify"):
    """Regime classification over parameter ranges, judged against the analytic boundary.

    With a run directory (``context.run``) the dataset's chunks (``dataset/``) and the finished folds
    (``folds/``) are kept there as they are made; a resumed run (``--resume``) reads them back instead
    of solving and training again, and ends with the numbers of an uninterrupted run.
    """

    settings_type = ClassifySettings
    result_type = Labels
    summary = "learn which regime a solution is in (logistic, MLP, CNN, GRU) and compare with theory"
    own_checkpoints = True
    DATASET_DIR = "dataset"
    FOLDS_DIR = "folds"

    def check(self, problem: Problem, settings: ClassifySettings) -> None:
        if problem.time is None:
            raise MethodNotApplicable(
                f"'{problem.name}' is steady (no Time coordinate): classify learns from "
                "trajectories and time-dependent fields. Add a Time coordinate."
            )

    def run(self, problem: Problem, settings: ClassifySettings, context: Context) -> Outcome:
        try:
            return self._run(problem, settings, context)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM through the runner
            if context.run is None:
                raise
            from pinnsolve.classify.chunks import DatasetStore
            from pinnsolve.classify.crossval import FoldStore

            where = context.run.path
            chunks = DatasetStore(context.run.file(self.DATASET_DIR)).count()
            folds = FoldStore(context.run.file(self.FOLDS_DIR)).count()
            raise RunInterrupted(
                f"interrupted; {chunks} solved chunk(s) of the dataset and {folds} finished fold(s) are saved in "
                f"{where}. Continue with: pinnsolve classify --resume {where}"
            ) from None

    def _run(self, problem: Problem, settings: ClassifySettings, context: Context) -> Outcome:
        started = time.perf_counter()
        problem, s, chosen = resolve(problem, settings)
        self.check(problem, s)
        names, box, counts = parse_ranges(s.vary, problem.parameters)
        n = int(np.prod(counts))
        data, keep = self._labelled_solutions(problem, s, names, box, n, context)
        points, labels, fields = data.points[keep], data.labels[keep], data.fields[keep]
        solved = time.perf_counter()
        oof, oof_clean, final = self._cross_validated_classifier(s, fields, labels, len(data.classes), context)
        lines, sides, at = self._analytic_boundary(problem, names, box, points)
        time_name = problem.time.name
        result = Labels(
            problem=problem.name,
            names=names,
            classes=data.classes,
            points=points,
            box=box,
            truth=labels,
            probabilities=oof,
            clean_probabilities=oof_clean,
            boundary_at=at,
            lines=lines,
            sides=sides,
            examples=np.clip(fields, -1e38, 1e38).astype(np.float32),
            time=data.axes[time_name],
            channels=data.channels,
            model=s.model,
            features=s.features,
        )
        wall = time.perf_counter() - started
        metrics = {
            "wall_time_s": wall,
            "solve_time_s": solved - started,
            "train_time_s": wall - (solved - started),
            "model": s.model,
            "features": s.features,
            "noise": s.noise,
            "folds": s.folds,
            "samples_unlabelled": int((~keep).sum()),
        }
        history = final.report.history if final.report is not None else []
        outcome = Outcome(
            result=result,
            history=history,
            model=final,
            metrics=metrics,
            choices={
                **chosen,
                "dataset": f"{n} Sobol points over {s.vary}",
                "solver": data.stats.get("solver"),
                "chunks": f"{data.stats.get('chunks')} ({data.stats.get('chunks_cached')} read back on resume)",
                "regimes": regimes_text(problem),
                "model_spec": saved_fitted(final),
            },
        )
        return outcome

    def _labelled_solutions(
        self, problem: Problem, s: ClassifySettings, names: list[str], box: np.ndarray, n: int, context: Context
    ) -> tuple[Dataset, np.ndarray]:
        """Solve the problem at ``n`` Sobol points of the ``--vary`` box and label each solution by its regime.

        Returns the dataset and the mask of the labelled samples (a sample in no regime has label -1).
        """
        if problem.regimes:
            try:
                check_regimes_cover(problem.regimes, names, box, problem.parameter_values, problem.parameters)
            except ProblemError as exc:
                raise SettingsError(str(exc)) from None
        from pinnsolve.classify.chunks import DatasetStore

        store = DatasetStore(context.run.file(self.DATASET_DIR), _dataset_key(problem, s)) if context.run else None
        with bar(n, f"solving {problem.name}", context) as tick:
            data = build_dataset(
                problem,
                names,
                box,
                n,
                context.rng,
                grid=s.grid,
                scheme=s.scheme,
                dt=s.dt,
                progress=tick,
                store=store,
                workers=max(1, int(context.threads or 1)),
            )
        return data, data.labels >= 0

    def _cross_validated_classifier(
        self, s: ClassifySettings, fields: np.ndarray, labels: np.ndarray, k: int, context: Context
    ) -> tuple[np.ndarray, np.ndarray, Fitted]:
        """Measure the solutions with noise, cross-validate the classifier on them, and fit the final model.

        Returns the out-of-fold class probabilities on the noisy and on the clean measurements, and the
        model trained once more on every sample (its spec records the feature scale and view).
        """
        rng = context.rng
        scale = channel_scale(fields)
        noisy = select(transform(add_noise(fields, s.noise, scale, rng), s.transform, scale), s.features)
        clean = select(transform(fields, s.transform, scale), s.features)
        options = {"latent": s.features == "latent", "lookback": s.lookback, "max_epochs": s.max_epochs, "c": s.c}
        from pinnsolve.classify.crossval import FoldStore

        store = FoldStore(context.run.file(self.FOLDS_DIR)) if context.run is not None else None
        with bar(s.folds + 1, f"training {s.model} ({s.folds}-fold)", context) as tick:
            oof, oof_clean, _ = cross_validate(
                s.model, noisy, clean, labels, k, s.folds, rng, tick, store=store, **options
            )
            final = fit_model(s.model, noisy, labels, k, rng, **options)
            tick(s.folds + 1)
        final.spec.update(
            feature_scale=scale.tolist(), transform=s.transform, features=s.features, field_shape=list(fields.shape[1:])
        )
        return oof, oof_clean, final

    def _analytic_boundary(
        self, problem: Problem, names: list[str], box: np.ndarray, points: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The analytic regime boundary in the box: its line segments, the regimes on either side, and
        each sample's distance to it (empty segments and NaN distances when the problem has no regimes)."""
        holds = (
            regime_function(problem.regimes, names, problem.parameter_values, problem.parameters)
            if problem.regimes
            else None
        )
        lines, sides = boundary_lines(holds, box) if holds else (np.zeros((0, len(names))), np.zeros((0, 2), int))
        at = nearest_boundary(holds, box, points) if holds else np.full(len(points), np.nan)
        return lines, sides, at


def _dataset_key(problem: Problem, s: ClassifySettings) -> str:
    """What the cached solutions depend on: the problem file's bytes, the parameter values, ranges, grid, scheme."""
    import hashlib
    import json
    from pathlib import Path

    text = Path(problem.file).read_bytes() if problem.file and Path(problem.file).is_file() else b""
    solved = {"parameters": problem.parameter_values, "vary": s.vary, "grid": s.grid, "scheme": s.scheme, "dt": s.dt}
    return hashlib.sha256(text + json.dumps(solved, sort_keys=True, default=str).encode()).hexdigest()


def regimes_text(problem: Problem) -> dict[str, str]:
    """The regimes as text (config.json)."""
    return {name: str(relation) for name, relation in problem.regimes.items()}


def saved_fitted(final: Fitted) -> dict[str, Any]:
    """What config.json keeps of the final model (its spec); the arrays go to model.pt."""
    return {k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in final.spec.items()}
