/** Helpers shared by the test files. */
import { expect } from "vitest";
import { activations, type ActivationName, grad, type Tensor, tensor } from "../src/index.js";

export type ErrorClass = typeof TypeError | typeof RangeError;

/** Runs `fn`, expecting it to throw one of `cls` with a message matching every pattern. */
export function expectThrow(fn: () => unknown, cls: ErrorClass | readonly ErrorClass[], ...patterns: RegExp[]): Error {
  let caught: unknown;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    caught = e;
  }
  expect(threw, "expected the call to throw").toBe(true);
  expect(caught).toBeInstanceOf(Error);
  const err = caught as Error;
  const classes = Array.isArray(cls) ? cls : [cls];
  expect(classes.includes(err.constructor as ErrorClass), `wrong class ${err.constructor.name}: ${err.message}`).toBe(true);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}

/** The activation table: every row is callable as it is, no cast needed. */
export const table = activations;
/** The seed's seven activations (the four added since have their own tests). */
export const NAMES = [
  "sigmoid",
  "tanh",
  "relu",
  "softplus",
  "softmax",
  "logSoftmax",
  "maxout",
] as const satisfies readonly ActivationName[];
/** Every built-in, in the table's order: the seven, then the four added through defineActivation. */
export const ALL_NAMES = [...NAMES, "leakyRelu", "elu", "gelu", "silu"] as const satisfies readonly ActivationName[];

// ---------------------------------------------------------------------------------------------
// Plain-JS references (deliberately naive, independent of the library).

/** The number of elements of a shape. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The multi-index of flat (row-major) position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** The flat (row-major) position of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let k = 0;
  for (let d = 0; d < shape.length; d++) k = k * shape[d] + idx[d];
  return k;
}

/** Fixed, varied, nonzero float64 values of a shape (a smooth function of the position and `seed`). */
function weightsOf(shape: readonly number[], seed: number): Tensor {
  return tensor(
    Array.from({ length: sizeOf(shape) }, (_, i) => 1.5 + Math.sin(0.37 * i + seed)),
    { shape: [...shape], dtype: "float64" },
  );
}

/**
 * Second derivatives through the rules: with S = Σ_j Σ c_j ⊙ y_j³ (y = f(xs), one output or
 * several) and T = Σ_k Σ w_k ⊙ ∂S/∂x_k (∂S/∂x from grad with createGraph), ∂T/∂x by autograd —
 * the rules differentiated — against central differences of T, which need only first
 * derivatives. The inputs are copied to float64 leaves; c and w are fixed and nowhere zero.
 */
export function gradgradcheck(f: (...xs: Tensor[]) => Tensor | Tensor[], inputs: readonly Tensor[]): void {
  const xs = inputs.map((x) => tensor(x, { dtype: "float64", requiresGrad: true }));
  const weights = xs.map((x, k) => weightsOf(x.shape, 5 + k));
  const T = (createGraph: boolean): Tensor => {
    const ys = ([] as Tensor[]).concat(f(...xs));
    const s = ys
      .map((y, j) =>
        y
          .pow(3)
          .mul(weightsOf(y.shape, 11 + j))
          .sum(),
      )
      .reduce((a, b) => a.add(b));
    const gs = grad(s, xs, { createGraph });
    return gs.map((g, k) => g.mul(weights[k]).sum()).reduce((a, b) => a.add(b));
  };
  const analytic = grad(T(true), xs);
  const eps = 1e-6;
  xs.forEach((x, k) => {
    const d = x.data;
    for (let i = 0; i < d.length; i++) {
      const orig = d[i];
      d[i] = orig + eps;
      const up = T(false).item();
      d[i] = orig - eps;
      const down = T(false).item();
      d[i] = orig;
      const numeric = (up - down) / (2 * eps);
      expect(Math.abs(analytic[k].data[i] - numeric), `input ${k}, element ${i}`).toBeLessThanOrEqual(
        1e-5 + 1e-4 * Math.abs(numeric),
      );
    }
  });
}

/** A small deterministic generator of weights in ±1.5 (never 0). */
export function weights(n: number, seed: number): number[] {
  let s = (seed * 2654435761) >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296 - 0.5) * 3 || 0.5;
  });
}

/**
 * The second derivative through `op`, by grad of grad: with f(x) = Σ g ⊙ op(x)^power (g fixed
 * weights), H·w = ∂/∂x ⟨w, ∂f/∂x⟩ from autograd (createGraph), against the central difference
 * of the first derivative along w, (∇f(x + εw) − ∇f(x − εw)) / 2ε (H is symmetric).
 */
export function secondOrder(
  op: (x: Tensor) => Tensor,
  x0: Tensor,
  { power = 1, seed = 1, eps = 1e-5 }: { power?: number; seed?: number; eps?: number } = {},
): { analytic: number[]; numeric: number[] } {
  const probe = op(tensor(x0, { dtype: "float64" }));
  const g = tensor(weights(probe.size, seed), { shape: [...probe.shape] });
  const w = weights(x0.size, seed + 7);
  const firstAt = (v: ArrayLike<number>, createGraph: boolean) => {
    const x = tensor(Array.from(v), { shape: [...x0.shape], requiresGrad: true });
    const y = op(x);
    const f = (power === 1 ? y : y.pow(power)).mul(g).sum();
    return { x, d1: grad(f, [x], { createGraph })[0] };
  };
  const { x, d1 } = firstAt(x0.data, true);
  const [hw] = grad(d1.mul(tensor(w, { shape: [...x0.shape] })).sum(), [x]);
  const base = Array.from(x0.data);
  const up = firstAt(
    base.map((v, i) => v + eps * w[i]),
    false,
  ).d1.data;
  const down = firstAt(
    base.map((v, i) => v - eps * w[i]),
    false,
  ).d1.data;
  return { analytic: Array.from(hw.data), numeric: Array.from(up, (u, i) => (u - down[i]) / (2 * eps)) };
}
