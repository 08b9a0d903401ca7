/**
 * Elementwise arithmetic with NumPy broadcasting, and the pair of ops that broadcasting
 * rests on: `broadcastTo` and its adjoint `sumToShape`. Every binary rule hands its gradient
 * to `sumToShape(g, input.shape)` — the one place where broadcasting is undone.
 *
 *   d(a + b) = g, g      d(a − b) = g, −g      d(a · b) = g·b, g·a      d(a / b) = g/b, −g·(a/b)/b
 *   d maximum(a, b) = g·w(a, b), g·w(b, a)  with w(a, b) = [a > b] + ½[a = b]  (PyTorch's: ties split
 *   the gradient evenly; where either is NaN both get g); minimum likewise with [a < b].
 */
import { BinaryOp, binaryKernel } from "../kernels/binary.js";
import { broadcastKernel, sumToShapeKernel } from "../kernels/reduce.js";
import type { DType } from "../memory/dtype.js";
import { checkAnyDtype, getDefaultDtype, promote, toInt32 } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import type { Shape } from "../memory/shape.js";
import { broadcastShapes, broadcastsTo, checkShape, fmt, padShape, sameShape, sizeOf } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * A Tensor (checked as `expectTensor` does), or a number turned into a 0-d constant of `dtype`
 * — of the default float dtype when `dtype` is int32, so that `indices.eq(1.5)` compares 1.5.
 */
export function asTensor(x: Tensor | number, dtype: DType, op: string, what = "input"): Tensor {
  if (x instanceof Tensor) return expectTensor(x, op, what);
  if (typeof x === "number") {
    const data = allocValues(dtype === "int32" ? getDefaultDtype() : dtype, 1);
    data[0] = x;
    return new Tensor(data, []);
  }
  throw new TypeError(`${op}: expected a Tensor or a number, got ${x === null ? "null" : typeof x}`);
}

/**
 * The ops that take int32 tensors (indices): they move, pick, compare or convert values and
 * never differentiate with respect to them. Every other op is differentiable and works on
 * floats — `expectTensor` turns an int32 tensor away from it, naming the op. An op added later
 * is float-only until its name is listed here.
 */
const TAKES_INT32: ReadonlySet<string> = new Set([
  // shape
  "reshape",
  "transpose",
  "squeeze",
  "unsqueeze",
  "permute",
  "flatten",
  "expand",
  "broadcastTo",
  // indexing and joining
  "select",
  "slice",
  "indexSelect",
  "gather",
  "maskedFill",
  "concat",
  "stack",
  "split",
  // comparisons and selection (0/1 results, no gradient to the compared values)
  "gt",
  "ge",
  "lt",
  "le",
  "eq",
  "ne",
  "where",
  // conversion and index reductions
  "cast",
  "argmax",
  "argmin",
]);

/** A value as an op's or layer's error message shows it: "null", "an array", the number, or its type. */
export const describe = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "number" ? String(v) : typeof v;

/**
 * Checks that `x` is a Tensor, naming the op and argument otherwise — and, the one place where
 * this is decided, that an int32 tensor goes only to an op that takes one (`TAKES_INT32`).
 */
export function expectTensor(x: unknown, op: string, what = "input"): Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: ${what} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  }
  if (x.storage.values instanceof Int32Array && !TAKES_INT32.has(op)) {
    throw new TypeError(
      `${op}: ${what} is an int32 tensor (indices, shape ${fmt(x.shape)}); ${op} works on float tensors, ` +
        `so cast it first: x.cast("float64") (or "float32")`,
    );
  }
  return x;
}

