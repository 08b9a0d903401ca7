/**
 * The playground page: controls ↔ settings ↔ URL, the training loop, and the views.
 *
 * Play runs mini-batch steps inside requestAnimationFrame: each frame trains for a time budget
 * (or a fixed number of steps, by the speed setting), then redraws once, so the page never
 * freezes however fast the steps are. Step runs exactly one mini-batch and traces it.
 */
import "katex/dist/katex.min.css";
import "./styles.css";
import katex from "katex";
import { activationCurve, argsText, engineText, type Formula, formulas, lossActivations, outputFormulas } from "./activation.js";
import { csvColumns, NOISE_SCALE, parseCsvData, setUploadedData, uploadedData } from "./datasets.js";
import { download, onnxBytes, predict, runOnnx, safetensorsBytes, stateDictJson, typescriptSnippet } from "./export.js";
import {
  CLASS_COLORS,
  drawActivation,
  drawBoundary,
  drawGradBars,
  drawLoss,
  nearestPoint,
  surface,
  type LossPoint,
} from "./draw.js";
import {
  activationOf,
  argChoices,
  argList,
  argsWork,
  DATASET_LABELS,
  DATASETS,
  defaultArgs,
  hiddenActivations,
  LEARNING_RATES,
  layerActivation,
  LIMITS,
  normalLayerActivations,
  parseSettings,
  serializeSettings,
  SPEEDS,
  type Settings,
} from "./state.js";
import type { Activation, ArgValue } from "../../src/index.js";
import { formulaActivation, formulaText } from "./formula.js";
import { type NeuronMap, NetworkView } from "./network-view.js";
import { renderGraph, renderTrace, zoomGraph, type GraphZoom } from "./trace-view.js";
import { Trainer, type SampleTrace } from "./trainer.js";

/** The activation curve on the page, for its hover tooltip. */
let shownCurve: ReturnType<typeof activationCurve> | null = null;

/** The data set select's value while the user's CSV is in use. */
const CSV_OPTION = "csv";
/** Milliseconds of training per frame when the speed is "max"; the rest of the frame draws. */
const FRAME_BUDGET_MS = 7;
const GRID = 56;
const MAX_HISTORY = 1200;

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: no element #${id}`);
  return el as T;
};

const ui = {
  play: $<HTMLButtonElement>("play"),
  step: $<HTMLButtonElement>("step"),
  reset: $<HTMLButtonElement>("reset"),
  stepCount: $("step-count"),
  epoch: $("epoch"),
  lossTrain: $("loss-train"),
  lossTest: $("loss-test"),
  sps: $("sps"),
  fps: $("fps"),
  dataset: $<HTMLSelectElement>("dataset"),
  noise: $<HTMLInputElement>("noise"),
  noiseOut: $("noise-out"),
  ratio: $<HTMLInputElement>("ratio"),
  ratioOut: $("ratio-out"),
  seed: $<HTMLInputElement>("seed"),
  layerCount: $("layer-count"),
  layerAdd: $<HTMLButtonElement>("layer-add"),
  layerRemove: $<HTMLButtonElement>("layer-remove"),
  layers: $("layers"),
  activation: $<HTMLSelectElement>("activation"),
  actArgs: $("act-args"),
  netSummary: $("net-summary"),
  optimizer: $<HTMLSelectElement>("optimizer"),
  lr: $<HTMLSelectElement>("lr"),
  batch: $<HTMLInputElement>("batch"),
  batchOut: $("batch-out"),
  speed: $<HTMLSelectElement>("speed"),
  boundary: $<HTMLCanvasElement>("boundary"),
  boundaryCaption: $("boundary-caption"),
  classLegend: $("class-legend"),
  lossChart: $<HTMLCanvasElement>("loss-chart"),
  actName: $("act-name"),
  actF: $("act-f"),
  actDf: $("act-df"),
  actChart: $<HTMLCanvasElement>("act-chart"),
  actEngine: $("act-engine"),
  outFormulas: $("out-formulas"),
  outCaption: $("out-caption"),
  gradBars: $<HTMLCanvasElement>("grad-bars"),
  trace: $<HTMLTableElement>("trace"),
  sample: $<HTMLInputElement>("sample"),
  samplePoint: $("sample-point"),
  sampleStatus: $("sample-status"),
  traceCaption: $("trace-caption"),
  graph: $("graph"),
  graphZoom: $<HTMLButtonElement>("graph-zoom"),
  csvBox: $<HTMLDetailsElement>("csv-box"),
  csvFile: $<HTMLInputElement>("csv-file"),
  csvText: $<HTMLTextAreaElement>("csv-text"),
  csvX: $<HTMLSelectElement>("csv-x"),
  csvY: $<HTMLSelectElement>("csv-y"),
  csvLabel: $<HTMLSelectElement>("csv-label"),
  csvUse: $<HTMLButtonElement>("csv-use"),
  csvError: $("csv-error"),
  csvRestored: $("csv-restored"),
  network: $("network"),
  formula: $<HTMLInputElement>("formula"),
  formulaUse: $<HTMLButtonElement>("formula-use"),
  formulaError: $("formula-error"),
  dlJson: $<HTMLButtonElement>("dl-json"),
  dlSafetensors: $<HTMLButtonElement>("dl-safetensors"),
  dlOnnx: $<HTMLButtonElement>("dl-onnx"),
  copyTs: $<HTMLButtonElement>("copy-ts"),
  exportStatus: $("export-status"),
  tsSnippet: $("ts-snippet"),
};

