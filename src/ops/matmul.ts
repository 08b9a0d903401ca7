/**
 * Matrix product, 2-d and batched (leading axes broadcast, as in NumPy), and 1-d vectors
 * treated as a row (left) or a column (right) that is dropped again from the result.
 *
 *   C = A·B:   ∂L/∂A = G·Bᵀ,   ∂L/∂B = Aᵀ·G     (each summed over broadcast batch axes)
 */
import { matmulKernel } from "../kernels/matmul.js";
import { alloc, promote } from "../tensor/dtype.js";
import { record } from "../tensor/graph.js";
import { broadcastShapes, fmt, padShape, sizeOf, stridesOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { expectTensor, sumToShape } from "./arithmetic.js";
import { reshape, transpose } from "./shape.js";

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
  return mm(a, b);
}

/** The ≥2-d case: batch axes broadcast, then one kernel call per matrix pair. */
function mm(a: Tensor, b: Tensor): Tensor {
  const [n, k] = a.shape.slice(-2);
  const m = b.shape[b.ndim - 1];
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), "matmul");
  const out = new Tensor(alloc(promote(a.dtype, b.dtype), sizeOf(batch) * n * m), [...batch, n, m]);
  const count = sizeOf(batch);
  if (count === 1) {
    matmulKernel(a.data, 0, b.data, 0, out.data, 0, n, k, m);
  } else {
    const pa = padShape(a.shape.slice(0, -2), batch.length);
    const pb = padShape(b.shape.slice(0, -2), batch.length);
    const sa = stridesOf(pa), sb = stridesOf(pb);
    for (let t = 0; t < count; t++) {
      // Offsets of batch element t in a and b, with broadcast axes pinned to 0.
      let rem = t, ia = 0, ib = 0;
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