/** An elementwise op of two tensors (or numbers) with broadcasting; `rule` gives both gradients before broadcasting is undone. */
export function binary(
  op: string,
  kind: BinaryOp,
  a: Tensor | number,
  b: Tensor | number,
  rule: (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null],
  args?: Readonly<Record<string, unknown>>,
): Tensor {
  const dt = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : "float64";
  const ta = asTensor(a, dt, op, "the first argument");
  const tb = asTensor(b, dt, op, "the second argument");
  const shape = sameShape(ta.shape, tb.shape) ? ta.shape : broadcastShapes(ta.shape, tb.shape, op);
  const out = new Tensor(allocValues(promote(ta.dtype, tb.dtype), sizeOf(shape)), shape);
  binaryKernel(kind, ta.data, ta.shape, tb.data, tb.shape, out.data, shape);
  return record(
    out,
    op,
    [ta, tb],
    (g) => {
      const [ga, gb] = rule(g, ta, tb, out);
      return [ga && sumToShape(ga, ta.shape), gb && sumToShape(gb, tb.shape)];
    },
    args,
  );
}

/**
 * a + b elementwise, with broadcasting; ∂/∂a = g, ∂/∂b = g (summed back to each shape).
 *
 * @example
 * ```ts
 * import { add, tensor } from "actigrad";
 * console.log(add(tensor([1, 2, 3]), 10).toString());
 * console.log(add(tensor([[1], [2]]), tensor([10, 20, 30])).toString()); // [2, 1] with [3] → [2, 3]
 * ```
 * ```text
 * tensor([11, 12, 13], dtype=float64)
 * tensor([[11, 21, 31], [12, 22, 32]], dtype=float64)
 * ```
 */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("add", BinaryOp.Add, a, b, (g, x, y) => [x.requiresGrad ? g : null, y.requiresGrad ? g : null]);
}

/**
 * a − b elementwise, with broadcasting; ∂/∂a = g, ∂/∂b = −g.
 *
 * @example
 * ```ts
 * import { sub, tensor } from "actigrad";
 * const b = tensor([1, 2], { requiresGrad: true });
 * const y = sub(tensor([5, 7]), b);
 * y.sum().backward(); // ∂/∂b = −g
 * console.log(y.toString(), b.grad?.toString());
 * ```
 * ```text
 * tensor([4, 5], dtype=float64, gradFn=<sub>) tensor([-1, -1], dtype=float64)
 * ```
 */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("sub", BinaryOp.Sub, a, b, (g, x, y) => [x.requiresGrad ? g : null, y.requiresGrad ? neg(g) : null]);
}

/**
 * a · b elementwise, with broadcasting; ∂/∂a = g·b, ∂/∂b = g·a.
 *
 * @example
 * ```ts
 * import { mul, tensor } from "actigrad";
 * const a = tensor([1, 2, 3], { requiresGrad: true });
 * const y = mul(a, tensor([4, 5, 6]));
 * y.sum().backward(); // ∂/∂a = g·b
 * console.log(y.toString(), a.grad?.toString());
 * ```
 * ```text
 * tensor([4, 10, 18], dtype=float64, gradFn=<mul>) tensor([4, 5, 6], dtype=float64)
 * ```
 */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("mul", BinaryOp.Mul, a, b, (g, x, y) => [x.requiresGrad ? mul(g, y) : null, y.requiresGrad ? mul(g, x) : null]);
}

/**
 * a / b elementwise, with broadcasting; ∂/∂a = g/b, ∂/∂b = −g·a/b².
 *
 * @example
 * ```ts
 * import { div, tensor } from "actigrad";
 * const b = tensor([2, 4], { requiresGrad: true });
 * const y = div(1, b);
 * y.sum().backward(); // ∂/∂b = −g·a/b² = −1/b²
 * console.log(y.toString(), b.grad?.toString());
 * ```
 * ```text
 * tensor([0.5, 0.25], dtype=float64, gradFn=<div>) tensor([-0.25, -0.0625], dtype=float64)
 * ```
 */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("div", BinaryOp.Div, a, b, (g, x, y, out) => [
    x.requiresGrad ? div(g, y) : null,
    y.requiresGrad ? neg(div(mul(g, out), y)) : null,
  ]);
}

