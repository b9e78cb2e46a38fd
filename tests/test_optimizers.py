"""Optimizer specs and rules: every spec against one table of checks, then first steps derived by
hand from the formulas, the product's claims about the 1-D slope, and the stability limit of
gradient descent on the bowl.
"""

import math
import re
import sys

import numpy as np
import pytest

import optimizers
import surfaces

KEYS = optimizers.names()
SPECS = [optimizers.spec(key) for key in KEYS]
HYPERS = [
    pytest.param(spec.key, h, id=f"{spec.key}-{h.name}")
    for spec in SPECS
    for h in spec.hypers
]
NUMERIC = [p for p in HYPERS if not p.values[1].is_flag]
FLAGS = [p for p in HYPERS if p.values[1].is_flag]


def bowl_grad(x, a=1.0, b=25.0):
    """The unrotated bowl's gradient, written out: ∇ ½(a x² + b y²) = (a x, b y)."""
    return np.array([a * x[0], b * x[1]])


# The registry and the specs.


def test_registry_is_consistent():
    assert KEYS == list(optimizers.REGISTRY)
    assert len(KEYS) == len(set(KEYS)) > 0
    for key in KEYS:
        assert optimizers.spec(key).key == key
        opt = optimizers.make(key)
        assert opt.key == key and opt.batch is None
        assert dict(opt.hyper) == optimizers.spec(key).defaults


@pytest.mark.parametrize("spec", SPECS, ids=KEYS)
def test_spec_describes_itself(spec):
    assert spec.name.strip() and spec.summary.strip() and spec.reference.strip()
    names = [h.name for h in spec.hypers]
    assert len(names) == len(set(names))
    # Every optimizer takes a learning rate, under the same name.
    assert "lr" in names
    assert spec.hyper("lr").low == 0.0 and spec.hyper("lr").low_open
    with pytest.raises(KeyError):
        spec.hyper("no_such_hyper")
    assert isinstance(spec.state_names, tuple)


@pytest.mark.parametrize(("key", "h"), HYPERS)
def test_hyperparameter_spec(key, h):
    assert h.help.strip(), "help text"
    assert h.symbol.strip(), "LaTeX symbol"
    if h.is_flag:
        assert isinstance(h.default, bool)
        assert not h.log
        return
    assert isinstance(h.default, float | int)
    assert math.isfinite(h.default)
    assert h.accepts(h.default), f"default {h.default} outside {h.describe_range()}"
    assert h.validate(h.default) == h.default
    assert h.low < h.high
    if h.log:
        assert h.ui_low is not None and h.ui_low > 0
    assert h.ui_low is not None and h.ui_high is not None
    assert h.ui_low < h.ui_high
    assert h.accepts(h.ui_low) and h.accepts(h.ui_high), f"UI range outside {h.describe_range()}"
    assert h.ui_low <= h.default <= h.ui_high, "a slider must be able to show the default"


def test_log_scale_without_positive_ui_low_is_refused():
    with pytest.raises(ValueError, match="ui_low"):
        optimizers.Hyper("x", 1.0, "help", "x", low=0.0, ui_low=0.0, ui_high=1.0, log=True)
    with pytest.raises(ValueError, match="ui_low"):
        optimizers.Hyper("x", 1.0, "help", "x", low=0.0, log=True)


@pytest.mark.parametrize("spec", SPECS, ids=KEYS)
def test_rule_latex_is_in_the_module_docstring(spec):
    rule = spec.rule_latex
    assert rule.strip()
    module_doc = sys.modules[spec.update.__module__].__doc__ or ""
    assert rule in module_doc
    # Balanced braces and environments, or KaTeX shows an error box instead of the rule.
    unescaped = rule.replace(r"\{", "").replace(r"\}", "")
    depth = 0
    for ch in unescaped:
        depth += (ch == "{") - (ch == "}")
        assert depth >= 0
    assert depth == 0
    assert re.findall(r"\\begin\{(\w+)\}", rule) == re.findall(r"\\end\{(\w+)\}", rule)[::-1]
    assert len(re.findall(r"\\left(?![a-zA-Z])", rule)) == len(re.findall(r"\\right(?![a-zA-Z])", rule))


