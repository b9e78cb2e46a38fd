"""Exports: a race as a file. Pure functions from an :class:`Experiment` (or its
:class:`~playground.model.simulate.Simulation`) to bytes.

Formats:

- ``gif`` and ``mp4``: the race animated, drawn with matplotlib;
- ``png``: the final picture, the same drawing at the last step;
- ``html``: the page's own race player and the race's data in one self-contained file that plays offline;
- ``csv``: the trajectories in long format, one row per optimizer and step;
- ``json``: the experiment's link, labels, colours, hyperparameters, paths, losses and divergence.

Every function returns an :class:`ExportResult`; a request beyond a cap (:data:`CAPS.export_frames`,
:data:`MAX_WIDTH`, …) is clamped and the result says so in ``messages``.

Animations are fast because a frame only redraws what moves. The figure is drawn once without the
moving artists and the pixels are kept; each frame restores those pixels, draws the heads, tails and
step counter, and reads the buffer. The GIF is encoded as it goes (:class:`GifStream`): one
palette for the whole animation (the run colours kept exact, the rest from the static picture),
and each frame stores only the rectangle that changed since the previous one, its unchanged pixels
transparent. MP4 frames are piped to imageio-ffmpeg's ffmpeg. Memory stays at a few frames whatever
the frame count.

The matplotlib drawing (:class:`RaceDrawing`) takes trajectories as data and does no optimizer maths.
"""

from __future__ import annotations

from dataclasses import replace

from playground.exports.animation import render_frames, to_mp4, to_png
from playground.exports.gif import GifStream, to_gif
from playground.exports.html import to_html
from playground.exports.settings import (
    ANIMATED,
    DEFAULT_FRAMES,
    DEFAULT_HEIGHT,
    DEFAULT_WIDTH,
    FORMATS,
    LAST_FRAME_HOLD,
    MAX_FPS,
    MAX_HEIGHT,
    MAX_WIDTH,
    MIME,
    MIN_FPS,
    MIN_HEIGHT,
    MIN_WIDTH,
    ExportResult,
    Progress,
    Settings,
    export_steps,
    race_of,
    resolve_settings,
    steps_run,
)
from playground.exports.tables import race_record, to_csv, to_json
from playground.model.experiment import Experiment
from playground.model.simulate import Simulation

__all__ = ["ANIMATED", "DEFAULT_FRAMES", "DEFAULT_HEIGHT", "DEFAULT_WIDTH", "FORMATS", "LAST_FRAME_HOLD", "MAX_FPS",
           "MAX_HEIGHT", "MAX_WIDTH", "MIME", "MIN_FPS", "MIN_HEIGHT", "MIN_WIDTH", "ExportResult", "GifStream",
           "Progress", "Settings", "export", "export_steps", "race_record", "render_frames", "resolve_settings",
           "steps_run", "to_csv", "to_gif", "to_html", "to_json", "to_mp4", "to_png"]


def export(source: Experiment | Simulation, fmt: str, *, frames: int | None = None, fps: float | None = None,
           width: int | None = None, height: int | None = None, progress: Progress | None = None) -> ExportResult:
    """Export in any of :data:`FORMATS`. Settings a format does not use are ignored, with a message.

    Raises ValueError for an unknown format or an experiment that cannot be raced (no optimizers).
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    race = race_of(source)
    if fmt in ANIMATED:
        make = to_gif if fmt == "gif" else to_mp4
        return make(race, frames=frames, fps=fps, width=width, height=height, progress=progress)
    ignored = [name for name, v in (("frames", frames), ("fps", fps)) if v is not None]
    if fmt in ("csv", "json", "html"):
        ignored += [name for name, v in (("width", width), ("height", height)) if v is not None
                    and not (fmt == "html" and name == "height")]
    if fmt == "png":
        result = to_png(race, width=width, height=height, progress=progress)
    elif fmt == "html":
        result = to_html(race, height=height, progress=progress)
    elif fmt == "csv":
        result = to_csv(race, progress=progress)
    else:
        result = to_json(race, progress=progress)
    if ignored:
        result = replace(result, messages=[*result.messages, f"{', '.join(ignored)}: not used by {fmt}; ignored"])
    return result