/**
 * The larger of a and b, elementwise with broadcasting (NaN if either is NaN), PyTorch's
 * `maximum`. The gradient goes to the larger one; a tie splits it half and half, as PyTorch:
 * ∂/∂a = g·([a > b] + ½[a = b]), ∂/∂b = g·([b > a] + ½[a = b]).
 *
 * @example
 * ```ts
 * import { maximum, tensor } from "actigrad";
 * const a = tensor([1, 5, 3], { requiresGrad: true });
 * const y = maximum(a, 3);
 * y.sum().backward(); // 1 where a is larger, ½ at the tie
 * console.log(y.toString(), a.grad?.toString());
 * ```
 * ```text
 * tensor([3, 5, 3], dtype=float64, gradFn=<maximum>) tensor([0, 1, 0.5], dtype=float64)
 * ```
 */
export function maximum(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("maximum", BinaryOp.Max, a, b, (g, x, y) => [
    x.requiresGrad ? mul(g, tieWeight("maximum", x, y)) : null,
    y.requiresGrad ? mul(g, tieWeight("maximum", y, x)) : null,
  ]);
}

/**
 * The smaller of a and b, elementwise with broadcasting (NaN if either is NaN); ties split the gradient, as `maximum`:
 * ∂/∂a = g·([a < b] + ½[a = b]), ∂/∂b = g·([b < a] + ½[a = b]).
 *
 * @example
 * ```ts
 * import { minimum, tensor } from "actigrad";
 * console.log(minimum(tensor([1, 5, -3]), tensor([2, 2, 2])).toString());
 * console.log(minimum(tensor([[1], [4]]), tensor([2, 3])).toString()); // broadcast to [2, 2]
 * ```
 * ```text
 * tensor([1, 2, -3], dtype=float64)
 * tensor([[1, 1], [2, 3]], dtype=float64)
 * ```
 */
export function minimum(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("minimum", BinaryOp.Min, a, b, (g, x, y) => [
    x.requiresGrad ? mul(g, tieWeight("minimum", x, y)) : null,
    y.requiresGrad ? mul(g, tieWeight("minimum", y, x)) : null,
  ]);
}

/**
 * ∂maximum(a, b)/∂a in the broadcast shape: 1 where a is the larger, ½ at a tie, 0 where b is
 * (and 1 where either is NaN, as PyTorch); for "minimum", 1 where a is the smaller. Piecewise
 * constant, so it is recorded with a and b as inputs of zero derivative (as `sign` is): a
 * gradient built from it differentiates again, to zeros. The local derivative for the
 * teaching tools: `tieWeight(op, a, b)` for a, `tieWeight(op, b, a)` for b.
 *
 * @example
 * ```ts
 * import { tensor, tieWeight } from "actigrad";
 * const a = tensor([1, 2, 3]), b = tensor([2, 2, 2]);
 * console.log(tieWeight("maximum", a, b).toString()); // ∂maximum(a, b)/∂a
 * console.log(tieWeight("minimum", a, b).toString()); // ∂minimum(a, b)/∂a
 * ```
 * ```text
 * tensor([0, 0.5, 1], dtype=float64)
 * tensor([1, 0.5, 0], dtype=float64)
 * ```
 */
export function tieWeight(op: "maximum" | "minimum", a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, op);
  const w = new Tensor(allocValues(promote(a.dtype, b.dtype), sizeOf(shape)), shape);
  binaryKernel(op === "maximum" ? BinaryOp.MaxWeight : BinaryOp.MinWeight, a.data, a.shape, b.data, b.shape, w.data, shape);
  return record(w, `${op}Weight`, [a, b], () => [null, null]);
}

/**
 * −x; its rule is d(−x) = −g.
 *
 * @example
 * ```ts
 * import { neg, tensor } from "actigrad";
 * console.log(neg(tensor([1, -2.5])).toString());
 * ```
 * ```text
 * tensor([-1, 2.5], dtype=float64)
 * ```
 */