# Invalid values: a ValueError that names the hyperparameter (and the value).


def _bad_numbers(h):
    yield from [math.nan, math.inf, -math.inf]
    if h.low > -math.inf:
        yield h.low if h.low_open else h.low - 0.1
        yield h.low - 1.0
    if h.high < math.inf:
        yield h.high if h.high_open else h.high + 0.1
        yield h.high + 1.0


NOT_NUMBERS = ["0.1", "abc", None, True, [[0.1]], [], [0.1, "x"], {"a": 1}]
NOT_FLAGS = [1, 0, 1.0, "True", None, [], [[True]], np.array([1, 0])]


@pytest.mark.parametrize(("key", "h"), NUMERIC)
def test_out_of_range_value_raises_naming_it(key, h):
    for bad in _bad_numbers(h):
        with pytest.raises(ValueError, match=rf"\b{h.name}\b") as err:
            optimizers.make(key, **{h.name: bad})
        assert repr(float(bad)).lstrip("-") in str(err.value).replace("np.float64(", ""), bad
        # The same value inside a batch is refused as well.
        with pytest.raises(ValueError, match=rf"\b{h.name}\b"):
            optimizers.make(key, **{h.name: [h.default, bad]})


@pytest.mark.parametrize(("key", "h"), NUMERIC)
def test_non_number_raises_naming_it(key, h):
    for bad in NOT_NUMBERS:
        with pytest.raises(ValueError, match=rf"\b{h.name}\b"):
            optimizers.make(key, **{h.name: bad})


@pytest.mark.parametrize(("key", "h"), FLAGS)
def test_non_bool_flag_raises_naming_it(key, h):
    for bad in NOT_FLAGS:
        with pytest.raises(ValueError, match=rf"\b{h.name}\b"):
            optimizers.make(key, **{h.name: bad})


# The brief's own list, spelt out for the optimizers that take these hyperparameters.
NAMED_BAD = [
    ("lr", 0.0), ("lr", -1.0), ("lr", math.nan), ("lr", math.inf), ("eps", 0.0), ("eps", -1e-8),
    ("beta1", 1.0), ("beta1", -0.1), ("beta2", 1.0), ("beta2", -0.1), ("beta", 1.0), ("beta", -0.1),
    ("rho", 1.0), ("rho", -0.1), ("momentum", 1.0), ("momentum", -0.1),
    ("dampening", 1.1), ("weight_decay", -0.01), ("momentum_decay", -1e-3),
]


@pytest.mark.parametrize("key", KEYS)
def test_listed_invalid_values_raise(key):
    takes = optimizers.spec(key).defaults
    listed = [(name, bad) for name, bad in NAMED_BAD if name in takes]
    assert listed
    for name, bad in listed:
        with pytest.raises(ValueError, match=rf"\b{name}\b"):
            optimizers.make(key, **{name: bad})


@pytest.mark.parametrize("key", KEYS)
def test_unknown_hyperparameter_raises_naming_it(key):
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.make(key, learning_rate=0.1)


def test_batch_sizes_must_agree():
    with pytest.raises(ValueError, match="beta"):
        optimizers.make("adam", lr=[0.1, 0.2], beta1=[0.9, 0.8, 0.7])


@pytest.mark.parametrize("bad", ["no_such_optimizer", "", "Adam", None, 3])
def test_unknown_optimizer_raises(bad):
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.make(bad)
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.spec(bad)


def _extreme_valid(h):
    lo = h.low if not h.low_open else (h.low + 1e-12 if h.low != 0 else 1e-300)
    yield lo
    if h.high < math.inf:
        yield h.high if not h.high_open else math.nextafter(h.high, -math.inf)
    else:
        yield 1e3 if h.name != "lr" else 1e6


