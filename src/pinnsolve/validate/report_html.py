"""report.html: one self-contained page (images as data URIs, no scripts, no network)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from pinnsolve.dsl.problem import Problem
from pinnsolve.io import write_text
from pinnsolve.validate.mathimage import DPI, math_png, png_size
from pinnsolve.validate.outcome import MethodOutcome, ValidationResult
from pinnsolve.validate.statement import MathLine, statement
from pinnsolve.validate.tables import (
    UNKNOWN_HEADER,
    convergence_rows,
    convergence_summary,
    per_field_rows,
    result_table,
    settings_matrix,
    surrogate_rows,
    unknown_rows,
    verdict,
)

__all__ = ["write_html"]

_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em;
       margin-top: 1.8em; } h3 { margin-bottom: 0.3em; }
.meta { color: #555; font-size: 0.92em; } .verdict { font-size: 1.05em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.93em; }
th, td { border: 1px solid #d0d0d0; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.math { margin: 0.35em 0 0.35em 1.2em; display: flex; align-items: center; gap: 1em; flex-wrap: wrap; }
.math img { vertical-align: middle; } .note { color: #555; font-size: 0.92em; }
.fallback { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 0.95em; }
figure { margin: 0.8em 0; } figure img { max-width: 100%; border: 1px solid #e2e2e2; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 0.6em; }
.plots figure { margin: 0; }
figcaption { color: #555; font-size: 0.9em; }
.skipped { color: #8a5a00; } .failed, .FAIL { color: #b00020; font-weight: 600; } .pass { color: #116611; }
nav a { margin-right: 1em; } code { background: #f5f5f5; padding: 0 0.2em; }
"""


def _data_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _math(line: MathLine) -> str:
    png = math_png(line.tex) if line.tex else None
    if png is not None:
        w, h = png_size(png)
        scale = 96 / DPI
        body = (
            f'<img src="{_data_uri(png)}" width="{round(w * scale)}" height="{round(h * scale)}" '
            f'alt="{escape(line.text)}">'
        )
    else:
        body = f'<span class="fallback">{escape(line.text)}</span>'
    note = f'<span class="note">{escape(line.note)}</span>' if line.note else ""
    return f'<div class="math">{body}{note}</div>'


#: columns right-aligned as numbers
_NUMERIC = {
    "L2 relative error",
    "max abs error",
    "final loss",
    "wall time",
    "steps",
    "h",
    "observed order",
    "difference to next level",
}


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    numeric = {j for j, h in enumerate(header) if h in _NUMERIC}
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for j, cell in enumerate(row):
            cls = ' class="num"' if j in numeric else ""
            word = cell.split(":")[0].split(" ")[0]
            if word in ("skipped", "failed", "FAIL", "pass"):
                cls = f' class="{word}"'
            cells.append(f"<td{cls}>{escape(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure(path: Path, caption: str) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return (
        f'<figure><img src="{_data_uri(data)}" alt="{escape(caption)}">'
        f"<figcaption>{escape(caption)}</figcaption></figure>"
    )


_CAPTIONS = {
    "solution": "solution",
    "error": "pointwise error against the exact solution",
    "loss": "training history: loss terms and L2 error",
    "phase": "phase portrait",
    "convergence": "convergence under grid refinement",
}


def _plot_caption(o: MethodOutcome, path: Path) -> str:
    what = _CAPTIONS.get(path.stem, path.stem)
    return f"{o.method}: {what}"


