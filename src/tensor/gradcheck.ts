/**
 * Checks a function's gradients against central finite differences, in float64.
 *
 * With L = Σ w ⊙ fn(inputs) for a fixed random w (so every output element counts, with no
 * cancellation by symmetry), the analytic ∂L/∂x from `grad` is compared, element by element,
 * with (L(x + ε) − L(x − ε)) / 2ε. An element passes when |analytic − numeric| ≤ atol + rtol·|numeric|.
 *
 *   const r = gradcheck((x) => x.exp(), [tensor([0.3, -1.2])]);
 *   r.passed   // true;  r.maxAbsError ≈ 1e-11
 *   gradcheck(swish)   // one input of shape [3, 4] when none is given: an activation's rule, checked
 */
import { grad } from "./autograd.js";
import { tensor } from "./create.js";
import { noGrad } from "./graph.js";
import { Tensor } from "./tensor.js";

/**
 * Options of `gradcheck`: the finite-difference step, the tolerances (passes when |analytic − numeric| ≤ atol + rtol·|numeric|) and the seed.
 *
 * @example
 * ```ts
 * import { gradcheck, tensor, type GradcheckOptions } from "actigrad";
 * const opts: GradcheckOptions = { eps: 1e-6, atol: 1e-8, rtol: 1e-6, seed: 1 }; // tighter than the defaults
 * const r = gradcheck((x) => x.sin(), [tensor([0.5, 2])], opts);
 * console.log(r.passed, r.maxAbsError < 1e-8);
 * ```
 * ```text
 * true true
 * ```
 */
export interface GradcheckOptions {
  /** Step of the central difference (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Seed of the random output weights (default 0). */
  seed?: number;
}

/**
 * The element where the analytic and numeric gradients disagree most, relative to the tolerance.
 *
 * @example
 * ```ts
 * import { gradcheck, relu, tensor, type GradcheckWorst } from "actigrad";
 * const r = gradcheck((x) => relu(x), [tensor([0, 1])]); // relu has a kink at 0
 * const w: GradcheckWorst | null = r.worst;
 * if (w) console.log(r.passed, w.position, w.analytic, w.numeric.toFixed(4));
 * ```
 * ```text
 * false [ 0 ] 0 0.6926
 * ```
 */
export interface GradcheckWorst {
  /** Which input (position in `inputs`). */
  input: number;
  /** Flat index into that input, and the same as a multi-index. */
  index: number;
  /** The same element as a multi-index into the input's shape. */
  position: number[];
  /** The gradient from backward(). */
  analytic: number;
  /** The central difference (f(x + ε) − f(x − ε)) / 2ε. */
  numeric: number;
}

/**
 * What `gradcheck` found: whether every element passed, and the largest errors.
 *
 * @example
 * ```ts
 * import { gradcheck, tensor, type GradcheckResult } from "actigrad";
 * const r: GradcheckResult = gradcheck((a, b) => a.mul(b).tanh(), [tensor([0.5, -1]), tensor([2, 0.3])]);
 * console.log(r.passed, r.maxAbsError < 1e-8, r.worst?.input);
 * ```
 * ```text
 * true true 0
 * ```
 */
export interface GradcheckResult {
  /** Whether every element of every input is within atol + rtol·|numeric|. */
  passed: boolean;
  /** The largest |analytic − numeric| over all elements. */
  maxAbsError: number;
  /** The largest |analytic − numeric| / |numeric| over all elements. */
  maxRelError: number;
  /** The element with the largest error relative to its tolerance (null when there are no elements). */
  worst: GradcheckWorst | null;
}

/** A tiny local generator, so gradcheck never disturbs the `manualSeed` stream. */
function weights(n: number, seed: number): Float64Array {
  let s = (seed ^ 0x2545f491) >>> 0;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    w[i] = 0.5 + s / 4294967296; // in [0.5, 1.5): never 0, so no element is ignored
  }
  return w;
}