@pytest.mark.parametrize(("key", "h"), NUMERIC)
def test_any_valid_value_is_accepted(key, h):
    """The UI range is a suggestion: anything in the valid range is taken as it is."""
    for v in [*_extreme_valid(h), h.ui_low, h.ui_high, np.float64(h.default), int(h.default) or h.default]:
        opt = optimizers.make(key, **{h.name: v})
        assert opt.hyper[h.name] == v
        assert type(opt.hyper[h.name]) is float


@pytest.mark.parametrize("key", KEYS)
def test_huge_learning_rate_is_accepted_and_the_run_stays_clean(key):
    opt = optimizers.make(key, lr=1e3)
    assert opt.hyper["lr"] == 1e3
    tr = optimizers.run(opt, surfaces.get("rosenbrock"), steps=300)
    end = len(tr.path) if tr.diverged_at is None else tr.diverged_at
    assert tr.path.shape == (end, 2) and tr.loss.shape == (end,) and tr.grads.shape == (end - 1, 2)
    assert np.isfinite(tr.path).all() and np.isfinite(tr.loss).all() and np.isfinite(tr.grads).all()
    assert np.abs(tr.path).max() <= optimizers.DIVERGENCE_LIMIT


#: Rules whose step grows with lr·g (or, for AdamW, with lr·λ·x): lr = 1000 blows them up.
BLOWS_UP = ["sgd", "momentum", "nesterov", "ema_momentum", "radam", "adamw"]


@pytest.mark.parametrize("key", BLOWS_UP)
def test_huge_learning_rate_diverges_on_rosenbrock(key):
    tr = optimizers.run(optimizers.make(key, lr=1e3), surfaces.get("rosenbrock"), start=(-1.5, 2.0), steps=300)
    d = tr.diverged_at
    assert isinstance(d, int) and 1 <= d <= 300
    assert len(tr.path) == d and len(tr.loss) == d and len(tr.grads) == d - 1
    for name, arr in tr.state.items():
        assert arr.shape == (d - 1, 2), name
    assert np.isfinite(tr.path).all() and np.isfinite(tr.loss).all()
    assert np.abs(tr.path).max() <= optimizers.DIVERGENCE_LIMIT
    # Running exactly up to the last good position does not diverge.
    short = optimizers.run(optimizers.make(key, lr=1e3), surfaces.get("rosenbrock"), start=(-1.5, 2.0), steps=d - 1)
    assert short.diverged_at is None
    np.testing.assert_array_equal(short.path, tr.path)


# First steps by hand, on the unrotated bowl (gradient (x, 25 y)).

X0 = np.array([-2.5, 1.5])


def _run_bowl(key, steps=2, **hyper):
    return optimizers.run(optimizers.make(key, **hyper), surfaces.get("bowl"), start=X0, steps=steps)


def test_ema_momentum_first_steps():
    lr, beta = 0.01, 0.8
    tr = _run_bowl("ema_momentum", lr=lr, beta=beta)
    g1 = bowl_grad(X0)
    v1 = (1 - beta) * g1
    x1 = X0 - lr * v1
    g2 = bowl_grad(x1)
    v2 = beta * v1 + (1 - beta) * g2
    x2 = x1 - lr * v2
    np.testing.assert_allclose(tr.path, [X0, x1, x2], rtol=1e-14)
    np.testing.assert_allclose(tr.grads, [g1, g2], rtol=1e-14)
    np.testing.assert_allclose(tr.state["velocity"], [v1, v2], rtol=1e-14)


