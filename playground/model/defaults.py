"""Suggested settings that make every default race move visibly: learning rates per surface, colours.

Learning rates were picked from 300-step sweeps on each surface (the stable, watchable end of the
range rather than the fastest setting, which often jumps about). An entry that sets its own lr
ignores this table.
"""

import optimizers

# Okabe & Ito's colour-blind-safe palette, ordered for contrast on a pale or dark background.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#999999")

# Rules whose step is about η per coordinate share Adam's rates.
_ADAPTIVE = ("adam", "adamw", "nadam", "radam", "adamax", "adabelief", "yogi", "schedule_free_adamw")
# Rules that take their step size from a relative: Schedule-Free SGD from gradient descent, SAM (over
# SGD with momentum 0.9) from momentum, full-matrix AdaGrad from AdaGrad.
_LIKE = {"schedule_free_sgd": "sgd", "sam": "momentum", "adagrad_full": "adagrad"}

_LR: dict[str, dict[str, float]] = {
    "bowl": {"sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.5,
             "rmsprop": 0.03, "adadelta": 1.0, "lion": 0.02, **dict.fromkeys(_ADAPTIVE, 0.05)},
    "slope": {"sgd": 0.01, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.06,
              "rmsprop": 0.01, "adadelta": 1.0, "lion": 0.01, **dict.fromkeys(_ADAPTIVE, 0.01)},
    "rosenbrock": {"sgd": 0.001, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.005, "adagrad": 0.5,
                   "rmsprop": 0.01, "adadelta": 5.0, "lion": 0.01, **dict.fromkeys(_ADAPTIVE, 0.1), "nadam": 0.05,
                   "adabelief": 0.01},
    "beale": {"sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "ema_momentum": 0.02, "adagrad": 0.5,
              "rmsprop": 0.02, "adadelta": 5.0, "lion": 0.02, **dict.fromkeys(_ADAPTIVE, 0.05)},
    "himmelblau": {"sgd": 0.005, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.5,
                   "rmsprop": 0.03, "adadelta": 2.0, "lion": 0.02, **dict.fromkeys(_ADAPTIVE, 0.05)},
    "saddle": {"sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.2,
               "rmsprop": 0.01, "adadelta": 2.0, "lion": 0.01, **dict.fromkeys(_ADAPTIVE, 0.02)},
    "double_well": {"sgd": 0.02, "momentum": 0.005, "nesterov": 0.005, "ema_momentum": 0.05, "adagrad": 0.3,
                    "rmsprop": 0.02, "adadelta": 2.0, "lion": 0.01, **dict.fromkeys(_ADAPTIVE, 0.03)},
    "rastrigin": {"sgd": 0.001, "momentum": 0.0005, "nesterov": 0.0005, "ema_momentum": 0.005, "adagrad": 0.5,
                  "rmsprop": 0.02, "adadelta": 1.0, "lion": 0.02, **dict.fromkeys(_ADAPTIVE, 0.05)},
    # Data surfaces: the smallest rate of a coarse grid that gets within 10⁻³ of the minimum in 300 steps.
    "linear_regression": {"sgd": 0.01, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.5,
                          "rmsprop": 0.02, "adadelta": 5.0, "lion": 0.05, **dict.fromkeys(_ADAPTIVE, 0.05),
                          "radam": 0.1},
    "logistic_regression": {"sgd": 0.1, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.2,
                            "rmsprop": 0.02, "adadelta": 5.0, "lion": 0.05, **dict.fromkeys(_ADAPTIVE, 0.05),
                            "radam": 0.1},
    "custom": {"sgd": 0.01, "momentum": 0.003, "nesterov": 0.003, "ema_momentum": 0.03, "adagrad": 0.3,
               "rmsprop": 0.02, "adadelta": 1.0, "lion": 0.01, **dict.fromkeys(_ADAPTIVE, 0.03)},
}


def learning_rate(surface: str, optimizer: str) -> float:
    """The suggested learning rate of ``optimizer`` on ``surface`` (the spec's default if none)."""
    table = _LR.get(surface, _LR["custom"])
    optimizer_row = _LIKE.get(optimizer, optimizer) if optimizer not in table else optimizer
    if optimizer_row in table:
        return table[optimizer_row]
    return float(optimizers.spec(optimizer).defaults["lr"])
