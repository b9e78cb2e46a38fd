"""The page's Export section: pick a format and its settings, build the file, download it.

``ui.py`` calls :func:`show` with the current experiment and its race. Files are built only on a
button press (a GIF of hundreds of frames takes seconds), with a progress bar; the finished file is
kept in the session until a setting or the experiment changes, so the download button survives
reruns. All the work happens in :mod:`playground.exports`.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import streamlit as st

from playground import exports
from playground.model.caps import CAPS
from playground.model.experiment import Experiment
from playground.model.simulate import Simulation
from playground.page import keys

LABELS = {
    "gif": "Animated GIF (slides, chat)",
    "mp4": "Video, MP4 (slides, video players)",
    "png": "Picture, PNG (the final state)",
    "html": "Interactive page, HTML (plays offline, no server)",
    "csv": "Trajectories, CSV (spreadsheets, pandas)",
    "json": "Experiment and trajectories, JSON",
}
CONCURRENT_EXPORTS = 2
STATE_KEY = "export-result"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(n, 1) / 1e3:.0f} kB"


def _settings(fmt: str, race: Simulation) -> dict:
    """The widgets a format needs; their bounds are the export caps."""
    out: dict = {}
    if fmt in exports.ANIMATED:
        last = exports.steps_run(race)
        cols = st.columns(2)
        out["frames"] = int(cols[0].number_input(
            "Frames", min_value=2, max_value=CAPS.export_frames, value=min(last + 1, exports.DEFAULT_FRAMES),
            step=10, key=keys.EXPORT_FRAMES,
            help=f"Evenly spaced steps of the race, at most {CAPS.export_frames} (and at most one per step). "
                 "Each frame shows the optimizers' positions and a short tail."))
        out["fps"] = float(cols[1].number_input(
            "Frames per second", min_value=exports.MIN_FPS, max_value=exports.MAX_FPS,
            value=float(min(max(round(30 * race.experiment.speed), 1), 60)), step=5.0, key=keys.EXPORT_FPS,
            help="Playback speed: frames ÷ fps is the length in seconds."))
    if fmt in ("gif", "mp4", "png"):
        cols = st.columns(2)
        out["width"] = int(cols[0].number_input(
            "Width (px)", min_value=exports.MIN_WIDTH, max_value=exports.MAX_WIDTH, value=exports.DEFAULT_WIDTH,
            step=80, key=keys.EXPORT_WIDTH))
        out["height"] = int(cols[1].number_input(
            "Height (px)", min_value=exports.MIN_HEIGHT, max_value=exports.MAX_HEIGHT, value=exports.DEFAULT_HEIGHT,
            step=60, key=keys.EXPORT_HEIGHT))
    return out


@st.cache_resource
def _export_slots() -> threading.BoundedSemaphore:
    """Exports building at once on this server: the rest are asked to wait, so a class pressing
    Build together cannot starve the races of CPU."""
    return threading.BoundedSemaphore(CONCURRENT_EXPORTS)


def show(exp: Experiment, race: Simulation) -> None:
    """Render the Export section for ``race`` (the simulation of ``exp``).

    The race's experiment is replaced by ``exp`` so titles, the embedded link and the default frame
    rate follow the page (a cached race may have been stored without the lesson or speed).
    """
    race = replace(race, experiment=replace(exp, view="race", present=False))
    with st.expander("Export", icon=":material/download:"):
        fmt = st.selectbox("Format", exports.FORMATS, format_func=LABELS.get, key=keys.EXPORT_FORMAT)
        settings = _settings(fmt, race)
        if fmt in exports.ANIMATED:
            seconds = settings["frames"] / settings["fps"]
            st.caption(f"About {seconds:.1f} s of animation. Caps: {CAPS.export_frames} frames, "
                       f"{exports.MAX_WIDTH}×{exports.MAX_HEIGHT} px, {exports.MIN_FPS:g}–{exports.MAX_FPS:g} fps.")
        signature = (race.experiment, fmt, tuple(sorted(settings.items())))
        stored = st.session_state.get(STATE_KEY)
        if stored is not None and stored[0] != signature:
            del st.session_state[STATE_KEY]  # built for other settings: free the memory
            stored = None
        if st.button(f"Build {fmt.upper()}", icon=":material/build:", key=keys.EXPORT_BUILD):
            bar = st.progress(0.0, text="Drawing…")

            def progress(fraction: float) -> None:
                bar.progress(min(max(fraction, 0.0), 1.0), text=f"Drawing… {fraction:.0%}")

            slots = _export_slots()
            if not slots.acquire(timeout=2.0):
                bar.empty()
                st.warning(f"{CONCURRENT_EXPORTS} exports are being built on this server right now; "
                           "press Build again in a moment.")
                return
            try:
                result = exports.export(race, fmt, progress=progress, **settings)
            except ValueError as err:
                bar.empty()
                st.error(f"Could not export: {err}")
                return
            finally:
                slots.release()
            bar.empty()
            stored = (signature, result)
            st.session_state[STATE_KEY] = stored
        if stored is None:
            return
        result = stored[1]
        for message in result.messages:
            st.info(message, icon=":material/info:")
        st.download_button(f"Download {result.filename} ({_size(len(result.data))})", data=result.data,
                           file_name=result.filename, mime=result.mime, icon=":material/download:",
                           key=keys.EXPORT_DOWNLOAD, on_click="ignore", type="primary")
