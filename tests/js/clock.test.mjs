// The race clocked by gradient evaluations: which step each run shows at a tick (run: node --test tests/js/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { clockEnd, cumulativeEvals, decodeRun, runIndex } from "../../assets/core.js";

const f32 = (values) => Buffer.from(new Float32Array(values).buffer).toString("base64");
// A run of `length` positions on a line, with `evals` as the payload sends it.
const run = (length, evals) => decodeRun({ label: "r", color: "#000", path: f32(Array.from({ length: 2 * length }, (_, i) => i)),
  loss: f32(Array.from({ length }, () => 0)), evals }, 2);

test("two evaluations a step: the running sums are 0, 2, 4, ...", () => {
  assert.deepEqual([...cumulativeEvals(2, 4)], [0, 2, 4, 6]);
  assert.deepEqual([...cumulativeEvals(f32([0, 1, 3]), 3)], [0, 1, 3]);
  assert.equal(cumulativeEvals(undefined, 4), null);
  assert.throws(() => cumulativeEvals(f32([0, 1]), 3), /2 evaluation counts for 3 positions/);
});

test("at tick 100 a run of two evaluations a step is at step 50, one of one at step 100", () => {
  const sam = run(201, 2);
  const sgd = run(201, 1);
  assert.equal(runIndex(sam, 100, true), 50);
  assert.equal(runIndex(sam, 101, true), 50); // half a step is not a step
  assert.equal(runIndex(sgd, 100, true), 100);
  assert.equal(runIndex(sam, 100, false), 100); // clocked by steps every run is at the tick
  assert.equal(runIndex(sam, 0, true), 0);
  assert.equal(runIndex(sam, 1, true), 0);
  assert.equal(runIndex(sam, 10_000, true), 200); // past its end it holds its last position
});

test("uneven evaluations: the last step reached with at most that many", () => {
  const r = run(4, f32([0, 1, 3, 4]));
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((c) => runIndex(r, c, true)), [0, 1, 1, 2, 3, 3]);
});

test("the clock ends where the run with the most evaluations ends", () => {
  const runs = [run(201, 2), run(201, 1), run(31, 1)];
  assert.equal(clockEnd(runs, 200, true), 400);
  assert.equal(clockEnd(runs, 200, false), 200);
});
