/**
 * 2-d convolution and pooling on [batch, channels, height, width] tensors, as PyTorch's
 * `conv2d`, `max_pool2d` and `avg_pool2d` (dilation 1, groups 1, no ceil mode).
 *
 * conv2d is a cross-correlation (the kernel is not flipped), computed by im2col and the matrix
 * product (src/kernels/conv.ts). Its gradients are two more ops, and the three close under
 * differentiation — each is bilinear, and each one's rule is written with the others — so
 * gradients of gradients work to any order:
 *
 *   y  = conv2d(x, W) + b              ∂x = conv2dBackwardInput(g, W)   ∂W = conv2dBackwardWeight(x, g)
 *                                      ∂b = conv2dBackwardBias(g): Σ g over batch, height, width
 *   dx = conv2dBackwardInput(g, W)     ∂g = conv2d(h, W)                ∂W = conv2dBackwardWeight(h, g)
 *   dW = conv2dBackwardWeight(x, g)    ∂x = conv2dBackwardInput(g, H)   ∂g = conv2d(x, H)
 *
 * (h, H: the upstream gradients of dx and dW). The second and third lines are the adjoint
 * identity ⟨conv2d(x, W), g⟩ = ⟨x, conv2dBackwardInput(g, W)⟩ = ⟨W, conv2dBackwardWeight(x, g)⟩
 * read three ways. conv2dBackwardInput is the transposed convolution ("deconvolution").
 *
 * maxPool2d picks each window's maximum with `takeFlat`, so its gradient goes to that one
 * element: on ties, the FIRST maximum of the window in row-major order (PyTorch's choice); a
 * NaN in a window is its maximum. avgPool2d averages each window; its rule spreads g / (kH·kW)
 * back over the window, and that rule's own rule is avgPool2d again. Pooling has no padding
 * (padding 0, PyTorch's default, is what CNNs on small images use); windows that would run
 * past the edge are left out, as PyTorch does with ceil_mode = False.
 */
import {
  avgPoolBackwardKernel,
  avgPoolKernel,
  type ConvGeometry,
  channelSumKernel,
  conv2dInputGradKernel,
  conv2dKernel,
  conv2dWeightGradKernel,
  maxPoolIndexKernel,
  outputSize,
  type PoolGeometry,
  show,
  sizePair as pair,
} from "../kernels/conv.js";
import { type DType, promote } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { fmt } from "../memory/shape.js";
import { record } from "../tensor/graph.js";
import { Tensor } from "../tensor/tensor.js";
import { broadcastTo, cast, expectTensor } from "./arithmetic.js";
import { takeFlat } from "./flat.js";
import { reshape } from "./shape.js";

/**
 * A size given once for both axes, or as [height, width].
 *
 * @example
 * ```ts
 * import { arange, maxPool2d, type Pair } from "actigrad";
 * const kernel: Pair = [1, 2]; // 1 row by 2 columns
 * const x = arange(8).reshape([1, 1, 2, 4]);
 * console.log(maxPool2d(x, kernel).toString());
 * ```
 * ```text
 * tensor([[[[1, 3], [5, 7]]]], dtype=float64)
 * ```
 */
export type Pair = number | readonly [number, number];

/**
 * Options of `conv2d` and the pooling ops: stride and padding, each one number or [height, width].
 *
 * @example
 * ```ts
 * import { conv2d, ones, type Conv2dOptions } from "actigrad";
 * const opts: Conv2dOptions = { stride: 2, padding: 1 };
 * const y = conv2d(ones([1, 1, 4, 4]), ones([1, 1, 3, 3]), null, opts);
 * console.log(y.shape, y.toString());
 * ```
 * ```text
 * [ 1, 1, 2, 2 ] tensor([[[[4, 6], [6, 9]]]], dtype=float64)
 * ```
 */
export interface Conv2dOptions {
  /** Step between windows, one number or [height, width] (default 1). */
  stride?: Pair;
  /** Zeros added on each side, one number or [height, width] (default 0). */
  padding?: Pair;
}

/** The dtype of an op's result from its inputs, and the inputs in it (mixed dtypes give float64). */
function common(ts: (Tensor | null)[]): (Tensor | null)[] {
  let dtype: DType | null = null;
  for (const t of ts) if (t !== null) dtype = dtype === null ? t.dtype : promote(dtype, t.dtype);
  return ts.map((t) => (t === null || t.dtype === dtype ? t : cast(t, dtype as DType)));
}

const isTensor = (b: unknown): b is Tensor => b !== undefined && b !== null;

/** What the recorded ops carry for graphs, traces and export. */
function convArgs(g: ConvGeometry) {
  return { stride: [g.sh, g.sw], padding: [g.ph, g.pw] };
}

