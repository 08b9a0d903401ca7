/**
 * Short text for a tensor, as the teaching tools print it: the values themselves when there
 * are few (`[0.5, -1.25]`), and shape plus mean / min / max when there are many, so a trace
 * or a graph drawing stays readable for a real network (`shape: false` leaves the shape out).
 *
 *   summarize(tensor([[1, 2], [3, 4]]))   // "[[1, 2], [3, 4]]"
 *   summarize(randn([64, 784]))           // "[64,784] mean -0.0012 min -4.61 max 4.39"
 */
import { noGrad } from "../tensor/graph.js";
import type { Tensor } from "../tensor/tensor.js";

/** A number in at most `digits` significant digits, without trailing noise: 0.25, -1.3e-7. */
export function num(v: number, digits = 4): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(+v.toPrecision(digits));
}

/**
 * Summary numbers of a tensor's finite values.
 *
 * @example
 * ```ts
 * import { stats, tensor, type Stats } from "actigrad";
 * const s: Stats = stats(tensor([1, 2, 6, Number.NaN]));
 * console.log(s);
 * ```
 * ```text
 * { mean: 3, min: 1, max: 6, nonFinite: 1 }
 * ```
 */
export interface Stats {
  /** The mean of the finite values. */
  mean: number;
  /** The smallest finite value. */
  min: number;
  /** The largest finite value. */
  max: number;
  /** How many values are NaN or ±Infinity (they are left out of mean, min and max). */
  nonFinite: number;
}

/**
 * The mean, min and max of a tensor's finite values, and how many are not finite.
 *
 * @example
 * ```ts
 * import { stats, tensor } from "actigrad";
 * const { mean, min, max, nonFinite } = stats(tensor([[-1, 3], [Number.POSITIVE_INFINITY, 4]]));
 * console.log(mean, min, max, nonFinite);
 * ```
 * ```text
 * 2 -1 4 1
 * ```
 */
export function stats(t: Tensor): Stats {
  let sum = 0,
    min = Infinity,
    max = -Infinity,
    n = 0,
    bad = 0;
  for (const v of t.data) {
    if (!Number.isFinite(v)) {
      bad++;
      continue;
    }
    sum += v;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: n ? sum / n : NaN, min: n ? min : NaN, max: n ? max : NaN, nonFinite: bad };
}

/** The values as nested brackets. */
function values(t: Tensor, digits: number): string {
  const nested = noGrad(() => t.toArray());
  const show = (v: unknown): string => (Array.isArray(v) ? `[${v.map(show).join(", ")}]` : num(v as number, digits));
  return show(nested);
}

/**
 * Values when `t` has at most `maxValues` elements, else "[shape] mean … min … max …"
 * (and "(3 NaN/Inf)" when some are not finite).
 *
 * @example
 * ```ts
 * import { arange, summarize, tensor } from "actigrad";
 * console.log(summarize(tensor([0.5, 1 / 3])));
 * console.log(summarize(arange(100).reshape([10, 10])));
 * ```
 * ```text
 * [0.5, 0.3333]
 * [10,10] mean 49.5 min 0 max 99
 * ```
 */
export function summarize(t: Tensor, opts: { maxValues?: number; digits?: number; shape?: boolean } = {}): string {
  const { maxValues = 12, digits = 4, shape = true } = opts;
  if (t.size <= maxValues) return values(t, digits);
  const s = stats(t);
  const bad = s.nonFinite ? ` (${s.nonFinite} NaN/Inf)` : "";
  return `${shape ? `[${t.shape.join(",")}] ` : ""}mean ${num(s.mean, 3)} min ${num(s.min, 3)} max ${num(s.max, 3)}${bad}`;
}
