/**
 * `traceBackward(loss)`: the backward sweep as a list of steps, in the order the engine runs
 * them — the worked solution of backpropagation for your own graph.
 *
 * Each step is one node: out = op(inputs). The sweep arrives with the upstream gradient
 * U = ∂L/∂out (already summed over every use of out), and the node's rule turns it into one
 * gradient per input. The step shows the textbook formula of the local derivative, the local
 * derivative's values at this point, and the result, so that for every node
 *
 *     result = upstream ⊗ local          (⊙ and a sum for elementwise ops, U·Bᵀ for matmul, …)
 *
 * can be checked by eye, or by `chain(step)`. The sweep is the engine's own (`grad` with a
 * backward hook), so the steps are what really ran; no `.grad` is touched.
 *
 *   const x = tensor([1, 2], { requiresGrad: true });
 *   const steps = traceBackward(x.exp().sum(), { names: { x } });
 *   console.log(formatTrace(steps));
 */
import { grad } from "../tensor/autograd.js";
import { setGraphHooks, topoOrder } from "../tensor/graph.js";
import type { Shape } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { addAll, chain, formulaOf, localOf, type Local } from "./formulas.js";
import { withHooks } from "./hooks.js";
import { num } from "./summary.js";

/**
 * One node of a traced backward sweep: its op, inputs, the gradient arriving and the local derivative applied.
 *
 * @example
 * ```ts
 * import { tensor, traceBackward, type TraceStep } from "actigrad";
 * const x = tensor([0.5, -1], { requiresGrad: true });
 * const steps: TraceStep[] = traceBackward(x.relu().sum(), { names: { x } });
 * for (const s of steps) console.log(s.index, s.name, s.op, s.inputNames, s.upstream.toString(), s.result[0]?.toString());
 * ```
 * ```text
 * 1 t2 sum [ 't1' ] tensor(1, dtype=float64) tensor([1, 1], dtype=float64)
 * 2 t1 relu [ 'x' ] tensor([1, 1], dtype=float64) tensor([1, 0], dtype=float64)
 * ```
 */
export interface TraceStep {
  /** 1 for the first node the sweep visits (the loss), then in the engine's order. */
  index: number;
  op: string;
  /** The op's non-tensor arguments (axis, pieces, p), when it has any. */
  args?: Readonly<Record<string, unknown>>;
  /** The textbook formula of the local derivative, e.g. "σ′(x) = σ(x)(1 − σ(x))". */
  formula: string;
  /** The node's output tensor (the one in your graph) and its name ("t3", or a name you gave). */
  output: Tensor;
  name: string;
  inputs: readonly Tensor[];
  inputNames: string[];
  inputShapes: Shape[];
  /** U = ∂L/∂output, as the sweep hands it to the rule. */
  upstream: Tensor;
  /** ∂output/∂input at this point (see `Local` for how it combines with U). */
  local: Local;
  /** ∂L/∂input_k as the engine's rule computed it; null where no gradient flows. */
  result: (Tensor | null)[];
}

/**
 * Options of the backward trace: the seed gradient, names for tensors and the largest Jacobian to show.
 *
 * @example
 * ```ts
 * import { tensor, traceBackward, type TraceOptions } from "actigrad";
 * const x = tensor([1, -1], { requiresGrad: true });
 * const y = x.relu();
 * const opts: TraceOptions = { grad: tensor([10, 10]), names: { x, y } }; // y is not a scalar: seed it
 * for (const s of traceBackward(y, opts)) console.log(s.name, s.formula, s.result[0]?.toString());
 * ```
 * ```text
 * y relu′(x) = [x > 0] tensor([10, 0], dtype=float64)
 * ```
 */
export interface TraceOptions {
  /** ∂L/∂loss to start from; 1 by default (the loss must then have one element). */
  grad?: Tensor;
  /** Names for tensors, shown in the steps: `{ x, W1: model.layers[0].weight }`. */
  names?: Record<string, Tensor>;
  /** Largest rows·n·n for which a vector activation's Jacobian is built as the local (default 10,000). */
  maxJacobian?: number;
}

