"""The suite's report (validation/REPORT.md with its images) and its printed summary."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pinnsolve.dsl.problem import Problem
from pinnsolve.io import atomic_write, write_text
from pinnsolve.validate.outcome import ValidationResult
from pinnsolve.validate.report_md import md_table
from pinnsolve.validate.tables import POOR_L2, convergence_summary, fmt_error, fmt_seconds

__all__ = ["SuiteRow", "print_summary", "write_suite_report"]


@dataclass
class SuiteRow:
    """One (case, method) line of the suite report."""

    case: str
    method: str
    status: str
    reason: str
    l2: float | None
    max_abs: float | None
    threshold: float | None
    wall_time: float | None
    steps: Any
    size: str
    compared_with: str

    @classmethod
    def from_outcome(cls, case: str, result: ValidationResult, method: str, threshold: float | None) -> SuiteRow:
        o = result.outcomes[method]
        return cls(
            case, method, o.status, o.reason, o.l2, o.max_abs, threshold, o.wall_time, o.steps, o.size, o.compared_with
        )

    @property
    def passed(self) -> bool:
        """No threshold: passes unless the method failed. A threshold: met by a measured error."""
        if self.threshold is None:
            return self.status != "failed"
        return self.status == "ok" and self.l2 is not None and self.l2 <= self.threshold

    @property
    def verdict(self) -> str:
        if self.threshold is None:
            if self.status == "ok" and self.l2 is not None and not self.l2 <= POOR_L2:
                return "poor"  # it ran, but an L2 error above 10 % did not solve the problem (no threshold set)
            return {"ok": "—", "skipped": "skipped", "failed": "FAIL (failed)"}[self.status]
        if self.status != "ok":
            return f"FAIL ({self.status})"
        return "pass" if self.passed else "FAIL"

    def cells(self) -> list[str]:
        note = self.reason if self.status != "ok" else ""
        return [
            self.case,
            self.method,
            fmt_error(self.l2),
            fmt_error(self.threshold),
            self.verdict,
            fmt_error(self.max_abs),
            fmt_seconds(self.wall_time),
            "—" if self.steps is None else str(self.steps),
            self.size or "—",
            self.compared_with or note or "—",
        ]


HEADER = [
    "problem",
    "method",
    "L2 relative error",
    "threshold",
    "result",
    "max abs error",
    "wall time",
    "steps",
    "size",
    "compared with",
]


def _copy(src: Path, dest: Path) -> Path:
    """Copy a figure for committing, as a 128-colour palette PNG (a third of the size, the
    same picture: the figures are line art on white)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - pillow comes with matplotlib
        shutil.copyfile(src, dest)
        return dest
    with Image.open(src) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    with atomic_write(dest) as tmp:
        small.save(tmp, format="PNG", optimize=True)
    return dest


def _images(case: str, result: ValidationResult, folder: Path) -> list[tuple[str, Path]]:
    """Copy the figures worth committing into ``folder/<case>/`` and return (caption, path) pairs."""
    target = folder / case
    if target.is_dir():
        for old in target.glob("*.png"):
            old.unlink()
    images = [
        (
            "all methods against the " + ("exact solution" if result.reference == "exact solution" else "reference"),
            _copy(p, target / p.name),
        )
        for p in result.figures
    ]
    fd = result.outcomes.get("fd")
    if fd is not None and fd.convergence and fd.convergence.get("plot"):
        images.append(
            (
                "finite differences: convergence under grid refinement",
                _copy(Path(str(fd.convergence["plot"])), target / "fd-convergence.png"),
            )
        )
    for m, o in result.outcomes.items():
        for p in o.plots:
            if p.stem == "error" and m != "fd" and o.compared_with.startswith("exact") and not result.figures:
                images.append((f"{m}: pointwise error", _copy(p, target / f"{m}-error.png")))
    return images