def test_ema_momentum_is_torch_sgd_with_scaled_learning_rate():
    """v = βv + (1−β)g equals torch SGD with lr·(1−β) and momentum β, not dampening β."""
    lr, beta = 0.02, 0.9
    ema = _run_bowl("ema_momentum", steps=200, lr=lr, beta=beta)
    heavy = _run_bowl("momentum", steps=200, lr=lr * (1 - beta), momentum=beta)
    np.testing.assert_allclose(ema.path, heavy.path, rtol=1e-9, atol=1e-12)
    damped = _run_bowl("momentum", steps=2, lr=lr, momentum=beta, dampening=beta)
    # SGD with dampening takes the raw gradient on step 1: 1/(1−β) times the EMA's first step.
    np.testing.assert_allclose(damped.path[1] - X0, (ema.path[1] - X0) / (1 - beta), rtol=1e-12)


def test_momentum_first_buffer_is_the_raw_gradient():
    lr, mu, tau = 0.01, 0.7, 0.4
    tr = _run_bowl("momentum", lr=lr, momentum=mu, dampening=tau)
    g1 = bowl_grad(X0)
    b1 = g1  # torch: dampening does not touch step 1
    x1 = X0 - lr * b1
    b2 = mu * b1 + (1 - tau) * bowl_grad(x1)
    np.testing.assert_allclose(tr.path, [X0, x1, x1 - lr * b2], rtol=1e-14)
    nest = _run_bowl("nesterov", lr=lr, momentum=mu, dampening=tau)
    x1 = X0 - lr * (g1 + mu * b1)
    g2 = bowl_grad(x1)
    b2 = mu * b1 + (1 - tau) * g2
    np.testing.assert_allclose(nest.path, [X0, x1, x1 - lr * (g2 + mu * b2)], rtol=1e-14)


def test_lion_first_steps_on_the_bowl():
    lr, b1, b2 = 0.05, 0.9, 0.99
    tr = _run_bowl("lion", lr=lr, beta1=b1, beta2=b2)
    g1 = bowl_grad(X0)
    x1 = X0 - lr * np.sign((1 - b1) * g1)
    m1 = (1 - b2) * g1
    g2 = bowl_grad(x1)
    x2 = x1 - lr * np.sign(b1 * m1 + (1 - b1) * g2)
    np.testing.assert_allclose(tr.path, [X0, x1, x2], rtol=1e-15)
    np.testing.assert_allclose(tr.state["exp_avg"], [m1, b2 * m1 + (1 - b2) * g2], rtol=1e-14)
    # Every coordinate moves exactly lr.
    np.testing.assert_allclose(np.abs(np.diff(tr.path, axis=0)), lr, rtol=1e-12)


def _lion_by_hand(x0, steps, lr, b1, b2, right, left):
    """Lion on the slope, one float at a time: c = β1 m + (1−β1) g, x −= lr·sign(c), m = β2 m + (1−β2) g."""
    x, m, path = x0, 0.0, [x0]
    for _ in range(steps):
        g = right if x > 0 else -left
        c = b1 * m + (1 - b1) * g
        x -= lr * (c > 0) - lr * (c < 0)
        m = b2 * m + (1 - b2) * g
        path.append(x)
    return path


# left = 0.05: at step 2 the momentum outweighs the fresh gradient (Lion keeps going left);
# left = 0.5: the fresh gradient wins with β1, but would lose were β2 used to mix the direction.
@pytest.mark.parametrize(("left", "momentum_wins"), [(0.05, True), (0.5, False)])
def test_lion_over_the_kink_of_the_slope(left, momentum_wins):
    right, lr, b1, b2 = 1.0, 0.01, 0.9, 0.99
    s = surfaces.get("slope", right=right, left=left)
    x0 = 0.004
    tr = optimizers.run(optimizers.make("lion", lr=lr, beta1=b1, beta2=b2), s, start=(x0,), steps=300)

    x1 = x0 - lr  # c1 = (1−β1)·right > 0
    m1 = (1 - b2) * right
    c2 = b1 * m1 + (1 - b1) * (-left)
    assert (c2 > 0) is momentum_wins
    assert (b2 * m1 + (1 - b2) * (-left) > 0) is True  # mixing with β2 would always keep going left
    x2 = x1 - lr * np.sign(c2)
    np.testing.assert_allclose(tr.path[:3, 0], [x0, x1, x2], rtol=1e-15)
    np.testing.assert_array_equal(tr.path[:, 0], _lion_by_hand(x0, 300, lr, b1, b2, right, left))


