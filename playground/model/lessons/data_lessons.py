"""Lessons 10–14: surfaces made from data (regression, classification, an online problem)."""

from __future__ import annotations

from playground.model.experiment import Schedule
from playground.model.lessons.writing import Lesson, Picture, about, lesson, run

LESSONS: tuple[Lesson, ...] = (
    lesson(
        "feature-scale",
        "Feature scale makes the oblong bowl",
        surface="linear_regression", params={"feature_scale": 10.0}, steps=300,
        picture=Picture(panel="map"),
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
        "batch-size",
        "Batch size: the noise of small batches",
        surface="linear_regression", steps=300, seeds=16,
        picture=Picture(panel="map"),
        runs={
            "one": run("sgd", "GD, batches of 1", said="gradient descent on batches of 1", batch=1, lr=0.1),
            "eight": run("sgd", "GD, batches of 8", said="gradient descent on batches of 8", batch=8, lr=0.1),
            "all": run("sgd", "GD, all points", said="gradient descent on all the points", batch=0, lr=0.1),
        },
        numbers={"n": 64.0, "seeds": 16.0, "rate": 0.1, "path": about(4.6, 0.05), "wider": about(27, 0.05)},
        explanation=(
            "Every run here takes plain downhill steps at learning rate {rate}, fitting the same line to {n} "
            "points; only the number of points behind each step differs. A mini-batch is drawn without "
            "replacement and the points are reshuffled on every pass, so a batch's gradient points downhill on "
            "average but not exactly. Near the fit the full gradient is small and the batch-to-batch noise is "
            "not, so the small batches never settle: they keep circling the fit. Over {seeds} seeds of the "
            "batches, the last positions of {one} lie about {path} times further apart than those of {eight}, "
            "and their final losses spread about {wider} times more. {all} is exact: every seed gives the "
            "same path. The next lesson keeps the small batches and lets the learning rate shrink instead."
        ),
        watch=(
            "{one} zig-zags around the fit while {all} glides in. Open Curves to see the {seeds} seeds as bands "
            "that narrow as the batch grows."
        ),
    ),
    lesson(
        "minibatch-noise",
        "Mini-batch noise and a decaying rate",
        surface="linear_regression", steps=300, batch_size=8, seeds=16, view="curves",
        # The loss panel is on a log axis: its bands are read by where they lie, not by their width.
        picture=Picture(view="curves", panel="loss above the minimum"),
        runs={
            "const": run("sgd", "Gradient descent, constant learning rate",
                         said="gradient descent at a constant learning rate", lr=0.1),
            "decay": run("sgd", "Gradient descent, decaying learning rate",
                         said="gradient descent with a decaying learning rate", schedule=Schedule("inv_sqrt"), lr=0.1),
        },
        numbers={"batch": 8.0, "n": 64.0, "seeds": 16.0, "settle": about(6, 0.1)},
        explanation=(
            "Each step's gradient comes from a mini-batch of {batch} of the {n} points, drawn without "
            "replacement and reshuffled on every pass through the data. It points downhill on average but not "
            "exactly, and near the fit the batch-to-batch noise is as large as the gradient itself. {const} "
            "therefore never settles: it keeps wandering around the fit by an amount set by the learning rate. "
            "{decay} shrinks its learning rate like 1/√t, and its wandering shrinks with it: over the last steps "
            "it stays about {settle} times closer to the fit. The curves show the loss over {seeds} seeds of the "
            "batches as a band: one band levels off, the other falls more slowly at first but keeps falling, "
            "and ends below the first."
        ),
        watch=(
            "The loss band of {const} levels off above the minimum; the band of {decay} starts above that band, "
            "keeps falling and ends wholly below it. Try other batch sizes in the sidebar."
        ),
    ),
    lesson(
        "adam-fails-online",
        "{adam} can fail to converge",
        surface="reddi", params={"C": 3.0}, steps=1000,
        picture=Picture(panel="steps", apart=("adam", "ams", 120.0)),
        runs={
            "adam": run("adam", "Adam", schedule=Schedule("inv_sqrt"), beta1=0.0, beta2=0.1, lr=0.5),
            "ams": run("adam", "Adam with AMSGrad", schedule=Schedule("inv_sqrt"), amsgrad=True, beta1=0.0, beta2=0.1,
                       lr=0.5),
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
        "Separable classes: weights that grow without end",
        # A window of ±5, not the surface's ±4: in 2,000 steps both runs stay in view, still heading out.
        surface="logistic_regression", params={"separation": 6.0, "l2": 0.0}, steps=2000,
        bounds=((-5.0, 5.0), (-5.0, 5.0)), picture=Picture(panel="map"),
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
)
