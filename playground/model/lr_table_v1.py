"""Suggested learning rates, version 1: the table the page used until version 2, kept unchanged.

Picked by hand from 300-step sweeps (the stable, watchable end of the range); rules that came later
took the rates of a relative (Adam's for AdaBelief, Yogi and Schedule-Free AdamW; gradient descent's,
momentum's and AdaGrad's for Schedule-Free SGD, SAM and full-matrix AdaGrad; the spec's default for
Newton and Prodigy). A link made while this table was current means these rates where it leaves the
learning rate out. Surfaces not listed take the ``custom`` row. Never edit: it is what old links mean.
"""

TABLE = {
    "bowl": {
        "sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.5, "rmsprop": 0.03,
        "adadelta": 1.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.05, "adamax": 0.05, "lion": 0.02,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 0.05,
        "sam": 0.01, "adagrad_full": 0.5, "newton": 1.0,
    },
    "slope": {
        "sgd": 0.01, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.06, "rmsprop": 0.01,
        "adadelta": 1.0, "adam": 0.01, "adamw": 0.01, "nadam": 0.01, "radam": 0.01, "adamax": 0.01, "lion": 0.01,
        "adabelief": 0.01, "yogi": 0.01, "prodigy": 1.0, "schedule_free_sgd": 0.01, "schedule_free_adamw": 0.01,
        "sam": 0.001, "adagrad_full": 0.06, "newton": 1.0,
    },
    "rosenbrock": {
        "sgd": 0.001, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.005, "adagrad": 0.5, "rmsprop": 0.01,
        "adadelta": 5.0, "adam": 0.1, "adamw": 0.1, "nadam": 0.05, "radam": 0.1, "adamax": 0.1, "lion": 0.01,
        "adabelief": 0.01, "yogi": 0.1, "prodigy": 1.0, "schedule_free_sgd": 0.001, "schedule_free_adamw": 0.1,
        "sam": 0.001, "adagrad_full": 0.5, "newton": 1.0,
    },
    "beale": {
        "sgd": 0.01, "momentum": 0.002, "nesterov": 0.002, "ema_momentum": 0.02, "adagrad": 0.5, "rmsprop": 0.02,
        "adadelta": 5.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.05, "adamax": 0.05, "lion": 0.02,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.01, "schedule_free_adamw": 0.05,
        "sam": 0.002, "adagrad_full": 0.5, "newton": 1.0,
    },
    "himmelblau": {
        "sgd": 0.005, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.5, "rmsprop": 0.03,
        "adadelta": 2.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.05, "adamax": 0.05, "lion": 0.02,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.005, "schedule_free_adamw": 0.05,
        "sam": 0.001, "adagrad_full": 0.5, "newton": 1.0,
    },
    "saddle": {
        "sgd": 0.05, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.2, "rmsprop": 0.01,
        "adadelta": 2.0, "adam": 0.02, "adamw": 0.02, "nadam": 0.02, "radam": 0.02, "adamax": 0.02, "lion": 0.01,
        "adabelief": 0.02, "yogi": 0.02, "prodigy": 1.0, "schedule_free_sgd": 0.05, "schedule_free_adamw": 0.02,
        "sam": 0.01, "adagrad_full": 0.2, "newton": 1.0,
    },
    "double_well": {
        "sgd": 0.02, "momentum": 0.005, "nesterov": 0.005, "ema_momentum": 0.05, "adagrad": 0.3, "rmsprop": 0.02,
        "adadelta": 2.0, "adam": 0.03, "adamw": 0.03, "nadam": 0.03, "radam": 0.03, "adamax": 0.03, "lion": 0.01,
        "adabelief": 0.03, "yogi": 0.03, "prodigy": 1.0, "schedule_free_sgd": 0.02, "schedule_free_adamw": 0.03,
        "sam": 0.005, "adagrad_full": 0.3, "newton": 1.0,
    },
    "rastrigin": {
        "sgd": 0.001, "momentum": 0.0005, "nesterov": 0.0005, "ema_momentum": 0.005, "adagrad": 0.5,
        "rmsprop": 0.02, "adadelta": 1.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.05, "adamax": 0.05,
        "lion": 0.02, "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.001,
        "schedule_free_adamw": 0.05, "sam": 0.0005, "adagrad_full": 0.5, "newton": 1.0,
    },
    "linear_regression": {
        "sgd": 0.01, "momentum": 0.001, "nesterov": 0.001, "ema_momentum": 0.01, "adagrad": 0.5, "rmsprop": 0.02,
        "adadelta": 5.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.1, "adamax": 0.05, "lion": 0.05,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.01, "schedule_free_adamw": 0.05,
        "sam": 0.001, "adagrad_full": 0.5, "newton": 1.0,
    },
    "logistic_regression": {
        "sgd": 0.1, "momentum": 0.01, "nesterov": 0.01, "ema_momentum": 0.1, "adagrad": 0.2, "rmsprop": 0.02,
        "adadelta": 5.0, "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "radam": 0.1, "adamax": 0.05, "lion": 0.05,
        "adabelief": 0.05, "yogi": 0.05, "prodigy": 1.0, "schedule_free_sgd": 0.1, "schedule_free_adamw": 0.05,
        "sam": 0.01, "adagrad_full": 0.2, "newton": 1.0,
    },
    "custom": {
        "sgd": 0.01, "momentum": 0.003, "nesterov": 0.003, "ema_momentum": 0.03, "adagrad": 0.3, "rmsprop": 0.02,
        "adadelta": 1.0, "adam": 0.03, "adamw": 0.03, "nadam": 0.03, "radam": 0.03, "adamax": 0.03, "lion": 0.01,
        "adabelief": 0.03, "yogi": 0.03, "prodigy": 1.0, "schedule_free_sgd": 0.01, "schedule_free_adamw": 0.03,
        "sam": 0.003, "adagrad_full": 0.3, "newton": 1.0,
    },
}
