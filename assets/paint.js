// Painting the race player's canvas: the static layer (backdrop, iso-lines, faint paths, markers,
// axes) once per layout, and each frame's moving parts (tails, heads, arrows) over it. What is
// drawn where comes from the data and its scene (see core.js's outsideSince); nothing is computed here.
import { coincident, edgeMarker, formatValue, headPoint, outsideSince, tailSpan } from "./core.js";
import { drawArrows, drawAxes, drawDiverged, drawEdgeMarker, drawHead, drawStar, polyline, sizes } from "./draw.js";
import { drawBatchArrows, drawIndefinite, drawTrailMarks, drawTrails } from "./marks.js";

/** A run's faint path on a map: positions 0..last, then on to where it left the window for good;
 *  `ink` (the scene's) thins a path that crosses the window over and over. */
function faintPath(g, t, run, marks) {
  g.strokeStyle = run.color;
  g.globalAlpha = marks.path_alpha * run.ink;
  g.lineWidth = marks.path_width * run.ink;
  g.lineJoin = "round";
  polyline(g, (k) => t.px(run.path[2 * k]), (k) => t.py(run.path[2 * k + 1]), 0, run.last);
  if (run.exit) {
    g.beginPath();
    g.moveTo(t.px(run.path[2 * run.last]), t.py(run.path[2 * run.last + 1]));
    g.lineTo(t.px(run.exit[0]), t.py(run.exit[1]));
    g.stroke();
  }
  g.globalAlpha = 1;
  return run.exit ?? [run.path[2 * run.last], run.path[2 * run.last + 1]];
}

function minimaStars(g, t, minima, marks) {
  for (const m of minima || []) {
    drawStar(g, t.px(m[0]), t.py(m[1]), marks.star);
    g.fillStyle = "#ffffff";
    g.fill();
    g.strokeStyle = "#000000";
    g.lineWidth = 1.2;
    g.stroke();
  }
}

function clipTo(g, t, pad = 0) {
  g.beginPath();
  g.rect(t.left - pad, t.top - pad, t.width + 2 * pad, t.height + 2 * pad);
  g.clip();
}

/**
 * The static layer. Returns, per map panel, where each run's faint path ends and where its
 * "diverged" cross is, in canvas CSS px (the player publishes them for tests and outside checks).
 */
export function paintStatic(g, s) {
  const d = s.data;
  const z = sizes(!!d.present);
  const marks = d.marks;
  const c = s.colors;
  const ends = [];
  g.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
  g.clearRect(0, 0, s.width, s.height);
  for (const p of s.panels) {
    g.save();
    g.translate(p.ox, p.oy);
    const t = p.t;
    if (p.kind === "map") {
      g.save();
      clipTo(g, t);
      if (s.image) g.drawImage(s.image, t.left, t.top, t.width, t.height);
      if (s.iso) {
        g.strokeStyle = c.iso;
        g.lineWidth = 1;
        polyline(g, (k) => t.px(s.iso[2 * k]), (k) => t.py(s.iso[2 * k + 1]), 0, s.iso.length / 2 - 1);
      }
      for (const i of p.runs) drawTrails(g, t, s.runs[i], marks);
      const end = p.runs.map((i) => faintPath(g, t, s.runs[i], marks));
      const triangles = p.runs.map((i) => drawIndefinite(g, t, s.runs[i], marks, c.halo));
      minimaStars(g, t, d.minima, marks);
      g.beginPath();
      g.arc(t.px(d.start[0]), t.py(d.start[1]), marks.start, 0, 2 * Math.PI);
      g.strokeStyle = c.ink;
      g.lineWidth = marks.start_width;
      g.stroke();
      g.restore();
      // The cross of a diverged run is drawn by the frame from its step on; here only where it goes.
      const px = ([x, y]) => [p.ox + t.px(x), p.oy + t.py(y)];
      ends.push(p.runs.map((i, j) => ({ run: i, end: px(end[j]), cross: s.runs[i].cross && s.runs[i].divergedAt !== null
        ? px(s.runs[i].cross) : null, triangles: triangles[j].map(([x, y]) => [p.ox + x, p.oy + y]) })));
      drawAxes(g, t, d.bounds, p, z, c);
    } else {
      drawAxes(g, t, p.bounds, p, z, c);
      g.save();
      clipTo(g, t);
      if (p.kind === "curve") {
        g.strokeStyle = c.ink;
        g.lineWidth = marks.tail_width * 0.7;
        polyline(g, (k) => t.px(s.curve.x[k]), (k) => t.py(s.curve.y[k]), 0, s.curve.x.length - 1);
        minimaStars(g, t, d.minima, marks);
      } else {
        for (const i of p.runs) {
          const run = s.runs[i];
          g.strokeStyle = run.color;
          g.lineWidth = marks.path_width;
          polyline(g, (k) => t.px(k), (k) => t.py(run.path[k]), 0, run.length - 1);
        }
      }
      g.restore();
    }
    g.restore();
  }
  return ends;
}

/** One frame at clock tick `step`: the static layer, then each run's tail, head and arrows. Returns
 *  what it drew at the heads beside them (z and y marks, gradient arrows' tips; canvas CSS px). */
