/**
 * The table of ops: one emitter per recorded op (the rows of the table in index.ts), each writing
 * the op's ONNX nodes through the Converter and returning the name of its output.
 */
import type { Tensor } from "../../tensor/tensor.js";
import {
  axesArg,
  binary,
  type Converter,
  type Emitter,
  ExportError,
  greaterThanZero,
  input0,
  listArg,
  numberArg,
  unary,
} from "./converter.js";
import { conv64, erf64, windows } from "./decompose.js";
import { int, ints, OnnxType, typeOf } from "./proto.js";

/** Reductions over axes of x in pass A: the count of each group, which must not follow the batch. */
function groupCount(c: Converter, x: Tensor, axes: readonly number[], op: string): number {
  const v = c.varying(x);
  if (axes.some((a) => v[a])) {
    throw ExportError(`exportOnnx: ${op} over the batch axis divides by the batch size, which the graph cannot fix`);
  }
  return axes.reduce((n, a) => n * x.shape[a], 1);
}

/** y = x·Wᵀ (+ b later) as Gemm for 2-d products read transposed; MatMul otherwise. */
const matmul: Emitter = (c, e) => {
  const [a, b] = [c.value(e.inputs[0], e.out.dtype), c.value(e.inputs[1], e.out.dtype)];
  const ta = e.args?.transposeA === true;
  const tb = e.args?.transposeB === true;
  if (!ta && !tb) return c.node("MatMul", [a, b]);
  return c.node("Gemm", [a, b], [...(ta ? [int("transA", 1)] : []), ...(tb ? [int("transB", 1)] : [])]);
};

/** a + b, folding a bias into the Gemm that made a (Linear's x·Wᵀ + b) when a is used only there. */
const add: Emitter = (c, e) => {
  const [a, b] = e.inputs;
  const made = c.producerOf(a);
  const gemm = c.nameOf(a) !== undefined ? c.nodeOf(c.nameOf(a)!) : undefined;
  if (
    made?.op === "matmul" &&
    gemm?.opType === "Gemm" &&
    gemm.inputs.length === 2 &&
    c.usesOf(a) === 1 &&
    !c.isDynamic(b) &&
    a.ndim === 2 &&
    b.dtype === a.dtype &&
    a.dtype === e.out.dtype &&
    ((b.ndim === 1 && b.shape[0] === a.shape[1]) || (b.ndim === 2 && b.shape[0] === 1 && b.shape[1] === a.shape[1]))
  ) {
    gemm.inputs.push(c.value(b));
    return gemm.outputs[0];
  }
  return binary("Add")(c, e);
};

/** a / b, or ReduceMean when a = sum(x, axes) and b its count (what mean() records). */
const div: Emitter = (c, e) => {
  const [a, b] = e.inputs;
  const made = c.producerOf(a);
  if (made?.op === "sum" && !c.isDynamic(b) && b.size === 1 && c.isDynamic(made.inputs[0])) {
    const x = made.inputs[0];
    const axes = axesArg(made);
    const v = c.varying(x);
    const countA = axes.reduce((n, k) => n * x.shape[k], 1);
    const countB = axes.reduce((n, k) => n * c.otherDim(x, k), 1);
    if (b.data[0] === countA && c.other(b).data[0] === countB && (countA === countB || axes.some((k) => v[k]))) {
      return c.reduce("ReduceMean", c.value(x, e.out.dtype), axes, made.args?.keepDims === true);
    }
  }
  return binary("Div")(c, e);
};

/** Reshape-like ops (reshape, flatten, squeeze, unsqueeze): Reshape to the traced shape, batch-free. */
const reshape: Emitter = (c, e) => {
  const [x] = e.inputs;
  return c.node("Reshape", [c.value(x), c.i64(c.reshapeTarget(x, e.out, e.op))]);
};

