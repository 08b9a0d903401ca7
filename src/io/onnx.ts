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
import { alloc, type FloatDType, getDefaultDtype } from "../memory/dtype.js";
import { Module } from "../nn/module.js";
import { BatchNorm1d } from "../nn/norm.js";
import { registry } from "../ops/define.js";
import { withHooks } from "../teach/hooks.js";
import { noGrad } from "../tensor/graph.js";
import { Tensor } from "../tensor/tensor.js";
import { ProtoWriter } from "./protobuf.js";

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
 * ```
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
 * ```
 * 209
 * ```
 */
export type Exportable = Module | ((x: Tensor) => Tensor);

// ---------------------------------------------------------------------------------------------
// The ONNX model, as plain data, and its encoding (field numbers from onnx.proto)

/** TensorProto.DataType values used here. */
const OnnxType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

type Attr =
  | { name: string; type: "int"; value: number }
  | { name: string; type: "ints"; value: readonly number[] }
  | { name: string; type: "float"; value: number }
  | { name: string; type: "string"; value: string };

const int = (name: string, value: number): Attr => ({ name, type: "int", value });
const ints = (name: string, value: readonly number[]): Attr => ({ name, type: "ints", value });
const float = (name: string, value: number): Attr => ({ name, type: "float", value });
const str = (name: string, value: string): Attr => ({ name, type: "string", value });

interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Attr[];
  /** Set on a placeholder for an op with no ONNX form: thrown if the output needs it. */
  error?: Error;
}

interface Initializer {
  name: string;
  dims: number[];
  type: number;
  raw: Uint8Array;
  /** Set on a constant that is not constant (it changed with the input): thrown if the output needs it. */
  error?: Error;
}

/** A graph input or output: name, element type, dims (a number, a dim_param, or null for unknown). */
interface ValueInfo {
  name: string;
  type: number;
  dims: (number | string | null)[];
}

function encodeAttr(a: Attr): ProtoWriter {
  // AttributeProto: name = 1, f = 2, i = 3, s = 4, ints = 8, type = 20 (FLOAT 1, INT 2, STRING 3, INTS 7).
  const w = new ProtoWriter().string(1, a.name);
  switch (a.type) {
    case "float":
      return w.float(2, a.value).uint(20, 1);
    case "int":
      return w.int64(3, a.value).uint(20, 2);
    case "string":
      return w.string(4, a.value).uint(20, 3);
    case "ints":
      for (const v of a.value) w.int64(8, v);
      return w.uint(20, 7);
  }
}

function encodeNode(n: OnnxNode): ProtoWriter {
  // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attrs) w.message(5, encodeAttr(a));
  return w;
}

function encodeTensor(t: Initializer): ProtoWriter {
  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian).
  const w = new ProtoWriter();
  for (const d of t.dims) w.int64(1, d);
  return w.uint(2, t.type).string(8, t.name).bytes(9, t.raw);
}

function encodeValueInfo(v: ValueInfo): ProtoWriter {
  // ValueInfoProto: name = 1, type = 2; TypeProto: tensor_type = 1; TypeProto.Tensor: elem_type = 1,
  // shape = 2; TensorShapeProto: dim = 1; Dimension: dim_value = 1, dim_param = 2.
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === "number") dim.int64(1, d);
    else if (typeof d === "string") dim.string(2, d);
    shape.message(1, dim);
  }
  const tensorType = new ProtoWriter().uint(1, v.type).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

function encodeModel(
  nodes: readonly OnnxNode[],
  inits: readonly Initializer[],
  input: ValueInfo,
  output: ValueInfo,
  opset: number,
): Uint8Array {
  // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.
  const graph = new ProtoWriter();
  for (const n of nodes) graph.message(1, encodeNode(n));
  graph.string(2, "actigrad");
  for (const t of inits) graph.message(5, encodeTensor(t));
  graph.message(11, encodeValueInfo(input)).message(12, encodeValueInfo(output));
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2).
  // IR 8 goes with opsets up to 18; 19 and 20 need IR 9, 21 needs IR 10.
  const ir = opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
  return new ProtoWriter()
    .int64(1, ir)
    .string(2, "actigrad")
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, "").int64(2, opset))
    .finish();
}

/** Little-endian bytes of numbers as float32, float64, int32 or int64 (raw_data). */
function rawBytes(values: ArrayLike<number>, type: number): Uint8Array {
  const size = type === OnnxType.DOUBLE || type === OnnxType.INT64 ? 8 : type === OnnxType.BOOL ? 1 : 4;
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (type === OnnxType.FLOAT) view.setFloat32(i * 4, v, true);
    else if (type === OnnxType.DOUBLE) view.setFloat64(i * 8, v, true);
    else if (type === OnnxType.INT32) view.setInt32(i * 4, v, true);
    else if (type === OnnxType.INT64) view.setBigInt64(i * 8, BigInt(v), true);
    else out[i] = v !== 0 ? 1 : 0;
  }
  return out;
}

const typeOf = (dtype: string): number =>
  dtype === "float32" ? OnnxType.FLOAT : dtype === "float64" ? OnnxType.DOUBLE : OnnxType.INT32;

// ---------------------------------------------------------------------------------------------
// Tracing

interface Layer {
  path: string;
  module: Module;
}

interface OpEvent {
  kind: "op";
  op: string;
  inputs: readonly Tensor[];
  out: Tensor;
  args: Readonly<Record<string, unknown>> | undefined;
  layer: Layer | null;
}

interface ModuleEvent {
  kind: "module";
  module: Module;
  input: Tensor;
  out: Tensor;
  layer: Layer;
  /** The module's mode during the trace (the model's own is put back before the ops are written). */
  training: boolean;
}

type TraceEvent = OpEvent | ModuleEvent;

/** A small deterministic generator for the dummy inputs (the global one is left alone). */
function dummy(shape: number[], dtype: FloatDType, seed: number): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  const data = alloc(dtype, size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = ((s >>> 0) / 4294967296) * 4 - 2;
  }
  return new Tensor(data, shape);
}

/** Every module of the model with its state-dict path ("" for the model itself), each once. */
function layersOf(model: Module): Map<Module, string> {
  const out = new Map<Module, string>([[model, ""]]);
  const walk = (m: Module, prefix: string) => {
    for (const [key, child] of m.children()) {
      if (out.has(child)) continue;
      out.set(child, prefix + key);
      walk(child, `${prefix}${key}.`);
    }
  };
  walk(model, "");
  return out;
}

/** One forward pass of `fn` on x, with every recorded op and every module's call as events. */
function runTrace(fn: (x: Tensor) => Tensor, x: Tensor, layers: Map<Module, string>): { events: TraceEvent[]; out: unknown } {
  const events: TraceEvent[] = [];
  const stack: Layer[] = [];
  const restore: (() => void)[] = [];
  // Each module's forward is wrapped (an own, non-enumerable property shadowing the class's) and put back after.
  for (const [m, path] of layers) {
    const slot = m as unknown as { forward: (x: Tensor) => Tensor };
    const own = Object.getOwnPropertyDescriptor(m, "forward");
    const forward = slot.forward;
    const layer: Layer = { path, module: m };
    Object.defineProperty(m, "forward", {
      value(input: Tensor) {
        stack.push(layer);
        try {
          const y = forward.call(m, input);
          if (input instanceof Tensor && y instanceof Tensor)
            events.push({ kind: "module", module: m, input, out: y, layer, training: m.training });
          return y;
        } finally {
          stack.pop();
        }
      },
      configurable: true,
      writable: true,
      enumerable: false,
    });
    restore.push(() => {
      if (own) Object.defineProperty(m, "forward", own);
      else delete (slot as { forward?: unknown }).forward;
    });
  }
  try {
    const out = withHooks(
      {
        forward(t, op, inputs, args) {
          events.push({ kind: "op", op, inputs, out: t, args, layer: stack[stack.length - 1] ?? null });
        },
      },
      () => noGrad(() => fn(x)),
    );
    return { events, out };
  } finally {
    for (const r of restore) r();
  }
}

// ---------------------------------------------------------------------------------------------
// Conversion

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

function layerName(layer: Layer | null): string {
  if (layer === null) return "";
  const m = layer.module;
  const cls = m.constructor.name || "Module";
  const extra = m.extraRepr().split("\n")[0];
  const what = `${cls}(${extra})`;
  return layer.path === "" ? ` (in the model, ${what})` : ` (in layer "${layer.path}", ${what})`;
}

/**
 * Errors about one op that cannot be written: caught per op and kept as a placeholder, thrown
 * (as the TypeError they are) only if the output needs that op.
 */
const exportErrors = new WeakSet<Error>();

function ExportError(message: string): TypeError {
  const err = new TypeError(message);
  exportErrors.add(err);
  return err;
}

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

type Emitter = (c: Converter, e: OpEvent) => string;

class Converter {
  readonly nodes: OnnxNode[] = [];
  readonly inits = new Map<string, Initializer>();
  /** Where each node and initializer came from, for the error thrown first (the earliest op). */
  private readonly order = new Map<OnnxNode | Initializer, number>();
  private readonly names = new Map<Tensor, string>();
  private readonly producerNode = new Map<string, OnnxNode>();
  private readonly producer = new Map<Tensor, OpEvent>();
  private readonly counterpart = new Map<Tensor, Tensor>();
  private readonly dynamic = new Set<Tensor>();
  private readonly uses = new Map<Tensor, number>();
  private readonly params = new Map<Tensor, string>();
  private readonly cache = new Map<string, string>();
  private readonly casts = new Map<string, string>();
  private count = 0;
  private step = 0;
  /** The op being written, named when one of its inputs turns out not to be constant. */
  private current: OpEvent | null = null;
  private prefix = "";

  constructor(
    readonly input: Tensor,
    readonly opset: number,
    readonly batchDims: readonly boolean[],
    namedTensors: readonly [string, Tensor][],
  ) {
    for (const [name, t] of namedTensors) if (!this.params.has(t)) this.params.set(t, name);
    this.names.set(input, "input");
    this.dynamic.add(input);
  }

  /** Pairs the two traces' tensors and marks which tensors depend on the input. */
  pair(a: readonly TraceEvent[], b: readonly TraceEvent[], inputB: Tensor): void {
    this.counterpart.set(this.input, inputB);
    a.forEach((e, i) => {
      const f = b[i];
      if (e.kind === "op" && f.kind === "op") {
        e.inputs.forEach((t, k) => {
          if (!this.counterpart.has(t)) this.counterpart.set(t, f.inputs[k]);
          this.uses.set(t, (this.uses.get(t) ?? 0) + 1);
        });
        this.counterpart.set(e.out, f.out);
        if (e.inputs.some((t) => this.dynamic.has(t))) this.dynamic.add(e.out);
        if (!registry[e.op] || !this.producer.has(e.out)) this.producer.set(e.out, e);
      }
    });
  }

  isDynamic(t: Tensor): boolean {
    return this.dynamic.has(t);
  }

  /** Per axis of t: whether its size follows the batch (differs between the two traces). */
  varying(t: Tensor): boolean[] {
    if (t === this.input) return this.batchDims.slice();
    const u = this.counterpart.get(t);
    return t.shape.map((d, i) => u !== undefined && u.shape[i] !== d);
  }

  /** t's twin in the second trace (t itself when it is the same tensor there, as a parameter is). */
  other(t: Tensor): Tensor {
    return this.counterpart.get(t) ?? t;
  }

  /** The size of axis i of t in the second trace. */
  otherDim(t: Tensor, i: number): number {
    return this.other(t).shape[i];
  }

  private fresh(opType: string): string {
    return `${this.prefix}${opType}_${++this.count}`;
  }

  /** Adds a node; returns the name of its output. */
  node(opType: string, inputs: string[], attrs: Attr[] = []): string {
    const out = this.fresh(opType);
    const n: OnnxNode = { opType, inputs, outputs: [out], name: out, attrs };
    this.nodes.push(n);
    this.order.set(n, this.step);
    this.producerNode.set(out, n);
    return out;
  }

  /** A placeholder for an op with no ONNX form: its output exists, and the error is thrown if it is needed. */
  poison(inputs: string[], error: Error): string {
    const out = this.fresh("Unsupported");
    const n: OnnxNode = { opType: "Unsupported", inputs, outputs: [out], name: out, attrs: [], error };
    this.nodes.push(n);
    this.order.set(n, this.step);
    this.producerNode.set(out, n);
    return out;
  }

  private addInit(init: Initializer): string {
    this.inits.set(init.name, init);
    this.order.set(init, this.step);
    return init.name;
  }

  /** An initializer of numbers, cached by its contents. */
  constant(values: ArrayLike<number>, dims: readonly number[], type: number, hint = `${this.prefix}const`): string {
    const key = `${type}|${dims.join(",")}|${Array.from(values, (v) => (Object.is(v, -0) ? "-0" : String(v))).join(",")}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const name = this.uniqueInit(hint);
    this.addInit({ name, dims: dims.slice(), type, raw: rawBytes(values, type) });
    this.cache.set(key, name);
    return name;
  }

  /** A 0-d constant of a float dtype. */
  scalar(v: number, dtype: string): string {
    return this.constant([v], [], typeOf(dtype));
  }

  /** A 1-d int64 constant (shapes, axes, indices). */
  i64(values: readonly number[]): string {
    return this.constant(values, [values.length], OnnxType.INT64);
  }

  private uniqueInit(base: string): string {
    let name = base;
    for (let k = 1; this.inits.has(name) || this.producerNode.has(name) || name === "input" || name === "output"; k++)
      name = `${base}_${k}`;
    return name;
  }

  /** The ONNX name of a tensor met as an op's input, as `dtype` when given (a Cast, or a converted constant). */
  value(t: Tensor, dtype?: string): string {
    const want = dtype ?? t.dtype;
    const known = this.names.get(t);
    if (known !== undefined) {
      if (want === t.dtype) return known;
      const key = `${known}|${want}`;
      const cast = this.casts.get(key) ?? this.node("Cast", [known], [int("to", typeOf(want))]);
      this.casts.set(key, cast);
      return cast;
    }
    if (this.isDynamic(t)) throw ExportError("exportOnnx: internal error: a tensor of the input has no ONNX name yet");
    const name = this.staticValue(t, want);
    if (want === t.dtype) this.names.set(t, name);
    return name;
  }

  /** A tensor that does not depend on the input: a parameter, a buffer, a constant or a folded op, as an initializer. */
  private staticValue(t: Tensor, dtype: string): string {
    const type = typeOf(dtype);
    const param = this.params.get(t) ?? this.paramView(t);
    if (param !== undefined) {
      return this.addInit({
        name: this.uniqueInit(dtype === t.dtype ? param : `${param}.${dtype}`),
        dims: t.shape.slice(),
        type,
        raw: rawBytes(t.data, type),
      });
    }
    const made = this.producer.get(t);
    const hint = made ? `${made.layer?.path ? `${made.layer.path}.` : ""}${made.op}` : "const";
    const init: Initializer = { name: this.uniqueInit(hint), dims: t.shape.slice(), type, raw: rawBytes(t.data, type) };
    const other = this.counterpart.get(t);
    if (other !== undefined && other !== t && !sameValues(t, other)) {
      const what = made ? `the output of ${made.op}${layerName(made.layer)}` : "a tensor";
      const user = this.current ? `, an input of op "${this.current.op}"${layerName(this.current.layer)},` : "";
      init.error = ExportError(
        `exportOnnx: ${what} of shape [${t.shape.join(", ")}]${user} changes with the input (its values or its batch size), but no recorded op made it from the input ` +
          "(ops that record nothing, such as the comparisons gt, lt, eq …, or values read with .data, cannot be exported); " +
          "build it from recorded tensor ops",
      );
    }
    return this.addInit(init);
  }

  /** A parameter seen through a view of its storage (detach()): its name, when the shape is the parameter's. */
  private paramView(t: Tensor): string | undefined {
    for (const [p, name] of this.params) {
      if (p.storage === t.storage && p.shape.length === t.shape.length && p.shape.every((d, i) => d === t.shape[i])) return name;
    }
    return undefined;
  }

  /** Binds a tensor of the trace to an ONNX name. */
  bind(t: Tensor, name: string): void {
    this.names.set(t, name);
  }

  nameOf(t: Tensor): string | undefined {
    return this.names.get(t);
  }

  producerOf(t: Tensor): OpEvent | undefined {
    return this.producer.get(t);
  }

  nodeOf(name: string): OnnxNode | undefined {
    return this.producerNode.get(name);
  }

  usesOf(t: Tensor): number {
    return this.uses.get(t) ?? 0;
  }

  /** The int64 shape for Reshape of x to out: 0 (copy) or −1 (infer) where the size follows the batch. */
  reshapeTarget(x: Tensor, out: Tensor, op: string): number[] {
    const outV = this.varying(out);
    const inV = this.varying(x);
    const dims = out.shape.map((d, i) => {
      if (!outV[i]) return d;
      if (i < x.ndim && inV[i] && x.shape[i] === d && this.otherDim(x, i) === this.otherDim(out, i)) return 0;
      return -1;
    });
    if (dims.filter((d) => d === -1).length > 1) {
      throw ExportError(
        `exportOnnx: ${op} from [${x.shape.join(", ")}] to [${out.shape.join(", ")}] mixes the batch axis into more than one axis, ` +
          "which one Reshape cannot say",
      );
    }
    if (out.shape.some((d, i) => d === 0 && !outV[i])) {
      throw ExportError(`exportOnnx: ${op} to [${out.shape.join(", ")}]: axes of size 0 are not supported`);
    }
    return dims;
  }

  /** A reduction over `axes`: axes as an attribute (ReduceMax …, opset < 18) or as an input (ReduceSum, or opset ≥ 18). */
  reduce(opType: string, x: string, axes: readonly number[], keepDims: boolean): string {
    if (axes.length === 0) return this.node("Identity", [x]);
    const asInput = opType === "ReduceSum" || this.opset >= 18;
    return asInput
      ? this.node(opType, [x, this.i64(axes)], [int("keepdims", keepDims ? 1 : 0)])
      : this.node(opType, [x], [ints("axes", axes), int("keepdims", keepDims ? 1 : 0)]);
  }

  /** Runs one traced op (or module) through the table, binding its output. */
  emit(e: TraceEvent, index: number): void {
    this.step = index;
    if (e.kind === "module") return this.emitModule(e);
    if (!this.isDynamic(e.out)) return; // a constant: written when something needs it
    if (e.inputs.includes(e.out)) return; // recorded on its own input: nothing to compute
    this.prefix = e.layer?.path ? `${e.layer.path}/` : "";
    this.current = e;
    const activation = registry[e.op] !== undefined;
    const bound = this.names.has(e.out);
    const emitter = activation ? ACTIVATIONS[e.op] : OPS[e.op];
    if (activation && emitter === undefined && bound) return; // made of tensor ops: those ops are its export
    let name: string;
    try {
      if (emitter === undefined) {
        const why = activation
          ? `the activation ${e.op} computes its values in a loop (a kernel or row), which ONNX cannot see; ` +
            "define it with a tensor-op forward (forward: (x) => …) to export it"
          : `${e.op} has no ONNX form here`;
        throw ExportError(`exportOnnx: op "${e.op}"${layerName(e.layer)}: ${why}`);
      }
      name = emitter(this, e);
    } catch (err) {
      if (!(err instanceof Error) || !exportErrors.has(err)) throw err;
      const inputs = e.inputs.filter((t) => this.names.has(t)).map((t) => this.names.get(t)!);
      const message = err.message.includes(`"${e.op}"`) ? err.message : `${err.message} (op "${e.op}"${layerName(e.layer)})`;
      name = this.poison(inputs, ExportError(message));
    }
    this.bind(e.out, name);
  }

  private emitModule(e: ModuleEvent): void {
    const m = e.module;
    if (!(m instanceof BatchNorm1d) || e.training || m.running_mean === null || m.running_var === null) return;
    if (!this.isDynamic(e.input) || !this.names.has(e.input)) return;
    this.prefix = e.layer.path ? `${e.layer.path}/` : "";
    const x = e.input;
    const c = m.numFeatures;
    const dtype = x.dtype;
    const scale = m.weight ? this.value(m.weight, dtype) : this.constant(new Array(c).fill(1), [c], typeOf(dtype));
    const bias = m.bias ? this.value(m.bias, dtype) : this.constant(new Array(c).fill(0), [c], typeOf(dtype));
    const mean = this.value(m.running_mean, dtype);
    const variance = this.value(m.running_var, dtype);
    const name = this.node("BatchNormalization", [this.value(x), scale, bias, mean, variance], [float("epsilon", m.eps)]);
    this.bind(e.out, name);
  }

  /** The nodes and initializers the output needs, in order; throws the first error among them. */
  finish(output: Tensor): { nodes: OnnxNode[]; inits: Initializer[]; output: ValueInfo } {
    const outName = this.value(output);
    const needed = new Set<string>([outName]);
    const keep = new Set<OnnxNode>();
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (!n.outputs.some((o) => needed.has(o))) continue;
      keep.add(n);
      for (const inp of n.inputs) if (inp !== "") needed.add(inp);
    }
    const nodes = this.nodes.filter((n) => keep.has(n));
    const inits = [...this.inits.values()].filter((t) => needed.has(t.name));
    const errors = [...nodes, ...inits]
      .filter((x) => x.error !== undefined)
      .sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
    if (errors.length > 0) throw errors[0].error;
    // The output is called "output": the node making it is renamed, or an Identity added.
    const maker = this.producerNode.get(outName);
    if (maker !== undefined && keep.has(maker)) {
      for (const n of nodes) n.inputs = n.inputs.map((i) => (i === outName ? "output" : i));
      maker.outputs = maker.outputs.map((o) => (o === outName ? "output" : o));
    } else {
      nodes.push({ opType: "Identity", inputs: [outName], outputs: ["output"], name: "output", attrs: [] });
    }
    const outV = this.varying(output);
    const batchA = this.input.shape[this.batchDims.indexOf(true)];
    const batchB = this.batchDims.includes(true) ? this.otherDim(this.input, this.batchDims.indexOf(true)) : undefined;
    const dims = output.shape.map((d, i) =>
      !outV[i] ? d : d === batchA && this.otherDim(output, i) === batchB ? "batch" : null,
    );
    return { nodes, inits, output: { name: "output", type: typeOf(output.dtype), dims } };
  }
}

