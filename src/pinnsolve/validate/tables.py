"""The tables of a report as rows of strings, shared by the HTML and Markdown writers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pinnsolve.validate.outcome import MethodOutcome, ValidationResult

__all__ = [
    "POOR_L2",
    "RESULT_HEADER",
    "convergence_rows",
    "convergence_summary",
    "fmt_error",
    "fmt_seconds",
    "grade",
    "per_field_rows",
    "result_table",
    "settings_matrix",
    "settings_rows",
    "unknown_rows",
    "verdict",
]

UNKNOWN_HEADER = ["method", "unknown", "initial guess", "identified", "95 % interval", "true value", "error"]

RESULT_HEADER = [
    "method",
    "L2 relative error",
    "max abs error",
    "final loss",
    "wall time",
    "steps",
    "size",
    "evaluated on",
    "status",
]


def fmt_error(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2e}"


def fmt_seconds(value: Any) -> str:
    if value is None:
        return "—"
    value = float(value)
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


#: with no threshold, an L2 relative error above this is graded "poor" (it ran, but did not solve)
POOR_L2 = 0.1


def grade(o: MethodOutcome, threshold: float | None) -> str:
    """The row's verdict: pass/FAIL against its threshold; without one, "poor" above 10 % L2, else "ok"."""
    if o.status != "ok":
        return f"{o.status}: {o.reason}"
    if threshold is None:
        if o.l2 is not None and not o.metrics.get("l2_is_absolute") and not o.l2 <= POOR_L2:
            return f"poor: L2 {o.l2:.2g} above {POOR_L2:.0%} (no threshold set)"
        return "ok"
    if o.l2 is None:
        return f"FAIL: no error measured (threshold {threshold:.0e})"
    return f"{'pass' if o.l2 <= threshold else 'FAIL'} (threshold {threshold:.0e})"


def _evaluated_on(o: MethodOutcome) -> str:
    s = o.solution
    if s is None:
        return "—"
    if s.is_grid:
        return " × ".join(f"{c}={len(a)}" for c, a in s.axes.items())
    return f"{s.n_points} points" + "".join(f" × {c}={len(a)}" for c, a in s.axes.items())


def result_table(
    result: ValidationResult, thresholds: Mapping[str, float] | None = None
) -> tuple[list[str], list[list[str]]]:
    """Header and one row per method, in the order the methods ran.

    A "compared with" column appears only when the methods were not all compared with the
    same thing (otherwise the report says it once, under the table).
    """
    compared = {o.compared_with for o in result.outcomes.values() if o.ok}
    header = list(RESULT_HEADER)
    if len(compared) > 1:
        header.insert(1, "compared with")
    rows = []
    for m, o in result.outcomes.items():
        absolute = " (absolute: the compared solution is zero)" if o.metrics.get("l2_is_absolute") else ""
        loss = o.metrics.get("final_loss")
        row = [
            m,
            fmt_error(o.l2) + absolute,
            fmt_error(o.max_abs),
            fmt_error(loss),
            fmt_seconds(o.wall_time),
            "—" if o.steps is None else str(o.steps),
            o.size or "—",
            _evaluated_on(o),
            grade(o, (thresholds or {}).get(m)),
        ]
        if len(compared) > 1:
            row.insert(1, o.compared_with or "—")
        rows.append(row)
    return header, rows


def per_field_rows(result: ValidationResult) -> list[list[str]]:
    """(method, field, L2, max) for systems of several fields; empty for a single field."""
    rows = []
    for m, o in result.outcomes.items():
        fields = o.metrics.get("fields") or {}
        if len(fields) > 1:
            for name, f in fields.items():
                rows.append([m, name, fmt_error(f.get("l2_relative_error")), fmt_error(f.get("max_abs_error"))])
    return rows


#: what the data-driven surrogates measure besides the error on the evaluation grid, in words
SURROGATE_METRICS = {
    "l2_heldout": "held-out reference points (within the data's time range)",
    "l2_data_range": "all reference points within the data's time range",
    "l2_extrapolation": "reference points beyond the data's time range (extrapolation)",
    "l2_training_horizon": "rollout within the training horizon, against the reference",
    "l2_beyond_horizon": "rollout beyond the training horizon, against the reference",
    "l2_training_horizon_exact": "rollout within the training horizon, against the exact solution",
    "l2_beyond_horizon_exact": "rollout beyond the training horizon, against the exact solution",
    "ae_rollout_own": "autoencoder rollout at the problem's own parameters, against the reference",
    "ae_reconstruction_train": "autoencoder reconstruction, training parameters",
    "ae_rollout_train": "autoencoder rollout, training parameters",
    "ae_reconstruction_unseen": "autoencoder reconstruction, unseen parameters",
    "ae_rollout_unseen": "autoencoder rollout, unseen parameters",
    "pod_reconstruction_train": "POD reconstruction at the same k, training parameters",
    "pod_reconstruction_unseen": "POD reconstruction at the same k, unseen parameters",
    "pod_rollout_train": "POD-Galerkin rollout at the same k, training parameters",
    "pod_rollout_unseen": "POD-Galerkin rollout at the same k, unseen parameters",
}


def surrogate_rows(result: ValidationResult) -> list[list[str]]:
    """(method, what, L2 relative error) for the errors a surrogate measures on its own data splits:
    the named ones above, and any other ``l2_…``, ``reconstruction…`` or ``rollout…`` number."""
    rows = []
    for m, o in result.outcomes.items():
        for key, value in o.metrics.items():
            if key in ("l2_relative_error", "l2_is_absolute") or not isinstance(value, (int, float)):
                continue
            if key in SURROGATE_METRICS or key.startswith(("l2_", "reconstruction", "rollout", "pod_", "ae_")):
                rows.append([m, SURROGATE_METRICS.get(key, key.replace("_", " ")), fmt_error(value)])
    return rows


