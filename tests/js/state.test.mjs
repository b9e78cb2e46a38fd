// The player's state transitions (assets/state.js): each takes a state and an event and returns the
// next state, never changing the one it was given (run: node --test tests/js/).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  READOUT_MS, initial, pause, play, readoutDue, resize, seek, setClock, setSpeed, stepBy, tick, toggle, withData,
} from "../../assets/state.js";

/** `state` frozen, so a transition that changed it would throw (the modules are strict). */
const frozen = (state) => Object.freeze({ ...state });
/** A race of `steps` steps on screen, paused at `step`. */
const race = (steps, step = 0, more = {}) => frozen({ ...withData(initial(), { id: "a", steps }), step, ...more });

test("the initial state has every field, and the transitions add none", () => {
  const s = initial();
  const fields = Object.keys(s).sort();
  assert.deepEqual(fields, ["byEvals", "dpr", "evalsEnd", "from", "height", "id", "playing", "raceSteps", "readAt",
    "revision", "speed", "speedChosen", "step", "steps", "t0", "width"]);
  assert.equal(s.playing, false);
  assert.equal(s.step, 0);
  assert.equal(s.steps, 0);
  const r = race(100, 40);
  const results = [withData(r, { id: "b", steps: 50 }), play(r, 0), pause(r), toggle(r, 0), tick(play(r, 0), 500).state,
    seek(r, 3), stepBy(r, 1), setSpeed(r, 20, 0), setClock({ ...r, evalsEnd: 200 }, true, { length: 101, evals: null }),
    resize(r, { width: 300, height: 200, dpr: 2 }), readoutDue(r, 1000).state];
  for (const next of results) assert.deepEqual(Object.keys(next).sort(), fields);
});

test("new data: the race's steps, a new race from 0, the same one keeps its step, the speed by default", () => {
  const s = frozen(withData(initial(), { id: "a", steps: 200 }));
  assert.equal(s.id, "a");
  assert.equal(s.revision, 1);
  assert.equal(s.steps, 200);
  assert.equal(s.raceSteps, 200);
  assert.equal(s.step, 0);
  assert.equal(s.speed, 20); // 200 steps in about ten seconds
  assert.equal(withData(s, { id: "b", steps: 200, speedFactor: 5 }).speed, 120); // the hint: 100 wanted, 120 the nearest offered
  const at = frozen({ ...s, step: 150 });
  assert.equal(withData(at, { id: "b", steps: 200 }).step, 150, "the same race (changed): the step stays");
  assert.equal(withData(at, { id: "b", steps: 100 }).step, 0, "another race starts at 0");
  assert.equal(withData(at, { id: "b", steps: 100 }).revision, 2);
  const chosen = frozen({ ...s, speed: 500, speedChosen: true });
  assert.equal(withData(chosen, { id: "b", steps: 10 }).speed, 500, "the reader's speed stays");
  const playing = frozen({ ...s, playing: true, from: 7, t0: 1234 });
  const next = withData(playing, { id: "b", steps: 200 });
  assert.deepEqual([next.playing, next.from, next.t0], [true, 7, 1234], "Play is left as it was");
});

test("new data with the clock by evaluations: kept while offered, its end the most evaluations", () => {
  const s = frozen({ ...withData(initial(), { id: "a", steps: 100, evalsEnd: 200 }), byEvals: true });
  assert.equal(s.evalsEnd, 200);
  assert.equal(s.steps, 100, "the clock starts by steps");
  const same = withData(s, { id: "b", steps: 100, evalsEnd: 200 });
  assert.deepEqual([same.byEvals, same.steps], [true, 200]);
  const gone = withData(s, { id: "c", steps: 100, evalsEnd: null });
  assert.deepEqual([gone.byEvals, gone.steps, gone.evalsEnd], [false, 100, null], "not offered: back to steps");
  const clamped = withData(frozen({ ...s, step: 180 }), { id: "d", steps: 100, evalsEnd: 150 });
  assert.equal(clamped.step, 150, "the same race keeps its step, within the new end");
});

test("play starts from the step on screen, or from 0 at the end; pause keeps the step", () => {
  const s = race(100, 30);
  const p = play(s, 5000);
  assert.deepEqual([p.playing, p.step, p.from, p.t0], [true, 30, 30, 5000]);
  const again = play(race(100, 100), 5000);
  assert.deepEqual([again.step, again.from], [0, 0], "at the last step Play starts over");
  const q = pause(frozen(p));
  assert.deepEqual([q.playing, q.step], [false, 30]);
  assert.equal(toggle(s, 1).playing, true);
  assert.equal(toggle(frozen(p), 1).playing, false);
});

