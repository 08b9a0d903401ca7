/**
 * The backward trace of one sample as a table, one row per node in the order the engine's
 * sweep visits them (loss first): the op as an equation, the textbook formula of its local
 * derivative, the upstream gradient ∂L/∂out, the local derivative ∂out/∂in at this point, and
 * the result ∂L/∂in = upstream ⊗ local. The cells are the lines of the engine's own
 * `formatTrace` (src/teach/format.ts), laid out as columns, so the page says exactly what the
 * printed trace says. Also the DOT graph, drawn by Graphviz (WebAssembly).
 */
import { activations, formatTrace, summarize, type Tensor, type TraceStep } from "../../src/index.js";

/** How the trace prints tensors: up to 9 values, 3 significant digits; bigger ones as a summary. */
const FORMAT = { maxValues: 9, digits: 3 } as const;

/** One step of `formatTrace`'s text, by field. */
interface StepText {
  equation: string;
  shapes: string;
  formula: string;
  upstream: string;
  local: string[];
  result: string[];
}

const HEADER = /^step (\d+)\s+(.*?)\s+((?:\[[\d,]*\], )*\[[\d,]*\] → \[[\d,]*\])$/;
const FIELD = /^\s+(formula|upstream|local|result)\s+(.*)$/;

/** `formatTrace`'s text of `steps`, cut back into its fields, by step index. */
function stepTexts(steps: readonly TraceStep[]): Map<number, StepText> {
  const out = new Map<number, StepText>();
  let cur: StepText | null = null;
  for (const line of formatTrace(steps, { ...FORMAT, leaves: false }).split("\n")) {
    const h = HEADER.exec(line);
    if (h) {
      cur = { equation: h[2], shapes: h[3], formula: "", upstream: "", local: [], result: [] };
      out.set(Number(h[1]), cur);
      continue;
    }
    const f = FIELD.exec(line);
    if (!cur || !f) continue;
    const [, key, value] = f;
    if (key === "local" || key === "result") cur[key].push(value);
    else cur[key as "formula" | "upstream"] = value;
  }
  return out;
}

/** The cells of a step `formatTrace` did not print (never expected): its own fields, summarized. */
function fallbackText(s: TraceStep): StepText {
  const show = (t: Tensor | null) => (t ? summarize(t, FORMAT) : "—");
  return {
    equation: `${s.name} = ${s.op}(${s.inputNames.join(", ")})`,
    shapes: "",
    formula: s.formula,
    upstream: `∂L/∂${s.name} = ${show(s.upstream)}`,
    local: s.local.factors.map((f, k) => `∂${s.name}/∂${s.inputNames[k]} = ${show(f)}`),
    result: s.result.map((r, k) => `∂L/∂${s.inputNames[k]} = ${show(r)}`),
  };
}

function cell(tag: "td" | "th", text: string | string[], cls?: string): HTMLElement {
  const el = document.createElement(tag);
  const lines = Array.isArray(text) ? text : [text];
  lines.forEach((line, i) => {
    if (i) el.appendChild(document.createElement("br"));
    el.appendChild(document.createTextNode(line));
  });
  if (cls) el.className = cls;
  return el;
}

/**
 * Fills `table` with the trace. Rows are marked "loss" from the loss down to the step that
 * reads the tensor named `logits` (the cross-entropy loss), and "act" for every other step whose
 * op is a row of the activations table (the hidden layers' activation).
 */
export function renderTrace(table: HTMLTableElement, steps: readonly TraceStep[], logits = "logits"): void {
  table.replaceChildren();
  const head = document.createElement("thead");
  const hr = document.createElement("tr");
  for (const h of ["#", "op", "formula (local derivative)", "upstream ∂L/∂out", "local ∂out/∂in", "result ∂L/∂in"])
    hr.appendChild(cell("th", h));
  head.appendChild(hr);
  const body = document.createElement("tbody");
  const texts = stepTexts(steps);
  const lossEnd = steps.findIndex((s) => s.inputNames.includes(logits));
  steps.forEach((s, i) => {
    const t = texts.get(s.index) ?? fallbackText(s);
    const tr = document.createElement("tr");
    tr.dataset.op = s.op;
    if (i <= lossEnd) tr.className = "loss";
    else if (Object.hasOwn(activations, s.op)) tr.className = "act";
    tr.append(
      cell("td", String(s.index), "num"),
      cell("td", t.shapes ? [t.equation, t.shapes] : t.equation, "op"),
      cell("td", t.formula, "formula"),
      cell("td", t.upstream, "val"),
      cell("td", t.local, "val"),
      cell("td", t.result, "val"),
    );
    body.appendChild(tr);
  });
  table.append(head, body);
}

/**
 * The DOT of `toDot`, laid out a little tighter for the page: less space between ranks and
 * nodes, and leaves drawn as rounded boxes (their colours still tell parameters, blue, from
 * constants, grey; ops are yellow).
 */
export function compactDot(dot: string): string {
  return dot
    .replace(/rankdir=(\w+);/, "rankdir=$1;\n  graph [ranksep=0.3, nodesep=0.15];")
    .replace('margin="0.2,0.06"', 'margin="0.08,0.04"')
    .replaceAll("shape=ellipse, style=filled", 'shape=box, style="rounded,filled"');
}

/** Scale of the drawing: "fit" shrinks it to the panel's width, "read" shows it at 80 % of Graphviz's size. */
export type GraphZoom = "fit" | "read";

/** Sizes a rendered SVG for the zoom (Graphviz gives its size in points). */
export function zoomGraph(host: HTMLElement, zoom: GraphZoom): void {
  const svg = host.querySelector("svg");
  if (!svg) return;
  const w = parseFloat(svg.dataset.w ?? "0"),
    h = parseFloat(svg.dataset.h ?? "0");
  const px = 4 / 3;
  const avail = Math.max(200, host.clientWidth - 16);
  const scale = zoom === "fit" ? Math.min(0.8, avail / (w * px)) : 0.8;
  svg.style.width = `${w * px * scale}px`;
  svg.style.height = `${h * px * scale}px`;
}

type VizModule = typeof import("@viz-js/viz");
let viz: Promise<Awaited<ReturnType<VizModule["instance"]>>> | null = null;

/** Renders DOT into `host` as SVG with Graphviz compiled to WebAssembly (loaded on first use). */
export async function renderGraph(host: HTMLElement, dot: string, zoom: GraphZoom): Promise<void> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  const svg = (await viz).renderSVGElement(compactDot(dot));
  svg.dataset.w = String(parseFloat(svg.getAttribute("width") ?? "0"));
  svg.dataset.h = String(parseFloat(svg.getAttribute("height") ?? "0"));
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  host.replaceChildren(svg);
  zoomGraph(host, zoom);
}