function positionOf(index: number, shape: readonly number[]): number[] {
  const pos = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    pos[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return pos;
}

/**
 * A default input for a one-argument `fn` (an activation, say): shape [3, 4], values in
 * ±[0.1, 2] drawn from `seed` — no zeros, so no kink sits exactly under a difference step.
 */
function defaultInput(seed: number): Tensor {
  const w = weights(24, seed + 1);
  const v = Float64Array.from({ length: 12 }, (_, i) => (w[2 * i + 1] < 1 ? -1 : 1) * (0.1 + 1.9 * (w[2 * i] - 0.5)));
  return new Tensor(v, [3, 4]);
}

/**
 * Checks backward() against central differences, (f(x + ε) − f(x − ε)) / 2ε, on a random 3×4 input for `fn`.
 *
 * @example
 * ```ts
 * import { gradcheck, tensor } from "actigrad";
 * const r = gradcheck((x) => x.exp(), [tensor([0.3, -1.2])]);
 * console.log(r.passed, r.maxAbsError < 1e-8);
 * console.log(gradcheck((x) => x.tanh()).passed); // a default 3×4 input
 * ```
 * ```text
 * true true
 * true
 * ```
 */
export function gradcheck(fn: (x: Tensor) => Tensor): GradcheckResult;
/** Checks the gradients of `fn` at `inputs` against central differences, (f(x + ε) − f(x − ε)) / 2ε, of a random weighted sum of its output. */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  opts?: GradcheckOptions,
): GradcheckResult;
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs?: readonly Tensor[],
  opts: GradcheckOptions = {},
): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = opts;
  if (typeof fn !== "function") throw new TypeError("gradcheck: fn must be a function of tensors");
  if (inputs === undefined) inputs = [defaultInput(seed)];
  if (!Array.isArray(inputs) || inputs.some((x) => !(x instanceof Tensor))) {
    throw new TypeError("gradcheck: inputs must be an array of tensors");
  }
  const xs = inputs.map((x) => tensor(x, { dtype: "float64", requiresGrad: true }));
  const out = fn(...xs);
  if (!(out instanceof Tensor)) throw new TypeError("gradcheck: fn must return a Tensor");
  const w = weights(out.size, seed);
  const wT = new Tensor(w, out.shape);
  const analytic = out.requiresGrad ? grad(out.mul(wT).sum(), xs) : xs.map((x) => new Tensor(new Float64Array(x.size), x.shape));

  const loss = (): number =>
    noGrad(() => {
      const o = fn(...xs).data;
      let s = 0;
      for (let i = 0; i < o.length; i++) s += w[i] * o[i];
      return s;
    });

  const result: GradcheckResult = { passed: true, maxAbsError: 0, maxRelError: 0, worst: null };
  let worstRatio = -1;
  xs.forEach((x, k) => {
    const d = x.data; // perturbed in place, restored after each element
    for (let i = 0; i < d.length; i++) {
      const orig = d[i];
      d[i] = orig + eps;
      const up = loss();
      d[i] = orig - eps;
      const down = loss();
      d[i] = orig;
      const numeric = (up - down) / (2 * eps);
      const a = analytic[k].data[i];
      const abs = Math.abs(a - numeric);
      const rel = abs / Math.max(Math.abs(a), Math.abs(numeric), Number.MIN_VALUE);
      const tol = atol + rtol * Math.abs(numeric);
      const ratio = Number.isNaN(abs) ? Infinity : abs / tol;
      if (!(abs <= tol)) result.passed = false;
      result.maxAbsError = Math.max(result.maxAbsError, Number.isNaN(abs) ? Infinity : abs);
      if (abs > 0) result.maxRelError = Math.max(result.maxRelError, rel);
      if (ratio > worstRatio) {
        worstRatio = ratio;
        result.worst = { input: k, index: i, position: positionOf(i, x.shape), analytic: a, numeric };
      }
    }
  });
  return result;
}