export function neg(x: Tensor): Tensor {
  expectTensor(x, "neg");
  const out = new Tensor(allocValues(x.dtype, x.size), x.shape);
  const a = x.data,
    o = out.data;
  for (let i = 0; i < a.length; i++) o[i] = -a[i];
  return record(out, "neg", [x], (g) => [neg(g)]);
}

/**
 * Repeats `x` along broadcast axes to `shape` (NumPy rules). Adjoint of `sumToShape`: its
 * gradient is sumToShape(g, x.shape).
 *
 * @example
 * ```ts
 * import { broadcastTo, tensor } from "actigrad";
 * const b = tensor([1, 2, 3], { requiresGrad: true });
 * const y = broadcastTo(b, [2, 3]);
 * y.sum().backward(); // the gradient is summed back: sumToShape(g, [3])
 * console.log(y.toString(), b.grad?.toString());
 * ```
 * ```text
 * tensor([[1, 2, 3], [1, 2, 3]], dtype=float64, gradFn=<broadcastTo>) tensor([2, 2, 2], dtype=float64)
 * ```
 */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  expectTensor(x, "broadcastTo");
  const target = checkShape(shape as number[], "broadcastTo");
  if (sameShape(x.shape, target)) return x;
  if (!broadcastsTo(x.shape, target)) {
    throw new RangeError(`broadcastTo: shape ${fmt(x.shape)} cannot be broadcast to ${fmt(target)}`);
  }
  const out = new Tensor(allocValues(x.dtype, sizeOf(target)), target);
  broadcastKernel(x.data, padShape(x.shape, target.length), out.data, target);
  return record(out, "broadcastTo", [x], (g) => [sumToShape(g, x.shape)]);
}

/**
 * Sums `x` down to `shape`, which `shape` broadcasts to `x.shape`: over the leading axes it
 * lacks and the axes where it has 1. This is how every gradient undoes broadcasting. Adjoint of
 * `broadcastTo`: its gradient is broadcastTo(g, x.shape).
 *
 * @example
 * ```ts
 * import { sumToShape, tensor } from "actigrad";
 * const g = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(sumToShape(g, [3]).toString()); // the leading axis summed away
 * console.log(sumToShape(g, [2, 1]).toString()); // the size-1 axis summed, kept
 * ```
 * ```text
 * tensor([5, 7, 9], dtype=float64)
 * tensor([[6], [15]], dtype=float64)
 * ```
 */
export function sumToShape(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  if (!broadcastsTo(shape, x.shape)) {
    throw new RangeError(`sumToShape: shape ${fmt(x.shape)} cannot be summed to ${fmt(shape)}`);
  }
  const target = shape.slice();
  const out = new Tensor(allocValues(x.dtype, sizeOf(target)), target);
  sumToShapeKernel(x.data, x.shape, out.data, padShape(target, x.shape.length));
  return record(out, "sumToShape", [x], (g) => [broadcastTo(g, x.shape)]);
}

/**
 * The same values in another dtype; between float dtypes the gradient is cast back. To
 * "int32" (indices): every value must be an integer in int32's range — anything else is a
 * RangeError naming the first such value, never silently truncated (PyTorch truncates toward
 * 0) — and the result has no gradient. From int32 every value is exact in float64 (and in
 * float32 up to 2^24).
 *
 * @example
 * ```ts
 * import { cast, tensor } from "actigrad";
 * const i = cast(tensor([0, 2, 1]), "int32"); // indices; cast(tensor([0.5]), "int32") throws
 * console.log(i.toString(), cast(i, "float32").toString());
 * ```
 * ```text
 * tensor([0, 2, 1], dtype=int32) tensor([0, 2, 1], dtype=float32)
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor(x, "cast");
  checkAnyDtype(dtype, "cast");
  if (x.dtype === dtype) return x;
  const src = x.data;
  if (dtype === "int32") return new Tensor(toInt32(src, "cast", fmt(x.shape)), x.shape);
  const data = allocValues(dtype, x.size);
  data.set(src);
  const from = x.dtype;
  return record(new Tensor(data, x.shape), "cast", [x], (g) => [cast(g, from)]);
}
