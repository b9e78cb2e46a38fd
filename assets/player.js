// The race player: draws a simulated race on a canvas and plays it on one clock. Every number comes
// from the server (positions and losses per step); the player only decodes, lays out and draws.
// `mount(parent, data, options)` builds it into any element (the standalone HTML export uses that);
// the default export is the Streamlit component's entry point.
import {
  SPEEDS, clockStep, decodeFloat32, decodeQuantized, decodeRun, defaultSpeed, equalAspect, formatValue, gridShape,
  indexAt, playerLayout, plotTransform, roundToWindow, shownPosition, sliderToStep, stepToSlider,
} from "./core.js";
import { drawArrows, drawAxes, drawDiverged, drawHead, drawStar, palette, polyline, sizes } from "./draw.js";

const TAIL = 12;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

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

export function mount(parent, data, options = {}) {
  const root = el("div", { class: "rp", "data-testid": "race-player", tabindex: "0", role: "group",
    "aria-label": "Race player", "data-step": "0", "data-steps": "0", "data-playing": "false", "data-revision": "0" });
  const stage = el("div", { class: "rp-stage" });
  const canvas = el("canvas", { class: "rp-canvas", "aria-label": "Race chart" });
  const side = el("div", { class: "rp-side" });
  stage.append(canvas, side);
  const play = el("button", { type: "button", class: "rp-play", "data-testid": "race-player-play", "aria-label": "Play", text: "▶ Play" });
  const back = el("button", { type: "button", class: "rp-step", "aria-label": "One step back", title: "One step back (←)", text: "−1" });
  const fwd = el("button", { type: "button", class: "rp-step", "aria-label": "One step forward", title: "One step forward (→)", text: "+1" });
  const slider = el("input", { type: "range", class: "rp-slider", min: "0", max: "0", step: "1", value: "0", "aria-label": "Step" });
  const label = el("span", { class: "rp-label", "aria-live": "off" });
  const speed = el("select", { class: "rp-speed", "aria-label": "Speed in steps per second" });
  for (const s of SPEEDS) speed.append(el("option", { value: String(s), text: `${s} steps/s` }));
  const controls = el("div", { class: "rp-controls" }, play, back, fwd, slider, label, speed);
  root.append(stage, controls);
  parent.append(root);

  const ctx = canvas.getContext("2d");
  const staticLayer = document.createElement("canvas");
  const s = { data: null, runs: [], steps: 0, step: 0, playing: false, speed: 10, revision: 0, id: null,
    panels: [], image: null, dpr: 1, width: 0, height: 0, raf: 0, t0: 0, from: 0, readout: [] };

  // --- data -------------------------------------------------------------------------------------

  function setData(d) {
    if (d && d.id === s.id) return;
    s.data = d;
    s.id = d.id;
    s.runs = d.runs.map((r) => decodeRun(r, d.dim));
    const isoKey = `${JSON.stringify(d.bounds)}:${d.iso || ""}`;
    if (isoKey !== s.isoKey) {
      s.iso = d.iso ? decodeQuantized(d.iso, d.bounds) : null;
      s.isoKey = isoKey;
    }
    s.curve = d.curve ? { x: decodeFloat32(d.curve.x), y: decodeFloat32(d.curve.y) } : null;
    const sameRace = s.steps === d.steps;
    s.steps = d.steps;
    s.step = sameRace ? Math.min(s.step, d.steps) : 0;
    if (!s.speedChosen) s.speed = defaultSpeed(d.steps, d.speed);
    speed.value = String(s.speed);
    slider.max = String(d.steps);
    root.classList.toggle("rp-dark", !!d.dark);
    root.classList.toggle("rp-present", !!d.present);
    root.dataset.steps = String(d.steps);
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
    const table = el("table", { class: "rp-readout" });
    const head = el("tr", {}, el("th", { text: "" }), el("th", { text: "optimizer" }),
      el("th", { text: s.data.dim === 1 ? "x" : "(x, y)" }), el("th", { text: "loss" }));
    table.append(el("thead", {}, head));
    const body = el("tbody");
    s.readout = s.runs.map((run) => {
      const pos = el("td", { class: "rp-num" });
      const loss = el("td", { class: "rp-num" });
      const note = el("div", { class: "rp-note" });
      const name = el("td", { class: "rp-name" }, el("span", { text: run.label }), note);
      const sw = el("span", { class: "rp-swatch" });
      sw.style.background = run.color;
      body.append(el("tr", { "data-run": run.label }, el("td", {}, sw), name, pos, loss));
      return { pos, loss, note };
    });
    table.append(body);
    const keys = el("div", { class: "rp-keys" }, ...(s.data.layout !== "oned" ? [el("span", { text: "○ start" })] : []),
      ...(s.data.minima && s.data.minima.length ? [el("span", { text: "★ minimum" })] : []),
      ...(s.data.layout !== "oned" ? [el("span", { text: "faint: whole path" })] : []));
    side.append(table, keys);
  }

  // --- layout -----------------------------------------------------------------------------------

  function availableHeight() {
    const vh = window.innerHeight || 800;
    const sc = scroller(root);
    const top = root.getBoundingClientRect().top + (sc ? sc.scrollTop : window.scrollY);
    const room = vh - Math.max(0, top) - 6;
    return Math.max(room, 300);
  }

  function layout() {
    if (!s.data) return;
    const width = Math.floor(root.clientWidth || parent.clientWidth || 800);
    const narrow = width < 640;
    root.classList.toggle("rp-narrow", narrow);
    const controlsHeight = controls.getBoundingClientRect().height || 48;
    const options = { present: !!s.data.present, controls: controlsHeight + 8, minPlot: narrow ? 260 : 240 };
    let L = playerLayout(width, availableHeight(), s.runs.length, options);
    root.classList.toggle("rp-wide", L.wide);
    side.style.width = L.wide ? `${L.sideWidth}px` : "100%";
    if (!L.wide) {
      const measured = Math.ceil(side.getBoundingClientRect().height) + 8;
      L = playerLayout(width, availableHeight(), s.runs.length, { ...options, side: measured });
    }
    // The height the plot would like at this width: a map drawn at equal scales needs no more.
    let ideal = Math.round(L.plotWidth * ({ oned: 0.9, side: 1.05 }[s.data.layout] ?? 0.8));
    if (s.data.layout === "race" && equalAspect(s.data.bounds)) {
      const [[x0, x1], [y0, y1]] = s.data.bounds;
      ideal = Math.round((L.plotWidth - 70) * ((y1 - y0) / (x1 - x0)) + 60);
    }
    let h = s.data.layout === "race" ? Math.min(L.plotHeight, ideal) : L.plotHeight;
    // On a phone the page scrolls anyway: the plot takes its width's worth, not what is left below.
    if (narrow) h = Math.max(h, Math.min(ideal, Math.round((window.innerHeight || 800) * 0.7)));
    h = Math.max(200, h);
    let w = L.plotWidth;
    if (L.wide && s.data.layout === "race" && equalAspect(s.data.bounds)) {
      // A map bound by the height needs no more width than that: the readout then sits beside it.
      const [[x0, x1], [y0, y1]] = s.data.bounds;
      w = Math.min(w, Math.round((h - 60) * ((x1 - x0) / (y1 - y0)) + 90));
    }
    resize(w, h);
  }

  function resize(w, h) {
    const dpr = window.devicePixelRatio || 1;
    s.dpr = dpr;
    s.width = w;
    s.height = h;
    for (const c of [canvas, staticLayer]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    panels();
    // Where the plot boxes are (CSS px in the canvas): tests and outside checks click through these.
    root.dataset.panels = String(s.panels.length);
    canvas.dataset.plots = s.panels.map((p) => [p.ox + p.t.left, p.oy + p.t.top, p.t.width, p.t.height]
      .map((v) => v.toFixed(1)).join(",")).join(";");
    drawStatic();
    draw(s.step, true);
  }

  /** The panels to draw: one for the race, a grid side by side, two stacked for a 1-D surface. */
  function panels() {
    const d = s.data;
    const z = sizes(!!s.data.present);
    if (d.layout === "side") {
      const n = s.runs.length;
      const [[x0, x1], [y0, y1]] = d.bounds;
      const aspect = equalAspect(d.bounds) ? (y1 - y0) / (x1 - x0) : 0.75;
      const g = gridShape(n, s.width, s.height, aspect);
      const cw = s.width / g.cols;
      const ch = s.height / g.rows;
      s.panels = s.runs.map((run, i) => {
        const c = i % g.cols;
        const r = Math.floor(i / g.cols);
        const m = { ...z.margin, top: z.font + 14 };
        const t = plotTransform(d.bounds, cw, ch, m, equalAspect(d.bounds));
        return { kind: "map", runs: [i], title: run.label, ox: c * cw, oy: r * ch, t };
      });
    } else if (d.layout === "oned") {
      const top = Math.round(s.height * 0.58);
      const [[x0, x1]] = d.bounds;
      const ys = Array.from(s.curve.y).filter(Number.isFinite);
      const lo = Math.min(...ys);
      const hi = Math.max(...ys);
      const pad = 0.08 * (hi - lo || 1);
      const curveBounds = [[x0, x1], [lo - pad, hi + pad]];
      const stepBounds = [[0, Math.max(1, s.steps)], [x0, x1]];
      // Room for the axis titles: the y title above the axis, the x title under the tick labels.
      const m = { ...z.margin, top: z.font + 12, bottom: z.margin.bottom + z.font + 6 };
      s.panels = [
        { kind: "curve", runs: s.runs.map((_, i) => i), ox: 0, oy: 0, bounds: curveBounds, xTitle: "x", yTitle: "f(x)",
          t: plotTransform(curveBounds, s.width, top, m, false) },
        { kind: "steps", runs: s.runs.map((_, i) => i), ox: 0, oy: top, bounds: stepBounds, xTitle: "step", yTitle: "x",
          t: plotTransform(stepBounds, s.width, s.height - top, m, false) },
      ];
    } else {
      s.panels = [{ kind: "map", runs: s.runs.map((_, i) => i), ox: 0, oy: 0,
        t: plotTransform(d.bounds, s.width, s.height, z.margin, equalAspect(d.bounds)) }];
    }
  }

  // --- drawing ----------------------------------------------------------------------------------

  function drawStatic() {
    const g = staticLayer.getContext("2d");
    const d = s.data;
    const z = sizes(!!s.data.present);
    const c = s.colors;
    g.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    g.clearRect(0, 0, s.width, s.height);
    for (const p of s.panels) {
      g.save();
      g.translate(p.ox, p.oy);
      const t = p.t;
      if (p.kind === "map") {
        g.save();
        g.beginPath();
        g.rect(t.left, t.top, t.width, t.height);
        g.clip();
        if (s.image) g.drawImage(s.image, t.left, t.top, t.width, t.height);
        if (s.iso) {
          g.strokeStyle = c.iso;
          g.lineWidth = 1;
          polyline(g, (k) => t.px(s.iso[2 * k]), (k) => t.py(s.iso[2 * k + 1]), 0, s.iso.length / 2 - 1);
        }
        for (const i of p.runs) {
          const run = s.runs[i];
          g.strokeStyle = run.color;
          g.globalAlpha = 0.6;
          g.lineWidth = z.line * 0.8;
          polyline(g, (k) => t.px(run.path[2 * k]), (k) => t.py(run.path[2 * k + 1]), 0, run.length - 1);
          g.globalAlpha = 1;
        }
        for (const m of d.minima || []) {
          drawStar(g, t.px(m[0]), t.py(m[1]), z.marker * 1.5);
          g.fillStyle = "#ffffff";
          g.fill();
          g.strokeStyle = "#000000";
          g.lineWidth = 1.2;
          g.stroke();
        }
        g.beginPath();
        g.arc(t.px(d.start[0]), t.py(d.start[1]), z.marker * 1.2, 0, 2 * Math.PI);
        g.strokeStyle = c.ink;
        g.lineWidth = 2.5;
        g.stroke();
        g.restore();
        for (const i of p.runs) drawDiverged(g, t, s.runs[i], d.bounds, z, s.colors.halo);
        drawAxes(g, t, d.bounds, p, z, s.colors);
      } else {
        drawAxes(g, t, p.bounds, p, z, s.colors);
        g.save();
        g.beginPath();
        g.rect(t.left, t.top, t.width, t.height);
        g.clip();
        if (p.kind === "curve") {
          g.strokeStyle = c.ink;
          g.lineWidth = z.line;
          polyline(g, (k) => t.px(s.curve.x[k]), (k) => t.py(s.curve.y[k]), 0, s.curve.x.length - 1);
          for (const m of d.minima || []) {
            drawStar(g, t.px(m[0]), t.py(m[1]), z.marker * 1.5);
            g.fillStyle = "#ffffff";
            g.fill();
            g.strokeStyle = "#000000";
            g.stroke();
          }
        } else {
          for (const i of p.runs) {
            const run = s.runs[i];
            g.strokeStyle = run.color;
            g.lineWidth = z.line * 0.7;
            polyline(g, (k) => t.px(k), (k) => t.py(run.path[k]), 0, run.length - 1);
          }
        }
        g.restore();
      }
      g.restore();
    }
  }

  function draw(step, force = false) {
    if (!s.data) return;
    step = stepToSlider(step, s.steps);
    if (step === s.step && !force) return;
    s.step = step;
    const d = s.data;
    const z = sizes(!!s.data.present);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(staticLayer, 0, 0);
    ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
    const n = s.runs.length;
    for (const p of s.panels) {
      ctx.save();
      ctx.translate(p.ox, p.oy);
      const t = p.t;
      ctx.beginPath();
      ctx.rect(t.left - z.marker * 2, t.top - z.marker * 2, t.width + z.marker * 4, t.height + z.marker * 4);
      ctx.clip();
      p.runs.forEach((i) => {
        const run = s.runs[i];
        const k = indexAt(run, step);
        const grow = p.runs.length > 1 ? 2.5 * (n - 1 - i) : 0;
        ctx.strokeStyle = run.color;
        ctx.lineWidth = z.line * 1.6;
        ctx.lineCap = "round";
        if (p.kind === "map") {
          const j0 = Math.max(0, k - TAIL);
          polyline(ctx, (j) => t.px(run.path[2 * j]), (j) => t.py(run.path[2 * j + 1]), j0, k);
          const [hx, hy] = shownPosition(run, k, d.bounds);
          drawHead(ctx, t.px(hx), t.py(hy), z.marker + grow, run.color);
          if (d.arrows && run.grads) drawArrows(ctx, t, run, k, d.bounds, s.colors.ink);
        } else if (p.kind === "curve") {
          const j0 = Math.max(0, k - TAIL);
          polyline(ctx, (j) => t.px(run.path[j]), (j) => t.py(run.loss[j]), j0, k);
          drawHead(ctx, t.px(run.path[k]), t.py(run.loss[k]), z.marker + 1 + grow, run.color);
        } else {
          drawHead(ctx, t.px(k), t.py(run.path[k]), z.marker * 0.8 + grow / 2, run.color);
        }
      });
      if (p.kind === "steps") {
        ctx.strokeStyle = s.colors.soft;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(t.px(step), t.top);
        ctx.lineTo(t.px(step), t.top + t.height);
        ctx.stroke();
      }
      ctx.restore();
    }
    // While playing, the readout's text follows at most every 100 ms: changing two dozen table
    // cells each frame costs the browser a layout per frame for numbers nobody can read that fast.
    const now = performance.now();
    if (!s.playing || step >= s.steps || now - (s.readAt || 0) > 100) {
      s.readAt = now;
      readout(step);
    } else {
      root.dataset.step = String(step);
      slider.value = String(step);
    }
  }

  function readout(step) {
    root.dataset.step = String(step);
    slider.value = String(stepToSlider(step, s.steps));
    label.textContent = `Step ${step} / ${s.steps}`;
    s.runs.forEach((run, i) => {
      const k = indexAt(run, step);
      const r = s.readout[i];
      r.pos.textContent = run.dim === 1 ? formatValue(run.path[k])
        : `(${formatValue(run.path[2 * k])}, ${formatValue(run.path[2 * k + 1])})`;
      r.loss.textContent = formatValue(run.loss[k]);
      r.note.textContent = run.divergedAt !== null && step >= run.divergedAt ? `diverged at step ${run.divergedAt}` : "";
    });
  }

  // --- playing ----------------------------------------------------------------------------------

  function setPlaying(on) {
    s.playing = on;
    root.dataset.playing = String(on);
    play.textContent = on ? "❚❚ Pause" : "▶ Play";
    play.setAttribute("aria-label", on ? "Pause" : "Play");
    cancelAnimationFrame(s.raf);
    if (!on && s.data) readout(s.step);
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

  play.addEventListener("click", () => setPlaying(!s.playing));
  back.addEventListener("click", () => goTo(s.step - 1));
  fwd.addEventListener("click", () => goTo(s.step + 1));
  slider.addEventListener("input", () => goTo(sliderToStep(slider.value, s.steps)));
  speed.addEventListener("change", () => {
    s.speed = Number(speed.value);
    s.speedChosen = true;
    if (s.playing) setPlaying(true);
  });
  root.addEventListener("keydown", (e) => {
    if (e.target === speed) return;
    const keys = { " ": () => setPlaying(!s.playing), ArrowLeft: () => goTo(s.step - 1),
      ArrowRight: () => goTo(s.step + 1), Home: () => goTo(0), End: () => goTo(s.steps) };
    const act = keys[e.key];
    if (act) {
      e.preventDefault();
      e.stopPropagation();
      act();
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
  const { data, parentElement, setTriggerValue } = component;
  const onStart = (xy) => setTriggerValue("start", xy);
  let player = parentElement.__racePlayer;
  if (!player) {
    player = mount(parentElement, data, { onStart });
    parentElement.__racePlayer = player;
  } else {
    player.setOptions({ onStart });
    player.setData(data);
  }
  return () => {
    if (parentElement.__racePlayer === player && !parentElement.isConnected) {
      player.destroy();
      delete parentElement.__racePlayer;
    }
  };
}
