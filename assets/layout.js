// Layout arithmetic of the race player: how large the plot is and where its panels go. Pure
// functions of numbers (no DOM), so Node's test runner checks them (tests/js/layout.test.mjs).
import { equalAspect, playerLayout, plotTransform } from "./core.js";

/** A side-by-side panel's margins: room for a title over the plot. */
function panelMargin(z) {
  return { ...z.margin, top: z.font + 14 };
}

/**
 * The grid of `n` side-by-side maps in a width × height canvas that draws the maps largest, their
 * margins (tick labels, titles) counted: columns, rows, and the area of one map in px².
 */
export function sideGrid(bounds, n, width, height, z) {
  let best = { cols: 1, rows: Math.max(1, n), area: 0 };
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols);
    const t = plotTransform(bounds, width / cols, height / rows, panelMargin(z), equalAspect(bounds));
    const area = Math.max(0, t.width) * Math.max(0, t.height);
    if (area > best.area + 1e-9) best = { cols, rows, area };
  }
  return best;
}

/**
 * The height the player may take, for a window `viewport` px high with the player's top `top` px
 * below the page's top: what is left of the first screen, so Play shows without scrolling (the page
 * keeps notes and warnings under the player, and a lesson's words beside the map, so the room left
 * is large), and never less than `least` px, where a phone scrolls anyway.
 */
export function roomFor(viewport, top, least = 260) {
  return Math.max(least, viewport - Math.max(0, top) - 6);
}

/**
 * The canvas size (CSS px) for a player `width` px wide with `room` px of viewport height left for
 * it. `side` is the measured height of the readout when it sits under the plot (`under` keeps it
 * there); `viewport` the window's height (a phone scrolls anyway: there the plot takes a square's
 * worth, not what is left). `wide` in the result says whether the readout goes beside the plot.
 */
export function canvasSize(data, runs, width, room, { controls = 56, side = null, viewport = 800, under = false } = {}) {
  const narrow = width < 640;
  const options = { present: !!data.present, controls, minPlot: narrow ? 260 : 240, side, lesson: !!data.lesson };
  const L = playerLayout(width, room, runs, under ? { ...options, wide: false } : options);
  // The height the plot would like at this width: a map drawn at equal scales needs no more.
  let ideal = Math.round(L.plotWidth * ({ oned: 0.9, side: 1.05 }[data.layout] ?? 0.8));
  const map = data.layout === "race" && equalAspect(data.bounds);
  const [[x0, x1], [y0, y1]] = data.dim === 1 ? [data.bounds[0], [0, 1]] : data.bounds;
  if (map) ideal = Math.round((L.plotWidth - 70) * ((y1 - y0) / (x1 - x0)) + 60);
  let h = data.layout === "race" ? Math.min(L.plotHeight, ideal) : L.plotHeight;
  if (narrow) h = Math.max(h, Math.min(ideal, Math.round(viewport * 0.7)));
  h = Math.max(200, h);
  let w = L.plotWidth;
  // A map bound by the height needs no more width than that: the readout then sits beside it.
  if (L.wide && map) w = Math.min(w, Math.round((h - 60) * ((x1 - x0) / (y1 - y0)) + 90));
  return { ...L, narrow, width: w, height: h };
}

/**
 * The panels to draw in a canvas of width × height: one map for the race, a grid of maps side by
 * side (titled with the runs' labels), and for a 1-D surface the curve over the step panel (x over
 * steps). `curve` is the 1-D surface's sampled values; `z` the text sizes and margins (draw.js's `sizes`).
 */
export function panelsFor(data, runs, curve, width, height, z) {
  const all = runs.map((_, i) => i);
  if (data.layout === "side") {
    const equal = equalAspect(data.bounds);
    const g = sideGrid(data.bounds, runs.length, width, height, z);
    const cw = width / g.cols;
    const ch = height / g.rows;
    const m = panelMargin(z);
    return all.map((i) => ({ kind: "map", runs: [i], title: runs[i].label, ox: (i % g.cols) * cw, oy: Math.floor(i / g.cols) * ch,
      t: plotTransform(data.bounds, cw, ch, m, equal) }));
  }
  if (data.layout === "oned") {
    // The curve above, x over the steps below: the lower panel is where a race's speed shows, so it
    // gets nearly half the height.
    const top = Math.round(height * 0.52);
    const [[x0, x1]] = data.bounds;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of curve.y) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!(lo <= hi)) { lo = 0; hi = 1; }
    const pad = 0.08 * (hi - lo || 1);
    const curveBounds = [[x0, x1], [lo - pad, hi + pad]];
    const stepBounds = [[0, Math.max(1, data.steps)], [x0, x1]];
    // Room for the axis titles: the y title above the axis, the x title under the tick labels.
    const m = { ...z.margin, top: z.font + 12, bottom: z.margin.bottom + z.font + 6 };
    return [
      { kind: "curve", runs: all, ox: 0, oy: 0, bounds: curveBounds, xTitle: "x", yTitle: "f(x)",
        t: plotTransform(curveBounds, width, top, m, false) },
      { kind: "steps", runs: all, ox: 0, oy: top, bounds: stepBounds, xTitle: "step", yTitle: "x",
        t: plotTransform(stepBounds, width, height - top, m, false) },
    ];
  }
  return [{ kind: "map", runs: all, ox: 0, oy: 0, t: plotTransform(data.bounds, width, height, z.margin, equalAspect(data.bounds)) }];
}
