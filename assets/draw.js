// Drawing helpers of the race player: each draws one thing on a 2-D canvas context from values it
// is given (a plot transform, sizes, colours); none keeps state. paint.js decides what to draw where.
import { niceTicks, tickLabel } from "./core.js";

/** Colours that are not a run's own: ink for text and frames, faint iso-lines, the halo behind text. */
export function palette(dark) {
  return dark
    ? { ink: "#f0f0f0", soft: "rgba(240,240,240,0.7)", iso: "rgba(255,255,255,0.26)", frame: "rgba(255,255,255,0.35)", halo: "#0e1117" }
    : { ink: "#1f2430", soft: "rgba(31,36,48,0.7)", iso: "rgba(20,30,60,0.22)", frame: "rgba(31,36,48,0.35)", halo: "#ffffff" };
}

/** Text sizes in CSS px and the plot's margins; presentation mode is larger. The marks' sizes (heads,
 *  tails, crosses, stars) are the scene's and come with the data. */
export function sizes(present) {
  const p = !!present;
  return { font: p ? 18 : 12.5, margin: { left: p ? 64 : 48, right: 12, top: 10, bottom: p ? 40 : 30 } };
}

/** A five-pointed star's outline (the known minima). */
export function drawStar(ctx, x, y, r) {
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 ? r * 0.45 : r;
    ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
}

/** A polyline through points from..to given by two accessors; a non-finite point breaks the line. */
export function polyline(ctx, xs, ys, from, to) {
  ctx.beginPath();
  let pen = false;
  for (let k = from; k <= to; k++) {
    const x = xs(k);
    const y = ys(k);
    if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
    if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
    pen = true;
  }
  ctx.stroke();
}

/** The plot's frame, tick marks with labels, axis titles and a panel title. */
export function drawAxes(g, t, bounds, panel, z, c) {
  g.strokeStyle = c.frame;
  g.lineWidth = 1;
  g.strokeRect(t.left, t.top, t.width, t.height);
  g.fillStyle = c.ink;
  g.font = `${z.font}px system-ui, sans-serif`;
  const xt = niceTicks(bounds[0][0], bounds[0][1], Math.max(3, Math.floor(t.width / (z.font * 5))));
  g.textAlign = "center";
  g.textBaseline = "top";
  for (const v of xt.values) {
    const x = t.px(v);
    g.fillRect(x - 0.5, t.top + t.height, 1, 4);
    g.fillText(tickLabel(v, xt.step), x, t.top + t.height + 6);
  }
  const yt = niceTicks(bounds[1][0], bounds[1][1], Math.max(3, Math.floor(t.height / (z.font * 3.5))));
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (const v of yt.values) {
    const y = t.py(v);
    g.fillRect(t.left - 4, y - 0.5, 4, 1);
    g.fillText(tickLabel(v, yt.step), t.left - 7, y);
  }
  if (panel.xTitle) {
    g.textAlign = "center";
    g.textBaseline = "top";
    g.fillText(panel.xTitle, t.left + t.width / 2, t.top + t.height + z.font + 10);
    g.textAlign = "left";
    g.textBaseline = "bottom";
    g.fillText(panel.yTitle, t.left - z.font * 2, t.top - 4);
  }
  if (panel.title) {
    g.textAlign = "left";
    g.textBaseline = "bottom";
    g.fillText(panel.title, t.left, t.top - 4);
  }
}

/** A diverged run ends at a cross where the scene puts it (on the window's edge if it left the
 *  window), labelled with its step. Returns the cross's centre on the canvas (CSS px), or null. */
export function drawDiverged(g, t, run, marks, font, halo) {
  if (run.divergedAt === null || !run.cross) return null;
  const x = t.px(run.cross[0]);
  const y = t.py(run.cross[1]);
  const r = marks.cross;
  g.strokeStyle = run.color;
  g.lineWidth = marks.cross_width;
  g.lineCap = "round";
  g.beginPath();
  g.moveTo(x - r, y - r); g.lineTo(x + r, y + r);
  g.moveTo(x + r, y - r); g.lineTo(x - r, y + r);
  g.stroke();
  const text = `diverged at step ${run.divergedAt}`;
  g.font = `bold ${font}px system-ui, sans-serif`;
  const w = g.measureText(text).width;
  const tx = Math.max(t.left + 4, Math.min(x - w / 2, t.left + t.width - w - 4));
  // Above the cross when there is room inside the plot, else under it.
  const ty = y - r - 6 - font < t.top ? y + r + font + 4 : y - r - 6;
  g.textAlign = "left";
  g.textBaseline = "alphabetic";
  g.lineWidth = 3;
  g.strokeStyle = halo;
  g.strokeText(text, tx, ty);
  g.fillStyle = run.color;
  g.fillText(text, tx, ty);
  return [x, y];
}

/** A run's head: a disc in its colour with a white rim (earlier runs get larger ones, so heads on one
 *  spot show as rings). */
export function drawHead(g, x, y, r, color) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  g.beginPath();
  g.arc(x, y, r, 0, 2 * Math.PI);
  g.fillStyle = color;
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = "#ffffff";
  g.stroke();
}

/** At step k: the downhill direction (dotted, ink) and the step taken (solid, the run's colour), both
 *  8% of the window's diagonal long, so what they show is direction. */
export function drawArrows(g, t, run, k, bounds, ink) {
  if (k >= run.length - 1 || 2 * k + 1 >= run.grads.length) return;
  const x = run.path[2 * k];
  const y = run.path[2 * k + 1];
  const len = 0.08 * Math.hypot(bounds[0][1] - bounds[0][0], bounds[1][1] - bounds[1][0]);
  const pairs = [[-run.grads[2 * k], -run.grads[2 * k + 1], ink, [3, 4]],
    [run.path[2 * k + 2] - x, run.path[2 * k + 3] - y, run.color, []]];
  for (const [dx, dy, color, dash] of pairs) {
    const norm = Math.hypot(dx, dy);
    if (!(norm > 0) || !Number.isFinite(norm)) continue;
    const ex = t.px(x + (dx / norm) * len);
    const ey = t.py(y + (dy / norm) * len);
    arrow(g, t.px(x), t.py(y), ex, ey, color, dash);
  }
}

/** One arrow from (sx, sy) to (ex, ey), dashed or solid; its head at most ``maxHead`` pixels and at
 *  most half the arrow. */
export function arrow(g, sx, sy, ex, ey, color, dash, width = 2.5, maxHead = 10) {
  g.setLineDash(dash);
  g.strokeStyle = color;
  g.lineWidth = width;
  g.beginPath();
  g.moveTo(sx, sy);
  g.lineTo(ex, ey);
  g.stroke();
  g.setLineDash([]);
  const a = Math.atan2(ey - sy, ex - sx);
  const head = Math.min(maxHead, 0.5 * Math.hypot(ex - sx, ey - sy));
  g.beginPath();
  g.moveTo(ex, ey);
  g.lineTo(ex - head * Math.cos(a - 0.4), ey - head * Math.sin(a - 0.4));
  g.lineTo(ex - head * Math.cos(a + 0.4), ey - head * Math.sin(a + 0.4));
  g.closePath();
  g.fillStyle = color;
  g.fill();
}
