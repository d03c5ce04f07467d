// The live dead-neuron lab: trains in the page (Trainer, trainer.js) and draws every frame.
//
// Python mounts this component with data = {run_id, runs: [{name, title, word, spec, resume}],
// live: {learning_rate, momentum, max_steps}, bounds, colours, ...} (ui/lab_component.py). The
// running lab lives on parentElement, so a rerun (a slider moved) finds it and keeps training:
// a new run_id (data, architecture, activation, init or seed changed) starts again from the
// runs Python sends; the learning rate, momentum and "stop after" take effect at once. The page
// hears from the lab only on a click (Pause, Step, Reset) or when training stops: then the
// whole state goes to Python (setTriggerValue("sync", ...)), which computes tables, exports and
// answers from it with activations_core. Nothing is sent while it trains. (A trigger, not a state
// value: Python keeps what it parsed, the widget state keeps nothing.)

const LAB_SPEEDS = [1, 3, 10, 30, 100, 300];
const LAB_GRID = 48; // probability map resolution (pixels per side, scaled by the browser)
const LAB_NEURON_GRID = 14; // each neuron's map
const LAB_SUMMARY_MS = 1000; // the aria-live summary changes at most this often

function labHex(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** A colour scale [[stop, "#rrggbb"], ...] as a function t in [0, 1] -> [r, g, b]. */
function labScale(stops) {
  const pos = stops.map((s) => s[0]), rgb = stops.map((s) => labHex(s[1]));
  return (t) => {
    if (!(t >= 0)) t = 0; // NaN too
    if (t > 1) t = 1;
    let k = 1;
    while (k < pos.length - 1 && t > pos[k]) k++;
    const u = (t - pos[k - 1]) / (pos[k] - pos[k - 1] || 1);
    return [0, 1, 2].map((c) => rgb[k - 1][c] + u * (rgb[k][c] - rgb[k - 1][c]));
  };
}

function labFormat(n) {
  return Math.round(n).toLocaleString("en-US");
}

function labPercent(v) {
  return Number.isFinite(v) ? `${Math.round(v * 100)}%` : "–";
}

function labElement(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/** Fill an res x res ImageData from value(r, c) in [0, 1] through the colour scale; row 0 is the
 *  bottom of the input plane, the image's top row its top. */
function labPaint(image, res, scale, value) {
  for (let r = 0; r < res; r++) {
    for (let c = 0; c < res; c++) {
      const [red, green, blue] = scale(value(r, c));
      const o = 4 * ((res - 1 - r) * res + c);
      image.data[o] = red; image.data[o + 1] = green; image.data[o + 2] = blue; image.data[o + 3] = 255;
    }
  }
}

/** A canvas sized for the screen's pixel density; returns its 2-D context scaled to CSS pixels. */
function labFit(canvas, width, height) {
  const ratio = Math.min(window.devicePixelRatio || 1, 2);
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

/** One network on screen: its trainer, numbers, probability map, neuron maps and curves. */
class LabRun {
  constructor(lab, info) {
    this.lab = lab;
    this.info = info;
    this.trainer = null;
    this.root = labElement("section", { class: "run", "aria-label": info.title });
    const head = labElement("div", { class: "head" });
    head.append(labElement("h3", {}, info.title));
    this.numbers = {};
    const numbers = labElement("div", { class: "numbers" });
    for (const [key, label] of [["step", "step"], ["acc", "test accuracy"], ["dead", `hidden neurons ${info.word}`]]) {
      const box = labElement("div", { class: "number", "data-number": key });
      this.numbers[key] = labElement("span", { class: "big" }, "0");
      box.append(this.numbers[key], labElement("span", { class: "label" }, label));
      numbers.append(box);
    }
    head.append(numbers);
    this.message = labElement("p", { class: "diverged", role: "alert" });
    this.message.hidden = true;
    this.pictures = labElement("div", { class: "pictures" });
    this.boundary = labElement("canvas", { class: "boundary", role: "img" });
    const side = labElement("div", { class: "side" });
    this.neurons = labElement("div", { class: "neurons", role: "group", "aria-label": `Hidden neurons of the ${info.title} network: what each outputs over the input plane` });
    const key = labElement("p", { class: "key", title: "Each square is one hidden neuron's output over the input plane " +
      "(blue: positive, vermillion: negative, each on its own scale)." });
    key.append(labElement("span", { class: "key-cross", "aria-hidden": "true" }, "✕"),
      ` ${info.word}: ${info.word === "dead" ? "f′ = 0 on every training point" : "at an end of its range on every point"}`);
    this.curves = labElement("canvas", { class: "curves", role: "img", "aria-label": `Training and test loss, and the fraction of ${info.word} neurons per layer, against the step` });
    side.append(this.neurons, key, this.curves);
    this.pictures.append(this.boundary, side);
    this.root.append(head, this.message, this.pictures);
    this.map = document.createElement("canvas"); // the probability map at grid resolution
    this.map.width = this.map.height = LAB_GRID;
    this.tiles = [];
  }

  /** Start from a spec (a new run or Reset). */
  load(spec) {
    const act = this.lab.activation(this.info);
    this.trainer = new Trainer(spec, act);
    this.buildNeuronTiles();
    this.applyLive();
    this.drawn = -1;
  }

  /** Continue a trainer this page had before (a visit to another page of the app unmounted the lab). */
  adopt(trainer) {
    this.trainer = trainer;
    this.buildNeuronTiles();
    this.applyLive();
    this.drawn = -1;
  }

  applyLive() {
    const live = this.info.live, c = this.trainer.config;
    c.learning_rate = live.learning_rate;
    c.momentum = live.momentum;
    c.max_steps = live.max_steps;
  }

  buildNeuronTiles() {
    this.neurons.replaceChildren();
    this.tiles = [];
    const widths = this.trainer.sizes.slice(1, -1);
    widths.forEach((width, l) => {
      const row = labElement("div", { class: "layer" });
      const name = labElement("span", { class: "layer-name" }, `layer ${l + 1}`);
      row.append(name);
      const cells = labElement("div", { class: "cells" });
      const tiles = [];
      for (let j = 0; j < width; j++) {
        const tile = labElement("span", { class: "tile", role: "img" });
        const canvas = labElement("canvas", { width: LAB_NEURON_GRID, height: LAB_NEURON_GRID });
        tile.append(canvas, labElement("span", { class: "cross", "aria-hidden": "true" }, "✕"));
        cells.append(tile);
        tiles.push({ tile, ctx: canvas.getContext("2d"), image: null, off: null });
      }
      row.append(cells);
      this.neurons.append(row);
      tiles.name = name;
      this.tiles.push(tiles);
    });
  }

  /** Draw what changed since the last frame. */
  draw(force = false) {
    const t = this.trainer;
    if (!force && this.drawn === t.step) return;
    this.drawn = t.step;
    const h = t.history, last = h.step.length - 1;
    this.numbers.step.textContent = labFormat(t.step);
    this.numbers.acc.textContent = labPercent(h.test_acc[last]);
    this.numbers.dead.textContent = labPercent(h.dead_overall[last]);
    if (t.diverged) {
      this.message.hidden = false;
      this.message.textContent = `Training stopped at step ${labFormat(t.step)}: the loss is no longer a finite number, ` +
        "because the weights overflowed. The learning rate is too high for this network: lower it, then press Reset.";
    } else {
      this.message.hidden = true;
    }
    const grid = this.lab.grid, fine = t.predict(grid.fine, grid.fineN);
    if (!t.diverged || fine.p.every(Number.isFinite)) this.drawBoundary(fine.p);
    this.drawNeurons(t.predict(grid.coarse, grid.coarseN).layers);
    this.drawCurves();
  }

  drawBoundary(p) {
    const lab = this.lab, colours = lab.data.colours, size = lab.boundarySize;
    const image = this.mapImage || (this.mapImage = this.map.getContext("2d").createImageData(LAB_GRID, LAB_GRID));
    labPaint(image, LAB_GRID, lab.diverging, (r, c) => p[r * LAB_GRID + c]);
    this.map.getContext("2d").putImageData(image, 0, 0);
    const ctx = labFit(this.boundary, size, size);
    ctx.clearRect(0, 0, size, size);
    ctx.imageSmoothingEnabled = true;
    ctx.globalAlpha = 0.8;
    ctx.drawImage(this.map, 0, 0, size, size);
    ctx.globalAlpha = 1;
    const [[x0, x1], [y0, y1]] = lab.data.bounds;
    const sx = size / (x1 - x0), sy = size / (y1 - y0);
    const data = this.trainer.train;
    ctx.lineWidth = 1;
    ctx.strokeStyle = "#ffffff";
    for (let i = 0; i < data.n; i++) {
      const x = (data.X[2 * i] - x0) * sx, y = size - (data.X[2 * i + 1] - y0) * sy;
      ctx.beginPath();
      if (data.y[i] > 0.5) {
        ctx.fillStyle = colours.class1;
        ctx.moveTo(x, y - 4); ctx.lineTo(x + 4, y); ctx.lineTo(x, y + 4); ctx.lineTo(x - 4, y); ctx.closePath();
      } else {
        ctx.fillStyle = colours.class0;
        ctx.arc(x, y, 3, 0, 2 * Math.PI);
      }
      ctx.fill();
      ctx.stroke();
    }
    const acc = this.trainer.history.test_acc.at(-1);
    this.boundary.setAttribute("aria-label", `Decision boundary of the ${this.info.title} network: p(class 1) over the input plane ` +
      `(blue: class 1, diamonds; vermillion: class 0, circles), test accuracy ${labPercent(acc)}`);
  }

  drawNeurons(layers) {
    const word = this.info.word, activity = this.trainer.activity, n = LAB_NEURON_GRID * LAB_NEURON_GRID;
    layers.forEach((layer, l) => {
      const width = layer.width;
      let off = 0;
      this.tiles[l].forEach((tile, j) => {
        let top = 0; // each neuron on its own scale, so a quiet one still shows its shape
        for (let t = j; t < n * width; t += width) if (Math.abs(layer.outputs[t]) > top) top = Math.abs(layer.outputs[t]);
        const image = tile.image || (tile.image = tile.ctx.createImageData(LAB_NEURON_GRID, LAB_NEURON_GRID));
        labPaint(image, LAB_NEURON_GRID, this.lab.diverging, (r, c) => {
          const v = layer.outputs[(r * LAB_NEURON_GRID + c) * width + j];
          return top > 0 && Number.isFinite(v) ? 0.5 + 0.5 * v / top : 0.5;
        });
        tile.ctx.putImageData(image, 0, 0);
        const inactive = activity ? activity[l].inactive[j] === 1 : false;
        off += inactive;
        if (inactive !== tile.off) {
          tile.off = inactive;
          tile.tile.classList.toggle("off", inactive);
          const label = `layer ${l + 1}, neuron ${j + 1}: ${inactive ? word : "active"}`;
          tile.tile.setAttribute("aria-label", label);
          tile.tile.title = label;
        }
      });
      const name = `layer ${l + 1}: ${off} ${word}`;
      if (this.tiles[l].name.textContent !== name) this.tiles[l].name.textContent = name;
    });
  }

  drawCurves() {
    const lab = this.lab, colours = lab.data.colours, h = this.trainer.history;
    const width = lab.curvesWidth, height = lab.curvesHeight;
    const ctx = labFit(this.curves, width, height);
    ctx.clearRect(0, 0, width, height);
    const font = lab.fontSize;
    ctx.font = `${font}px sans-serif`;
    const left = 3.4 * font, right = 8, gap = 1.4 * font;
    const plotW = width - left - right;
    const topH = (height - 2 * gap - 1.6 * font) * 0.55, bottomH = (height - 2 * gap - 1.6 * font) * 0.45;
    const panels = [
      { y: gap, h: topH, title: "loss", max: 0, lines: [["train", h.train_loss, colours.series[0], []], ["test", h.test_loss, colours.series[1], [6, 4]]] },
      { y: 2 * gap + topH, h: bottomH, title: `${this.info.word}`, max: 1, lines: [] },
    ];
    const layers = h.dead_fraction.length ? h.dead_fraction[0].length : 0;
    for (let l = 0; l < layers; l++) {
      panels[1].lines.push([`layer ${l + 1}`, h.dead_fraction.map((r) => r[l]), colours.series[(l + 2) % colours.series.length], [[], [6, 4], [2, 3], [8, 3, 2, 3]][l % 4]]);
    }
    let lossMax = 0;
    for (const values of [h.train_loss, h.test_loss]) for (const v of values) if (Number.isFinite(v) && v > lossMax) lossMax = v;
    panels[0].max = Math.max(0.1, Math.min(lossMax * 1.05, 3));
    const steps = h.step, xMax = Math.max(steps[steps.length - 1], 1);
    const px = (s) => left + (s / xMax) * plotW;
    ctx.textBaseline = "middle";
    for (const panel of panels) {
      ctx.strokeStyle = lab.gridColour;
      ctx.fillStyle = lab.textColour;
      ctx.lineWidth = 1;
      ctx.textAlign = "right";
      for (const f of [0, 0.5, 1]) {
        const y = panel.y + panel.h * (1 - f);
        ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(left + plotW, y); ctx.stroke();
        const v = f * panel.max;
        ctx.fillText(panel.max === 1 ? `${Math.round(v * 100)}%` : v.toFixed(2), left - 4, y);
      }
      ctx.save();
      ctx.beginPath(); ctx.rect(left, panel.y - 2, plotW, panel.h + 4); ctx.clip();
      for (const [, values, colour, dash] of panel.lines) {
        ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.setLineDash(dash);
        ctx.beginPath();
        let pen = false;
        for (let i = 0; i < steps.length; i++) {
          const v = values[i];
          if (!Number.isFinite(v)) { pen = false; continue; }
          const x = px(steps[i]), y = panel.y + panel.h * (1 - Math.min(v, panel.max * 1.02) / panel.max);
          if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
          pen = true;
        }
        ctx.stroke();
      }
      ctx.restore();
      ctx.setLineDash([]);
      ctx.textAlign = "left";
      let x = left + 6;
      ctx.fillStyle = lab.textColour;
      ctx.fillText(panel.title + ":", x, panel.y - 0.55 * font);
      x += ctx.measureText(panel.title + ": ").width;
      for (const [name, , colour, dash] of panel.lines) {
        ctx.strokeStyle = colour; ctx.lineWidth = 2; ctx.setLineDash(dash);
        ctx.beginPath(); ctx.moveTo(x, panel.y - 0.55 * font); ctx.lineTo(x + 18, panel.y - 0.55 * font); ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillText(name, x + 22, panel.y - 0.55 * font);
        x += 22 + ctx.measureText(name).width + 12;
      }
    }
    ctx.textAlign = "center";
    ctx.fillStyle = lab.textColour;
    ctx.fillText("0", left, height - 0.8 * font);
    ctx.fillText(`SGD step ${labFormat(xMax)}`, left + plotW - 4 * font, height - 0.8 * font);
  }

  summary() {
    const t = this.trainer, h = t.history;
    return `${this.info.title}: step ${labFormat(t.step)}, test accuracy ${labPercent(h.test_acc.at(-1))}, ` +
      `${labPercent(h.dead_overall.at(-1))} of hidden neurons ${this.info.word}` + (t.diverged ? ", stopped: the weights overflowed" : "");
  }
}

/** The whole lab: controls, runs side by side, the frame loop. */
class Lab {
  constructor(root) {
    this.root = root;
    this.running = false;
    this.frameId = 0;
    this.runId = null;
    this.runs = [];
    this.speed = 30;
    this.lastSummary = 0;
    this.element = labElement("div", { class: "lab" });
    const bar = labElement("div", { class: "bar" });
    this.startButton = labElement("button", { type: "button", class: "primary", "data-action": "start" }, "Start");
    this.stepButton = labElement("button", { type: "button", "data-action": "step" });
    this.resetButton = labElement("button", { type: "button", "data-action": "reset" }, "Reset");
    const speedLabel = labElement("label", { class: "speed" });
    this.speedSelect = labElement("select", { "aria-label": "Speed: SGD steps per frame" });
    for (const s of LAB_SPEEDS) this.speedSelect.append(labElement("option", { value: String(s) }, `${s} step${s > 1 ? "s" : ""} per frame`));
    speedLabel.append("Speed ", this.speedSelect);
    this.status = labElement("p", { class: "status", role: "status", "aria-live": "polite" });
    bar.append(this.startButton, this.stepButton, this.resetButton, speedLabel);
    this.runsElement = labElement("div", { class: "runs" });
    this.element.append(bar, this.runsElement, this.status);
    root.append(this.element);
    this.startButton.addEventListener("click", () => (this.running ? this.pause() : this.start()));
    this.stepButton.addEventListener("click", () => this.stepOnce());
    this.resetButton.addEventListener("click", () => this.reset());
    this.speedSelect.addEventListener("change", () => (this.speed = Number(this.speedSelect.value)));
    this.onVisibility = () => {
      if (document.hidden) cancelAnimationFrame(this.frameId);
      else if (this.running) this.schedule();
    };
    document.addEventListener("visibilitychange", this.onVisibility);
    this.resize = new ResizeObserver(() => this.layout());
    this.resize.observe(this.element);
  }

  /** Called on every rerun with Python's data. */
  update(data, setTriggerValue) {
    this.data = data;
    this.send = setTriggerValue;
    this.diverging = labScale(data.colours.diverging);
    this.element.dataset.theme = data.dark ? "dark" : "light";
    this.element.classList.toggle("presenting", !!data.presenting);
    this.stepButton.textContent = `Step ×${data.step_button}`;
    if (!this.speedSet) {
      this.speedSelect.value = String(data.speed);
      this.speed = data.speed;
      this.speedSet = true;
    }
    if (data.run_id !== this.runId) {
      this.runId = data.run_id;
      this.running = false;
      this.runsElement.replaceChildren();
      this.runs = data.runs.map((info) => new LabRun(this, info));
      this.runs.forEach((run) => this.runsElement.append(run.root));
      this.layout(false);
      const kept = globalThis.activationLabKept; // this run, left on another page of the app a moment ago
      if (kept && kept.runId === data.run_id && kept.trainers.length === this.runs.length) {
        this.runs.forEach((run, i) => run.adopt(kept.trainers[i]));
        if (kept.running) this.start();
      } else {
        this.runs.forEach((run, i) => run.load(data.runs[i].resume || data.runs[i].spec));
      }
      this.keep();
    } else {
      this.runs.forEach((run, i) => {
        run.info = data.runs[i];
        run.applyLive();
      });
    }
    if (data.autostart != null && data.autostart !== this.autostarted) { // a lesson was clicked: start it
      this.autostarted = data.autostart;
      this.runs.forEach((run, i) => run.load(data.runs[i].spec));
      this.running = false;
      this.start();
    }
    this.layout();
    this.refreshControls();
    if (this.running) this.schedule();
  }

  /** Formula or built-in activation for a run. */
  activation(info) {
    if (info.formula) return compileFormula(info.formula);
    const act = ACTIVATIONS_JS[info.spec.state.config.activation];
    if (!act) throw new Error(`no browser activation ${info.spec.state.config.activation}`);
    return act;
  }

  /** Sizes from the space available; the grids the maps are drawn on. */
  layout(draw = true) {
    const width = this.element.clientWidth || 700;
    const stacked = width < 640; // a phone: side-by-side runs go one under the other
    this.element.classList.toggle("stacked", stacked);
    const columns = stacked ? 1 : Math.max(this.runs.length, 1);
    const column = (width - 16 * (columns - 1)) / columns;
    const presenting = this.element.classList.contains("presenting");
    this.fontSize = presenting ? 14 : 12;
    const narrow = column < 420; // a phone: everything in one column
    this.element.classList.toggle("narrow", narrow);
    // The boundary as large as fits: beside the neuron maps and curves, and within the window's height
    // below where the pictures start (so the lab is on one screen), never under 180 px.
    const first = this.runs[0];
    const main = document.querySelector('[data-testid="stMain"]');
    const top = first ? first.pictures.getBoundingClientRect().top + (main ? main.scrollTop : window.scrollY) : 0;
    const tall = narrow ? Infinity : window.innerHeight - top - 12;
    this.boundarySize = Math.round(Math.max(180, Math.min(narrow ? Math.min(column, 360) : column * 0.45, this.data.map_size, tall)));
    const sideWidth = narrow ? column : column - this.boundarySize - 12;
    this.curvesWidth = Math.round(sideWidth);
    // neuron squares as large as lets a layer of the widest run fit on one line (8-34 px)
    const widest = Math.max(1, ...this.runs.filter((run) => run.trainer).map((run) => Math.max(...run.trainer.sizes.slice(1, -1))));
    const tile = Math.max(8, Math.min(34, Math.floor(sideWidth / widest) - 3));
    this.runs.forEach((run) => run.neurons.style.setProperty("--tile", `${tile}px`));
    const side = first ? first.neurons.offsetHeight + first.pictures.querySelector(".key").offsetHeight + 8 : 0;
    this.curvesHeight = Math.round(narrow ? 190 : Math.max(120, this.boundarySize - side));
    const style = getComputedStyle(this.element);
    this.textColour = style.color || (this.data.dark ? "#FAFAFA" : "#31333F");
    this.gridColour = "rgba(128, 128, 128, 0.3)";
    if (!this.grid || this.gridBounds !== JSON.stringify(this.data.bounds)) {
      this.gridBounds = JSON.stringify(this.data.bounds);
      const plane = (res) => {
        const [[x0, x1], [y0, y1]] = this.data.bounds, X = new Float64Array(2 * res * res);
        for (let r = 0; r < res; r++) {
          for (let c = 0; c < res; c++) {
            X[2 * (r * res + c)] = x0 + ((c + 0.5) / res) * (x1 - x0);
            X[2 * (r * res + c) + 1] = y0 + ((r + 0.5) / res) * (y1 - y0);
          }
        }
        return X;
      };
      this.grid = { fine: plane(LAB_GRID), fineN: LAB_GRID * LAB_GRID, coarse: plane(LAB_NEURON_GRID), coarseN: LAB_NEURON_GRID * LAB_NEURON_GRID };
    }
    if (draw) this.runs.forEach((run) => run.trainer && run.draw(true));
  }

  refreshControls() {
    const finished = this.runs.every((run) => run.trainer.finished);
    this.startButton.textContent = this.running ? "Pause" : "Start";
    this.startButton.setAttribute("aria-pressed", this.running ? "true" : "false");
    this.startButton.disabled = !this.running && finished;
    this.stepButton.disabled = this.running || finished;
    this.element.dataset.running = this.running ? "true" : "false";
  }

  /**
   * Remember the runs for this browser tab: Streamlit unmounts the lab when the student opens
   * another page, and Python knows the runs only as of the last pause, so coming back continues
   * from here instead.
   */
  keep() {
    globalThis.activationLabKept = { runId: this.runId, trainers: this.runs.map((run) => run.trainer), running: this.running };
  }

  start() {
    if (this.runs.every((run) => run.trainer.finished)) return;
    this.running = true;
    this.keep();
    this.refreshControls();
    this.schedule();
  }

  pause() {
    this.running = false;
    this.keep();
    cancelAnimationFrame(this.frameId);
    this.refreshControls();
    this.sync("pause");
  }

  stepOnce() {
    if (this.running) return;
    for (const run of this.runs) run.trainer.run(this.data.step_button);
    this.runs.forEach((run) => run.draw());
    this.refreshControls();
    this.sync("step");
  }

  reset() {
    this.running = false;
    cancelAnimationFrame(this.frameId);
    this.runs.forEach((run, i) => run.load(this.data.runs[i].spec));
    this.keep();
    this.runs.forEach((run) => run.draw(true));
    this.refreshControls();
    this.sync("reset");
  }

  schedule() {
    cancelAnimationFrame(this.frameId);
    if (!document.hidden) this.frameId = requestAnimationFrame(() => this.frame());
  }

  frame() {
    if (!this.running) return;
    if (!this.element.isConnected) return this.destroy(); // the page went away: stop training
    const budget = this.data.frame_budget_ms / this.runs.length;
    for (const run of this.runs) run.trainer.run(this.speed, performance.now() + budget);
    for (const run of this.runs) run.draw();
    const now = performance.now();
    if (now - this.lastSummary > LAB_SUMMARY_MS) {
      this.lastSummary = now;
      this.status.textContent = this.runs.map((run) => run.summary()).join(". ");
    }
    if (this.runs.every((run) => run.trainer.finished)) {
      this.running = false;
      this.keep();
      this.refreshControls();
      this.status.textContent = this.runs.map((run) => run.summary()).join(". ");
      this.sync("finished");
      return;
    }
    this.schedule();
  }

  /** The runs' whole state to Python (a rerun there): only on clicks and when training stops. */
  sync(reason) {
    this.status.textContent = this.runs.map((run) => run.summary()).join(". ");
    this.send("sync", { run_id: this.runId, reason, runs: this.runs.map((run) => run.trainer.toJSON()) });
  }

  destroy() {
    this.keep(); // running or not, as the student left it
    this.running = false;
    cancelAnimationFrame(this.frameId);
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.resize.disconnect();
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let lab = parentElement.activationLab;
  if (!lab) {
    lab = new Lab(parentElement);
    parentElement.activationLab = lab;
  }
  try {
    lab.update(data, setTriggerValue);
  } catch (error) {
    lab.status.textContent = `The lab could not start: ${error.message}`;
    throw error;
  }
}
