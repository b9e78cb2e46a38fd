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
  g.textBaseline = "top";
  const right = g.canvas.width / (g.getTransform().a || 1) - (panel.ox ?? 0);
  for (const v of xt.values) {
    const x = t.px(v);
    g.fillRect(x - 0.5, t.top + t.height, 1, 4);
    // A label at the right end would be cut by the canvas's edge: it ends at its tick instead.
    const label = tickLabel(v, xt.step);
    const half = g.measureText(label).width / 2;
    g.textAlign = x + half > right - 1 ? "right" : "center";
    g.fillText(label, g.textAlign === "right" ? Math.min(x + half, right - 1) : x, t.top + t.height + 6);
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

/** A diverged run ends at a cross in its colour where the scene puts it (on the window's edge if it
 *  left the window), labelled with its step in the theme's ink over a halo (a run's colour on the
 *  dark theme's grey map is too faint to read). Returns the cross's centre (canvas CSS px), or null. */
export function drawDiverged(g, t, run, marks, font, halo, ink = "#1f2430") {
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
  haloText(g, text, tx, ty, halo, ink);
  return [x, y];
}

/** Text left-aligned at (x, y) over a halo of the background's colour, so it reads over any map. */
function haloText(g, text, x, y, halo, fill) {
  g.textAlign = "left";
  g.textBaseline = "alphabetic";
  g.lineWidth = 3;
  g.strokeStyle = halo;
  g.strokeText(text, x, y);
  g.fillStyle = fill;
  g.fillText(text, x, y);
}

/** The outline of a mark shape (scene.py's SHAPES) of radius r around (x, y): each covers about the
 *  area of a disc of radius r, so no shape looks larger than another. */
export function shapePath(g, kind, x, y, r) {
  g.beginPath();
  const polygon = (n, start, scale = 1) => {
    for (let i = 0; i < n; i++) {
      const a = start + (i * 2 * Math.PI) / n;
      g.lineTo(x + scale * r * Math.cos(a), y + scale * r * Math.sin(a));
    }
    g.closePath();
  };
  if (kind === "square") g.rect(x - 0.89 * r, y - 0.89 * r, 1.78 * r, 1.78 * r);
  else if (kind === "diamond") polygon(4, -Math.PI / 2, 1.25);
  else if (kind === "triangle") polygon(3, -Math.PI / 2, 1.35);
  else if (kind === "triangle-down") polygon(3, Math.PI / 2, 1.35);
  else if (kind === "pentagon") polygon(5, -Math.PI / 2, 1.1);
  else if (kind === "hexagon") polygon(6, 0, 1.05);
  else if (kind === "star") {
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const rr = (i % 2 ? 0.6 : 1.35) * r;
      g.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    g.closePath();
  } else g.arc(x, y, r, 0, 2 * Math.PI);
}

/** A run's head: its shape filled in its colour with a white rim; `ring` > 0 draws it instead as an
 *  outline that much wider (a head on the same spot as an earlier one shows as a ring around it). */
export function drawHead(g, x, y, r, color, shape = "circle", ring = 0) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  if (ring > 0) {
    shapePath(g, shape, x, y, r + ring);
    g.lineWidth = 5;
    g.strokeStyle = "#ffffff";
    g.stroke();
    g.lineWidth = 2.8;
    g.strokeStyle = color;
    g.stroke();
    return;
  }
  shapePath(g, shape, x, y, r);
  g.fillStyle = color;
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = "#ffffff";
  g.stroke();
}

/** A run outside the window: an arrowhead in its colour on the window's edge at (x, y), pointing
 *  along (dx, dy) (canvas px, y down) towards where the run is, and its true coordinates beside it,
 *  inside the plot. Returns the label's text. */
export function drawEdgeMarker(g, t, x, y, dx, dy, r, color, text, font, halo) {
  const a = Math.atan2(dy, dx);
  const tip = [x + Math.cos(a) * r * 0.9, y + Math.sin(a) * r * 0.9];
  g.beginPath();
  g.moveTo(tip[0], tip[1]);
  g.lineTo(tip[0] - 2.2 * r * Math.cos(a - 0.5), tip[1] - 2.2 * r * Math.sin(a - 0.5));
  g.lineTo(tip[0] - 2.2 * r * Math.cos(a + 0.5), tip[1] - 2.2 * r * Math.sin(a + 0.5));
  g.closePath();
  g.fillStyle = color;
  g.fill();
  g.lineWidth = 1.5;
  g.strokeStyle = halo;
  g.stroke();
  g.font = `bold ${font}px system-ui, sans-serif`;
  const w = g.measureText(text).width;
  // Beside the arrow, on the inside of the window.
  let tx = x - Math.cos(a) * (2.6 * r) - w / 2;
  let ty = y - Math.sin(a) * (2.6 * r) + font / 3;
  tx = Math.max(t.left + 3, Math.min(tx, t.left + t.width - w - 3));
  ty = Math.max(t.top + font, Math.min(ty, t.top + t.height - 4));
  haloText(g, text, tx, ty, halo, color);
  return text;
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
