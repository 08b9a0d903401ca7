/**
 * `jacobian(fn, x)`: the full matrix of partial derivatives ∂fn(x)_i/∂x_j, by autograd.
 *
 * Reverse mode gives one row per sweep: seeding the backward with the one-hot gradient e_i
 * returns ∂y_i/∂x for every j at once. So the Jacobian costs one `grad` call per output
 * element; the graph is built once and swept again each time.
 *
 *   const J = jacobian((a) => a.exp().div(a.exp().sum()), tensor([1, 2, 3]));
 *   // J[i][j] = S_i(δ_ij − S_j), S = e^a / Σ e^a: shape [3, 3]
 *
 * The result has shape [...y.shape, ...x.shape]. No `.grad` is touched. If `x` needs no
 * gradient, `fn` receives a fresh leaf with the same values; if it does, `fn` gets `x` itself,
 * so with `createGraph` the Jacobian stays differentiable in x — a Jacobian of it is a Hessian:
 *
 *   jacobian((t) => jacobian((u) => u.pow(3).sum(), t, { createGraph: true }), x)   // diag(6x)
 */
import { grad } from "../tensor/autograd.js";
import { zeros } from "../tensor/create.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Options of `jacobian`.
 *
 * @example
 * ```ts
 * import { jacobian, tensor, type JacobianOptions } from "actigrad";
 * const opts: JacobianOptions = { createGraph: true }; // keep the gradient differentiable
 * const hessian = jacobian((t) => jacobian((u) => u.pow(3).sum(), t, opts), tensor([1, 2]));
 * console.log(hessian.toString()); // diag(6x)
 * ```
 * ```text
 * tensor([[6, 0], [0, 12]], dtype=float64)
 * ```
 */
export interface JacobianOptions {
  /** Keep the Jacobian differentiable (for Hessians); each row then has its own graph. */
  createGraph?: boolean;
}

/**
 * The Jacobian J[i, j] = ∂fn(x)ᵢ / ∂xⱼ, one backward sweep per output element (shape: out.shape then x.shape).
 *
 * @example
 * ```ts
 * import { jacobian, tensor } from "actigrad";
 * const J = jacobian((x) => x.softmax(), tensor([0, 0]));
 * console.log(J.toString()); // S_i(δ_ij − S_j)
 * ```
 * ```text
 * tensor([[0.25, -0.25], [-0.25, 0.25]], dtype=float64)
 * ```
 */
export function jacobian(fn: (x: Tensor) => Tensor, x: Tensor, opts: JacobianOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`jacobian: x must be a Tensor, got ${x === null ? "null" : typeof x}`);
  const leaf = x.requiresGrad ? x : new Tensor(x.data.slice(), x.shape, true);
  const y = fn(leaf);
  if (!(y instanceof Tensor)) throw new TypeError(`jacobian: fn must return a Tensor, got ${y === null ? "null" : typeof y}`);
  const J = zeros([...y.shape, ...x.shape], { dtype: y.dtype });
  if (!y.requiresGrad) return J; // fn(x) does not depend on x
  const rows: Tensor[] = [];
  for (let i = 0; i < y.size; i++) {
    const seed = zeros(y.shape, { dtype: y.dtype }); // a fresh one each time: a createGraph row keeps it
    seed.data[i] = 1;
    const [row] = grad(y, [leaf], { gradOutputs: [seed], createGraph: opts.createGraph ?? false });
    if (opts.createGraph) rows.push(row);
    else J.data.set(row.data, i * x.size);
  }
  if (opts.createGraph) {
    // Stack the rows as a differentiable tensor: reshape each to [1, n] and add into place.
    return rows
      .reduce(
        (acc, r, i) => {
          const onehot = zeros([y.size, 1], { dtype: y.dtype });
          onehot.data[i] = 1;
          return acc.add(onehot.matmul(r.reshape([1, x.size])));
        },
        zeros([y.size, x.size], { dtype: y.dtype }),
      )
      .reshape([...y.shape, ...x.shape]);
  }
  return J;
}
