/**
 * The Tensor: a flat typed array, a shape, and — when it was made by ops that need
 * gradients — the record of how (`node`). Methods are thin: each forwards to the free
 * function of the same name in `src/ops`, where the forward and its backward rule live.
 *
 * Lineage: the idea is micrograd's `Value` (one scalar per object) grown to whole arrays,
 * so one object holds a batch and every loop runs over a typed array.
 */
import type { DType, FloatArray } from "./dtype.js";
import { dtypeOf } from "./dtype.js";
import { formatReleased, formatTensor } from "./print.js";
import type { Node } from "./graph.js";
import type { Shape } from "./shape.js";
import { fmt, sizeOf } from "./shape.js";
import { runBackward } from "./autograd.js";
import { adopt } from "./scope.js";
import { add, div, mul, neg, sub } from "../ops/arithmetic.js";
import { abs, exp, log, pow, sqrt } from "../ops/unary.js";
import { max, mean, sum } from "../ops/reduce.js";
import { reshape, transpose } from "../ops/shape.js";
import { matmul } from "../ops/matmul.js";
import { sigmoid } from "../ops/sigmoid.js";
import { tanh } from "../ops/tanh.js";
import { relu } from "../ops/relu.js";
import { softplus } from "../ops/softplus.js";
import { softmax } from "../ops/softmax.js";
import { logSoftmax } from "../ops/logSoftmax.js";
import { maxout } from "../ops/maxout.js";

export type Axis = number | readonly number[];

export class Tensor {
  readonly shape: Shape;
  /** ∂L/∂this, filled (added to) by `backward()` on leaves; null until then. */
  grad: Tensor | null = null;
  private _node: Node | null = null;
  private _requiresGrad: boolean;
  /** The values; null once released at the end of the `scope()` that made this tensor. */
  private _data: FloatArray | null;

  /** Low-level: wraps `data` (not copied) as a tensor of `shape`. Use `tensor()` to build one. */
  constructor(data: FloatArray, shape: Shape, requiresGrad = false) {
    if (data.length !== sizeOf(shape)) {
      throw new RangeError(`Tensor: ${data.length} values do not fill shape ${fmt(shape)}`);
    }
    this._data = data;
    this.shape = Object.freeze(shape.slice());
    this._requiresGrad = requiresGrad;
    adopt(this);
  }

  /** The values, row-major. Read it; writing it bypasses the graph. */
  get data(): FloatArray {
    const d = this._data;
    if (d === null) {
      throw new TypeError(
        `Tensor of shape ${fmt(this.shape)} was released when the scope() that made it ended; ` +
          "return it from the scope (or copy its values) to use it afterwards",
      );
    }
    return d;
  }

  /** True once the `scope()` that made this tensor has ended without keeping it. */
  get isReleased(): boolean {
    return this._data === null;
  }

  /** @internal scope(): the values move out of the arena into an array of their own. */
  _materialize(): void {
    if (this._data !== null) this._data = this._data.slice();
  }
  /** @internal scope(): the arena memory is about to be reused. */
  _release(): void {
    this._data = null;
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }
  get size(): number {
    return this.data.length;
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** How this tensor was made, or null for a leaf (made by the user, or with no graph). */
  get node(): Node | null {
    return this._node;
  }
  get isLeaf(): boolean {
    return this._node === null;
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }
  set requiresGrad(value: boolean) {
    if (this._node !== null && !value) {
      throw new TypeError("requiresGrad: only a leaf can stop requiring a gradient; use detach() instead");
    }
    this._requiresGrad = Boolean(value);
  }

  /** @internal Called by `record` to mark this tensor as made by a recorded op. */
  _attach(node: Node): void {
    this._node = node;
    this._requiresGrad = true;
  }

  /** Reverse-mode sweep from this tensor; see API.md. `loss.backward()`. */
  backward(grad?: Tensor, opts: { createGraph?: boolean } = {}): void {
    runBackward(this, grad, opts.createGraph ?? false);
  }

  /** The same values (shared, not copied) with no graph and no gradient. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(`item: expected a tensor with one element, got shape ${fmt(this.shape)} (${this.size} elements)`);
    }
    return this.data[0];
  }

  /** The values as nested arrays (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0];
    const build = (axis: number, offset: number, stride: number): NestedArray => {
      const n = shape[axis];
      const inner = stride / Math.max(n, 1);
      const out: NestedArray[] = [];
      for (let i = 0; i < n; i++) {
        out.push(axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * inner, inner));
      }
      return out;
    };
    return build(0, 0, this.size);
  }

  /** PyTorch-like text, e.g. `tensor([[0.5, NaN], …], dtype=float32, requiresGrad=true)`; see print.ts. */
  toString(): string {
    const d = this._data;
    if (d === null) return formatReleased(this.shape);
    return formatTensor(d, this.shape, dtypeOf(d), { requiresGrad: this._requiresGrad, gradFn: this._node?.op ?? null });
  }

  /** Node's `util.inspect` and `console.log` show the same text as `toString()`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  add(other: Tensor | number): Tensor {
    return add(this, other);
  }
  sub(other: Tensor | number): Tensor {
    return sub(this, other);
  }
  mul(other: Tensor | number): Tensor {
    return mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return div(this, other);
  }
  neg(): Tensor {
    return neg(this);
  }
  exp(): Tensor {
    return exp(this);
  }
  log(): Tensor {
    return log(this);
  }
  pow(p: number): Tensor {
    return pow(this, p);
  }
  abs(): Tensor {
    return abs(this);
  }
  sqrt(): Tensor {
    return sqrt(this);
  }

  sum(axis?: Axis | null, keepDims = false): Tensor {
    return sum(this, axis, keepDims);
  }
  mean(axis?: Axis | null, keepDims = false): Tensor {
    return mean(this, axis, keepDims);
  }
  max(axis?: Axis | null, keepDims = false): Tensor {
    return max(this, axis, keepDims);
  }

  reshape(shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return transpose(this, axis0, axis1);
  }
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  sigmoid(): Tensor {
    return sigmoid(this);
  }
  tanh(): Tensor {
    return tanh(this);
  }
  relu(): Tensor {
    return relu(this);
  }
  softplus(): Tensor {
    return softplus(this);
  }
  softmax(axis = -1): Tensor {
    return softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return logSoftmax(this, axis);
  }
  maxout(pieces: number): Tensor {
    return maxout(this, pieces);
  }
}

export type NestedArray = number | NestedArray[];
