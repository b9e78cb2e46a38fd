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
* The templates hold no numbers of their own, in digits or in words (apart from the lesson's number
  at the head of the title and the constants of a formula: ``1 − β``, ``1/…``, ``2/L``, ``float64``)
  and no optimizer names: every optimizer and every number the reader sees comes from ``runs`` and
  ``numbers``. "Momentum" may stand as a word when one of the runs has momentum.

``tests/test_lesson_claims.py`` holds one measurement per lesson that must return a measured value
for every number (and fails on a number it does not measure); it also checks each named run is raced
and that the templates keep to the rules above. ``tests/test_lessons.py`` measures the qualitative
claims (who overshoots, who converges) on the same runs.

The remaining keyword arguments of :func:`lesson` are the experiment's (surface, steps, start,
view, …), exactly as :class:`~playground.model.experiment.Experiment` names them.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from playground.model.experiment import Entry, Experiment, Schedule


@dataclass(frozen=True)
class Number:
    """A number the text quotes: ``value``, and how loosely the text means it (relative)."""

    value: float
    within: float = 0.0


def about(value: float, within: float) -> Number:
    return Number(float(value), within)


@dataclass(frozen=True)
class Run:
    """One optimizer of a lesson: the entry it races and the words the prose names it by."""

    entry: Entry
    said: str


def run(optimizer: str, label: str = "", said: str = "", **hyper: Any) -> Run:
    return Run(Entry(optimizer, tuple(sorted(hyper.items())), label), said or label)


def show(value: float) -> str:
    """A number the way the lessons write it."""
    v = float(value)
    sign = "−" if v < 0 else ""
    v = abs(v)
    if v != 0 and v < 1e-4:
        exponent = round(math.log10(v))
        if math.isclose(v, 10.0**exponent, rel_tol=1e-12):
            return sign + "10" + str(exponent).translate(_SUPERSCRIPT)
        return sign + f"{v:g}"
    if v == int(v):
        return sign + f"{int(v):,}"
    return sign + f"{v:g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class _Writer(string.Formatter):
    def __init__(self, runs: Mapping[str, Run], numbers: Mapping[str, Number]):
        self.runs, self.numbers = runs, numbers

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if key in self.runs:
            return self.runs[key].said
        if key in self.numbers:
            return self.numbers[key].value
        raise KeyError(f"the text names {{{key}}}, which is neither a run nor a number of the lesson")

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, float) and not format_spec:
            return show(value)
        return super().format_field(value, format_spec)


def _capitalise_sentences(text: str) -> str:
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


@dataclass(frozen=True)
class Lesson:
    key: str
    experiment: Experiment
    runs: Mapping[str, Run]
    numbers: Mapping[str, Number]
    templates: Mapping[str, str] = field(default_factory=dict)  # title, explanation, watch

    def write(self, template: str) -> str:
        return _capitalise_sentences(_Writer(self.runs, self.numbers).format(template))

    @property
    def title(self) -> str:
        return self.write(self.templates["title"])

    @property
    def explanation(self) -> str:
        return self.write(self.templates["explanation"])

    @property
    def watch(self) -> str:
        return self.write(self.templates["watch"])

    def named_runs(self) -> set[str]:
        """The runs the title, explanation and watch text name."""
        found = set()
        for template in self.templates.values():
            for _, key, _, _ in string.Formatter().parse(template):
                if key in self.runs:
                    found.add(key)
        return found


def lesson(key: str, title: str, *, runs: Mapping[str, Run], explanation: str, watch: str,
           numbers: Mapping[str, float | Number] | None = None, surface: str,
           params: Mapping[str, float] | None = None, **experiment: Any) -> Lesson:
    """A lesson from its data; ``experiment`` holds the remaining :class:`Experiment` fields."""
    nums = {name: n if isinstance(n, Number) else Number(float(n)) for name, n in (numbers or {}).items()}
    overlap = set(nums) & set(runs)
    if overlap:
        raise ValueError(f"{key}: {sorted(overlap)} name both a run and a number")
    exp = Experiment(surface=surface, surface_params=tuple(sorted((params or {}).items())),
                     entries=tuple(r.entry for r in runs.values()), lesson=key, **experiment)
    templates = {"title": title, "explanation": explanation, "watch": watch}
    made = Lesson(key, exp, MappingProxyType(dict(runs)), MappingProxyType(nums), MappingProxyType(templates))
    for template in templates.values():
        made.write(template)  # a misspelt placeholder fails at import, not in front of a class
    return made


