"""Loading a problem file, with errors that point at the file and line.

A problem file is Python and runs with the user's rights, like any script.
"""

from __future__ import annotations

import traceback
import types
from collections.abc import Mapping
from pathlib import Path

from pinnsolve.dsl.errors import PinnsolveError, ProblemError, ProblemFileError
from pinnsolve.dsl.kinds import problem_types
from pinnsolve.dsl.problem import Problem
from pinnsolve.dsl.regimes import check_regimes_cover, parse_ranges
from pinnsolve.dsl.symbols import given_values
from pinnsolve.geometry.location import problem_directory


def _line_in(path: str, exc: BaseException) -> int | None:
    """The deepest line of the problem file in the exception's traceback."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == Path(path).resolve():
            line = frame.lineno
    return line


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def _compiled(path: Path, shown: str) -> types.CodeType:
    """The file's code: UTF-8 text that Python compiles, else an error at the offending line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProblemFileError(
            shown, f"cannot be read ({exc.strerror or exc}).", "Check the file's permissions."
        ) from None
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProblemFileError(
            shown,
            f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded.",
            "Save the file as UTF-8 (a problem file is Python source).",
            line=line,
        ) from None
    if "\x00" in source:
        line = source[: source.index("\x00")].count("\n") + 1
        raise ProblemFileError(
            shown,
            "contains a NUL byte, so it is not Python source.",
            "Remove the binary content (is this the right file?).",
            line=line,
        )
    try:
        return compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ProblemFileError(
            shown, f"syntax error: {exc.msg}.", "Fix the Python syntax there.", line=exc.lineno
        ) from None


def load_problem(path: str | Path, overrides: Mapping[str, object] | None = None) -> Problem:
    """Run the problem file at ``path`` and return its module-level ``problem``.

    ``overrides`` replaces parameter values (``--set name=value``). While the file runs, relative
    paths in it (``MeshDomain("meshes/plate.msh")``) resolve against its folder
    (`pinnsolve.geometry.location.problem_directory`), wherever pinnsolve is run from.
    """
    path = Path(path)
    shown = str(path)
    if not path.is_file():
        hint = "Check the path" + (": it is a directory." if path.is_dir() else "; example problems live in problems/.")
        raise ProblemFileError(shown, "no such problem file.", hint)
    code = _compiled(path, shown)
    module = types.ModuleType(f"pinnsolve_problem_{path.stem}")
    module.__file__ = str(path)
    _run_file(code, module, path, shown, overrides)
    problem = _defined_problem(module, shown)
    problem.file = shown
    try:
        _check_regimes(problem)
    except ProblemError as exc:
        raise ProblemFileError(shown, exc.what, exc.fix) from None
    problem.doc = (module.__doc__ or "").strip()
    if overrides:
        try:
            problem = problem.with_parameters(overrides)
        except ProblemError as exc:
            raise ProblemFileError(shown, exc.what, exc.fix) from None
    return problem


def _run_file(
    code: types.CodeType,
    module: types.ModuleType,
    path: Path,
    shown: str,
    overrides: Mapping[str, object] | None = None,
) -> None:
    """Execute a problem file in ``module``; every error becomes a `ProblemFileError` at its line.

    ``--set`` values are in force while it runs (`given_values`), so Python in the file sees them."""
    try:
        # relative paths in the file (mesh files) resolve against it
        with problem_directory(path.parent), given_values(overrides):
            exec(code, module.__dict__)
    except ProblemError as exc:
        raise ProblemFileError(shown, exc.what, exc.fix, line=_line_in(str(path), exc)) from None
    except ProblemFileError:
        raise
    except PinnsolveError as exc:  # a domain that cannot be built, a setting out of range: keep its message
        raise ProblemFileError(shown, _sentence(str(exc)), line=_line_in(str(path), exc)) from None
    except NameError as exc:
        name = getattr(exc, "name", None) or str(exc)
        raise ProblemFileError(
            shown,
            f"unknown name '{name}'.",
            f"Define it first (a constant: {name} = Parameter('{name}', value); a coordinate: "
            f"{name} = Space('{name}', lo, hi)), or import it: from pinnsolve import ...",
            line=_line_in(str(path), exc),
        ) from None
    except ImportError as exc:
        raise ProblemFileError(
            shown,
            f"import failed: {exc}.",
            "Problem files import what they use from pinnsolve (and sympy/numpy).",
            line=_line_in(str(path), exc),
        ) from None
    except SystemExit as exc:  # sys.exit() in the file would end pinnsolve with no problem loaded
        raise ProblemFileError(
            shown,
            f"the file calls sys.exit({exc.code if exc.code is not None else ''}) "
            "while it is loaded, so it defines no problem.",
            "Remove the exit call (a problem file only defines `problem`).",
            line=_line_in(str(path), exc),
        ) from None
    except Exception as exc:  # any other error in the user's code: locate it, keep the message
        raise ProblemFileError(
            shown,
            f"running the file raised {type(exc).__name__}: {exc}.",
            "Fix the problem file at that line (run with --debug for the traceback).",
            line=_line_in(str(path), exc),
        ) from exc


def _defined_problem(module: types.ModuleType, shown: str) -> Problem:
    """The module-level ``problem`` a file defined, refused when missing or of another type."""
    problem = module.__dict__.get("problem")
    if problem is None:
        raise ProblemFileError(
            shown,
            "the file defines no `problem`.",
            "End it with problem = Problem('name', equations=[...], conditions=[...]).",
        )
    if not isinstance(problem, (Problem, *problem_types())):
        raise ProblemFileError(
            shown, f"`problem` is a {type(problem).__name__}, not a Problem.", "Assign problem = Problem(...)."
        )
    return problem


def _check_regimes(problem: Problem) -> None:
    """Regimes that overlap or never occur over the file's default classify ranges are refused here."""
    if not isinstance(problem, Problem):
        return
    vary = problem.classify.get("vary")
    if not problem.regimes or not vary:
        return
    names, box, _ = parse_ranges(str(vary), problem.parameters, flag="classify={'vary': ...}:")
    check_regimes_cover(problem.regimes, names, box, problem.parameter_values, problem.parameters)