let settings: Settings = parseSettings(location.hash);
const network = new NetworkView(ui.network);
let trainer!: Trainer;
let lossHistory: LossPoint[] = [];
let playing = false;
let rafId = 0;
let lastTrace: SampleTrace | null = null;
let traceNote = "";

// ——— performance: frames of the last second ———

interface FrameStat {
  t: number;
  steps: number;
  trainMs: number;
  drawMs: number;
}
const frames: FrameStat[] = [];
const perf = {
  stepsPerSecond: 0,
  framesPerSecond: 0,
  longestFrameMs: 0,
  trainMsPerFrame: 0,
  drawMsPerFrame: 0,
  stepsPerFrame: 0,
};

function recordFrame(f: FrameStat): void {
  frames.push(f);
  while (frames.length > 2 && f.t - frames[0].t > 1000) frames.shift();
  if (frames.length < 2) return;
  const first = frames[0],
    dt = f.t - first.t;
  perf.stepsPerSecond = ((f.steps - first.steps) / dt) * 1000;
  perf.framesPerSecond = ((frames.length - 1) / dt) * 1000;
  let gap = 0,
    train = 0,
    draw = 0;
  for (let i = 1; i < frames.length; i++) {
    gap = Math.max(gap, frames[i].t - frames[i - 1].t);
    train += frames[i].trainMs;
    draw += frames[i].drawMs;
  }
  perf.longestFrameMs = gap;
  perf.trainMsPerFrame = train / (frames.length - 1);
  perf.drawMsPerFrame = draw / (frames.length - 1);
  perf.stepsPerFrame = (f.steps - first.steps) / (frames.length - 1);
}

// ——— settings ↔ controls ↔ URL ———

function writeUrl(): void {
  history.replaceState(null, "", serializeSettings(settings));
}

function fillSelect(sel: HTMLSelectElement, options: readonly (readonly [string, string])[]): void {
  sel.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
}

/** An activation as the page names it: a formula by its text, others by name (and arguments, if any). */
function activationText(act: Activation, args: readonly ArgValue[]): string {
  const formula = formulaText(act.name);
  if (formula !== undefined) return formula;
  return args.length ? `${act.name} (${argsText(act, args)})` : act.name;
}

/** The options of an activation select: every hidden activation, a formula shown with its text. */
function activationOptions(): [string, string][] {
  return hiddenActivations().map((a) => {
    const formula = formulaText(a.name);
    return [a.name, formula === undefined ? a.name : `${a.name}: ${formula}`];
  });
}

function renderLayers(): void {
  ui.layerCount.textContent = String(settings.layers.length);
  ui.layerAdd.disabled = settings.layers.length >= LIMITS.layers;
  ui.layerRemove.disabled = settings.layers.length === 0;
  ui.layers.replaceChildren(
    ...settings.layers.map((units, i) => {
      const label = document.createElement("label");
      label.className = "layer";
      label.append(`layer ${i + 1}`);
      const input = document.createElement("input");
      Object.assign(input, { type: "number", min: "1", max: String(LIMITS.units), step: "1", value: String(units) });
      input.setAttribute("aria-label", `Layer ${i + 1} units`);
      input.dataset.testid = `units-${i + 1}`;
      input.addEventListener("change", () => {
        const v = Math.round(Number(input.value));
        settings.layers[i] = Number.isFinite(v) ? Math.min(LIMITS.units, Math.max(1, v)) : units;
        changed("reset");
      });
      label.append(input, " units");
      const sel = document.createElement("select");
      sel.setAttribute("aria-label", `Layer ${i + 1} activation`);
      sel.dataset.testid = `layer-act-${i + 1}`;
      fillSelect(sel, activationOptions());
      sel.value = layerActivation(settings, i).act.name;
      sel.addEventListener("change", () => {
        const names = settings.layers.map((_, j) => settings.layerActivations[j] ?? "");
        names[i] = sel.value;
        settings.layerActivations = normalLayerActivations(names, activationOf(settings).name, settings.layers.length);
        changed("reset");
      });
      label.append(sel);
      return label;
    }),
  );
}

