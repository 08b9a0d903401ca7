/**
 * The two ways to ask for gradients: `t.backward()` (adds into the `.grad` of leaves, like
 * PyTorch's `loss.backward()`) and `grad(outputs, inputs)` (returns them as values, like
 * `torch.autograd.grad`). Both validate everything first and write only after the sweep
 * succeeded, so a failed call changes no gradient.
 */
import { onesLike, zerosLike } from "./create.js";
import { noGrad, sweep } from "./graph.js";
import { keepAtScopeEnd } from "../memory/scope.js";
import { fmt, sameShape } from "../memory/shape.js";
import type { Tensor } from "./tensor.js";

function seedGrad(out: Tensor, g: Tensor | undefined, op: string): Tensor {
  if (g === undefined || g === null) {
    if (out.size !== 1) {
      throw new RangeError(
        `${op}: a gradient can only be implied for a one-element output; got shape ${fmt(out.shape)}, ` +
          `so pass one of that shape (e.g. out.backward(ones(out.shape))) or reduce it first (out.sum())`,
      );
    }
    return onesLike(out);
  }
  if (typeof g !== "object" || !("shape" in g) || !("data" in g)) {
    throw new TypeError(`${op}: the gradient must be a Tensor, got ${typeof g}`);
  }
  if (!sameShape(g.shape, out.shape)) {
    throw new RangeError(`${op}: gradient of shape ${fmt(g.shape)} does not match output of shape ${fmt(out.shape)}`);
  }
  return g;
}

/** `t.backward(grad?, { createGraph })`: adds ∂t/∂leaf (times grad) into every leaf's `.grad`. */
export function runBackward(out: Tensor, g: Tensor | undefined, createGraph: boolean): void {
  if (!out.requiresGrad) {
    throw new TypeError(
      "backward: this tensor does not require a gradient and has no graph " +
        "(create the inputs with { requiresGrad: true }, and do not call it inside noGrad)",
    );
  }
  const seed = seedGrad(out, g, "backward");
  const grads = sweep([out], [seed], createGraph);
  for (const [t, gt] of grads) {
    if (!t.isLeaf) continue;
    const prev = t.grad;
    if (createGraph) t.grad = prev === null ? gt : prev.add(gt);
    else t.grad = prev === null ? gt.detach() : noGrad(() => prev.add(gt));
    keepAtScopeEnd(() => t.grad?.storage ?? null); // inside a scope(), this gradient outlives it
  }
}

/**
 * Options of `grad()`: a second-order graph and the seed gradients of the outputs.
 *
 * @example
 * ```ts
 * import { grad, tensor, type GradOptions } from "actigrad";
 * const x = tensor([1, 2, 3], { requiresGrad: true });
 * const y = x.square(); // three elements: say what ∂L/∂y is
 * const opts: GradOptions = { gradOutputs: [tensor([1, 0, -1])] };
 * console.log(grad(y, [x], opts)[0].toString()); // 2x · [1, 0, −1]
 * ```
 * ```text
 * tensor([2, 0, -6], dtype=float64)
 * ```
 */
export interface GradOptions {
  /** Record the gradient computation so the result can be differentiated again. */
  createGraph?: boolean;
  /** ∂L/∂output for each output; defaults to 1 for one-element outputs. */
  gradOutputs?: readonly (Tensor | undefined)[];
}

/**
 * ∂(outputs)/∂(inputs) as new tensors, without touching any `.grad`.
 * An input the outputs do not depend on gets a gradient of zeros.
 *
 *   const [dx] = grad(y.sum(), [x], { createGraph: true });
 *   const [d2x] = grad(dx.sum(), [x]);
 *
 * @example
 * ```ts
 * import { grad, tensor } from "actigrad";
 * const x = tensor([1, 2], { requiresGrad: true });
 * const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true }); // 3x², itself differentiable
 * const [d2x] = grad(dx.sum(), [x]); // 6x
 * console.log(dx.toArray(), d2x.toArray(), x.grad); // .grad untouched
 * ```
 * ```text
 * [ 3, 12 ] [ 6, 12 ] null
 * ```
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], opts: GradOptions = {}): Tensor[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  if (!Array.isArray(inputs)) throw new TypeError("grad: inputs must be an array of tensors");
  outs.forEach((o, i) => {
    if (!o.requiresGrad) throw new TypeError(`grad: output ${i} does not require a gradient (it has no graph)`);
  });
  inputs.forEach((x, i) => {
    if (!x.requiresGrad) throw new TypeError(`grad: input ${i} does not require a gradient`);
  });
  const seeds = outs.map((o, i) => seedGrad(o, opts.gradOutputs?.[i], "grad"));
  const createGraph = opts.createGraph ?? false;
  const grads = sweep(outs, seeds, createGraph);
  return inputs.map((x) => {
    const g = grads.get(x);
    if (g === undefined) return zerosLike(x);
    return createGraph ? g : g.detach();
  });
}
