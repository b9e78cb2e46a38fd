"""What a new user hits first, driven through the page with AppTest: custom formulas keep their own
backdrop, a bad formula keeps the last good surface, mangled links fall back to the default race's
values, and the small display rules (code-formatted formulas, swatches, flags in words)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import surfaces
from playground import figures
from playground.experiment import decode

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


def new_app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(e.value for e in at.exception)


def chart(at: AppTest) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no chart on the page"
    return json.loads(charts[0].proto.spec)


def background(spec: dict) -> str:
    images = spec["layout"].get("images") or []
    assert images, "the chart has no shaded backdrop"
    return images[0]["source"]


FORMULAS = [
    "0.5*x**2 + 3*sin(y)**2",
    "x**2 + 10*y**2",
    "  (x - 1)**2   +   2 * (y + 0.5)**2 ",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_custom_formula_is_drawn_over_its_own_backdrop(formula):
    at = new_app(surface="custom", formula=formula, opt="adam:lr=0.05")
    no_exception(at)
    got = background(chart(at))
    s = surfaces.from_formula(formula, bounds=[[-3, 3], [-3, 3]])
    theme = figures.Theme(dark=False, present=False)
    want = figures.backdrop(s, theme).image["source"]
    rosen = figures.backdrop(surfaces.get("rosenbrock"), theme).image["source"]
    assert got != rosen, "the formula is drawn over Rosenbrock's backdrop"
    assert got == want


def test_formula_typed_in_the_sidebar_with_escapes_keeps_its_backdrop():
    """A formula typed with '+', a '%'-escape look-alike label and spaces: the backdrop is the formula's."""
    at = new_app(surface="custom", formula="x**2 + y**2", opt="adam:lr=0.05,label=a%2B b%25 c")
    no_exception(at)
    text = "x**2 +  4*(y - 1)**2"
    at.text_input(key="formula-0").set_value(text).run()
    no_exception(at)
    s = surfaces.from_formula(text, bounds=[[-3, 3], [-3, 3]])
    want = figures.backdrop(s, figures.Theme(dark=False, present=False)).image["source"]
    assert background(chart(at)) == want
    exp, warnings = decode({k: v if isinstance(v, str) else v[0] for k, v in at.query_params.items()})
    assert not warnings and exp.formula == text
    assert exp.entries[0].label == "a+ b% c"
