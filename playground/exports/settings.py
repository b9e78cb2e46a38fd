"""What every export shares: formats and caps, the settings of an animation, the file it returns."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from playground.figures.scene import steps_run
from playground.model.caps import CAPS
from playground.model.experiment import Experiment
from playground.model.simulate import Simulation, simulate

FORMATS = ("gif", "mp4", "png", "html", "csv", "json")
ANIMATED = ("gif", "mp4")
MIME = {
    "gif": "image/gif",
    "mp4": "video/mp4",
    "png": "image/png",
    "html": "text/html",
    "csv": "text/csv",
    "json": "application/json",
}

MAX_WIDTH, MAX_HEIGHT = 1920, 1440
MIN_WIDTH, MIN_HEIGHT = 160, 120
DEFAULT_WIDTH, DEFAULT_HEIGHT = 960, 720
MIN_FPS, MAX_FPS = 1.0, 60.0
DEFAULT_FRAMES = 200
LAST_FRAME_HOLD = 1.5  # seconds the GIF rests on the final picture before it loops

Progress = Callable[[float], None]


@dataclass(frozen=True)
class ExportResult:
    """A finished file: its bytes, a suggested file name, its MIME type and what was clamped or ignored."""

    data: bytes
    filename: str
    mime: str
    messages: list[str]


@dataclass(frozen=True)
class Settings:
    """What an animation export draws: frame count, frame rate and pixel size, all within the caps."""

    frames: int
    fps: float
    width: int
    height: int


def export_steps(last_step: int, frames: int) -> np.ndarray:
    """The step each frame shows: ``frames`` distinct steps evenly spread over ``0 … last_step``."""
    count = max(1, min(frames, last_step + 1))
    if count == 1:
        return np.array([last_step])
    return np.round(np.linspace(0, last_step, count)).astype(int)


def _clamp(value: float, low: float, high: float, what: str, messages: list[str], unit: str = "") -> float:
    if value > high or value < low:
        clamped = min(max(value, low), high)
        bound = f"above the cap of {high:g}" if value > high else f"below the minimum of {low:g}"
        messages.append(f"{what}: {value:g}{unit} is {bound}; using {clamped:g}{unit}")
        return clamped
    return value


def resolve_settings(
    race: Simulation,
    fmt: str = "gif",
    frames: int | None = None,
    fps: float | None = None,
    width: int | None = None,
    height: int | None = None,
) -> tuple[Settings, list[str]]:
    """Fill in defaults and clamp a request to the caps; each change is explained in a message."""
    messages: list[str] = []
    last = steps_run(race)
    if frames is None:
        n = min(last + 1, DEFAULT_FRAMES)
    else:
        n = int(_clamp(int(frames), 1, CAPS.export_frames, "frames", messages))
        if n > last + 1:
            messages.append(f"frames: the race has only {last + 1} positions (steps 0–{last}); using {last + 1} frames")
            n = last + 1
    if fps is None:
        rate = min(max(round(30 * race.experiment.speed), MIN_FPS), MAX_FPS)
    else:
        rate = float(fps)
        if not math.isfinite(rate):
            messages.append(f"fps: {fps!r} is not a number; using 30")
            rate = 30.0
        rate = _clamp(rate, MIN_FPS, MAX_FPS, "fps", messages)
    w = DEFAULT_WIDTH if width is None else int(_clamp(int(width), MIN_WIDTH, MAX_WIDTH, "width", messages, " px"))
    h = DEFAULT_HEIGHT if height is None else int(_clamp(int(height), MIN_HEIGHT, MAX_HEIGHT, "height", messages,
                                                         " px"))
    if fmt == "mp4" and (w % 2 or h % 2):
        messages.append(f"size: video needs even sides; using {w - w % 2}×{h - h % 2} instead of {w}×{h}")
        w, h = w - w % 2, h - h % 2
    if fmt == "gif" and rate > 50:
        messages.append("fps: GIF timing is counted in hundredths of a second; above 50 fps it plays at 50 fps")
    return Settings(n, rate, w, h), messages


def race_of(source: Experiment | Simulation) -> Simulation:
    race = simulate(source) if isinstance(source, Experiment) else source
    if not race.trajectories:
        raise ValueError("the experiment has no optimizers to race")
    if race.surface.dim not in (1, 2):
        raise ValueError(f"only 1-D and 2-D surfaces can be exported, not {race.surface.dim}-D")
    return race


def file_name(race: Simulation, kind: str, ext: str) -> str:
    base = race.experiment.lesson or race.experiment.surface_key
    return f"{base}-{kind}.{ext}"


class Throttled:
    """Calls ``progress`` with fractions in [0, 1], at most about a hundred times per export."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = -1

    def __call__(self, fraction: float) -> None:
        if self.progress is None:
            return
        pct = int(100 * min(max(fraction, 0.0), 1.0))
        if pct != self.last:
            self.last = pct
            self.progress(pct / 100)
