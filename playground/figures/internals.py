"""What an optimizer keeps, step by step: gradient, raw state, bias-corrected moments, the step taken."""

from __future__ import annotations

from collections import Counter

import numpy as np

import optimizers

from ._common import DEFAULT_THEME, Theme, base_layout, finite_pairs, tidy_axes, typed


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


def internals_figure(quantities: dict[str, np.ndarray], label: str, color: str, lr: np.ndarray | None,
                     theme: Theme = DEFAULT_THEME, optimizer: str | None = None) -> dict:
    """One panel per quantity, one line per coordinate (x solid, y dotted), over steps; panels are
    named by ``optimizer``'s spec (see :func:`title`)."""
    keys = [k for k in quantities if quantities[k].size and np.isfinite(quantities[k]).any()]
    if lr is not None:
        keys.append("lr")
    n = max(len(keys), 1)
    gap = 0.035
    h = (1.0 - gap * (n - 1)) / n
    layout = base_layout(theme, 150 * n + 120)
    data = []
    for p, key in enumerate(keys):
        suffix = "" if p == 0 else str(p + 1)
        top = 1.0 - p * (h + gap)
        name = title(key, optimizer) if key != "lr" else "learning rate η_t"
        layout["xaxis" + suffix] = {"domain": [0, 1], "anchor": "y" + suffix, "showticklabels": p == n - 1,
                                    "title": {"text": "step"} if p == n - 1 else None}
        if p:
            layout["xaxis" + suffix]["matches"] = "x"
        layout["yaxis" + suffix] = {"domain": [top - h, top], "anchor": "x" + suffix,
                                    "title": {"text": name, "font": {"size": max(theme.font - 3, 10)}},
                                    "exponentformat": "power"}
        if key == "lr":
            series = [lr]
        else:
            arr = quantities[key]
            series = [arr[:, i] for i in range(arr.shape[1])]
        for i, s in enumerate(series):
            steps, s = finite_pairs(np.arange(1.0, len(s) + 1), s)
            data.append({"type": "scatter", "mode": "lines", "x": typed(steps), "y": typed(s, "f8"),
                         "xaxis": "x" + suffix, "yaxis": "y" + suffix, "showlegend": p == 0,
                         "name": f"{'xy'[i]} coordinate" if len(series) > 1 else label,
                         "legendgroup": f"c{i}", "line": {"color": color, "width": theme.line * 0.8,
                                                          "dash": "solid" if i == 0 else "dot"},
                         "hovertemplate": f"{name}<br>step %{{x}}: %{{y:.4g}}<extra></extra>"})
    layout["legend"].update({"orientation": "h", "y": 1.0, "yanchor": "bottom"})
    layout["margin"]["t"] = 40
    return {"data": data, "layout": tidy_axes(layout, theme)}
