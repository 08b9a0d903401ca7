/**
 * The Tensor: a flat typed array (its Storage), a shape, and — when it was made by ops that
 * need gradients — the record of how (`node`). This file holds what every tensor is; what can
 * be done with one lives in `src/ops`, which installs the methods (`x.add(y)`, `x.exp()`,
 * …) on this class: src/ops/methods.ts for the tensor ops, and each activation's definition
 * for its own. Nothing here imports an op.
 *
 * Lineage: the idea is micrograd's `Value` (one scalar per object) grown to whole arrays,
 * so one object holds a batch and every loop runs over a typed array.
 */
import type { DType, FloatArray, Values } from "../memory/dtype.js";
import { dtypeOf } from "../memory/dtype.js";
import { STORAGE } from "../memory/scope.js";
import type { Shape } from "../memory/shape.js";
import { fmt, sizeOf } from "../memory/shape.js";
import { Storage } from "../memory/storage.js";
import { runBackward } from "./autograd.js";
import type { Node } from "./graph.js";
import { formatReleased, formatTensor } from "./print.js";

/**
 * One axis or several, as reductions take them: `1`, `[0, 2]`; negative axes count from the end.
 *
 * @example
 * ```ts
 * import { tensor, type Axis } from "actigrad";
 * const x = tensor([[1, 2], [3, 4]]);
 * const last: Axis = -1, both: Axis = [0, 1];
 * console.log(x.sum(last).toString(), x.sum(both).item());
 * ```
 * ```text
 * tensor([3, 7], dtype=float64) 10
 * ```
 */
export type Axis = number | readonly number[];

/**
 * An n-dimensional array of numbers (float64 by default, or float32) that remembers how it was
 * computed: every op on a tensor that requires a gradient records a node, and `backward()`
 * walks those nodes back, leaving ∂out/∂t in each leaf's `.grad`. Make tensors with `tensor`,
 * `zeros`, `randn` and the other creators, not with `new`.
 *
 * @example
 * ```ts
 * import { tensor } from "actigrad";
 * const x = tensor([[1, -2], [3, 4]], { requiresGrad: true });
 * const loss = x.mul(x).sum(); // Σ x²
 * loss.backward();
 * console.log(x.shape, x.dtype, loss.item());
 * console.log(x.grad?.toString()); // 2x
 * ```
 * ```text
 * [ 2, 2 ] float64 30
 * tensor([[2, -4], [6, 8]], dtype=float64)
 * ```
 */
export class Tensor {
  readonly shape: Shape;
  /** Where the values live; shared by views of the same values (reshape, detach). */
  readonly storage: Storage;
  /** ∂L/∂this, filled (added to) by `backward()` on leaves; null until then. */
  grad: Tensor | null = null;
  private _node: Node | null = null;
  private _requiresGrad = false;

  /**
   * Low-level: wraps `data` (not copied), or shares another tensor's storage, as a tensor of
   * `shape`. Use `tensor()` to build one. An `Int32Array` makes an int32 tensor (indices).
   */
  constructor(data: Values | Storage, shape: Shape, requiresGrad = false) {
    // A Storage is typed for the float code; an int32 one holds an Int32Array (see memory/dtype.ts).
    const storage = data instanceof Storage ? data : new Storage(data as FloatArray);
    const n = storage.values?.length ?? sizeOf(shape);
    if (n !== sizeOf(shape)) throw new RangeError(`Tensor: ${n} values do not fill shape ${fmt(shape)}`);
    this.storage = storage;
    this.shape = Object.freeze(shape.slice());
    if (requiresGrad) this.requiresGrad = true;
  }

  /**
   * The values, row-major. Read it; writing it bypasses the graph. For an int32 tensor this is
   * its `Int32Array`, typed `FloatArray` so that float code keeps its types (reading it is
   * exact; `indices` gives the same array typed `Int32Array`).
   */
  get data(): FloatArray {
    const d = this.storage.values;
    if (d === null) {
      throw new TypeError(
        `Tensor of shape ${fmt(this.shape)} was released when the scope() that made it ended; ` +
          "return it from the scope (or copy its values) to use it afterwards",
      );
    }
    return d;
  }

  /** An int32 tensor's values as the `Int32Array` they are (argmax, argmin, `cast(t, "int32")`). */
  get indices(): Int32Array {
    const d = this.data as Values;
    if (!(d instanceof Int32Array)) {
      throw new TypeError(
        `indices: this is a ${this.dtype} tensor; indices belong to int32 tensors (from argmax, argmin or cast(t, "int32")) — read .data instead`,
      );
    }
    return d;
  }

  /** True once the `scope()` that made this tensor has ended without keeping it. */
  get isReleased(): boolean {
    return this.storage.released;
  }

  /** A scope finds what to keep through this (see src/memory/scope.ts). */
  get [STORAGE](): Storage {
    return this.storage;
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }
  get size(): number {
    return sizeOf(this.shape);
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
    if (value && this.storage.values instanceof Int32Array) {
      throw new TypeError(
        `requiresGrad: an int32 tensor (indices) cannot require a gradient; cast it to a float dtype first: t.cast("float64")`,
      );
    }
    if (this._node !== null && !value) {
      throw new TypeError("requiresGrad: only a leaf can stop requiring a gradient; use detach() instead");
    }
    this._requiresGrad = Boolean(value);
    // A leaf that requires a gradient is a parameter: no scope releases its values.
    if (this._requiresGrad && this._node === null) this.storage.persistent = true;
  }

  /**
   * @internal A leaf that requires a gradient over `storage`, for a moment (an engine-internal
   * differentiation): unlike a parameter, a scope may release its values.
   */
  static _tempLeaf(storage: Storage, shape: Shape): Tensor {
    const t = new Tensor(storage, shape);
    t._requiresGrad = true;
    return t;
  }

  /** @internal Called by `record` to mark this tensor as made by a recorded op. */
  _attach(node: Node): void {
    // An op whose result is int32 (it copied an int32 input) is not differentiable in it.
    if (this.storage.values instanceof Int32Array) {
      throw new TypeError(
        `${node.op}: the result is an int32 tensor (indices), which cannot carry a gradient; ` +
          `cast the int32 input to a float dtype first (t.cast("float64"))`,
      );
    }
    this._node = node;
    this._requiresGrad = true;
  }

  /** Reverse-mode sweep from this tensor; see API.md. `loss.backward()`. */
  backward(grad?: Tensor, opts: { createGraph?: boolean } = {}): void {
    runBackward(this, grad, opts.createGraph ?? false);
  }

  /** The same values (shared, not copied) with no graph and no gradient. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) {
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
    const d = this.storage.values;
    if (d === null) return formatReleased(this.shape);
    return formatTensor(d, this.shape, dtypeOf(d), { requiresGrad: this._requiresGrad, gradFn: this._node?.op ?? null });
  }

  /** Node's `util.inspect` and `console.log` show the same text as `toString()`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * A number or nested arrays of numbers, as `tolist()` returns them: `[[1, 2], [3, 4]]` for a 2×2 tensor.
 *
 * @example
 * ```ts
 * import { tensor, type NestedArray } from "actigrad";
 * const rows: NestedArray = tensor([[1, 2], [3, 4]]).toArray();
 * console.log(JSON.stringify(rows));
 * ```
 * ```text
 * [[1,2],[3,4]]
 * ```
 */
export type NestedArray = number | NestedArray[];
