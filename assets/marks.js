// What some runs add to the race map, each from the run's own arrays: Schedule-Free's z and y as faint
// trails with a mark at the current step, Newton's positions where H was not positive definite as
// hollow triangles, and on a mini-batch race the full gradient next to the mini-batch one at a head.

import { arrow } from "./draw.js";

/** The marks of the extra trails: z a square, y a diamond (the path x keeps the round head). */
export const TRAIL_STYLE = { z: { dash: [5, 4], shape: "square" }, y: { dash: [1.5, 3.5], shape: "diamond" } };

/** The faint z and y trails of a run (positions 0..last, like its path). */
export function drawTrails(g, t, run, marks) {
  if (!run.trails) return;
  g.strokeStyle = run.color;
  g.globalAlpha = 0.8 * marks.path_alpha;
  g.lineWidth = Math.max(1, 0.8 * marks.path_width);
  for (const [name, xy] of Object.entries(run.trails)) {
    g.setLineDash(TRAIL_STYLE[name]?.dash ?? [4, 4]);
    g.beginPath();
    let pen = false;
    for (let k = 0; k <= run.last && 2 * k + 1 < xy.length; k++) {
      const x = t.px(xy[2 * k]);
      const y = t.py(xy[2 * k + 1]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
      if (pen) g.lineTo(x, y); else g.moveTo(x, y);
      pen = true;
    }
    g.stroke();
  }
  g.setLineDash([]);
  g.globalAlpha = 1;
}

function shape(g, kind, x, y, r) {
  g.beginPath();
  if (kind === "square") g.rect(x - r * 0.8, y - r * 0.8, 1.6 * r, 1.6 * r);
  else { g.moveTo(x, y - r); g.lineTo(x + r, y); g.lineTo(x, y + r); g.lineTo(x - r, y); g.closePath(); }
}

/** The z and y marks at index k: small shapes in the run's colour with a white rim. Returns where
 *  they were drawn, `{ z: [px, py], y: [px, py] }` (canvas CSS px in the panel). */
export function drawTrailMarks(g, t, run, k, marks) {
  const out = {};
  if (!run.trails) return out;
  const r = 0.75 * marks.head;
  for (const [name, xy] of Object.entries(run.trails)) {
    const j = Math.min(k, xy.length / 2 - 1);
    const x = t.px(xy[2 * j]);
    const y = t.py(xy[2 * j + 1]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    shape(g, TRAIL_STYLE[name]?.shape ?? "square", x, y, r);
    g.fillStyle = run.color;
    g.fill();
    g.lineWidth = 1.5;
    g.strokeStyle = "#ffffff";
    g.stroke();
    out[name] = [x, y];
  }
  return out;
}

/** Hollow triangles at the positions where Newton's H was not positive definite (the step from
 *  there heads for the model's saddle or maximum). Returns their centres (canvas CSS px in the panel). */
export function drawIndefinite(g, t, run, marks, halo) {
  const out = [];
  const r = 0.75 * marks.head;
  for (const k of run.indefinite) {
    if (k > run.last) continue;
    const x = t.px(run.path[2 * k]);
    const y = t.py(run.path[2 * k + 1]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    g.beginPath();
    g.moveTo(x, y - r);
    g.lineTo(x + 0.9 * r, y + 0.6 * r);
    g.lineTo(x - 0.9 * r, y + 0.6 * r);
    g.closePath();
    g.lineWidth = 3.5;
    g.strokeStyle = halo;
    g.stroke();
    g.lineWidth = 1.6;
    g.strokeStyle = run.color;
    g.stroke();
    out.push([x, y]);
  }
  return out;
}

/**
 * At index k of a mini-batch race: downhill along the full gradient (dotted, ink) and along the
 * mini-batch gradient the step used (solid, the run's colour), on one scale: the longer is 8% of the
 * window's diagonal, so their lengths compare. Returns the arrows' tips (canvas CSS px), or null.
 */
export function drawBatchArrows(g, t, run, k, bounds, ink) {
  if (!run.full || !run.grads || 2 * k + 1 >= run.full.length || k >= run.length - 1) return null;
  const x = run.path[2 * k];
  const y = run.path[2 * k + 1];
  const full = [-run.full[2 * k], -run.full[2 * k + 1]];
  const batch = [-run.grads[2 * k], -run.grads[2 * k + 1]];
  const longest = Math.max(Math.hypot(...full), Math.hypot(...batch));
  if (!(longest > 0) || !Number.isFinite(longest)) return null;
  const scale = (0.08 * Math.hypot(bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0])) / longest;
  const sx = t.px(x);
  const sy = t.py(y);
  const tips = {};
  for (const [name, [dx, dy], color, dash] of [["full", full, ink, [2, 3]], ["batch", batch, run.color, []]]) {
    const ex = t.px(x + dx * scale);
    const ey = t.py(y + dy * scale);
    arrow(g, sx, sy, ex, ey, color, dash, 2.5, 9);
    tips[name] = [ex, ey];
  }
  return tips;
}
