/**
 * `exportOnnx(model, { inputShape })`: the model as an ONNX file (a ModelProto, IR 8, opset 17 by
 * default), which runs unchanged in onnxruntime (Python, Node, browsers) — the way a model
 * graduates from actigrad.
 *
 *   const bytes = exportOnnx(model, { inputShape: [null, 4] });   // null: the batch axis, free
 *   fs.writeFileSync("model.onnx", bytes);
 *
 * How: the model runs forward on a dummy input of its dtype while a graph hook (the one the
 * teaching tools use, src/teach/hooks.ts) watches every op the engine records — with or without
 * gradients, since `record` calls the hook either way. Each op becomes one or more ONNX nodes;
 * parameters and buffers become initializers under their state-dict names ("0.weight"); other
 * constants are initializers too. An activation made with `defineActivation` from tensor ops is
 * recorded as one node, but its forward's own ops are watched as they run, so it is exported as
 * those ops; the built-ins have their own rows below.
 *
 * The forward runs twice, on batches of 2 and 3 (random values): the two traces must be the same
 * ops. Axes whose size differs between them follow the batch, so a reshape writes 0 (copy) or −1
 * (infer) there and the file works for every batch size; and any constant that differs between them
 * was computed from the input outside the recorded ops (a comparison, say), which is an error.
 *
 * The model runs in eval mode (Dropout is the identity, BatchNorm1d uses its running statistics)
 * and every module's mode is put back after.
 *
 * actigrad op            ONNX (opset 17)
 * ─────────────────────  ──────────────────────────────────────────────────────────────────────
 * add sub mul div        Add Sub Mul Div (mean = sum / n becomes ReduceMean)
 * maximum minimum        Max Min
 * neg exp log abs sqrt   Neg Exp Log Abs Sqrt
 * sign sin cos           Sign Sin Cos
 * pow(p)                 Pow(x, p)
 * square expm1 log1p     Mul(x, x); Exp(x) − 1; Log(x + 1)
 * step                   Cast(Greater(x, 0))
 * erf                    Erf (float32); float64: the engine's own series / continued fraction in ops
 * clamp(min, max)        Clip
 * cast                   Cast
 * where, maskedFill      Where (the condition cast to bool)
 * matmul                 MatMul; Gemm (transB = 1) for Linear's x·Wᵀ, its bias added as Gemm's C
 * sum                    ReduceSum (axes as an input)
 * max min logsumexp      ReduceMax ReduceMin ReduceLogSumExp (axes an attribute; an input from opset 18)
 * var std                ReduceMean, Sub, Mul, ReduceSum, Div (and Sqrt)
 * reshape flatten
 * squeeze unsqueeze      Reshape (0 or −1 on the batch axis)
 * transpose permute      Transpose
 * expand broadcastTo     Expand
 * concat stack split     Concat (stack: Unsqueeze + Concat); Slice
 * select slice           Gather; Slice
 * indexSelect            Gather
 * conv2d                 Conv (pads, strides); float64: im2col in ops (Pad, Slice, Concat, Transpose, MatMul) —
 *                        onnxruntime has no float64 Conv
 * maxPool2d avgPool2d    MaxPool AveragePool; float64 avgPool2d: Sum of the windows' strided Slices / (kH·kW) — no
 *                        float64 AveragePool
 * sigmoid tanh relu      Sigmoid Tanh Relu
 * softplus               Softplus (float32); float64: Relu(x) + Log(1 + Exp(−|x|)) — onnxruntime has no float64 Softplus
 * softmax logSoftmax     Softmax LogSoftmax (axis)
 * maxout(pieces)         Reshape to [..., n, pieces] + ReduceMax(axes = [−1], keepdims = 0) — ONNX has no Maxout
 * leakyRelu(slope)       LeakyRelu (float32); float64: Where(x > 0, x, slope·x), so the slope stays a double
 * elu(alpha)             Elu (float32); float64: Where(x > 0, x, alpha·(Exp(min(x, 0)) − 1)) — no float64 Elu
 * gelu                   0.5·x·(1 + Erf(x/√2)); "tanh": 0.5·x·(1 + Tanh(√(2/π)(x + 0.044715x³))) (Gelu from opset 20, float32)
 * silu                   x·Sigmoid(x)
 * BatchNorm1d (eval)     BatchNormalization with weight, bias and the running statistics (its epsilon is a float
 *                        attribute, so float32 even in a float64 model: 1e-5 becomes 1e-5 − 2.5e-13)
 * LayerNorm              its ops: ReduceMean, Sub, Mul, ReduceMean, Add, Sqrt, Div, Mul, Add
 * Dropout (eval)         nothing: the identity
 *
 * Ops whose inputs do not depend on the model's input (a parameter reshaped, say) are not written:
 * their results are initializers. Anything else — an op with no row here (gather, for one), an
 * activation computed by a loop (a `kernel` or `row`), or a tensor computed from the input by
 * something that records no op (the comparisons gt, lt, eq …: use step(x) for a mask) — is a
 * TypeError naming the op and the layer it ran in.
 */
