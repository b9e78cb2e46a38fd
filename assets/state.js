// The race player's state and its transitions: play, pause, a tick of the clock, seek, a step either
// way, new data, a resize, the speed, the clock by steps or by gradient evaluations, and the readout's
// pace during Play. Each is a pure function of a plain state object and an event that returns the next
// state and never changes the one it was given; player.js holds the current state, calls these on the
// DOM's events and draws what they return. No DOM in here, so Node tests each one (tests/js/).
import { clockStep, defaultSpeed, runIndex, stepToSlider } from "./core.js";

/** During Play the readout's text is rewritten at most this often (ms): two dozen table cells a frame
 *  cost the browser a layout a frame for numbers nobody can read that fast. */
export const READOUT_MS = 100;

/**
 * The player's state; every field is set by `initial()` and none is added later.
 * @typedef {object} PlayerState
 * @property {*} id              the payload on screen (the server's id; the same id again is ignored)
 * @property {number} revision   payloads taken (the root's data-revision, once the payload is drawn)
 * @property {number|null} raceSteps  the race's steps as sent (null before the first payload)
 * @property {number|null} evalsEnd   the clock's end by gradient evaluations (the most any run made),
 *                               or null when no run counts them (the clock by evaluations is not offered)
 * @property {boolean} byEvals   whether the clock counts gradient evaluations rather than steps
 * @property {number} steps      the clock's last tick: raceSteps, or evalsEnd by evaluations
 * @property {number} step       the tick on screen, a whole number in 0..steps
 * @property {boolean} playing   whether Play is on
 * @property {number} speed      ticks a second
 * @property {boolean} speedChosen  whether the reader picked the speed (new data keeps it then)
 * @property {number} from       the tick Play started from ...
 * @property {number} t0         ... at this time (ms, on performance.now's clock)
 * @property {number} readAt     when the readout was last written in full (ms, same clock)
 * @property {number} width      the canvas's width in CSS px
 * @property {number} height     the canvas's height in CSS px
 * @property {number} dpr        the device pixel ratio the canvas is drawn at
 */

/** @returns {PlayerState} the state before any data: nothing to play, a clock of steps. */
export function initial() {
  return {
    id: null, revision: 0, raceSteps: null, evalsEnd: null, byEvals: false, steps: 0, step: 0,
    playing: false, speed: 10, speedChosen: false, from: 0, t0: 0, readAt: 0, width: 0, height: 0, dpr: 1,
  };
}

/**
 * New data: `id` the payload's id, `steps` the race's steps, `evalsEnd` the clock's end by evaluations (null when no run
 * counts them), `speedFactor` the payload's speed hint. A race of as many steps as the one on screen
 * (the same race changed) keeps its step, another starts at 0; the clock by evaluations stays on while
 * it is offered; the speed is the default for the race unless the reader chose one. Play is left as it is.
 */
export function withData(state, { id, steps, evalsEnd = null, speedFactor = 1 }) {
  const byEvals = state.byEvals && evalsEnd !== null;
  const end = byEvals ? evalsEnd : steps;
  const sameRace = state.raceSteps === steps;
  return {
    ...state, id, revision: state.revision + 1, raceSteps: steps, evalsEnd, byEvals, steps: end,
    step: sameRace ? Math.min(state.step, end) : 0,
    speed: state.speedChosen ? state.speed : defaultSpeed(steps, speedFactor),
  };
}

/** Play from the step on screen, or from 0 when it is the last one; `now` in ms. */
export function play(state, now) {
  const step = state.step >= state.steps ? 0 : state.step;
  return { ...state, playing: true, step, from: step, t0: now };
}

export function pause(state) {
  return { ...state, playing: false };
}

/** Play/Pause's button and the space key. */
export function toggle(state, now) {
  return state.playing ? pause(state) : play(state, now);
}

/**
 * A frame of Play at time `now` (ms): the step the clock has reached since Play started, and the state
 * at it; reaching the last step stops Play there. Without Play, nothing changes.
 * @returns {{state: PlayerState, step: number}}
 */
export function tick(state, now) {
  if (!state.playing) return { state, step: state.step };
  const step = clockStep(state.from, now - state.t0, state.speed, state.steps);
  return { state: { ...state, step, playing: step < state.steps }, step };
}

/** Go to tick `k` (rounded, clamped to 0..steps); Play stops. */
export function seek(state, k) {
  return { ...state, playing: false, step: stepToSlider(k, state.steps) };
}

/** One step back (-1) or forward (+1), as seek. */
export function stepBy(state, delta) {
  return seek(state, state.step + delta);
}

/** The reader's speed (ticks a second): it stays for new data; Play goes on from the step on screen. */
export function setSpeed(state, speed, now) {
  const next = { ...state, speed, speedChosen: true };
  return next.playing ? play(next, now) : next;
}

/**
 * The clock by evaluations (`byEvals` true, when offered) or by steps. The race keeps the moment it
 * shows: `run` (the first run: its `length` and cumulative `evals`, or null) is at the same index on
 * the new clock. Play stops. The same clock again returns `state` itself.
 */
export function setClock(state, byEvals, run) {
  if (byEvals === state.byEvals) return state;
  const k = runIndex(run, state.step, state.byEvals);
  const on = byEvals && state.evalsEnd !== null;
  const steps = on ? state.evalsEnd : state.raceSteps ?? 0;
  const clock = on && run.evals ? run.evals[k] : k;
  return { ...state, playing: false, byEvals: on, steps, step: stepToSlider(Math.min(clock, steps), steps) };
}

/** The canvas's new size (CSS px) and pixel ratio; the step and Play are kept (the frame is drawn again). */
export function resize(state, { width, height, dpr = 1 }) {
  return { ...state, width, height, dpr };
}

/**
 * Whether the frame drawn at `now` writes the readout in full (its text, the label, the marks): always
 * when paused or at the last step, during Play at most every READOUT_MS.
 * @returns {{state: PlayerState, full: boolean}}
 */
export function readoutDue(state, now) {
  const full = !state.playing || state.step >= state.steps || now - state.readAt > READOUT_MS;
  return { state: full ? { ...state, readAt: now } : state, full };
}
