/**
 * The Tensor methods of the tensor ops: each is the free function of the same name with the
 * tensor first (`x.add(y)` is `add(x, y)`). They are installed on the class here, so that
 * src/tensor never imports an op; each activation's definition installs its own method.
 */
import type { DType } from "../memory/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { add, cast, div, mul, neg, sub } from "./arithmetic.js";
import { matmul } from "./matmul.js";
import { max, mean, sum } from "./reduce.js";
import { reshape, transpose } from "./shape.js";
import { eq, ge, gt, le, lt, ne, where } from "./compare.js";
import { abs, clamp, erf, exp, expm1, log, pow, sqrt } from "./unary.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    add(other: Tensor | number): Tensor;
    sub(other: Tensor | number): Tensor;
    mul(other: Tensor | number): Tensor;
    div(other: Tensor | number): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    pow(p: number): Tensor;
    abs(): Tensor;
    sqrt(): Tensor;
    erf(): Tensor;
    /** e^x − 1, exact for tiny x. */
    expm1(): Tensor;
    /** x limited to [min, max]; the gradient passes where min ≤ x ≤ max. */
    clamp(min?: number | null, max?: number | null): Tensor;
    /** [this > other] as 0/1 (no gradient); likewise ge, lt, le, eq, ne. */
    gt(other: Tensor | number): Tensor;
    ge(other: Tensor | number): Tensor;
    lt(other: Tensor | number): Tensor;
    le(other: Tensor | number): Tensor;
    eq(other: Tensor | number): Tensor;
    ne(other: Tensor | number): Tensor;
    /** PyTorch's `x.where(cond, other)`: x where cond ≠ 0, else other. */
    where(cond: Tensor, other: Tensor | number): Tensor;
    /** The same values in `dtype` (a copy; the gradient is cast back). */
    cast(dtype: DType): Tensor;
    sum(axis?: Axis | null, keepDims?: boolean): Tensor;
    mean(axis?: Axis | null, keepDims?: boolean): Tensor;
    max(axis?: Axis | null, keepDims?: boolean): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(axis0?: number, axis1?: number): Tensor;
    matmul(other: Tensor): Tensor;
  }
}

/** Installs `fn` as a method: `x.name(...args)` calls `fn(x, ...args)`. */
/** Any op with the tensor first; each keeps its own argument types, which the method passes through. */
type Op = (x: Tensor, ...args: any[]) => Tensor;

export function installMethod(name: string, fn: Op): void {
  Object.defineProperty(Tensor.prototype, name, {
    // Three fixed parameters (no rest/spread on the hot path); a missing one is undefined, so the
    // function's own defaults apply.
    value: function (this: Tensor, a?: unknown, b?: unknown, c?: unknown) {
      return fn(this, a, b, c);
    },
    writable: true,
    configurable: true,
  });
}

const ops: Record<string, Op> = {
  add,
  sub,
  mul,
  div,
  neg,
  exp,
  log,
  pow,
  abs,
  sqrt,
  erf,
  expm1,
  clamp,
  gt,
  ge,
  lt,
  le,
  eq,
  ne,
  cast,
  sum,
  mean,
  max,
  reshape,
  transpose,
  matmul,
};
for (const [name, fn] of Object.entries(ops)) installMethod(name, fn);
installMethod("where", (x: Tensor, cond: Tensor, other: Tensor | number) => where(cond, x, other));