import { type FloatDType, getDefaultDtype } from "../../memory/dtype.js";
import { Module } from "../../nn/module.js";
import { Tensor } from "../../tensor/tensor.js";
import { ACTIVATIONS } from "./activations.js";
import { Converter } from "./converter.js";
import { OPS } from "./ops.js";
import { encodeModel, typeOf, type ValueInfo } from "./proto.js";
import { dummy, layersOf, runTrace, type TraceEvent } from "./trace.js";

/**
 * Options of the ONNX export: the input's shape (with a free batch axis), the opset and the dtype.
 *
 * @example
 * ```ts
 * import { exportOnnx, type ExportOnnxOptions } from "actigrad";
 * const opts: ExportOnnxOptions = { inputShape: [null, 3], opset: 13, dtype: "float32" };
 * const bytes = exportOnnx((x) => x.softmax(-1), opts); // a float32 input of [batch, 3]
 * console.log(bytes.length);
 * ```
 * ```text
 * 141
 * ```
 */
export interface ExportOnnxOptions {
  /** The input's shape; `null` marks the free batch axis (at most one), written as dim_param "batch". */
  inputShape: readonly (number | null)[];
  /** The ONNX opset, 13 to 21 (default 17). */
  opset?: number;
  /** The input's dtype; by default a module's parameters' (or buffers'), else the default dtype. */
  dtype?: FloatDType;
}

/**
 * Something with a forward: a Module, or a plain function of one tensor.
 *
 * @example
 * ```ts
 * import { exportOnnx, tensor, type Exportable } from "actigrad";
 * const w = tensor([[2], [-1]]);
 * const f: Exportable = (x) => x.matmul(w).sigmoid(); // w becomes an initializer
 * console.log(exportOnnx(f, { inputShape: [null, 2] }).length);
 * ```
 * ```text
 * 209
 * ```
 */
export type Exportable = Module | ((x: Tensor) => Tensor);

/**
 * The recorded ops `exportOnnx` writes (activations besides these are written as their own ops).
 *
 * @example
 * ```ts
 * import { onnxOps } from "actigrad";
 * console.log(onnxOps.length, onnxOps.includes("matmul"), onnxOps.includes("gather"));
 * console.log(onnxOps.slice(0, 6));
 * ```
 * ```text
 * 59 true false
 * [ 'abs', 'add', 'avgPool2d', 'broadcastTo', 'cast', 'clamp' ]
 * ```
 */
export const onnxOps: readonly string[] = Object.freeze([...Object.keys(OPS), ...Object.keys(ACTIVATIONS)].sort());

// ---------------------------------------------------------------------------------------------
// exportOnnx

const describe = (v: unknown): string =>
  v === null
    ? "null"
    : v === undefined
      ? "undefined"
      : Array.isArray(v)
        ? `[${v.map((e) => (e === null ? "null" : typeof e === "number" ? String(e) : typeof e)).join(", ")}]`
        : typeof v === "number"
          ? String(v)
          : typeof v;

function checkOptions(opts: unknown): { inputShape: (number | null)[]; opset: number; dtype?: FloatDType } {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(
      `exportOnnx: the options must be an object { inputShape, opset? }, e.g. { inputShape: [null, 4] }, got ${describe(opts)}`,
    );
  }
  const { inputShape, opset = 17, dtype } = opts as Partial<ExportOnnxOptions>;
  if (!Array.isArray(inputShape)) {
    throw new TypeError(
      `exportOnnx: inputShape must be an array of positive integers, with null for the free batch axis (e.g. [null, 4]), got ${describe(inputShape)}`,
    );
  }
  inputShape.forEach((d, i) => {
    if (d !== null && (typeof d !== "number" || !Number.isInteger(d) || d < 1)) {
      throw new RangeError(
        `exportOnnx: inputShape ${describe(inputShape)}: entry ${i} is ${describe(d)}; each must be a positive integer, or null for the batch axis`,
      );
    }
  });
  if (inputShape.filter((d) => d === null).length > 1) {
    throw new RangeError(
      `exportOnnx: inputShape ${describe(inputShape)} has more than one null; only the batch axis can be free`,
    );
  }
  if (typeof opset !== "number" || !Number.isInteger(opset) || opset < 13 || opset > 21) {
    throw new RangeError(`exportOnnx: opset must be an integer from 13 to 21 (default 17), got ${describe(opset)}`);
  }
  if (dtype !== undefined && dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(`exportOnnx: dtype must be "float32" or "float64", got ${describe(dtype)}`);
  }
  return { inputShape: inputShape.slice(), opset, ...(dtype ? { dtype } : {}) };
}

