/**
 * The Converter: it turns the traced events into ONNX nodes and initializers — names, casts,
 * constants (cached by contents), parameters under their state-dict names, the batch axis (which
 * sizes differ between the two traces), placeholders for ops with no ONNX form (thrown only if
 * the output needs them) — then keeps what the output needs. Below it, the small helpers every
 * emitter uses to read an op's event.
 */
import { BatchNorm1d } from "../../nn/norm.js";
import { registry } from "../../ops/define.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  type Attr,
  float,
  type Initializer,
  int,
  ints,
  type OnnxNode,
  OnnxType,
  rawBytes,
  typeOf,
  type ValueInfo,
} from "./proto.js";
import type { Layer, ModuleEvent, OpEvent, TraceEvent } from "./trace.js";

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

export function ExportError(message: string): TypeError {
  const err = new TypeError(message);
  exportErrors.add(err);
  return err;
}

export type Emitter = (c: Converter, e: OpEvent) => string;

/** The two tables: one emitter per recorded op (OPS), and per built-in activation (ACTIVATIONS). */
export interface Emitters {
  readonly ops: Readonly<Record<string, Emitter>>;
  readonly activations: Readonly<Record<string, Emitter>>;
}

export class Converter {
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
    /** The tables of emitters (ops.ts, activations.ts), passed in so that they, not this file, import the other. */
    private readonly emitters: Emitters,
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
    const emitter = activation ? this.emitters.activations[e.op] : this.emitters.ops[e.op];
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
// Shared by the emitters of ops and of activations: reading an op's event (its input, its args), small node patterns

export const input0 = (c: Converter, e: OpEvent) => c.value(e.inputs[0], e.out.dtype);

export const unary =
  (opType: string): Emitter =>
  (c, e) =>
    c.node(opType, [input0(c, e)]);

export const binary =
  (opType: string): Emitter =>
  (c, e) =>
    c.node(opType, [c.value(e.inputs[0], e.out.dtype), c.value(e.inputs[1], e.out.dtype)]);

export const numberArg = (e: OpEvent, key: string): number => {
  const v = e.args?.[key];
  if (typeof v !== "number") throw ExportError(`exportOnnx: op "${e.op}" was recorded without its ${key}`);
  return v;
};

export const listArg = (e: OpEvent, key: string): number[] => {
  const v = e.args?.[key];
  if (!Array.isArray(v)) throw ExportError(`exportOnnx: op "${e.op}" was recorded without its ${key}`);
  return v as number[];
};

export const axesArg = (e: OpEvent): number[] => listArg(e, "axes");

export const greaterThanZero = (c: Converter, x: string, dtype: string) => c.node("Greater", [x, c.scalar(0, dtype)]);
