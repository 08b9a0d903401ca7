/**
 * The derivative gallery's data: an activation as a function of one number (its definition's
 * `curve`), with f′ and f″ computed by the engine — f′ by a backward sweep, f″ by `grad` of that
 * sweep with `createGraph` — never by a hand-written derivative. Plots, the playground and the
 * docs draw these, beside the definition's formula text.
 *
 *   const row = gallery(act, [-2, -1, 0, 1, 2]);
 *   row.f, row.d1, row.d2   // number[] each
 */
import type { Activation, ArgValue } from "../ops/define.js";
import { grad } from "../tensor/autograd.js";
import { tensor } from "../tensor/create.js";

/**
 * One activation measured on a grid: its formulas as text and f, f′ and f″ at each x.
 *
 * @example
 * ```ts
 * import { gallery, tanh, type GalleryRow } from "actigrad";
 * const row: GalleryRow = gallery(tanh, [0, 1]);
 * const r = (vs: number[]) => vs.map((v) => +v.toFixed(4));
 * console.log(row.formula, r(row.f), r(row.d1), r(row.d2));
 * ```
 * ```text
 * tanh(x) = (e^x − e^−x) / (e^x + e^−x) [ 0, 0.7616 ] [ 1, 0.42 ] [ 0, -0.6397 ]
 * ```
 */
export interface GalleryRow {
  /** The activation's name. */
  name: string;
  /** f as text. */
  formula: string;
  /** f′ as text. */
  derivative: string;
  /** f″ as text, where a closed form is known. */
  secondDerivative?: string;
  /** The grid. */
  x: number[];
  /** f at each x. */
  f: number[];
  /** f′ by one backward sweep. */
  d1: number[];
  /** f″ by a second sweep through the first (createGraph); zeros where f′ is piecewise constant. */
  d2: number[];
}

/**
 * Measures an activation on the grid `xs`: f, f′ by one backward sweep and f″ by a second through the first.
 *
 * @example
 * ```ts
 * import { activations, gallery } from "actigrad";
 * const row = gallery(activations.softplus, [-1, 0, 1]);
 * const r = (vs: number[]) => vs.map((v) => +v.toFixed(4));
 * console.log(row.derivative, r(row.f), r(row.d1), r(row.d2));
 * console.log(gallery(activations.leakyRelu, [-1, 1], 0.1).d1); // with slope 0.1
 * ```
 * ```text
 * softplus′(x) = σ(x) [ 0.3133, 0.6931, 1.3133 ] [ 0.2689, 0.5, 0.7311 ] [ 0.1966, 0.25, 0.1966 ]
 * [ 0.1, 1 ]
 * ```
 */
export function gallery(act: Activation, xs: readonly number[], ...args: ArgValue[]): GalleryRow {
  if (typeof act !== "function" || typeof act.curve !== "function") {
    throw new TypeError("gallery: expected an activation (from defineActivation or the activations table)");
  }
  const x = tensor(Array.from(xs), { requiresGrad: true });
  const y = act.curve(x, ...args);
  // Each point's output depends on its own x only, so the gradient of the sum is f′ pointwise.
  const [d1] = grad(y.sum(), [x], { createGraph: true });
  const d2 = d1.requiresGrad ? grad(d1.sum(), [x])[0] : null;
  return {
    name: act.name,
    formula: act.formula,
    derivative: act.derivative,
    ...(act.secondDerivative === undefined ? {} : { secondDerivative: act.secondDerivative }),
    x: Array.from(xs),
    f: Array.from(y.data),
    d1: Array.from(d1.data),
    d2: d2 === null ? new Array<number>(xs.length).fill(0) : Array.from(d2.data),
  };
}
