// The data panel beside the race on a data surface: the points, and each run's fitted line (linear
// regression) or decision boundary (logistic regression) at the step the player's clock shows. The
// points and every step's clipped segment come from the server; this only draws them.
import { plotTransform } from "./core.js";
import { drawAxes } from "./draw.js";

/** The panel's titles: what its axes are and what it shows. */
function titles(kind) {
  return kind === "line"
    ? { title: "data and fitted lines" }
    : { title: "data (● +1, ○ −1) and boundaries" };
}

/**
 * Draw the panel on `g` (a `width` × `height` CSS px canvas at `dpr`) at clock tick `step`; `at(run,
 * tick)` gives a run's index. Returns per run the segment drawn, `{ run, index, data: [x0, y0, x1,
 * y1], px: [...] }` (data coordinates and canvas CSS px), for tests.
 */
export function paintData(g, s, step, width, height) {
  const d = s.data.data;
  const c = s.colors;
  const font = s.data.present ? 15 : 11.5;
  const z = { font, margin: { left: 40, right: 8, top: font + 10, bottom: font + 10 } };
  g.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
  g.clearRect(0, 0, width, height);
  const t = plotTransform(d.window, width, height, z.margin, false);
  drawAxes(g, t, d.window, titles(d.kind), z, c);
  g.save();
  g.beginPath();
  g.rect(t.left, t.top, t.width, t.height);
  g.clip();
  const pts = s.dataPoints;
  const r = s.data.present ? 3.4 : 2.6;
  for (let i = 0; 2 * i + 1 < pts.length; i++) {
    g.beginPath();
    g.arc(t.px(pts[2 * i]), t.py(pts[2 * i + 1]), r, 0, 2 * Math.PI);
    const hollow = d.labels && d.labels[i] === "-";
    g.lineWidth = 1.2;
    g.strokeStyle = c.soft;
    if (!hollow) {
      g.fillStyle = c.soft;
      g.fill();
    }
    g.stroke();
  }
  const drawn = [];
  g.lineWidth = s.data.present ? 3.2 : 2.4;
  g.lineCap = "round";
  s.runs.forEach((run, i) => {
    if (!run.segments) return;
    const k = Math.min(s.at(run, step), run.segments.length / 4 - 1);
    const seg = [...run.segments.slice(4 * k, 4 * k + 4)];
    const px = [t.px(seg[0]), t.py(seg[1]), t.px(seg[2]), t.py(seg[3])];
    if (!px.every(Number.isFinite)) return;
    g.strokeStyle = run.color;
    g.beginPath();
    g.moveTo(px[0], px[1]);
    g.lineTo(px[2], px[3]);
    g.stroke();
    drawn.push({ run: i, index: k, data: seg, px });
  });
  g.restore();
  return { drawn, plot: [t.left, t.top, t.width, t.height] };
}
