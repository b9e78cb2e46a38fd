// The player's pure parts, with expected values worked out by hand (run: node --test tests/js/).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  clockStep, decodeFloat32, decodeQuantized, decodeRun, defaultSpeed, equalAspect, formatValue,
  coincident, edgeMarker, headPoint, indexAt, niceTicks, outsideSince, playerLayout, plotTransform, roundToWindow, sliderToStep, stepToSlider,
  tailSpan, tickLabel,
} from "../../assets/core.js";

// Little-endian float32 bytes written by hand: 1.0 = 00 00 80 3f, -2.5 = 00 00 20 c0, NaN = 00 00 c0 7f.
const b64 = (bytes) => Buffer.from(bytes).toString("base64");

test("float32 base64 decodes to the numbers, NaN kept", () => {
  const out = decodeFloat32(b64([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0, 0, 0, 0xc0, 0x7f]));
  assert.equal(out.length, 3);
  assert.equal(out[0], 1);
  assert.equal(out[1], -2.5);
  assert.ok(Number.isNaN(out[2]));
  assert.throws(() => decodeFloat32(b64([1, 2, 3])), /whole number/);
});

test("quantised points span the window, 65535 is a break", () => {
  // x: 0 -> lo, 65534 -> hi; y: 32767 -> the middle; then a break (ff ff).
  const out = decodeQuantized(b64([0, 0, 0xfe, 0xff, 0xff, 0x7f, 0xff, 0xff]), [[-2, 2], [-1, 3]]);
  assert.equal(out[0], -2);
  assert.equal(out[1], 3);
  assert.ok(Math.abs(out[2] - 0) < 1e-4);
  assert.ok(Number.isNaN(out[3]));
});

test("a run decodes into positions and losses of one length; a mismatch is an error", () => {
  const path = b64([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0, 0, 0, 0, 0, 0, 0, 0x80, 0x3f]); // (1, -2.5), (0, 1)
  const loss = b64([0, 0, 0x80, 0x3f, 0, 0, 0, 0]); // 1, 0
  const run = decodeRun({ label: "a", color: "#000", path, loss, diverged_at: null }, 2);
  assert.equal(run.length, 2);
  assert.deepEqual([...run.path], [1, -2.5, 0, 1]);
  assert.equal(indexAt(run, 0), 0);
  assert.equal(indexAt(run, 7), 1); // a run that stopped early holds its last position
  assert.throws(() => decodeRun({ label: "b", path, loss: b64([0, 0, 0, 0]) }, 2), /do not match/);
});

test("ticks are 1, 2 or 5 times a power of ten, inside the range", () => {
  assert.deepEqual(niceTicks(-2, 2, 5), { step: 1, values: [-2, -1, 0, 1, 2] });
  assert.deepEqual(niceTicks(-1, 3, 8).values, [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3]);
  const t = niceTicks(0, 0.03, 3); // raw step 0.01
  assert.equal(t.step, 0.01);
  assert.equal(t.values.length, 4);
  assert.deepEqual(niceTicks(0, 1000, 4).values, [0, 500, 1000]); // raw 250: 200 is too fine, 500 it is
  assert.deepEqual(niceTicks(1, 1, 5).values, []);
  assert.equal(tickLabel(0.5, 0.5), "0.5");
  assert.equal(tickLabel(-1, 0.5), "\u22121.0");
  assert.equal(tickLabel(2, 1), "2");
  assert.equal(tickLabel(0, 0.1), "0");
});

test("readout values: four significant digits, exponent form for tiny ones", () => {
  assert.equal(formatValue(12.5), "12.5");
  assert.equal(formatValue(-1.23456), "\u22121.235");
  assert.equal(formatValue(0.0000123456), "1.235e-5");
  assert.equal(formatValue(16139794224.17), "1.614e+10");
  assert.equal(formatValue(NaN), "—");
});

test("the slider has one position per step", () => {
  for (const steps of [1, 10, 5000]) {
    for (let k = 0; k <= steps; k += Math.max(1, steps / 10)) {
      assert.equal(sliderToStep(String(stepToSlider(k, steps)), steps), k);
    }
  }
  assert.equal(stepToSlider(-3, 10), 0);
  assert.equal(stepToSlider(12, 10), 10);
  assert.equal(sliderToStep("abc", 10), 0);
});