/**
 * The model as ONNX bytes (a ModelProto): one forward pass traced, each recorded op written as
 * ONNX nodes, parameters as initializers named by their state-dict keys. `inputShape` gives the
 * input's shape with `null` for the free batch axis. See the table at the top of this file for
 * what each op becomes; an op with none is a TypeError naming it and its layer.
 *
 * @example
 * ```ts
 * import { exportOnnx, manualSeed, nn } from "actigrad";
 * manualSeed(0);
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
 * const bytes = exportOnnx(model, { inputShape: [null, 4] }); // opset 17, the batch axis free
 * console.log(bytes.constructor.name, bytes.length);
 * // writeFileSync("model.onnx", bytes): onnxruntime (Python, Node, web) runs it as it is
 * ```
 * ```text
 * Uint8Array 879
 * ```
 */
export function exportOnnx(model: Exportable, options: ExportOnnxOptions): Uint8Array {
  const isModule = model instanceof Module;
  if (!isModule && typeof model !== "function") {
    throw new TypeError(`exportOnnx: model must be a Module (or a function of one tensor), got ${describe(model)}`);
  }
  const { inputShape, opset, dtype: given } = checkOptions(options);
  const layers = isModule ? layersOf(model) : new Map<Module, string>();
  const named = isModule ? model.namedTensors() : [];
  const own = isModule ? (model.parameters()[0] ?? named[0]?.[1]) : undefined;
  if (given !== undefined && own !== undefined && own.dtype !== given) {
    throw new TypeError(
      `exportOnnx: dtype "${given}" differs from the model's parameters, which are ${own.dtype}; an nn layer takes input of its parameters' dtype, so leave dtype out (the export then uses ${own.dtype}) or build the model in ${given}`,
    );
  }
  const dtype: FloatDType = given ?? (own?.dtype === "float32" || own?.dtype === "float64" ? own.dtype : getDefaultDtype());
  const fn = isModule ? (x: Tensor) => model.forward(x) : model;

  // Eval mode for the trace (Dropout the identity, BatchNorm1d its running statistics), put back after.
  const modes = [...layers.keys()].map((m) => [m, m.training] as const);
  for (const [m] of modes) m.training = false;
  const batchDims = inputShape.map((d) => d === null);
  const shapeFor = (batch: number) => inputShape.map((d) => d ?? batch);
  let a: { events: TraceEvent[]; out: unknown };
  let b: { events: TraceEvent[]; out: unknown };
  const xa = dummy(shapeFor(2), dtype, 0x9e3779b9);
  const xb = dummy(shapeFor(3), dtype, 0x85ebca6b);
  try {
    a = runTrace(fn, xa, layers);
    b = runTrace(fn, xb, layers);
  } finally {
    for (const [m, mode] of modes) m.training = mode;
  }
  if (!(a.out instanceof Tensor)) {
    throw new TypeError(`exportOnnx: the model's forward must return a Tensor, got ${describe(a.out)}`);
  }
  if (a.out.dtype === "int32")
    throw new TypeError("exportOnnx: the model returns an int32 tensor (indices); export its float output");
  // The two traces must be the same ops in the same order.
  const shape = (s: readonly number[]) => `[${s.join(", ")}]`;
  const common = Math.min(a.events.length, b.events.length);
  let at = a.events.slice(0, common).findIndex((e, i) => {
    const f = b.events[i];
    if (e.kind !== f.kind) return true;
    if (e.kind === "op" && f.kind === "op")
      return e.op !== f.op || e.inputs.length !== f.inputs.length || e.out.ndim !== f.out.ndim;
    return false;
  });
  if (at < 0 && a.events.length !== b.events.length) at = common;
  if (at >= 0) {
    const what = (e: TraceEvent | undefined) =>
      e === undefined ? "nothing" : e.kind === "op" ? `op "${e.op}"` : "a layer's end";
    throw new TypeError(
      `exportOnnx: the forward ran different ops for inputs of shapes ${shape(xa.shape)} and ${shape(xb.shape)} ` +
        `(step ${at + 1}: ${what(a.events[at])} vs ${what(b.events[at])}); a model whose ops depend on the input's values ` +
        "or size cannot be one ONNX graph",
    );
  }

  const c = new Converter(xa, opset, batchDims, named, { ops: OPS, activations: ACTIVATIONS });
  c.pair(a.events, b.events, xb);
  a.events.forEach((e, i) => c.emit(e, i));
  const { nodes, inits, output } = c.finish(a.out);
  const input: ValueInfo = {
    name: "input",
    type: typeOf(dtype),
    dims: inputShape.map((d) => (d === null ? "batch" : d)),
  };
  return encodeModel(nodes, inits, input, output, opset);
}
