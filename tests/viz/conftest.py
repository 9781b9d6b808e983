"""Headless plotting for the viz tests, and the shared hand-made solutions."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def cases() -> ModuleType:
    """tests/io/solution_cases.py, imported by path under a name no other test uses."""
    name = "pinnsolve_test_solution_cases"
    if name not in sys.modules:
        path = Path(__file__).parent.parent / "io" / "solution_cases.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(p.stem for p in (ROOT / "problems").glob("*.py"))


def shipped_solution(name: str):
    """A Solution of a shipped problem without training: its exact solution, slightly off.

    Fields without an exact solution get a smooth made-up profile, so every layout of every
    shipped problem can be drawn in a fraction of a second. Grids are small.
    """
    import numpy as np

    from pinnsolve.dsl import load_problem
    from pinnsolve.evaluate import evaluation_points, exact_on, to_solution

    problem = load_problem(ROOT / "problems" / f"{name}.py")
    sizes = {c.name: 33 for c in problem.coords}
    if problem.time is not None:
        sizes[problem.time.name] = 17 if problem.space else 201
    axes, scattered, points = evaluation_points(problem, sizes)
    exact = exact_on(problem, points)
    wobble = np.sin(3 * points.sum(axis=1))
    columns = []
    for k, f in enumerate(problem.field_names):
        if f in exact:
            columns.append(exact[f] + 1e-3 * wobble)
        else:
            columns.append(np.cos((k + 1) * points).prod(axis=1) + 0.1 * k)
    return to_solution(problem, "pinn", np.column_stack(columns), axes, scattered, points)


@pytest.fixture(scope="session")
def shipped():
    """shipped_solution, cached per problem."""
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            cache[name] = shipped_solution(name)
        return cache[name]

    return get


def assert_picture(path) -> None:
    """A PNG of real size whose pixels vary: something was drawn."""
    import numpy as np
    from matplotlib.image import imread

    assert path.suffix == ".png" and path.stat().st_size > 10_000
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    image = imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 200
    assert float(np.var(image[..., :3])) > 1e-3


def assert_animation(path, min_frames: int = 10) -> None:
    """A GIF with several frames that differ from one another, none of them blank."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as im:
        assert im.format == "GIF" and im.n_frames >= min_frames
        frames = []
        for k in (0, im.n_frames // 2, im.n_frames - 1):
            im.seek(k)
            frames.append(np.asarray(im.convert("RGB"), dtype=float) / 255)
    for f in frames:
        assert f.shape[0] > 200 and f.shape[1] > 200 and float(np.var(f)) > 1e-3
    assert np.abs(frames[0] - frames[-1]).max() > 0.1  # the profile moves


@pytest.fixture(scope="session")
def pics():
    """The picture checks: ``pics.picture(png)``, ``pics.animation(gif)``, ``pics.check(any)``."""
    from types import SimpleNamespace

    def check(path) -> None:
        (assert_animation if path.suffix == ".gif" else assert_picture)(path)

    return SimpleNamespace(picture=assert_picture, animation=assert_animation, check=check)
