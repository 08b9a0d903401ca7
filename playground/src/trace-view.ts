/**
 * The backward trace of one sample as a table, one row per node in the order the engine's
 * sweep visits them (loss first): the op as an equation, the textbook formula of its local
 * derivative, the upstream gradient ∂L/∂out, the local derivative ∂out/∂in at this point, and
 * the result ∂L/∂in = upstream ⊗ local. Also the DOT graph, drawn by Graphviz (WebAssembly).
 */
import { summarize, type Tensor, type TraceStep } from "../../src/index.js";

const show = (t: Tensor | null | undefined, max = 9) => (t ? summarize(t, { maxValues: max, digits: 3 }) : "—");

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;

function equation(s: TraceStep): string {
  const args = s.args
    ? `; ${Object.entries(s.args)
        .map(([k, v]) => `${k} ${Array.isArray(v) ? shapeText(v) : String(v)}`)
        .join(", ")}`
    : "";
  return `${s.name} = ${s.op}(${s.inputNames.join(", ")}${args})`;
}

function localLine(s: TraceStep, k: number): string {
  const f = s.local.factors[k];
  const d = `∂${s.name}/∂${s.inputNames[k]}`;
  if (f === null || f === undefined) {
    return s.result[k] === null ? `${d}: no gradient needed` : `${d}: the op's rule`;
  }
  switch (s.local.kind) {
    case "matmul":
      return `${d}: ${k === 0 ? "B" : "A"} = ${s.inputNames[1 - k]} = ${show(f)}`;
    case "jacobian":
      return `${d} = J, J_ij = ${s.op === "softmax" ? "S_i(δ_ij − S_j)" : "δ_ij − S_j"}: ${show(f)}`;
    case "spread":
      return s.op === "reshape" || s.op === "transpose" ? `${d} = identity, rearranged` : `${d} = ${show(f)}`;
    default:
      return `${d} = ${show(f)}`;
  }
}

function resultLine(s: TraceStep, k: number): string {
  const r = s.result[k];
  return `∂L/∂${s.inputNames[k]} = ${r ? show(r) : "— (constant)"}`;
}

/** Ops that belong to the loss (softmax + cross-entropy), for highlighting. */
const LOSS_OPS = new Set(["logSoftmax", "softmax", "pick", "neg", "sum", "div", "mean"]);
const ACT_OPS = new Set(["sigmoid", "tanh", "relu", "softplus", "maxout"]);

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

/** Fills `table` with the trace. */
export function renderTrace(table: HTMLTableElement, steps: readonly TraceStep[]): void {
  table.replaceChildren();
  const head = document.createElement("thead");
  const hr = document.createElement("tr");
  for (const h of ["#", "op", "formula (local derivative)", "upstream ∂L/∂out", "local ∂out/∂in", "result ∂L/∂in"])
    hr.appendChild(cell("th", h));
  head.appendChild(hr);
  const body = document.createElement("tbody");
  for (const s of steps) {
    const tr = document.createElement("tr");
    tr.dataset.op = s.op;
    if (ACT_OPS.has(s.op)) tr.className = "act";
    else if (LOSS_OPS.has(s.op)) tr.className = "loss";
    const inputs = s.inputs.map((_, k) => k);
    tr.append(
      cell("td", String(s.index), "num"),
      cell("td", [equation(s), `${s.inputShapes.map(shapeText).join(" ")} → ${shapeText(s.output.shape)}`], "op"),
      cell("td", s.formula, "formula"),
      cell("td", `∂L/∂${s.name} = ${show(s.upstream)}`, "val"),
      cell(
        "td",
        inputs.map((k) => localLine(s, k)),
        "val",
      ),
      cell(
        "td",
        inputs.map((k) => resultLine(s, k)),
        "val",
      ),
    );
    body.appendChild(tr);
  }
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
