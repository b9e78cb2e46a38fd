"""What an optimizer keeps, step by step: gradient, raw state, bias-corrected moments, the step taken."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import numpy as np

import optimizers

from ._common import DEFAULT_THEME, Theme, base_layout, decade_ticks, finite_pairs, tidy_axes, typed

#: The first steps may dwarf the rest (gradient descent's first gradient on a steep wall): a linear
#: panel is scaled to the steps after these when including them would squash the rest to a line.
EARLY = 5
#: How many times wider than the later steps' spread the whole run's may be before the early steps are
#: cut off the scale.
SQUASH = 2.0
#: A positive quantity spanning more than this ratio gets a log axis (Prodigy's d grows from 10⁻⁶).
LOG_SPAN = 1e3
PANEL_PX = 150
#: The least height per labelled decade on a log axis.
TICK_PX = 30
#: Room under the step axis for the line naming the constants.
NOTE_PX = 70
GAP = 0.035
#: An average character's width in a sans-serif font, in font sizes: sets where a title wraps.
CHAR_EM = 0.6


def title(quantity: str, optimizer: str | None = None) -> str:
    """How a panel names ``quantity``: the optimizer's own label for its state (its spec's
    ``state_labels``); without an optimizer, the label most specs give it (ties: the first in
    alphabetical order), so the registry's order never decides."""
    if optimizer is not None:
        return optimizers.spec(optimizer).label(quantity)
    given = Counter(s.state_labels[quantity] for s in optimizers.REGISTRY.values() if quantity in s.state_labels)
    if given:
        return min(given, key=lambda text: (-given[text], text))
    return optimizers.GENERIC_LABELS.get(quantity, quantity)


def coordinate_name(i: int) -> str:
    """A column's legend name: numbered, so it is never read as one of a rule's x, y, z sequences."""
    return f"coordinate {i + 1}"


def wrapped(text: str, chars: int) -> str:
    """``text`` broken at spaces into lines of at most ``chars`` characters (a longer word keeps its
    own line), joined by Plotly's ``<br>``."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def is_constant(arr: np.ndarray) -> bool:
    """Whether every finite value of each column equals that column's first: a panel would show a
    flat line, which Plotly's autorange draws as if it were at 0."""
    finite = np.isfinite(arr)
    return len(arr) > 1 and bool(finite.any()) and all(
        np.all(col[ok] == col[ok][0]) for col, ok in zip(arr.T, finite.T, strict=True) if ok.any())


def constant_text(name: str, arr: np.ndarray) -> str:
    values = [float(col[np.isfinite(col)][0]) for col in arr.T if np.isfinite(col).any()]
    shown = ", ".join(f"{v:.4g}" for v in values)
    return f"{name} = {shown if len(values) == 1 else f'({shown})'}"


def y_scale(values: np.ndarray, guides: list[float], most_ticks: int = 4) -> tuple[dict, str | None]:
    """The y axis settings of a panel of ``values`` (steps × columns), and a note when its first steps
    are cut off the scale.

    Positive values spanning over three decades get a log axis. Otherwise, when the whole run spans
    more than :data:`SQUASH` times what the steps after :data:`EARLY` span, the range is that of the
    later steps (and the ``guides`` drawn in the panel): a first gradient 10× the rest no longer
    flattens the rest to a line."""
    finite = values[np.isfinite(values)]
    with_guides = np.concatenate([finite, guides])
    if with_guides.size and np.all(with_guides > 0) and with_guides.max() / with_guides.min() > LOG_SPAN:
        lo, hi = np.log10(with_guides.min()), np.log10(with_guides.max())
        return {"type": "log", **decade_ticks(lo, hi, most_ticks)}, None
    later = values[EARLY:]
    later = np.concatenate([later[np.isfinite(later)], guides])
    if len(values) <= 2 * EARLY or later.size == 0:
        return {}, None
    lo, hi = float(later.min()), float(later.max())
    pad = 0.06 * (hi - lo) if hi > lo else 0.1 * max(abs(hi), 1e-12)
    lo, hi = lo - pad, hi + pad
    whole = float(with_guides.max() - with_guides.min())
    if whole <= SQUASH * (hi - lo):
        return {}, None
    early = values[:EARLY]
    outside = early[np.isfinite(early) & ((early < lo) | (early > hi))]
    extreme = float(outside[np.argmax(np.abs(outside))]) if outside.size else float("nan")
    note = f"steps 1–{EARLY} reach {extreme:.3g}: off the scale"
    return {"range": [lo, hi], "autorange": False}, note