/** The activation whose argument controls are on the page (they are rebuilt only when it changes). */
let argsFor = "";

/**
 * One control per argument of the chosen activation, labelled "<activation> <argument>": a
 * number input for a number, a select for a word (its choices as the definition tells them).
 * A value the definition refuses puts the control back to the setting in effect.
 */
function renderArgs(): void {
  const act = activationOf(settings);
  const keys = Object.keys(act.args);
  ui.actArgs.hidden = keys.length === 0;
  if (argsFor !== act.name) {
    argsFor = act.name;
    ui.actArgs.replaceChildren(
      ...keys.map((k) => {
        const label = document.createElement("label");
        label.append(`${act.name} ${k}`);
        const def = act.args[k];
        let control: HTMLInputElement | HTMLSelectElement;
        if (typeof def === "number") {
          control = document.createElement("input");
          Object.assign(control, { type: "number", step: "any" });
        } else {
          control = document.createElement("select");
          fillSelect(
            control,
            argChoices(act, k).map((w) => [w, w]),
          );
          control.disabled = control.options.length < 2;
        }
        control.name = k;
        control.dataset.testid = `arg-${k}`;
        control.addEventListener("change", () => {
          const v = typeof def === "number" ? Number(control.value) : control.value;
          const next = { ...settings.args, [k]: v };
          if ((typeof v === "number" && !Number.isFinite(v)) || !argsWork(act, argList(act, next))) {
            control.value = String(settings.args[k] ?? def);
            return;
          }
          settings.args = next;
          changed("reset");
        });
        label.append(control);
        return label;
      }),
    );
  }
  const values = argList(act, settings.args);
  ui.actArgs.querySelectorAll<HTMLInputElement | HTMLSelectElement>("input, select").forEach((control) => {
    control.value = String(values[keys.indexOf(control.name)]);
  });
}

function syncControls(): void {
  ui.dataset.value = uploadedData() ? CSV_OPTION : settings.dataset;
  ui.noise.value = String(settings.noise);
  ui.noiseOut.textContent = `${settings.noise.toFixed(2)} (σ = ${+(settings.noise * NOISE_SCALE[settings.dataset]).toFixed(3)})`;
  ui.ratio.value = String(settings.trainRatio);
  ui.ratioOut.textContent = `${Math.round(settings.trainRatio * 100)}%`;
  ui.seed.value = String(settings.seed);
  if (ui.activation.options.length !== hiddenActivations().length) fillSelect(ui.activation, activationOptions());
  ui.activation.value = settings.activation;
  const formula = formulaText(settings.activation);
  if (formula !== undefined) ui.formula.value = formula;
  renderArgs();
  ui.optimizer.value = settings.optimizer;
  if (!Array.from(ui.lr.options).some((o) => Number(o.value) === settings.lr))
    ui.lr.add(new Option(String(settings.lr), String(settings.lr)));
  ui.lr.value = Array.from(ui.lr.options).find((o) => Number(o.value) === settings.lr)!.value;
  ui.batch.value = String(settings.batchSize);
  ui.batchOut.textContent = String(settings.batchSize);
  ui.speed.value = String(settings.speed);
  renderLayers();
  const c = settings.csv;
  ui.csvRestored.hidden = c === null || uploadedData() !== null;
  ui.csvRestored.textContent = c
    ? `This link trained on a CSV with x = ${c.x}, y = ${c.y}, label ${c.label}: upload, drop or paste it again and those columns are chosen.`
    : "";
  if (!ui.csvRestored.hidden) ui.csvBox.open = true;
}

/** Applies a settings change: "reset" rebuilds data and network; "live" keeps training state. */
function changed(kind: "reset" | "live"): void {
  syncControls();
  writeUrl();
  if (kind === "reset") reset();
  else {
    trainer.setLearningRate(settings.lr);
    trainer.batchSize = settings.batchSize;
  }
}

