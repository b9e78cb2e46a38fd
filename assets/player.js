// The race player: draws a simulated race on a canvas and plays it on one clock. Every number comes
// from the server (positions, losses and the scene: where each run's drawing ends, where heads are
// pinned, the marks' sizes); the player only decodes, lays out and draws.
// `mount(parent, data, options)` builds it into any element (the standalone HTML export uses that);
// the default export is the Streamlit component's entry point. What the player is doing (the step,
// Play, the speed, the clock, the canvas's size) is a plain state that only state.js's transitions
// change: this file wires the DOM's events to them and draws the state they return.
import { clockEnd, decodeFloat32, decodeQuantized, decodeRun, formatValue, outsideSince, roundToWindow, runIndex, unpack } from "./core.js";
import { initial, readoutDue, resize, seek, setClock, setSpeed, stepBy, tick, toggle, withData } from "./state.js";
import { palette, shapePath, sizes } from "./draw.js";
import { canvasSize, panelsFor, roomFor } from "./layout.js";
import { diverged, paintFrame, paintStatic } from "./paint.js";
import { paintData } from "./datapanel.js";
import { buildControls, el, keyAction } from "./controls.js";
import { TRAIL_STYLE } from "./marks.js";

/** Nearest ancestor that scrolls (through shadow roots): the page's height is measured from its top. */
function scroller(node) {
  let e = node;
  while (e) {
    e = e.parentElement || (e.getRootNode && e.getRootNode().host) || null;
    if (e && e !== document.body && e !== document.documentElement) {
      const o = getComputedStyle(e).overflowY;
      if ((o === "auto" || o === "scroll") && e.scrollHeight > e.clientHeight) return e;
    }
  }
  return null;
}

// Backdrops this page has been sent, by id: the server sends a surface's picture and iso-lines once a
// page, and later races on the same surface name it only. Kept for the page's life, a few at a time.
const BACKDROPS = new Map();
const KEEP_BACKDROPS = 6;

/** `d` with its backdrop: as sent (and kept), or the one kept under its id; null when neither. */
export function withBackdrop(d) {
  if (!d.backdrop) return d;
  if (d.image) {
    BACKDROPS.delete(d.backdrop);
    BACKDROPS.set(d.backdrop, { image: d.image, iso: d.iso });
    while (BACKDROPS.size > KEEP_BACKDROPS) BACKDROPS.delete(BACKDROPS.keys().next().value);
    return d;
  }
  const kept = BACKDROPS.get(d.backdrop);
  return kept ? { ...d, image: kept.image, iso: kept.iso } : null;
}

// --- the side column --------------------------------------------------------------------------------

/**
 * The side column for payload `d` and its decoded `runs`, built into `side`: a lesson's "what to
 * watch", the readout table, the keys, and on a data surface the data panel's canvas. Returns the
 * readout's cells per run and that canvas (null without one), with its size (set by the layout).
 */
