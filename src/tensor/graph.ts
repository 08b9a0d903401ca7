/**
 * The graph. Every op returns its result through `record`, which — when gradients are on
 * and an input needs one — remembers the op's name, its inputs and its backward rule.
 * `backward()` and `grad()` walk those records from the output back to the leaves in
 * reverse topological order, found with an explicit stack (no recursion, so a chain of
 * 100,000 ops is fine), and add up each tensor's gradient before passing it on.
 *
 * A backward rule is ordinary code over tensors. Run with `createGraph`, the ops it uses are
 * recorded too, so the gradient is itself differentiable and `grad` of `grad` works.
 */
import { fmt, sameShape } from "../memory/shape.js";
import type { Tensor } from "./tensor.js";

/**
 * How a tensor was made: the op, its inputs, and the rule mapping ∂L/∂out to ∂L/∂inputs.
 *
 * @example
 * ```ts
 * import { tensor, type Node } from "actigrad";
 * const x = tensor([2], { requiresGrad: true });
 * const y = x.mul(x).exp();
 * const node: Node | null = y.node; // x.node is null: x is a leaf
 * console.log(node?.op, node?.inputs[0].node?.op);
 * console.log(node?.backward(tensor([1]))[0]?.item()); // g · e^(x²) = e⁴
 * ```
 * ```text
 * exp mul
 * 54.598150033144236
 * ```
 */
export interface Node {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Returns one gradient per input (same shape as that input), or null where there is none. */
  readonly backward: (g: Tensor) => readonly (Tensor | null)[];
  /** The op's non-tensor arguments (axis, pieces, exponent, …), for graphs and traces. */
  readonly args?: Readonly<Record<string, unknown>>;
}

let gradEnabled = true;

/**
 * Whether ops record the graph for backward: false inside `noGrad(...)`, true otherwise.
 *
 * @example
 * ```ts
 * import { isGradEnabled, noGrad } from "actigrad";
 * console.log(isGradEnabled(), noGrad(() => isGradEnabled()));
 * ```
 * ```text
 * true false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with graph recording switched on or off, restoring the previous mode after. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Runs `fn` without recording a graph and returns its value: `noGrad(() => model.forward(x))`.
 *
 * @example
 * ```ts
 * import { noGrad, tensor } from "actigrad";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(3)); // evaluation only: no graph recorded
 * console.log(y.toString(), y.requiresGrad);
 * ```
 * ```text
 * tensor([3, 6], dtype=float64) false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Watchers for the teaching tools (anomaly detection, tracing); null when unused, so free. */
export interface GraphHooks {
  forward?(out: Tensor, op: string, inputs: readonly Tensor[], args?: Readonly<Record<string, unknown>>): void;
  /** Called just before a node's rule runs, so ops made inside the rule can be told from forward ones. */
  beforeBackward?(out: Tensor, node: Node, g: Tensor): void;
  backward?(out: Tensor, node: Node, g: Tensor, inputGrads: readonly (Tensor | null)[]): void;
}
let hooks: GraphHooks | null = null;

export function setGraphHooks(h: GraphHooks | null): GraphHooks | null {
  const prev = hooks;
  hooks = h;
  return prev;
}

/** Attaches `op`'s record to `out` when gradients are on and an input needs one. Returns `out`. */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: (g: Tensor) => readonly (Tensor | null)[],
  args?: Readonly<Record<string, unknown>>,
): Tensor {
  if (gradEnabled) {
    for (const t of inputs) {
      if (t.requiresGrad) {
        out._attach(args ? { op, inputs, backward, args } : { op, inputs, backward });
        break;
      }
    }
  }
  if (hooks?.forward) hooks.forward(out, op, inputs, args);
  return out;
}

/** Tensors reachable from `roots` through recorded ops, each after all of its inputs. */
export function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Each stack entry is a tensor and how many of its inputs have been visited so far.
  const stack: [Tensor, number][] = [];
  for (const r of roots) {
    if (!r.requiresGrad || seen.has(r)) continue;
    seen.add(r);
    stack.push([r, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const inputs = top[0].node?.inputs ?? [];
      let pushed = false;
      while (top[1] < inputs.length) {
        const child = inputs[top[1]++];
        if (child.requiresGrad && !seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
          pushed = true;
          break;
        }
      }
      if (!pushed && top[1] >= inputs.length) {
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  return order;
}

/**
 * The reverse sweep: given ∂L/∂root for each root, returns ∂L/∂t for every tensor t reached.
 * Nothing outside the returned map is touched, so callers can validate and then commit.
 */
export function sweep(roots: readonly Tensor[], rootGrads: readonly Tensor[], createGraph: boolean): Map<Tensor, Tensor> {
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor) => {
    const prev = grads.get(t);
    grads.set(t, prev === undefined ? g : withGradMode(createGraph, () => prev.add(g)));
  };
  roots.forEach((r, i) => accumulate(r, rootGrads[i]));
  const order = topoOrder(roots);
  checkNotReleased(order);
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i];
    const node = t.node;
    const g = grads.get(t);
    if (node === null || g === undefined) continue;
    if (hooks?.beforeBackward) hooks.beforeBackward(t, node, g);
    const inputGrads = withGradMode(createGraph, () => node.backward(g));
    if (hooks?.backward) hooks.backward(t, node, g, inputGrads);
    node.inputs.forEach((input, k) => {
      const gi = inputGrads[k];
      if (gi === null || gi === undefined || !input.requiresGrad) return;
      if (!sameShape(gi.shape, input.shape)) {
        throw new RangeError(
          `backward: the rule of ${node.op} gave a gradient of shape ${fmt(gi.shape)} ` +
            `for input ${k} of shape ${fmt(input.shape)} (a bug in that rule: a gradient has its input's exact shape)`,
        );
      }
      // A float32 input mixed with float64 gets its gradient back in float32.
      accumulate(input, gi.dtype === input.dtype ? gi : withGradMode(createGraph, () => gi.cast(input.dtype)));
    });
  }
  return grads;
}

/**
 * A graph kept past the `scope()` that built it (its output returned, say) still points at the
 * tensors the scope released, which the rules would need. Say so before any rule runs.
 */
function checkNotReleased(order: readonly Tensor[]): void {
  for (const t of order) {
    const node = t.node;
    if (node === null) continue;
    for (const input of [t, ...node.inputs]) {
      if (!input.isReleased) continue;
      const what = input.node ? `the output of ${input.node.op}` : "a tensor";
      throw new TypeError(
        `backward: the graph reaches ${what} of shape ${fmt(input.shape)} (an input of ${node.op}), which was released ` +
          "when the scope() that made it ended; the graph outlived its scope, so call backward() inside that scope, " +
          "before it returns",
      );
    }
  }
}