/**
 * PyTorch's `conv2d`: x [N, C, H, W], weight [O, C, kH, kW], bias [O] (optional) → [N, O, Ho, Wo]
 * with Ho = ⌊(H + 2·padding − kH) / stride⌋ + 1 (Wo likewise). A cross-correlation:
 *
 *   y[n, o, i, j] = b[o] + Σ_{c, p, q} W[o, c, p, q] · x[n, c, i·stride + p − padding, j·stride + q − padding]
 *
 * with x read as 0 outside the image. Differentiable in x, weight and bias, to any order.
 *
 * @example
 * ```ts
 * import { conv2d, tensor } from "actigrad";
 * const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]); // [1, 1, 3, 3]
 * const w = tensor([[[[1, 0], [0, -1]]]]); // [1, 1, 2, 2]
 * console.log(conv2d(x, w, tensor([0.5])).toString());
 * ```
 * ```text
 * tensor([[[[-3.5, -3.5], [-3.5, -3.5]]]], dtype=float64)
 * ```
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const op = "conv2d";
  expectTensor(x, op);
  expectTensor(weight, op, "the weight");
  if (isTensor(bias)) expectTensor(bias, op, "the bias");
  if (opts === null || typeof opts !== "object") throw new TypeError(`${op}: options must be an object, got ${show(opts)}`);
  const [sh, sw] = pair(opts.stride ?? 1, op, "stride", 1);
  const [ph, pw] = pair(opts.padding ?? 0, op, "padding", 0);
  if (x.ndim !== 4) {
    throw new RangeError(`${op}: expected input of shape [batch, channels, height, width] (4-d), got ${fmt(x.shape)}`);
  }
  if (weight.ndim !== 4 || weight.shape.some((d) => d === 0)) {
    throw new RangeError(
      `${op}: weight must have shape [out_channels, in_channels, kernel_height, kernel_width] (4-d, no zero sizes), got ${fmt(weight.shape)}`,
    );
  }
  const [n, c, h, w] = x.shape;
  const [o, wc, kh, kw] = weight.shape;
  if (c !== wc) {
    throw new RangeError(
      `${op}: input of shape ${fmt(x.shape)} has ${c} channels but the weight of shape ${fmt(weight.shape)} expects ${wc} (its second axis)`,
    );
  }
  if (kh > h + 2 * ph || kw > w + 2 * pw) {
    throw new RangeError(
      `${op}: kernel ${kh}×${kw} (weight ${fmt(weight.shape)}) is larger than the padded input ${h + 2 * ph}×${w + 2 * pw} ` +
        `(input ${fmt(x.shape)}, padding [${ph}, ${pw}])`,
    );
  }
  if (isTensor(bias) && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new RangeError(
      `${op}: bias of shape ${fmt(bias.shape)} does not fit the weight of shape ${fmt(weight.shape)} (expected [${o}], one value per output channel)`,
    );
  }
  const g: ConvGeometry = {
    n,
    c,
    h,
    w,
    o,
    kh,
    kw,
    sh,
    sw,
    ph,
    pw,
    ho: outputSize(h, kh, sh, ph),
    wo: outputSize(w, kw, sw, pw),
  };
  return convForward(x, weight, isTensor(bias) ? bias : null, g);
}

/** y = conv2d(x, W) + b for checked, same-dtype inputs. */
function convForward(x: Tensor, weight: Tensor, bias: Tensor | null, g: ConvGeometry): Tensor {
  const [xx, ww, bb] = common([x, weight, bias]) as [Tensor, Tensor, Tensor | null];
  const out = new Tensor(allocValues(xx.dtype, g.n * g.o * g.ho * g.wo), [g.n, g.o, g.ho, g.wo]);
  conv2dKernel(xx.data, ww.data, bb === null ? null : bb.data, out.data, g);
  return record(
    out,
    "conv2d",
    bb === null ? [xx, ww] : [xx, ww, bb],
    (gy) => [
      xx.requiresGrad ? convBackwardInput(gy, ww, g) : null,
      ww.requiresGrad ? convBackwardWeight(xx, gy, g) : null,
      bb?.requiresGrad ? convBackwardBias(gy, g) : null,
    ],
    convArgs(g),
  );
}

/** ∂b of conv2d: gy summed over batch, height and width → [O]; its rule spreads h back over them. */
function convBackwardBias(gy: Tensor, g: ConvGeometry): Tensor {
  const out = new Tensor(allocValues(gy.dtype, g.o), [g.o]);
  channelSumKernel(gy.data, out.data, g.n, g.o, g.ho * g.wo);
  return record(out, "conv2dBackwardBias", [gy], (h) => [broadcastTo(reshape(h, [1, g.o, 1, 1]), gy.shape)]);
}

/** ∂x of conv2d: the transposed convolution of gy [N, O, Ho, Wo] with W [O, C, kH, kW] → [N, C, H, W]. */
function convBackwardInput(gy: Tensor, weight: Tensor, g: ConvGeometry): Tensor {
  const [gg, ww] = common([gy, weight]) as [Tensor, Tensor];
  const out = new Tensor(allocValues(gg.dtype, g.n * g.c * g.h * g.w), [g.n, g.c, g.h, g.w]);
  conv2dInputGradKernel(gg.data, ww.data, out.data, g);
  return record(
    out,
    "conv2dBackwardInput",
    [gg, ww],
    (h) => [gg.requiresGrad ? convForward(h, ww, null, g) : null, ww.requiresGrad ? convBackwardWeight(h, gg, g) : null],
    convArgs(g),
  );
}

