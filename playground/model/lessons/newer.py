"""Lessons 15–20: the newer optimizers (full-matrix scaling, Newton, Schedule-Free, Prodigy, …)."""

from __future__ import annotations

from playground.model.lessons.writing import Lesson, Picture, about, lesson, run

LESSONS: tuple[Lesson, ...] = (
    lesson(
        "turned-bowl",
        "A turned bowl: scaling per coordinate loses its edge, the full matrix does not",
        surface="bowl", params={"a": 1.0, "b": 25.0, "angle": 45.0}, steps=300,
        picture=Picture(panel="map"),
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
        "{newton} in the banana valley",
        # The window reaches down to y = −3.5: Newton's second step leaps to y ≈ −3.2 and back.
        surface="rosenbrock", start=(-1.2, 1.0), steps=60, bounds=((-2.0, 2.0), (-3.5, 2.0)),
        picture=Picture(panel="map", step=2, apart=("newton", "damped", 300.0)),
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
        "A sharp and a flat minimum of equal depth",
        # The race starts beside the narrow basin, as the text says: no click needed to see the claim.
        # A square window (the surface's own is 5 × 4), so the map keeps half a laptop's screen.
        surface="sharp_flat", steps=3000, start=(-1.4, 0.5), bounds=((-2.5, 2.5), (-2.5, 2.5)),
        picture=Picture(panel="map", apart=("mom", "sam", 150.0)),
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
            "momentum, ends in the wide one {sam_flat} times and in the narrow one {sam_sharp} times. The race "
            "here starts beside the narrow basin, where they part ways. {sam} pays with a gradient "
            "at the ascent point on every step: see the Summary table."
        ),
        watch=("Both balls start beside the narrow basin: {mom} settles in it; {sam} dips towards it, is thrown "
               "out within a few steps and rolls into the wide one."),
    ),
    lesson(
        "schedule-free",
        "Schedule-free: a constant learning rate, and still it settles",
        surface="bowl", params={"a": 1.0, "b": 25.0, "angle": 0.0}, steps=2000, noise=1.0, seed=0,
        view="internals", picture=Picture(view="internals", panel="z"),
        runs={
            "sf": run("schedule_free_sgd", "Schedule-Free SGD", lr=0.03, beta=0.9),
            "sgd": run("sgd", "Gradient descent", said="gradient descent", lr=0.03),
        },
        numbers={"noise": 1.0, "last": 500.0, "z_rms": about(0.32, 0.05), "x_rms": about(0.061, 0.05),
                 "sgd_rms": about(0.14, 0.05)},
        explanation=(
            "Every gradient carries noise of size {noise}. {sgd} with a constant learning rate never settles: "
            "the noise keeps it wandering. {sf} keeps the same kind of steps on a sequence z, and its position, "
            "the path the Race view draws, is x, the running average of z, with the gradient taken between z "
            "and x. Over the last {last} steps z wanders {z_rms} from the minimum (root mean square), more than "
            "{sgd} does ({sgd_rms}); the average x stays {x_rms} away, closer than both, with no decaying "
            "schedule at all."
        ),
        watch=("The panel of {sf}'s sequence z keeps jittering to the end, while the panel of the step taken, "
               "the change of x, shrinks towards zero: the path calms down."),
    ),
    lesson(
        "prodigy",
        "{prodigy} learns its own step size",
        surface="bowl", params={"a": 1.0, "b": 25.0, "angle": 0.0}, steps=300,
        view="internals", picture=Picture(view="internals", panel="d"),
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
        watch=("The panel of {prodigy}'s distance estimate d: it climbs from its tiny start and flattens out "
               "below the dashed line of the true distance."),
    ),
    lesson(
        "adabelief-slope",
        "{belief} speeds up on a steady slope",
        surface="slope", steps=1000, start=(2.0,),
        picture=Picture(panel="steps", apart=("belief", "adam", 20.0)),
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
