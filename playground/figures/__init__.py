"""Figures take trajectories as data and never compute optimizer maths.

Each builder returns a Plotly figure as a plain dict; :func:`for_streamlit` wraps one for
``st.plotly_chart`` without re-validating it.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ._common import SIDE_BACKDROP, Backdrop, Theme, backdrop
from .curves import curves_figure
from .surface3d import surface3d_figure

__all__ = [
    "SIDE_BACKDROP",
    "Backdrop",
    "Theme",
    "backdrop",
    "curves_figure",
    "for_streamlit",
    "surface3d_figure",
]


class PrebuiltFigure(go.Figure):
    """A figure whose dict is already built: ``to_dict`` hands it over as is.

    ``st.plotly_chart`` turns a Figure into a dict with ``to_dict()``; validating hundreds of frames
    again there would cost seconds per rerun for no gain.
    """

    def __init__(self, spec: dict) -> None:
        super().__init__()
        self._prebuilt = spec

    def to_dict(self) -> dict:
        return self._prebuilt


def for_streamlit(spec: dict) -> go.Figure:
    return PrebuiltFigure(spec)
