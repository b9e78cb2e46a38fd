"""Upper limits on what one request may ask for, so one user cannot hog a shared server.

Every place a value can enter (widgets, links, the CLI) clamps to these and says so.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Caps:
    steps: int = 5000
    entries: int = 8
    sweep_resolution: int = 128
    export_frames: int = 600
    formula_length: int = 200
    seeds: int = 16
    noise: float = 100.0
    coordinate: float = 1e4
    points: int = 1024  # data points a data surface may be made of


CAPS = Caps()
