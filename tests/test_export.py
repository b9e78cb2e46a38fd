"""Exports: every format opens with the expected content, the same race gives the same bytes, caps
clamp with a message, and the command line reports bad input without a traceback."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from playground import exports
from playground.model.caps import CAPS
from playground.model.link import decode, to_query_string
from playground.model.simulate import simulate
from playground.page import keys

ROOT = Path(__file__).resolve().parent.parent
# SGD at lr 0.2 on the oblong bowl (curvature 25) blows up within a few steps; Adam does not.
QUERY = "surface=bowl&opt=adam:lr=0.05;sgd:lr=0.2&steps=40"
SMALL = {"width": 320, "height": 240}


@pytest.fixture(scope="module")
def race():
    exp, warnings = decode(QUERY)
    assert not warnings
    return simulate(exp)


@pytest.fixture(scope="module")
def oned():
    exp, _ = decode("lesson=bias-correction&steps=30")
    return simulate(exp)


def gif_frames(data: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(data))
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("RGB")).astype(int))
    return out


def test_the_race_diverges_as_intended(race):
    adam, sgd = race.trajectories
    assert adam.diverged_at is None and sgd.diverged_at is not None


def test_gif_has_the_requested_frames_and_size(race):
    result = exports.to_gif(race, frames=12, fps=20, **SMALL)
    im = Image.open(io.BytesIO(result.data))
    assert (im.format, im.size, im.n_frames) == ("GIF", (320, 240), 12)
    assert im.info["loop"] == 0
    assert result.messages == []
    assert result.mime == "image/gif" and result.filename == "bowl-race.gif"


def test_gif_frames_are_the_drawn_frames(race):
    """Each decoded frame (changed rectangles, transparency, one palette) matches the drawing."""
    result = exports.to_gif(race, frames=6, **SMALL)
    settings = exports.Settings(6, 30.0, 320, 240)
    drawn = [f[..., :3].astype(int) for f in exports.render_frames(race, settings)]
    decoded = gif_frames(result.data)
    assert len(decoded) == len(drawn) == 6
    for got, want in zip(decoded, drawn, strict=True):
        assert np.abs(got - want).mean() < 4  # palette quantisation only


def test_gif_frame_delays_follow_fps(race):
    result = exports.to_gif(race, frames=10, fps=25, **SMALL)
    im = Image.open(io.BytesIO(result.data))
    durations = []
    for i in range(im.n_frames):
        im.seek(i)
        durations.append(im.info["duration"])
    assert durations[:-1] == [40] * 9
    assert durations[-1] == 40 + 1000 * exports.LAST_FRAME_HOLD


def test_mp4_is_readable_with_the_requested_frames(race, tmp_path):
    result = exports.to_mp4(race, frames=10, fps=10, **SMALL)
    path = tmp_path / result.filename
    path.write_bytes(result.data)
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    count = sum(1 for _ in reader)
    assert meta["size"] == (320, 240)
    assert count == 10
    assert result.mime == "video/mp4"


def test_mp4_rounds_odd_sizes_to_even(race):
    result = exports.to_mp4(race, frames=3, width=321, height=241)
    assert any("even" in m for m in result.messages)


def test_png_decodes_with_the_requested_size(race):
    result = exports.to_png(race, width=400, height=300)
    im = Image.open(io.BytesIO(result.data))
    assert (im.format, im.size, im.mode) == ("PNG", (400, 300), "RGB")


def test_html_is_self_contained_with_every_step(race):
    result = exports.to_html(race)
    text = result.data.decode("utf-8")
    assert re.search(r"<script[^>]*\bsrc\s*=", text) is None  # the player is inside, not fetched
    assert re.search(r"<link[^>]*\bhref\s*=", text) is None
    assert "plotly" not in text.lower(), "the export carries the race player, not plotly.js"
    for server in ("localhost", "127.0.0.1", ":8501", "_stcore", "http://", "https://"):
        assert server not in text
    found = re.search(r'<script type="application/json" id="race-data">(.*?)</script>', text, re.S)
    assert found, "the race's data is not embedded"
    data = json.loads(found.group(1))
    assert data["steps"] == race.experiment.steps
    for run, tr, label in zip(data["runs"], race.trajectories, race.labels, strict=True):
        assert run["label"] == label and run["diverged_at"] == tr.diverged_at
        path = np.frombuffer(base64.b64decode(run["path"]), "<f4").reshape(-1, 2)
        assert len(path) == len(tr.path), "every step is embedded, nothing decimated"
        np.testing.assert_allclose(path, tr.path, rtol=1e-6, atol=1e-30)
        loss = np.frombuffer(base64.b64decode(run["loss"]), "<f4")
        np.testing.assert_allclose(loss, tr.loss[: len(tr.path)], rtol=1e-6, atol=1e-30)
    assert data["image"].startswith("data:image/png;base64,")
    assert "export default function" in text and "mount(document.getElementById" in text
    assert result.mime == "text/html"


def test_html_keeps_a_label_from_closing_its_script():
    exp, _ = decode("surface=bowl&opt=adam:lr=0.05&steps=20")
    race = simulate(exp)
    race = replace(race, labels=["</script><script>alert(1)</script>"])
    text = exports.to_html(race).data.decode("utf-8")
    assert "</script><script>alert(1)" not in text


def test_html_of_the_default_race_is_small():
    exp, _ = decode("")
    size = len(exports.to_html(exp).data)
    assert size <= 400_000, f"{size:,} bytes"


def test_csv_has_one_row_per_recorded_step(race):
    result = exports.to_csv(race)
    rows = list(csv.DictReader(io.StringIO(result.data.decode("utf-8"))))
    assert list(rows[0]) == ["optimizer", "step", "x", "y", "loss", "grad_x", "grad_y", "diverged"]
    for label, tr in zip(race.labels, race.trajectories, strict=True):
        mine = [r for r in rows if r["optimizer"] == label]
        expected = race.experiment.steps + 1 if tr.diverged_at is None else tr.diverged_at
        assert len(mine) == len(tr.path) == expected
        assert [int(r["step"]) for r in mine] == list(range(len(tr.path)))
        assert {r["diverged"] for r in mine} == {"0" if tr.diverged_at is None else "1"}
        path = np.array([[float(r["x"]), float(r["y"])] for r in mine])
        np.testing.assert_array_equal(path, tr.path)  # full precision
        np.testing.assert_array_equal([float(r["loss"]) for r in mine], tr.loss)
        assert mine[-1]["grad_x"] == ""  # no step is taken from the last position
        np.testing.assert_array_equal([[float(r["grad_x"]), float(r["grad_y"])] for r in mine[:-1]], tr.grads)


def test_csv_of_a_1d_race_has_no_y(oned):
    header = exports.to_csv(oned).data.decode().splitlines()[0]
    assert header == "optimizer,step,x,loss,grad_x,diverged"


def test_json_round_trips_paths_exactly(race):
    record = json.loads(exports.to_json(race).data)
    assert record["query"] == to_query_string(race.experiment)
    assert decode(record["query"])[0] == race.experiment
    assert record["labels"] == race.labels and record["colors"] == race.colors
    for run, label, color, tr in zip(record["runs"], race.labels, race.colors, race.trajectories, strict=True):
        assert (run["label"], run["color"], run["diverged_at"]) == (label, color, tr.diverged_at)
        assert run["hyperparameters"]["lr"] == tr.optimizer.hyper["lr"]
        path = np.array(run["path"], dtype=np.float64)
        assert path.shape == tr.path.shape
        np.testing.assert_array_equal(path, tr.path)
        np.testing.assert_array_equal(np.array(run["loss"], dtype=np.float64), tr.loss)


def test_json_writes_nan_as_null(race):
    tr = race.trajectories[0]
    loss = tr.loss.copy()
    loss[3] = np.nan
    broken = replace(race, trajectories=[replace(tr, loss=loss), *race.trajectories[1:]])
    text = exports.to_json(broken).data.decode()
    assert "NaN" not in text
    assert json.loads(text)["runs"][0]["loss"][3] is None


@pytest.mark.parametrize("fmt", ["gif", "png", "csv", "json", "html"])
def test_exports_are_deterministic(race, fmt):
    kwargs = {"frames": 5, **SMALL} if fmt == "gif" else SMALL if fmt == "png" else {}
    first = exports.export(race, fmt, **kwargs)
    second = exports.export(simulate(decode(QUERY)[0]), fmt, **kwargs)
    assert first.data == second.data


def test_mp4_twice_has_the_same_frame_count(race, tmp_path):
    counts = []
    for i in range(2):
        path = tmp_path / f"{i}.mp4"
        path.write_bytes(exports.to_mp4(race, frames=4, **SMALL).data)
        reader = imageio_ffmpeg.read_frames(str(path))
        next(reader)
        counts.append(sum(1 for _ in reader))
    assert counts == [4, 4]


def test_frames_above_the_cap_are_clamped_with_a_message():
    race = simulate(decode("surface=bowl&opt=adam:lr=0.05&steps=700")[0])
    calls = []
    result = exports.to_gif(race, frames=10_000, width=160, height=120, progress=calls.append)
    assert Image.open(io.BytesIO(result.data)).n_frames == CAPS.export_frames == 600
    assert any("10000" in m and "600" in m for m in result.messages)
    assert calls[-1] == 1.0 and calls == sorted(calls) and len(calls) <= 102


def test_settings_clamp_every_bound(race):
    settings, messages = exports.resolve_settings(race, "gif", frames=0, fps=500, width=5000, height=10)
    assert settings == exports.Settings(1, 60.0, 1920, 120)
    assert len(messages) == 5  # frames, fps, width, height, and GIF's 50 fps timing limit
    settings, messages = exports.resolve_settings(race, "gif", frames=100)
    assert settings.frames == 41 and "41" in messages[0]  # 40 steps: 41 positions
    settings, messages = exports.resolve_settings(race, "gif")
    assert (settings, messages) == (exports.Settings(41, 30.0, 960, 720), [])


def test_settings_a_format_ignores_are_reported(race):
    result = exports.export(race, "csv", frames=5, width=100)
    assert result.messages and "not used by csv" in result.messages[0]


def test_a_1d_race_exports_as_balls_on_the_curve(oned):
    result = exports.to_gif(oned, frames=5, **SMALL)
    assert Image.open(io.BytesIO(result.data)).n_frames == 5
    assert Image.open(io.BytesIO(exports.to_png(oned, **SMALL).data)).size == (320, 240)


def test_an_experiment_without_optimizers_is_refused():
    exp, _ = decode("surface=bowl&opt=")
    with pytest.raises(ValueError, match="no optimizers"):
        exports.export(exp, "gif")
    with pytest.raises(ValueError, match="unknown format"):
        exports.export(exp, "bmp")


# --- Command line -----------------------------------------------------------------------------------


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, "-m", "playground", *args], cwd=cwd, capture_output=True, timeout=120,
                          env=env)


def test_cli_exports_a_gif(tmp_path):
    out = tmp_path / "race.gif"
    proc = cli("export", QUERY, "--format", "gif", "--out", str(out), "--frames", "8", "--width", "320",
               "--height", "240", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert Image.open(out).n_frames == 8


def test_cli_exports_csv_by_extension_and_a_lesson_by_name(tmp_path):
    proc = cli("export", "--lesson", "oblong-bowl", "--out", "t.csv", "--frames", "20000", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "t.csv").read_text())))
    lesson = decode("lesson=oblong-bowl")[0]
    assert sorted({r["optimizer"] for r in rows}) == sorted(lesson.labels())
    assert len(rows) == sum(len(t.path) for t in simulate(lesson).trajectories)
    assert b"frames" in proc.stderr  # frames are ignored for CSV, and it says so


def test_cli_bad_input_exits_2_without_a_traceback(tmp_path):
    proc = cli("export", "surface=bowl&opt=nonsense:lr=1", "--out", "x.gif", cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert "unknown optimizer 'nonsense'" in err and "no optimizers" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.gif").exists()
    proc = cli("export", "--lesson", "no-such-lesson", cwd=tmp_path)
    assert proc.returncode == 2 and b"unknown lesson" in proc.stderr and b"Traceback" not in proc.stderr


def test_cli_main_in_process(tmp_path, capsys):
    from playground.cli import main

    assert main(["export", QUERY, "--format", "bmp"]) == 2
    assert "unknown format" in capsys.readouterr().err
    assert main(["export", QUERY, "--out", str(tmp_path / "x.json"), "--quiet"]) == 0
    assert json.loads((tmp_path / "x.json").read_text())["query"] == to_query_string(decode(QUERY)[0])
    assert main(["export", QUERY, "--out", str(tmp_path / "missing" / "x.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_cli_lessons_and_link(tmp_path):
    proc = cli("lessons", cwd=tmp_path)
    assert proc.returncode == 0
    assert "oblong-bowl" in proc.stdout.decode() and "rosenbrock" in proc.stdout.decode()
    proc = cli("link", "https://example.org/?surface=bowl&opt=adam:lr=0.05,beta1=2&bogus=1", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.decode().strip() == "surface=bowl&opt=adam:lr=0.05"
    assert "bogus" in proc.stderr.decode() and "beta1" in proc.stderr.decode()


# --- The page's Export section ------------------------------------------------------------------------


def _export_section():
    from playground.model.link import decode
    from playground.model.simulate import simulate
    from playground.page import export_panel

    exp, _ = decode("surface=bowl&opt=adam:lr=0.05;sgd:lr=0.2&steps=40")
    export_panel.show(exp, simulate(exp))


def test_export_section_builds_a_file_to_download():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_export_section, default_timeout=60).run()
    assert not at.exception
    assert at.selectbox(key=keys.EXPORT_FORMAT).value == "gif"
    assert at.number_input(key=keys.EXPORT_FRAMES).max == CAPS.export_frames
    at.selectbox(key=keys.EXPORT_FORMAT).set_value("csv").run()
    assert not at.get("download_button")
    at.button(key=keys.EXPORT_BUILD).click().run()
    assert not at.exception
    buttons = at.get("download_button")
    assert len(buttons) == 1 and "bowl-trajectories.csv" in buttons[0].proto.label
