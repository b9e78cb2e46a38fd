"""The race drawn with matplotlib: frames for the animations, the MP4, and the final picture as PNG."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator

import numpy as np
from PIL import Image

from playground.exports.settings import (
    MIME,
    ExportResult,
    Progress,
    Settings,
    Throttled,
    export_steps,
    file_name,
    race_of,
    resolve_settings,
    steps_run,
)
from playground.figures.drawing import RaceDrawing
from playground.model.experiment import Experiment
from playground.model.simulate import Simulation


def render_frames(race: Simulation, settings: Settings, progress: Progress | None = None) -> Iterator[np.ndarray]:
    """The animation's frames as RGBA arrays, in order (``progress`` gets the fraction done)."""
    shown = export_steps(steps_run(race), settings.frames)
    drawing = RaceDrawing(race, shown, settings.width, settings.height)
    tick = Throttled(progress)
    try:
        for i, frame in enumerate(drawing.frames()):
            yield frame
            tick((i + 1) / len(shown))
    finally:
        drawing.close()


def to_mp4(source: Experiment | Simulation, frames: int | None = None, fps: float | None = None,
           width: int | None = None, height: int | None = None, progress: Progress | None = None) -> ExportResult:
    """The race as an H.264 MP4 (yuv420p, plays in browsers and slide software), via imageio-ffmpeg's ffmpeg."""
    import imageio_ffmpeg

    race = race_of(source)
    settings, messages = resolve_settings(race, "mp4", frames, fps, width, height)
    with tempfile.TemporaryDirectory(prefix="playground-export-") as tmp:
        path = os.path.join(tmp, "race.mp4")
        writer = imageio_ffmpeg.write_frames(
            path, (settings.width, settings.height), fps=settings.fps, codec="libx264", pix_fmt_in="rgba",
            pix_fmt_out="yuv420p", quality=7, macro_block_size=2, ffmpeg_log_level="error",
            output_params=["-movflags", "+faststart"],
        )
        writer.send(None)
        try:
            for frame in render_frames(race, settings, progress):
                writer.send(frame)
        finally:
            writer.close()
        with open(path, "rb") as fh:
            data = fh.read()
    return ExportResult(data, file_name(race, "race", "mp4"), MIME["mp4"], messages)


def to_png(source: Experiment | Simulation, width: int | None = None, height: int | None = None,
           progress: Progress | None = None) -> ExportResult:
    """The final picture: every path, each optimizer's last position and its last few steps."""
    race = race_of(source)
    settings, messages = resolve_settings(race, "png", None, None, width, height)
    shown = export_steps(steps_run(race), settings.frames)
    drawing = RaceDrawing(race, shown, settings.width, settings.height)
    try:
        rgba = drawing.frame(len(shown) - 1)
    finally:
        drawing.close()
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(buf, format="PNG", compress_level=6)
    if progress is not None:
        progress(1.0)
    return ExportResult(buf.getvalue(), file_name(race, "race", "png"), MIME["png"], messages)
