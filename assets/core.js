// The race player's pure parts: decoding the server's arrays, tick choice, the step <-> slider
// mapping, the clock, layout arithmetic and the plot's coordinate transform. No DOM in here, so
// Node's test runner exercises every function directly (tests/js/).

/** Bytes of a base64 string (atob exists in browsers and in Node >= 16). */
export function base64Bytes(text) {
  const raw = atob(text || "");
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/**
 * The component's message back as the payload (see playground/page/transport.py): a uint32 header
 * length, a JSON header in which each array is {"$": kind, "o": offset, "n": bytes}, then the arrays.
 * Arrays come back typed (f32 as Float32Array, u16 as Uint16Array), a PNG as its data URL.
 */
export function unpack(message) {
  const bytes = message instanceof Uint8Array ? message : new Uint8Array(message.buffer ?? message,
    message.byteOffset ?? 0, message.byteLength);
  const size = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  const body = bytes.subarray(4 + size);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + size)));
  const array = ({ $: kind, o, n }) => {
    const part = body.slice(o, o + n); // a copy, so the typed view starts aligned
    if (kind === "f32") return new Float32Array(part.buffer);
    if (kind === "u16") return new Uint16Array(part.buffer);
    let text = "";
    for (let i = 0; i < part.length; i += 8192) text += String.fromCharCode(...part.subarray(i, i + 8192));
    return `data:image/png;base64,${btoa(text)}`;
  };
  const walk = (v) => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const keys = Object.keys(v);
      if (keys.length === 3 && "$" in v && "o" in v && "n" in v) return array(v);
      return Object.fromEntries(keys.map((k) => [k, walk(v[k])]));
    }
    return v;
  };
  return walk(header);
}

/** A little-endian float32 array sent as base64, or already unpacked (NaN stays NaN: it marks breaks). */
export function decodeFloat32(text) {
  if (text instanceof Float32Array) return text;
  const bytes = base64Bytes(text);
  if (bytes.length % 4) throw new Error(`float32 data of ${bytes.length} bytes is not a whole number of values`);
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/**
 * Points quantised to 16 bits across the window (the iso-lines): pairs of little-endian uint16,
 * 0..65534 spanning [lo, hi] of each axis, 65535 marking a break in the polyline (NaN).
 */
export function decodeQuantized(text, bounds) {
  const raw = text instanceof Uint16Array ? text : null;
  const bytes = raw ? null : base64Bytes(text);
  const view = raw ? null : new DataView(bytes.buffer);
  const out = new Float32Array(raw ? raw.length : bytes.length / 2);
  for (let i = 0; i < out.length; i++) {
    const q = raw ? raw[i] : view.getUint16(i * 2, true);
    const [lo, hi] = bounds[i % 2];
    out[i] = q === 65535 ? NaN : lo + (q / 65534) * (hi - lo);
  }
  return out;
}

/** One run as the player uses it: positions as a flat [x0, y0, x1, y1, ...] (or [x0, x1, ...] in 1-D). */
export function decodeRun(run, dim) {
  const path = decodeFloat32(run.path);
  const loss = decodeFloat32(run.loss);
  const length = path.length / dim;
  if (!Number.isInteger(length) || loss.length !== length) {
    throw new Error(`run ${run.label}: ${path.length} coordinates and ${loss.length} losses do not match`);
  }
  return {
    label: run.label, color: run.color, dim, path, loss, length,
    divergedAt: run.diverged_at ?? null,
    grads: run.grads ? decodeFloat32(run.grads) : null,
    // The scene (see outsideSince): a payload without one draws every position as inside.
    last: Number.isInteger(run.last) ? Math.min(run.last, length - 1) : length - 1,
    exit: run.exit ?? null,
    outside: run.outside ?? [],
    shape: run.shape ?? "circle",
    cross: run.cross ?? null,
    head: run.head ?? null,
    dot: run.dot ?? null,
    ink: run.ink ?? 1,
    // The clock by gradient evaluations: cumulative evaluations at each position (null: one a step).
    evals: cumulativeEvals(run.evals, length),
    // Schedule-Free's z and y beside the path (flat [x, y, ...], aligned with it); Newton's positions
    // where H was not positive definite; the data panel's line or boundary at each step, and the full
    // gradient next to the mini-batch one (`grads`) when the race uses mini-batches.
    trails: run.trails ? Object.fromEntries(Object.entries(run.trails).map(([k, v]) => [k, decodeFloat32(v)])) : null,
    trailLabels: run.trail_labels ?? {},
    indefinite: new Set(run.indefinite ?? []),
    negative: new Set(run.negative ?? []),
    segments: run.segments ? decodeFloat32(run.segments) : null,
    full: run.full ? decodeFloat32(run.full) : null,
  };
}

/**
 * A run's cumulative gradient evaluations at positions 0..length-1 (position 0 has used none):
 * `evals` is the count of every step (a number) or the running sums themselves (float32 base64);
 * absent, there is no second clock (null).
 */
export function cumulativeEvals(evals, length) {
  if (evals === undefined || evals === null) return null;
  if (typeof evals === "number") return Float64Array.from({ length }, (_, k) => k * evals);
  const sums = decodeFloat32(evals);
  if (sums.length !== length) throw new Error(`${sums.length} evaluation counts for ${length} positions`);
  return Float64Array.from(sums);
}

/** The clock's last tick: the race's steps, or by evaluations the most any run made. */
export function clockEnd(runs, steps, byEvals) {
  if (!byEvals) return steps;
  return runs.reduce((most, r) => Math.max(most, r.evals ? r.evals[r.length - 1] : r.length - 1), 0);
}

/**
 * The index into a run's arrays at clock tick `clock`: its step (a run that stopped holds its last
 * position), or by evaluations the last step it reached with at most `clock` of them (SAM, two a
 * step, is at step 50 when the clock shows 100).
 */
export function runIndex(run, clock, byEvals) {
  if (!byEvals || !run.evals) return indexAt(run, clock);
  const e = run.evals;
  let lo = 0;
  let hi = run.length - 1;
  if (clock <= 0) return 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (e[mid] <= clock) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** The index into a run's arrays at race step k: a run that stopped early holds its last position. */
export function indexAt(run, step) {
  return Math.max(0, Math.min(step, run.length - 1));
}

/** Well-chosen ticks: multiples of 1, 2 or 5 × 10^k inside [lo, hi], about `target` of them. */
export function niceTicks(lo, hi, target = 5) {
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || hi <= lo) return { step: 0, values: [] };
  const raw = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999) ?? 10 * power;
  const first = Math.ceil(lo / step - 1e-9);
  const values = [];
  for (let i = first; i * step <= hi + step * 1e-9; i++) values.push(Math.abs(i * step) < step * 1e-9 ? 0 : i * step);
  return { step, values };
}

