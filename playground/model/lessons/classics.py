"""Lessons 1–9: the classic behaviours on the built-in surfaces (slopes, bowls, valleys)."""

from __future__ import annotations

from playground.model.lessons.writing import Lesson, Picture, about, lesson, run

LESSONS: tuple[Lesson, ...] = (
    lesson(
        "constant-slope",
        "A constant slope: {adam} cruises, momentum accelerates",
        surface="slope", steps=250, start=(2.0,),
        # Step 200: RMSprop reaches the kink while Adam is still high on the slope.
        picture=Picture(panel="steps", step=200, apart=("rms", "adam", 60.0)),
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
        "Changing direction: who overshoots, who comes back",
        # The window frames the kink: the overshoots differ by hundredths, invisible over the whole slope.
        # At step 240 RMSprop is back at the kink while Adam is still near its deepest point.
        surface="slope", steps=400, start=(2.0,), bounds=((-0.1, 0.05),),
        picture=Picture(panel="steps", step=240, apart=("adam", "rms", 40.0), outside=("adam", "rms"),
                        why="both start on the slope at x = 2, right of the window, which frames the kink; "
                            "they come into view as they reach it"),
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
        "Bias correction in {adam}",
        surface="slope", steps=200, start=(2.0,),
        # Step 34: the uncorrected run reaches the kink; the corrected one is still high on the slope.
        picture=Picture(panel="steps", step=34, apart=("raw", "adam", 60.0)),
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
        "The oblong bowl: zig-zags, momentum and per-axis scaling",
        surface="bowl", params={"a": 1.0, "b": 25.0}, steps=150,
        picture=Picture(panel="map"),
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
        "Learning rate: too small, good, too large",
        surface="bowl", params={"a": 1.0, "b": 25.0}, steps=200,
        # Step 101: the good rate is within 10⁻³ of the centre; the small one is still far out.
        picture=Picture(panel="map", step=101, apart=("small", "good", 50.0), outside=("large",),
                        why="its rate is over the limit 2/L on purpose: it blows up, as the text says"),
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
        "Local minima: {mom} carries the ball over the ridge",
        # A squarer window than the surface's own (y ±1.5): drawn at equal scales, the map then keeps
        # half a laptop's screen beside the lesson's words.
        surface="double_well", steps=600, bounds=((-2.0, 2.2), (-2.0, 2.0)),
        picture=Picture(panel="map", apart=("gd", "mom", 150.0)),
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
        "{ada}'s shrinking steps against {rms}'s leaky average",
        surface="slope", steps=2000, start=(2.0,),
        picture=Picture(panel="steps", apart=("ada", "rms", 40.0)),
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
        "The Rosenbrock valley",
        surface="rosenbrock", steps=1000,
        picture=Picture(panel="map", apart=("gd", "adam", 150.0)),
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
        "{adam} does not always converge",
        surface="bowl", params={"a": 1.0, "b": 25.0}, steps=3000, view="curves",
        picture=Picture(view="curves", panel="loss above the minimum"),
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
)