LESSONS: tuple[Lesson, ...] = (
    lesson(
        "constant-slope",
        "1. A constant slope: {adam} cruises, momentum accelerates",
        surface="slope", steps=250, start=(2.0,),
        runs={
            "adam": run("adam", "Adam", lr=0.001, eps=1e-10),
            "rms": run("rmsprop", "RMSprop + momentum 0.9", said="RMSprop",
                       lr=0.001, rho=0.9, momentum=0.9, eps=1e-10),
        },
        numbers={"start": 2.0, "lr": 0.001, "keep": 90.0, "mu": 0.9, "ratio": about(10, 0.05), "kink": 0.0},
        explanation=(
            "Both balls start at x = {start} on a slope whose gradient never changes, with the same learning "
            "rate, {lr}. {adam} divides an average gradient by the root of an average squared gradient; on a "
            "constant slope the averages agree, so every step is the learning rate, from the first step to "
            "the last. {rms} with momentum also divides by the gradient's RMS, but then adds the result into a "
            "velocity that keeps {keep}% of itself each step. The velocity adds up a geometric series, each "
            "term {mu} times the one before, so the step grows towards 1/(1 − {mu}) = {ratio} times the learning "
            "rate."
        ),
        watch=(
            "The lower panel: {adam}'s line is straight from the start; {rms}'s bends downwards as it speeds "
            "up and settles at about {ratio} times {adam}'s speed, so it reaches the kink at {kink} long before "
            "{adam}."
        ),
    ),
    lesson(
        "changing-direction",
        "2. Changing direction: who overshoots, who comes back",
        # The window frames the kink: the overshoots differ by hundredths, invisible over the whole slope.
        surface="slope", steps=400, start=(2.0,), bounds=((-0.15, 0.15),),
        runs={
            "adam": run("adam", "Adam (lr 0.01)", said="Adam", lr=0.01, eps=1e-10),
            "rms": run("rmsprop", "RMSprop + momentum (lr 0.001)", said="RMSprop",
                       lr=0.001, rho=0.9, momentum=0.9, eps=1e-10),
        },
        numbers={"gentle": 10.0, "beta2": 0.999, "memory": 1000.0, "rho": 0.9, "rms_memory": 10.0},
        explanation=(
            "The learning rates are chosen so both balls arrive at the kink with the same speed ({adam}'s "
            "learning rate equals {rms}'s divided by one minus its momentum). Past the kink the ground rises "
            "gently, with a slope {gentle} times smaller than the one they came down. {adam}'s first moment "
            "forgets the old downhill gradient within a few dozen steps, but its second moment (β₂ = {beta2}) "
            "remembers it for about {memory} steps: it keeps dividing the new, small gradient by a large number, "
            "so its steps back are tiny. {rms}'s average (ρ = {rho}) adapts within about {rms_memory} steps and "
            "rescales the gentle slope up to a full-size step."
        ),
        watch=(
            "How far left each ball travels before turning ({adam} goes further), and how long each takes to "
            "climb back to the kink ({adam} takes several times longer)."
        ),
    ),
    lesson(
        "bias-correction",
        "3. Bias correction in {adam}",
        surface="slope", steps=200, start=(2.0,),
        runs={
            "adam": run("adam", "Adam (bias-corrected)", said="Adam", lr=0.01, eps=1e-10),
            "raw": run("adam", "Adam without bias correction", lr=0.01, bias_correction=False, eps=1e-10),
        },
        numbers={"first_share": 10.0, "second_share": 0.1, "cut": 0.1, "root": about(0.032, 0.02),
                 "lurch": about(3.2, 0.02), "eps": 1e-10},
        explanation=(
            "{adam}'s averages start at zero, so early on they are too small: after one step the gradient "
            "average holds only {first_share}% of the gradient (1 − β₁) and the squared-gradient average only "
            "{second_share}% of its square (1 − β₂). Dividing by 1 − βᵗ undoes that shrinkage exactly. Without "
            "it the biases do not cancel: the numerator is cut by {cut} but the denominator by √(1 − β₂) ≈ "
            "{root}, so the first step is about {lurch} times too long, and it keeps growing for a while because "
            "the squared-gradient average fills up far more slowly. (ε is set to {eps} in both runs, so it does "
            "not blur the picture.)"
        ),
        watch=(
            "The corrected run steps exactly the learning rate from the first step. The uncorrected one lurches "
            "ahead with steps several times longer, then slows down as its squared-gradient average catches up."
        ),
    ),
    lesson(
        "oblong-bowl",
        "4. The oblong bowl: zig-zags, momentum and per-axis scaling",
        surface="bowl", params={"a": 1.0, "b": 25.0}, steps=150,
        runs={
            "gd": run("sgd", "Gradient descent", said="gradient descent", lr=0.07),
            "mom": run("ema_momentum", "Momentum (β = 0.9)", said="momentum", lr=0.07, beta=0.9),
            "rms": run("rmsprop", "RMSprop", lr=0.03),
        },
        numbers={"steep": 25.0},
        explanation=(
            "The bowl is {steep} times steeper across (y) than along (x). {gd} with a learning rate big enough "
            "to make progress along x overshoots across y on every step: the y coordinate flips sign each time. "
            "Averaging the gradients ({mom}) lets the alternating y-components cancel while the steady "
            "x-components add up. {rms} instead divides each coordinate by its own recent gradient size, so "
            "both axes get steps of similar length and the path heads straight for the middle."
        ),
        watch=(
            "{gd}'s sawtooth across the valley; {mom}'s smooth, slower swing; {rms}'s first steps running "
            "diagonally, equally long in x and in y."
        ),
    ),
    lesson(
        "learning-rate",
        "5. Learning rate: too small, good, too large",
        surface="bowl", params={"a": 1.0, "b": 25.0}, steps=200,
        runs={
            "small": run("sgd", "lr 0.01 (too small)", said="gradient descent", lr=0.01),
            "good": run("sgd", "lr 0.077 (good)", said="gradient descent", lr=0.077),
            "large": run("sgd", "lr 0.085 (too large)", said="gradient descent", lr=0.085),
        },
        numbers={"L": 25.0, "limit": 0.08, "lr_small": 0.01, "lr_good": 0.077, "lr_large": 0.085},
        explanation=(
            "On a quadratic, one step of {good} multiplies the distance along each axis by (1 − lr·curvature). "
            "The steepest axis here has curvature L = {L}, so the multiplier is below one in size only while "
            "lr < 2/L = {limit}. Just under the limit the run zig-zags but converges; just over it every step "
            "overshoots by more than the last, and the run blows up. Far below the limit it is safe but slow "
            "along the gentle axis."
        ),
        watch=(
            "The {lr_large} run leaves the window and is marked as diverged; the {lr_small} run is still far "
            "from the centre when the {lr_good} run has arrived."
        ),
    ),
    lesson(
        "local-minima",
        "6. Local minima: {mom} carries the ball over the ridge",
        surface="double_well", steps=600,
        runs={
            "gd": run("sgd", "Gradient descent", said="gradient descent", lr=0.02),
            "mom": run("momentum", "Momentum 0.9", said="momentum", lr=0.005, momentum=0.9),
        },
        numbers={"basins": 2.0, "shallow": about(0.93, 0.006), "deep": about(-1.06, 0.005)},
        explanation=(
            "The surface has {basins} basins: a shallow one on the right and a deeper one on the left, with a "
            "low ridge between them. Both balls are released on the right. {gd} only ever moves downhill, so "
            "it stops in the first basin it reaches. {mom} arrives there with speed to spare, rolls up over "
            "the ridge and settles in the deeper basin."
        ),
        watch=(
            "Where each path ends: {gd} in the shallow basin near x ≈ {shallow}, {mom} in the deep one near "
            "x ≈ {deep}."
        ),
    ),
    lesson(
        "adagrad-vs-rmsprop",
        "7. {ada}'s shrinking steps against {rms}'s leaky average",
        surface="slope", steps=2000, start=(2.0,),
        runs={
            "ada": run("adagrad", "AdaGrad", lr=0.01),
            "rms": run("rmsprop", "RMSprop", lr=0.01),
        },
        numbers={"at": 1000.0, "shrink": about(30, 0.1), "steps": 2000.0},
        explanation=(
            "{ada} divides by the root of the sum of all squared gradients so far. On a constant slope that sum "
            "grows like t, so the step shrinks like lr/√t and never recovers: after {at} steps it is about "
            "{shrink} times shorter than the first. {rms} replaces the sum by a leaky average, which stays the "
            "size of a recent squared gradient, so its steps do not fade."
        ),
        watch=("{rms} reaches the kink early and waits there; {ada} is still creeping down the slope after {steps} "
               "steps."),
    ),
    lesson(
        "rosenbrock",
        "8. The Rosenbrock valley",
        surface="rosenbrock", steps=1000,
        runs={
            "gd": run("sgd", "Gradient descent", said="gradient descent", lr=0.001),
            "adam": run("adam", "Adam", lr=0.05),
            "rms": run("rmsprop", "RMSprop", lr=0.01),
        },
        numbers={"min_x": about(1, 0.1), "min_y": about(1, 0.1)},
        explanation=(
            "Rosenbrock's valley is steep-walled and curved, with an almost flat floor. {gd} has to keep its "
            "learning rate small enough for the walls, and then the floor's tiny slope moves it only a little "
            "per step. Adaptive methods such as {adam} and {rms} rescale each coordinate by its recent gradient "
            "size, so the small slope along the floor still produces a useful step."
        ),
        watch=(
            "All runs drop into the valley quickly; then {gd} crawls along the floor while {adam} follows the "
            "bend almost to the minimum at ({min_x}, {min_y})."
        ),
    ),
    lesson(
        "adam-hovers",
        "9. {adam} does not always converge",
        surface="bowl", params={"a": 1.0, "b": 25.0}, steps=3000, view="curves",
        runs={
            "adam": run("adam", "Adam (β₂ = 0.99)", said="Adam", lr=0.05, beta2=0.99),
            "mom": run("momentum", "SGD with momentum 0.9", said="SGD with momentum", lr=0.01, momentum=0.9),
        },
        numbers={"beta2": 0.99, "effective": 5e6, "limit": 0.08, "jump": about(1300, 0.1),
                 "default_beta2": 0.999, "steps": 3000.0},
        explanation=(
            "With a constant learning rate {adam}'s step is lr times a ratio of averages, m̂/(√v̂ + ε). Here "
            "the squared-gradient average forgets quickly (β₂ = {beta2}). For a while {adam} homes in on the "
            "minimum as fast as {mom} does. But once the gradient is about as small as ε, the denominator is "
            "ε alone and the effective learning rate becomes lr/ε = {effective}, while the steep axis is stable "
            "only below 2/L = {limit}: the run is flung back out and from then on wanders around the minimum "
            "without settling. The step of {mom} is proportional to the gradient itself, so it keeps shrinking and "
            "the run converges to the limit of float64. (With the default β₂ = {default_beta2} the averages "
            "forget slowly enough that {adam} settles on this noise-free bowl within {steps} steps: try it.)"
        ),
        watch=(
            "The curves: both losses fall together on the log scale until {adam}'s jumps back up, around step "
            "{jump}, and never comes down again, while the loss of {mom} keeps falling."
        ),
    ),
    lesson(
        "feature-scale",
        "10. Feature scale makes the oblong bowl",
        surface="linear_regression", params={"feature_scale": 10.0}, steps=300,
        runs={
            "gd": run("sgd", "Gradient descent", said="gradient descent", lr=0.0095),
            "adam": run("adam", "Adam", lr=0.05),
        },
        numbers={"scale": 10.0, "condition": about(100, 1e-6), "round": 1.0},
        explanation=(
            "A line is fitted to the points, and the loss is the mean squared error over its slope and its "
            "intercept. The feature is the same as in a round bowl, only multiplied by {scale}, as if measured in "
            "smaller units: the loss now curves {condition} times more steeply along the slope than along the "
            "intercept. Nothing about the problem changed but the units, and the bowl is oblong. {gd} needs a "
            "learning rate small enough for the steep direction, so the slope jumps from one side of the fit to "
            "the other on every step while the intercept creeps. {adam} divides each coordinate by its own "
            "gradient size and heads for the fit almost straight. Set the feature scale back to {round} in the "
            "sidebar: the bowl turns round and {gd} goes straight too. Rescaling the features is the cheap fix."
        ),
        watch=(
            "{gd}'s sawtooth across the narrow direction of the bowl, and {adam}'s smooth path to the fit."
        ),
    ),
    lesson(
        "minibatch-noise",
        "11. Mini-batch noise",
        surface="linear_regression", steps=300, batch_size=8, seeds=16, view="curves",
        runs={
            "const": run("sgd", "Gradient descent, constant learning rate",
                         said="gradient descent at a constant learning rate", lr=0.1),
            "decay": Run(Entry("sgd", (("lr", 0.1),), "Gradient descent, decaying learning rate",
                               schedule=Schedule("inv_sqrt")),
                         "gradient descent with a decaying learning rate"),
        },
        numbers={"batch": 8.0, "n": 64.0, "seeds": 16.0, "one": 1.0, "wider": about(27, 0.05),
                 "settle": about(6, 0.1)},
        explanation=(
            "Each step's gradient comes from a mini-batch of {batch} of the {n} points, drawn without "
            "replacement and reshuffled on every pass through the data. It points downhill on average but not "
            "exactly, and near the fit the batch-to-batch noise is as large as the gradient itself. {const} "
            "therefore never settles: it keeps wandering around the fit by an amount set by the learning rate. "
            "{decay} shrinks its learning rate like 1/√t, and its wandering shrinks with it: over the last steps "
            "it stays about {settle} times closer to the fit. The curves show {seeds} seeds of the batches as a "
            "band. Smaller batches are noisier: at a batch of {one} the final loss spreads about {wider} times "
            "more across seeds than at {batch}, and with all {n} points every seed runs the same path."
        ),
        watch=(
            "The loss band of {const} levels off above the minimum and stays wide; the band of {decay} keeps "
            "falling and narrowing. Try other batch sizes in the sidebar."
        ),
    ),
    lesson(
        "adam-fails-online",
        "12. {adam} can fail to converge",
        surface="reddi", params={"C": 3.0}, steps=1000,
        runs={
            "adam": Run(Entry("adam", (("beta1", 0.0), ("beta2", 0.1), ("lr", 0.5)), "Adam",
                              schedule=Schedule("inv_sqrt")), "Adam"),
            "ams": Run(Entry("adam", (("amsgrad", True), ("beta1", 0.0), ("beta2", 0.1), ("lr", 0.5)),
                             "Adam with AMSGrad", schedule=Schedule("inv_sqrt")), "Adam with AMSGrad"),
        },
        numbers={"cycle": 3.0, "C": 3.0, "best": -1.0, "worst": 1.0, "beta1": 0.0, "beta2": 0.1},
        explanation=(
            "An online problem of Reddi, Kale and Kumar: the loss changes with the step. Once in every {cycle} "
            "steps it is C·x with C = {C}, on the other steps it is −x, and x is kept between {best} and {worst}. "
            "Over a cycle the large gradient outweighs the small ones, so the best fixed point is x = {best}. Both "
            "runs use "
            "β₁ = {beta1}, β₂ = {beta2} (chosen from C as in the paper) and a learning rate shrinking like "
            "1/√t. The squared-gradient average of {adam} forgets the rare large gradient within a step or so, "
            "so the step it takes on that gradient is hardly longer than each of the steps the other way: it "
            "drifts to x = {worst}, the worst point. {ams} divides by the largest average seen so far, so its "
            "steps on the small gradients stay small, and it goes to x = {best}."
        ),
        watch="The ball of {adam} climbs to the right end, x = {worst}; {ams} settles at the left end, x = {best}.",
    ),
    lesson(
        "separable-classes",
        "13. Separable classes: weights that grow without end",
        surface="logistic_regression", params={"separation": 6.0, "l2": 0.0}, steps=2000,
        runs={
            "gd": run("sgd", "Gradient descent", said="gradient descent", lr=1.0),
            "adam": run("adam", "Adam", lr=0.05),
        },
        numbers={"l2": 0.01},
        explanation=(
            "The points come in a pair of classes, split by a boundary through the origin with weights w. A "
            "line through the origin separates these points, so making w longer along that line's normal pushes "
            "every point further to its own side and lowers the mean logistic loss, without end: the loss has no "
            "minimum. {gd} and {adam} keep lengthening w while its direction settles; the boundary stops turning, "
            "the weights never stop growing. That is why separable data needs a penalty or early stopping. Set "
            "the weight λ of the ridge term on ‖w‖² to {l2} in the sidebar: the term makes a minimum, and both "
            "runs converge to it."
        ),
        watch="Both paths run out towards the upper right and keep going: w grows, its direction turns less and less.",
    ),
    lesson(
        "turned-bowl",
        "14. A turned bowl: scaling per coordinate loses its edge, the full matrix does not",
        surface="bowl", params={"a": 1.0, "b": 25.0, "angle": 45.0}, steps=300,
        runs={
            "rms": run("rmsprop", "RMSprop", lr=0.03),
            "adam": run("adam", "Adam", lr=0.05),
            "full": run("adagrad_full", "Full-matrix AdaGrad", said="full-matrix AdaGrad", lr=0.5),
            "newton": run("newton", "Newton", lr=1.0),
        },
        numbers={"angle": 45.0, "tol": 1e-6, "rms_flat": 164.0, "adam_flat": 170.0, "steps": 300.0,
                 "full_steps": 101.0, "newton_steps": 1.0},
        explanation=(
            "The same oblong bowl as before, turned by {angle}°, so its steep and gentle directions no longer "
            "line up with the coordinates. {rms} and {adam} rescale each coordinate on its own: that undoes the "
            "oblong shape only when the shape lies along the axes. Unturned, {rms} gets the loss below {tol} "
            "in {rms_flat} steps and {adam} in {adam_flat}; turned, neither gets there within {steps}. "
            "{full} keeps the whole matrix of gradient products, and {newton} divides by the whole matrix of "
            "second derivatives: neither cares which way the bowl points. Their paths on the turned bowl are "
            "their unturned paths, turned: {full_steps} steps for {full}, {newton_steps} for {newton}, either way."
        ),
        watch="{rms} and {adam} zig-zag along the turned valley; {full} heads straight in, {newton} lands at once.",
    ),
    lesson(
        "newton-rosenbrock",
        "15. {newton} in the banana valley",
        surface="rosenbrock", start=(-1.2, 1.0), steps=60,
        runs={
            "newton": run("newton", "Newton", lr=1.0),
            "damped": run("newton", "Newton, damping 10", said="damped Newton", lr=1.0, damping=10.0),
        },
        numbers={"arrive": 6.0, "peak": about(1412, 0.01), "start_loss": about(24.2, 0.01), "lam": 10.0,
                 "left": about(0.12, 0.05)},
        explanation=(
            "{newton} divides the gradient by the curvature: on a quadratic bowl the first step lands on the "
            "minimum. Rosenbrock's valley is no quadratic. Here {newton} is at the minimum after {arrive} "
            "steps, but on the way its second step jumps uphill, from a loss of {start_loss} at the start to "
            "{peak}: the local quadratic model it trusts is wrong far from the valley floor. {damped} adds "
            "λ = {lam} to the curvature before dividing: shorter steps that never go uphill here, and slower, "
            "still {left} from the minimum at the end. At a saddle the curvature is negative along one direction, "
            "and an undamped step heads for the saddle itself (try the saddle surface)."
        ),
        watch="The first path leaps off the valley and back; the damped one creeps along the floor.",
    ),
    lesson(
        "sharp-flat",
        "16. A sharp and a flat minimum of equal depth",
        surface="sharp_flat", steps=3000, start=(-0.2, 1.5),
        runs={
            "mom": run("momentum", "SGD + momentum", said="SGD with momentum", lr=0.02, momentum=0.9),
            "sam": run("sam", "SAM", lr=0.02, rho=0.2, momentum=0.9),
        },
        numbers={"sharp": 20.0, "flat": 1.0, "starts": 143.0, "mom_flat": 135.0, "sam_flat": 138.0,
                 "mom_sharp": 8.0, "sam_sharp": 1.0, "rho": 0.2},
        explanation=(
            "Both minima have a loss of exactly zero; the left one is narrow (curvature {sharp}), the right one "
            "wide (curvature {flat}). {sam} climbs a distance ρ = {rho} uphill, takes the gradient there and "
            "steps from where it was: it minimises the highest loss nearby, and a narrow minimum's neighbourhood "
            "rises steeply. From a grid of {starts} starts over the window, {mom} ends in the wide minimum "
            "{mom_flat} times and in the narrow one {mom_sharp} times; {sam}, with the same learning rate and "
            "momentum, ends in the wide one {sam_flat} times and in the narrow one {sam_sharp} times. {sam} "
            "pays with a gradient at the ascent point on every step: see the Summary table."
        ),
        watch="Start near the narrow basin (click the chart): {mom} settles in it, {sam} is thrown out.",
    ),
    lesson(
        "schedule-free",
        "17. Schedule-free: a constant learning rate, and still it settles",
        surface="bowl", params={"a": 1.0, "b": 25.0, "angle": 0.0}, steps=2000, noise=1.0, seed=0,
        runs={
            "sf": run("schedule_free_sgd", "Schedule-Free SGD", lr=0.03, beta=0.9),
            "sgd": run("sgd", "Gradient descent", said="gradient descent", lr=0.03),
        },
        numbers={"noise": 1.0, "last": 500.0, "z_rms": about(0.32, 0.05), "x_rms": about(0.061, 0.05),
                 "sgd_rms": about(0.14, 0.05)},
        explanation=(
            "Every gradient carries noise of size {noise}. {sgd} with a constant learning rate never settles: "
            "the noise keeps it wandering. {sf} keeps the same kind of steps on a sequence z, and the path you "
            "see is x, the running average of z, with the gradient taken between z and x. Over the last {last} "
            "steps z wanders {z_rms} from the minimum (root mean square), more than {sgd} does ({sgd_rms}); the "
            "average x stays {x_rms} away, closer than both, with no decaying schedule at all."
        ),
        watch="In Internals, the z panel keeps jittering while the path, x, calms down.",
    ),
    lesson(
        "prodigy",
        "18. {prodigy} learns its own step size",
        surface="bowl", params={"a": 1.0, "b": 25.0, "angle": 0.0}, steps=300,
        runs={
            "prodigy": run("prodigy", "Prodigy", lr=1.0),
            "adam": run("adam", "Adam (lr 0.1)", said="Adam", lr=0.1),
        },
        numbers={"d0": 1e-6, "by": 20.0, "d": about(0.9, 0.03), "true": about(2.92, 0.01), "lr": 0.1,
                 "close": 1e-6},
        explanation=(
            "{prodigy} is {adam} whose learning rate is an estimate d of the distance from the start to the "
            "minimum, and d only grows. It starts at {d0}, so the first steps are tiny. Each step compares the "
            "gradients with the way travelled and raises d: by step {by} it is {d}, a lower bound on the true "
            "distance, {true}. From then on {prodigy} moves like a tuned {adam}: after the race both, it and "
            "{adam} with a learning rate of {lr} picked by hand, are within {close} of the minimum."
        ),
        watch="In Internals, d climbs from its tiny start and flattens out below the true distance.",
    ),
    lesson(
        "adabelief-slope",
        "19. {belief} speeds up on a steady slope",
        surface="slope", steps=1000, start=(2.0,),
        runs={
            "belief": run("adabelief", "AdaBelief", lr=1e-4),
            "adam": run("adam", "Adam", lr=1e-4),
        },
        numbers={"lr": 1e-4, "steps": 1000.0, "ratio": about(12.9, 0.02)},
        explanation=(
            "Both use the learning rate {lr}. {adam} divides by the root of the average squared gradient, which "
            "on a constant slope is the slope itself: every step is the learning rate. {belief} divides by the "
            "spread of the gradient around its own average instead. On a constant slope that spread dies away, "
            "the denominator shrinks, and the steps keep growing: after {steps} steps {belief}'s step is {ratio} "
            "times {adam}'s."
        ),
        watch="The lower panel: {adam}'s line stays straight, {belief}'s bends down ever more steeply.",
    ),
)


def names() -> list[str]:
    return [item.key for item in LESSONS]


def find(key: str) -> Lesson | None:
    for item in LESSONS:
        if item.key == key:
            return item
    return None
