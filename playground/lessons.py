"""Ready-made experiments for a class, each with a short explanation and what to watch.

Every lesson's claim is measured by a test on the core (``tests/test_lessons.py``): if a lesson
says a ratio is about 10, the test computes that ratio from the runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .experiment import Entry, Experiment


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    experiment: Experiment
    explanation: str
    watch: str


def _e(optimizer: str, label: str = "", **hyper) -> Entry:
    return Entry(optimizer, tuple(sorted(hyper.items())), label)


def _exp(key: str, surface: str, entries: list[Entry], steps: int, view: str = "race", start=(),
         params: dict | None = None, speed: float = 1.0) -> Experiment:
    return Experiment(surface=surface, surface_params=tuple(sorted((params or {}).items())), entries=tuple(entries),
                      start=tuple(start), steps=steps, view=view, lesson=key, speed=speed)


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "constant-slope",
        "1. A constant slope: Adam cruises, momentum accelerates",
        _exp("constant-slope", "slope", [
            _e("adam", "Adam", lr=0.001, eps=1e-10),
            _e("rmsprop", "RMSprop + momentum 0.9", lr=0.001, rho=0.9, momentum=0.9, eps=1e-10),
        ], steps=250, start=(2.0,)),
        "Both balls start at x = 2 on a slope whose gradient never changes, with the same learning rate. "
        "Adam divides an average gradient by the root of an average squared gradient; on a constant slope "
        "that ratio is 1, so every step is the learning rate, from the first step to the last. RMSprop with "
        "momentum also divides by the gradient's RMS, but then adds the result into a velocity that keeps "
        "90% of itself each step. The velocity grows like 1 + 0.9 + 0.81 + …, towards 1/(1 − 0.9) = 10.",
        "The lower panel: Adam's line is straight from the start; RMSprop's bends downwards as it speeds up and "
        "settles at about ten times Adam's speed, so it reaches the kink at 0 long before Adam.",
    ),
    Lesson(
        "changing-direction",
        "2. Changing direction: who overshoots, who comes back",
        _exp("changing-direction", "slope", [
            _e("adam", "Adam (lr 0.01)", lr=0.01, eps=1e-10),
            _e("rmsprop", "RMSprop + momentum (lr 0.001)", lr=0.001, rho=0.9, momentum=0.9, eps=1e-10),
        ], steps=400, start=(2.0,)),
        "The learning rates are chosen so both balls arrive at the kink with the same speed (Adam's lr equals "
        "RMSprop's lr/(1 − momentum)). Past 0 the ground rises gently, with a slope ten times smaller than the one "
        "they came down. Adam's first moment forgets the old downhill gradient within a few dozen steps, but its "
        "second moment (β₂ = 0.999) remembers it for about a thousand: it keeps dividing the new, small gradient by "
        "a large number, so its steps back are tiny. RMSprop's average (ρ = 0.9) adapts within about ten steps and "
        "rescales the gentle slope up to a full-size step.",
        "How far left each ball travels before turning (Adam goes further), and how long each takes to climb back "
        "to 0 (Adam takes several times longer).",
    ),
    Lesson(
        "bias-correction",
        "3. Bias correction in Adam",
        _exp("bias-correction", "slope", [
            _e("adam", "Adam (bias-corrected)", lr=0.01, eps=1e-10),
            _e("adam", "Adam without bias correction", lr=0.01, bias_correction=False, eps=1e-10),
        ], steps=200, start=(2.0,)),
        "Adam's averages start at zero, so early on they are too small: after one step the gradient average holds "
        "only 10% of the gradient (1 − β₁) and the squared-gradient average only 0.1% of its square (1 − β₂). "
        "Dividing by 1 − βᵗ undoes that shrinkage exactly. Without it the two biases do not cancel: the "
        "numerator is cut by 0.1 but the denominator by √0.001 ≈ 0.032, so the first step is about 3.2 times too "
        "long, and it keeps growing for a while because the squared-gradient average fills up far more slowly. "
        "(ε is set to 10⁻¹⁰ in both runs, so it does not blur the picture.)",
        "The corrected run steps exactly lr from step 1. The uncorrected one lurches ahead with steps several "
        "times longer, then slows down as its squared-gradient average catches up.",
    ),
    Lesson(
        "oblong-bowl",
        "4. The oblong bowl: zig-zags, momentum and per-axis scaling",
        _exp("oblong-bowl", "bowl", [
            _e("sgd", "Gradient descent", lr=0.07),
            _e("ema_momentum", "Momentum (β = 0.9)", lr=0.07, beta=0.9),
            _e("rmsprop", "RMSprop", lr=0.03),
        ], steps=150, params={"a": 1.0, "b": 25.0}),
        "The bowl is 25 times steeper across (y) than along (x). Gradient descent with a learning rate big enough to "
        "make progress along x overshoots across y on every step: the y coordinate flips sign each time. Averaging "
        "the gradients (momentum) lets the alternating y-components cancel while the steady x-components add up. "
        "RMSprop instead divides each coordinate by its own recent gradient size, so both axes get steps of "
        "similar length and the path heads straight for the middle.",
        "Gradient descent's sawtooth across the valley; momentum's smooth, slower swing; RMSprop's first steps "
        "running diagonally, equally long in x and in y.",
    ),
    Lesson(
        "learning-rate",
        "5. Learning rate: too small, good, too large",
        _exp("learning-rate", "bowl", [
            _e("sgd", "lr 0.01 (too small)", lr=0.01),
            _e("sgd", "lr 0.077 (good)", lr=0.077),
            _e("sgd", "lr 0.085 (too large)", lr=0.085),
        ], steps=200, params={"a": 1.0, "b": 25.0}),
        "On a quadratic, one gradient step multiplies the distance along each axis by (1 − lr·curvature). The "
        "steepest axis here has curvature L = 25, so the multiplier is below 1 in size only while lr < 2/L = 0.08. "
        "Just under the limit the run zig-zags but converges; just over it every step overshoots by more than the "
        "last, and the run blows up. Far below the limit it is safe but slow along the gentle axis.",
        "The 0.085 run leaves the window and is marked as diverged; the 0.01 run is still far from the centre when "
        "the 0.077 run has arrived.",
    ),
    Lesson(
        "local-minima",
        "6. Local minima: momentum carries the ball over the ridge",
        _exp("local-minima", "double_well", [
            _e("sgd", "Gradient descent", lr=0.02),
            _e("momentum", "Momentum 0.9", lr=0.005, momentum=0.9),
        ], steps=600),
        "Two basins: a shallow one on the right and a deeper one on the left, with a low ridge between them. Both "
        "balls are released on the right. Gradient descent only ever moves downhill, so it stops in the first basin "
        "it reaches. The heavy ball arrives there with speed to spare, rolls up over the ridge and settles in the "
        "deeper basin.",
        "Where each path ends: gradient descent in the shallow basin near x ≈ 0.93, momentum in the deep one near "
        "x ≈ −1.06.",
    ),
    Lesson(
        "adagrad-vs-rmsprop",
        "7. AdaGrad's shrinking steps against RMSprop's leaky average",
        _exp("adagrad-vs-rmsprop", "slope", [
            _e("adagrad", "AdaGrad", lr=0.01),
            _e("rmsprop", "RMSprop", lr=0.01),
        ], steps=2000, start=(2.0,)),
        "AdaGrad divides by the root of the sum of all squared gradients so far. On a constant slope that sum grows "
        "like t, so the step shrinks like lr/√t and never recovers: after 1,000 steps it is about 30 times shorter "
        "than the first. RMSprop replaces the sum by a leaky average, which stays the size of a recent squared "
        "gradient, so its steps do not fade.",
        "RMSprop reaches the kink early and waits there; AdaGrad is still creeping down the slope after 2,000 steps.",
    ),
    Lesson(
        "rosenbrock",
        "8. The Rosenbrock valley",
        _exp("rosenbrock", "rosenbrock", [
            _e("sgd", "Gradient descent", lr=0.001),
            _e("adam", "Adam", lr=0.05),
            _e("rmsprop", "RMSprop", lr=0.01),
        ], steps=1000),
        "Rosenbrock's valley is steep-walled and curved, with an almost flat floor. Gradient descent has to keep "
        "its learning rate small enough for the walls, and then the floor's tiny slope moves it only a little "
        "per step. Adaptive methods rescale each coordinate by its recent gradient size, so the small slope along "
        "the floor still produces a useful step.",
        "All runs drop into the valley quickly; then gradient descent crawls along the floor while Adam follows the "
        "bend almost to the minimum at (1, 1).",
    ),
    Lesson(
        "adam-hovers",
        "9. Adam does not always converge",
        _exp("adam-hovers", "bowl", [
            _e("adam", "Adam (β₂ = 0.99)", lr=0.05, beta2=0.99),
            _e("momentum", "SGD with momentum 0.9", lr=0.01, momentum=0.9),
        ], steps=3000, view="curves", params={"a": 1.0, "b": 25.0}),
        "With a constant learning rate Adam's step is lr times a ratio of two averages, m̂/(√v̂ + ε). Here the "
        "squared-gradient average forgets quickly (β₂ = 0.99). For a while Adam homes in on the minimum as fast as "
        "momentum does. But once the gradient is about as small as ε, the denominator is ε alone and the effective "
        "learning rate becomes lr/ε, millions of times too large for the steep axis: the run is flung back out "
        "and from then on wanders around the minimum without settling. SGD with momentum's step is proportional "
        "to the gradient itself, so it keeps shrinking and the run converges to the limit of float64. (With the "
        "default β₂ = 0.999 the averages forget slowly enough that Adam settles on this noise-free bowl within "
        "3,000 steps: try it.)",
        "The curves: both losses fall together on the log scale until Adam's jumps back up, around step 1,300, and "
        "never comes down again, while momentum's keeps falling.",
    ),
)


def names() -> list[str]:
    return [lesson.key for lesson in LESSONS]


def find(key: str) -> Lesson | None:
    for lesson in LESSONS:
        if lesson.key == key:
            return lesson
    return None
