"""The example notebook runs as shipped: the Python API end to end (decay ODE, a few hundred steps)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quickstart_notebook_executes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.read(ROOT / "examples" / "quickstart.ipynb", as_version=4)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        OMP_NUM_THREADS="1",
        MPLBACKEND="Agg",
    )
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute(env=env)
    text = "\n".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", []))
    pinn = float(re.search(r"L2 relative error ([0-9.e+-]+) after", text).group(1))
    fd = float(re.search(r"fd: L2 relative error ([0-9.e+-]+)", text).group(1))
    assert pinn < 1e-2 and fd < 1e-8, text
    assert "'solution'" in text  # the plot kinds were listed, and the figure drawn