test("the clock: steps per second times elapsed time, clamped to the race", () => {
  assert.equal(clockStep(0, 1000, 30, 500), 30);
  assert.equal(clockStep(10, 500, 1, 500), 10); // half a second at 1 step/s: not yet the next step
  assert.equal(clockStep(10, 1001, 1, 500), 11);
  assert.equal(clockStep(0, 60_000, 1000, 500), 500);
  assert.equal(defaultSpeed(500), 60); // 500 steps in ~10 s: 50 steps/s, nearest offered is 60
  assert.equal(defaultSpeed(100, 0.25), 2); // 2.5 wanted: 2 and 5 are equally far in ratio; 2 comes first
});

test("a click is rounded to three significant digits of the window's span", () => {
  assert.equal(roundToWindow(1.23456, 4), 1.23);
  assert.equal(roundToWindow(-0.98765, 4), -0.99);
  assert.equal(roundToWindow(123.456, 400), 123);
  assert.equal(roundToWindow(0.0123456, 0.05), 0.0123);
});

test("the plot transform maps the window's corners to the plot box and back", () => {
  const t = plotTransform([[-2, 2], [-1, 3]], 500, 300, { left: 50, right: 10, top: 10, bottom: 30 }, true);
  // equal scale: min(440/4, 260/4) = 65 px per unit, box 260 × 260 centred in 440 wide
  assert.equal(t.width, 260);
  assert.equal(t.height, 260);
  assert.equal(t.left, 50 + 90);
  assert.equal(t.px(-2), 140);
  assert.equal(t.py(3), 10);
  assert.equal(t.py(-1), 270);
  assert.equal(t.x(t.px(1.25)), 1.25);
  assert.equal(t.y(t.py(0.5)), 0.5);
  const free = plotTransform([[0, 10], [0, 1]], 500, 300, { left: 50, right: 10, top: 10, bottom: 30 }, false);
  assert.equal(free.width, 440);
  assert.equal(free.height, 260);
  assert.ok(equalAspect([[-2, 2], [-1, 3]]));
  assert.ok(!equalAspect([[0, 10], [0, 1]]));
});

test("a run without a scene draws every position; with one, it ends where the scene says", () => {
  const path = b64([0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0, 0, 0, 0, 0, 0, 0, 0x80, 0x3f]); // (1, -2.5), (0, 1)
  const loss = b64([0, 0, 0x80, 0x3f, 0, 0, 0, 0]);
  const plain = decodeRun({ label: "a", color: "#000", path, loss, diverged_at: null }, 2);
  assert.equal(plain.last, 1);
  assert.equal(plain.exit, null);
  assert.deepEqual(plain.outside, []);
  assert.equal(plain.shape, "circle");
  const cut = decodeRun({ label: "b", color: "#000", path, loss, diverged_at: 2, last: 0, exit: [0.5, -1],
    outside: [1, 1, 0.5, -1], shape: "diamond", cross: [0.5, -1], head: 9.5, dot: 6.8 }, 2);
  assert.deepEqual(cut.outside, [1, 1, 0.5, -1]);
  assert.equal(cut.shape, "diamond");
  assert.equal(cut.last, 0);
  assert.deepEqual(cut.exit, [0.5, -1]);
  assert.deepEqual(cut.cross, [0.5, -1]);
  assert.equal(cut.head, 9.5);
  // A "last" past the path's end cannot make the player read beyond its arrays.
  assert.equal(decodeRun({ label: "c", path, loss, last: 7 }, 2).last, 1);
});

test("heads: always at their position; outside the window, the stretch says since when", () => {
  // Positions (0,0) (2,0) (3,0) (0.5,0) (9,9) in the window [-1, 1]²: outside for steps 1-2 and step 4.
  const run = { dim: 2, length: 5, path: [0, 0, 2, 0, 3, 0, 0.5, 0, 9, 9], outside: [1, 2, 1, 0, 4, 4, 0.5, 0.5] };
  assert.equal(outsideSince(run, 0), null);
  assert.equal(outsideSince(run, 1), 1);
  assert.equal(outsideSince(run, 2), 1);
  assert.equal(outsideSince(run, 3), null);
  assert.equal(outsideSince(run, 4), 4);
  assert.deepEqual(headPoint(run, 2), [3, 0]); // never a point the run did not visit
  assert.deepEqual(headPoint(run, 4), [9, 9]);
  // In 1-D a head is (x, loss).
  const line = { dim: 1, length: 2, path: [0.5, 7], loss: [2, 50], outside: [1, 1, 1, 2] };
  assert.deepEqual(headPoint(line, 0), [0.5, 2]);
  assert.deepEqual(headPoint(line, 1), [7, 50]);
});