function sameValues(a: Tensor, b: Tensor): boolean {
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = a.data,
    y = b.data;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// The table: one emitter per recorded op

const input0 = (c: Converter, e: OpEvent) => c.value(e.inputs[0], e.out.dtype);

const unary =
  (opType: string): Emitter =>
  (c, e) =>
    c.node(opType, [input0(c, e)]);

const binary =
  (opType: string): Emitter =>
  (c, e) =>
    c.node(opType, [c.value(e.inputs[0], e.out.dtype), c.value(e.inputs[1], e.out.dtype)]);

const numberArg = (e: OpEvent, key: string): number => {
  const v = e.args?.[key];
  if (typeof v !== "number") throw ExportError(`exportOnnx: op "${e.op}" was recorded without its ${key}`);
  return v;
};

const listArg = (e: OpEvent, key: string): number[] => {
  const v = e.args?.[key];
  if (!Array.isArray(v)) throw ExportError(`exportOnnx: op "${e.op}" was recorded without its ${key}`);
  return v as number[];
};

const axesArg = (e: OpEvent): number[] => listArg(e, "axes");

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

/** erf in float64 ops, as the engine computes it (src/kernels/math.ts): a series below 2, a continued fraction to 6, then ±1. */
function erf64(c: Converter, x: string, dtype: string): string {
  const k = (v: number) => c.scalar(v, dtype);
  const a = c.node("Abs", [x]);
  // |x| < 2: 2/√π · x · Σ (−1)ⁿ x²ⁿ / (n!(2n + 1)), 31 terms by Horner (within 8e−16 of the engine's erf).
  const xs = c.node("Clip", [x, k(-2), k(2)]);
  const x2 = c.node("Mul", [xs, xs]);
  const coef: number[] = [];
  let fact = 1;
  for (let n = 0; n <= 30; n++) {
    if (n > 0) fact *= n;
    coef.push((n % 2 === 0 ? 1 : -1) / (fact * (2 * n + 1)));
  }
  let p = k(coef[30]);
  for (let n = 29; n >= 0; n--) p = c.node("Add", [c.node("Mul", [p, x2]), k(coef[n])]);
  const series = c.node("Mul", [c.node("Mul", [xs, p]), k(TWO_OVER_SQRT_PI)]);
  // 2 ≤ |x| < 6: 1 − erfc(|x|), erfc(a) = e^(−a²)/√π / (a + ½/(a + 1/(a + 3/2/(a + …)))), 40 levels, with the sign of x.
  const ac = c.node("Clip", [a, k(2), k(6)]);
  let f = ac;
  for (let lvl = 40; lvl >= 1; lvl--) f = c.node("Add", [ac, c.node("Div", [k(lvl / 2), f])]);
  const erfc = c.node("Div", [
    c.node("Mul", [c.node("Exp", [c.node("Neg", [c.node("Mul", [ac, ac])])]), k(ONE_OVER_SQRT_PI)]),
    f,
  ]);
  const sign = c.node("Sign", [x]);
  const tail = c.node("Mul", [sign, c.node("Sub", [k(1), erfc])]);
  // NaN fails both tests and falls through to the continued fraction, which keeps it NaN.
  const far = c.node("Where", [c.node("GreaterOrEqual", [a, k(6)]), sign, tail]);
  return c.node("Where", [c.node("Less", [a, k(2)]), series, far]);
}

const greaterThanZero = (c: Converter, x: string, dtype: string) => c.node("Greater", [x, c.scalar(0, dtype)]);

const asBool = (c: Converter, t: Tensor) => c.node("Cast", [c.value(t)], [int("to", OnnxType.BOOL)]);

const pool =
  (opType: string): Emitter =>
  (c, e) => {
    const kernel = listArg(e, "kernel");
    const stride = listArg(e, "stride");
    return c.node(opType, [c.value(e.inputs[0])], [ints("kernel_shape", kernel), ints("strides", stride)]);
  };

/**
 * The kH·kW strided views x[:, :, p + i·sh, q + j·sw] of x [N, C, H, W] (zero-padded first), one per
 * kernel offset (p, q), each [N, C, Ho, Wo]: a window op is then a sum, max or product over the views.
 */
function windows(
  c: Converter,
  x: string,
  [kh, kw]: readonly number[],
  [sh, sw]: readonly number[],
  [ph, pw]: readonly number[],
  [ho, wo]: readonly number[],
): string[] {
  const padded = ph === 0 && pw === 0 ? x : c.node("Pad", [x, c.i64([0, 0, ph, pw, 0, 0, ph, pw])]);
  const views: string[] = [];
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      const ends = [p + (ho - 1) * sh + 1, q + (wo - 1) * sw + 1];
      views.push(c.node("Slice", [padded, c.i64([p, q]), c.i64(ends), c.i64([2, 3]), c.i64([sh, sw])]));
    }
  }
  return views;
}