@pytest.mark.parametrize("nesterov", [True, False])
def test_rmsprop_momentum_first_steps(nesterov):
    lr, rho, mu, eps = 0.01, 0.9, 0.5, 1e-8
    tr = _run_bowl("rmsprop", lr=lr, rho=rho, momentum=mu, eps=eps, nesterov=nesterov)
    g1 = bowl_grad(X0)
    v1 = (1 - rho) * g1**2
    gh1 = g1 / (np.sqrt(v1) + eps)
    b1 = gh1
    x1 = X0 - lr * ((gh1 + mu * b1) if nesterov else b1)
    g2 = bowl_grad(x1)
    v2 = rho * v1 + (1 - rho) * g2**2
    gh2 = g2 / (np.sqrt(v2) + eps)
    b2 = mu * b1 + gh2
    x2 = x1 - lr * ((gh2 + mu * b2) if nesterov else b2)
    np.testing.assert_allclose(tr.path, [X0, x1, x2], rtol=1e-13)
    np.testing.assert_allclose(tr.state["square_avg"], [v1, v2], rtol=1e-13)
    np.testing.assert_allclose(tr.state["velocity"], [b1, b2], rtol=1e-13)
    if nesterov:
        # ĝ = g/√((1−ρ)g²) = sign(g)/√(1−ρ), so step 1 is lr(1+μ)/√(1−ρ) per coordinate.
        np.testing.assert_allclose(np.abs(x1 - X0), lr * (1 + mu) / math.sqrt(1 - rho), rtol=1e-7)


def test_rmsprop_centered_first_step():
    lr, rho, eps = 0.01, 0.9, 1e-8
    tr = _run_bowl("rmsprop", steps=1, lr=lr, rho=rho, eps=eps, centered=True)
    g = bowl_grad(X0)
    v, gbar = (1 - rho) * g**2, (1 - rho) * g
    np.testing.assert_allclose(tr.path[1], X0 - lr * g / (np.sqrt(v - gbar**2) + eps), rtol=1e-13)


def test_adam_without_bias_correction_first_step():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    tr = _run_bowl("adam", steps=1, lr=lr, beta1=b1, beta2=b2, eps=eps, bias_correction=False)
    g = bowl_grad(X0)
    m1, v1 = (1 - b1) * g, (1 - b2) * g**2
    np.testing.assert_allclose(tr.path[1], X0 - lr * m1 / (np.sqrt(v1) + eps), rtol=1e-13)
    np.testing.assert_allclose(tr.state["exp_avg"][0], m1, rtol=1e-15)
    np.testing.assert_allclose(tr.state["exp_avg_sq"][0], v1, rtol=1e-15)
    # Uncorrected, the first step is (1−β1)/√(1−β2) ≈ 3.16 times lr.
    np.testing.assert_allclose(np.abs(tr.path[1] - X0), lr * (1 - b1) / math.sqrt(1 - b2), rtol=1e-6)


def test_adam_with_bias_correction_first_steps():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    tr = _run_bowl("adam", lr=lr, beta1=b1, beta2=b2, eps=eps)
    g1 = bowl_grad(X0)
    x1 = X0 - lr * np.sign(g1)
    np.testing.assert_allclose(tr.path[1], x1, rtol=0, atol=lr * 1e-8)
    x1 = tr.path[1]
    g2 = bowl_grad(x1)
    m2 = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v2 = b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2
    m_hat, v_hat = m2 / (1 - b1**2), v2 / (1 - b2**2)
    np.testing.assert_allclose(tr.path[2], x1 - lr * m_hat / (np.sqrt(v_hat) + eps), rtol=1e-13)


