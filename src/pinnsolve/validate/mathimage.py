"""LaTeX as PNG through matplotlib's mathtext: math in a report that needs no network and no TeX."""

from __future__ import annotations

import io
import struct
from functools import lru_cache

__all__ = ["math_png", "png_size"]

#: rendering resolution; the HTML shows images at 96/DPI of their pixel size, so they stay sharp
DPI = 200


@lru_cache(maxsize=512)
def math_png(body: str, fontsize: float = 14.0) -> bytes | None:
    """PNG bytes of ``$body$``, or None when mathtext cannot typeset it (the caller shows text)."""
    import matplotlib
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    # mathtext sizes \left( ... \right) poorly (small, low parentheses); plain ones read better
    # and sets fractions in text style; display style is what a reader of the equations expects
    body = body.replace(r"\frac{", r"\dfrac{")
    body = body.replace(r"\left(", "(").replace(r"\right)", ")").replace(r"\left[", "[").replace(r"\right]", "]")
    buf = io.BytesIO()
    try:
        with matplotlib.rc_context({"mathtext.fontset": "cm"}):  # Computer Modern: reads like the paper
            mathtext.math_to_image(f"${body}$", buf, prop=FontProperties(size=fontsize), dpi=DPI, format="png")
    except (ValueError, RuntimeError):
        return None
    return buf.getvalue()


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
