"""Suggested learning rates, version 2: written by ``tools/make_lr_table.py``; do not edit by hand.

The rule (``playground/model/defaults.py``): on a 1-2-5 grid from 1e-6 to 500, the largest rate whose
300-step run from the surface's default start never diverges, never leaves the plot window and never
steps further than 2% of the window's diagonal; ``custom`` is each optimizer's median over the 2-D
surfaces.
"""

TABLE = {
    "bowl": {
        "sgd": 0.002, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.1, "rmsprop": 0.01,
        "adadelta": 10.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.1, "radam": 0.002, "adamax": 0.1, "lion": 0.1,
        "adabelief": 0.002, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.002, "schedule_free_adamw": 0.1,
        "sam": 0.001, "adagrad_full": 0.1, "newton": 1.0,
    },
    "slope": {
        "sgd": 0.05, "momentum": 0.005, "nesterov": 0.005, "ema_momentum": 0.05, "adagrad": 0.05, "rmsprop": 0.005,
        "adadelta": 10.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.05, "adamax": 0.05, "lion": 0.005,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 0.05,
        "sam": 0.005, "adagrad_full": 0.05, "newton": 1.0,
    },
    "rosenbrock": {
        "sgd": 0.0005, "momentum": 0.0005, "nesterov": 0.0002, "ema_momentum": 0.005, "adagrad": 0.05,
        "rmsprop": 0.005, "adadelta": 10.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.02, "radam": 0.0005,
        "adamax": 0.05, "lion": 0.05, "adabelief": 0.0005, "yogi": 0.05, "prodigy": 1.0,
        "schedule_free_sgd": 0.0005, "schedule_free_adamw": 0.05, "sam": 0.0002, "adagrad_full": 0.1, "newton": 1.0,
    },
    "beale": {
        "sgd": 0.005, "momentum": 0.002, "nesterov": 0.002, "ema_momentum": 0.02, "adagrad": 0.1, "rmsprop": 0.01,
        "adadelta": 20.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.1, "radam": 0.005, "adamax": 0.1, "lion": 0.1,
        "adabelief": 0.005, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.005, "schedule_free_adamw": 0.1,
        "sam": 0.002, "adagrad_full": 0.2, "newton": 1.0,
    },
    "himmelblau": {
        "sgd": 0.005, "momentum": 0.0005, "nesterov": 0.0005, "ema_momentum": 0.005, "adagrad": 0.2,
        "rmsprop": 0.02, "adadelta": 2.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.1, "radam": 0.02, "adamax": 0.2,
        "lion": 0.1, "adabelief": 0.02, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.01,
        "schedule_free_adamw": 0.2, "sam": 0.005, "adagrad_full": 0.2, "newton": 1.0,
    },
    "saddle": {
        "sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.05, "rmsprop": 0.005,
        "adadelta": 5.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.05, "adamax": 0.05, "lion": 0.05,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 0.05,
        "sam": 0.01, "adagrad_full": 0.1, "newton": 1.0,
    },
    "double_well": {
        "sgd": 0.002, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.05, "rmsprop": 0.005,
        "adadelta": 5.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.002, "adamax": 0.05, "lion": 0.05,
        "adabelief": 0.002, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.002, "schedule_free_adamw": 0.05,
        "sam": 0.001, "adagrad_full": 0.1, "newton": 1.0,
    },
    "rastrigin": {
        "sgd": 0.002, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.2, "rmsprop": 0.02,
        "adadelta": 10.0, "adam": 0.2, "adamw": 0.2, "nadam": 0.05, "radam": 0.002, "adamax": 0.2, "lion": 0.2,
        "adabelief": 0.002, "yogi": 0.2, "prodigy": 1.0, "schedule_free_sgd": 0.002, "schedule_free_adamw": 0.2,
        "sam": 0.001, "adagrad_full": 0.2, "newton": 1.0,
    },
    "linear_regression": {
        "sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "ema_momentum": 0.02, "adagrad": 0.1, "rmsprop": 0.01,
        "adadelta": 10.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.1, "radam": 0.01, "adamax": 0.1, "lion": 0.01,
        "adabelief": 0.01, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.01, "schedule_free_adamw": 0.1,
        "sam": 0.002, "adagrad_full": 0.1, "newton": 1.0,
    },
    "logistic_regression": {
        "sgd": 0.2, "momentum": 0.05, "nesterov": 0.05, "ema_momentum": 0.5, "adagrad": 0.1, "rmsprop": 0.01,
        "adadelta": 10.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.1, "radam": 0.2, "adamax": 0.1, "lion": 0.02,
        "adabelief": 0.2, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.2, "schedule_free_adamw": 0.1,
        "sam": 0.05, "adagrad_full": 0.2, "newton": 1.0,
    },
    "reddi": {
        "sgd": 0.01, "momentum": 0.005, "nesterov": 0.005, "ema_momentum": 0.05, "adagrad": 0.02, "rmsprop": 0.002,
        "adadelta": 5.0, "adam": 0.02, "adamw": 0.02, "nadam": 0.02, "radam": 0.01, "adamax": 0.02, "lion": 0.02,
        "adabelief": 0.01, "yogi": 0.02, "prodigy": 1.0, "schedule_free_sgd": 0.01, "schedule_free_adamw": 0.02,
        "sam": 0.005, "adagrad_full": 0.02, "newton": 1.0,
    },
    "sharp_flat": {
        "sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.05, "rmsprop": 0.005,
        "adadelta": 5.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.05, "adamax": 0.05, "lion": 0.05,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 0.05,
        "sam": 0.01, "adagrad_full": 0.1, "newton": 1.0,
    },
    "custom": {
        "sgd": 0.005, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.1, "rmsprop": 0.01,
        "adadelta": 10.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.05, "radam": 0.005, "adamax": 0.1, "lion": 0.05,
        "adabelief": 0.005, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.005, "schedule_free_adamw": 0.1,
        "sam": 0.002, "adagrad_full": 0.1, "newton": 1.0,
    },
}
