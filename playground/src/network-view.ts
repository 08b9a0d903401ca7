/**
 * The network drawing: an SVG of the input (x, y), each hidden layer's neurons, the output
 * neurons, and an edge for every weight between consecutive layers — blue for a positive
 * weight, orange for a negative one, thicker and darker the larger |w| (by √(|w| / the largest
 * |w|)) — redrawn as training
 * runs. Under each hidden layer, its activation (a formula's own text for a formula).
 *
 * Every neuron and edge is focusable (tabindex 0) and named ("Layer 1 neuron 3", "Weight from
 * layer 1 neuron 2 to layer 2 neuron 4"). Hovering or focusing a neuron shows its output map:
 * its value over the decision map's extent, from a forward pass of the grid through the model;
 * an edge shows its weight and its gradient from the last backward pass. Escape hides them.
 */
import { CLASS_COLORS } from "./draw.js";
import type { Trainer } from "./trainer.js";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Points per side of a neuron's output map. */
export const MAP_GRID = 40;
/** The drawing's coordinate box (it scales to the panel's width). */
const W = 760;
const POSITIVE: [number, number, number] = [8, 119, 189];
const NEGATIVE: [number, number, number] = [245, 147, 34];

/** What the page tells the drawing beyond the model itself. */
export interface NetworkLabels {
  /** Under each hidden layer: its activation as the page shows it ("relu", "x * sigmoid(x)", …). */
  activations: string[];
  /** The output neurons' classes (CSV labels or class numbers). */
  classNames: string[];
}

/** The output map on show: one neuron's values on the MAP_GRID² grid, row-major from the top-left. */
export interface NeuronMap {
  /** The neuron's name, as its aria-label. */
  name: string;
  /** Column in the drawing: 0 the input, 1… the hidden layers, the last the output. */
  column: number;
  /** 0-based index in its column. */
  neuron: number;
  size: number;
  /** [x0, x1, y0, y1]: the decision map's extent. */
  domain: readonly [number, number, number, number];
  values: number[];
  min: number;
  max: number;
}

interface NeuronEl {
  column: number;
  index: number;
  name: string;
  g: SVGGElement;
}

interface EdgeEl {
  /** The column the edge leaves (0: the input). */
  column: number;
  from: number;
  to: number;
  g: SVGGElement;
  wire: SVGLineElement;
  /** The style last written, so an unchanged edge is not written again. */
  drawn: string;
}

const svg = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}) => {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

/** A number as the page prints weights and gradients: 4 decimals, exponent form when tiny, a true minus sign. */
export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = v === 0 || Math.abs(v) >= 1e-3 ? v.toFixed(4) : v.toExponential(2);
  return s.replace("-", "−");
}

/** The colour of `v` on a map whose largest |value| is `m`: white at 0, blue positive, orange negative. */
function mapColour(v: number, m: number): [number, number, number] {
  const t = m > 0 ? Math.max(-1, Math.min(1, v / m)) : 0;
  const c = t >= 0 ? POSITIVE : NEGATIVE;
  const a = Math.abs(t);
  return [255 + (c[0] - 255) * a, 255 + (c[1] - 255) * a, 255 + (c[2] - 255) * a];
}

export class NetworkView {
  private trainer: Trainer | null = null;
  private labels: NetworkLabels = { activations: [], classNames: [] };
  private widths: number[] = [];
  private neurons: NeuronEl[][] = [];
  private edges: EdgeEl[] = [];
  private readonly byElement = new WeakMap<Element, NeuronEl | EdgeEl>();
  /** The drawing: the neurons' SVG first (so Tab reaches every neuron before the many edges), drawn over the edges' SVG. */
  private readonly drawing: HTMLDivElement;
  private readonly nodesSvg: SVGSVGElement;
  private readonly edgesSvg: SVGSVGElement;
  private readonly neuronTip: HTMLDivElement;
  private readonly neuronTitle: HTMLParagraphElement;
  private readonly neuronCanvas: HTMLCanvasElement;
  private readonly neuronCaption: HTMLParagraphElement;
  private readonly edgeTip: HTMLDivElement;
  private shownNeuron: NeuronEl | null = null;
  private shownEdge: EdgeEl | null = null;
  private lastEdgeUpdate = -Infinity;
  private lastMapUpdate = -Infinity;
  /** The shape and labels drawn: a reset that keeps them (a new seed, noise, …) only redraws the edges. */
  private drawnKey = "";
  /** The map in the neuron tooltip (null when none is shown). */
  map: NeuronMap | null = null;