// ——— training ———

function reset(): void {
  trainer = new Trainer(settings);
  if (settings.sample >= trainer.trainSize) {
    settings.sample = 0;
    writeUrl();
  }
  // new data or a new network: the last announcement no longer describes the chosen point
  ui.sampleStatus.textContent = "";
  showSample();
  frames.length = 0;
  lossHistory = [{ step: 0, train: trainer.loss("train"), test: trainer.loss("test") }];
  renderStatic();
  redraw(true);
  traceNow("at the initial parameters (step 0)");
}

function recordLoss(): void {
  lossHistory.push({ step: trainer.steps, train: trainer.loss("train"), test: trainer.loss("test") });
  if (lossHistory.length > MAX_HISTORY) lossHistory = lossHistory.filter((_, i) => i % 2 === 0 || i === lossHistory.length - 1);
}

function frame(now: number): void {
  if (!playing) return;
  const t0 = performance.now();
  if (settings.speed > 0) {
    for (let i = 0; i < settings.speed; i++) trainer.step();
  } else {
    do trainer.step();
    while (performance.now() - t0 < FRAME_BUDGET_MS);
  }
  const t1 = performance.now();
  recordLoss();
  redraw(false);
  recordFrame({ t: now, steps: trainer.steps, trainMs: t1 - t0, drawMs: performance.now() - t1 });
  rafId = requestAnimationFrame(frame);
}

function setPlaying(on: boolean): void {
  if (on === playing) return;
  playing = on;
  ui.play.textContent = on ? "❚❚ Pause" : "▶ Play";
  ui.play.setAttribute("aria-label", on ? "Pause training" : "Play: train continuously");
  ui.play.dataset.state = on ? "playing" : "paused";
  if (on) {
    frames.length = 0;
    rafId = requestAnimationFrame(frame);
  } else {
    cancelAnimationFrame(rafId);
    traceNow(`at the current parameters, after step ${trainer.steps}`);
  }
}

function stepOnce(): void {
  setPlaying(false);
  // The trace uses the parameters this step's backward pass uses: taken before the update.
  const t = trainer.trace(settings.sample);
  trainer.step();
  recordLoss();
  redraw(true);
  showTrace(t, `of step ${trainer.steps} (the parameters it used, before its update)`);
}

// ——— views ———

let gradLabels: string[] = [];

/** A formula into `el`: typeset by KaTeX when it has LaTeX, as plain text otherwise. */
function showFormula(el: HTMLElement, f: Formula, lead = ""): void {
  if (f.tex !== undefined) katex.render(`${lead}${f.tex}`, el, { throwOnError: false, displayMode: true });
  else el.textContent = f.text;
}

function renderStatic(): void {
  const d = trainer.data;
  ui.boundaryCaption.textContent = `${uploadedData()?.name ?? DATASET_LABELS[settings.dataset]} · ${d.train.y.length} train / ${d.test.y.length} test points`;
  ui.classLegend.replaceChildren(
    ...Array.from({ length: d.classes }, (_, c) => {
      const s = document.createElement("span");
      s.innerHTML = `<i style="background: rgb(${CLASS_COLORS[c].join(",")})"></i>class ${c}`;
      return s;
    }),
  );
  const widths = [2, ...settings.layers, d.classes];
  const params = trainer.model.parameters().reduce((n, p) => n + p.size, 0);
  const act = activationOf(settings);
  const args = argList(act, settings.args);
  const withArgs = args.length ? `${act.name} (${argsText(act, args)})` : act.name;
  const shown = widths.map((w, i) =>
    i === 0 || i === widths.length - 1 ? String(w) : `${w} ${layerActivation(settings, i - 1).act.name}`,
  );
  ui.netSummary.textContent = `${shown.join(" → ")} · ${withArgs} · ${outputName} output · ${params} parameters`;
  gradLabels = trainer.layers.map((l) => `${l.label}`);
  // activation view: everything from the definition
  const { f, df } = formulas(act);
  showFormula(ui.actF, f, String.raw`f:\quad `);
  showFormula(ui.actDf, df, String.raw`f':\quad `);
  ui.actName.textContent =
    act.kind === "groups" ? `${withArgs}, drawn as a function of one number by its definition's curve` : withArgs;
  ui.actEngine.textContent = `engine's table: ${engineText(act)}`;
  const curve = activationCurve(act, args);
  drawActivation(surface(ui.actChart), curve.xs, curve.f, curve.df, curve.d2f);
  shownCurve = curve;
  ui.tsSnippet.textContent = typescriptSnippet(settings, d.classes);
  network.setNetwork(trainer, {
    activations: settings.layers.map((_, i) => {
      const l = layerActivation(settings, i);
      return activationText(l.act, l.args);
    }),
    classNames: uploadedData()?.classNames ?? Array.from({ length: d.classes }, (_, c) => String(c)),
  });
}

