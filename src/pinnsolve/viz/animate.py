"""Animations: the profile u(x, t) of a 1-D time-dependent solution as a GIF.

Frames are drawn by Agg, blitting only what moves, and collected and written by matplotlib's
:class:`~matplotlib.animation.PillowWriter` (pillow comes with matplotlib), one frame per
sampled time up to :data:`MAX_FRAMES`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.animation import PillowWriter
from matplotlib.backends.backend_agg import FigureCanvasAgg

from pinnsolve.io.atomic import atomic_write
from pinnsolve.solution import Solution
from pinnsolve.viz.labels import tex, title
from pinnsolve.viz.style import new_figure, styled

__all__ = ["animate_profiles", "MAX_FRAMES", "FPS"]

MAX_FRAMES = 48
FPS = 10
DPI = 100  # a GIF is seen on screen: smaller frames, much faster to write
EXACT_STYLE = {"color": "black", "linestyle": "--", "linewidth": 1.2}


def animate_profiles(s: Solution, path: Path) -> Path:
    """GIF of u(x) at each time, exact dashed, one panel per field; the time in the title.

    The y range is fixed over the whole run (predicted and exact together), so a decaying
    solution is seen to decay rather than rescaled to look steady.
    """
    x, t = s.space_coords[0], s.time_coord
    assert t is not None and t in s.axes
    xs, ts = s.axes[x], s.axes[t]
    frames = np.unique(np.linspace(0, len(ts) - 1, min(len(ts), MAX_FRAMES)).round().astype(int))
    names = list(s.fields)
    with styled():
        fig = new_figure(6.4, 1.0 + 2.6 * len(names))
        axes = fig.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
        lines = []
        for f, ax in zip(names, axes):
            u = np.asarray(s.broadcast(f), dtype=float)  # (nx, nt)
            ex = np.asarray(s.broadcast(f, "exact"), dtype=float) if f in s.exact else None
            lo, hi = _range(u, ex)
            (pred,) = ax.plot(xs, u[:, 0], color="tab:blue", linewidth=2.2, label=s.method)
            exact = ax.plot(xs, ex[:, 0], label="exact", **EXACT_STYLE)[0] if ex is not None else None
            ax.set_ylim(lo, hi)
            ax.set_xlim(float(xs[0]), float(xs[-1]))
            ax.set_ylabel(tex(f))
            ax.legend(loc="upper right")
            lines.append((u, ex, pred, exact))
        axes[-1].set_xlabel(tex(x))
        heading = fig.suptitle(f"{title(s)}\n{tex(t)} = {_time_text(ts, 0)}")
        moving = [heading] + [a for _, _, pred, exact in lines for a in (pred, exact) if a]
        # Lay the figure out once and freeze it; draw everything that does not move once,
        # then per frame only the curves and the time (blitting): the axes, ticks and labels
        # are most of the drawing.
        fig.set_dpi(DPI)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        fig.set_layout_engine("none")
        for a in moving:
            a.set_animated(True)
        canvas.draw()
        background = canvas.copy_from_bbox(fig.bbox)
        writer = _Writer(fps=FPS)
        with atomic_write(path) as tmp:
            writer.setup(fig, str(tmp), dpi=DPI)
            for k in frames:
                canvas.restore_region(background)
                for u, ex, pred, exact in lines:
                    pred.set_ydata(u[:, k])
                    if exact is not None:
                        exact.set_ydata(ex[:, k])
                heading.set_text(f"{title(s)}\n{tex(t)} = {_time_text(ts, k)}")
                for a in moving:
                    fig.draw_artist(a)
                writer.grab_canvas(canvas)
            writer.finish()
        fig.clear()
    return path


class _Writer(PillowWriter):
    """matplotlib's PillowWriter, writing every frame with the first frame's palette.

    Pillow would otherwise compute a palette for each RGBA frame separately, which takes
    longer than drawing them; the frames of one plot share their colours anyway.
    """

    def grab_canvas(self, canvas: FigureCanvasAgg) -> None:
        """Take the canvas as it is drawn now as the next frame (no redraw, unlike grab_frame)."""
        from PIL import Image

        width, height = canvas.get_width_height()
        self._frames.append(Image.frombuffer("RGBA", (width, height), bytes(canvas.buffer_rgba()), "raw", "RGBA", 0, 1))

    def finish(self) -> None:
        from PIL import Image

        first = self._frames[0].convert("RGB").quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        frames = [first] + [
            f.convert("RGB").quantize(palette=first, dither=Image.Dither.NONE) for f in self._frames[1:]
        ]
        frames[0].save(self.outfile, save_all=True, append_images=frames[1:], duration=int(1000 / self.fps), loop=0)


def _time_text(ts: np.ndarray, k: int) -> str:
    """The time with as many decimals as the whole range needs, so the title does not jump."""
    span = float(np.ptp(ts)) or 1.0
    decimals = max(0, 2 - int(np.floor(np.log10(span))))
    return f"{ts[k]:.{decimals}f}"


def _range(u: np.ndarray, exact: np.ndarray | None) -> tuple[float, float]:
    values = np.concatenate([np.ravel(u)] + ([np.ravel(exact)] if exact is not None else []))
    values = values[np.isfinite(values)]
    if values.size == 0:
        return -1.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    pad = 0.05 * (hi - lo) if hi > lo else 0.5 * max(1.0, abs(hi))
    return lo - pad, hi + pad