def _problem_section(problem: Problem) -> str:
    st = statement(problem)
    parts = ['<section id="problem"><h2>Problem</h2>']
    if st.description:
        parts.append(f"<p>{escape(st.description)}</p>")
    parts.append(
        f"<p>Unknown field{'s' if ',' in st.fields else ''}: <code>{escape(st.fields)}</code>."
        + (f" Problem file: <code>{escape(str(problem.file))}</code>." if problem.file else "")
        + "</p>"
    )
    for heading, lines in st.sections():
        parts.append(f"<h3>{escape(heading)}</h3>")
        parts.extend(_math(line) for line in lines)
    if not problem.exact:
        parts.append(
            "<h3>Exact solution</h3><p>None is known: errors are measured against a reference (see Results).</p>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _method_section(o: MethodOutcome) -> str:
    parts = [f'<h3 id="method-{escape(o.method)}">{escape(o.method)}</h3>']
    if o.status != "ok":
        parts.append(f'<p class="{o.status}">{escape(o.status)}: {escape(o.reason)}</p>')
    if o.run_dir is not None:
        parts.append(f'<p class="note">run directory: <code>{escape(str(o.run_dir))}</code></p>')
    figures = [
        _figure(path, _plot_caption(o, path))
        for path in o.plots
        if not (path.stem == "error" and not o.compared_with.startswith("exact"))
    ]
    if figures:
        parts.append('<div class="plots">' + "".join(figures) + "</div>")
    if o.convergence:
        parts.append(_convergence(o.convergence))
    return "\n".join(parts)


def _convergence(conv: Mapping[str, object]) -> str:
    parts = [
        '<h4 id="convergence">Convergence under grid refinement</h4>',
        f"<p>{escape(convergence_summary(conv))}</p>",
    ]
    header, rows = convergence_rows(conv)
    if rows:
        parts.append(_table(header, rows))
    plot = conv.get("plot")
    if plot:
        parts.append(_figure(Path(str(plot)), "fd: error against grid spacing h (log-log), second-order guide"))
    return "\n".join(parts)


def render_html(problem: Problem, result: ValidationResult, thresholds: Mapping[str, float] | None = None) -> str:
    """The report page as a string."""
    title = f"Validation of {problem.name}"
    env = result.environment
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        (
            f'<p class="meta">pinnsolve {escape(str(env.get("pinnsolve", "")))} · '
            f"{escape(str(env.get('date', '')))} · run directory <code>{escape(str(result.run_dir))}</code></p>"
        ),
        (
            '<nav><a href="#problem">Problem</a><a href="#results">Results</a><a href="#methods">Methods</a>'
            '<a href="#environment">Environment</a></nav>'
        ),
        _problem_section(problem),
        '<section id="results"><h2>Results</h2>',
        f'<p class="verdict">{escape(verdict(result))}</p>',
        _table(*result_table(result, thresholds)),
        (
            f'<p class="note">Errors are measured against the {escape(result.reference)}, over every point of '
            "each method's evaluation grid: L2 relative error ‖u − u*‖₂ / ‖u*‖₂ (sums over all fields and "
            "points), max abs error max |u − u*|. Wall time: training (or solving) and evaluation, without "
            "writing files. Final loss: the training objective at the end. Size: trainable network parameters, or "
            "unknowns of the finite-difference system. Evaluated on: the points where the errors are "
            "measured.</p>"
        ),
    ]
    fields = per_field_rows(result)
    if fields:
        parts.append("<h3>Per field</h3>" + _table(["method", "field", "L2 relative error", "max abs error"], fields))
    identified = unknown_rows(result, problem)
    if identified:
        parts.append("<h3>Identified unknowns</h3>" + _table(UNKNOWN_HEADER, identified))
    own = surrogate_rows(result)
    if own:
        parts.append(
            "<h3>Surrogates on their own data splits</h3>" + _table(["method", "measured on", "L2 relative error"], own)
        )
    for path in result.figures:
        parts.append(_figure(path, "all methods: solutions and pointwise errors side by side"))
    parts.append("</section>")
    parts.append('<section id="methods"><h2>Methods</h2>')
    header, rows = settings_matrix(result.outcomes)
    if rows:
        parts.append(
            "<h3>Settings</h3>"
            + _table(header, rows)
            + '<p class="note">"chosen": what pinnsolve picked where a setting was left to it.</p>'
        )
    parts.extend(_method_section(o) for o in result.outcomes.values())
    parts.append("</section>")
    parts.append('<section id="environment"><h2>Environment</h2>')
    parts.append(_table(["", ""], [[k, str(v)] for k, v in env.items()]))
    parts.append("</section></body></html>")
    return "\n".join(parts)


def write_html(
    problem: Problem, result: ValidationResult, path: Path, thresholds: Mapping[str, float] | None = None
) -> Path:
    """Write report.html (atomically) and return its path."""
    write_text(path, render_html(problem, result, thresholds))
    return path
