"""report.md: the same tables as report.html, with the images as files beside it."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pinnsolve.dsl.problem import Problem
from pinnsolve.io import write_text
from pinnsolve.validate.outcome import MethodOutcome, ValidationResult
from pinnsolve.validate.statement import MathLine, statement
from pinnsolve.validate.tables import (
    UNKNOWN_HEADER,
    convergence_rows,
    convergence_summary,
    per_field_rows,
    result_table,
    settings_rows,
    surrogate_rows,
    unknown_rows,
    verdict,
)

__all__ = ["md_table", "write_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _math(line: MathLine) -> str:
    body = f"${line.tex}$" if line.tex else f"`{line.text}`"
    return f"- {body}" + (f" — {line.note}" if line.note else "")


def _image(path: Path, base: Path, alt: str) -> str:
    return f"![{alt}]({Path(os.path.relpath(path, base)).as_posix()})"


def render_markdown(
    problem: Problem, result: ValidationResult, base: Path, thresholds: Mapping[str, float] | None = None
) -> str:
    """The report as Markdown; image links are relative to ``base`` (the report's folder)."""
    st = statement(problem)
    env = result.environment
    out = [f"# Validation of {problem.name}", "", f"pinnsolve {env.get('pinnsolve', '')} · {env.get('date', '')}", ""]
    if st.description:
        out += [st.description, ""]
    out += [f"Unknown fields: `{st.fields}`.", ""]
    for heading, lines in st.sections():
        out += [f"**{heading}**", ""] + [_math(line) for line in lines] + [""]
    out += [
        "## Results",
        "",
        verdict(result),
        "",
        md_table(*result_table(result, thresholds)),
        "",
        f"Errors against the {result.reference}, over each method's evaluation grid.",
        "",
    ]
    fields = per_field_rows(result)
    if fields:
        out += [md_table(["method", "field", "L2 relative error", "max abs error"], fields), ""]
    identified = unknown_rows(result, problem)
    if identified:
        out += ["Identified unknowns:", "", md_table(UNKNOWN_HEADER, identified), ""]
    own = surrogate_rows(result)
    if own:
        out += [
            "Surrogates on their own data splits:",
            "",
            md_table(["method", "measured on", "L2 relative error"], own),
            "",
        ]
    out += [_image(p, base, "methods compared") for p in result.figures] + [""]
    out += ["## Methods", ""]
    for m, o in result.outcomes.items():
        out += _method_section(m, o, base)
    out += ["## Environment", "", md_table(["", ""], [[k, str(v)] for k, v in env.items()]), ""]
    return "\n".join(out)


def _method_section(m: str, o: MethodOutcome, base: Path) -> list[str]:
    """One method's section: its status, settings, plots (the error plot only against an exact solution)
    and its convergence study, as Markdown lines."""
    out = [f"### {m}", ""]
    if o.status != "ok":
        out += [f"{o.status}: {o.reason}", ""]
    if o.settings:
        out += [
            "<details><summary>settings</summary>",
            "",
            md_table(["setting", "value"], settings_rows(o.settings)),
            "",
            "</details>",
            "",
        ]
    for p in o.plots:
        if p.stem == "error" and not o.compared_with.startswith("exact"):
            continue
        out += [_image(p, base, f"{m} {p.stem}"), ""]
    if o.convergence:
        header, rows = convergence_rows(o.convergence)
        out += ["Convergence under grid refinement: " + convergence_summary(o.convergence), ""]
        if rows:
            out += [md_table(header, rows), ""]
        if o.convergence.get("plot"):
            out += [_image(Path(str(o.convergence["plot"])), base, "convergence"), ""]
    return out


def write_markdown(
    problem: Problem, result: ValidationResult, path: Path, thresholds: Mapping[str, float] | None = None
) -> Path:
    write_text(path, render_markdown(problem, result, path.parent, thresholds))
    return path
