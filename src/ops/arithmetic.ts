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

/** a + b elementwise, with broadcasting; ∂/∂a = g, ∂/∂b = g (summed back to each shape). */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("add", BinaryOp.Add, a, b, (g, x, y) => [x.requiresGrad ? g : null, y.requiresGrad ? g : null]);
}

/** a − b elementwise, with broadcasting; ∂/∂a = g, ∂/∂b = −g. */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("sub", BinaryOp.Sub, a, b, (g, x, y) => [x.requiresGrad ? g : null, y.requiresGrad ? neg(g) : null]);
}

/** a · b elementwise, with broadcasting; ∂/∂a = g·b, ∂/∂b = g·a. */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("mul", BinaryOp.Mul, a, b, (g, x, y) => [x.requiresGrad ? mul(g, y) : null, y.requiresGrad ? mul(g, x) : null]);
}

/** a / b elementwise, with broadcasting; ∂/∂a = g/b, ∂/∂b = −g·a/b². */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("div", BinaryOp.Div, a, b, (g, x, y, out) => [
    x.requiresGrad ? div(g, y) : null,
    y.requiresGrad ? neg(div(mul(g, out), y)) : null,
  ]);
}

/**
 * The larger of a and b, elementwise with broadcasting (NaN if either is NaN), PyTorch's
 * `maximum`. The gradient goes to the larger one; a tie splits it half and half, as PyTorch.
 */
export function maximum(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("maximum", BinaryOp.Max, a, b, (g, x, y) => [
    x.requiresGrad ? mul(g, tieWeight("maximum", x, y)) : null,
    y.requiresGrad ? mul(g, tieWeight("maximum", y, x)) : null,
  ]);
}

/** The smaller of a and b, elementwise with broadcasting (NaN if either is NaN); ties split the gradient, as `maximum`. */
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
 */
export function tieWeight(op: "maximum" | "minimum", a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, op);
  const w = new Tensor(allocValues(promote(a.dtype, b.dtype), sizeOf(shape)), shape);
  binaryKernel(op === "maximum" ? BinaryOp.MaxWeight : BinaryOp.MinWeight, a.data, a.shape, b.data, b.shape, w.data, shape);
  return record(w, `${op}Weight`, [a, b], () => [null, null]);
}

/** −x; its rule is d(−x) = −g. */
export function neg(x: Tensor): Tensor {
  expectTensor(x, "neg");
  const out = new Tensor(allocValues(x.dtype, x.size), x.shape);
  const a = x.data,
    o = out.data;
  for (let i = 0; i < a.length; i++) o[i] = -a[i];
  return record(out, "neg", [x], (g) => [neg(g)]);
}

/** Repeats `x` along broadcast axes to `shape` (NumPy rules). Adjoint of `sumToShape`. */
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
 * lacks and the axes where it has 1. This is how every gradient undoes broadcasting.
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