/** Expand (and broadcastTo): 1 on batch axes, which broadcasting fills from x's own batch axis. */
const expand: Emitter = (c, e) => {
  const [x] = e.inputs;
  const outV = c.varying(e.out);
  const inV = c.varying(x);
  const lead = e.out.ndim - x.ndim;
  const dims = e.out.shape.map((d, i) => {
    if (!outV[i]) return d;
    if (i - lead >= 0 && inV[i - lead]) return 1;
    throw ExportError(`exportOnnx: ${e.op} to [${e.out.shape.join(", ")}] repeats a tensor along the batch axis it lacks`);
  });
  return c.node("Expand", [c.value(x), c.i64(dims)]);
};

const transpose: Emitter = (c, e) => {
  const perm = e.out.shape.map((_, i) => i);
  const a0 = numberArg(e, "axis0");
  const a1 = numberArg(e, "axis1");
  [perm[a0], perm[a1]] = [perm[a1], perm[a0]];
  return c.node("Transpose", [c.value(e.inputs[0])], [ints("perm", perm)]);
};

const reduceAttr =
  (opType: string): Emitter =>
  (c, e) =>
    c.reduce(opType, input0(c, e), axesArg(e), e.args?.keepDims === true);

/** var and std: Σ(x − mean)² / (n − correction), and its square root. */
const variance =
  (root: boolean): Emitter =>
  (c, e) => {
    const x = e.inputs[0];
    const axes = axesArg(e);
    const n = groupCount(c, x, axes, e.op);
    const xs = c.value(x);
    const mean = c.reduce("ReduceMean", xs, axes, true);
    const d = c.node("Sub", [xs, mean]);
    const s = c.reduce("ReduceSum", c.node("Mul", [d, d]), axes, e.args?.keepDims === true);
    const v = c.node("Div", [s, c.scalar(n - numberArg(e, "correction"), x.dtype)]);
    return root ? c.node("Sqrt", [v]) : v;
  };

const asBool = (c: Converter, t: Tensor) => c.node("Cast", [c.value(t)], [int("to", OnnxType.BOOL)]);

const pool =
  (opType: string): Emitter =>
  (c, e) => {
    const kernel = listArg(e, "kernel");
    const stride = listArg(e, "stride");
    return c.node(opType, [c.value(e.inputs[0])], [ints("kernel_shape", kernel), ints("strides", stride)]);
  };

