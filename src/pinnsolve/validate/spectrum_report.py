"""report.md and report.html of a spectrum validation: the Hamiltonian, the table of levels, the figures."""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from typing import Any

from pinnsolve.io import write_text
from pinnsolve.validate.outcome import MethodOutcome, ValidationResult
from pinnsolve.validate.report_md import md_table
from pinnsolve.validate.tables import fmt_error, fmt_seconds

__all__ = ["write_spectrum_reports"]


def _summary_rows(result: ValidationResult, thresholds: dict[str, float]) -> list[list[str]]:
    rows = []
    for m, o in result.outcomes.items():
        error = o.metrics.get("level_relative_error")
        limit = thresholds.get(m)
        verdict = "—" if limit is None or error is None else ("pass" if error <= limit else "FAIL")
        if o.status != "ok":
            verdict = f"{o.status}: {o.reason}"
        rows.append([m, fmt_error(error), fmt_error(limit), verdict, fmt_seconds(o.wall_time), o.compared_with or "—"])
    return rows


_SUMMARY = ["method", "largest relative error", "threshold", "result", "wall time", "compared with"]


def _parts(problem: Any, result: ValidationResult, fd: MethodOutcome, thresholds: dict[str, float], given: bool):
    from pinnsolve.quantum.problem import describe
    from pinnsolve.validate.spectrum import spectrum_rows

    header, rows = spectrum_rows(result, fd, thresholds)
    note = (
        "Relative errors |E − E_FD| / |E_FD| against the finite-difference spectrum (sparse second-order "
        "Hamiltonian on the box [−L, L], ψ(±L) = 0, scipy eigsh); the FD column's own error is against the "
        "exact ground level where the problem states one. VMC gives the ground level only. Thresholds: "
        + ", ".join(f"{m} {t:.0e}" for m, t in thresholds.items())
        + ("" if given else " (the defaults of a single validation)")
        + "."
    )
    return describe(problem), (header, rows), (_SUMMARY, _summary_rows(result, thresholds)), note


def write_spectrum_reports(
    problem: Any, result: ValidationResult, fd: MethodOutcome, thresholds: dict[str, float] | None
) -> tuple[Path, Path]:
    """Write report.md and report.html into the validation's run directory; their paths."""
    from pinnsolve.validate.spectrum import DEFAULT_THRESHOLDS

    given = thresholds is not None
    limits = dict(thresholds) if given else {m: t for m, t in DEFAULT_THRESHOLDS.items() if m in result.outcomes}
    hamiltonian, levels, summary, note = _parts(problem, result, fd, limits, given)
    base = result.run_dir
    env = result.environment
    md = [f"# Validation of {problem.name}", "", f"pinnsolve {env.get('pinnsolve', '')} · {env.get('date', '')}", ""]
    md += ["```", hamiltonian, "```", "", "## Levels", "", md_table(*levels), "", note, ""]
    md += ["## Methods", "", md_table(*summary), ""]
    for p in result.figures:
        md += [f"![levels compared]({Path(os.path.relpath(p, base)).as_posix()})", ""]
    for m, o in result.outcomes.items():
        md += [f"### {m}", ""] + [f"![{m} {p.stem}]({Path(os.path.relpath(p, base)).as_posix()})" for p in o.plots]
        md += [""]
    md += ["## Environment", "", md_table(["", ""], [[k, str(v)] for k, v in env.items()]), ""]
    md_path = write_text(base / "report.md", "\n".join(md))
    html_path = write_text(base / "report.html", _html(problem, result, hamiltonian, levels, summary, note))
    return html_path, md_path


def _html(problem: Any, result: ValidationResult, hamiltonian: str, levels: Any, summary: Any, note: str) -> str:
    from pinnsolve.validate.report_html import _CSS, _figure, _table

    env = result.environment
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        f"<title>Validation of {escape(problem.name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Validation of {escape(problem.name)}</h1>",
        f'<p class="meta">pinnsolve {escape(str(env.get("pinnsolve", "")))} · {escape(str(env.get("date", "")))}</p>',
        f"<pre>{escape(hamiltonian)}</pre>",
        "<h2>Levels</h2>",
        _table(*levels),
        f'<p class="note">{escape(note)}</p>',
        "<h2>Methods</h2>",
        _table(*summary),
    ]
    parts += [_figure(p, "PINN wave functions over the FD ones; relative error per level") for p in result.figures]
    for m, o in result.outcomes.items():
        parts += [f"<h3>{escape(m)}</h3>"] + [_figure(p, f"{m}: {p.stem}") for p in o.plots]
    parts += ["<h2>Environment</h2>", _table(["", ""], [[k, str(v)] for k, v in env.items()]), "</body></html>"]
    return "\n".join(parts)