export function paintFrame(ctx, staticLayer, s, step) {
  const d = s.data;
  const marks = d.marks;
  const z = sizes(!!d.present);
  const extras = [];
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.drawImage(staticLayer, 0, 0);
  ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
  for (const p of s.panels) {
    ctx.save();
    ctx.translate(p.ox, p.oy);
    const t = p.t;
    // Tails stay inside the plot; heads may overhang its edge by their size (one pinned there shows whole).
    ctx.save();
    clipTo(ctx, t);
    ctx.lineWidth = marks.tail_width;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    for (const i of p.runs) {
      const run = s.runs[i];
      const k = s.at(run, step);
      ctx.strokeStyle = run.color;
      if (p.kind === "map") {
        const tail = tailSpan(run, k, marks.tail);
        ctx.beginPath();
        for (let j = tail.from; j <= tail.to; j++) {
          const x = t.px(run.path[2 * j]);
          const y = t.py(run.path[2 * j + 1]);
          if (j === tail.from) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
        if (tail.edge && tail.to >= tail.from) ctx.lineTo(t.px(tail.edge[0]), t.py(tail.edge[1]));
        ctx.stroke();
      } else if (p.kind === "curve") {
        const tail = tailSpan(run, k, marks.tail);
        polyline(ctx, (j) => t.px(run.path[j]), (j) => t.py(run.loss[j]), tail.from, tail.to);
        if (tail.edge && tail.to >= tail.from) {
          ctx.beginPath();
          ctx.moveTo(t.px(run.path[tail.to]), t.py(run.loss[tail.to]));
          ctx.lineTo(t.px(tail.edge[0]), t.py(tail.edge[1]));
          ctx.stroke();
        }
      }
    }
    ctx.restore();
    ctx.save();
    clipTo(ctx, t, 2 * marks.head + 4);
    // Where each head goes, first: heads that would hide each other are drawn as rings.
    const at = p.runs.map((i) => {
      const run = s.runs[i];
      const k = s.at(run, step);
      const gone = diverged(s, run, step);
      const since = gone ? null : outsideSince(run, k);
      const [hx, hy] = headPoint(run, k);
      const xy = p.kind === "steps" ? [t.px(k), t.py(hx)] : [t.px(hx), t.py(hy)];
      return { i, run, k, gone, since, xy: gone || since !== null ? null : xy };
    });
    const rings = coincident(at.map((a) => a.xy), 0.9 * marks.head);
    at.forEach((a, j) => {
      const { i, run, k } = a;
      if (a.gone) {
        if (p.kind !== "steps") {
          const cross = drawDiverged(ctx, t, run, marks, z.font, s.colors.halo, s.colors.ink);
          if (cross) extras.push({ run: i, panel: p.kind, cross: [p.ox + cross[0], p.oy + cross[1]] });
        }
        return;
      }
      if (a.since !== null) {
        const edge = outsideMark(ctx, t, p, run, k, s, marks, z);
        extras.push({ run: i, panel: p.kind, outside: { since: a.since, at: [p.ox + edge[0], p.oy + edge[1]] } });
        return;
      }
      const [x, y] = a.xy;
      const r = p.kind === "steps" ? run.dot : marks.head;
      drawHead(ctx, x, y, r, run.color, run.shape, rings[j].rank * marks.ring);
      const extra = {};
      if (p.kind === "map") {
        Object.assign(extra, drawTrailMarks(ctx, t, run, k, marks));
        if (run.full) extra.arrows = drawBatchArrows(ctx, t, run, k, d.bounds, s.colors.ink);
        else if (d.arrows && run.grads) drawArrows(ctx, t, run, k, d.bounds, s.colors.ink);
        for (const v of Object.values(extra)) if (v) for (const xy of Array.isArray(v) ? [v] : Object.values(v)) { xy[0] += p.ox; xy[1] += p.oy; }
      }
      // What was drawn at each head (canvas CSS px), in every panel: tests and outside checks read it.
      extras.push({ run: i, panel: p.kind, head: [p.ox + x, p.oy + y],
        ...(rings[j].rank ? { ring: rings[j].rank, with: p.runs[rings[j].with] } : {}), ...extra });
    });
    if (p.kind === "steps" && !s.byEvals) {
      ctx.strokeStyle = s.colors.soft;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(t.px(step), t.top);
      ctx.lineTo(t.px(step), t.top + t.height);
      ctx.stroke();
    }
    ctx.restore();
    ctx.restore();
  }
  return extras;
}

/** Whether `run` has diverged by clock tick `step` (its cross shows from then on, never before). */
export function diverged(s, run, step) {
  if (run.divergedAt === null) return false;
  return s.byEvals && run.evals ? step > run.evals[run.length - 1] : step >= run.divergedAt;
}

/** The edge marker of a run outside the window at index k, with its true coordinates; returns where
 *  the arrow sits (panel CSS px). In 1-D the curve's panel points left or right at the curve's end,
 *  and the steps panel up or down at the step. */
function outsideMark(g, t, p, run, k, s, marks, z) {
  const map = p.kind === "map";
  const point = map ? [run.path[2 * k], run.path[2 * k + 1]] : [run.path[k]];
  const m = edgeMarker(map ? s.data.bounds : [s.data.bounds[0]], point);
  let where;
  let towards;
  if (map) {
    where = [t.px(m.at[0]), t.py(m.at[1])];
    towards = [m.direction[0], -m.direction[1]];
  } else if (p.kind === "curve") {
    where = [t.px(m.at[0]), t.py(s.curve.y[m.direction[0] > 0 ? s.curve.y.length - 1 : 0])];
    towards = [m.direction[0], 0];
  } else {
    where = [t.px(k), t.py(m.at[0])];
    towards = [0, -m.direction[0]];
  }
  const text = map ? `(${formatValue(point[0])}, ${formatValue(point[1])})` : `x = ${formatValue(point[0])}`;
  drawEdgeMarker(g, t, where[0], where[1], towards[0], towards[1], 0.8 * marks.head, run.color, text, z.font, s.colors.halo);
  return where;
}
