/**
 * Example 6 — the graph, drawn.
 *
 * What it teaches: a network is a graph of small ops, and backpropagation walks it backwards.
 * A Linear layer is a matmul (x·Wᵀ, W read transposed in place) and an add; cross-entropy is
 * logSoftmax, pick, neg, sum and a division by the batch size. `toDot` writes the graph of a small MLP
 * (2 → 4 tanh → 3, batch of 4) as Graphviz DOT — every op with its shape, a summary of its
 * value and of ∂loss/∂(that node), from `traceGradients` — and `@viz-js/viz` (Graphviz
 * compiled to WebAssembly, no native install) renders it to SVG.
 *
 *   npx tsx examples/06-graph.ts
 */
import { manualSeed, nn, tensor, toDot, traceBackward, traceGradients } from "../src/index.js";
import { save } from "./lib/svg.js";
import { renderDot } from "./lib/viz.js";

export async function main(opts: { outDir?: string; print?: boolean } = {}) {
  const { outDir = "out", print = true } = opts;
  const log = print ? console.log : () => {};
  manualSeed(6);
  const l1 = new nn.Linear(2, 4),
    l2 = new nn.Linear(4, 3);
  const X = tensor([
    [0.5, -1],
    [1, 2],
    [-1.5, 0.3],
    [0, 1],
  ]);
  const logits = l2.forward(l1.forward(X).tanh());
  const loss = nn.crossEntropy(logits, [0, 2, 1, 2]);
  // ∂loss/∂node for every node, op outputs included (backward() only fills the leaves' .grad).
  const grads = traceGradients(traceBackward(loss));
  const names = { X, W1: l1.weight, b1: l1.bias!, W2: l2.weight, b2: l2.bias!, logits, loss };
  const dot = toDot(loss, { names, grads });
  const svg = await renderDot(dot);
  const dotPath = save(`${outDir}/06-graph.dot`, dot);
  const svgPath = save(`${outDir}/06-graph.svg`, svg);
  const ops = [...dot.matchAll(/^ {2}n\d+ \[label="([^\\"]+)/gm)].map((m) => m[1]);
  log(`loss ${loss.item().toFixed(4)}; the graph has ${ops.length} nodes:`);
  log(`  ${ops.join(", ")}`);
  log(`DOT written to ${dotPath} (${dot.split("\n").length} lines), SVG to ${svgPath}`);
  return { dot, svg, dotPath, svgPath, nodes: ops.length };
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
