/**
 * Convolution and pooling layers (issue 14) on [batch, channels, height, width], with PyTorch's
 * semantics, defaults, init and reprs. Their forwards are the functional forms of src/ops/conv.ts.
 *
 *   const model = new nn.Sequential(
 *     new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),     // [N, 8, 14, 14]
 *     new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),    // [N, 16, 7, 7]
 *     new nn.Flatten(), new nn.Linear(16 * 7 * 7, 10),
 *   );
 *   String(model.layers[0])   // Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
 */
import { sizePair } from "../kernels/conv.js";
import { alloc, checkDtype, type DType, getDefaultDtype } from "../memory/dtype.js";
import { fmt } from "../memory/shape.js";
import { avgPool2d, conv2d, maxPool2d, type Pair } from "../ops/conv.js";
import { globalRng } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { checkInputDtype, checkOptions, describe, relabel } from "./checks.js";
import { Module } from "./module.js";

/** The input must be a 4-d Tensor; the message names the layer and what it expects. */
function checkInput(x: unknown, layer: string, channels?: number): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${layer}: input must be a Tensor, got ${describe(x)}`);
  const c = channels === undefined ? "channels" : String(channels);
  if (x.ndim !== 4) {
    throw new RangeError(`${layer}: expected input of shape [batch, ${c}, height, width] (4-d), got ${fmt(x.shape)}`);
  }
  if (channels !== undefined && x.shape[1] !== channels) {
    throw new RangeError(
      `${layer}: expected input of shape [batch, ${channels}, height, width], got ${fmt(x.shape)} (${x.shape[1]} channels)`,
    );
  }
}

/** A pair as PyTorch prints it: `(3, 3)`. */
const tuple = ([a, b]: readonly [number, number]) => `(${a}, ${b})`;
/** A size as given (a number, or a pair as a tuple), as PyTorch's pooling reprs print them. */
const asGiven = (v: Pair) => (typeof v === "number" ? String(v) : tuple(v));

/**
 * Options of `Conv2d`: stride, padding, bias and dtype.
 *
 * @example
 * ```ts
 * import { nn, zeros } from "actigrad";
 * const opts: nn.Conv2dOptions = { stride: 2, padding: 1, bias: false };
 * const conv = new nn.Conv2d(3, 8, 3, opts);
 * console.log(String(conv), conv.forward(zeros([1, 3, 8, 8])).shape);
 * ```
 * ```text
 * Conv2d(3, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=false) [ 1, 8, 4, 4 ]
 * ```
 */
export interface Conv2dOptions {
  /** Step between windows, one number or [height, width] (default 1). */
  stride?: Pair;
  /** Zeros added on each side, one number or [height, width] (default 0). */
  padding?: Pair;
  /** Add a learnable bias per output channel (default true). */
  bias?: boolean;
  dtype?: DType;
}

/**
 * Conv2d(inChannels, outChannels, kernelSize, { stride = 1, padding = 0, bias = true }):
 * y = conv2d(x, weight, bias) on x of shape [N, inChannels, H, W], a cross-correlation as in PyTorch.
 * weight [outChannels, inChannels, kH, kW] and bias [outChannels] start as PyTorch's default
 * init does (kaiming_uniform with a = √5): both uniform in ±1/√fanIn, fanIn = inChannels·kH·kW.
 * Input of another dtype than the parameters is a TypeError (no silent promotion, as Linear).
 * Repr: `Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))` (padding shown when not 0).
 * y[n, o, i, j] = bias[o] + Σ_{c, p, q} weight[o, c, p, q]·x[n, c, i·sH + p − padH, j·sW + q − padW] (x zero outside).
 *
 * @example
 * ```ts
 * import { manualSeed, nn, randn } from "actigrad";
 * manualSeed(0);
 * const conv = new nn.Conv2d(1, 4, 3, { padding: 1 });
 * const y = conv.forward(randn([2, 1, 8, 8]));
 * console.log(String(conv), y.shape);
 * ```
 * ```text
 * Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)) [ 2, 4, 8, 8 ]
 * ```
 */
export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    opts: Conv2dOptions = {},
  ) {
    super();
    const o = checkOptions(opts, "Conv2d", ["stride", "padding", "bias", "dtype"]);
    for (const [k, v] of [
      ["inChannels", inChannels],
      ["outChannels", outChannels],
    ] as const) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
        throw new RangeError(`Conv2d: ${k} must be a positive integer, got ${describe(v)}`);
      }
    }
    this.kernelSize = sizePair(kernelSize, "Conv2d", "kernelSize", 1);
    this.stride = sizePair(o.stride ?? 1, "Conv2d", "stride", 1);
    this.padding = sizePair(o.padding ?? 0, "Conv2d", "padding", 0);
    if (o.bias !== undefined && typeof o.bias !== "boolean") {
      throw new TypeError(`Conv2d: bias must be true or false, got ${describe(o.bias)}`);
    }
    const dtype = o.dtype ?? getDefaultDtype();
    checkDtype(dtype, "Conv2d");
    const [kh, kw] = this.kernelSize;
    this.weight = new Tensor(alloc(dtype, outChannels * inChannels * kh * kw), [outChannels, inChannels, kh, kw], true);
    this.bias = o.bias === false ? null : new Tensor(alloc(dtype, outChannels), [outChannels], true);
    this.resetParameters();
  }

  /** Re-draws weight and bias uniformly in ±1/√fanIn (PyTorch's default), from the global generator. */
  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.inChannels * this.kernelSize[0] * this.kernelSize[1]);
    for (const t of [this.weight, this.bias]) {
      if (t === null) continue;
      const d = t.data;
      for (let i = 0; i < d.length; i++) d[i] = (2 * globalRng.random() - 1) * bound;
    }
  }

  /** y = conv2d(x, weight, bias) over a batch [N, C, H, W] of images. */
  forward(x: Tensor): Tensor {
    const name = String(this);
    checkInput(x, name, this.inChannels);
    checkInputDtype(name, x, this.weight);
    try {
      return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding });
    } catch (e) {
      throw relabel(e, "conv2d", name);
    }
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`;
    if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${tuple(this.padding)}`;
    if (this.bias === null) s += ", bias=false";
    return s;
  }
}

/** The checks and repr shared by the two pooling layers; `kernel` and `stride` kept as given, for the repr. */
abstract class Pool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;

  constructor(layer: string, kernel: Pair, stride?: Pair | null) {
    super();
    sizePair(kernel, layer, "kernel", 1);
    if (stride !== undefined && stride !== null) sizePair(stride, layer, "stride", 1);
    this.kernelSize = typeof kernel === "number" ? kernel : [kernel[0], kernel[1]];
    const s = stride ?? kernel;
    this.stride = typeof s === "number" ? s : [s[0], s[1]];
  }

  protected run(x: Tensor, op: string, f: (x: Tensor, k: Pair, s: Pair) => Tensor): Tensor {
    const name = String(this);
    checkInput(x, name);
    try {
      return f(x, this.kernelSize, this.stride);
    } catch (e) {
      throw relabel(e, op, name);
    }
  }
}

/**
 * MaxPool2d(kernel, stride = kernel): the maximum of each window; no parameters. On ties the
 * gradient goes to the window's first maximum (row-major), as PyTorch's. No padding.
 * Repr: `MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=false)`.
 * y[n, c, i, j] = max_{p < kH, q < kW} x[n, c, i·sH + p, j·sW + q].
 *
 * @example
 * ```ts
 * import { arange, nn } from "actigrad";
 * const x = arange(16).reshape([1, 1, 4, 4]);
 * console.log(new nn.MaxPool2d(2).forward(x).toString());
 * ```
 * ```text
 * tensor([[[[5, 7], [13, 15]]]], dtype=float64)
 * ```
 */
export class MaxPool2d extends Pool2d {
  constructor(kernel: Pair, stride?: Pair | null) {
    super("MaxPool2d", kernel, stride);
  }

  /** The maximum of each window of x [N, C, H, W]; the gradient goes to each window's arg-max. */
  forward(x: Tensor): Tensor {
    return this.run(x, "maxPool2d", maxPool2d);
  }

  override extraRepr(): string {
    return `kernel_size=${asGiven(this.kernelSize)}, stride=${asGiven(this.stride)}, padding=0, dilation=1, ceil_mode=false`;
  }
}

/**
 * AvgPool2d(kernel, stride = kernel): the mean of each window; no parameters, no padding.
 * Repr: `AvgPool2d(kernel_size=2, stride=2, padding=0)`.
 * y[n, c, i, j] = (1 / (kH·kW)) Σ_{p < kH, q < kW} x[n, c, i·sH + p, j·sW + q].
 *
 * @example
 * ```ts
 * import { arange, nn } from "actigrad";
 * const x = arange(16).reshape([1, 1, 4, 4]);
 * console.log(new nn.AvgPool2d(2).forward(x).toString());
 * ```
 * ```text
 * tensor([[[[2.5, 4.5], [10.5, 12.5]]]], dtype=float64)
 * ```
 */
export class AvgPool2d extends Pool2d {
  constructor(kernel: Pair, stride?: Pair | null) {
    super("AvgPool2d", kernel, stride);
  }

  /** The mean of each window of x [N, C, H, W]; the gradient is spread evenly over the window. */
  forward(x: Tensor): Tensor {
    return this.run(x, "avgPool2d", avgPool2d);
  }

  override extraRepr(): string {
    return `kernel_size=${asGiven(this.kernelSize)}, stride=${asGiven(this.stride)}, padding=0`;
  }
}
