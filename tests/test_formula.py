"""Custom surfaces typed as formulas: exact values and gradients for a table of valid formulas, a
table of hostile inputs refused without running anything, caps and messages, windows and starts,
and fuzzing with random text and random well-formed expressions.
"""

import ast
import builtins
import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import examples

import surfaces
from surfaces import formula

# (formula, dim, NumPy reference taking the coordinate arrays)
VALID = [
    ("0.5*x**2 + 3*sin(y)**2", 2, lambda x, y: 0.5 * x**2 + 3 * np.sin(y) ** 2),
    ("x**2 + 10*y**2", 2, lambda x, y: x**2 + 10 * y**2),
    ("(1-x)**2 + 100*(y-x**2)**2", 2, lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("abs(x) + y**2", 2, lambda x, y: np.abs(x) + y**2),
    ("exp(-x**2-y**2)", 2, lambda x, y: np.exp(-(x**2) - y**2)),
    ("sqrt(x**2 + y**2 + 1)", 2, lambda x, y: np.sqrt(x**2 + y**2 + 1)),
    ("log(1 + x**2 + y**2)", 2, lambda x, y: np.log(1 + x**2 + y**2)),
    ("tanh(x)*cosh(y)", 2, lambda x, y: np.tanh(x) * np.cosh(y)),
    ("arctan(x) + y**4", 2, lambda x, y: np.arctan(x) + y**4),
    ("sinh(x/3) - cos(x*y) + tan(y/2)", 2, lambda x, y: np.sinh(x / 3) - np.cos(x * y) + np.tan(y / 2)),
    ("x/(1 + y**2) + +y", 2, lambda x, y: x / (1 + y**2) + y),
    ("x**y + y", 2, lambda x, y: x**y + y),
    ("2**x + y**2", 2, lambda x, y: 2.0**x + y**2),
    ("y**2", 2, lambda x, y: y**2),
    ("x**2", 1, lambda x: x**2),
    ("-x", 1, lambda x: -x),
    ("e**x", 1, lambda x: np.exp(x)),
    ("pi*x**2", 1, lambda x: np.pi * x**2),
    ("x**-2 + abs(x)**0.5", 1, lambda x: x**-2.0 + np.sqrt(np.abs(x))),
]

# A file the shell command below would create if the text were ever run.
CANARY = "/tmp/optimizer_playground_formula_canary"

HOSTILE = [
    f"__import__('os').system('touch {CANARY}')",
    "__import__('os').system('echo hi')",
    "x.__class__",
    "().__class__.__bases__",
    "().__class__.__bases__[0].__subclasses__()",
    "open('f')",
    "open(x)",
    "eval('1')",
    "lambda: 1",
    "[x for x in y]",
    "x if y else 1",
    "x < y",
    "x and y",
    "not x",
    "'a'*10",
    "b'a'",
    "f'{x}'",
    "x[0]",
    "z + 1",
    "sin(x, y)",
    "sin()",
    "sin(x=1)",
    "sin(*x)",
    "foo(x)",
    "(x+1)(2)",
    "sin",
    "x(2)",
    "9**9**9",
    "x + 9**9**9",
    "x**1000",
    "x**-101",
    "1e400*x",
    "1e7*x",
    "x^2",
    "x // 2",
    "x % 2",
    "x @ y",
    "~x",
    "(x := 1)",
    "{x}",
    "(x, y)",
    "...",
    "None",
    "True*x",
    "2x",
    "0x1f*x",
    "1if x else 2",
    "x # comment",
    "x \\",
    "x" * 250,
    "x" + "+x" * 150,
    "(" * 100 + "x" + ")" * 100,
    "(" * 41 + "x" + ")" * 41,
    "-" * 41 + "x",
    "+".join(["(" + "+".join(["x"] * 20) + ")"] * 4),
    "",
    "   ",
    "1j*x",
    "log(-1-x**2)",
    "sqrt(-1-x**2-y**2)",
    "log(0)*x",
    "x\n+ y",
    "x\r",
    "x\x00",
    "ｘ**2",
    "3",
    "pi*e",
    "x - x",
    "x +",
    "sin(x",
]


def _grid_points(s, rng, n=300):
    return rng.uniform(s.bounds[:, 0], s.bounds[:, 1], size=(n, s.dim))


# --- valid formulas -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "dim", "reference"), VALID, ids=[v[0] for v in VALID])
def test_value_matches_numpy_reference(text, dim, reference):
    s = surfaces.from_formula(text)
    assert isinstance(s, surfaces.Surface)
    assert (s.key, s.name, s.dim) == ("custom", f"Custom: {text}", dim)
    assert s.bounds.shape == (dim, 2)
    # Minima found in the window lie in it, with the reference's value there (tests/test_formula_minima.py
    # checks where they are).
    for point, value in zip(s.minima, s.minimum_values, strict=True):
        assert all(lo <= c <= hi for c, (lo, hi) in zip(point, s.bounds, strict=True))
        assert value == pytest.approx(float(reference(*point)), rel=1e-12, abs=1e-12)
    x = _grid_points(s, np.random.default_rng(0))
    with np.errstate(all="ignore"):
        expected = reference(*(x[:, i] for i in range(dim)))
    np.testing.assert_allclose(s.value(x), expected, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize(("text", "dim", "reference"), VALID, ids=[v[0] for v in VALID])
def test_gradient_matches_central_differences(text, dim, reference):
    s = surfaces.from_formula(text)
    x = _grid_points(s, np.random.default_rng(1))
    x = x[np.isfinite(s.value(x))]
    # Keep clear of the kinks and poles at 0 (abs, x**0.5, x**-2, x**y).
    x = x[np.abs(x).min(axis=1) > 1e-2]
    assert len(x) > 100
    g = s.grad(x)
    fd = np.empty_like(x)
    for i in range(dim):
        h = 1e-6 * np.maximum(1.0, np.abs(x[:, i]))
        xp, xm = x.copy(), x.copy()
        xp[:, i] += h
        xm[:, i] -= h
        fd[:, i] = (s.value(xp) - s.value(xm)) / (xp[:, i] - xm[:, i])
    err = np.abs(fd - g).max(axis=1) / np.maximum(1.0, np.abs(g).max(axis=1))
    worst = int(err.argmax())
    assert err[worst] < 1e-5, f"at {x[worst]}: analytic {g[worst]}, central differences {fd[worst]}"


def test_matches_the_registered_rosenbrock():
    mine = surfaces.from_formula("(1 - x)**2 + 100*(y - x**2)**2")
    theirs = surfaces.get("rosenbrock")
    x = np.random.default_rng(2).uniform(-2, 2, size=(50, 2))
    np.testing.assert_allclose(mine.value(x), theirs.value(x), rtol=1e-14)
    np.testing.assert_allclose(mine.grad(x), theirs.grad(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("text", ["x**2 + 3*y", "x**2"])
def test_shapes_and_dtypes(text):
    s = surfaces.from_formula(text)
    pts = _grid_points(s, np.random.default_rng(3), n=24)
    for shape in [(), (24,), (4, 6)]:
        x = pts.reshape((*shape, s.dim)) if shape else pts[0]
        value, grad = s.value(x), s.grad(x)
        assert np.shape(value) == shape and np.shape(grad) == (*shape, s.dim)
        assert np.asarray(value).dtype == np.float64 and grad.dtype == np.float64
        flat = x.reshape(-1, s.dim)
        np.testing.assert_array_equal(value, np.array([s.value(p) for p in flat]).reshape(shape))
        np.testing.assert_array_equal(grad, np.array([s.grad(p) for p in flat]).reshape((*shape, s.dim)))
    np.testing.assert_array_equal(s.grad(pts[0].tolist()), s.grad(pts[0]))
    with pytest.raises(ValueError, match="coordinate"):
        s.value(np.zeros((3, s.dim + 1)))


def test_gradient_conventions_at_kinks_and_overflow():
    s = surfaces.from_formula("abs(x) + y**2")
    np.testing.assert_array_equal(s.grad([0.0, 1.0]), [0.0, 2.0])  # sign(0) = 0
    cone = surfaces.from_formula("sqrt(x**2 + y**2)")
    assert cone.value([0.0, 0.0]) == 0.0
    np.testing.assert_array_equal(cone.grad([0.0, 0.0]), [0.0, 0.0])  # 0/0 at the tip: a resting point
    saturated = surfaces.from_formula("tanh(exp(exp(exp(x))))")
    assert saturated.value([3.0]) == 1.0
    np.testing.assert_array_equal(saturated.grad([3.0]), [0.0])  # the true slope underflows to 0
    # Where the value is not finite the gradient is left alone.
    half = surfaces.from_formula("sqrt(x) + y**2")
    assert np.isnan(half.value([-1.0, 0.0])) and np.isnan(half.grad([-1.0, 0.0])[0])


def test_evaluation_is_warning_free_even_where_not_finite():
    s = surfaces.from_formula("log(x) + 1/y + sqrt(x*y) + x**y", bounds=[[0.5, 3], [0.5, 3]])
    x = np.array([[0.0, 0.0], [-1.0, -2.0], [1e300, 1e-300], [2.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value, grad = s.value(x), s.grad(x)
    assert not np.isfinite(value[:2]).any() and np.isfinite(value[3]) and np.isfinite(grad[3]).all()


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("0.5*x**2 + 3*sin(y)**2", r"f(x, y) = 0.5\,x^{2} + 3\,\sin\left(y\right)^{2}"),
        ("(1-x)**2 + 100*(y-x**2)**2", r"f(x, y) = \left(1 - x\right)^{2} + 100\,\left(y - x^{2}\right)^{2}"),
        ("exp(-x**2-y**2)", r"f(x, y) = e^{-x^{2} - y^{2}}"),
        ("sqrt(x**2 + y**2 + 1)", r"f(x, y) = \sqrt{x^{2} + y^{2} + 1}"),
        ("abs(x)/(1 + log(1 + y**2))", r"f(x, y) = \frac{\left|x\right|}{1 + \ln\left(1 + y^{2}\right)}"),
        ("pi*x**2", r"f(x) = \pi\,x^{2}"),
        ("e**x - (-x)**3", r"f(x) = e^{x} - \left(-x\right)^{3}"),
        ("2*3*x - -y + 1e-5*y", r"f(x, y) = 2 \cdot 3\,x - \left(-y\right) + 10^{-5}\,y"),
    ],
)
def test_latex(text, latex):
    assert surfaces.from_formula(text).latex == latex


def test_not_registered_and_exported():
    assert "custom" not in surfaces.REGISTRY
    assert "from_formula" in surfaces.__all__ and surfaces.from_formula is formula.from_formula


def test_smooth_flag():
    assert surfaces.from_formula("x**2 + exp(y) + 2**x").smooth is True
    for text in ["abs(x) + y", "sqrt(x**2 + y**2)", "x**0.5 + y", "x**y"]:
        assert surfaces.from_formula(text).smooth is False, text


# --- hostile and invalid input ------------------------------------------------------------------


def _read_guarded(text, monkeypatch):
    """from_formula(text), failing loudly if anything is evaluated, executed, opened or imported meanwhile."""
    imported: list[str] = []
    real_compile, real_import = builtins.compile, builtins.__import__

    def refuse(*args, **kwargs):
        raise AssertionError(f"user text was run: {args!r}")

    def only_ast(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError(f"compiled to code: {source!r}")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def record_import(name, *args, **kwargs):
        imported.append(name)
        return real_import(name, *args, **kwargs)

    with monkeypatch.context() as patch:
        for name in ("eval", "exec", "open", "breakpoint", "input"):
            patch.setattr(builtins, name, refuse)
        patch.setattr(builtins, "compile", only_ast)
        patch.setattr(builtins, "__import__", record_import)
        try:
            return surfaces.from_formula(text)
        finally:
            patch.undo()
            # NumPy may import its own helpers lazily; nothing else may be imported.
            foreign = [m for m in imported if m.split(".")[0] != "numpy"]
            assert foreign == [], f"imports while reading {text!r}: {foreign}"


@pytest.mark.parametrize("text", HOSTILE, ids=[repr(t[:30]) for t in HOSTILE])
def test_hostile_input_is_refused_without_running_it(text, monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as err:
            _read_guarded(text, monkeypatch)
    assert not os.path.exists(CANARY)
    message = str(err.value)
    assert message and "\n" not in message and len(message) < 300


RUNNERS = [lambda t: eval(t), lambda t: exec(t), lambda t: compile(t, "<f>", "eval"), lambda t: __import__(t)]


@pytest.mark.parametrize("runner", [*RUNNERS, lambda t: open(t)])
def test_the_guard_would_notice(runner, monkeypatch):
    monkeypatch.setattr(surfaces, "from_formula", runner)
    with pytest.raises(AssertionError):
        _read_guarded("os", monkeypatch)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("__import__('os').system('echo hi')", "position 1: '__import__' is not allowed: use only x, y, numbers"),
        ("x + open(1)", "position 5: 'open' is not allowed"),
        ("  x ^ 2", "position 5: '^' is not a power in Python (it means xor); write x**2"),
        ("x.__class__", "position 3: '__class__' is not allowed"),
        ("x[0]", "position 2: indexing"),
        ("x if y else 1", "position 3: a conditional"),
        ("x < y", "position 3: comparisons ('<')"),
        ("x and y", "position 3: 'and' is not allowed"),
        ("lambda: 1", "position 1: 'lambda' is not allowed"),
        ("'a'*10", "position 1: strings are not allowed"),
        ("sin(x, y)", "position 1: sin takes exactly one argument, found 2"),
        ("sin(x=1)", "position 5: keyword arguments ('x=1')"),
        ("x // 2", "position 3: '//' is not allowed (write / for division)"),
        ("9**9**9", "position 4: the exponent 9**9 = 3.8742e+08 is too large (at most 100"),
        ("x**1000", "position 4: the exponent 1000 is too large"),
        ("1e400*x", "position 1: the number 1e400 is too large"),
        ("1j*x", "position 1: complex numbers ('1j')"),
        ("2x", "position 1: '2x' is not a number; write a product with *, as in 2*x"),
        ("log(0)*x", "position 1: log(0) is not a finite number (-inf)"),
        ("x" * 250, "the formula is 250 characters long; at most 200 are allowed"),
        ("(" * 41 + "x" + ")" * 41, "position 41: brackets are nested more than 40 deep"),
        ("-" * 41 + "x", "position 41: the formula is nested too deeply (more than 40"),
        ("+".join(["(" + "+".join(["x"] * 20) + ")"] * 4), "the formula has too many parts (more than 150)"),
        ("", "the formula is empty"),
        ("x\n+ y", "the formula must be a single line"),
        ("pi*e", "the formula must use x"),
        ("x - x", "the formula is constant"),
        ("sin(x", "position 4: '(' was never closed"),
        ("log(-1-x**2)", "the formula is not finite (nan or inf) on 100% of the window x ∈ [-3, 3]"),
    ],
)
def test_messages_name_the_offending_part(text, expected):
    with pytest.raises(ValueError) as err:
        surfaces.from_formula(text)
    assert str(err.value).startswith(expected), str(err.value)


def test_caps_are_the_documented_ones():
    assert (formula.MAX_CHARS, formula.MAX_DEPTH, formula.MAX_NODES) == (200, 40, 150)
    assert (formula.MAX_NUMBER, formula.MAX_EXPONENT, formula.MAX_BOUND) == (1e6, 100, 1e4)
    surfaces.from_formula("x" + " " * 198 + "")  # 199 characters is fine
    surfaces.from_formula("x**100 + 1e6*y")


# --- window and start ---------------------------------------------------------------------------


def test_default_window_and_start():
    s = surfaces.from_formula("x**2 + y**2")
    np.testing.assert_array_equal(s.bounds, [[-3, 3], [-3, 3]])
    assert s.default_start == (-2.1, 2.1)  # 70% of the way to the top-left corner
    one = surfaces.from_formula("x**2", bounds=[[0, 4]])
    assert one.default_start == (3.4,)  # 70% of the way to the right edge


def test_one_dimensional_bounds_take_the_first_row():
    for bounds in ([[-1, 2]], [[-1, 2], [-5, 5]], [-1, 2]):
        s = surfaces.from_formula("x**2", bounds=bounds)
        np.testing.assert_array_equal(s.bounds, [[-1, 2]])


def test_default_start_moves_to_where_the_formula_is_finite():
    s = surfaces.from_formula("sqrt(x) + y**2")  # undefined for x < 0, where the top-left corner is
    assert s.default_start == (2.1, 2.1)
    assert np.isfinite(s.value(s.default_start))
    # Infinite at x = ±2.1, where all four corner candidates lie: the nearest finite grid point wins.
    poles = surfaces.from_formula("1/(x + 2.1) + 1/(x - 2.1) + y**2")
    start = poles.default_start
    assert abs(abs(start[0]) - 2.1) > 0.1 and abs(start[1] - 2.1) < 0.2, start
    assert np.isfinite(poles.value(start)) and np.isfinite(poles.grad(start)).all()


def test_given_start():
    s = surfaces.from_formula("x**2 + y**2", bounds=[[-1, 1], [0, 2]], start=(0.5, 1.5))
    assert s.default_start == (0.5, 1.5)
    assert surfaces.from_formula("x**2", start=[1]).default_start == (1.0,)


@pytest.mark.parametrize(
    ("bounds", "start", "match"),
    [
        ([[3, -3], [-3, 3]], None, "low < high"),
        ([[-3, 3], [1, 1]], None, "low < high"),
        ([[-math.inf, 3], [-3, 3]], None, "finite"),
        ([[-3, math.nan], [-3, 3]], None, "finite"),
        ([[-2e4, 3], [-3, 3]], None, "within ±10000"),
        ([[-3, 3]], None, "two rows"),
        ([[-3, 3, 4], [-3, 3]], None, "two rows"),
        ([["-3", 3], [-3, 3]], None, "two rows"),
        (None, None, "bounds must be"),
        ([[-3, 3], [-3, 3]], (5, 0), "inside the window"),
        ([[-3, 3], [-3, 3]], (0,), "2 number"),
        ([[-3, 3], [-3, 3]], (math.nan, 0), "inside the window"),
        ([[-3, 3], [-3, 3]], "ab", "2 number"),
        ([[-3, 3], [-3, 3]], (-1, 0), "not finite at the start"),
    ],
)
def test_bad_windows_and_starts(bounds, start, match):
    with pytest.raises(ValueError, match=match):
        surfaces.from_formula("sqrt(x) + y**2", bounds=bounds, start=start)


# --- fuzzing ------------------------------------------------------------------------------------


def _check_outcome(text):
    """from_formula gives a usable Surface or a ValueError with a message; nothing else, no warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            s = surfaces.from_formula(text)
        except ValueError as err:
            assert str(err) and "\n" not in str(err)
            return None
        x = np.random.default_rng(len(text)).uniform(s.bounds[:, 0], s.bounds[:, 1], size=(64, s.dim))
        x = np.concatenate([x, [s.default_start]])
        value, grad = s.value(x), s.grad(x)
    assert value.shape == (65,) and grad.shape == (65, s.dim)
    finite = np.isfinite(value)
    assert finite[-1], "the default start must be finite"
    assert np.isfinite(grad[finite]).all()
    assert isinstance(s.latex, str) and s.latex.startswith("f(x")
    return s


FUZZ = settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=60))
def test_fuzz_random_text(text):
    _check_outcome(text)


@FUZZ
@given(st.text(alphabet="xy0123456789.e+-*/()^ sincotaxplgqrbhpi_,", max_size=40))
def test_fuzz_formula_like_text(text):
    _check_outcome(text)


# x and y come up often so that most expressions depend on them.
_ATOMS = st.sampled_from(["x", "y", "x", "y", "x", "pi", "e", "0", "1", "2", "0.5", "3.7", "100", "1e-3", "1e6", "1e7"])


def _compound(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**"]), children).map(lambda t: f"({''.join(t)})"),
        st.tuples(st.sampled_from(formula.FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"-{c}"),
    )


EXPRESSIONS = st.recursive(_ATOMS, _compound, max_leaves=12)


@FUZZ
@given(EXPRESSIONS)
def test_fuzz_well_formed_expressions(text):
    _check_outcome(text)


@FUZZ
@given(EXPRESSIONS, st.sampled_from(["__import__", ".real", "'", "[0]", "^", " if ", "lambda:", "(", ")", ",", "="]),
       st.integers(0, 200))
def test_fuzz_expressions_with_something_inserted(text, junk, at):
    at = at % (len(text) + 1)
    _check_outcome(text[:at] + junk + text[at:])