/** The output layer as the loss computes it: the activations it runs through, then cross-entropy. */
const outputName = [...lossActivations().map((a) => a.name), "cross-entropy"].join(" + ");

const points = (d: { x: { data: ArrayLike<number> }; y: Int32Array }) => ({ x: d.x.data, y: d.y });

function fmtLoss(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return v >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(3);
}

function redraw(full: boolean): void {
  const d = trainer.data;
  const probs = trainer.grid(GRID);
  drawBoundary(surface(ui.boundary), probs, GRID, d.classes, d.domain, points(d.train), points(d.test), settings.sample);
  drawLoss(surface(ui.lossChart), lossHistory);
  drawGradBars(surface(ui.gradBars), gradLabels, trainer.takeGradNormMean());
  network.update(full);
  const last = lossHistory[lossHistory.length - 1];
  ui.stepCount.textContent = String(trainer.steps);
  ui.epoch.textContent = String(trainer.epoch);
  ui.lossTrain.textContent = fmtLoss(last.train);
  ui.lossTest.textContent = fmtLoss(last.test);
  if (full || frames.length % 10 === 0) {
    ui.sps.textContent = perf.stepsPerSecond ? perf.stepsPerSecond.toFixed(0) : "0";
    ui.fps.textContent = perf.framesPerSecond ? perf.framesPerSecond.toFixed(0) : "0";
  }
}

let graphJob = 0;
let graphZoom: GraphZoom = "read";

function showTrace(t: SampleTrace, when: string): void {
  lastTrace = t;
  traceNote = when;
  const [x, y] = t.point;
  ui.traceCaption.textContent = `sample #${t.sample} at (${x.toFixed(2)}, ${y.toFixed(2)}), class ${t.label}, loss ${t.loss.toFixed(4)} — ${when}; ${t.steps.length} steps, loss first`;
  renderTrace(ui.trace, t.steps);
  ui.trace.dataset.step = String(trainer.steps);
  const job = ++graphJob;
  ui.graph.dataset.state = "rendering";
  renderGraph(ui.graph, t.dot, graphZoom).then(
    () => {
      if (job === graphJob) ui.graph.dataset.state = "done";
    },
    (e: unknown) => {
      if (job !== graphJob) return;
      ui.graph.dataset.state = "error";
      ui.graph.textContent = `Graphviz could not draw the graph: ${e instanceof Error ? e.message : String(e)}`;
    },
  );
}

function traceNow(when: string): void {
  showTrace(trainer.trace(settings.sample), when);
}

// ——— the traced sample: a click on the map, the "Sample to trace" input, or the map's arrow keys ———

/** Training point `i` as the page tells it: "(0.31, −0.52), class 1" (with the CSV's class name, if any). */
function samplePoint(i: number): string {
  const d = trainer.data.train;
  const f = (v: number) => v.toFixed(2).replace("-", "\u2212");
  const c = d.y[i];
  const name = uploadedData()?.classNames[c];
  const cls = name === undefined || name === String(c) ? `class ${c}` : `class ${c} (${name})`;
  return `(${f(d.x.data[2 * i])}, ${f(d.x.data[2 * i + 1])}), ${cls}`;
}

/** The "Sample to trace" input and the point beside it, for the sample in the settings. */
function showSample(): void {
  const n = trainer.trainSize;
  ui.sample.max = String(n - 1);
  ui.sample.value = String(settings.sample);
  ui.samplePoint.textContent = `${samplePoint(settings.sample)} · training points 0–${n - 1}`;
}

/**
 * Traces training point `i` (clamped to the training set), as a click on it does: the ring on
 * the map, the URL, the input, the trace and its graph; the live region announces the choice.
 */
