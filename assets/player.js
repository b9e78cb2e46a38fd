// The race player: draws a simulated race on a canvas and plays it on one clock. Every number comes
// from the server (positions, losses and the scene: where each run's drawing ends, where heads are
// pinned, the marks' sizes); the player only decodes, lays out and draws.
// `mount(parent, data, options)` builds it into any element (the standalone HTML export uses that);
// the default export is the Streamlit component's entry point.
import { clockEnd, clockStep, decodeFloat32, decodeQuantized, decodeRun, defaultSpeed, formatValue, outsideSince, roundToWindow, runIndex, stepToSlider, unpack } from "./core.js";
import { palette, shapePath, sizes } from "./draw.js";
import { canvasSize, panelsFor, roomFor } from "./layout.js";
import { diverged, paintFrame, paintStatic } from "./paint.js";
import { paintData } from "./datapanel.js";
import { buildControls, el, keyAction } from "./controls.js";

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

export function mount(parent, data, options = {}) {
  const root = el("div", { class: "rp", "data-testid": "race-player", tabindex: "0", role: "group",
    "aria-label": "Race player", "data-step": "0", "data-steps": "0", "data-playing": "false", "data-revision": "0" });
  const stage = el("div", { class: "rp-stage" });
  const canvas = el("canvas", { class: "rp-canvas", "aria-label": "Race chart" });
  const side = el("div", { class: "rp-side" });
  stage.append(canvas, side);
  const controls = buildControls({
    toggle: () => setPlaying(!s.playing),
    goTo: (k) => goTo(k),
    speed: (v) => { s.speed = v; s.speedChosen = true; if (s.playing) setPlaying(true); },
    clock: (byEvals) => setClock(byEvals),
  });
  root.append(stage, controls.bar);
  parent.append(root);

  const ctx = canvas.getContext("2d");
  const staticLayer = document.createElement("canvas");
  const s = { data: null, runs: [], steps: 0, step: 0, playing: false, speed: 10, revision: 0, id: null,
    panels: [], image: null, dpr: 1, width: 0, height: 0, raf: 0, t0: 0, from: 0, readout: [], byEvals: false };
  // The index into a run's arrays at a clock tick (by steps, or by gradient evaluations).
  s.at = (run, clock) => runIndex(run, clock, s.byEvals);

  // --- data -------------------------------------------------------------------------------------

  function setData(sent) {
    if (sent && sent.id === s.id) return;
    const d = withBackdrop(sent);
    if (!d) { // a backdrop this page was never given (it cannot keep one across reloads): ask again
      options.onMissingBackdrop?.(sent.backdrop);
      return;
    }
    s.data = d;
    s.id = d.id;
    s.runs = d.runs.map((r) => decodeRun(r, d.dim));
    const isoKey = `${JSON.stringify(d.bounds)}:${d.iso_id ?? d.iso ?? ""}`;
    if (isoKey !== s.isoKey) {
      s.iso = d.iso ? decodeQuantized(d.iso, d.bounds) : null;
      s.isoKey = isoKey;
    }
    s.curve = d.curve ? { x: decodeFloat32(d.curve.x), y: decodeFloat32(d.curve.y) } : null;
    s.dataPoints = d.data ? decodeFloat32(d.data.points) : null;
    const sameRace = s.raceSteps === d.steps;
    s.raceSteps = d.steps;
    s.offered = s.runs.some((r) => r.evals);
    s.byEvals = s.byEvals && s.offered;
    const end = clockEnd(s.runs, d.steps, s.byEvals);
    s.step = sameRace ? Math.min(s.step, end) : 0;
    s.steps = end;
    if (!s.speedChosen) s.speed = defaultSpeed(d.steps, d.speed);
    controls.setRace(end, s.speed);
    controls.setClock(s.offered, s.byEvals);
    root.dataset.clock = s.byEvals ? "evals" : "steps";
    root.classList.toggle("rp-dark", !!d.dark);
    root.classList.toggle("rp-present", !!d.present);
    root.dataset.steps = String(end);
    root.dataset.layout = d.layout;
    s.colors = palette(!!d.dark);
    buildSide();
    s.revision += 1;
    const ready = () => { layout(); root.dataset.revision = String(s.revision); };
    if (d.image && s.image && s.imageSource === d.image) {
      ready(); // the same backdrop (a new race on the same surface): no need to decode it again
    } else if (d.image) {
      const img = new Image();
      img.onload = () => { if (s.data === d) { s.image = img; s.imageSource = d.image; ready(); } };
      img.onerror = () => { if (s.data === d) { s.image = null; ready(); } };
      img.src = d.image;
    } else {
      s.image = null;
      ready();
    }
  }

  function buildSide() {
    side.replaceChildren();
    // A lesson's "what to watch" heads the side column, beside the map it speaks of.
    if (s.data.lesson) {
      side.append(el("div", { class: "rp-lesson", "data-testid": "race-player-lesson", "aria-label": s.data.lesson.title },
        el("p", {}, el("strong", { text: "What to watch: " }), s.data.lesson.watch)));
    }
    const table = el("table", { class: "rp-readout" });
    const axes = s.data.axes ?? (s.data.dim === 1 ? ["x"] : ["x", "y"]);
    const head = el("tr", {}, el("th", { text: "" }), el("th", { text: "optimizer" }),
      el("th", { class: "rp-num", text: s.data.dim === 1 ? axes[0] : `(${axes.join(", ")})` }), el("th", { class: "rp-num", text: "loss" }));
    table.append(el("thead", {}, head));
    const body = el("tbody");
    s.readout = s.runs.map((run) => {
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
    const keys = el("div", { class: "rp-keys" }, ...(s.data.layout !== "oned" ? [el("span", { text: "○ start" })] : []),
      ...(s.data.minima && s.data.minima.length ? [el("span", { text: "★ minimum" })] : []),
      ...(s.data.layout !== "oned" ? [el("span", { text: "faint: the path" })] : []),
      ...(s.runs.some((r) => r.outside.length) ? [el("span", { text: "▶ on the edge: a run outside the window" })] : []),
      ...extraKeys());
    side.append(table, keys);
    // On a data surface, the data panel follows the race's clock under the readout.
    s.dataCanvas = null;
    if (s.data.data) {
      s.dataCanvas = el("canvas", { class: "rp-data", "data-testid": "race-player-data", "aria-label": "The data and each fitted line" });
      side.append(s.dataCanvas);
    }
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

  /** The data panel's size: the side column's width (at most 560 px under the plot), 0.7 as high. */
  function sizeData(width) {
    if (!s.dataCanvas) return;
    const dpr = window.devicePixelRatio || 1;
    s.dataW = Math.max(160, Math.floor(width));
    s.dataH = Math.round(Math.min(0.7 * s.dataW, s.data.present ? 360 : 300));
    s.dataCanvas.width = Math.round(s.dataW * dpr);
    s.dataCanvas.height = Math.round(s.dataH * dpr);
    s.dataCanvas.style.width = `${s.dataW}px`;
    s.dataCanvas.style.height = `${s.dataH}px`;
  }

  /** Switch the clock between steps and gradient evaluations; the race keeps the moment it shows
   *  (the first run's step maps onto the new clock). */
  function setClock(byEvals) {
    if (!s.data || byEvals === s.byEvals) return;
    if (s.playing) setPlaying(false);
    const first = s.runs[0];
    const k = s.at(first, s.step);
    s.byEvals = byEvals && s.offered;
    s.steps = clockEnd(s.runs, s.raceSteps, s.byEvals);
    const clock = s.byEvals && first.evals ? first.evals[k] : k;
    controls.setRace(s.steps, s.speed);
    controls.setClock(s.offered, s.byEvals);
    root.dataset.clock = s.byEvals ? "evals" : "steps";
    root.dataset.steps = String(s.steps);
    draw(Math.min(clock, s.steps), true);
    readout(s.step);
  }

  /** Keys for what only some runs draw: Schedule-Free's trails, Newton's triangles, the two gradients. */
  function extraKeys() {
    const keys = [];
    if (s.data.layout === "oned") return keys;
    if (s.runs.some((r) => r.trails)) keys.push("■ z: the SGD sequence", "◆ y: where the gradient is taken", "● x: the average (the path)");
    if (s.runs.some((r) => r.indefinite.size)) keys.push("△ H not positive definite there");
    if (s.runs.some((r) => r.full)) keys.push("downhill: ⋯ full gradient, — mini-batch");
    return keys.map((text) => el("span", { class: "rp-key-extra", text }));
  }

  // --- layout -----------------------------------------------------------------------------------

  function availableHeight() {
    const vh = window.innerHeight || 800;
    const sc = scroller(root);
    const top = root.getBoundingClientRect().top + (sc ? sc.scrollTop : window.scrollY);
    return roomFor(vh, top);
  }

  function layout() {
    if (!s.data) return;
    const width = Math.floor(root.clientWidth || parent.clientWidth || 800);
    const opts = { controls: (controls.bar.getBoundingClientRect().height || 48) + 8, viewport: window.innerHeight || 800 };
    let L = canvasSize(s.data, s.runs.length, width, availableHeight(), opts);
    root.classList.toggle("rp-narrow", L.narrow);
    root.classList.toggle("rp-wide", L.wide);
    // Beside a map bound by the height, the side column takes the width the map leaves (up to a
    // readable measure), and never grows taller than the map: Play stays under both.
    side.style.width = L.wide ? `${Math.max(L.sideWidth, Math.min(width - L.width - 12, 620))}px` : "100%";
    side.style.maxHeight = L.wide ? `${L.height}px` : "";
    sizeData(L.wide ? L.sideWidth : Math.min(width, 560));
    if (!L.wide) {
      const measured = Math.ceil(side.getBoundingClientRect().height) + 8;
      L = canvasSize(s.data, s.runs.length, width, availableHeight(), { ...opts, side: measured, under: true });
    }
    resize(L.width, L.height);
  }

  function resize(w, h) {
    const dpr = window.devicePixelRatio || 1;
    Object.assign(s, { dpr, width: w, height: h });
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
    s.panels = panelsFor(s.data, s.runs, s.curve, w, h, sizes(!!s.data.present));
    const ends = paintStatic(staticLayer.getContext("2d"), s);
    // Where the plot boxes are, and where each run's faint path ends and its "diverged" cross sits
    // (CSS px in the canvas, the numbers just drawn): tests and outside checks read these.
    root.dataset.panels = String(s.panels.length);
    const fmt = (xy) => (xy ? xy.map((v) => v.toFixed(1)).join(",") : "");
    canvas.dataset.plots = s.panels.map((p) => [p.ox + p.t.left, p.oy + p.t.top, p.t.width, p.t.height]
      .map((v) => v.toFixed(1)).join(",")).join(";");
    canvas.dataset.ends = ends.map((panel) => panel.map((e) => fmt(e.end)).join(" ")).join(";");
    canvas.dataset.crosses = ends.map((panel) => panel.map((e) => fmt(e.cross)).join(" ")).join(";");
    canvas.dataset.triangles = JSON.stringify(ends.map((panel) => panel.map((e) => e.triangles.map(fmt))));
    draw(s.step, true);
  }

  // --- drawing ----------------------------------------------------------------------------------

  function draw(step, force = false) {
    if (!s.data) return;
    step = stepToSlider(step, s.steps);
    if (step === s.step && !force) return;
    s.step = step;
    const extras = paintFrame(ctx, staticLayer, s, step);
    s.extras = extras;
    const panel = s.dataCanvas ? paintData(s.dataCanvas.getContext("2d"), s, step, s.dataW, s.dataH) : null;
    // While playing, the readout's text follows at most every 100 ms: changing two dozen table
    // cells each frame costs the browser a layout per frame for numbers nobody can read that fast.
    const now = performance.now();
    const full = !s.playing || step >= s.steps || now - (s.readAt || 0) > 100;
    root.dataset.step = String(step);
    controls.setStep(step, full);
    if (full) {
      s.readAt = now;
      // What was drawn beside each head (z and y marks, gradient arrows' tips), for tests.
      canvas.dataset.marks = JSON.stringify(extras);
      if (panel) {
        s.dataCanvas.dataset.lines = JSON.stringify(panel.drawn);
        s.dataCanvas.dataset.plot = panel.plot.map((v) => v.toFixed(1)).join(",");
      }
      readout(step);
    }
  }

  function readout(step) {
    // Heads drawn on top of one another this frame (see paintFrame): the readout names them.
    const main = s.data.layout === "oned" ? "curve" : "map";
    const ringOf = new Map((s.extras ?? []).filter((m) => m.ring && m.panel === main).map((m) => [m.run, m.with]));
    s.runs.forEach((run, i) => {
      const k = s.at(run, step);
      const r = s.readout[i];
      r.row.dataset.index = String(k);
      r.pos.textContent = run.dim === 1 ? formatValue(run.path[k])
        : `(${formatValue(run.path[2 * k])}, ${formatValue(run.path[2 * k + 1])})`;
      r.loss.textContent = formatValue(run.loss[k]);
      r.at.textContent = s.byEvals ? `step ${k}` : "";
      const notes = [];
      if (run.negative.has(k)) notes.push("H negative definite at this step");
      else if (run.indefinite.has(k)) notes.push("H indefinite at this step");
      const gone = diverged(s, run, step);
      const since = outsideSince(run, k);
      if (gone) notes.push(`diverged at step ${run.divergedAt}`);
      r.note.textContent = notes.join(" · ");
      // States that are no alarm: outside the window, or drawn on another run's point.
      r.state.textContent = gone ? "" : since !== null ? `outside the window since step ${since}`
        : ringOf.has(i) ? `drawn as a ring around ${s.runs[ringOf.get(i)].label}: same spot` : "";
      r.row.dataset.state = gone ? "diverged" : since !== null ? "outside" : "inside";
    });
  }

  // --- playing ----------------------------------------------------------------------------------

  function setPlaying(on) {
    s.playing = on;
    root.dataset.playing = String(on);
    controls.setPlaying(on);
    cancelAnimationFrame(s.raf);
    if (!on && s.data) {
      controls.setStep(s.step);
      readout(s.step);
    }
    if (on) {
      if (s.step >= s.steps) draw(0);
      s.from = s.step;
      s.t0 = performance.now();
      s.raf = requestAnimationFrame(tick);
    }
  }

  function tick(now) {
    if (!s.playing) return;
    const k = clockStep(s.from, now - s.t0, s.speed, s.steps);
    draw(k);
    if (k >= s.steps) setPlaying(false);
    else s.raf = requestAnimationFrame(tick);
  }

  function goTo(step) {
    if (s.playing) setPlaying(false);
    draw(step);
  }

  const moves = { toggle: () => setPlaying(!s.playing), back: () => goTo(s.step - 1), forward: () => goTo(s.step + 1),
    first: () => goTo(0), last: () => goTo(s.steps) };
  root.addEventListener("keydown", (e) => {
    const act = e.target === controls.speed ? null : keyAction(e.key);
    if (act) {
      e.preventDefault();
      e.stopPropagation();
      moves[act]();
    }
  });
  canvas.addEventListener("click", (e) => {
    if (!s.data || s.data.layout !== "race" || !options.onStart) return;
    const r = canvas.getBoundingClientRect();
    const t = s.panels[0].t;
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    if (px < t.left || px > t.left + t.width || py < t.top || py > t.top + t.height) return;
    const [[x0, x1], [y0, y1]] = s.data.bounds;
    options.onStart([roundToWindow(t.x(px), x1 - x0), roundToWindow(t.y(py), y1 - y0)]);
  });

  const observer = new ResizeObserver(() => {
    const w = Math.floor(root.clientWidth);
    if (w && w !== s.lastWidth) {
      s.lastWidth = w;
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
      cancelAnimationFrame(s.raf);
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
