/**
 * `model.summary(inputShape)`: one forward pass on zeros, recording each sub-module's output
 * shape as it returns (as torchsummary's forward hooks do), then a table of layers, output
 * shapes and parameter counts. `null` in the input shape (a free batch size) runs as 1.
 *
 *   Layer (type)                Output shape         Params
 *   0 (Linear)                  [1, 16]                  80
 *   1 (Tanh)                    [1, 16]                   0
 *   …
 *   Total params: 1,187   (trainable 1,187)
 */
import { type DType, getDefaultDtype } from "../memory/dtype.js";
import { zeros } from "../tensor/create.js";
import { noGrad } from "../tensor/graph.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";

interface Row {
  name: string;
  type: string;
  shape: string;
  params: number;
  depth: number;
}

const count = (n: number) => n.toLocaleString("en-US");

/** Every sub-module with its dotted path, depth-first, each once. */
function walk(m: Module, path: string, depth: number, out: [string, Module, number][], seen: Set<Module>): void {
  for (const [key, child] of m.children()) {
    if (seen.has(child)) continue;
    seen.add(child);
    const name = path ? `${path}.${key}` : key;
    out.push([name, child, depth]);
    walk(child, name, depth + 1, out, seen);
  }
}

/** Parameters a module holds itself (not through its children). */
function ownParams(m: Module): number {
  const inChildren = new Set(m.children().flatMap(([, c]) => c.parameters()));
  return m.parameters().reduce((n, p) => n + (inChildren.has(p) ? 0 : p.size), 0);
}

interface Trace {
  /** Each sub-module's output shape, as its forward returned it. */
  shapes: Map<Module, readonly number[]>;
  out: readonly number[];
}

/** One forward pass on zeros of `shape`, recording each sub-module's output shape as it returns. */
function trace(model: Module, modules: [string, Module, number][], shape: number[], dtype: DType): Trace {
  const shapes = new Map<Module, readonly number[]>();
  // Each module's forward is wrapped (an own property shadowing the class's) and put back after.
  const restore: (() => void)[] = [];
  try {
    for (const [, m] of modules) {
      const slot = m as unknown as { forward: (x: Tensor) => Tensor };
      const had = Object.hasOwn(m, "forward");
      const forward = slot.forward;
      slot.forward = (x: Tensor) => {
        const y = forward.call(m, x);
        shapes.set(m, y.shape);
        return y;
      };
      restore.push(() => {
        if (had) slot.forward = forward;
        else delete (slot as { forward?: unknown }).forward;
      });
    }
    const out = noGrad(() => model.forward(zeros(shape, { dtype })));
    return { shapes, out: out.shape };
  } finally {
    for (const r of restore) r();
  }
}

export function summarize(model: Module, inputShape: readonly (number | null)[]): string {
  if (!Array.isArray(inputShape) || inputShape.some((d) => d !== null && (!Number.isInteger(d) || d < 1))) {
    throw new TypeError(
      `summary: inputShape must be an array of positive integers (null for the batch axis), got ${JSON.stringify(inputShape)}`,
    );
  }
  const modules: [string, Module, number][] = [];
  walk(model, "", 0, modules, new Set([model]));
  const dtype = model.parameters()[0]?.dtype ?? getDefaultDtype();
  // The trace runs in eval mode, so it never moves BatchNorm's running statistics or draws
  // Dropout's random numbers; each module's own mode is put back afterwards.
  const modes: [Module, boolean][] = [model, ...modules.map(([, m]) => m)].map((m) => [m, m.training]);
  model.eval();
  let a: Trace;
  let b: Trace | undefined;
  try {
    // A free axis runs at two sizes; an output axis whose size follows it is shown as N.
    const sized = (n: number) => inputShape.map((d) => d ?? n);
    a = trace(model, modules, sized(2), dtype);
    if (inputShape.includes(null)) b = trace(model, modules, sized(3), dtype);
  } finally {
    for (const [m, on] of modes) m.training = on;
  }
  const show = (s: readonly number[] | undefined, t: readonly number[] | undefined): string =>
    s === undefined ? "—" : `[${s.map((d, i) => (t !== undefined && t[i] !== d ? "N" : String(d))).join(", ")}]`;
  const out = show(a.out, b?.out);
  const rows: Row[] = modules.map(([name, m, depth]) => ({
    name,
    type: m.constructor.name,
    shape: show(a.shapes.get(m), b?.shapes.get(m)),
    params: ownParams(m),
    depth,
  }));
  const total = model.parameters().reduce((n, p) => n + p.size, 0);
  const head = ["Layer (type)", "Output shape", "Params"];
  const cells = rows.map((r) => [`${"  ".repeat(r.depth)}${r.name} (${r.type})`, r.shape, count(r.params)]);
  const w = [0, 1, 2].map((k) => Math.max(head[k].length, ...cells.map((c) => c[k].length)));
  const line = (c: string[]) => `${c[0].padEnd(w[0])}   ${c[1].padEnd(w[1])}   ${c[2].padStart(w[2])}`;
  const rule = "─".repeat(w[0] + w[1] + w[2] + 6);
  return [
    `${model.constructor.name} summary, input [${inputShape.map((d) => d ?? "N").join(", ")}] → output ${out}`,
    rule,
    line(head),
    rule,
    ...cells.map(line),
    rule,
    `Total params: ${count(total)}`,
  ].join("\n");
}
