// What the drawing helpers put where, read from a recording stand-in for the canvas context: tick
// labels stay inside the canvas, and "diverged at step k" is written in the theme's ink
// (run: node --test tests/js/).
import assert from "node:assert/strict";
import { test } from "node:test";

import { plotTransform } from "../../assets/core.js";
import { drawAxes, drawDiverged, palette, sizes } from "../../assets/draw.js";

/** A 2-D context that records the text it is asked to write (7 px a character, as a narrow font). */
function recorder(width, height, dpr = 2) {
  const texts = [];
  const g = {
    canvas: { width: width * dpr, height: height * dpr },
    getTransform: () => ({ a: dpr }),
    measureText: (text) => ({ width: 7 * String(text).length }),
    fillText(text, x, y) { texts.push({ text: String(text), x, y, align: this.textAlign, fill: this.fillStyle }); },
  };
  for (const name of ["strokeRect", "fillRect", "beginPath", "moveTo", "lineTo", "stroke", "strokeText"]) g[name] = () => {};
  return { g, texts };
}

/** Where a recorded label's left and right ends are, for its alignment. */
function extent({ text, x, align }) {
  const w = 7 * text.length;
  if (align === "right") return [x - w, x];
  if (align === "center") return [x - w / 2, x + w / 2];
  return [x, x + w];
}

test("tick labels at the right end of an axis stay inside the canvas", () => {
  const z = sizes(false);
  const width = 600;
  // Steps 0..2000 across the whole width: the last label, "2000", is centred on the plot's right
  // edge, 12 px from the canvas's edge, and would be cut in half.
  const bounds = [[0, 2000], [0, 0.15]];
  const t = plotTransform(bounds, width, 300, z.margin, false);
  const { g, texts } = recorder(width, 300);
  drawAxes(g, t, bounds, {}, z, palette(false));
  const last = texts.find((l) => l.text === "2000");
  assert.ok(last, "the axis labels its last step");
  for (const label of texts) {
    const [left, right] = extent(label);
    assert.ok(left >= 0 && right <= width, `${label.text} runs from ${left} to ${right}, outside 0..${width}`);
  }
});

test("a side-by-side panel's labels stay inside the canvas too (the panel is offset)", () => {
  const z = sizes(false);
  const bounds = [[-2, 2], [-1, 3]];
  const t = plotTransform(bounds, 300, 300, z.margin, true);
  const { g, texts } = recorder(600, 300);
  drawAxes(g, t, bounds, { ox: 300 }, z, palette(false));
  for (const label of texts) assert.ok(extent(label)[1] + 300 <= 600, `${label.text} is cut at the canvas's edge`);
});

test("'diverged at step k' is written in the theme's ink, readable on either theme's map", () => {
  const t = plotTransform([[-1, 1], [-1, 1]], 400, 400, sizes(false).margin, true);
  const run = { divergedAt: 114, cross: [0, 1], color: "#009E73" };
  const marks = { cross: 8.5, cross_width: 4 };
  for (const dark of [false, true]) {
    const c = palette(dark);
    const { g, texts } = recorder(400, 400);
    drawDiverged(g, t, run, marks, 12.5, c.halo, c.ink);
    assert.deepEqual(texts.map((l) => [l.text, l.fill]), [["diverged at step 114", c.ink]]);
  }
});