/**
 * conv2d in float64, which onnxruntime's Conv lacks: im2col as ops, as the engine computes it — the
 * views concatenated on the channel axis ([N, kH·kW·C, Ho, Wo], index (p·kW + q)·C + c), moved
 * to the last axis, times W laid out to match ([kH, kW, C, O] → [kH·kW·C, O]), plus the bias.
 */
function conv64(c: Converter, e: OpEvent, [x, w, b]: string[], stride: number[], padding: number[]): string {
  const weight = e.inputs[1];
  const [o, , kh, kw] = weight.shape;
  const views = windows(c, x, [kh, kw], stride, padding, e.out.shape.slice(2));
  const cols = c.node("Transpose", [c.node("Concat", views, [int("axis", 1)])], [ints("perm", [0, 2, 3, 1])]);
  const wmat = c.node("Reshape", [c.node("Transpose", [w], [ints("perm", [2, 3, 1, 0])]), c.i64([-1, o])]);
  let y = c.node("MatMul", [cols, wmat]);
  if (b !== undefined) y = c.node("Add", [y, b]);
  return c.node("Transpose", [y], [ints("perm", [0, 3, 1, 2])]);
}

const OPS: Record<string, Emitter> = {
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

/** The built-in activations, by name; activations not here are exported as the ops their forward ran. */
const ACTIVATIONS: Record<string, Emitter> = {
  sigmoid: unary("Sigmoid"),
  tanh: unary("Tanh"),
  relu: unary("Relu"),
  softplus: (c, e) => {
    const x = input0(c, e);
    if (e.out.dtype !== "float64") return c.node("Softplus", [x]);
    // onnxruntime has no float64 Softplus: the stable form max(x, 0) + log(1 + e^−|x|).
    const tail = c.node("Log", [c.node("Add", [c.scalar(1, "float64"), c.node("Exp", [c.node("Neg", [c.node("Abs", [x])])])])]);
    return c.node("Add", [c.node("Relu", [x]), tail]);
  },
  softmax: (c, e) => c.node("Softmax", [input0(c, e)], [int("axis", numberArg(e, "axis"))]),
  logSoftmax: (c, e) => c.node("LogSoftmax", [input0(c, e)], [int("axis", numberArg(e, "axis"))]),
  maxout: (c, e) => {
    const x = e.inputs[0];
    const pieces = numberArg(e, "pieces");
    const last = x.shape[x.ndim - 1];
    // [..., n·pieces] → [..., n, pieces]: every leading axis copied (0), so any batch size works.
    const shape = [...x.shape.slice(0, -1).map(() => 0), last / pieces, pieces];
    const groups = c.node("Reshape", [c.value(x), c.i64(shape)]);
    return c.reduce("ReduceMax", groups, [-1], false);
  },
  leakyRelu: (c, e) => {
    const slope = numberArg(e, "slope");
    const x = input0(c, e);
    if (e.out.dtype !== "float64") return c.node("LeakyRelu", [x], [float("alpha", slope)]);
    // A float attribute would round the slope to float32; as a double constant it stays exact.
    return c.node("Where", [greaterThanZero(c, x, "float64"), x, c.node("Mul", [x, c.scalar(slope, "float64")])]);
  },
  elu: (c, e) => {
    const alpha = numberArg(e, "alpha");
    const x = input0(c, e);
    if (e.out.dtype !== "float64") return c.node("Elu", [x], [float("alpha", alpha)]);
    // onnxruntime has no float64 Elu: x > 0 ? x : alpha·(e^min(x, 0) − 1).
    const k = (v: number) => c.scalar(v, "float64");
    const neg = c.node("Mul", [c.node("Sub", [c.node("Exp", [c.node("Min", [x, k(0)])]), k(1)]), k(alpha)]);
    return c.node("Where", [greaterThanZero(c, x, "float64"), x, neg]);
  },
  gelu: (c, e) => {
    const approximate = e.args?.approximate === "tanh" ? "tanh" : "none";
    const dtype = e.out.dtype;
    const x = input0(c, e);
    if (c.opset >= 20 && dtype === "float32") return c.node("Gelu", [x], [str("approximate", approximate)]);
    const k = (v: number) => c.scalar(v, dtype);
    let phi: string; // 1 + erf(x/√2), or 1 + tanh(√(2/π)(x + 0.044715x³))
    if (approximate === "tanh") {
      const cube = c.node("Mul", [c.node("Mul", [x, x]), x]);
      const u = c.node("Mul", [c.node("Add", [x, c.node("Mul", [cube, k(GELU_K)])]), k(SQRT_2_OVER_PI)]);
      phi = c.node("Add", [k(1), c.node("Tanh", [u])]);
    } else {
      const scaled = c.node("Mul", [x, k(SQRT1_2)]);
      phi = c.node("Add", [k(1), dtype === "float64" ? erf64(c, scaled, dtype) : c.node("Erf", [scaled])]);
    }
    return c.node("Mul", [c.node("Mul", [x, k(0.5)]), phi]);
  },
  silu: (c, e) => {
    const x = input0(c, e);
    return c.node("Mul", [x, c.node("Sigmoid", [x])]);
  },
};

/**
 * The recorded ops `exportOnnx` writes (activations besides these are written as their own ops).
 *
 * @example
 * ```ts
 * import { onnxOps } from "actigrad";
 * console.log(onnxOps.length, onnxOps.includes("matmul"), onnxOps.includes("gather"));
 * console.log(onnxOps.slice(0, 6));
 * ```
 * ```
 * 59 true false
 * [ 'abs', 'add', 'avgPool2d', 'broadcastTo', 'cast', 'clamp' ]
 * ```
 */
export const onnxOps: readonly string[] = Object.freeze([...Object.keys(OPS), ...Object.keys(ACTIVATIONS)].sort());

// ---------------------------------------------------------------------------------------------
// exportOnnx

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
 * ```
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

  const c = new Converter(xa, opset, batchDims, named);
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
