/**
 * `formatTrace(steps)`: a trace as text, laid out like a worked solution on paper.
 *
 *   step 2   t2 = exp(t1)                      [3] → [3]
 *     formula   σ′(x) = σ(x)(1 − σ(x))
 *     upstream  ∂L/∂t2 = [1, 1, 1]
 *     local     ∂t2/∂t1 = [0.1966, 0.25, 0.1966]
 *     result    ∂L/∂t1 = upstream ⊙ local = [0.1966, 0.25, 0.1966]
 *
 * Small tensors print their values; big ones their shape, mean, min and max.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { TraceStep } from "./trace.js";
import { traceGradients } from "./trace.js";
import { flags, MATMUL } from "./formulas.js";
import { summarize } from "./summary.js";

/**
 * Options of the tensor formatter: how many values print in full and with how many digits.
 *
 * @example
 * ```ts
 * import { formatTrace, tensor, traceBackward, type FormatOptions } from "actigrad";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const opts: FormatOptions = { digits: 3, leaves: false };
 * console.log(formatTrace(traceBackward(x.sigmoid().sum(), { names: { x } }), opts));
 * ```
 * ```text
 * step 1   t2 = sum(t1; axes [0])               [2] → []
 *   formula   ∂(Σ x)/∂x_i = 1: the upstream is copied back to every summed element
 *   upstream  ∂L/∂t2 = 1
 *   local     ∂t2/∂t1 = [1, 1]
 *   result    ∂L/∂t1 = spread(upstream) ⊙ local = [1, 1]
 *
 * step 2   t1 = sigmoid(x)                      [2] → [2]
 *   formula   σ′(x) = σ(x)(1 − σ(x))
 *   upstream  ∂L/∂t1 = [1, 1]
 *   local     ∂t1/∂x = [0.197, 0.105]
 *   result    ∂L/∂x = upstream ⊙ local = [0.197, 0.105]
 * ```
 */
export interface FormatOptions {
  /** Tensors with more elements print as a summary (default 12). */
  maxValues?: number;
  /** Significant digits (default 4). */
  digits?: number;
  /** End with the gradient of every leaf that needs one (default true). */
  leaves?: boolean;
}

const shapeText = (s: readonly number[]) => `[${s.join(",")}]`;

/** "t3 = add(t1, b)", with the op's arguments: "t5 = sum(t4; axes [1])". */
function equation(s: TraceStep): string {
  const shown = Object.entries(s.args ?? {}).filter(([, v]) => v !== false);
  const args = shown.length ? `; ${shown.map(([k, v]) => `${k} ${Array.isArray(v) ? shapeText(v) : String(v)}`).join(", ")}` : "";
  return `${s.name} = ${s.op}(${s.inputNames.join(", ")}${args})`;
}

/** What the result line says it computed, per kind of local. */
function howText(s: TraceStep, k: number): string {
  switch (s.local.kind) {
    case "elementwise":
      return shapeText(s.inputShapes[k]) === shapeText(s.output.shape) ? "upstream ⊙ local" : "Σ_broadcast(upstream ⊙ local)";
    case "spread":
      return s.op === "reshape" || s.op === "transpose" ? `upstream ${s.op}d back` : "spread(upstream) ⊙ local";
    case "matmul": {
      const rule = MATMUL[flags(s.args)][k === 0 ? "a" : "b"];
      return rule.replace(/U(ᵀ?)/g, "upstream$1").replace(/·/g, " · ");
    }
    case "jacobian":
      return "upstream · J (per row)";
    default:
      return `the rule of ${s.op}`;
  }
}

/** The local factor as a line: "∂t2/∂t1 = …", or for matmul "B = W1 = …". */
function localText(s: TraceStep, k: number, show: (t: Tensor) => string): string {
  const f = s.local.factors[k];
  const d = `∂${s.name}/∂${s.inputNames[k]}`;
  switch (s.local.kind) {
    case "matmul":
      return `${d}: ${k === 0 ? "B" : "A"} = ${s.inputNames[1 - k]} = ${show(f!)}   (C = ${MATMUL[flags(s.args)].c})`;
    case "jacobian":
      return f
        ? `${d} = J, per row ${jacobianText(s.formula)}: ${show(f)}`
        : `${d} = J (${s.inputShapes[k].join("×")} input: too big to show)`;
    case "spread":
      return s.op === "reshape" || s.op === "transpose" ? `${d} = identity, rearranged` : `${d} = ${show(f!)}`;
    case "routing":
      return `${d} = ${show(f!)}   (times each element was taken; the upstream goes back the same way)`;
    case "rule":
      return `${d}: from the op's rule`;
    default:
      return `${d} = ${show(f!)}`;
  }
}