def unknown_rows(result: ValidationResult, problem: Any) -> list[list[str]]:
    """One row per method and identified constant (an `Unknown`): the initial guess, the value the method
    found (an ensemble's mean ± std and 95 % interval), the true value where the problem states it."""
    rows = []
    for m, o in result.outcomes.items():
        identified = o.metrics.get("unknowns")
        if not isinstance(identified, Mapping):  # fd's "unknowns" counts the unknowns of its system
            continue
        for name, found in identified.items():
            p = problem.parameters.get(name)
            exact = getattr(p, "exact", None)
            initial = f"{problem.parameter_values[name]:.6g}" if name in problem.parameter_values else ""
            if isinstance(found, Mapping):
                value, shown = found["mean"], f"{found['mean']:.6g} ± {found['std']:.2g}"
                interval = "[{:.6g}, {:.6g}]".format(*found["ci95"])
            else:
                value, shown, interval = float(found), f"{float(found):.6g}", ""
            error = f"{abs(value - exact) / abs(exact):.2%}" if exact else ""
            rows.append([m, name, initial, shown, interval, "" if exact is None else f"{exact:.6g}", error])
    return rows


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, Mapping):
        return ", ".join(f"{k}={_value(x)}" for k, x in v.items()) or "—"
    if isinstance(v, (list, tuple)):
        return ", ".join(_value(x) for x in v) or "—"
    return "—" if v is None else str(v)


#: trainer internals that do not change the result a reader compares
_QUIET = {"max_retries", "snapshot_every", "eval_every", "lbfgs_history"}


def settings_rows(settings: Mapping[str, Any]) -> list[list[str]]:
    """Nested settings flattened to (name, value) rows.

    Unset values (``None``: "pinnsolve picks") are left out, and what pinnsolve then chose
    (``choices``: the derivative engine, the point counts, ...) is shown as "chosen".
    """
    rows: list[list[str]] = []
    for key, value in settings.items():
        if isinstance(value, Mapping) and key in ("settings", "train", "choices", "stats"):
            for k, v in value.items():
                if v is None or v == {} or k in _QUIET:
                    continue
                name = {"train": f"train.{k}", "choices": f"{k} (chosen)"}.get(key, k)
                rows.append([name, _value(v)])
        elif value is not None:
            rows.append([key, _value(value)])
    return rows


def settings_matrix(outcomes: Mapping[str, MethodOutcome]) -> tuple[list[str], list[list[str]]]:
    """All methods' settings in one table: a row per setting, a column per method ("" where unset)."""
    per = {m: dict(settings_rows(o.settings)) for m, o in outcomes.items() if o.settings}
    names: list[str] = []
    for rows in per.values():
        names += [n for n in rows if n not in names]
    return ["setting", *per], [[n, *(rows.get(n, "") for rows in per.values())] for n in names]


def convergence_rows(conv: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a convergence table: grid, h, errors (and level differences), order."""
    levels = conv.get("levels", [])
    diff = any(level.get("difference") is not None for level in levels)
    header = ["grid", "h", "L2 relative error", "max abs error"] + (["difference to next level"] if diff else [])
    header.append("observed order")
    rows = []
    for level in levels:
        order = level.get("order")
        row = [
            str(level.get("grid", "—")),
            f"{level['h']:.4g}" if level.get("h") is not None else "—",
            fmt_error(level.get("l2_relative_error")),
            fmt_error(level.get("max_abs_error")),
        ]
        row += [fmt_error(level.get("difference"))] if diff else []
        rows.append(row + ["—" if order is None else f"{order:.2f}"])
    return header, rows


def convergence_summary(conv: Mapping[str, Any]) -> str:
    """One sentence: observed order against the expected one, and what the errors are against."""
    if conv.get("skipped"):
        return f"No convergence study: {conv['skipped']}"
    order, fit = conv.get("order"), conv.get("fit_order")
    text = (
        f"Observed order {'—' if order is None else f'{order:.2f}'} between the two finest levels"
        + (f" (least-squares fit over all levels {fit:.2f})" if fit is not None else "")
        + f", expected {conv.get('expected_order', 2)}; errors against the {conv.get('against', '?')}"
        + (f", order from {conv['order_from']}" if conv.get("order_from") and conv["order_from"] != "errors" else "")
        + "."
    )
    notes = conv.get("notes") or []
    return text + "".join(f" Note: {n}." for n in notes)


def verdict(result: ValidationResult) -> str:
    """One sentence: which method came closest, and what was skipped."""
    ran = {
        m: o
        for m, o in result.outcomes.items()
        if o.ok and o.l2 is not None and not o.compared_with.startswith("itself")
    }
    parts = []
    if ran:
        best = min(ran, key=lambda m: ran[m].l2)
        parts.append(
            f"closest to the {result.reference if result.reference == 'exact solution' else 'reference'}: "
            f"{best} (L2 relative error {ran[best].l2:.2e})"
        )
    skipped = [m for m, o in result.outcomes.items() if o.status == "skipped"]
    failed = [m for m, o in result.outcomes.items() if o.status == "failed"]
    if skipped:
        parts.append(f"skipped: {', '.join(skipped)}")
    if failed:
        parts.append(f"failed: {', '.join(failed)}")
    return "; ".join(parts) + "." if parts else "no method ran."
