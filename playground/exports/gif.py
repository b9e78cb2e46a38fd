"""The looping GIF, written frame by frame.

One palette for the whole animation (the run colours kept exact, the rest from the static picture);
after the first frame, each frame stores only the rectangle that changed since the previous one,
its unchanged pixels transparent. Pillow compresses each frame through its per-frame API
(``GifImagePlugin.getdata``); we write the file's header, palette and loop block ourselves because
Pillow's ``save_all`` holds every frame in memory (about 1.6 GB at the frame cap).
"""

from __future__ import annotations

import io
import itertools
import struct

import numpy as np
from PIL import GifImagePlugin, Image

from playground.exports.settings import (
    LAST_FRAME_HOLD,
    MIME,
    ExportResult,
    Progress,
    Throttled,
    export_steps,
    file_name,
    race_of,
    resolve_settings,
    steps_run,
)
from playground.figures.drawing import RaceDrawing, css_color
from playground.model.experiment import Experiment
from playground.model.simulate import Simulation

TRANSPARENT = 255  # palette index reserved for "unchanged since the previous frame"


def _palette(drawing: RaceDrawing) -> Image.Image:
    """One palette for the whole animation: 255 colours (index 255 is kept for transparency).

    The run colours, white, black and the ink come first and exactly (median cut would blend a
    colour that covers few pixels into its neighbours); the rest is a median cut of the static
    picture, which holds the background, the faint paths (the run colours blended with it) and text.
    """
    exact = [(255, 255, 255), (0, 0, 0)]
    for css in [*drawing.race.colors, drawing.theme.ink, drawing.theme.paper]:
        rgb = tuple(round(c * 255) for c in css_color(css)[:3])
        if rgb not in exact:
            exact.append(rgb)
    sample = Image.fromarray(np.ascontiguousarray(drawing.static()[::2, ::2, :3]))
    cut = sample.quantize(TRANSPARENT - len(exact), method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colours = [c for rgb in exact for c in rgb] + cut.getpalette()[: 3 * (TRANSPARENT - len(exact))]
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)  # fewer than 256 entries: quantising never picks TRANSPARENT
    return palette


class GifStream:
    """A looping GIF written frame by frame, so memory holds one frame however long the animation.

    One global palette (:func:`_palette`). After the first frame, a frame stores only the rectangle
    that changed since the previous one, and inside it marks unchanged pixels transparent: long runs
    of one index, which LZW squeezes to almost nothing.
    """

    def __init__(self, width: int, height: int, palette: Image.Image) -> None:
        self.width, self.height = width, height
        self.palette = palette
        self.out = io.BytesIO()
        colours = bytes(palette.getpalette()[: 3 * TRANSPARENT]).ljust(768, b"\0")
        self.out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0xF7, 0, 0) + colours)
        self.out.write(b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00")  # loop for ever
        self.previous: np.ndarray | None = None
        self.count = 0

    def add(self, rgba: np.ndarray, delay_cs: int) -> None:
        packed = rgba.view(np.uint32)[..., 0]
        if self.previous is None:
            y0, y1, x0, x1 = 0, self.height, 0, self.width
            changed = None
        else:
            changed = packed != self.previous
            rows = np.flatnonzero(changed.any(axis=1))
            if rows.size:
                cols = np.flatnonzero(changed[rows[0] : rows[-1] + 1].any(axis=0))
                y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            else:  # nothing moved: a one-pixel frame keeps the frame count and the timing
                y0, y1, x0, x1 = 0, 1, 0, 1
        self.previous = packed
        crop = Image.fromarray(np.ascontiguousarray(rgba[y0:y1, x0:x1, :3]))
        indices = np.array(crop.quantize(palette=self.palette, dither=Image.Dither.NONE))
        params = {"duration": 10 * max(int(delay_cs), 2), "disposal": 1}  # leave the frame in place
        if changed is not None:
            indices[~changed[y0:y1, x0:x1]] = TRANSPARENT
            params["transparency"] = TRANSPARENT
        frame = Image.fromarray(np.ascontiguousarray(indices, dtype=np.uint8))
        # Pillow's per-frame API: the frame's control block, its descriptor and its LZW data.
        for block in GifImagePlugin.getdata(frame, offset=(int(x0), int(y0)), **params):
            self.out.write(block)
        self.count += 1

    def finish(self) -> bytes:
        self.out.write(b"\x3b")
        return self.out.getvalue()


def _delays_cs(count: int, fps: float) -> list[int]:
    """Frame delays in hundredths of a second that add up to the requested rate over the whole run."""
    ticks = [round(100 * i / fps) for i in range(count + 1)]
    delays = [max(b - a, 2) for a, b in itertools.pairwise(ticks)]
    delays[-1] += round(100 * LAST_FRAME_HOLD)
    return delays


def to_gif(source: Experiment | Simulation, frames: int | None = None, fps: float | None = None,
           width: int | None = None, height: int | None = None, progress: Progress | None = None) -> ExportResult:
    """The race as a looping animated GIF (it rests on the final picture for 1.5 s before looping)."""
    race = race_of(source)
    settings, messages = resolve_settings(race, "gif", frames, fps, width, height)
    shown = export_steps(steps_run(race), settings.frames)
    drawing = RaceDrawing(race, shown, settings.width, settings.height)
    tick = Throttled(progress)
    try:
        tick(0.0)
        stream = GifStream(settings.width, settings.height, _palette(drawing))
        delays = _delays_cs(len(shown), settings.fps)
        for i, frame in enumerate(drawing.frames()):
            stream.add(frame, delays[i])
            tick((i + 1) / len(shown))
    finally:
        drawing.close()
    return ExportResult(stream.finish(), file_name(race, "race", "gif"), MIME["gif"], messages)
