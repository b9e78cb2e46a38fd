// The player's layout arithmetic and its keys, with expected values worked out by hand
// (run: node --test tests/js/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { keyAction } from "../../assets/controls.js";
import { canvasSize, panelsFor, roomFor, sideGrid } from "../../assets/layout.js";

const Z = { font: 12, margin: { left: 40, right: 10, top: 10, bottom: 30 } };

test("a square map on a wide screen: as tall as the room allows, and no wider than it needs", () => {
  const data = { layout: "race", dim: 2, bounds: [[-3, 3], [-3, 3]], present: false };
  // 1200 wide: side column 380 (a third is 396, capped at 380), plot 1200 - 380 - 12 = 808 wide.
  // Room 600 less 50 of controls: 550 high; a square map at 808 wide would like (808-70)+60 = 798.
  const L = canvasSize(data, 3, 1200, 600, { controls: 50 });
  assert.ok(L.wide);
  assert.equal(L.height, 550);
  // The width a 550-high square map needs: (550 - 60) + 90 = 580.
  assert.equal(L.width, 580);
  // With room to spare the map takes its ideal height at the full plot width.
  const tall = canvasSize(data, 3, 1200, 2000, { controls: 50 });
  assert.equal(tall.height, 798);
  assert.equal(tall.width, 808);
});

test("a phone: the plot takes the width, and a square's worth of height even with little room", () => {
  const data = { layout: "race", dim: 2, bounds: [[-3, 3], [-3, 3]], present: false };
  const L = canvasSize(data, 3, 390, 300, { controls: 90, side: 120, viewport: 844 });
  assert.ok(!L.wide && L.narrow);
  assert.equal(L.width, 390);
  // ideal (390 - 70) + 60 = 380 < 70% of 844: the map is 380 high though the room is smaller.
  assert.equal(L.height, 380);
});

test("panels: one map, a grid side by side titled by label, the curve over the steps in 1-D", () => {
  const runs = [{ label: "a" }, { label: "b" }, { label: "c" }, { label: "d" }];
  const race = panelsFor({ layout: "race", bounds: [[0, 1], [0, 1]] }, runs, null, 500, 400, Z);
  assert.equal(race.length, 1);
  assert.deepEqual(race[0].runs, [0, 1, 2, 3]);
  // Equal scales: min(450, 360) px per unit: a 360 box centred in the 450 px across.
  assert.equal(race[0].t.width, 360);
  assert.equal(race[0].t.left, 40 + 45);
  const side = panelsFor({ layout: "side", bounds: [[0, 1], [0, 1]] }, runs, null, 800, 800, Z);
  assert.deepEqual(side.map((p) => [p.ox, p.oy, p.title]), [[0, 0, "a"], [400, 0, "b"], [0, 400, "c"], [400, 400, "d"]]);
  // A 400 × 400 cell less margins (left 40, right 10, a title's 12 + 14 on top, 30 below) leaves
  // 350 × 344: a square box of 344, centred across (left 40 + 3).
  assert.deepEqual([side[3].t.left, side[3].t.top, side[3].t.width, side[3].t.height], [43, 26, 344, 344]);
  const curve = { x: [0, 1, 2], y: [4, NaN, 0] };
  const oned = panelsFor({ layout: "oned", bounds: [[0, 2]], steps: 50 }, runs.slice(0, 2), curve, 600, 500, Z);
  // The steps panel, where a race's speed shows, gets 48% of the height.
  assert.deepEqual(oned.map((p) => [p.kind, p.oy]), [["curve", 0], ["steps", 260]]);
  // The curve's range is its finite values padded by 8%: [0 - 0.32, 4 + 0.32].
  assert.deepEqual(oned[0].bounds, [[0, 2], [-0.32, 4.32]]);
  assert.deepEqual(oned[1].bounds, [[0, 50], [0, 2]]);
});

test("keys: space plays or pauses, arrows step, Home and End jump; others are left alone", () => {
  assert.equal(keyAction(" "), "toggle");
  assert.equal(keyAction("ArrowLeft"), "back");
  assert.equal(keyAction("ArrowRight"), "forward");
  assert.equal(keyAction("Home"), "first");
  assert.equal(keyAction("End"), "last");
  assert.equal(keyAction("a"), null);
  assert.equal(keyAction("Tab"), null);
});

test("room: what is left of the first screen, never less than a floor", () => {
  assert.equal(roomFor(900, 300), 594); // 900 - 300 - 6, Play stays on the first screen
  assert.equal(roomFor(900, 554), 340); // less than half left: still the first screen, never a flip
  assert.equal(roomFor(900, 700), 260); // too little left (a phone's long header): the floor
  assert.equal(roomFor(720, -50), 714); // scrolled past its top: the whole window
});

test("side by side: the grid that draws the maps largest, margins counted", () => {
  const square = [[0, 1], [0, 1]];
  // 800 × 800: 2 × 2 cells of 400 leave maps of 344 (height less title 26 and ticks 30); a row of
  // four cells 200 wide leaves 150.
  assert.deepEqual(sideGrid(square, 4, 800, 800, Z), { cols: 2, rows: 2, area: 344 * 344 });
  // 1240 × 302: a row of four (cells 310 × 302, maps 246) beats 2 × 2 (cells 151 high, maps 95).
  assert.deepEqual(sideGrid(square, 4, 1240, 302, Z), { cols: 4, rows: 1, area: 246 * 246 });
});
