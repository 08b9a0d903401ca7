/**
 * Comparisons and selection, elementwise with NumPy broadcasting. Comparisons: `gt ge lt le eq ne` give 1 where the
 * relation holds and 0 where it does not (a NaN compares false, except `ne`), as a tensor of
 * the inputs' dtype. They have no gradient: a 0/1 mask is flat wherever it is defined. Rules
 * use them as masks ([x > 0]).
 *
 *   tensor([-1, 0, 2]).gt(0)   // [0, 0, 1]
 */
import { BinaryOp, binaryKernel } from "../kernels/binary.js";
import { broadcastKernel } from "../kernels/reduce.js";
import { type FloatArray, promote } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { broadcastShapes, padShape, sameShape, sizeOf } from "../memory/shape.js";
import { record } from "../tensor/graph.js";
import { Tensor } from "../tensor/tensor.js";
import { asTensor, expectTensor, sumToShape } from "./arithmetic.js";

function comparison(op: string, kind: BinaryOp, a: Tensor | number, b: Tensor | number): Tensor {
  const dt = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : "float64";
  const ta = asTensor(a, dt, op);
  const tb = asTensor(b, dt, op);
  const shape = sameShape(ta.shape, tb.shape) ? ta.shape : broadcastShapes(ta.shape, tb.shape, op);
  const out = new Tensor(allocValues(promote(ta.dtype, tb.dtype), sizeOf(shape)), shape);
  binaryKernel(kind, ta.data, ta.shape, tb.data, tb.shape, out.data, shape);
  return out;
}

/**
 * 1 where a > b, 0 elsewhere: the mask [a > b], with no gradient.
 *
 * @example
 * ```ts
 * import { gt, tensor } from "actigrad";
 * console.log(gt(tensor([-1, 0, 2]), 0).toString());
 * ```
 * ```text
 * tensor([0, 0, 1], dtype=float64)
 * ```
 */
export const gt = (a: Tensor | number, b: Tensor | number): Tensor => comparison("gt", BinaryOp.Gt, a, b);
/**
 * 1 where a ≥ b, 0 elsewhere: the mask [a ≥ b], with no gradient.
 *
 * @example
 * ```ts
 * import { ge, tensor } from "actigrad";
 * console.log(ge(tensor([-1, 0, 2]), 0).toString());
 * ```
 * ```text
 * tensor([0, 1, 1], dtype=float64)
 * ```
 */
export const ge = (a: Tensor | number, b: Tensor | number): Tensor => comparison("ge", BinaryOp.Ge, a, b);
/**
 * 1 where a < b, 0 elsewhere: the mask [a < b], with no gradient.
 *
 * @example
 * ```ts
 * import { lt, tensor } from "actigrad";
 * console.log(lt(tensor([-1, 0, 2]), tensor([0, 0, 3])).toString());
 * ```
 * ```text
 * tensor([1, 0, 1], dtype=float64)
 * ```
 */
export const lt = (a: Tensor | number, b: Tensor | number): Tensor => comparison("lt", BinaryOp.Lt, a, b);
/**
 * 1 where a ≤ b, 0 elsewhere: the mask [a ≤ b], with no gradient.
 *
 * @example
 * ```ts
 * import { le, tensor } from "actigrad";
 * console.log(le(tensor([-1, 0, 2]), 0).toString());
 * ```
 * ```text
 * tensor([1, 1, 0], dtype=float64)
 * ```
 */
export const le = (a: Tensor | number, b: Tensor | number): Tensor => comparison("le", BinaryOp.Le, a, b);
/**
 * 1 where a = b, 0 elsewhere: the mask [a = b], with no gradient.
 *
 * @example
 * ```ts
 * import { eq, tensor } from "actigrad";
 * console.log(eq(tensor([1, 2, NaN]), tensor([1, 3, NaN])).toString()); // NaN ≠ NaN
 * ```
 * ```text
 * tensor([1, 0, 0], dtype=float64)
 * ```
 */
export const eq = (a: Tensor | number, b: Tensor | number): Tensor => comparison("eq", BinaryOp.Eq, a, b);
/**
 * 1 where a ≠ b, 0 elsewhere: the mask [a ≠ b], with no gradient.
 *
 * @example
 * ```ts
 * import { ne, tensor } from "actigrad";
 * console.log(ne(tensor([1, 2, NaN]), tensor([1, 3, NaN])).toString());
 * ```
 * ```text
 * tensor([0, 1, 1], dtype=float64)
 * ```
 */
export const ne = (a: Tensor | number, b: Tensor | number): Tensor => comparison("ne", BinaryOp.Ne, a, b);

/** `v` as a full array of `shape` (itself when it already has that shape). */
function spread(v: Tensor, shape: readonly number[]): FloatArray {
  if (sameShape(v.shape, shape)) return v.data;
  const out = allocValues(v.dtype, sizeOf(shape));
  broadcastKernel(v.data, padShape(v.shape, shape.length), out, shape);
  return out;
}

/**
 * where(cond, a, b): a where cond ≠ 0, else b, elementwise with broadcasting of all three. The
 * gradient goes to a where cond holds and to b elsewhere; cond gets none (it is recorded as an
 * input with zero derivative, so a rule written with where(step(x), …) stays differentiable).
 *
 *   where(x.gt(0), x, 0)   // max(x, 0)
 *
 * @example
 * ```ts
 * import { gt, tensor, where } from "actigrad";
 * const x = tensor([-1, 0.5, 2], { requiresGrad: true });
 * const y = where(gt(x, 0), x, 0); // max(x, 0)
 * y.sum().backward();
 * console.log(y.toString(), x.grad?.toString());
 * ```
 * ```text
 * tensor([0, 0.5, 2], dtype=float64, gradFn=<where>) tensor([0, 1, 1], dtype=float64)
 * ```
 */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  expectTensor(cond, "where", "the condition");
  const dt = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : cond.dtype;
  const ta = asTensor(a, dt, "where");
  const tb = asTensor(b, dt, "where");
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, "where"), tb.shape, "where");
  const c = spread(cond, shape),
    va = spread(ta, shape),
    vb = spread(tb, shape);
  const out = new Tensor(allocValues(promote(ta.dtype, tb.dtype), sizeOf(shape)), shape);
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = c[i] !== 0 ? va[i] : vb[i];
  return record(out, "where", [cond, ta, tb], (g) => [
    null,
    ta.requiresGrad ? sumToShape(where(cond, g, 0), ta.shape) : null,
    tb.requiresGrad ? sumToShape(where(cond, 0, g), tb.shape) : null,
  ]);
}
