// The race player's controls: Play/Pause, one step back and forward, the slider over every step, the
// step label and the speed; and the keys the player answers to when it has focus.
import { SPEEDS, sliderToStep, stepToSlider } from "./core.js";

/** An element with attributes (`text` sets its text) and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

/** What a key does when the player has focus: an action name, or null for keys it leaves alone. */
export function keyAction(key) {
  return { " ": "toggle", ArrowLeft: "back", ArrowRight: "forward", Home: "first", End: "last" }[key] ?? null;
}

/**
 * The controls bar. `on` holds the callbacks: toggle() (Play/Pause), goTo(step), speed(stepsPerSecond),
 * clock(byEvals).
 * Returns the bar and setters the player calls as its state changes.
 */
export function buildControls(on) {
  const play = el("button", { type: "button", class: "rp-play", "data-testid": "race-player-play", "aria-label": "Play", text: "▶ Play" });
  const back = el("button", { type: "button", class: "rp-step", "aria-label": "One step back", title: "One step back (←)", text: "−1" });
  const fwd = el("button", { type: "button", class: "rp-step", "aria-label": "One step forward", title: "One step forward (→)", text: "+1" });
  const slider = el("input", { type: "range", class: "rp-slider", min: "0", max: "0", step: "1", value: "0", "aria-label": "Step" });
  const label = el("span", { class: "rp-label", "aria-live": "off" });
  const speed = el("select", { class: "rp-speed", "aria-label": "Speed in steps per second" });
  for (const v of SPEEDS) speed.append(el("option", { value: String(v), text: `${v} steps/s` }));
  // The race's clock: steps, or gradient evaluations (offered when some run takes more than one a step).
  const clock = el("select", { class: "rp-clock", "aria-label": "Clock", title: "What the clock counts" });
  clock.append(el("option", { value: "steps", text: "clock: steps" }), el("option", { value: "evals", text: "clock: gradient evaluations" }));
  clock.hidden = true;
  const bar = el("div", { class: "rp-controls" }, play, back, fwd, slider, label, speed, clock);
  let steps = 0;
  let current = 0;
  let unit = "Step";

  play.addEventListener("click", () => on.toggle());
  back.addEventListener("click", () => on.goTo(current - 1));
  fwd.addEventListener("click", () => on.goTo(current + 1));
  slider.addEventListener("input", () => on.goTo(sliderToStep(slider.value, steps)));
  speed.addEventListener("change", () => on.speed(Number(speed.value)));
  clock.addEventListener("change", () => on.clock && on.clock(clock.value === "evals"));

  return {
    bar,
    speed,
    clock,
    setRace(n, stepsPerSecond) {
      steps = n;
      slider.max = String(n);
      speed.value = String(stepsPerSecond);
    },
    /** Whether the clock can count evaluations, and whether it does (the label and speeds follow). */
    setClock(offered, byEvals) {
      clock.hidden = !offered;
      clock.value = byEvals ? "evals" : "steps";
      unit = byEvals ? "Evaluations" : "Step";
      for (const o of speed.options) o.textContent = `${o.value} ${byEvals ? "evals" : "steps"}/s`;
    },
    /** The step on screen; `full` also writes the label (skipped during Play between readouts). */
    setStep(step, full = true) {
      current = step;
      slider.value = String(stepToSlider(step, steps));
      if (full) label.textContent = `${unit} ${step} / ${steps}`;
    },
    setPlaying(on_) {
      play.textContent = on_ ? "❚❚ Pause" : "▶ Play";
      play.setAttribute("aria-label", on_ ? "Pause" : "Play");
    },
  };
}