export const OPS: Record<string, Emitter> = {
  add,
  sub: binary("Sub"),
  mul: binary("Mul"),
  div,
  maximum: binary("Max"),
  minimum: binary("Min"),
  neg: unary("Neg"),
  exp: unary("Exp"),
  log: unary("Log"),
  abs: unary("Abs"),
  sqrt: unary("Sqrt"),
  sign: unary("Sign"),
  sin: unary("Sin"),
  cos: unary("Cos"),
  erf: (c, e) => (e.out.dtype === "float64" ? erf64(c, input0(c, e), "float64") : unary("Erf")(c, e)),
  pow: (c, e) => c.node("Pow", [input0(c, e), c.scalar(numberArg(e, "p"), e.out.dtype)]),
  square: (c, e) => {
    const x = input0(c, e);
    return c.node("Mul", [x, x]);
  },
  expm1: (c, e) => c.node("Sub", [c.node("Exp", [input0(c, e)]), c.scalar(1, e.out.dtype)]),
  log1p: (c, e) => c.node("Log", [c.node("Add", [input0(c, e), c.scalar(1, e.out.dtype)])]),
  step: (c, e) => c.node("Cast", [greaterThanZero(c, input0(c, e), e.out.dtype)], [int("to", typeOf(e.out.dtype))]),
  clamp: (c, e) => {
    const lo = numberArg(e, "min");
    const hi = numberArg(e, "max");
    const bound = (v: number) => (Number.isFinite(v) ? c.scalar(v, e.out.dtype) : "");
    const inputs = [input0(c, e), bound(lo), bound(hi)];
    while (inputs[inputs.length - 1] === "") inputs.pop();
    return c.node("Clip", inputs);
  },
  cast: (c, e) => c.node("Cast", [c.value(e.inputs[0])], [int("to", typeOf(e.out.dtype))]),
  where: (c, e) => {
    const [cond, a, b] = e.inputs;
    return c.node("Where", [asBool(c, cond), c.value(a, e.out.dtype), c.value(b, e.out.dtype)], []);
  },
  maskedFill: (c, e) => {
    const [x, mask, v] = e.inputs;
    const fill = v !== undefined ? c.value(v, e.out.dtype) : c.scalar(numberArg(e, "value"), e.out.dtype);
    return c.node("Where", [asBool(c, mask), fill, c.value(x, e.out.dtype)], []);
  },
  matmul,
  sum: (c, e) => c.reduce("ReduceSum", input0(c, e), axesArg(e), e.args?.keepDims === true),
  max: reduceAttr("ReduceMax"),
  min: reduceAttr("ReduceMin"),
  logsumexp: reduceAttr("ReduceLogSumExp"),
  var: variance(false),
  std: variance(true),
  reshape,
  flatten: reshape,
  squeeze: reshape,
  unsqueeze: reshape,
  expand,
  broadcastTo: expand,
  transpose,
  permute: (c, e) => c.node("Transpose", [c.value(e.inputs[0])], [ints("perm", axesArg(e))]),
  concat: (c, e) =>
    c.node(
      "Concat",
      e.inputs.map((t) => c.value(t, e.out.dtype)),
      [int("axis", numberArg(e, "axis"))],
    ),
  stack: (c, e) => {
    const axis = numberArg(e, "axis");
    const parts = e.inputs.map((t) => c.node("Unsqueeze", [c.value(t, e.out.dtype), c.i64([axis])]));
    return c.node("Concat", parts, [int("axis", axis)]);
  },
  split: (c, e) => {
    const axis = numberArg(e, "axis");
    const start = numberArg(e, "start");
    const size = listArg(e, "sizes")[numberArg(e, "index")];
    if (c.varying(e.inputs[0])[axis]) throw ExportError("exportOnnx: split along the batch axis cannot follow the batch size");
    return c.node("Slice", [c.value(e.inputs[0]), c.i64([start]), c.i64([start + size]), c.i64([axis])]);
  },
  select: (c, e) =>
    c.node(
      "Gather",
      [c.value(e.inputs[0]), c.constant([numberArg(e, "index")], [], OnnxType.INT64)],
      [int("axis", numberArg(e, "axis"))],
    ),
  slice: (c, e) => {
    const x = e.inputs[0];
    const axis = numberArg(e, "axis");
    const start = numberArg(e, "start");
    let end = numberArg(e, "end");
    // Up to the end of a batch axis: to the end of whatever batch comes.
    if (c.varying(x)[axis] && end >= x.shape[axis]) end = Number.MAX_SAFE_INTEGER;
    return c.node("Slice", [c.value(x), c.i64([start]), c.i64([end]), c.i64([axis]), c.i64([numberArg(e, "step")])]);
  },
  indexSelect: (c, e) =>
    c.node("Gather", [c.value(e.inputs[0]), c.i64(listArg(e, "indices"))], [int("axis", numberArg(e, "axis"))]),
  conv2d: (c, e) => {
    const [x, w, b] = e.inputs;
    const stride = listArg(e, "stride");
    const padding = listArg(e, "padding");
    const dtype = e.out.dtype;
    const inputs = [c.value(x, dtype), c.value(w, dtype), ...(b ? [c.value(b, dtype)] : [])];
    if (dtype === "float64") return conv64(c, e, inputs, stride, padding);
    return c.node("Conv", inputs, [
      ints("kernel_shape", w.shape.slice(2)),
      ints("strides", stride),
      ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
    ]);
  },
  maxPool2d: pool("MaxPool"),
  avgPool2d: (c, e) => {
    if (e.out.dtype !== "float64") return pool("AveragePool")(c, e);
    // onnxruntime has no float64 AveragePool: the sum of the window's kH·kW strided views, / (kH·kW).
    const [kh, kw] = listArg(e, "kernel");
    const [sh, sw] = listArg(e, "stride");
    const views = windows(c, c.value(e.inputs[0]), [kh, kw], [sh, sw], [0, 0], e.out.shape.slice(2));
    return c.node("Div", [c.node("Sum", views), c.scalar(kh * kw, "float64")]);
  },
};