def internals_figure(quantities: dict[str, np.ndarray], label: str, color: str, lr: np.ndarray | None,
                     theme: Theme = DEFAULT_THEME, optimizer: str | None = None,
                     guides: Mapping[str, str] | None = None, first: str | None = None) -> dict:
    """One panel per quantity, one line per coordinate (coordinate 1 solid, 2 dotted), over steps;
    panels are named by ``optimizer``'s spec (see :func:`title`).

    A quantity that never changes gets no panel: its value is written under the panels. ``guides``
    maps such a constant to the panel it is drawn in as a dashed line (Prodigy's true distance beside
    its estimate d). ``first`` is drawn as the top panel (the one a lesson's text speaks of)."""
    guides = dict(guides or {})
    shown = [k for k in quantities if quantities[k].size and np.isfinite(quantities[k]).any()]
    constants = [k for k in shown if is_constant(quantities[k])]
    keys = [k for k in shown if k not in constants]
    if first in keys:
        keys.insert(0, keys.pop(keys.index(first)))
    guides = {c: p for c, p in guides.items() if c in constants and p in keys}
    notes = [constant_text(title(c, optimizer), quantities[c]) for c in constants if c not in guides]
    if lr is not None:
        keys.append("lr")
    n = max(len(keys), 1)
    h = (1.0 - GAP * (n - 1)) / n
    # Taller panels for a lecture's larger type, so a title fits along its panel at either size.
    panel = round(PANEL_PX * theme.font / DEFAULT_THEME.font)
    layout = base_layout(theme, panel * n + 120 + (NOTE_PX if notes else 0))
    layout["margin"].update({"t": 40, "b": 20 + (NOTE_PX if notes else 0)})
    panel_px = h * (layout["height"] - layout["margin"]["t"] - layout["margin"]["b"])
    title_font = max(theme.font - 3, 10)
    chars = max(int(panel_px / (CHAR_EM * title_font)), 8)
    data, annotations = [], []
    for p, key in enumerate(keys):
        suffix = "" if p == 0 else str(p + 1)
        top = 1.0 - p * (h + GAP)
        name = title(key, optimizer) if key != "lr" else "learning rate η_t"
        series = [lr] if key == "lr" else [quantities[key][:, i] for i in range(quantities[key].shape[1])]
        lines = {c: float(quantities[c][np.isfinite(quantities[c])][0]) for c, panel in guides.items() if panel == key}
        scale, note = y_scale(np.column_stack(series), list(lines.values()), int(panel_px // TICK_PX))
        layout["xaxis" + suffix] = {"domain": [0, 1], "anchor": "y" + suffix, "showticklabels": p == n - 1,
                                    "title": {"text": "step"} if p == n - 1 else None}
        if p:
            layout["xaxis" + suffix]["matches"] = "x"
        layout["yaxis" + suffix] = {"domain": [top - h, top], "anchor": "x" + suffix,
                                    "title": {"text": wrapped(name, chars), "font": {"size": title_font}},
                                    "exponentformat": "power", **scale}
        if note:
            annotations.append({"text": note, "xref": "paper", "yref": "paper", "x": 1.0, "y": top,
                                "xanchor": "right", "yanchor": "top", "showarrow": False,
                                "font": {"size": title_font, "color": theme.ink}})
        for i, s in enumerate(series):
            steps, s = finite_pairs(np.arange(1.0, len(s) + 1), s)
            data.append({"type": "scatter", "mode": "lines", "x": typed(steps), "y": typed(s, "f8"),
                         "xaxis": "x" + suffix, "yaxis": "y" + suffix, "showlegend": p == 0,
                         "name": coordinate_name(i) if len(series) > 1 else label,
                         "legendgroup": f"c{i}", "line": {"color": color, "width": theme.line * 0.8,
                                                          "dash": "solid" if i == 0 else "dot"},
                         "hovertemplate": f"{name}<br>step %{{x}}: %{{y:.4g}}<extra></extra>"})
        for guide, value in lines.items():
            guide = title(guide, optimizer)
            ends = [1.0, float(max(len(s) for s in series))]
            data.append({"type": "scatter", "mode": "lines", "x": ends, "y": [value, value],
                         "xaxis": "x" + suffix, "yaxis": "y" + suffix, "name": f"{guide}: {value:.4g}",
                         "showlegend": True, "line": {"color": theme.ink, "width": 1.5, "dash": "dash"},
                         "hovertemplate": f"{guide}: {value:.4g}<extra></extra>"})
    if notes:
        annotations.append({"text": "Constant over the run: " + " · ".join(notes), "xref": "paper",
                            "yref": "paper", "x": 0.0, "y": 0.0, "yshift": -NOTE_PX, "xanchor": "left",
                            "yanchor": "top", "showarrow": False, "align": "left",
                            "font": {"size": title_font, "color": theme.ink}})
    layout["annotations"] = annotations
    layout["legend"].update({"orientation": "h", "y": 1.0, "yanchor": "bottom"})
    return {"data": data, "layout": tidy_axes(layout, theme)}