function chooseSample(i: number): void {
  const n = trainer.trainSize;
  const next = Math.min(n - 1, Math.max(0, Math.round(i)));
  const edge =
    next !== i && next === settings.sample ? (next === 0 ? ", the first training point" : ", the last training point") : "";
  settings.sample = next;
  writeUrl();
  showSample();
  ui.sampleStatus.textContent = `Sample ${next}: ${samplePoint(next)}${edge}`;
  redraw(true);
  traceNow(`at the current parameters, after step ${trainer.steps}`);
}

/** The map's keys: Right/Up the next training point, Left/Down the previous, Page Up/Down ten on, Home/End the ends. */
const SAMPLE_KEYS: Record<string, (i: number, n: number) => number> = {
  ArrowRight: (i) => i + 1,
  ArrowUp: (i) => i + 1,
  ArrowLeft: (i) => i - 1,
  ArrowDown: (i) => i - 1,
  PageUp: (i) => i + 10,
  PageDown: (i) => i - 10,
  Home: () => 0,
  End: (_, n) => n - 1,
};

// ——— wiring ———

function init(): void {
  fillSelect(
    ui.dataset,
    DATASETS.map((d) => [d, DATASET_LABELS[d]]),
  );
  fillSelect(ui.activation, activationOptions());
  fillSelect(
    ui.lr,
    LEARNING_RATES.map((v) => [String(v), String(v)]),
  );
  fillSelect(
    ui.speed,
    SPEEDS.map((v) => [String(v), v === 0 ? "max (time budget per frame)" : `${v} step${v > 1 ? "s" : ""} per frame`]),
  );
  ui.outCaption.textContent = outputName;
  ui.outFormulas.replaceChildren(
    ...outputFormulas().map((f) => {
      const div = document.createElement("div");
      showFormula(div, f);
      return div;
    }),
  );

  ui.play.addEventListener("click", () => setPlaying(!playing));
  ui.step.addEventListener("click", stepOnce);
  ui.reset.addEventListener("click", () => reset());
  ui.dataset.addEventListener("change", () => {
    if (ui.dataset.value === CSV_OPTION) return;
    setUploadedData(null);
    ui.dataset.querySelector(`option[value="${CSV_OPTION}"]`)?.remove();
    settings.csv = null;
    settings.dataset = ui.dataset.value as Settings["dataset"];
    changed("reset");
  });
  // your own data: the columns come from the header; a bad file leaves the data in use alone
  let csvColumnsShown = "";
  const showCsvColumns = () => {
    const cols = csvColumns(ui.csvText.value);
    const key = cols.join("\u0000");
    if (key === csvColumnsShown) return;
    csvColumnsShown = key;
    const opts = cols.map((c) => [c, c] as const);
    fillSelect(ui.csvX, opts);
    fillSelect(ui.csvY, opts);
    fillSelect(ui.csvLabel, opts);
    // the columns the settings (a link) name when the file has them, else the first two and the last
    const c = settings.csv;
    if (c && [c.x, c.y, c.label].every((name) => cols.includes(name))) {
      ui.csvX.value = c.x;
      ui.csvY.value = c.y;
      ui.csvLabel.value = c.label;
    } else if (cols.length >= 3) {
      ui.csvX.value = cols[0];
      ui.csvY.value = cols[1];
      ui.csvLabel.value = cols[cols.length - 1];
    }
  };
  const useCsv = () => {
    showCsvColumns();
    try {
      const d = parseCsvData(ui.csvText.value, [ui.csvX.value, ui.csvY.value], ui.csvLabel.value, CLASS_COLORS.length);
      setUploadedData(d);
      settings.csv = { x: ui.csvX.value, y: ui.csvY.value, label: ui.csvLabel.value };
      ui.csvError.textContent = "";
      if (!ui.dataset.querySelector(`option[value="${CSV_OPTION}"]`)) {
        const o = document.createElement("option");
        o.value = CSV_OPTION;
        o.textContent = "your CSV";
        ui.dataset.append(o);
      }
      ui.dataset.value = CSV_OPTION;
      changed("reset");
    } catch (e) {
      ui.csvError.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  ui.csvFile.addEventListener("change", async () => {
    const file = ui.csvFile.files?.[0];
    if (!file) return;
    ui.csvText.value = await file.text();
    useCsv();
  });
  // a file dropped anywhere on the page is read as the CSV (instead of the browser opening it)
  const carriesFile = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes("Files");
  document.addEventListener("dragover", (e) => {
    if (!carriesFile(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
    document.body.classList.add("dropping");
  });
  document.addEventListener("dragleave", (e) => {
    if (e.relatedTarget === null) document.body.classList.remove("dropping");
  });
  document.addEventListener("drop", async (e) => {
    document.body.classList.remove("dropping");
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    e.preventDefault();
    ui.csvBox.open = true;
    ui.csvText.value = await file.text();
    useCsv();
  });
  ui.csvText.addEventListener("input", showCsvColumns);
  ui.csvUse.addEventListener("click", useCsv);
  for (const sel of [ui.csvX, ui.csvY, ui.csvLabel]) sel.addEventListener("change", useCsv);
  ui.noise.addEventListener("input", () => {
    settings.noise = Number(ui.noise.value);
    changed("reset");
  });
  ui.ratio.addEventListener("input", () => {
    settings.trainRatio = Number(ui.ratio.value);
    changed("reset");
  });
  ui.seed.addEventListener("change", () => {
    const v = Math.round(Number(ui.seed.value));
    settings.seed = Number.isFinite(v) ? Math.min(LIMITS.seed[1], Math.max(0, v)) : settings.seed;
    changed("reset");
  });
  ui.layerAdd.addEventListener("click", () => {
    if (settings.layers.length >= LIMITS.layers) return;
    settings.layers.push(settings.layers[settings.layers.length - 1] ?? 4);
    changed("reset");
  });
  ui.layerRemove.addEventListener("click", () => {
    settings.layers.pop();
    settings.layerActivations = settings.layerActivations.slice(0, settings.layers.length);
    settings.layerActivations = normalLayerActivations(
      settings.layerActivations,
      activationOf(settings).name,
      settings.layers.length,
    );
    changed("reset");
  });
  ui.activation.addEventListener("change", () => {
    settings.activation = activationOf({ activation: ui.activation.value }).name;
    settings.args = defaultArgs(activationOf(settings));
    settings.layerActivations = [];
    changed("reset");
  });
  // your own activation: parsed by the page's grammar, defined once per formula, then chosen
  const useFormula = () => {
    try {
      const act = formulaActivation(ui.formula.value);
      ui.formulaError.textContent = "";
      fillSelect(ui.activation, activationOptions());
      settings.activation = act.name;
      settings.args = defaultArgs(act);
      settings.layerActivations = [];
      changed("reset");
    } catch (e) {
      ui.formulaError.textContent = e instanceof Error ? e.message : String(e);
    }
  };
  ui.formulaUse.addEventListener("click", useFormula);
  // hover the curve: f, f′ and f″ at that x
  const actTip = document.createElement("div");
  actTip.setAttribute("role", "tooltip");
  actTip.id = "act-tip";
  actTip.className = "tip";
  actTip.hidden = true;
  ui.actChart.after(actTip);
  ui.actChart.addEventListener("mousemove", (e) => {
    const c = shownCurve;
    if (!c) return;
    const r = ui.actChart.getBoundingClientRect();
    const P = 18;
    const t = (e.clientX - r.left - P) / (r.width - 2 * P);
    const i = Math.min(c.xs.length - 1, Math.max(0, Math.round(t * (c.xs.length - 1))));
    const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));
    actTip.textContent = `x = ${f3(c.xs[i])}: f = ${f3(c.f[i])}, f′ = ${f3(c.df[i])}, f″ = ${f3(c.d2f[i])}`;
    actTip.style.left = `${e.clientX - r.left + 12}px`;
    actTip.style.top = `${e.clientY - r.top + 12}px`;
    actTip.hidden = false;
  });
  ui.actChart.addEventListener("mouseleave", () => {
    actTip.hidden = true;
  });
  ui.formula.addEventListener("keydown", (e) => {
    if (e.key === "Enter") useFormula();
  });
  ui.optimizer.addEventListener("change", () => {
    settings.optimizer = ui.optimizer.value as Settings["optimizer"];
    changed("reset");
  });
  ui.lr.addEventListener("change", () => {
    settings.lr = Number(ui.lr.value);
    changed("live");
  });
  ui.batch.addEventListener("input", () => {
    settings.batchSize = Number(ui.batch.value);
    changed("live");
  });
  ui.speed.addEventListener("change", () => {
    settings.speed = Number(ui.speed.value);
    changed("live");
  });
  // take it home: the model as it is now
  const exporting = (what: string, make: () => void) => {
    try {
      make();
      ui.exportStatus.textContent = `${what} at step ${trainer.steps}`;
    } catch (e) {
      ui.exportStatus.textContent = `${what} failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  ui.dlJson.addEventListener("click", () =>
    exporting("model.json (state dict)", () => download("model.json", stateDictJson(trainer.model), "application/json")),
  );
  ui.dlSafetensors.addEventListener("click", () =>
    exporting("model.safetensors", () =>
      download("model.safetensors", safetensorsBytes(trainer.model), "application/octet-stream"),
    ),
  );
  ui.dlOnnx.addEventListener("click", () =>
    exporting("model.onnx", () => download("model.onnx", onnxBytes(trainer.model), "application/octet-stream")),
  );
  ui.copyTs.addEventListener("click", () => {
    const code = typescriptSnippet(settings, trainer.data.classes);
    ui.tsSnippet.textContent = code;
    ui.tsSnippet.closest("details")?.setAttribute("open", "");
    navigator.clipboard?.writeText(code).then(
      () => {
        ui.exportStatus.textContent = "TypeScript copied to the clipboard (and shown below)";
      },
      () => {
        ui.exportStatus.textContent = "the clipboard is not available here: the TypeScript is shown below";
      },
    );
  });
  ui.graphZoom.addEventListener("click", () => {
    graphZoom = graphZoom === "fit" ? "read" : "fit";
    ui.graphZoom.textContent = graphZoom === "fit" ? "actual size" : "fit to width";
    ui.graphZoom.setAttribute(
      "aria-label",
      graphZoom === "fit" ? "Show the graph at actual size" : "Fit the graph to the panel's width",
    );
    zoomGraph(ui.graph, graphZoom);
  });
  ui.boundary.addEventListener("click", (e) => {
    const r = ui.boundary.getBoundingClientRect();
    const i = nearestPoint(
      e.clientX - r.left,
      e.clientY - r.top,
      r.width,
      r.height,
      trainer.data.domain,
      points(trainer.data.train),
    );
    if (i >= 0) chooseSample(i);
  });
  ui.boundary.addEventListener("keydown", (e) => {
    const move = Object.hasOwn(SAMPLE_KEYS, e.key) ? SAMPLE_KEYS[e.key] : undefined;
    if (!move || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    chooseSample(move(settings.sample, trainer.trainSize));
  });
  ui.sample.addEventListener("change", () => {
    const v = Number(ui.sample.value);
    if (ui.sample.value.trim() === "" || !Number.isFinite(v)) showSample();
    else chooseSample(v);
  });
  // A link pasted into the address bar of an open page changes only the hash.
  window.addEventListener("hashchange", () => {
    const next = parseSettings(location.hash);
    if (serializeSettings(next) === serializeSettings(settings)) return;
    settings = next;
    syncControls();
    reset();
  });

  syncControls();
  writeUrl();
  reset();
}

init();

/** Hooks for tests and the curious: `window.__playground.stats()` in the console. */
declare global {
  interface Window {
    __playground: {
      ready: boolean;
      settings: () => Settings;
      stats: () => typeof perf & { steps: number; playing: boolean; trainLoss: number; testLoss: number };
      trace: () => { ops: string[]; note: string } | null;
      predict: (points: number[][]) => number[][];
      runOnnx: (bytes: number[], points: number[][]) => Promise<number[][]>;
      /** Each Linear layer, input side first: weight [out][in], its gradient from the last backward pass (null before one), bias, and the Linear outputs per neuron (maxout's pieces). */
      weights: () => { weight: number[][]; grad: number[][] | null; bias: number[] | null; pieces: number }[];
      /** The output map in the neuron tooltip, or null when none is shown. */
      neuronMap: () => NeuronMap | null;
    };
  }
}
window.__playground = {
  ready: true,
  settings: () => structuredClone(settings),
  stats: () => {
    const last = lossHistory[lossHistory.length - 1];
    return { ...perf, steps: trainer.steps, playing, trainLoss: last.train, testLoss: last.test };
  },
  trace: () => (lastTrace ? { ops: lastTrace.steps.map((s) => s.op), note: traceNote } : null),
  predict: (points) => predict(trainer.model, points),
  runOnnx: (bytes, points) => runOnnx(Uint8Array.from(bytes), points),
  weights: () =>
    trainer.layers.map(({ linear, pieces }) => ({
      weight: linear.weight.toArray() as number[][],
      grad: linear.weight.grad ? (linear.weight.grad.toArray() as number[][]) : null,
      bias: linear.bias ? Array.from(linear.bias.data) : null,
      pieces,
    })),
  neuronMap: () => (network.map ? structuredClone(network.map) : null),
};
