"""What an optimizer keeps, step by step: gradient, raw state, bias-corrected moments, the step taken."""

from __future__ import annotations

import numpy as np

from ._common import DEFAULT_THEME, Theme, base_layout, finite_pairs, tidy_axes, typed

NAMES = {
    "grad": "gradient g",
    "step": "step taken Δx",
    "velocity": "velocity b",
    "sum_sq": "sum of g² (s)",
    "square_avg": "average of g² (v)",
    "grad_avg": "average of g (ḡ)",
    "acc_delta": "average of Δ² (u)",
    "exp_avg": "first moment m",
    "exp_avg_sq": "second moment v",
    "max_exp_avg_sq": "max of v",
    "exp_avg_hat": "bias-corrected m̂",
    "exp_avg_sq_hat": "bias-corrected v̂",
    "max_exp_avg_sq_hat": "bias-corrected max v̂",
    "mu_product": "momentum product Π",
    "exp_inf": "max norm u",
    "exp_avg_var": "spread of g around m (s)",
    "z": "SGD sequence z",
    "y": "gradient point y",
    "weight_sum": "sum of averaging weights",
    "lr_max": "largest η so far",
    "d": "distance estimate d",
    "d_max": "largest estimate d̂",
    "d_numerator": "estimate's numerator r",
    "s": "weighted gradient sum s",
    "x0": "start x₀",
    "ascent": "ascent point x̃",
    "eigenvalues": "eigenvalues of H",
    "descent": "cos(step, −g); below 0: uphill",
}


def internals_figure(quantities: dict[str, np.ndarray], label: str, color: str, lr: np.ndarray | None,
                     theme: Theme = DEFAULT_THEME) -> dict:
    """One panel per quantity, one line per coordinate (x solid, y dotted), over steps."""
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
        title = NAMES.get(key, key) if key != "lr" else "learning rate η_t"
        layout["xaxis" + suffix] = {"domain": [0, 1], "anchor": "y" + suffix, "showticklabels": p == n - 1,
                                    "title": {"text": "step"} if p == n - 1 else None}
        if p:
            layout["xaxis" + suffix]["matches"] = "x"
        layout["yaxis" + suffix] = {"domain": [top - h, top], "anchor": "x" + suffix,
                                    "title": {"text": title, "font": {"size": max(theme.font - 3, 10)}},
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
                         "hovertemplate": f"{title}<br>step %{{x}}: %{{y:.4g}}<extra></extra>"})
    layout["legend"].update({"orientation": "h", "y": 1.0, "yanchor": "bottom"})
    layout["margin"]["t"] = 40
    return {"data": data, "layout": tidy_axes(layout, theme)}
