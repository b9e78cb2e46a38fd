"""Suggested learning rates, version 3: written by ``tools/make_lr_table.py``; do not edit by hand.

The rule (``playground/model/defaults.py``, whose docstring says why): on a 1-2-5 grid from 1e-6 to
500, the largest rate whose 1000-step run from the surface's default start, and the run of the rate
below it, never diverge, never leave the plot window, take a first step of at most 25% of the
window's diagonal, later steps of at most 15% (in the second half, 2%), and move 2% of it
away from the start; ``custom`` (typed formulas) is each optimizer's median over the 2-D surfaces.
"""

TABLE = {
    "bowl": {
        "sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "ema_momentum": 0.2, "adagrad": 1.0, "rmsprop": 0.02,
        "adadelta": 2.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.2, "radam": 0.05, "adamax": 1.0, "lion": 0.1,
        "adabelief": 0.05, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 1.0,
        "sam": 0.02, "adagrad_full": 1.0, "newton": 1.0,
    },
    "slope": {
        "sgd": 0.05, "momentum": 0.01, "nesterov": 0.02, "ema_momentum": 0.1, "adagrad": 0.2, "rmsprop": 0.02,
        "adadelta": 10.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.02, "radam": 0.2, "adamax": 0.1, "lion": 0.002,
        "adabelief": 0.2, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.5, "schedule_free_adamw": 0.5,
        "sam": 0.01, "adagrad_full": 0.2, "newton": 1.0,
    },
    "rosenbrock": {
        "sgd": 0.001, "momentum": 0.002, "nesterov": 0.0005, "ema_momentum": 0.02, "adagrad": 0.5, "rmsprop": 0.01,
        "adadelta": 2.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.02, "radam": 0.002, "adamax": 1.0, "lion": 0.05,
        "adabelief": 0.002, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.002, "schedule_free_adamw": 0.5,
        "sam": 0.002, "adagrad_full": 0.5, "newton": 1.0,
    },
    "beale": {
        "sgd": 0.05, "momentum": 0.005, "nesterov": 0.01, "ema_momentum": 0.05, "adagrad": 2.0, "rmsprop": 0.1,
        "adadelta": 10.0, "adam": 1.0, "adamw": 1.0, "nadam": 0.1, "radam": 0.02, "adamax": 1.0, "lion": 0.005,
        "adabelief": 0.02, "yogi": 1.0, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 2.0,
        "sam": 0.01, "adagrad_full": 1.0, "newton": 1.0,
    },
    "himmelblau": {
        "sgd": 0.01, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 1.0, "rmsprop": 0.1,
        "adadelta": 5.0, "adam": 1.0, "adamw": 2.0, "nadam": 0.1, "radam": 0.05, "adamax": 2.0, "lion": 0.1,
        "adabelief": 0.05, "yogi": 1.0, "prodigy": 1.0, "schedule_free_sgd": 0.1, "schedule_free_adamw": 2.0,
        "sam": 0.01, "adagrad_full": 2.0, "newton": 1.0,
    },
    "saddle": {
        "sgd": 0.5, "momentum": 0.2, "nesterov": 0.2, "ema_momentum": 2.0, "adagrad": 0.5, "rmsprop": 0.02,
        "adadelta": 2.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.2, "radam": 0.5, "adamax": 1.0, "lion": 0.05,
        "adabelief": 0.5, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.5, "schedule_free_adamw": 1.0,
        "sam": 0.2, "adagrad_full": 0.5, "newton": 1.0,
    },
    "double_well": {
        "sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "ema_momentum": 0.2, "adagrad": 0.5, "rmsprop": 0.01,
        "adadelta": 2.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.1, "radam": 0.05, "adamax": 0.5, "lion": 0.05,
        "adabelief": 0.05, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 0.5,
        "sam": 0.02, "adagrad_full": 0.5, "newton": 1.0,
    },
    "rastrigin": {
        "sgd": 0.005, "momentum": 0.01, "nesterov": 0.002, "ema_momentum": 0.1, "adagrad": 0.5, "rmsprop": 0.05,
        "adadelta": 5.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.2, "radam": 0.01, "adamax": 0.5, "lion": 0.2,
        "adabelief": 0.01, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.01, "schedule_free_adamw": 0.5,
        "sam": 0.005, "adagrad_full": 1.0, "newton": 1.0,
    },
    "linear_regression": {
        "sgd": 0.2, "momentum": 0.005, "nesterov": 0.01, "ema_momentum": 0.05, "adagrad": 1.0, "rmsprop": 0.02,
        "adadelta": 2.0, "adam": 0.2, "adamw": 0.2, "nadam": 0.5, "radam": 0.1, "adamax": 0.5, "lion": 0.01,
        "adabelief": 0.1, "yogi": 0.2, "prodigy": 1.0, "schedule_free_sgd": 0.2, "schedule_free_adamw": 1.0,
        "sam": 0.005, "adagrad_full": 1.0, "newton": 1.0,
    },
    "logistic_regression": {
        "sgd": 5.0, "momentum": 0.5, "nesterov": 2.0, "ema_momentum": 5.0, "adagrad": 1.0, "rmsprop": 0.1,
        "adadelta": 10.0, "adam": 1.0, "adamw": 1.0, "nadam": 0.1, "radam": 2.0, "adamax": 1.0, "lion": 0.02,
        "adabelief": 2.0, "yogi": 1.0, "prodigy": 1.0, "schedule_free_sgd": 5.0, "schedule_free_adamw": 2.0,
        "sam": 0.5, "adagrad_full": 1.0, "newton": 1.0,
    },
    "reddi": {
        "sgd": 0.01, "momentum": 0.05, "nesterov": 0.02, "ema_momentum": 0.5, "adagrad": 0.2, "rmsprop": 0.02,
        "adadelta": 10.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.05, "radam": 0.1, "adamax": 0.5, "lion": 0.2,
        "adabelief": 0.1, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.1, "schedule_free_adamw": 0.5,
        "sam": 0.05, "adagrad_full": 0.2, "newton": 1.0,
    },
    "sharp_flat": {
        "sgd": 0.5, "momentum": 0.2, "nesterov": 0.2, "ema_momentum": 2.0, "adagrad": 1.0, "rmsprop": 0.02,
        "adadelta": 2.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.2, "radam": 0.5, "adamax": 1.0, "lion": 0.05,
        "adabelief": 0.5, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.5, "schedule_free_adamw": 1.0,
        "sam": 0.2, "adagrad_full": 0.5, "newton": 1.0,
    },
    "custom": {
        "sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 1.0, "rmsprop": 0.02,
        "adadelta": 2.0, "adam": 0.5, "adamw": 0.5, "nadam": 0.1, "radam": 0.05, "adamax": 1.0, "lion": 0.05,
        "adabelief": 0.05, "yogi": 0.5, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 1.0,
        "sam": 0.01, "adagrad_full": 1.0, "newton": 1.0,
    },
}
