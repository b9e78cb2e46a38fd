"""The speed setting changes how fast a race plays, measured in what is delivered: the factor the
race player is sent (its default steps per second follow it: ``defaultSpeed`` in ``assets/core.js``,
tested in ``tests/js/core.test.mjs``), and the frame timing read back from exported GIF and MP4 files."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace

import pytest
from PIL import Image

from playground import exports
from playground.figures import player_data
from playground.model.experiment import Entry, Experiment
from playground.model.simulate import simulate

FRAMES = 12


@pytest.fixture(scope="module")
def race():
    exp = Experiment(surface_key="bowl", entries=(Entry("adam", (("lr", 0.05),), "Adam"),), steps=40)
    return simulate(exp)


def at_speed(race, speed: float):
    return replace(race, experiment=replace(race.experiment, speed=speed))


def player_speed(race) -> tuple[float, int, str]:
    """The speed factor the race player is sent, the steps it plays, and the data's id."""
    data = player_data.payload(race, "race")
    return data["speed"], data["steps"], data["id"]


def gif_seconds(race) -> float:
    """The GIF's playing time from its frames' own delays, without the rest on the last picture."""
    image = Image.open(io.BytesIO(exports.to_gif(race, frames=FRAMES, width=200, height=150).data))
    total = 0
    for k in range(image.n_frames):
        image.seek(k)
        total += image.info["duration"]
    return (total - 1000 * exports.LAST_FRAME_HOLD) / 1000


def mp4_fps(race) -> float:
    import imageio_ffmpeg

    data = exports.to_mp4(race, frames=FRAMES, width=200, height=150).data
    err = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", "pipe:0"], input=data,
                         capture_output=True).stderr.decode()
    fps = next(part for part in err.split(",") if part.strip().endswith(" fps"))
    return float(fps.split()[0])


def test_the_player_is_sent_the_speed_and_takes_it_as_new_data(race):
    slow, normal, fast = (player_speed(at_speed(race, s)) for s in (0.5, 1.0, 2.0))
    assert (slow[0], normal[0], fast[0]) == (0.5, 1.0, 2.0)
    assert slow[1] == normal[1] == fast[1] == 40  # the same race, every step
    assert len({slow[2], normal[2], fast[2]}) == 3  # a new id: the player replaces its data


def test_gif_plays_for_a_time_set_by_the_speed(race):
    # (GIF delays count hundredths of a second, so 50 frames a second is its ceiling: stay below.)
    slow, normal, fast = (gif_seconds(at_speed(race, s)) for s in (0.5, 1.0, 1.5))
    assert normal == pytest.approx(FRAMES / 30, abs=0.011)
    assert slow == pytest.approx(FRAMES / 15, abs=0.011) and fast == pytest.approx(FRAMES / 45, abs=0.011)


def test_mp4_frame_rate_follows_the_speed(race):
    assert mp4_fps(at_speed(race, 1.0)) == pytest.approx(30)
    assert mp4_fps(at_speed(race, 0.5)) == pytest.approx(15)
