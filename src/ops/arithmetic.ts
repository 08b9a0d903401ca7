/**
 * Elementwise arithmetic with NumPy broadcasting, and the pair of ops that broadcasting
 * rests on: `broadcastTo` and its adjoint `sumToShape`. Every binary rule hands its gradient
 * to `sumToShape(g, input.shape)` — the one place where broadcasting is undone.
 *
 *   d(a + b) = g, g      d(a − b) = g, −g      d(a · b) = g·b, g·a      d(a / b) = g/b, −g·(a/b)/b
 */
import { BinaryOp, binaryKernel } from "../kernels/binary.js";
import { broadcastKernel, sumToShapeKernel } from "../kernels/reduce.js";
import type { DType } from "../memory/dtype.js";
import { checkDtype, promote } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import type { Shape } from "../memory/shape.js";
import { broadcastShapes, broadcastsTo, checkShape, fmt, padShape, sameShape, sizeOf } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** A Tensor, or a number turned into a 0-d constant of `dtype`. */
export function asTensor(x: Tensor | number, dtype: DType, op: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") {
    const data = allocValues(dtype, 1);
    data[0] = x;
    return new Tensor(data, []);
  }
  throw new TypeError(`${op}: expected a Tensor or a number, got ${x === null ? "null" : typeof x}`);
}

/** Checks that `x` is a Tensor, naming the op and argument otherwise. */
export function expectTensor(x: unknown, op: string, what = "input"): Tensor {
  if (!(x instanceof Tensor)) {
    throw new TypeError(`${op}: ${what} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  }
  return x;
}

function binary(
  op: string,
  kind: BinaryOp,
  a: Tensor | number,
  b: Tensor | number,
  rule: (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null],
): Tensor {
  const dt = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : "float64";
  const ta = asTensor(a, dt, op);
  const tb = asTensor(b, dt, op);
  const shape = sameShape(ta.shape, tb.shape) ? ta.shape : broadcastShapes(ta.shape, tb.shape, op);
  const out = new Tensor(allocValues(promote(ta.dtype, tb.dtype), sizeOf(shape)), shape);
  binaryKernel(kind, ta.data, ta.shape, tb.data, tb.shape, out.data, shape);
  return record(out, op, [ta, tb], (g) => {
    const [ga, gb] = rule(g, ta, tb, out);
    return [ga && sumToShape(ga, ta.shape), gb && sumToShape(gb, tb.shape)];
  });
}

export function add(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("add", BinaryOp.Add, a, b, (g, x, y) => [x.requiresGrad ? g : null, y.requiresGrad ? g : null]);
}

export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("sub", BinaryOp.Sub, a, b, (g, x, y) => [x.requiresGrad ? g : null, y.requiresGrad ? neg(g) : null]);
}

export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("mul", BinaryOp.Mul, a, b, (g, x, y) => [x.requiresGrad ? mul(g, y) : null, y.requiresGrad ? mul(g, x) : null]);
}

export function div(a: Tensor | number, b: Tensor | number): Tensor {
  return binary("div", BinaryOp.Div, a, b, (g, x, y, out) => [
    x.requiresGrad ? div(g, y) : null,
    y.requiresGrad ? neg(div(mul(g, out), y)) : null,
  ]);
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

/** The same values in another dtype; the gradient is cast back. */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor(x, "cast");
  checkDtype(dtype, "cast");
  if (x.dtype === dtype) return x;
  const data = allocValues(dtype, x.size);
  data.set(x.data);
  const from = x.dtype;
  return record(new Tensor(data, x.shape), "cast", [x], (g) => [cast(g, from)]);
}