  /** Draws into `host` (a positioned element: the tooltips are placed inside it). */
  constructor(private readonly host: HTMLElement) {
    this.drawing = document.createElement("div");
    this.drawing.className = "net";
    this.drawing.setAttribute("role", "group");
    this.drawing.setAttribute("aria-label", "Network drawing");
    this.drawing.dataset.testid = "network";
    this.nodesSvg = svg("svg", { class: "net-nodes" });
    this.edgesSvg = svg("svg", { class: "net-edges" });
    this.drawing.append(this.nodesSvg, this.edgesSvg);
    this.neuronTip = document.createElement("div");
    Object.assign(this.neuronTip, { id: "neuron-tip", className: "net-tip neuron-tip", hidden: true });
    this.neuronTip.setAttribute("role", "tooltip");
    this.neuronTip.dataset.testid = "neuron-map";
    this.neuronTitle = document.createElement("p");
    this.neuronCanvas = document.createElement("canvas");
    this.neuronCanvas.width = this.neuronCanvas.height = MAP_GRID;
    this.neuronCanvas.dataset.testid = "neuron-map-canvas";
    this.neuronCanvas.setAttribute("aria-hidden", "true");
    this.neuronCaption = document.createElement("p");
    this.neuronTip.append(this.neuronTitle, this.neuronCanvas, this.neuronCaption);
    this.edgeTip = document.createElement("div");
    Object.assign(this.edgeTip, { id: "edge-tip", className: "net-tip edge-tip", hidden: true });
    this.edgeTip.setAttribute("role", "tooltip");
    this.edgeTip.dataset.testid = "edge-info";
    host.append(this.drawing, this.neuronTip, this.edgeTip);

    const target = (e: Event) => {
      const el = (e.target as Element | null)?.closest(".neuron, .edge");
      return el ? this.byElement.get(el) : undefined;
    };
    const show = (e: Event) => {
      const t = target(e);
      if (t) this.show(t);
    };
    const hide = (e: PointerEvent | FocusEvent) => {
      const t = target(e);
      const next = (e.relatedTarget as Element | null)?.closest?.(".neuron, .edge");
      if (next && this.byElement.get(next) === t) return; // still within the same neuron or edge
      if (t && (t === this.shownNeuron || t === this.shownEdge)) this.hideTips();
    };
    this.drawing.addEventListener("pointerover", show);
    this.drawing.addEventListener("focusin", show);
    this.drawing.addEventListener("pointerout", hide);
    this.drawing.addEventListener("focusout", hide);
    this.drawing.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.hideTips();
    });
  }

  /** A new model (after a reset): drawn again when its shape or labels changed, else only its edges restyled. */
  setNetwork(trainer: Trainer, labels: NetworkLabels): void {
    this.trainer = trainer;
    this.labels = labels;
    this.widths = [2, ...trainer.layers.map((l) => l.linear.weight.shape[0] / l.pieces)];
    const key = JSON.stringify([this.widths, labels]);
    if (key !== this.drawnKey) {
      this.drawnKey = key;
      this.hideTips(); // its neuron or edge is gone
      this.build();
    }
    this.update(true);
  }

  private neuronName(column: number, k: number): string {
    const last = this.widths.length - 1;
    if (column === 0) return `Input ${k === 0 ? "x" : "y"}`;
    if (column === last) return `Output neuron ${k + 1} (class ${this.labels.classNames[k] ?? k})`;
    return `Layer ${column} neuron ${k + 1}`;
  }

  private build(): void {
    const widths = this.widths;
    const cols = widths.length;
    const tallest = Math.max(...widths);
    const gap = Math.max(13, Math.min(34, 380 / tallest));
    const top = 16;
    const H = top + tallest * gap + 46;
    const r = Math.max(4.5, Math.min(10, gap * 0.36));
    const left = 70,
      right = 90;
    const X = (c: number) => left + (cols === 1 ? 0 : (c * (W - left - right)) / (cols - 1));
    const Y = (c: number, k: number) => top + ((tallest - widths[c]) * gap) / 2 + (k + 0.5) * gap;
    for (const el of [this.nodesSvg, this.edgesSvg]) {
      el.setAttribute("viewBox", `0 0 ${W} ${H}`);
      el.replaceChildren();
    }
    this.neurons = [];
    this.edges = [];

    const edgeLayer = svg("g", { class: "edges" });
    const nodeLayer = svg("g", { class: "neurons" });
    const textLayer = svg("g", { class: "layer-labels", "aria-hidden": "true" });
    this.edgesSvg.append(edgeLayer);
    this.nodesSvg.append(nodeLayer, textLayer);

    for (let c = 0; c + 1 < cols; c++) {
      for (let j = 0; j < widths[c + 1]; j++) {
        for (let i = 0; i < widths[c]; i++) {
          const [x1, y1, x2, y2] = [X(c) + r, Y(c, i), X(c + 1) - r, Y(c + 1, j)];
          const g = svg("g", { class: "edge", tabindex: 0, role: "img" });
          const from = this.neuronName(c, i);
          const to = this.neuronName(c + 1, j);
          g.setAttribute("aria-label", `Weight from ${lowerFirst(from)} to ${lowerFirst(to)}`);
          g.setAttribute("aria-describedby", this.edgeTip.id);
          g.dataset.edge = `${c}:${i}:${j}`;
          const hit = svg("line", { x1, y1, x2, y2, class: "hit" });
          const wire = svg("line", { x1, y1, x2, y2, class: "wire" });
          g.append(hit, wire);
          edgeLayer.append(g);
          const edge: EdgeEl = { column: c, from: i, to: j, g, wire, drawn: "" };
          this.edges.push(edge);
          this.byElement.set(g, edge);
        }
      }
    }
    widths.forEach((n, c) => {
      const column: NeuronEl[] = [];
      const kind = c === 0 ? "input" : c === cols - 1 ? "output" : "hidden";
      for (let k = 0; k < n; k++) {
        const name = this.neuronName(c, k);
        const g = svg("g", { class: `neuron ${kind}`, tabindex: 0, role: "img", "aria-label": name });
        g.setAttribute("aria-describedby", this.neuronTip.id);
        g.dataset.neuron = `${c}:${k}`;
        const circle = svg("circle", { cx: X(c), cy: Y(c, k), r });
        if (kind === "output") {
          const col = CLASS_COLORS[k] ?? [120, 120, 120];
          circle.setAttribute("fill", `rgb(${col.join(",")})`);
        }
        g.append(circle);
        if (kind === "input") {
          g.append(svg("text", { x: X(c) - r - 6, y: Y(c, k), class: "unit", "text-anchor": "end" }));
          g.lastChild!.textContent = k === 0 ? "x" : "y";
        } else if (kind === "output") {
          g.append(svg("text", { x: X(c) + r + 6, y: Y(c, k), class: "unit" }));
          g.lastChild!.textContent = `class ${this.labels.classNames[k] ?? k}`;
        }
        nodeLayer.append(g);
        const neuron: NeuronEl = { column: c, index: k, name, g };
        column.push(neuron);
        this.byElement.set(g, neuron);
      }
      this.neurons.push(column);
      // under the column: its name, and what it computes
      const head = svg("text", { x: X(c), y: H - 26, class: "layer-name", "text-anchor": "middle" });
      head.textContent = kind === "input" ? "input" : kind === "output" ? "output" : `layer ${c} · ${n}`;
      const act = svg("text", { x: X(c), y: H - 10, class: "layer-act", "text-anchor": "middle" });
      const full = kind === "input" ? "x, y" : kind === "output" ? "logits" : (this.labels.activations[c - 1] ?? "");
      act.textContent = full.length > 20 ? `${full.slice(0, 19)}…` : full;
      if (kind === "hidden") {
        act.dataset.testid = `layer-label-${c}`;
        act.dataset.full = full;
      }
      // the whole text on hover, when it is cut short
      const wrap = svg("g");
      if (full !== act.textContent) {
        const title = svg("title");
        title.textContent = full;
        wrap.append(title);
      }
      wrap.append(act);
      textLayer.append(head, wrap);
    });
    // The layers in words for assistive technology (the drawn labels are hidden from it).
    const desc = svg("desc");
    desc.textContent = widths
      .map((n, c) =>
        c === 0 ? "2 inputs" : c === cols - 1 ? `${n} outputs` : `layer ${c}: ${n} neurons, ${this.labels.activations[c - 1]}`,
      )
      .join("; ");
    this.nodesSvg.prepend(desc);
  }

  /** The weights (and their gradients) into edge `e`'s neuron: one per piece of a maxout neuron. */
  private edgeValues(e: EdgeEl): { weights: number[]; grads: number[] | null } {
    const layer = this.trainer!.layers[e.column];
    const w = layer.linear.weight;
    const inF = w.shape[1];
    const rows = Array.from({ length: layer.pieces }, (_, p) => e.to * layer.pieces + p);
    const g = w.grad?.data;
    return {
      weights: rows.map((o) => w.data[o * inF + e.from]),
      grads: g ? rows.map((o) => g[o * inF + e.from]) : null,
    };
  }

  /** Redraws what training changes: the edges (throttled for big networks), and the tooltip on show. */
  update(full: boolean): void {
    if (!this.trainer) return;
    const now = performance.now();
    // a few hundred edges restyle in well under a millisecond; thousands take tens: then 4 times a second
    const gapMs = this.edges.length > 400 ? 250 : 0;
    if (full || now - this.lastEdgeUpdate >= gapMs) {
      this.lastEdgeUpdate = now;
      this.drawEdges();
    }
    if (this.shownEdge) this.showEdge(this.shownEdge);
    if (this.shownNeuron && (full || now - this.lastMapUpdate >= 100)) this.showNeuron(this.shownNeuron);
  }

  /**
   * Each edge's style from its weight (a maxout neuron's edge: its piece of largest |w|) relative
   * to the largest |w| in the network. Written only where it changed, in steps fine enough to see.
   */
  private drawEdges(): void {
    const layers = this.trainer!.layers;
    const strongest = new Float64Array(this.edges.length);
    let m = 0;
    this.edges.forEach((e, n) => {
      const { linear, pieces } = layers[e.column];
      const w = linear.weight.data;
      const inF = linear.weight.shape[1];
      let v = 0;
      for (let p = 0; p < pieces; p++) {
        const x = w[(e.to * pieces + p) * inF + e.from];
        if (Math.abs(x) > Math.abs(v)) v = x;
      }
      strongest[n] = v;
      m = Math.max(m, Math.abs(v));
    });
    m ||= 1;
    const positive = `rgb(${POSITIVE.join(",")})`;
    const negative = `rgb(${NEGATIVE.join(",")})`;
    this.edges.forEach((e, n) => {
      const v = strongest[n];
      // the square root keeps small weights in view beside a few large ones
      const t = Math.sqrt(Math.min(1, Math.abs(v) / m));
      const stroke = v >= 0 ? positive : negative;
      const width = (0.3 + 4.2 * t).toFixed(1);
      const opacity = (Math.round((0.25 + 0.75 * t) * 20) / 20).toFixed(2);
      const key = stroke + width + opacity;
      if (key === e.drawn) return;
      e.drawn = key;
      e.wire.setAttribute("stroke", stroke);
      e.wire.setAttribute("stroke-width", width);
      e.wire.setAttribute("stroke-opacity", opacity);
    });
  }

  private show(t: NeuronEl | EdgeEl): void {
    if ("from" in t) {
      this.shownNeuron = null;
      this.neuronTip.hidden = true;
      this.showEdge(t);
    } else {
      this.shownEdge = null;
      this.edgeTip.hidden = true;
      this.showNeuron(t);
    }
  }

  hideTips(): void {
    this.shownNeuron = null;
    this.shownEdge = null;
    this.map = null;
    this.neuronTip.hidden = true;
    this.edgeTip.hidden = true;
  }

  private showEdge(e: EdgeEl): void {
    this.shownEdge = e;
    const last = this.widths.length - 1;
    const c = e.column;
    const fromCol = c === 0 ? "Input" : `Layer ${c}`;
    const toCol = c + 1 === last ? "output" : c === 0 ? `layer ${c + 1}` : String(c + 1);
    const fromUnit = c === 0 ? (e.from === 0 ? "x" : "y") : `neuron ${e.from + 1}`;
    // "neuron 2 → 4" between hidden layers, as the columns read "Layer 1 → 2"
    const toUnit =
      c + 1 === last ? `class ${this.labels.classNames[e.to] ?? e.to}` : c === 0 ? `neuron ${e.to + 1}` : String(e.to + 1);
    const { weights, grads } = this.edgeValues(e);
    const list = (vs: number[]) => vs.map(fmtValue).join(" / ");
    const many = weights.length > 1;
    const gradText = grads === null ? "no gradient yet (take a step)" : `gradient${many ? "s" : ""} ${list(grads)}`;
    this.edgeTip.textContent = `${fromCol} → ${toCol}, ${fromUnit} → ${toUnit}: weight${many ? "s" : ""} ${list(weights)}${
      many ? ` (its ${weights.length} maxout pieces)` : ""
    }, ${gradText}`;
    this.edgeTip.hidden = false;
    this.placeAbove(this.edgeTip, e.g);
  }

  private showNeuron(n: NeuronEl): void {
    const trainer = this.trainer!;
    this.shownNeuron = n;
    this.lastMapUpdate = performance.now();
    const col = trainer.layerGrid(MAP_GRID)[n.column];
    const count = MAP_GRID * MAP_GRID;
    const values = new Array<number>(count);
    let min = Infinity,
      max = -Infinity;
    for (let i = 0; i < count; i++) {
      const v = col.values[i * col.width + n.index];
      values[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.map = { name: n.name, column: n.column, neuron: n.index, size: MAP_GRID, domain: trainer.data.domain, values, min, max };
    const ctx = this.neuronCanvas.getContext("2d")!;
    const img = ctx.createImageData(MAP_GRID, MAP_GRID);
    const m = Math.max(Math.abs(min), Math.abs(max));
    for (let i = 0; i < count; i++) {
      const [r, g, b] = mapColour(values[i], m);
      img.data.set([r, g, b, 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
    const last = this.widths.length - 1;
    const what =
      n.column === 0
        ? "the input coordinate"
        : n.column === last
          ? "its logit"
          : `after ${this.labels.activations[n.column - 1] ?? "its activation"}`;
    this.neuronTitle.textContent = `${n.name}: its output over the input plane (${what})`;
    let bias = "";
    if (n.column > 0) {
      const layer = trainer.layers[n.column - 1];
      const b = layer.linear.bias?.data;
      if (b) {
        const rows = Array.from({ length: layer.pieces }, (_, p) => b[n.index * layer.pieces + p]);
        bias = ` · bias ${rows.map(fmtValue).join(" / ")}`;
      }
    }
    this.neuronCaption.textContent = `orange ${fmtValue(min)} … white 0 … blue ${fmtValue(max)}${bias}`;
    this.neuronTip.hidden = false;
    this.place(this.neuronTip, n.g);
  }

  /** Puts a tooltip above the middle of `el` (an edge), inside the host; below it when there is no room. */
  private placeAbove(tip: HTMLElement, el: Element): void {
    const hb = this.host.getBoundingClientRect();
    const eb = el.getBoundingClientRect();
    const mid = eb.left + eb.width / 2 - hb.left;
    const left = Math.max(0, Math.min(hb.width - tip.offsetWidth, mid - tip.offsetWidth / 2));
    let top = eb.top + eb.height / 2 - hb.top - tip.offsetHeight - 14;
    if (top < 0) top = eb.top + eb.height / 2 - hb.top + 14;
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  }

  /** Puts a tooltip beside `el`, inside the host, on the side with room. */
  private place(tip: HTMLElement, el: Element): void {
    const hb = this.host.getBoundingClientRect();
    const eb = el.getBoundingClientRect();
    const width = tip.offsetWidth;
    let left = eb.right - hb.left + 10;
    if (left + width > hb.width) left = Math.max(0, eb.left - hb.left - width - 10);
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(0, eb.top - hb.top + eb.height / 2 - 20)}px`;
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
