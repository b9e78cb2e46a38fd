"""Ready-made experiments for a class, each with a short explanation and what to watch.

How a lesson is written
-----------------------
A lesson is data first and prose second, so that a test can measure everything the reader is told:

* ``runs``: the optimizers the lesson races, each under a short name, made with :func:`run`:
  ``adam=run("adam", "Adam", said="Adam", lr=0.001)``. The second argument is the legend label (any
  number in it must be one of that run's hyperparameters); ``said`` is how the prose names it
  (it must contain the optimizer's name, e.g. "RMSprop with momentum" for ``rmsprop``).
* ``numbers``: every number the prose quotes, under a name: a bare float means exactly that value,
  ``about(10, 0.05)`` means "about 10", within 5%.
* ``title``, ``explanation`` and ``watch`` are templates: ``{adam}`` writes that run's ``said`` name,
  ``{ratio}`` writes that number (``1000`` → "1,000", ``1e-10`` → "10⁻¹⁰", ``-1.06`` → "−1.06").
  A sentence that starts with a run's name gets a capital letter.
* The templates hold no numbers of their own, in digits or in words (apart from the constants of a
  formula: ``1 − β``, ``1/…``, ``2/L``, ``float64``)
  and no optimizer names: every optimizer and every number the reader sees comes from ``runs`` and
  ``numbers``. "Momentum" may stand as a word when one of the runs has momentum.

``tests/test_lesson_claims.py`` holds one measurement per lesson that must return a measured value
for every number (and fails on a number it does not measure); it also checks each named run is raced
and that the templates keep to the rules above. ``tests/test_lessons.py`` measures the qualitative
claims (who overshoots, who converges) on the same runs.

The remaining keyword arguments of :func:`lesson` are the experiment's (surface, steps, start,
view, …), exactly as :class:`~playground.model.experiment.Experiment` names them. A lesson's number
is its place in :data:`LESSONS`, written at the head of its title: a title template never types it.
"""

from __future__ import annotations

from dataclasses import replace

from playground.model.lessons import classics, data_lessons, newer
from playground.model.lessons.writing import Lesson, Number, Picture, Run, about, lesson, run, show

__all__ = ["LESSONS", "Lesson", "Number", "Picture", "Run", "about", "find", "lesson", "names", "run", "show"]

# Their order is the order of the lesson list; each lesson's number (in its title) is its place here.
LESSONS: tuple[Lesson, ...] = tuple(
    replace(item, number=number)
    for number, item in enumerate((*classics.LESSONS, *data_lessons.LESSONS, *newer.LESSONS), start=1)
)


def names() -> list[str]:
    return [item.key for item in LESSONS]


def find(key: str) -> Lesson | None:
    for item in LESSONS:
        if item.key == key:
            return item
    return None