test("a tick moves the clock by the time since Play at the speed, and stops at the end", () => {
  const p = frozen(play({ ...race(100, 10), speed: 20 }, 1000));
  let r = tick(p, 1000);
  assert.deepEqual([r.step, r.state.step, r.state.playing], [10, 10, true]);
  r = tick(p, 1500); // half a second at 20 steps a second: 10 steps on
  assert.deepEqual([r.step, r.state.playing], [20, true]);
  r = tick(p, 900); // a frame stamped before Play started stays at the start
  assert.equal(r.step, 10);
  r = tick(p, 1000 + 4500); // 90 steps on: exactly the end
  assert.deepEqual([r.step, r.state.step, r.state.playing], [100, 100, false]);
  r = tick(p, 60_000);
  assert.deepEqual([r.step, r.state.playing], [100, false], "never past the end");
  const paused = race(100, 10);
  assert.equal(tick(paused, 99_999).state, paused, "without Play nothing changes");
});

test("a whole race played frame by frame reaches every step it shows in order and stops at the end", () => {
  let s = play({ ...race(50), speed: 10 }, 0);
  const shown = [];
  for (let now = 0; s.playing; now += 16) {
    const r = tick(frozen(s), now);
    s = r.state;
    if (shown.at(-1) !== r.step) shown.push(r.step);
  }
  assert.deepEqual(shown, Array.from({ length: 51 }, (_, k) => k));
  assert.equal(s.step, 50);
});

test("seek goes to a whole step within the race and stops Play; stepBy moves one either way", () => {
  const p = frozen(play(race(100, 40), 0));
  const s = seek(p, 63.4);
  assert.deepEqual([s.step, s.playing], [63, false]);
  assert.equal(seek(p, -5).step, 0);
  assert.equal(seek(p, 500).step, 100);
  assert.equal(stepBy(race(100, 40), 1).step, 41);
  assert.equal(stepBy(race(100, 40), -1).step, 39);
  assert.equal(stepBy(race(100, 0), -1).step, 0);
  assert.equal(stepBy(race(100, 100), 1).step, 100);
  assert.equal(stepBy(p, 1).playing, false);
});

test("a new speed is the reader's; Play goes on from the step on screen at it", () => {
  const s = setSpeed(race(100, 30), 250, 0);
  assert.deepEqual([s.speed, s.speedChosen, s.playing], [250, true, false]);
  const p = frozen(play({ ...race(100, 0), speed: 10 }, 0));
  const at = tick(p, 3000).state; // step 30 after three seconds at 10 a second
  const faster = frozen(setSpeed(frozen(at), 100, 3000));
  assert.deepEqual([faster.playing, faster.from, faster.t0, faster.step], [true, 30, 3000, 30]);
  assert.equal(tick(faster, 3100).step, 40, "a tenth of a second at 100 a second: 10 steps on");
});

test("the clock by evaluations keeps the moment on screen: the first run's step maps onto it", () => {
  // The first run makes two evaluations a step (SAM): at step 30 it has made 60.
  const run = { length: 101, evals: Float64Array.from({ length: 101 }, (_, k) => 2 * k) };
  const s = frozen({ ...withData(initial(), { id: "a", steps: 100, evalsEnd: 200 }), step: 30, playing: true });
  const e = setClock(s, true, run);
  assert.deepEqual([e.byEvals, e.steps, e.step, e.playing], [true, 200, 60, false]);
  const back = setClock(frozen({ ...e, step: 61 }), false, run); // 61 evaluations: still step 30
  assert.deepEqual([back.byEvals, back.steps, back.step], [false, 100, 30]);
  assert.equal(setClock(s, false, run), s, "the same clock again: the same state");
  const plain = { length: 101, evals: null }; // a first run of one evaluation a step keeps its step
  assert.equal(setClock(s, true, plain).step, 30);
  const none = frozen({ ...race(100, 30), playing: true }); // not offered: stays by steps
  const still = setClock(none, true, plain);
  assert.deepEqual([still.byEvals, still.steps, still.step, still.playing], [false, 100, 30, false]);
});

test("a resize keeps the step and Play, with the canvas's new size", () => {
  const p = frozen(play(race(100, 30), 0));
  const r = resize(p, { width: 640, height: 480, dpr: 2 });
  assert.deepEqual([r.width, r.height, r.dpr, r.step, r.playing, r.from, r.t0], [640, 480, 2, 30, true, 30, 0]);
});

test("the readout is written in full when paused, at the end, and during Play every READOUT_MS", () => {
  const paused = race(100, 30);
  assert.equal(readoutDue(paused, 5).full, true);
  const p = frozen({ ...play(race(100, 30), 0), readAt: 1000 });
  assert.equal(readoutDue(p, 1000 + READOUT_MS).full, false);
  const due = readoutDue(p, 1000 + READOUT_MS + 1);
  assert.deepEqual([due.full, due.state.readAt], [true, 1000 + READOUT_MS + 1]);
  assert.equal(readoutDue(p, 1050).state, p, "not due: the state as it was");
  assert.equal(readoutDue(frozen({ ...p, step: 100 }), 1001).full, true, "the last step is always written");
});
