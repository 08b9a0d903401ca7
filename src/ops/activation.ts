/**
 * What every activation file provides, so that the table in `activations.ts` can hold them
 * all under one type: the formula text, the forward op, and the backward rule as the
 * derivation states it (the op records exactly this rule).
 */
import type { FloatArray } from "../tensor/dtype.js";
import { promote } from "../tensor/dtype.js";
import { allocValues } from "../tensor/scope.js";
import { fmt, sameShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { simdRule, type Rule } from "../kernels/simd.js";

/** What the backward rule may read: the input x and the output y of the forward. */
export interface Saved {
  readonly x: Tensor;
  readonly y: Tensor;
}

export interface ActivationSpec<Args extends unknown[] = [], Name extends string = string> {
  readonly name: Name;
  /** f, as text: "σ(x) = 1 / (1 + e^−x)". */
  readonly formula: string;
  /** f′ as the backward rule uses it: "σ′(x) = σ(x)(1 − σ(x))". */
  readonly derivative: string;
  /** f″, which `grad` with `createGraph` produces from the rule (where it is a closed form). */
  readonly secondDerivative?: string;
  /** What happens at kinks and ties, where the derivative is a convention. */
  readonly note?: string;
  readonly forward: (x: Tensor, ...args: Args) => Tensor;
  /** ∂L/∂x from the upstream gradient g = ∂L/∂y. */
  readonly backward: (g: Tensor, saved: Saved, ...args: Args) => Tensor;
}

/**
 * Output of a fused backward kernel `out = rule(g, s)` where s is a saved tensor of g's shape
 * (y or x). The result takes the wider of the two dtypes. `simd` names the WebAssembly kernel
 * that makes it directly when both are float32 (see `mapKernel`).
 */
export function ruleKernel(
  op: string,
  g: Tensor,
  s: Tensor,
  kernel: (g: FloatArray, s: FloatArray, out: FloatArray) => void,
  simd?: Rule,
): Tensor {
  if (!sameShape(g.shape, s.shape)) {
    throw new RangeError(`${op}: gradient of shape ${fmt(g.shape)} does not match saved tensor of shape ${fmt(s.shape)}`);
  }
  const fast = simd === undefined ? null : simdRule(simd, g.data, s.data); // float32: made by the SIMD kernel
  if (fast !== null) return new Tensor(fast, g.shape);
  const out = new Tensor(allocValues(promote(g.dtype, s.dtype), g.size), g.shape);
  kernel(g.data, s.data, out.data);
  return out;
}

/** σ(x) for one number, exponentiating only −|x| so it never overflows. */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