/** A tick's label with just the decimals its step needs (0.25 → "0.25", 2 → "2", 1e-4 steps → "1e-4"). */
export function tickLabel(value, step) {
  if (value === 0) return "0";
  const a = Math.abs(value);
  if (a >= 1e5 || step < 1e-4) return value.toExponential(Math.max(0, -Math.floor(Math.log10(step)) + Math.floor(Math.log10(a)))).replace("e+", "e");
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(decimals).replace(/^-/, "\u2212");
}

/** A value for the readout: four significant digits, exponent form for tiny and huge numbers. */
export function formatValue(v) {
  if (!Number.isFinite(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  const text = a < 1e-3 || a >= 1e5 ? v.toExponential(3) : v.toPrecision(4).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return text.replace(/^-/, "\u2212");
}

/** The slider position of a step and back: the slider's range is 0..steps, one position per step. */
export function stepToSlider(step, steps) {
  return Math.max(0, Math.min(steps, Math.round(step)));
}

export function sliderToStep(value, steps) {
  const v = Number(value);
  return Number.isFinite(v) ? Math.max(0, Math.min(steps, Math.round(v))) : 0;
}

/** The step reached after `elapsed` ms of play at `speed` steps per second, from `from`. */
export function clockStep(from, elapsed, speed, steps) {
  return Math.max(0, Math.min(steps, from + Math.floor((Math.max(0, elapsed) * speed) / 1000)));
}

/** Speeds offered, in steps per second, and a default that plays a race in about ten seconds. */
export const SPEEDS = [1, 2, 5, 10, 20, 30, 60, 120, 250, 500, 1000];

export function defaultSpeed(steps, factor = 1) {
  const wanted = (Math.max(steps, 1) / 10) * (factor || 1);
  return SPEEDS.reduce((best, s) => (Math.abs(Math.log(s / wanted)) < Math.abs(Math.log(best / wanted)) ? s : best));
}

/** A clicked coordinate rounded to what the window resolves: three significant digits of its span. */
export function roundToWindow(value, span) {
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(span) || 1)) - 2);
  const r = Math.round(value / unit) * unit;
  return Number(r.toFixed(Math.max(0, -Math.floor(Math.log10(unit) + 1e-9))));
}

/**
 * Where the window's coordinates land on the canvas: a plot box inside (width × height) CSS px,
 * margins for the tick labels, and an equal scale on both axes when the window is not too oblong
 * (a circle then looks like one). Returns the box and the maps both ways.
 */
export function plotTransform(bounds, width, height, margin, equal) {
  const [[x0, x1], [y0, y1]] = bounds;
  let w = Math.max(1, width - margin.left - margin.right);
  let h = Math.max(1, height - margin.top - margin.bottom);
  let left = margin.left;
  let top = margin.top;
  if (equal) {
    const scale = Math.min(w / (x1 - x0), h / (y1 - y0));
    const ew = scale * (x1 - x0);
    const eh = scale * (y1 - y0);
    left += (w - ew) / 2;
    top += (h - eh) / 2;
    w = ew;
    h = eh;
  }
  const sx = w / (x1 - x0);
  const sy = h / (y1 - y0);
  return {
    left, top, width: w, height: h,
    px: (x) => left + (x - x0) * sx,
    py: (y) => top + (y1 - y) * sy,
    x: (px) => x0 + (px - left) / sx,
    y: (py) => y1 - (py - top) / sy,
  };
}