test("edge markers: the window's nearest point and the way to the run (as scene.py's edge_marker)", () => {
  const box = [[-1, 1], [-1, 1]];
  assert.deepEqual(edgeMarker(box, [3, -0.5]), { at: [1, -0.5], direction: [1, 0] });
  const corner = edgeMarker(box, [4, 5]);
  assert.deepEqual(corner.at, [1, 1]);
  assert.ok(Math.abs(corner.direction[0] - 0.6) < 1e-12 && Math.abs(corner.direction[1] - 0.8) < 1e-12);
  assert.deepEqual(edgeMarker(box, [-Infinity, 0.25]), { at: [-1, 0.25], direction: [-1, 0] });
  assert.deepEqual(edgeMarker(box, [NaN, 7]), { at: [0, 1], direction: [0, 1] });
  assert.deepEqual(edgeMarker([[-1, 2]], [5]), { at: [2], direction: [1] });
});

test("heads that would hide each other: ranked rings around the first one they meet", () => {
  const got = coincident([[10, 10], [100, 100], [12, 10], null, [11, 11], [100, 130]], 5);
  assert.deepEqual(got.map((g) => g.rank), [0, 0, 1, 0, 2, 0]);
  assert.deepEqual(got.map((g) => g.with), [-1, -1, 0, -1, 0, -1]);
});

test("tails: the last steps, never past the scene's last position; outside, to where the path went out", () => {
  // Left for good after position 6 (out at 7, where the path crossed the edge at (0.2, 3)).
  const run = { length: 20, last: 6, exit: [0.2, 3], outside: [7, 19, 0.2, 3] };
  assert.deepEqual(tailSpan(run, 4, 10), { from: 0, to: 4, edge: null });
  assert.deepEqual(tailSpan(run, 6, 3), { from: 3, to: 6, edge: null });
  // The tail stops at position 6 and runs on to the edge...
  assert.deepEqual(tailSpan(run, 9, 10), { from: 0, to: 6, edge: [0.2, 3] });
  assert.deepEqual(tailSpan(run, 12, 6), { from: 6, to: 6, edge: [0.2, 3] });
  // ...and is gone once its first step is past the exit: no line outside the window.
  const gone = tailSpan(run, 13, 6);
  assert.ok(gone.to < gone.from && gone.edge === null, JSON.stringify(gone));
  const whole = { length: 20, last: 19, exit: null, outside: [] };
  assert.deepEqual(tailSpan(whole, 19, 12), { from: 7, to: 19, edge: null });
  // A run out for a while (steps 10-12, gone out at (1, 0.5)) and back: its tail ends at the edge while
  // it is out, and joins every position again once it is back.
  const away = { length: 20, last: 19, exit: null, outside: [10, 12, 1, 0.5] };
  assert.deepEqual(tailSpan(away, 11, 5), { from: 6, to: 9, edge: [1, 0.5] });
  assert.deepEqual(tailSpan(away, 14, 5), { from: 9, to: 14, edge: null });
});

test("layout: side column beside the plot when wide, under it when narrow; the plot keeps the rest", () => {
  const wide = playerLayout(1200, 700, 4, { controls: 50 });
  assert.ok(wide.wide);
  assert.equal(wide.sideWidth, 380); // a third of 1200 is 396, capped at 380: room for numbers on one line
  assert.equal(wide.plotWidth, 1200 - 380 - 12);
  // A lesson's words share the column: wider, up to 36% and 420 px.
  assert.equal(playerLayout(1000, 700, 4, { controls: 50, lesson: true }).sideWidth, 360);
  assert.equal(playerLayout(1400, 700, 4, { controls: 50, lesson: true }).sideWidth, 420);
  assert.equal(wide.plotHeight, 650);
  const phone = playerLayout(390, 700, 4, { controls: 90, minPlot: 200 });
  assert.ok(!phone.wide);
  assert.equal(phone.plotWidth, 390);
  assert.equal(phone.sideHeight, 26 * 5 + 12);
  assert.equal(phone.plotHeight, 700 - 90 - 142);
  const measured = playerLayout(700, 700, 4, { controls: 50, minPlot: 200, side: 180 });
  assert.ok(!measured.wide);
  assert.equal(measured.plotHeight, 700 - 50 - 180);
});