# The seed Q&A's claims about the slope: Adam steps about lr; RMSprop with momentum builds up to
# lr/(1−μ); both overshoot the kink and come back.


def _crossing(x):
    below = np.flatnonzero(x <= 0)
    assert below.size, "never crossed zero"
    return int(below[0])


def _overshoots_and_returns(x, lr):
    k = _crossing(x)
    lowest = int(np.argmin(x))
    assert lowest > k
    assert x[lowest] < -2 * lr, f"overshoot only to {x[lowest]}"
    # ... and then heads back: at least half-way up again, and ends near the kink.
    assert x[lowest:].max() > x[lowest] / 2
    assert abs(x[-1]) < abs(x[lowest]) / 2


def test_adam_on_the_slope_moves_about_lr_per_step():
    lr = 0.01
    s = surfaces.get("slope")
    tr = optimizers.run(optimizers.make("adam", lr=lr, eps=1e-10), s, start=(2.0,), steps=800)
    assert tr.diverged_at is None
    x = tr.path[:, 0]
    k = _crossing(x)
    assert k == pytest.approx(2.0 / lr, abs=2)
    steps = -np.diff(x[:k])
    np.testing.assert_allclose(steps[3:], lr, rtol=0.03)
    _overshoots_and_returns(x, lr)


@pytest.mark.parametrize("right", [0.01, 100.0])
def test_adam_step_on_a_constant_slope_does_not_depend_on_its_steepness(right):
    lr = 0.01
    s = surfaces.get("slope", right=right)
    tr = optimizers.run(optimizers.make("adam", lr=lr), s, start=(2.0,), steps=150)
    np.testing.assert_allclose(-np.diff(tr.path[:, 0]), lr, rtol=1e-5)


def test_rmsprop_momentum_on_the_slope_approaches_lr_over_one_minus_mu():
    lr, rho, mu = 0.001, 0.9, 0.9
    s = surfaces.get("slope")
    tr = optimizers.run(optimizers.make("rmsprop", lr=lr, rho=rho, momentum=mu), s, start=(2.0,), steps=1500)
    assert tr.diverged_at is None
    x = tr.path[:, 0]
    k = _crossing(x)
    steps = -np.diff(x[:k])
    terminal = lr / (1 - mu)
    # The first step is lr·ĝ with ĝ = 1/√(1−ρ): far below the terminal step, which it then approaches.
    assert steps[0] == pytest.approx(lr / math.sqrt(1 - rho), rel=1e-6)
    assert steps[0] < 0.5 * terminal
    np.testing.assert_allclose(steps[-20:], terminal, rtol=0.1)
    assert (steps > 0).all() and steps.max() < 1.1 * terminal
    _overshoots_and_returns(x, lr)


# Gradient descent on the bowl a = 1, b = 25: stable iff lr < 2/25 = 0.08.


@pytest.mark.parametrize("lr", [0.079, 0.05, 0.01])
def test_gd_on_the_bowl_converges_below_two_over_b(lr):
    tr = optimizers.run(optimizers.make("sgd", lr=lr), surfaces.get("bowl", a=1.0, b=25.0), steps=3000)
    assert tr.diverged_at is None
    assert np.linalg.norm(tr.path[-1]) < 1e-8
    assert tr.loss[-1] < 1e-15


@pytest.mark.parametrize("lr", [0.081, 0.1])
def test_gd_on_the_bowl_diverges_above_two_over_b(lr):
    tr = optimizers.run(optimizers.make("sgd", lr=lr), surfaces.get("bowl", a=1.0, b=25.0), steps=3000)
    assert tr.diverged_at is not None
    # Along v each step multiplies y by 1 − 25·lr, so |y| passes 1e6 after about this many steps:
    factor = abs(1 - 25 * lr)
    expected = math.log(1e6 / 1.5) / math.log(factor)
    assert tr.diverged_at == pytest.approx(expected, abs=2)