function buildSide(side, d, runs) {
  side.replaceChildren();
  // A lesson's "what to watch" heads the side column, beside the map it speaks of.
  if (d.lesson) {
    side.append(el("div", { class: "rp-lesson", "data-testid": "race-player-lesson", "aria-label": d.lesson.title },
      el("p", {}, el("strong", { text: "What to watch: " }), d.lesson.watch)));
  }
  const table = el("table", { class: "rp-readout" });
  const axes = d.axes ?? (d.dim === 1 ? ["x"] : ["x", "y"]);
  const head = el("tr", {}, el("th", { text: "" }), el("th", { text: "optimizer" }),
    el("th", { class: "rp-num", text: d.dim === 1 ? axes[0] : `(${axes.join(", ")})` }), el("th", { class: "rp-num", text: "loss" }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  const rows = runs.map((run) => {
    const pos = el("td", { class: "rp-num" });
    const loss = el("td", { class: "rp-num" });
    const note = el("div", { class: "rp-note" });
    const state = el("div", { class: "rp-state" });
    const at = el("div", { class: "rp-at" });
    const name = el("td", { class: "rp-name" }, el("span", { text: run.label }), at, note, state);
    const row = el("tr", { "data-run": run.label }, el("td", {}, swatch(run)), name, pos, loss);
    body.append(row);
    return { pos, loss, note, state, at, row };
  });
  table.append(body);
  const keys = el("div", { class: "rp-keys" }, ...(d.layout !== "oned" ? [el("span", { text: "○ start" })] : []),
    ...(d.minima && d.minima.length ? [el("span", { text: "★ minimum" })] : []),
    ...(d.layout !== "oned" ? [el("span", { text: "faint: the path" })] : []),
    ...(runs.some((r) => r.outside.length) ? [el("span", { text: "▶ on the edge: a run outside the window" })] : []),
    ...extraKeys(d, runs));
  side.append(table, keys);
  // On a data surface, the data panel follows the race's clock under the readout.
  let data = null;
  if (d.data) {
    data = el("canvas", { class: "rp-data", "data-testid": "race-player-data", "aria-label": "The data and each fitted line" });
    side.append(data);
  }
  return { rows, data, width: 0, height: 0 };
}

/** The run's mark (its shape in its colour), as the map draws its head: a picture, so the only
 *  canvases in the player are the ones it draws the race on. */
function swatch(run) {
  const size = 18;
  const dpr = window.devicePixelRatio || 1;
  const c = document.createElement("canvas");
  c.width = Math.round(size * dpr);
  c.height = Math.round(size * dpr);
  const g = c.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  shapePath(g, run.shape, size / 2, size / 2, 5.6);
  g.fillStyle = run.color;
  g.fill();
  g.lineWidth = 1.5;
  g.strokeStyle = "#ffffff";
  g.stroke();
  const img = el("img", { class: "rp-swatch", "data-shape": run.shape, alt: "", width: String(size), height: String(size) });
  img.src = c.toDataURL();
  return img;
}

/** Keys for what only some runs draw: Schedule-Free's trails, Newton's triangles, the two gradients. */
function extraKeys(d, runs) {
  const keys = [];
  if (d.layout === "oned") return keys;
  // Each trail as its optimizer's spec names it, with the mark its trail draws (marks.js's TRAIL_STYLE).
  const glyph = { square: "■", diamond: "◆" };
  const labels = Object.assign({}, ...runs.filter((r) => r.trails).map((r) => r.trailLabels));
  for (const [name, label] of Object.entries(labels)) keys.push(`${glyph[TRAIL_STYLE[name]?.shape] ?? "■"} ${label}`);
  if (Object.keys(labels).length) keys.push("● the path (x)");
  if (runs.some((r) => r.indefinite.size)) keys.push("△ H not positive definite there");
  if (runs.some((r) => r.full)) keys.push("downhill: ⋯ full gradient, — mini-batch");
  return keys.map((text) => el("span", { class: "rp-key-extra", text }));
}

/** The readout's `rows` at clock tick `step` (`scene` as the painters read it, with the frame's marks
 *  in `extras`): each run's index, position, loss, notes and state. */
function writeReadout(rows, scene, step) {
  // Heads drawn on top of one another this frame (see paintFrame): the readout names them.
  const main = scene.data.layout === "oned" ? "curve" : "map";
  const ringOf = new Map(scene.extras.filter((m) => m.ring && m.panel === main).map((m) => [m.run, m.with]));
  scene.runs.forEach((run, i) => {
    const k = scene.at(run, step);
    const r = rows[i];
    r.row.dataset.index = String(k);
    r.pos.textContent = run.dim === 1 ? formatValue(run.path[k])
      : `(${formatValue(run.path[2 * k])}, ${formatValue(run.path[2 * k + 1])})`;
    r.loss.textContent = formatValue(run.loss[k]);
    r.at.textContent = scene.byEvals ? `step ${k}` : "";
    const notes = [];
    if (run.negative.has(k)) notes.push("H negative definite at this step");
    else if (run.indefinite.has(k)) notes.push("H indefinite at this step");
    const gone = diverged(scene, run, step);
    const since = outsideSince(run, k);
    if (gone) notes.push(`diverged at step ${run.divergedAt}`);
    r.note.textContent = notes.join(" · ");
    // States that are no alarm: outside the window, or drawn on another run's point.
    r.state.textContent = gone ? "" : since !== null ? `outside the window since step ${since}`
      : ringOf.has(i) ? `drawn as a ring around ${scene.runs[ringOf.get(i)].label}: same spot` : "";
    r.row.dataset.state = gone ? "diverged" : since !== null ? "outside" : "inside";
  });
}

/** The payload's arrays decoded into `scene` (the iso-lines kept while the window and they stay the same). */
function decodeInto(scene, d) {
  scene.data = d;
  scene.runs = d.runs.map((r) => decodeRun(r, d.dim));
  const isoKey = `${JSON.stringify(d.bounds)}:${d.iso_id ?? d.iso ?? ""}`;
  if (isoKey !== scene.isoKey) {
    scene.iso = d.iso ? decodeQuantized(d.iso, d.bounds) : null;
    scene.isoKey = isoKey;
  }
  scene.curve = d.curve ? { x: decodeFloat32(d.curve.x), y: decodeFloat32(d.curve.y) } : null;
  scene.dataPoints = d.data ? decodeFloat32(d.data.points) : null;
  scene.colors = palette(!!d.dark);
}

/** Calls `ready` once payload `d`'s backdrop picture is in `scene` (at once when it is the one there
 *  or there is none; after decoding a new one, unless other data came meanwhile). */
function whenDrawable(scene, d, ready) {
  if (d.image && scene.image && scene.imageSource === d.image) {
    ready(); // the same backdrop (a new race on the same surface): no need to decode it again
  } else if (d.image) {
    const img = new Image();
    img.onload = () => { if (scene.data === d) { scene.image = img; scene.imageSource = d.image; ready(); } };
    img.onerror = () => { if (scene.data === d) { scene.image = null; ready(); } };
    img.src = d.image;
  } else {
    scene.image = null;
    ready();
  }
}

/** The race's canvas and its static layer at w × h CSS px, drawn at `dpr`. */
function sizeCanvases(canvas, staticLayer, w, h, dpr) {
  for (const c of [canvas, staticLayer]) {
    // Setting a size reallocates the canvas even when it is the same: new data on a player of
    // the same size repaints into the canvases it has (each paint clears them first).
    const cw = Math.round(w * dpr);
    const ch = Math.round(h * dpr);
    if (c.width !== cw) c.width = cw;
    if (c.height !== ch) c.height = ch;
  }
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
}

/** The height left for the player below its top, in the page that scrolls it. */
function availableHeight(root) {
  const vh = window.innerHeight || 800;
  const sc = scroller(root);
  const top = root.getBoundingClientRect().top + (sc ? sc.scrollTop : window.scrollY);
  return roomFor(vh, top);
}

/** The data panel's size (`column` as buildSide returns it): the side column's width (at most 560 px
 *  under the plot), 0.7 as high. */
function sizeData(column, width, present) {
  if (!column.data) return;
  const dpr = window.devicePixelRatio || 1;
  column.width = Math.max(160, Math.floor(width));
  column.height = Math.round(Math.min(0.7 * column.width, present ? 360 : 300));
  column.data.width = Math.round(column.width * dpr);
  column.data.height = Math.round(column.height * dpr);
  column.data.style.width = `${column.width}px`;
  column.data.style.height = `${column.height}px`;
}

/** Where the plot boxes are, and where each run's faint path ends and its "diverged" cross sits
 *  (CSS px in the canvas, the numbers just drawn by paintStatic): tests and outside checks read these. */
function publishLayout(root, canvas, panels, ends) {
  root.dataset.panels = String(panels.length);
  const fmt = (xy) => (xy ? xy.map((v) => v.toFixed(1)).join(",") : "");
  canvas.dataset.plots = panels.map((p) => [p.ox + p.t.left, p.oy + p.t.top, p.t.width, p.t.height]
    .map((v) => v.toFixed(1)).join(",")).join(";");
  canvas.dataset.ends = ends.map((panel) => panel.map((e) => fmt(e.end)).join(" ")).join(";");
  canvas.dataset.crosses = ends.map((panel) => panel.map((e) => fmt(e.cross)).join(" ")).join(";");
  canvas.dataset.triangles = JSON.stringify(ends.map((panel) => panel.map((e) => e.triangles.map(fmt))));
}

/** The start a click on the race's map asks for (rounded to what the window resolves), or null for a
 *  click outside the plot box. */
function startAt(e, canvas, scene) {
  const r = canvas.getBoundingClientRect();
  const t = scene.panels[0].t;
  const px = e.clientX - r.left;
  const py = e.clientY - r.top;
  if (px < t.left || px > t.left + t.width || py < t.top || py > t.top + t.height) return null;
  const [[x0, x1], [y0, y1]] = scene.data.bounds;
  return [roundToWindow(t.x(px), x1 - x0), roundToWindow(t.y(py), y1 - y0)];
}

// --- the player -------------------------------------------------------------------------------------

export function mount(parent, data, options = {}) {
  const root = el("div", { class: "rp", "data-testid": "race-player", tabindex: "0", role: "group",
    "aria-label": "Race player", "data-step": "0", "data-steps": "0", "data-playing": "false", "data-revision": "0" });
  const stage = el("div", { class: "rp-stage" });
  const canvas = el("canvas", { class: "rp-canvas", "aria-label": "Race chart" });
  const side = el("div", { class: "rp-side" });
  stage.append(canvas, side);
  const controls = buildControls({
    toggle: () => update(toggle(st, performance.now())),
    goTo: (k) => update(seek(st, k)),
    speed: (v) => update(setSpeed(st, v, performance.now())),
    clock: (byEvals) => changeClock(byEvals),
  });
  root.append(stage, controls.bar);
  parent.append(root);

  const ctx = canvas.getContext("2d");
  const staticLayer = document.createElement("canvas");
  let st = initial(); // the player's state (see state.js): replaced, never changed, by its transitions
  let raf = 0;
  // What the painters read (paint.js, datapanel.js): the payload decoded, the plot's panels, the last
  // frame's marks; the canvas's size and the clock come from the state.
  const scene = { data: null, runs: [], iso: null, isoKey: null, curve: null, dataPoints: null, colors: null,
    image: null, imageSource: null, panels: [], extras: [],
    get dpr() { return st.dpr; }, get width() { return st.width; }, get height() { return st.height; },
    get byEvals() { return st.byEvals; },
    at: (run, clock) => runIndex(run, clock, st.byEvals) }; // a run's index at a clock tick
  let column = { rows: [], data: null, width: 0, height: 0 }; // the side column's readout and data panel

  function setData(sent) {
    if (sent && sent.id === st.id) return;
    const d = withBackdrop(sent);
    if (!d) { // a backdrop this page was never given (it cannot keep one across reloads): ask again
      options.onMissingBackdrop?.(sent.backdrop);
      return;
    }
    decodeInto(scene, d);
    const evalsEnd = scene.runs.some((r) => r.evals) ? clockEnd(scene.runs, d.steps, true) : null;
    st = withData(st, { id: d.id, steps: d.steps, evalsEnd, speedFactor: d.speed });
    showClock();
    root.classList.toggle("rp-dark", !!d.dark);
    root.classList.toggle("rp-present", !!d.present);
    root.dataset.layout = d.layout;
    column = buildSide(side, d, scene.runs);
    whenDrawable(scene, d, () => { layout(); root.dataset.revision = String(st.revision); });
  }

  /** The clock on the controls and the root: its end, its unit, whether it can count evaluations. */
  function showClock() {
    controls.setRace(st.steps, st.speed);
    controls.setClock(st.evalsEnd !== null, st.byEvals);
    root.dataset.clock = st.byEvals ? "evals" : "steps";
    root.dataset.steps = String(st.steps);
  }

  /** Switch the clock between steps and gradient evaluations (the race keeps the moment it shows). */
  function changeClock(byEvals) {
    if (!scene.data) return;
    const next = setClock(st, byEvals, scene.runs[0]);
    if (next === st) return;
    const wasPlaying = st.playing;
    st = next;
    if (wasPlaying) showPlaying();
    showClock();
    draw();
    writeReadout(column.rows, scene, st.step);
  }

  // --- layout -------------------------------------------------------------------------------------

  function layout() {
    if (!scene.data) return;
    const width = Math.floor(root.clientWidth || parent.clientWidth || 800);
    const opts = { controls: (controls.bar.getBoundingClientRect().height || 48) + 8, viewport: window.innerHeight || 800 };
    let L = canvasSize(scene.data, scene.runs.length, width, availableHeight(root), opts);
    root.classList.toggle("rp-narrow", L.narrow);
    root.classList.toggle("rp-wide", L.wide);
    // Beside a map bound by the height, the side column takes the width the map leaves (up to a
    // readable measure), and never grows taller than the map: Play stays under both.
    side.style.width = L.wide ? `${Math.max(L.sideWidth, Math.min(width - L.width - 12, 620))}px` : "100%";
    side.style.maxHeight = L.wide ? `${L.height}px` : "";
    sizeData(column, L.wide ? L.sideWidth : Math.min(width, 560), !!scene.data.present);
    if (!L.wide) {
      const measured = Math.ceil(side.getBoundingClientRect().height) + 8;
      L = canvasSize(scene.data, scene.runs.length, width, availableHeight(root), { ...opts, side: measured, under: true });
    }
    resizeTo(L.width, L.height);
  }

  function resizeTo(w, h) {
    st = resize(st, { width: w, height: h, dpr: window.devicePixelRatio || 1 });
    sizeCanvases(canvas, staticLayer, w, h, st.dpr);
    scene.panels = panelsFor(scene.data, scene.runs, scene.curve, w, h, sizes(!!scene.data.present));
    const ends = paintStatic(staticLayer.getContext("2d"), scene);
    publishLayout(root, canvas, scene.panels, ends);
    draw();
  }

  // --- drawing and playing ------------------------------------------------------------------------

  /** Take `next` (a transition's result): Play/Pause when that changed, the frame when the step moved. */
  function update(next) {
    const prev = st;
    st = next;
    if (st.playing !== prev.playing) showPlaying();
    if (st.step !== prev.step) draw();
  }

  /** The frame at the state's step; the readout, the step's label and the marks are written in full
   *  only when due (during Play at most every READOUT_MS). */
  function draw() {
    if (!scene.data) return;
    scene.extras = paintFrame(ctx, staticLayer, scene, st.step);
    const panel = column.data ? paintData(column.data.getContext("2d"), scene, st.step, column.width, column.height) : null;
    const due = readoutDue(st, performance.now());
    st = due.state;
    root.dataset.step = String(st.step);
    controls.setStep(st.step, due.full);
    if (!due.full) return;
    // What was drawn beside each head (z and y marks, gradient arrows' tips), for tests.
    canvas.dataset.marks = JSON.stringify(scene.extras);
    if (panel) {
      column.data.dataset.lines = JSON.stringify(panel.drawn);
      column.data.dataset.plot = panel.plot.map((v) => v.toFixed(1)).join(",");
    }
    writeReadout(column.rows, scene, st.step);
  }

  /** Play or Pause on the root and the button; Play runs the clock a frame at a time, Pause writes
   *  the step's label and readout in full. */
  function showPlaying() {
    root.dataset.playing = String(st.playing);
    controls.setPlaying(st.playing);
    cancelAnimationFrame(raf);
    if (st.playing) raf = requestAnimationFrame(frame);
    else if (scene.data) {
      controls.setStep(st.step);
      writeReadout(column.rows, scene, st.step);
    }
  }

  function frame(now) {
    if (!st.playing) return;
    update(tick(st, now).state);
    if (st.playing) raf = requestAnimationFrame(frame);
  }

  const moves = { toggle: () => toggle(st, performance.now()), back: () => stepBy(st, -1), forward: () => stepBy(st, 1),
    first: () => seek(st, 0), last: () => seek(st, st.steps) };
  root.addEventListener("keydown", (e) => {
    const act = e.target === controls.speed ? null : keyAction(e.key);
    if (act) {
      e.preventDefault();
      e.stopPropagation();
      update(moves[act]());
    }
  });
  canvas.addEventListener("click", (e) => {
    const xy = scene.data && scene.data.layout === "race" && options.onStart ? startAt(e, canvas, scene) : null;
    if (xy) options.onStart(xy);
  });

  let laidOutWidth = 0;
  const observer = new ResizeObserver(() => {
    const w = Math.floor(root.clientWidth);
    if (w && w !== laidOutWidth) {
      laidOutWidth = w;
      layout();
    }
  });
  observer.observe(root);
  const onResize = () => layout();
  window.addEventListener("resize", onResize);

  setData(data);
  return {
    root,
    setData,
    setOptions(o) { Object.assign(options, o); },
    destroy() {
      cancelAnimationFrame(raf);
      observer.disconnect();
      window.removeEventListener("resize", onResize);
      root.remove();
    },
  };
}
/** Streamlit's entry point: called with new data on every run; one player per component instance. */
export default function (component) {
  const { parentElement, setTriggerValue } = component;
  // The page sends the payload packed as bytes; the standalone export embeds it as JSON.
  const data = ArrayBuffer.isView(component.data) || component.data instanceof ArrayBuffer
    ? unpack(component.data) : component.data;
  const onStart = (xy) => setTriggerValue("start", xy);
  const onMissingBackdrop = (id) => setTriggerValue("backdrop", id);
  let player = parentElement.__racePlayer;
  if (!player) {
    player = mount(parentElement, data, { onStart, onMissingBackdrop });
    parentElement.__racePlayer = player;
  } else {
    player.setOptions({ onStart, onMissingBackdrop });
    player.setData(data);
  }
  return () => {
    if (parentElement.__racePlayer === player && !parentElement.isConnected) {
      player.destroy();
      delete parentElement.__racePlayer;
    }
  };
}
