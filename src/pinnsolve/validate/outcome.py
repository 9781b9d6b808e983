"""What a validation found: one outcome per method, gathered in a ValidationResult."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pinnsolve.solution import Solution

__all__ = ["MethodOutcome", "ValidationResult", "plot_order"]

_PLOT_ORDER = {"solution": 0, "profiles": 1, "phase": 2, "error": 3, "loss": 4, "collocation": 5}


def plot_order(paths: list[Path]) -> list[Path]:
    """Plots in reading order: solution, phase portrait, error, training history, the rest."""
    return sorted(paths, key=lambda p: (_PLOT_ORDER.get(p.stem, 9), p.name))


@dataclass
class MethodOutcome:
    """One method's result on one problem.

    ``status`` is ``"ok"``, ``"skipped"`` (the method does not apply; ``reason`` says why) or
    ``"failed"`` (it ran and broke down, e.g. training diverged; ``reason`` says how).
    ``metrics`` holds at least ``l2_relative_error`` and ``max_abs_error`` (against what
    ``compared_with`` names) when they could be measured, ``wall_time_s`` and ``steps``.
    ``size`` is the number of network parameters or the grid, in words.
    """

    method: str
    status: str
    reason: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)
    compared_with: str = ""
    size: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    run_dir: Path | None = None
    plots: list[Path] = field(default_factory=list)
    solution: Solution | None = None
    convergence: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def l2(self) -> float | None:
        """The error its threshold judges: the L2 relative error of a field, or for a spectrum the largest
        relative level error (`pinnsolve.validate.spectrum`)."""
        value = self.metrics.get("l2_relative_error")
        return self.metrics.get("level_relative_error") if value is None else value

    @property
    def max_abs(self) -> float | None:
        return self.metrics.get("max_abs_error")

    @property
    def wall_time(self) -> float | None:
        return self.metrics.get("wall_time_s")

    @property
    def steps(self) -> Any:
        return self.metrics.get("steps")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record (no arrays)."""
        return {
            "method": self.method,
            "status": self.status,
            "reason": self.reason,
            "compared_with": self.compared_with,
            "size": self.size,
            "metrics": self.metrics,
            "settings": self.settings,
            "run_dir": str(self.run_dir) if self.run_dir else None,
            "plots": [str(p) for p in self.plots],
            **({"convergence": self.convergence} if self.convergence else {}),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MethodOutcome:
        """The outcome recorded by `as_dict` (in validation.json), without its solution arrays."""
        return cls(
            method=d["method"],
            status=d["status"],
            reason=d.get("reason", ""),
            metrics=dict(d.get("metrics") or {}),
            compared_with=d.get("compared_with", ""),
            size=d.get("size", ""),
            settings=dict(d.get("settings") or {}),
            run_dir=Path(d["run_dir"]) if d.get("run_dir") else None,
            plots=[Path(p) for p in d.get("plots", [])],
            convergence=d.get("convergence"),
        )


@dataclass
class ValidationResult:
    """Every method's outcome on one problem, and the files written for it."""

    problem: str
    run_dir: Path
    outcomes: dict[str, MethodOutcome]
    reference: str
    environment: dict[str, Any]
    figures: list[Path] = field(default_factory=list)
    report_html: Path | None = None
    report_md: Path | None = None

    def __getitem__(self, method: str) -> MethodOutcome:
        return self.outcomes[method]

    def as_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "run_dir": str(self.run_dir),
            "reference": self.reference,
            "outcomes": {m: o.as_dict() for m, o in self.outcomes.items()},
            "environment": self.environment,
            "figures": [str(p) for p in self.figures],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ValidationResult:
        """The result recorded in validation.json (a finished case of a resumed suite), reports beside it."""
        run_dir = Path(d["run_dir"])
        html, md = run_dir / "report.html", run_dir / "report.md"
        return cls(
            problem=d["problem"],
            run_dir=run_dir,
            outcomes={m: MethodOutcome.from_dict(o) for m, o in d["outcomes"].items()},
            reference=d["reference"],
            environment=dict(d.get("environment") or {}),
            figures=[Path(p) for p in d.get("figures", [])],
            report_html=html if html.is_file() else None,
            report_md=md if md.is_file() else None,
        )
