"""Names as a physicist writes them: ``u`` → $u$, ``theta`` → $\\theta$, ``u_x`` → $u_x$."""

from __future__ import annotations

import re

from pinnsolve.solution import Solution

__all__ = ["tex", "tex_body", "error_label", "abs_error_label", "title"]

_GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi rho sigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega".split()
)
_WORD = re.compile(r"^([A-Za-z]+?)(\d*)$")


def _symbol(word: str) -> str | None:
    """One name part as mathtext, or None if it cannot be typeset safely."""
    m = _WORD.match(word)
    if not m:
        return None
    letters, digits = m.groups()
    if letters in _GREEK:
        body = "\\" + letters
    elif len(letters) == 1:
        body = letters
    else:
        body = r"\mathrm{" + letters + "}"
    return body + (f"_{{{digits}}}" if digits else "")


def tex_body(name: str) -> str | None:
    """The mathtext body (no dollars) for a coordinate or field name, or None."""
    head, *subs = name.split("_")
    parts = [_symbol(p) for p in [head, *subs]]
    if any(p is None for p in parts) or not head:
        return None
    body = parts[0]
    if subs:
        body = "{" + body + "}_{" + ",".join(parts[1:]) + "}"  # type: ignore[arg-type]
    return body


def tex(name: str) -> str:
    """``$...$`` label for a name; names mathtext cannot hold are returned as plain text."""
    body = tex_body(name)
    return f"${body}$" if body is not None else name.replace("$", r"\$")


def error_label(name: str) -> str:
    """Label for the pointwise error of a field: $u - u^{\\mathrm{exact}}$."""
    body = tex_body(name)
    if body is None:
        return f"{name} − exact"
    return f"${body} - {body}^{{\\mathrm{{exact}}}}$"


def abs_error_label(name: str, over: str | None = None) -> str:
    """Label for |u − u*|, or its maximum over a coordinate: $\\max_x |u - u^{\\mathrm{exact}}|$."""
    body, sub = tex_body(name), tex_body(over) if over else None
    if body is None or (over and sub is None):
        return f"max over {over} of |{name} − exact|" if over else f"|{name} − exact|"
    op = f"\\max_{{{sub}}}\\," if over else ""
    return f"${op}|{body} - {body}^{{\\mathrm{{exact}}}}|$"


def title(solution: Solution, what: str = "") -> str:
    """Figure title naming the problem, the method and the L2 error when known."""

    def plain(text: str) -> str:
        return text.replace("$", r"\$")  # a name is text, never the start of mathtext

    parts = [f"{plain(solution.problem)} — {plain(solution.method)}"]
    if what:
        parts[0] += f": {what}"
    err = solution.errors()
    if err:
        kind = "abs." if err.get("l2_is_absolute") else "rel."
        parts.append(f"$L^2$ {kind} error {err['l2_relative_error']:.2e}")
    return ",  ".join(parts)
