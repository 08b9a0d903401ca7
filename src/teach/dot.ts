/**
 * `toDot(tensor)`: the graph that made `tensor`, as Graphviz DOT text. One box per op (its
 * name, output shape, a summary of its value and, when known, of its gradient) and one oval
 * per leaf (parameters blue, constants grey); an edge runs from each input to the op using it.
 *
 *   loss.backward();
 *   const dot = toDot(loss, { names: { W1: layer.weight } });
 *   // render it: `dot -Tsvg`, or without native installs @viz-js/viz (Graphviz in WebAssembly)
 *
 * Leaves show their `.grad` after `backward()`. Op outputs have no `.grad`; pass
 * `grads: traceGradients(traceBackward(loss))` to label every node with ∂L/∂node.
 */
import type { Tensor } from "../tensor/tensor.js";
import { summarize } from "./summary.js";

/**
 * Options of `toDot`: names for tensors and the gradients to show beside them.
 *
 * @example
 * ```ts
 * import { tensor, toDot, type DotOptions } from "actigrad";
 * const w = tensor([2, -1], { requiresGrad: true });
 * const loss = w.mul(w).sum();
 * loss.backward();
 * const opts: DotOptions = { names: { w, loss }, rankdir: "LR" };
 * console.log(toDot(loss, opts));
 * ```
 * ```text
 * digraph actigrad {
 *   rankdir=LR;
 *   node [fontname="Helvetica", fontsize=10, margin="0.2,0.06"];
 *   edge [color="#777777"];
 *   n0 [label="w\n[2]\nvalue [2, -1]\ngrad [4, -2]", shape=ellipse, style=filled, fillcolor="#dbe9f6"];
 *   n1 [label="mul\n[2]\nvalue [4, 1]", shape=box, style="rounded,filled", fillcolor="#fff7e0"];
 *   n0 -> n1 [label="0", fontsize=8];
 *   n0 -> n1 [label="1", fontsize=8];
 *   n2 [label="loss = sum (axes=[0])\n[]\nvalue 5", shape=box, style="rounded,filled", fillcolor="#fff7e0", penwidth=2];
 *   n1 -> n2;
 * }
 * ```
 */
export interface DotOptions {
  /** Names for tensors: `{ x, W1: model.layers[0].weight }`. */
  names?: Record<string, Tensor>;
  /** Gradients to show, e.g. from `traceGradients`; a leaf's own `.grad` is used otherwise. */
  grads?: ReadonlyMap<Tensor, Tensor>;
  /** Graph direction: "TB" (default, inputs at the top, the loss at the bottom) or "LR". */
  rankdir?: "LR" | "TB" | "BT" | "RL";
  /** Tensors with more elements are summarised (default 6). */
  maxValues?: number;
}

/**
 * A DOT string literal: backslashes and quotes escaped, newlines as \n, no control characters.
 *
 * @example
 * ```ts
 * import { dotString } from "actigrad";
 * console.log(dotString('say "hi"\nthen C:\\dir'));
 * ```
 * ```text
 * "say \"hi\"\nthen C:\\dir"
 * ```
 */
export function dotString(s: string): string {
  const body = s
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r?\n/g, "\\n")
    .replace(/[\u0000-\u001f\u007f]/g, " ");
  return `"${body}"`;
}

/** Every tensor reachable from `root` through recorded inputs (constants included), inputs first. */
function reachable(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0].node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const child = inputs[top[1]++];
      if (!seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order;
}

/**
 * The graph of `tensor` as DOT text (a `digraph`).
 *
 * @example
 * ```ts
 * import { tensor, toDot } from "actigrad";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const loss = x.sigmoid().sum();
 * loss.backward();
 * console.log(toDot(loss)); // render with `dot -Tsvg`
 * ```
 * ```text
 * digraph actigrad {
 *   rankdir=TB;
 *   node [fontname="Helvetica", fontsize=10, margin="0.2,0.06"];
 *   edge [color="#777777"];
 *   n0 [label="parameter\n[2]\nvalue [1, 2]\ngrad [0.197, 0.105]", shape=ellipse, style=filled, fillcolor="#dbe9f6"];
 *   n1 [label="sigmoid\n[2]\nvalue [0.731, 0.881]", shape=box, style="rounded,filled", fillcolor="#fff7e0"];
 *   n0 -> n1;
 *   n2 [label="sum (axes=[0])\n[]\nvalue 1.61", shape=box, style="rounded,filled", fillcolor="#fff7e0", penwidth=2];
 *   n1 -> n2;
 * }
 * ```
 */
export function toDot(tensor: Tensor, opts: DotOptions = {}): string {
  const names = new Map<Tensor, string>(Object.entries(opts.names ?? {}).map(([n, t]) => [t, n]));
  const show = (t: Tensor) => summarize(t, { maxValues: opts.maxValues ?? 6, digits: 3, shape: false });
  const ids = new Map<Tensor, string>();
  const lines = [
    "digraph actigrad {",
    `  rankdir=${opts.rankdir ?? "TB"};`,
    '  node [fontname="Helvetica", fontsize=10, margin="0.2,0.06"];',
    '  edge [color="#777777"];',
  ];
  for (const t of reachable(tensor)) {
    const id = `n${ids.size}`;
    ids.set(t, id);
    const node = t.node;
    const name = names.get(t);
    const head = node ? (name ? `${name} = ${node.op}` : node.op) : (name ?? (t.requiresGrad ? "parameter" : "constant"));
    const args = node?.args
      ? Object.entries(node.args)
          .filter(([, v]) => v !== false)
          .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(",")}]` : String(v)}`)
          .join(" ")
      : "";
    const g = opts.grads?.get(t) ?? t.grad;
    const label = [
      head + (args ? ` (${args})` : ""),
      `[${t.shape.join(",")}]`,
      `value ${show(t)}`,
      ...(g ? [`grad ${show(g)}`] : []),
    ].join("\n");
    const style = node
      ? 'shape=box, style="rounded,filled", fillcolor="#fff7e0"'
      : t.requiresGrad
        ? 'shape=ellipse, style=filled, fillcolor="#dbe9f6"'
        : 'shape=ellipse, style=filled, fillcolor="#eeeeee"';
    lines.push(`  ${id} [label=${dotString(label)}, ${style}${t === tensor ? ", penwidth=2" : ""}];`);
    node?.inputs.forEach((input, k) => {
      lines.push(`  ${ids.get(input)} -> ${id}${node.inputs.length > 1 ? ` [label=${dotString(String(k))}, fontsize=8]` : ""};`);
    });
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