/** Whether a window is drawn with equal scales: only when its sides are within a factor two. */
export function equalAspect(bounds) {
  const r = (bounds[1][1] - bounds[1][0]) / (bounds[0][1] - bounds[0][0]);
  return r >= 0.5 && r <= 2;
}

/**
 * The scene of a run, as the server worked it out (playground/figures/scene.py): the faint path goes
 * through positions 0..last and then on to `exit` (where a diverged run left the window for good);
 * `outside` holds stretches of steps, four numbers each (first, last, and the point x, y where the
 * path went out), during which the run is outside the window: no head is drawn then, an edge marker
 * points to it instead. Returns the first step of the stretch holding index k, or null while inside.
 */
export function outsideSince(run, k) {
  const stretch = outsideStretch(run, k);
  return stretch ? stretch[0] : null;
}

/** The stretch outside the window holding index k, [first, last, x, y] ((x, y): where the path went
 *  out), or null. */
export function outsideStretch(run, k) {
  const p = run.outside;
  for (let i = 0; i + 3 < p.length; i += 4) if (p[i] <= k && k <= p[i + 1]) return [p[i], p[i + 1], p[i + 2], p[i + 3]];
  return null;
}

/** Where a run's head is at index k: its position ([x, y], or [x, loss] in 1-D). */
export function headPoint(run, k) {
  return run.dim === 1 ? [run.path[k], run.loss[k]] : [run.path[2 * k], run.path[2 * k + 1]];
}

/**
 * Where a run outside the window is shown and which way it lies (scene.py's edge_marker): the
 * window's nearest point to `point` (each coordinate clamped) and the unit vector from there to it.
 */
export function edgeMarker(bounds, point) {
  const at = point.map((v, i) => {
    const [lo, hi] = bounds[i];
    const w = Number.isNaN(v) ? (lo + hi) / 2 : v;
    return Math.min(hi, Math.max(lo, w));
  });
  const infinite = point.some((v) => v === Infinity || v === -Infinity);
  const away = point.map((v, i) => (infinite ? (Number.isFinite(v) || Number.isNaN(v) ? 0 : Math.sign(v))
    : (Number.isNaN(v) ? 0 : v - at[i])));
  const norm = Math.hypot(...away);
  return { at, direction: norm > 0 ? away.map((v) => v / norm) : away.map(() => 0) };
}

/**
 * Heads that would hide each other: for canvas points `points` ([x, y] or null), each one's rank
 * among the earlier heads within `radius` px of it (0: drawn as usual; 1, 2, ...: drawn as a ring that
 * much wider) and the index of the first head it meets (or -1).
 */
export function coincident(points, radius) {
  const out = points.map(() => ({ rank: 0, with: -1 }));
  for (let i = 0; i < points.length; i++) {
    if (!points[i]) continue;
    for (let j = 0; j < i; j++) {
      if (!points[j]) continue;
      if (Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]) <= radius) {
        if (out[i].with < 0) out[i].with = out[j].with < 0 ? j : out[j].with;
        out[i].rank += 1;
      }
    }
  }
  return out;
}

/**
 * The tail at index k, `tail` frames long (a frame per step): positions from..to, never past the
 * scene's `last`, and then `edge` (where the path went out) while the run is outside the window.
 * `to < from` means no positions.
 */
export function tailSpan(run, k, tail) {
  const from = Math.max(0, k - tail);
  let to = Math.min(k, run.last);
  let edge = null;
  // Outside the window the tail ends where the path went out (steps far outside would be lines
  // straight across the window).
  const stretch = outsideStretch(run, k);
  if (stretch) {
    to = Math.min(to, stretch[0] - 1);
    edge = to >= from ? [stretch[2], stretch[3]] : null;
  }
  return { from, to, edge };
}

/**
 * The player's layout for a container `width` px wide with `height` px of viewport left for it:
 * the side column (legend and readout) goes to the right on a wide screen and under the plot on a
 * narrow one; the plot takes what remains above the controls.
 */
export function playerLayout(width, height, runs, { present = false, controls = 56, minPlot = 220, side = null, wide = null, lesson = false } = {}) {
  wide = wide ?? width >= 720;
  const rowHeight = present ? 34 : 26;
  // The readout keeps each number on one line; a lesson's words share the column.
  const most = (present ? 460 : 380) + (lesson ? 40 : 0);
  const sideWidth = wide ? Math.min(most, Math.round(width * (lesson ? 0.36 : 0.33))) : width;
  // Under the plot, the side column takes its measured height when the caller knows it.
  const sideHeight = wide ? 0 : side ?? rowHeight * (runs + 1) + 12;
  const plotWidth = wide ? width - sideWidth - 12 : width;
  const plotHeight = Math.max(minPlot, Math.floor(height - controls - sideHeight));
  return { wide, sideWidth, sideHeight, plotWidth: Math.max(120, plotWidth), plotHeight, rowHeight };
}
