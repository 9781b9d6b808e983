"""``--set`` values are in force while a problem file runs; parameters the file uses in Python only; Unknown(exact=)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from pinnsolve import Parameter, Unknown, load_problem
from pinnsolve.dsl.errors import ProblemFileError
from pinnsolve.dsl.symbols import given_values

SOURCE = """
'''A decay whose measurements are made in Python with a noise level.'''
import numpy as np
from pinnsolve import D, Data, Eq, Field, Initial, Parameter, Problem, Time, Unknown

t = Time("t", 0, 1)
y = Field("y", t)
k = Unknown("k", 0.5, exact=2.0)
noise = Parameter("noise", 0.0)
ts = np.linspace(0, 1, 11)
values = np.exp(-2 * ts) + noise.value * np.random.default_rng(0).standard_normal(11)
problem = Problem("d", [Eq(D(y, t), -k * y)], [Initial(y, 1), Data(y, ts, values)], parameters=[noise])
"""


def test_a_set_value_reaches_the_python_of_the_problem_file(write_problem):
    path = write_problem(SOURCE)
    clean = load_problem(path).conditions[-1].values
    noisy = load_problem(path, {"noise": "0.1"})
    assert np.allclose(clean, np.exp(-2 * np.linspace(0, 1, 11)))
    drawn = 0.1 * np.random.default_rng(0).standard_normal(11)
    assert np.allclose(noisy.conditions[-1].values - clean, drawn)
    assert noisy.parameter_values["noise"] == 0.1 and "noise" in noisy.parameters


def test_a_set_value_that_is_no_number_names_the_parameter(write_problem):
    with pytest.raises(ProblemFileError, match="--set noise=lots is not a number"):
        load_problem(write_problem(SOURCE), {"noise": "lots"})


def test_given_values_apply_only_inside_the_block():
    with given_values({"a": 3}):
        assert Parameter("a", 1).value == 3.0
    assert Parameter("a", 1).value == 1.0


def test_an_unknown_keeps_its_true_value_through_pickling():
    k = Unknown("k", 0.5, exact=2.0)
    back = pickle.loads(pickle.dumps(k))
    assert (back.value, back.exact, back.trainable) == (0.5, 2.0, True)
    assert Unknown("k", 0.5).exact is None
