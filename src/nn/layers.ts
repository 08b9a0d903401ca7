/**
 * Layers: `Linear`, `Maxout`, `Sequential`, and a module for each activation.
 *
 *   const model = new Sequential(new Linear(4, 16), new Tanh(), new Maxout(16, 8, 2), new Linear(8, 3));
 */
import { alloc, getDefaultDtype, type DType } from "../tensor/dtype.js";
import { fmt } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { linear } from "../ops/matmul.js";
import { initFor, initializers, type InitName } from "./init.js";
import { Module } from "./module.js";

export interface LinearOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** The weight init; by default chosen for `activation` (He for relu/maxout, else Xavier). */
  init?: InitName;
  /** The activation that follows, used to choose the init when `init` is not given. */
  activation?: string;
  dtype?: DType;
}

/**
 * y = x·Wᵀ + b, with W of shape [out, in] (PyTorch's layout) and b of shape [out].
 * The bias starts at zero; the weight as `init` says.
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

  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor) || x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures) {
      const got = x instanceof Tensor ? `shape ${fmt(x.shape)}` : typeof x;
      throw new RangeError(
        `Linear(${this.inFeatures}, ${this.outFeatures}): expected input with ${this.inFeatures} features on its last axis, got ${got}`,
      );
    }
    return linear(x, this.weight, this.bias);
  }
}

/** Maxout(in, out, pieces): a Linear to out·pieces units, then the max of each group of `pieces`. */
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

  forward(x: Tensor): Tensor {
    return this.linear.forward(x).maxout(this.pieces);
  }
}

/** Runs its modules in order. A Linear without an explicit init gets the one that suits the activation after it. */
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
      if (m instanceof Linear && !m.explicitInit && next instanceof Activation && initFor(next.name) === "he") {
        m.resetParameters("he");
      }
    });
  }

  forward(x: Tensor): Tensor {
    let h = x;
    for (const layer of this.layers) h = layer.forward(h);
    return h;
  }
}

/** A parameter-free module applying one activation. */
export abstract class Activation extends Module {
  abstract readonly name: string;
}

export class Sigmoid extends Activation {
  readonly name = "sigmoid";
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}
export class Tanh extends Activation {
  readonly name = "tanh";
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}
export class ReLU extends Activation {
  readonly name = "relu";
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}
export class Softplus extends Activation {
  readonly name = "softplus";
  forward(x: Tensor): Tensor {
    return x.softplus();
  }
}
export class Softmax extends Activation {
  readonly name = "softmax";
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.softmax(this.axis);
  }
}
export class LogSoftmax extends Activation {
  readonly name = "logSoftmax";
  constructor(readonly axis = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.axis);
  }
}
/** The maxout op alone (no weights), for inputs already holding n·pieces units. */
export class MaxoutActivation extends Activation {
  readonly name = "maxout";
  constructor(readonly pieces: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.maxout(this.pieces);
  }
}