/** ∂W of conv2d: Σ over the batch of gy[n]·col(x[n])ᵀ → [O, C, kH, kW]. */
function convBackwardWeight(x: Tensor, gy: Tensor, g: ConvGeometry): Tensor {
  const [xx, gg] = common([x, gy]) as [Tensor, Tensor];
  const out = new Tensor(allocValues(xx.dtype, g.o * g.c * g.kh * g.kw), [g.o, g.c, g.kh, g.kw]);
  conv2dWeightGradKernel(xx.data, gg.data, out.data, g);
  return record(
    out,
    "conv2dBackwardWeight",
    [xx, gg],
    (hw) => [xx.requiresGrad ? convBackwardInput(gg, hw, g) : null, gg.requiresGrad ? convForward(xx, hw, null, g) : null],
    convArgs(g),
  );
}

/** Checks a pooling call and returns its geometry. */
function poolGeometry(x: Tensor, kernel: unknown, stride: unknown, op: string): PoolGeometry {
  expectTensor(x, op);
  const [kh, kw] = pair(kernel, op, "kernel", 1);
  const [sh, sw] = stride === undefined || stride === null ? [kh, kw] : pair(stride, op, "stride", 1);
  if (x.ndim !== 4) {
    throw new RangeError(`${op}: expected input of shape [batch, channels, height, width] (4-d), got ${fmt(x.shape)}`);
  }
  const [n, c, h, w] = x.shape;
  if (kh > h || kw > w) {
    throw new RangeError(
      `${op}: kernel ${kh}×${kw} is larger than the input ${h}×${w} (shape ${fmt(x.shape)}; pooling has no padding)`,
    );
  }
  return { planes: n * c, h, w, kh, kw, sh, sw, ho: outputSize(h, kh, sh, 0), wo: outputSize(w, kw, sw, 0) };
}

const poolShape = (x: Tensor, g: PoolGeometry) => [x.shape[0], x.shape[1], g.ho, g.wo];
const poolArgs = (g: PoolGeometry) => ({ kernel: [g.kh, g.kw], stride: [g.sh, g.sw] });

/**
 * The maximum of each kernel×kernel window, windows `stride` apart (default: the kernel, so
 * they tile the image): [N, C, H, W] → [N, C, Ho, Wo], Ho = ⌊(H − kH) / stride⌋ + 1. The gradient
 * goes to each window's first maximum (row-major) on ties; overlapping windows add up.
 *
 * @example
 * ```ts
 * import { maxPool2d, tensor } from "actigrad";
 * const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 1, 1], [6, 1, 3, 7]]]]);
 * console.log(maxPool2d(x, 2).toString());
 * ```
 * ```text
 * tensor([[[[5, 8], [6, 7]]]], dtype=float64)
 * ```
 */
export function maxPool2d(x: Tensor, kernel: Pair, stride?: Pair): Tensor {
  const g = poolGeometry(x, kernel, stride, "maxPool2d");
  const idx = new Int32Array(g.planes * g.ho * g.wo);
  maxPoolIndexKernel(x.data, idx, g);
  return takeFlat(x, idx, poolShape(x, g), "maxPool2d", poolArgs(g));
}

/**
 * The mean of each kernel×kernel window, windows `stride` apart (default: the kernel); no padding:
 * y[n, c, i, j] = (1 / (kH·kW)) Σ_{p, q} x[n, c, i·stride + p, j·stride + q]. Gradient: each
 * window's upstream spread evenly, 1/(kH·kW) to each of its elements; overlapping windows add up.
 *
 * @example
 * ```ts
 * import { avgPool2d, tensor } from "actigrad";
 * const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 1, 1], [6, 1, 3, 7]]]]);
 * console.log(avgPool2d(x, 2).toString());
 * ```
 * ```text
 * tensor([[[[3.25, 2.75], [2.25, 3]]]], dtype=float64)
 * ```
 */
export function avgPool2d(x: Tensor, kernel: Pair, stride?: Pair): Tensor {
  return avgPoolOp(x, poolGeometry(x, kernel, stride, "avgPool2d"));
}

function avgPoolOp(x: Tensor, g: PoolGeometry): Tensor {
  const out = new Tensor(allocValues(x.dtype, g.planes * g.ho * g.wo), poolShape(x, g));
  avgPoolKernel(x.data, out.data, g);
  return record(out, "avgPool2d", [x], (gy) => [avgPoolBackward(gy, x.shape, g)], poolArgs(g));
}

/** avgPool2d's rule: g / (kH·kW) spread over each window; its own rule is avgPool2d. */
function avgPoolBackward(gy: Tensor, shape: readonly number[], g: PoolGeometry): Tensor {
  const out = new Tensor(allocValues(gy.dtype, g.planes * g.h * g.w), shape);
  avgPoolBackwardKernel(gy.data, out.data, g);
  return record(out, "avgPool2dBackward", [gy], (h) => [avgPoolOp(h, g)], poolArgs(g));
}