/** Names every tensor of the graph: given names first, then x0, x1, … for leaves, t1, t2, … for op outputs. */
function namer(loss: Tensor, given: Record<string, Tensor> = {}): (t: Tensor) => string {
  const names = new Map<Tensor, string>();
  for (const [n, t] of Object.entries(given)) names.set(t, n);
  let params = 0,
    consts = 0,
    ops = 0;
  const nameOf = (t: Tensor): string => {
    let n = names.get(t);
    if (n === undefined) {
      if (t.node !== null) n = `t${++ops}`;
      else if (t.size === 1 && !t.requiresGrad)
        n = num(t.data[0]); // a number in the expression: "2"
      else n = t.requiresGrad ? `x${params++}` : `c${consts++}`;
      names.set(t, n);
    }
    return n;
  };
  for (const t of topoOrder([loss])) {
    t.node?.inputs.forEach(nameOf);
    nameOf(t);
  }
  return nameOf;
}

/**
 * The backward sweep of `loss`, one step per node, in the order the engine runs them.
 *
 * @example
 * ```ts
 * import { tensor, traceBackward } from "actigrad";
 * const x = tensor([0, 2], { requiresGrad: true });
 * for (const s of traceBackward(x.sigmoid().sum(), { names: { x } })) {
 *   console.log(s.index, s.op, "|", s.formula, "|", s.upstream.toString(), "→", s.result[0]?.toString());
 * }
 * ```
 * ```text
 * 1 sum | ∂(Σ x)/∂x_i = 1: the upstream is copied back to every summed element | tensor(1, dtype=float64) → tensor([1, 1], dtype=float64)
 * 2 sigmoid | σ′(x) = σ(x)(1 − σ(x)) | tensor([1, 1], dtype=float64) → tensor([0.25, 0.105], dtype=float64)
 * ```
 */
export function traceBackward(loss: Tensor, opts: TraceOptions = {}): TraceStep[] {
  if (!(loss instanceof Tensor) || !loss.requiresGrad) {
    throw new TypeError(
      "traceBackward: the loss has no graph to trace (build it from tensors made with { requiresGrad: true }, outside noGrad)",
    );
  }
  const nameOf = namer(loss, opts.names);
  const steps: TraceStep[] = [];
  withHooks(
    {
      backward(out, node, g, inputGrads) {
        // Computing the locals runs ops; keep them out of sight of any other hook (e.g. detectAnomaly).
        const outer = setGraphHooks(null);
        try {
          const local = localOf(out, node, opts.maxJacobian);
          const result = node.inputs.map((t, k) => (t.requiresGrad ? (inputGrads[k]?.detach() ?? null) : null));
          local.factors = local.factors.map((f, k) => (result[k] === null ? null : f));
          steps.push({
            index: steps.length + 1,
            op: node.op,
            ...(node.args ? { args: node.args } : {}),
            formula: formulaOf(node.op, node.args),
            output: out,
            name: nameOf(out),
            inputs: node.inputs,
            inputNames: node.inputs.map(nameOf),
            inputShapes: node.inputs.map((t) => t.shape),
            upstream: g.detach(),
            local,
            result,
          });
        } finally {
          setGraphHooks(outer);
        }
      },
    },
    () => grad(loss, [], opts.grad ? { gradOutputs: [opts.grad] } : {}),
  );
  return steps;
}

/**
 * Every tensor's gradient as the trace saw it: op outputs get their upstream, leaves the sum
 * of the results sent to them — which is what `backward()` puts in their `.grad`.
 *
 * @example
 * ```ts
 * import { tensor, traceBackward, traceGradients } from "actigrad";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const h = x.mul(x);
 * const grads = traceGradients(traceBackward(h.sum()));
 * console.log(grads.get(h)?.toString(), grads.get(x)?.toString()); // ∂L/∂h = 1, ∂L/∂x = 2x
 * ```
 * ```text
 * tensor([1, 1], dtype=float64) tensor([2, 4], dtype=float64)
 * ```
 */
export function traceGradients(steps: readonly TraceStep[]): Map<Tensor, Tensor> {
  const parts = new Map<Tensor, Tensor[]>();
  const out = new Map<Tensor, Tensor>();
  for (const s of steps) {
    s.inputs.forEach((t, k) => {
      const r = s.result[k];
      if (r === null || t.node !== null) return;
      parts.set(t, [...(parts.get(t) ?? []), r]);
    });
  }
  for (const s of steps) out.set(s.output, s.upstream);
  for (const [t, rs] of parts) out.set(t, addAll(rs));
  return out;
}

export { chain };
