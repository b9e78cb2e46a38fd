"""Hyperparameter specs shared by several optimizers, so one name means one thing everywhere."""

from ._spec import Hyper


def lr(default: float, ui_low: float = 1e-5, ui_high: float = 10.0) -> Hyper:
    return Hyper(
        "lr", default, "Learning rate: how far each step moves.", r"\eta",
        low=0.0, low_open=True, ui_low=ui_low, ui_high=ui_high, log=True,
    )


def eps(default: float) -> Hyper:
    return Hyper(
        "eps", default, "Added to the denominator so a zero average never divides by zero.",
        r"\epsilon", low=0.0, low_open=True, ui_low=1e-12, ui_high=1e-1, log=True,
    )


def decay(name: str, default: float, help: str, symbol: str) -> Hyper:
    """A moving-average decay factor in [0, 1)."""
    return Hyper(name, default, help, symbol, low=0.0, high=1.0, high_open=True, ui_low=0.0, ui_high=0.999)


def beta1(default: float = 0.9) -> Hyper:
    return decay("beta1", default, "Decay of the moving average of gradients (the first moment).", r"\beta_1")


def beta2(default: float = 0.999) -> Hyper:
    return decay(
        "beta2", default, "Decay of the moving average of squared gradients (the second moment).",
        r"\beta_2",
    )


def momentum(default: float) -> Hyper:
    return decay("momentum", default, "Fraction of the previous velocity kept at each step.", r"\mu")


def dampening() -> Hyper:
    return Hyper(
        "dampening", 0.0, "Scales down the new gradient's share of the velocity: (1 − dampening)·g.",
        r"\tau", low=0.0, high=1.0, ui_low=0.0, ui_high=1.0,
    )


def flag(name: str, default: bool, help: str, symbol: str, label: str = "") -> Hyper:
    return Hyper(name, default, help, symbol, label=label)