def write_suite_report(
    suite: Any,
    rows: list[SuiteRow],
    results: list[tuple[Any, Problem, ValidationResult]],
    path: Path,
    quick: bool,
    total_s: float,
    run_root: Path,
) -> Path:
    """REPORT.md: the summary table, then per problem its description, figures and convergence."""
    env = results[0][2].environment if results else {}
    folder = path.parent / "report"
    out = _summary(suite, rows, env, quick, total_s)
    for case, problem, result in results:
        out += _case_section(case.name, problem, result, folder, path.parent)
    out += [
        "## Environment",
        "",
        md_table(["", ""], [[k, str(v)] for k, v in env.items() if k != "command"]),
        "",
        (
            f"Run directories (not committed) were under `{run_root}`; each problem's full report is "
            "`report.html` there."
        ),
        "",
    ]
    write_text(path, "\n".join(out))
    return path


def _summary(suite: Any, rows: list[SuiteRow], env: dict[str, Any], quick: bool, total_s: float) -> list[str]:
    """The report's head: how it was generated, how many thresholds were met, and the summary table."""
    failed = [r for r in rows if not r.passed]
    checked = [r for r in rows if r.threshold is not None]
    try:
        suite_name = suite.path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        suite_name = suite.path.as_posix()
    commit = f" (commit {env['git commit']})" if env.get("git commit") else ""
    met = len(checked) - len([r for r in failed if r.threshold is not None])
    failing = f"; failing: {', '.join(f'{r.case}/{r.method}' for r in failed)}." if failed else "."
    return [
        "# Validation report",
        "",
        (
            f"Generated by `pinnsolve validate --suite {suite_name}{' --quick' if quick else ''}` "
            f"on {env.get('date', '')}: pinnsolve {env.get('pinnsolve', '')}{commit}, {env.get('processor', '')}, "
            f"{env.get('torch threads', '')} torch threads, total {total_s / 60:.1f} min."
        ),
        "",
        f"**{met} of {len(checked)} thresholds met**{failing}",
        "",
        (
            "The threshold is the largest acceptable L2 relative error ‖u − u*‖₂ / ‖u*‖₂ over the method's "
            "evaluation grid; u* is the exact solution, or for problems without one the finite-difference "
            "reference named in the last column. Wall time: training or solving plus evaluation."
        ),
        "",
        md_table(HEADER, [r.cells() for r in rows]),
        "",
    ]


def _case_section(name: str, problem: Problem, result: ValidationResult, folder: Path, base: Path) -> list[str]:
    """One problem's section: its description, the methods skipped or failed, the finite-difference
    convergence, and its figures (copied into ``folder``, linked relative to ``base``)."""
    out = [f"## {name}", ""]
    if getattr(problem, "doc", ""):
        out += [problem.doc, ""]
    skipped = [(m, o.reason) for m, o in result.outcomes.items() if o.status != "ok"]
    out += [f"- {m} {('skipped' if result.outcomes[m].status == 'skipped' else 'failed')}: {why}" for m, why in skipped]
    if skipped:
        out.append("")
    fd = result.outcomes.get("fd")
    if fd is not None and fd.convergence and fd.convergence.get("levels"):
        out += ["Finite differences under grid refinement: " + convergence_summary(fd.convergence), ""]
    for caption, image in _images(name, result, folder):
        out += [f"![{caption}]({image.relative_to(base).as_posix()})", ""]
    return out


def print_summary(rows: list[SuiteRow], total_s: float, report: Path, out: TextIO | None) -> None:
    if out is None:
        return
    widths = [max(len(HEADER[i]), *(len(r.cells()[i]) for r in rows)) for i in range(7)]
    line = "  ".join(h.ljust(w) for h, w in zip(HEADER[:7], widths))
    print("\n" + line, file=out)
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r.cells()[:7], widths)), file=out)
    bad = [r for r in rows if not r.passed]
    print(
        f"\n{len(rows) - len(bad)} of {len(rows)} checks pass in {total_s / 60:.1f} min"
        + (f"; FAILED: {', '.join(f'{r.case}/{r.method}' for r in bad)}" if bad else "")
        + f". Report: {report}",
        file=out,
    )
