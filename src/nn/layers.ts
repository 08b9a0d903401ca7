/**
 * Layers: `Linear`, `Maxout`, `Sequential`, and a module for each activation.
 *
 *   const model = new Sequential(new Linear(4, 16), new Tanh(), new Maxout(16, 8, 2), new Linear(8, 3));
 *
 * Layers with parameters take inputs of their parameters' dtype only (no silent promotion).
 * `String(layer)` is PyTorch's repr, with its snake_case argument names: `Linear(in_features=4, out_features=16, bias=true)`.
 */
import { alloc, getDefaultDtype, type DType } from "../memory/dtype.js";
import { fmt } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { linear } from "../ops/matmul.js";
import { initFor, initializers, type InitName } from "./init.js";
import { Activation } from "./activation.js";
import { checkInputDtype } from "./checks.js";
import { Module } from "./module.js";

/**
 * Options of `Linear`: bias, weight init, the activation it feeds, and the dtype.
 *
 * @example
 * ```ts
 * import { nn } from "actigrad";
 * const opts: nn.LinearOptions = { bias: false, init: "he", dtype: "float32" };
 * const layer = new nn.Linear(3, 2, opts);
 * console.log(String(layer), layer.weight.dtype, layer.parameters().length);
 * ```
 * ```text
 * Linear(in_features=3, out_features=2, bias=false) float32 1
 * ```
 */
export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** The weight init; by default the one `activation`'s definition names (`init`: He or Xavier). */
  init?: InitName;
  /** The activation that follows, used to choose the init when `init` is not given. */
  activation?: string;
  dtype?: DType;
}

/**
 * y = x·Wᵀ + b, with W of shape [out, in] (PyTorch's layout) and b of shape [out].
 * The bias starts at zero; the weight as `init` says.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, ones } from "actigrad";
 * manualSeed(0);
 * const layer = new nn.Linear(3, 2);
 * const y = layer.forward(ones([4, 3])); // [batch, in] → [batch, out]
 * console.log(String(layer), y.shape);
 * ```
 * ```text
 * Linear(in_features=3, out_features=2, bias=true) [ 4, 2 ]
 * ```
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;
  /** Whether the init was given explicitly (then `Sequential` leaves it alone). */
  readonly explicitInit: boolean;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    for (const [k, v] of [
      ["inFeatures", inFeatures],
      ["outFeatures", outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`Linear: ${k} must be a positive integer, got ${String(v)}`);
    }
    if (opts.init !== undefined && !(opts.init in initializers)) {
      throw new RangeError(
        `Linear: unknown init ${JSON.stringify(opts.init)} (expected one of ${Object.keys(initializers).join(", ")})`,
      );
    }
    const dtype = opts.dtype ?? getDefaultDtype();
    this.explicitInit = opts.init !== undefined || opts.activation !== undefined;
    this.weight = new Tensor(alloc(dtype, outFeatures * inFeatures), [outFeatures, inFeatures], true);
    this.bias = opts.bias === false ? null : new Tensor(alloc(dtype, outFeatures), [outFeatures], true);
    this.resetParameters(opts.init ?? initFor(opts.activation));
  }

  /** Re-draws the weight with `init` and zeroes the bias. */
  resetParameters(init: InitName): void {
    initializers[init](this.weight);
    this.bias?.data.fill(0);
  }

  /** y = x·Wᵀ + b. */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures) {
      const got = x instanceof Tensor ? `shape ${fmt(x.shape)}` : typeof x;
      throw new RangeError(
        `Linear(${this.inFeatures}, ${this.outFeatures}): expected input with ${this.inFeatures} features on its last axis, got ${got}`,
      );
    }
    checkInputDtype(`Linear(${this.inFeatures}, ${this.outFeatures})`, x, this.weight);
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * Maxout(in, out, pieces): a Linear to out·pieces units, then the max of each group of `pieces`:
 * y_j = max_{k < pieces} (x·Wᵀ + b)_{j·pieces + k}.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, randn } from "actigrad";
 * manualSeed(0);
 * const layer = new nn.Maxout(4, 3, 2); // Linear(4, 6), then the max of each pair
 * console.log(String(layer), layer.forward(randn([5, 4])).shape);
 * ```
 * ```text
 * Maxout(in_features=4, out_features=3, pieces=2) [ 5, 3 ]
 * ```
 */
export class Maxout extends Module {
  linear: Linear;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly pieces: number,
    opts: LinearOptions = {},
  ) {
    super();
    if (!Number.isInteger(pieces) || pieces < 1)
      throw new RangeError(`Maxout: pieces must be a positive integer, got ${String(pieces)}`);
    this.linear = new Linear(inFeatures, outFeatures * pieces, { activation: "maxout", ...opts });
  }

  /** The maximum over each group of `pieces` outputs of a Linear layer. */
  forward(x: Tensor): Tensor {
    if (x instanceof Tensor)
      checkInputDtype(`Maxout(${this.inFeatures}, ${this.outFeatures}, ${this.pieces})`, x, this.linear.weight);
    return this.linear.forward(x).maxout(this.pieces);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, pieces=${this.pieces}`;
  }

  /** One line, as in the constructor call; its inner Linear is implied by the arguments. */
  override toString(): string {
    return `Maxout(${this.extraRepr()})`;
  }
}

/**
 * Runs its modules in order. A Linear without an explicit init gets the one that suits the activation after it.
 * The layers are numbered directly, as in PyTorch: state-dict keys `0.weight`, `2.linear.bias`.
 * y = fₙ(… f₂(f₁(x))).
 *
 * @example
 * ```ts
 * import { manualSeed, nn, randn } from "actigrad";
 * manualSeed(0);
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
 * console.log(model.forward(randn([2, 4])).shape, Object.keys(model.stateDict()));
 * ```
 * ```text
 * [ 2, 3 ] [ '0.weight', '0.bias', '2.weight', '2.bias' ]
 * ```
 */
export class Sequential extends Module {
  readonly layers: Module[];

  constructor(...layers: Module[]) {
    super();
    layers.forEach((m, i) => {
      if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} is not a Module`);
    });
    this.layers = layers;
    layers.forEach((m, i) => {
      const next = layers[i + 1];
      if (m instanceof Linear && !m.explicitInit && next instanceof Activation && next.op.init === "he") {
        m.resetParameters("he");
      }
    });
  }

  /** The layers by index (`"0"`, `"1"`, …), then any modules in fields a subclass adds. */
  override children(): [string, Module][] {
    const rest = super.children().filter(([key]) => key !== "layers" && !key.startsWith("layers."));
    return [...this.layers.map((m, i): [string, Module] => [String(i), m]), ...rest];
  }

  /** The layers applied in order, each to the previous one's output. */
  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }
}
