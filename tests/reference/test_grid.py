"""Grid sizes: defaults, and clear refusals of bad --grid values."""

from __future__ import annotations

import pytest

from pinnsolve import load_problem
from pinnsolve.dsl.errors import PinnsolveError
from pinnsolve.reference.grid import default_sizes, resolve_sizes


def test_default_sizes(problems_dir) -> None:
    assert default_sizes(load_problem(problems_dir / "heat1d.py")) == {"x": 201, "t": 101}
    assert default_sizes(load_problem(problems_dir / "poisson1d.py")) == {"x": 201}
    assert default_sizes(load_problem(problems_dir / "poisson2d.py")) == {"x": 101, "y": 101}
    assert default_sizes(load_problem(problems_dir / "decay.py")) == {"x": 501}  # its time is called x


def test_grid_overrides_and_refusals(problems_dir) -> None:
    p = load_problem(problems_dir / "heat1d.py")
    assert resolve_sizes(p, {"x": 41}) == {"x": 41, "t": 101}
    with pytest.raises(PinnsolveError, match="'z', which is not a coordinate.*x, t"):
        resolve_sizes(p, {"z": 11})
    with pytest.raises(PinnsolveError, match="too coarse"):
        resolve_sizes(p, {"x": 2})
    with pytest.raises(PinnsolveError, match="too coarse"):
        resolve_sizes(p, {"t": 1})