/**
 * The steps as readable text, one block per node, ending with the leaves' gradients.
 *
 * @example
 * ```ts
 * import { formatTrace, tensor, traceBackward } from "actigrad";
 * const x = tensor([0, 2], { requiresGrad: true });
 * const loss = x.tanh().sum();
 * console.log(formatTrace(traceBackward(loss, { names: { x, loss } })));
 * ```
 * ```text
 * step 1   loss = sum(t1; axes [0])             [2] → []
 *   formula   ∂(Σ x)/∂x_i = 1: the upstream is copied back to every summed element
 *   upstream  ∂L/∂loss = 1
 *   local     ∂loss/∂t1 = [1, 1]
 *   result    ∂L/∂t1 = spread(upstream) ⊙ local = [1, 1]
 *
 * step 2   t1 = tanh(x)                         [2] → [2]
 *   formula   tanh′(x) = 1 − tanh²(x)
 *   upstream  ∂L/∂t1 = [1, 1]
 *   local     ∂t1/∂x = [1, 0.07065]
 *   result    ∂L/∂x = upstream ⊙ local = [1, 0.07065]
 *
 * so the leaves' gradients (what backward() adds to .grad) are:
 *   ∂L/∂x = [1, 0.07065]
 * ```
 */
export function formatTrace(steps: readonly TraceStep[], opts: FormatOptions = {}): string {
  const show = (t: Tensor) => summarize(t, { maxValues: opts.maxValues ?? 12, digits: opts.digits ?? 4 });
  const lines: string[] = [];
  // A tensor used by several ops gets one contribution from each; the sweep adds them up.
  const uses = new Map<Tensor, number>();
  for (const s of steps) s.inputs.forEach((t, k) => s.result[k] && uses.set(t, (uses.get(t) ?? 0) + 1));
  for (const s of steps) {
    const shapes = `${s.inputShapes.map(shapeText).join(", ")} → ${shapeText(s.output.shape)}`;
    lines.push(`step ${s.index}   ${equation(s).padEnd(36)} ${shapes}`);
    lines.push(`  formula   ${s.formula}`);
    lines.push(`  upstream  ∂L/∂${s.name} = ${show(s.upstream)}`);
    s.inputs.forEach((_, k) => {
      const r = s.result[k];
      if (r === null) return;
      lines.push(`  local     ${localText(s, k, show)}`);
      const n = uses.get(s.inputs[k]) ?? 1;
      const part = n > 1 ? ` (1 of ${n} paths, added up)` : "";
      lines.push(`  result    ∂L/∂${s.inputNames[k]}${part} = ${howText(s, k)} = ${show(r)}`);
    });
    lines.push("");
  }
  if (opts.leaves ?? true) {
    const grads = traceGradients(steps);
    const leaves = steps
      .flatMap((s) => s.inputs.map((t, k) => [t, s.inputNames[k]] as const))
      .filter(([t]) => t.node === null && t.requiresGrad);
    const seen = new Set<Tensor>();
    lines.push("so the leaves' gradients (what backward() adds to .grad) are:");
    for (const [t, name] of leaves) {
      if (seen.has(t) || !grads.has(t)) continue;
      seen.add(t);
      lines.push(`  ∂L/∂${name} = ${show(grads.get(t)!)}`);
    }
  }
  return lines.join("\n");
}

/** "J_ij = S_i(δ_ij − S_j)" from a formula such as "∂S_i/∂a_j = S_i(δ_ij − S_j)". */
function jacobianText(formula: string): string {
  const i = formula.indexOf("=");
  return i < 0 ? "J_ij" : `J_ij =${formula.slice(i + 1)}`;
}
