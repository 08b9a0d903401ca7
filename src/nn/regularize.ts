/**
 * Layers that reshape, select or regularize (issue 14): `Dropout`, `Flatten`, `Embedding`, with
 * PyTorch's semantics and reprs. Their forwards are the functional forms (src/ops/norm.ts) and
 * the tensor ops, so gradients — and gradients of gradients — come from the ops' rules.
 *
 *   new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(128, 10))
 *   new nn.Embedding(1000, 16).forward([[4, 2], [7, 7]])    // shape [2, 2, 16]
 */
import { alloc, type DType, getDefaultDtype } from "../memory/dtype.js";
import { fmt } from "../memory/shape.js";
import { dropout, type EmbeddingIndices, embedding } from "../ops/norm.js";
import { flatten } from "../ops/shape.js";
import { globalRng } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { describe, pyFloat, relabel } from "./checks.js";
import { Module } from "./module.js";

// ---------------------------------------------------------------------------------------------
// Dropout

/**
 * Dropout(p = 0.5): in `train()` mode zeroes each element with probability p and scales the
 * rest by 1/(1 − p) (inverted dropout, PyTorch's); in `eval()` mode the identity. The masks come
 * from the global generator, so after `manualSeed(n)` a newly made model draws the same masks.
 * No parameters. Repr: `Dropout(p=0.5)`.
 * y = x ⊙ m / (1 − p), m ~ Bernoulli(1 − p) per element, in training; y = x in eval.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, ones } from "actigrad";
 * manualSeed(0);
 * const drop = new nn.Dropout(0.5);
 * console.log(drop.forward(ones([6])).toString()); // kept values scaled by 1 / (1 − p) = 2
 * drop.eval();
 * console.log(drop.forward(ones([6])).toString());
 * ```
 * ```text
 * tensor([2, 0, 0, 2, 0, 2], dtype=float64)
 * tensor([1, 1, 1, 1, 1, 1], dtype=float64)
 * ```
 */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (typeof p !== "number") throw new TypeError(`Dropout: p must be a number in [0, 1], got ${describe(p)}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Dropout: dropout probability has to be between 0 and 1, but got p = ${p}`);
    this.p = p;
  }

  /** In training, zeroes each value with probability p and scales the rest by 1/(1 − p); in eval, x unchanged. */
  forward(x: Tensor): Tensor {
    try {
      return dropout(x, this.p, this.training);
    } catch (e) {
      throw relabel(e, "dropout", String(this));
    }
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Flatten

/**
 * Flatten(startDim = 1, endDim = -1): merges the axes startDim … endDim into one (PyTorch's
 * nn.Flatten, which keeps the batch axis; the tensor method `flatten()` starts at 0). A view;
 * the gradient is reshaped back. Repr: `Flatten(start_dim=1, end_dim=-1)`.
 *
 * @example
 * ```ts
 * import { nn, zeros } from "actigrad";
 * const flat = new nn.Flatten();
 * console.log(String(flat), flat.forward(zeros([2, 3, 4, 4])).shape);
 * ```
 * ```text
 * Flatten(start_dim=1, end_dim=-1) [ 2, 48 ]
 * ```
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    for (const [k, v] of [
      ["startDim", startDim],
      ["endDim", endDim],
    ] as const) {
      if (typeof v !== "number" || !Number.isInteger(v))
        throw new TypeError(`Flatten: ${k} must be an integer, got ${describe(v)}`);
    }
  }

  /** x reshaped to [N, rest]: every axis after the first merged into one. */
  forward(x: Tensor): Tensor {
    const name = String(this);
    if (!(x instanceof Tensor)) throw new TypeError(`${name}: input must be a Tensor, got ${describe(x)}`);
    const rank = Math.max(x.ndim, 1);
    for (const a of [this.startDim, this.endDim]) {
      if (a < -rank || a >= rank) {
        throw new RangeError(
          `${name}: axis ${a} is out of range for input of shape ${fmt(x.shape)} (rank ${x.ndim}; expected axes ${-rank} to ${rank - 1})`,
        );
      }
    }
    try {
      return flatten(x, this.startDim, this.endDim);
    } catch (e) {
      throw relabel(e, "flatten", name);
    }
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Embedding

/**
 * Options of `Embedding`: the dtype of the table.
 *
 * @example
 * ```ts
 * import { nn } from "actigrad";
 * const opts: nn.EmbeddingOptions = { dtype: "float32" };
 * const emb = new nn.Embedding(100, 8, opts);
 * console.log(emb.weight.dtype, emb.weight.shape);
 * ```
 * ```text
 * float32 [ 100, 8 ]
 * ```
 */
export interface EmbeddingOptions {
  /** The dtype of the table (default: `getDefaultDtype()`). */
  dtype?: DType;
}

/**
 * Embedding(num, dim): a table of `num` vectors of size `dim`, the parameter `weight` of shape
 * [num, dim], drawn from N(0, 1) as PyTorch does. `forward(indices)` — integers as (nested)
 * arrays, an Int32Array or a Tensor of integer values, of any shape — gives
 * [...indices' shape, dim]; an index outside [0, num) is a RangeError. The gradient adds each
 * position's upstream into its row of weight, so a repeated index accumulates.
 * Repr: `Embedding(10, 4)`. y[i…] = weight[indices[i…]].
 *
 * @example
 * ```ts
 * import { manualSeed, nn } from "actigrad";
 * manualSeed(0);
 * const emb = new nn.Embedding(10, 3);
 * const y = emb.forward([[4, 2], [7, 7]]);
 * console.log(String(emb), y.shape, y.select(0, 1).toString());
 * ```
 * ```text
 * Embedding(10, 3) [ 2, 2, 3 ] tensor([[-1.4338,  0.0718,  0.1215],
 *         [-1.4338,  0.0718,  0.1215]], dtype=float64, gradFn=<select>)
 * ```
 */
export class Embedding extends Module {
  weight: Tensor;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    opts: EmbeddingOptions = {},
  ) {
    super();
    for (const [k, v] of [
      ["numEmbeddings", numEmbeddings],
      ["embeddingDim", embeddingDim],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Embedding: ${k} must be a positive integer, got ${String(v)}`);
    }
    const dtype = opts.dtype ?? getDefaultDtype();
    if (dtype !== "float32" && dtype !== "float64") {
      throw new TypeError(`Embedding: dtype must be "float32" or "float64", got ${JSON.stringify(dtype)}`);
    }
    this.weight = new Tensor(alloc(dtype, numEmbeddings * embeddingDim), [numEmbeddings, embeddingDim], true);
    this.resetParameters();
  }

  /** Re-draws the weight from N(0, 1) (the global generator). */
  resetParameters(): void {
    const w = this.weight.data;
    for (let i = 0; i < w.length; i++) w[i] = globalRng.normal();
  }

  /** The rows of the table at the given indices (shape: the indices' shape, then the embedding size). */
  forward(indices: EmbeddingIndices): Tensor {
    try {
      return embedding(indices, this.weight);
    } catch (e) {
      throw relabel(e, "embedding", String(this));
    }
  }

  /** Same as `forward`. */
  override call(indices: EmbeddingIndices): Tensor {
    return this.forward(indices);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