def test_gd_on_the_bowl_at_two_over_b_oscillates_for_ever():
    tr = optimizers.run(optimizers.make("sgd", lr=0.08), surfaces.get("bowl", a=1.0, b=25.0), steps=2000)
    assert tr.diverged_at is None
    y = tr.path[:, 1]
    np.testing.assert_allclose(np.abs(y), 1.5, rtol=1e-9)
    assert (np.sign(y[1:]) == -np.sign(y[:-1])).all()


# Noise.


@pytest.mark.parametrize("key", KEYS)
def test_noise_is_seeded(key):
    opt, s = optimizers.make(key), surfaces.get("bowl")

    def path(**kw):
        # Near the minimum, where noise of this size flips gradient signs (Lion sees only signs).
        return optimizers.run(opt, s, start=(0.2, 0.05), steps=60, **kw).path

    np.testing.assert_array_equal(path(noise=0.5, seed=3), path(noise=0.5, seed=3))
    assert not np.array_equal(path(noise=0.5, seed=3), path(noise=0.5, seed=4))
    assert not np.array_equal(path(noise=0.5, seed=3), path(noise=0.0, seed=3))
    np.testing.assert_array_equal(path(noise=0.0, seed=3), path(noise=0.0, seed=4))
    np.testing.assert_array_equal(path(noise=0.0, seed=3), path())


@pytest.mark.parametrize("sigma", [0.1, 2.0])
def test_noise_is_gaussian_with_the_given_deviation(sigma):
    s = surfaces.get("bowl")
    tr = optimizers.run(optimizers.make("sgd", lr=1e-3), s, steps=4000, noise=sigma, seed=11)
    draws = tr.grads - s.grad(tr.path[:-1])
    assert draws.shape == (4000, 2)
    assert abs(draws.mean()) < 4 * sigma / math.sqrt(draws.size)
    assert draws.std() == pytest.approx(sigma, rel=0.03)
    # The coordinates and the steps are drawn independently.
    assert abs(np.corrcoef(draws[:, 0], draws[:, 1])[0, 1]) < 0.05
    assert abs(np.corrcoef(draws[1:, 0], draws[:-1, 0])[0, 1]) < 0.05


@pytest.mark.parametrize("bad", [-0.1, math.nan, math.inf])
def test_bad_noise_raises(bad):
    with pytest.raises(ValueError, match="noise"):
        optimizers.run(optimizers.make("sgd"), surfaces.get("bowl"), steps=3, noise=bad)


# Direction of the first step: with a tiny learning rate every rule goes downhill.


SMOOTH = [key for key in surfaces.names() if surfaces.get(key).smooth]


#: Rules that descend only under a condition their docstrings state: SAM steps by the gradient at a
#: point ρ away (so ρ must be small too), Newton's step goes downhill where the Hessian is positive
#: definite.
DESCENT_SETTINGS = {"sam": {"rho": 1e-7}}
NEEDS_CONVEX_START = {"newton"}


@pytest.mark.parametrize("surface", SMOOTH)
@pytest.mark.parametrize("key", KEYS)
def test_first_small_step_goes_downhill(key, surface):
    s = surfaces.get(surface)
    rng = np.random.default_rng(5)
    starts = rng.uniform(s.bounds[:, 0], s.bounds[:, 1], size=(64, s.dim))
    starts = starts[np.linalg.norm(s.grad(starts), axis=1) > 1e-2]
    if key in NEEDS_CONVEX_START:
        starts = starts[np.linalg.eigvalsh(s.hessian(starts)).min(axis=1) > 0]
        if not len(starts):
            pytest.skip(f"the Hessian of {surface} is nowhere positive definite (a linear loss)")
    tr = optimizers.run(optimizers.make(key, lr=1e-7, **DESCENT_SETTINGS.get(key, {})), s, start=starts, steps=1)
    assert (tr.diverged_at == -1).all()
    assert (tr.loss[1] < tr.loss[0]).all(), starts[tr.loss[1] >= tr.loss[0]]
