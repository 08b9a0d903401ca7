/**
 * Matrix product, 2-d and batched (leading axes broadcast, as in NumPy), and 1-d vectors
 * treated as a row (left) or a column (right) that is dropped again from the result.
 *
 *   C = A·B:   ∂L/∂A = G·Bᵀ,   ∂L/∂B = Aᵀ·G     (each summed over broadcast batch axes)
 */
import { matmulKernel } from "../kernels/matmul.js";
import { promote } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { record } from "../tensor/graph.js";
import { broadcastShapes, fmt, padShape, sizeOf, stridesOf } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { add, expectTensor, sumToShape } from "./arithmetic.js";
import { reshape, transpose } from "./shape.js";

/**
 * The matrix product A·B (batched over leading axes, 1-d operands as vectors); ∂/∂A = G·Bᵀ, ∂/∂B = Aᵀ·G.
 *
 * @example
 * ```ts
 * import { matmul, tensor } from "actigrad";
 * const A = tensor([[1, 2], [3, 4]]);
 * console.log(matmul(A, tensor([[5, 6], [7, 8]])).toString());
 * console.log(matmul(A, tensor([1, -1])).toString()); // matrix · vector
 * ```
 * ```text
 * tensor([[19, 22], [43, 50]], dtype=float64)
 * tensor([-1, -1], dtype=float64)
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor(a, "matmul", "the first argument");
  expectTensor(b, "matmul", "the second argument");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)}: both need at least 1 axis`);
  }
  const k1 = a.shape[a.ndim - 1];
  const k2 = b.shape[b.ndim === 1 ? 0 : b.ndim - 2];
  if (k1 !== k2) {
    throw new RangeError(`matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not align (${k1} != ${k2})`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  try {
    broadcastShapes(batchA, batchB, "matmul");
  } catch {
    throw new RangeError(
      `matmul: shapes ${fmt(a.shape)} and ${fmt(b.shape)}: batch axes ${fmt(batchA)} and ${fmt(batchB)} cannot be broadcast together`,
    );
  }
  if (a.ndim === 1 && b.ndim === 1) return reshape(mm(reshape(a, [1, k1]), reshape(b, [k1, 1])), []);
  if (a.ndim === 1) {
    const out = mm(reshape(a, [1, k1]), b);
    return reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]]);
  }
  if (b.ndim === 1) return reshape(mm(a, reshape(b, [k2, 1])), [...a.shape.slice(0, -1)]);
  return a.ndim === 2 && b.ndim === 2 ? mm2(a, b, false, false) : mm(a, b);
}

/**
 * The 2-d product op(A)·op(B), where op transposes A (stored k×n) if `ta` and B (stored m×k)
 * if `tb` — read in place by the kernel, so no transpose is ever copied. The rules stay in this
 * family: for C = A·B, ∂A = G·Bᵀ and ∂B = Aᵀ·G; the transposed cases follow by transposing those.
 */
function mm2(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  const [n, k] = ta ? [a.shape[1], a.shape[0]] : a.shape;
  const m = tb ? b.shape[0] : b.shape[1];
  const out = new Tensor(allocValues(promote(a.dtype, b.dtype), n * m), [n, m]);
  matmulKernel(a.data, 0, b.data, 0, out.data, 0, n, k, m, ta, tb);
  return record(
    out,
    "matmul",
    [a, b],
    (g) => [
      // ∂op(A) = G·op(B)ᵀ, stored as A is: transposed back when ta.
      a.requiresGrad ? (ta ? mm2(b, g, tb, true) : mm2(g, b, false, !tb)) : null,
      // ∂op(B) = op(A)ᵀ·G, stored as B is: transposed back when tb.
      b.requiresGrad ? (tb ? mm2(g, a, true, ta) : mm2(a, g, !ta, false)) : null,
    ],
    ta || tb ? { transposeA: ta, transposeB: tb } : undefined,
  );
}

/**
 * A fully connected layer, y = x·Wᵀ + b, with W of shape [out, in] (PyTorch's layout) read in
 * place, and x of shape [..., in]. With G = ∂L/∂y: ∂/∂x = G·W, ∂/∂W = Gᵀ·x, ∂/∂b = Σ G over the batch.
 *
 * @example
 * ```ts
 * import { linear, tensor } from "actigrad";
 * const x = tensor([[1, 2, 3]]); // [batch, in]
 * const W = tensor([[1, 0, -1], [0.5, 0.5, 0.5]]); // [out, in]
 * console.log(linear(x, W, tensor([0.1, -0.1])).toString());
 * ```
 * ```text
 * tensor([[-1.9, 2.9]], dtype=float64)
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  expectTensor(x, "linear");
  expectTensor(weight, "linear", "the weight");
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new RangeError(
      `linear: input of shape ${fmt(x.shape)} does not fit a weight of shape ${fmt(weight.shape)} (expected [..., ${weight.shape[1]}])`,
    );
  }
  if (bias !== undefined && bias !== null) {
    expectTensor(bias, "linear", "the bias");
    if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
      throw new RangeError(
        `linear: bias of shape ${fmt(bias.shape)} does not fit input ${fmt(x.shape)} and weight ${fmt(weight.shape)} ` +
          `(expected a bias of shape [${weight.shape[0]}], one value per output feature)`,
      );
    }
  }
  const x2 = x.ndim === 2 ? x : reshape(x, [-1, weight.shape[1]]);
  let y = mm2(x2, weight, false, true);
  if (bias) y = add(y, bias);
  return x.ndim === 2 ? y : reshape(y, [...x.shape.slice(0, -1), weight.shape[0]]);
}

/** The ≥2-d case: batch axes broadcast, then one kernel call per matrix pair. */
function mm(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape.slice(-2);
  const m = b.shape[b.ndim - 1];
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), "matmul");
  const out = new Tensor(allocValues(promote(a.dtype, b.dtype), sizeOf(batch) * n * m), [...batch, n, m]);
  const count = sizeOf(batch);
  if (count === 1) {
    matmulKernel(a.data, 0, b.data, 0, out.data, 0, n, k, m);
  } else {
    const pa = padShape(a.shape.slice(0, -2), batch.length);
    const pb = padShape(b.shape.slice(0, -2), batch.length);
    const sa = stridesOf(pa),
      sb = stridesOf(pb);
    for (let t = 0; t < count; t++) {
      // Offsets of batch element t in a and b, with broadcast axes pinned to 0.
      let rem = t,
        ia = 0,
        ib = 0;
      for (let d = batch.length - 1; d >= 0; d--) {
        const i = rem % batch[d];
        rem = (rem - i) / batch[d];
        if (pa[d] !== 1) ia += i * sa[d];
        if (pb[d] !== 1) ib += i * sb[d];
      }
      matmulKernel(a.data, ia * n * k, b.data, ib * k * m, out.data, t * n * m, n, k, m);
    }
  }
  return record(out, "matmul", [a, b], (g) => [
    a.requiresGrad ? sumToShape(mm(g, transpose(b)), a.shape) : null,
    b.requiresGrad ? sumToShape(mm(transpose(a), g), b.shape) : null,
  ]);
}
