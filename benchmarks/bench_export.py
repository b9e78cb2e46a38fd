"""Export speed: our blitted, streamed GIF (and MP4) against a naive FuncAnimation that redraws every frame.

Both draw the same figure (one :class:`~playground.figures.drawing.RaceDrawing`, same size, same frames of the
Rosenbrock lesson). The naive export is matplotlib's ``FuncAnimation`` without blitting saved with
``PillowWriter`` (a full redraw and RGBA snapshot per frame; Pillow quantises every frame on its own
at the end), or with ``FFMpegWriter`` for MP4. Ours draws the static layers once, blits the moving
artists, and encodes each frame as it comes (one palette, changed rectangle only). Times are per
frame and include everything after the simulation: figure, palette, encoding.

Run alone: ``python -m benchmarks.bench_export``.
"""

from __future__ import annotations

import os
import tempfile
import time

from ._common import quick_mode, row

QUERY = "lesson=rosenbrock"
FPS = 30


def _naive(race, frames: int, width: int, height: int, writer, suffix: str) -> float:
    from matplotlib.animation import FuncAnimation

    from playground import exports
    from playground.figures.drawing import RaceDrawing

    shown = exports.export_steps(exports.steps_run(race), frames)
    start = time.perf_counter()
    drawing = RaceDrawing(race, shown, width, height, animated=False)
    anim = FuncAnimation(drawing.figure, drawing.show, frames=len(shown), blit=False, repeat=False)
    with tempfile.TemporaryDirectory() as tmp:
        anim.save(os.path.join(tmp, "naive" + suffix), writer=writer)
    return (time.perf_counter() - start) / len(shown)


def _ours(race, fmt: str, frames: int, width: int, height: int) -> float:
    from playground import exports

    start = time.perf_counter()
    result = exports.export(race, fmt, frames=frames, fps=FPS, width=width, height=height)
    elapsed = time.perf_counter() - start
    assert result.data and not result.messages, result.messages
    return elapsed / frames


def run(quick: bool | None = None) -> list[dict]:
    import imageio_ffmpeg
    from matplotlib import rcParams
    from matplotlib.animation import FFMpegWriter, PillowWriter

    from playground import exports
    from playground.model.link import decode
    from playground.model.simulate import simulate

    q = quick_mode() if quick is None else quick
    frames = 30 if q else 60
    width, height = exports.DEFAULT_WIDTH, exports.DEFAULT_HEIGHT
    race = simulate(decode(QUERY)[0])
    what = f"{frames} frames at {width}×{height} of {QUERY}"

    # Warm up both paths (fonts, imports, colour maps) so neither pays first-use costs in the timing.
    _ours(race, "gif", 3, width, height)
    _naive(race, 3, width, height, PillowWriter(fps=FPS), ".gif")

    naive_gif = _naive(race, frames, width, height, PillowWriter(fps=FPS), ".gif")
    ours_gif = _ours(race, "gif", frames, width, height)
    ratio = naive_gif / ours_gif
    rows = [row(
        "export GIF, per frame", 1000 * ours_gif, "ms/frame",
        "FuncAnimation + PillowWriter redrawing the whole figure", 1000 * naive_gif, ratio, "≥ 3×", ratio >= 3,
        note=f"export GIF: {what}; blitted moving artists, one palette, changed rectangle per frame",
    )]
    if not q:
        rcParams["animation.ffmpeg_path"] = imageio_ffmpeg.get_ffmpeg_exe()
        writer = FFMpegWriter(fps=FPS, codec="libx264", extra_args=["-pix_fmt", "yuv420p"])
        naive_mp4 = _naive(race, frames, width, height, writer, ".mp4")
        ours_mp4 = _ours(race, "mp4", frames, width, height)
        ratio = naive_mp4 / ours_mp4
        rows.append(row(
            "export MP4, per frame", 1000 * ours_mp4, "ms/frame",
            "FuncAnimation + FFMpegWriter redrawing the whole figure", 1000 * naive_mp4, ratio, "≥ 3×", ratio >= 3,
            note=f"export MP4: {what}; blitted frames piped to imageio-ffmpeg (libx264)",
        ))
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
