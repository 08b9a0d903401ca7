/**
 * exportOnnx (issue 15): every exported model runs in a real runtime — onnxruntime-web, in Node,
 * offline (its WebAssembly ships in the package) — on batch sizes other than the traced ones
 * (the export traces batches of 2 and 3; these run 5 and 1), and its outputs match actigrad's to
 * 1e-5 (float32) and 1e-10 (float64), scaled by 1 + |value|.
 *
 * Also: the protobuf encoder's bytes for small messages worked out by hand; the file read back by
 * a reader we did not write (onnxruntime-web's own protobufjs copy of onnx.proto): IR version,
 * opset, the free "batch" axis, initializers under state-dict names, which ops are decomposed and
 * which are not; errors naming the op and layer; bad options; the model's modes and running
 * statistics untouched. When python3 can import onnx (Debian: python3-onnx), onnx.checker also
 * checks a few exported files (scripts/onnx-check.py).
 *
 * ONNX_REPORT=1 prints the worst error of each model.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-web";
import { afterAll, describe, expect, it } from "vitest";
import {
  type DType,
  type Tensor,
  concat,
  defineActivation,
  exportOnnx,
  gather,
  indexSelect,
  manualSeed,
  maskedFill,
  nn,
  noGrad,
  optim,
  randn,
  select,
  sign,
  slice,
  split,
  step,
  stack,
  tensor,
  where,
} from "../src/index.js";
import { ProtoWriter } from "../src/io/protobuf.js";
import { expectThrow } from "./helpers.js";

ort.env.wasm.numThreads = 1;

type Model = nn.Module | ((x: Tensor) => Tensor);
const DTYPES = ["float32", "float64"] as const;
const TOL: Record<DType, number> = { float32: 1e-5, float64: 1e-10 };

// ---------------------------------------------------------------------------------------------
// Helpers

/** onnxruntime-web's own decoder for onnx.proto (protobufjs): a second reader of the bytes, not ours. */
const ONNX_JS = fileURLToPath(new URL("../node_modules/onnxruntime-web/lib/onnxjs/ort-schema/protobuf/onnx.js", import.meta.url));
const reader = existsSync(ONNX_JS) ? createRequire(import.meta.url)(ONNX_JS).onnx : null;

interface Decoded {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  graph: {
    node: {
      opType: string;
      input: string[];
      output: string[];
      attribute: { name: string; type?: number; i?: number; ints?: number[]; f?: number; s?: Uint8Array }[];
    }[];
    initializer: { name: string; dims: number[]; dataType: number; rawData: Uint8Array }[];
    input: {
      name: string;
      type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } };
    }[];
    output: {
      name: string;
      type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } };
    }[];
  };
}

function decode(bytes: Uint8Array): Decoded {
  if (reader === null) throw new Error(`onnxruntime-web's onnx.js is not at ${ONNX_JS}`);
  return reader.ModelProto.toObject(reader.ModelProto.decode(bytes), { longs: Number, defaults: false, arrays: true });
}

const opsOf = (bytes: Uint8Array): string[] => decode(bytes).graph.node.map((n) => n.opType);

/** A node's attributes as { name, i } / { name, ints } / { name, f } / { name, s } (AttributeProto.type 2, 7, 1, 3). */
function attrsOf(node: Decoded["graph"]["node"][number]): Record<string, unknown>[] {
  return node.attribute.map((a: { name: string; type?: number; i?: number; ints?: number[]; f?: number; s?: Uint8Array }) => {
    const value =
      a.type === 2
        ? { i: Number(a.i ?? 0) }
        : a.type === 7
          ? { ints: (a.ints ?? []).map(Number) }
          : a.type === 1
            ? { f: a.f }
            : { s: String(a.s) };
    return { name: a.name, ...value };
  });
}
const dimsOf = (v: Decoded["graph"]["input"][number]) =>
  v.type.tensorType.shape.dim.map((d) => d.dimParam ?? (d.dimValue === undefined ? "?" : Number(d.dimValue)));

/** The model's output for x: eval mode, no graph. */
function reference(model: Model, x: Tensor): Tensor {
  if (typeof model === "function") return noGrad(() => model(x));
  model.eval();
  return noGrad(() => model.forward(x));
}

async function runOrt(bytes: Uint8Array, x: Tensor): Promise<{ data: ArrayLike<number>; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds = { input: new ort.Tensor(x.dtype as "float32" | "float64", x.data.slice() as Float32Array, x.shape.slice()) };
    const r = await session.run(feeds);
    return { data: r.output.data as ArrayLike<number>, dims: r.output.dims };
  } finally {
    await session.release();
  }
}

const worst = new Map<string, number>();

/**
 * Exports `model` for `inputShape` (null: the batch), runs the file in onnxruntime on batches of 5
 * and 1 and compares with actigrad's output; returns the bytes.
 */
async function roundTrip(
  label: string,
  model: Model,
  inputShape: (number | null)[],
  dtype: DType,
  opts: { opset?: number; batches?: number[] } = {},
): Promise<Uint8Array> {
  const bytes = exportOnnx(model, {
    inputShape,
    ...(opts.opset ? { opset: opts.opset } : {}),
    dtype,
  });
  let err = 0;
  for (const batch of opts.batches ?? [5, 1]) {
    const shape = inputShape.map((d) => d ?? batch);
    const x = randn(shape, { dtype });
    const want = reference(model, x);
    const got = await runOrt(bytes, x);
    expect(Array.from(got.dims), `${label}: output shape`).toEqual(want.shape);
    for (let i = 0; i < want.size; i++) {
      const w = want.data[i];
      const e = Math.abs(got.data[i] - w);
      err = Math.max(err, e / (1 + Math.abs(w)));
      if (!(e <= TOL[dtype] * (1 + Math.abs(w)))) {
        expect.fail(`${label} (${dtype}, batch ${batch}): output ${i} is ${got.data[i]} in onnxruntime, ${w} in actigrad`);
      }
    }
  }
  worst.set(`${label} ${dtype}`, err);
  return bytes;
}

afterAll(() => {
  if (!process.env.ONNX_REPORT) return;
  const rows = [...worst].map(([k, v]) => `${k.padEnd(40)} ${v.toExponential(2)}`);
  console.log(`worst |onnxruntime − actigrad| / (1 + |actigrad|):\n${rows.join("\n")}`);
});

const mlp = (act: nn.Module, dtype: DType) =>
  new nn.Sequential(new nn.Linear(4, 8, { dtype }), act, new nn.Linear(8, 3, { dtype }));

// ---------------------------------------------------------------------------------------------
// The protobuf encoder, byte by byte

describe("ProtoWriter: the bytes of small messages, worked out by hand", () => {
  const bytes = (w: ProtoWriter) => Array.from(w.finish());

  it("varints: key (field << 3 | wire type 0), then 7 bits a byte, low group first", () => {
    // 150 = 0b1_0010110 → 0x96 (0x16 | 0x80), 0x01; key of field 1, wire type 0 is 0x08.
    expect(bytes(new ProtoWriter().uint(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().uint(1, 0))).toEqual([0x08, 0x00]);
    expect(bytes(new ProtoWriter().uint(2, 127))).toEqual([0x10, 0x7f]);
    expect(bytes(new ProtoWriter().uint(2, 128))).toEqual([0x10, 0x80, 0x01]);
    // 2^35 = 5 groups of 7 zero bits, then 1; above 2^32, where bit operators would lose it.
    expect(bytes(new ProtoWriter().uint(1, 2 ** 35))).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    // 2^53 − 1: 7 groups of seven 1s, then 0b1111.
    expect(bytes(new ProtoWriter().uint(1, 2 ** 53 - 1))).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(bytes(new ProtoWriter().uint(1, 2n ** 64n - 1n))).toEqual([0x08, ...Array(9).fill(0xff), 0x01]);
  });

  it("field numbers above 15 take a two-byte key: AttributeProto.type = 20 is (20 << 3) | 0 = 160 → 0xa0 0x01", () => {
    expect(bytes(new ProtoWriter().uint(20, 7))).toEqual([0xa0, 0x01, 0x07]);
  });

  it("int64: a negative value is its 64-bit two's complement, always 10 bytes", () => {
    expect(bytes(new ProtoWriter().int64(1, -1))).toEqual([0x08, ...Array(9).fill(0xff), 0x01]);
    // −2 = 0xffff_ffff_ffff_fffe: low group 0x7e | 0x80 = 0xfe.
    expect(bytes(new ProtoWriter().int64(1, -2))).toEqual([0x08, 0xfe, ...Array(8).fill(0xff), 0x01]);
    expect(bytes(new ProtoWriter().int64(3, 17))).toEqual([0x18, 0x11]);
  });

  it("length-delimited (wire type 2): strings, bytes and nested messages", () => {
    // "testing" in field 2: key 0x12, length 7.
    expect(bytes(new ProtoWriter().string(2, "testing"))).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect(bytes(new ProtoWriter().string(1, "σ"))).toEqual([0x0a, 0x02, 0xcf, 0x83]);
    expect(bytes(new ProtoWriter().bytes(9, Uint8Array.of(1, 2, 3)))).toEqual([0x4a, 0x03, 1, 2, 3]);
    // A nested message {1: 150} in field 3: key 0x1a, length 3, then its bytes.
    expect(bytes(new ProtoWriter().message(3, new ProtoWriter().uint(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    // OperatorSetIdProto { domain: "", version: 17 } inside ModelProto.opset_import (field 8).
    const opset = new ProtoWriter().string(1, "").int64(2, 17);
    expect(bytes(opset)).toEqual([0x0a, 0x00, 0x10, 0x11]);
    expect(bytes(new ProtoWriter().message(8, opset))).toEqual([0x42, 0x04, 0x0a, 0x00, 0x10, 0x11]);
  });

  it("fixed widths, little-endian: float (wire type 5) and double (wire type 1)", () => {
    // 1.0f = 0x3f800000; AttributeProto.f is field 2 → key 0x15.
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytes(new ProtoWriter().float(2, -2.5))).toEqual([0x15, 0x00, 0x00, 0x20, 0xc0]);
    // 1.0 = 0x3ff0000000000000, field 2 → key 0x11.
    expect(bytes(new ProtoWriter().double(2, 1))).toEqual([0x11, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it("a message of several fields is their bytes in the order written; the buffer grows past its first 64 bytes", () => {
    const w = new ProtoWriter().string(1, "x").int64(2, 3).float(3, 0);
    expect(bytes(w)).toEqual([0x0a, 0x01, 0x78, 0x10, 0x03, 0x1d, 0, 0, 0, 0]);
    const long = new ProtoWriter().bytes(1, new Uint8Array(300).fill(7));
    expect(long.length).toBe(1 + 2 + 300); // length 300 = 0xac 0x02
    expect(Array.from(long.finish().subarray(0, 4))).toEqual([0x0a, 0xac, 0x02, 7]);
  });

  it("rejects what it cannot encode", () => {
    expectThrow(() => new ProtoWriter().uint(1, -1), RangeError, /non-negative/);
    expectThrow(() => new ProtoWriter().uint(1, 1.5), RangeError, /safe integer/);
    expectThrow(() => new ProtoWriter().int64(1, 2 ** 60), RangeError, /safe integer/);
    expectThrow(() => new ProtoWriter().uint(0, 1), RangeError, /field numbers/);
  });
});

// ---------------------------------------------------------------------------------------------
// The file as another reader sees it

describe("the file, read by onnxruntime-web's own onnx.proto decoder", () => {
  it.skipIf(reader === null)("ModelProto: IR 8, opset 17, a free batch axis, initializers under state-dict names", () => {
    manualSeed(1);
    for (const dtype of DTYPES) {
      const model = new nn.Sequential(new nn.Linear(4, 8, { dtype }), new nn.Tanh(), new nn.Linear(8, 3, { dtype }));
      const m = decode(exportOnnx(model, { inputShape: [null, 4] }));
      const type = dtype === "float32" ? 1 : 11; // TensorProto.FLOAT, DOUBLE
      expect(m.irVersion).toBe(8);
      expect(m.opsetImport).toEqual([{ domain: "", version: 17 }]);
      expect(m.graph.input.map((v) => v.name)).toEqual(["input"]);
      expect(dimsOf(m.graph.input[0])).toEqual(["batch", 4]);
      expect(m.graph.input[0].type.tensorType.elemType).toBe(type);
      expect(m.graph.output.map((v) => v.name)).toEqual(["output"]);
      expect(dimsOf(m.graph.output[0])).toEqual(["batch", 3]);
      expect(m.graph.output[0].type.tensorType.elemType).toBe(type);
      // Linear is one Gemm (x·Wᵀ with transB, its bias as C), as PyTorch exports it.
      expect(m.graph.node.map((n) => n.opType)).toEqual(["Gemm", "Tanh", "Gemm"]);
      expect(m.graph.node[0].input).toEqual(["input", "0.weight", "0.bias"]);
      expect(attrsOf(m.graph.node[0])).toEqual([{ name: "transB", i: 1 }]);
      expect(m.graph.node[2].output).toEqual(["output"]);
      const inits = Object.fromEntries(m.graph.initializer.map((t) => [t.name, t]));
      expect(Object.keys(inits).sort()).toEqual(["0.bias", "0.weight", "2.bias", "2.weight"]);
      const w = inits["0.weight"];
      expect(w.dims.map(Number)).toEqual([8, 4]);
      expect(w.dataType).toBe(type);
      // raw_data: the weight's values, little-endian.
      const raw = new DataView(w.rawData.buffer, w.rawData.byteOffset, w.rawData.byteLength);
      const size = dtype === "float32" ? 4 : 8;
      expect(raw.byteLength).toBe(32 * size);
      const weight = model.layers[0] as nn.Linear;
      for (let i = 0; i < 32; i++) {
        const v = dtype === "float32" ? raw.getFloat32(i * size, true) : raw.getFloat64(i * size, true);
        expect(v).toBe(weight.weight.data[i]);
      }
    }
  });

  it.skipIf(reader === null)("a fixed batch stays fixed; a free axis elsewhere is named too", () => {
    const m = decode(exportOnnx(new nn.Linear(3, 2, { dtype: "float32" }), { inputShape: [6, 3] }));
    expect(dimsOf(m.graph.input[0])).toEqual([6, 3]);
    expect(dimsOf(m.graph.output[0])).toEqual([6, 2]);
    const t = decode(exportOnnx((x: Tensor) => x.transpose(0, 1), { inputShape: [3, null], dtype: "float32" }));
    expect(dimsOf(t.graph.input[0])).toEqual([3, "batch"]);
    expect(dimsOf(t.graph.output[0])).toEqual(["batch", 3]);
  });
});

// ---------------------------------------------------------------------------------------------
// Models in onnxruntime

describe("MLPs with each built-in activation run in onnxruntime", () => {
  /** [label, module, ONNX ops expected in float32, in float64, ops that must not appear in float64]. */
  const cases: [string, () => nn.Module, string[], string[], string[]][] = [
    ["Sigmoid", () => new nn.Sigmoid(), ["Sigmoid"], ["Sigmoid"], []],
    ["Tanh", () => new nn.Tanh(), ["Tanh"], ["Tanh"], []],
    ["ReLU", () => new nn.ReLU(), ["Relu"], ["Relu"], []],
    // onnxruntime has no float64 Softplus: Relu(x) + Log(1 + Exp(−|x|)).
    ["Softplus", () => new nn.Softplus(), ["Softplus"], ["Relu", "Log", "Exp", "Abs"], ["Softplus"]],
    // A float attribute would round the slope to float32; in float64 it is Where(x > 0, x, slope·x).
    ["LeakyReLU(0.2)", () => new nn.LeakyReLU(0.2), ["LeakyRelu"], ["Where", "Greater"], ["LeakyRelu"]],
    // No float64 Elu in onnxruntime.
    ["ELU(0.7)", () => new nn.ELU(0.7), ["Elu"], ["Where", "Exp"], ["Elu"]],
    // Gelu is opset 20; below, 0.5·x·(1 + erf(x/√2)) — and no float64 Erf, so erf as the engine computes it.
    ["GELU", () => new nn.GELU(), ["Erf", "Mul"], ["Clip", "Where", "Exp"], ["Erf", "Gelu"]],
    ["GELU(tanh)", () => new nn.GELU("tanh"), ["Tanh", "Mul"], ["Tanh", "Mul"], ["Gelu"]],
    ["SiLU", () => new nn.SiLU(), ["Sigmoid", "Mul"], ["Sigmoid", "Mul"], []],
  ];
  for (const dtype of DTYPES) {
    it.each(cases)(`%s, ${dtype}: traced on batches of 2 and 3, run on 5 and 1`, async (label, make, ops32, ops64, not64) => {
      manualSeed(11);
      const bytes = await roundTrip(label, mlp(make(), dtype), [null, 4], dtype);
      const ops = opsOf(bytes);
      expect(ops.filter((o) => o === "Gemm")).toHaveLength(2);
      for (const op of dtype === "float32" ? ops32 : ops64) expect(ops).toContain(op);
      if (dtype === "float64") for (const op of not64) expect(ops).not.toContain(op);
    });
  }
});

describe("heads, maxout and activations of your own", () => {
  for (const dtype of DTYPES) {
    it(`softmax and logSoftmax with their axis (the batch axis too), ${dtype}`, async () => {
      manualSeed(12);
      const s = await roundTrip(
        "softmax head",
        new nn.Sequential(new nn.Linear(4, 5, { dtype }), new nn.Softmax(-1)),
        [null, 4],
        dtype,
      );
      expect(opsOf(s)).toEqual(["Gemm", "Softmax"]);
      const l = await roundTrip(
        "logSoftmax head",
        new nn.Sequential(new nn.Linear(4, 5, { dtype }), new nn.LogSoftmax(1)),
        [null, 4],
        dtype,
      );
      expect(opsOf(l)).toEqual(["Gemm", "LogSoftmax"]);
      const b = await roundTrip(
        "softmax over the batch",
        new nn.Sequential(new nn.Linear(4, 5, { dtype }), new nn.Softmax(0)),
        [null, 4],
        dtype,
      );
      expect(attrsOf(decode(b).graph.node[1])).toEqual([{ name: "axis", i: 0 }]);
    });

    it(`maxout is Reshape + ReduceMax(axes = [−1], keepdims = 0): nn.Maxout and the activation on 3-d input, ${dtype}`, async () => {
      manualSeed(13);
      const m = await roundTrip(
        "Maxout layer",
        new nn.Sequential(new nn.Maxout(4, 6, 3, { dtype }), new nn.Linear(6, 2, { dtype })),
        [null, 4],
        dtype,
      );
      expect(opsOf(m)).toEqual(["Gemm", "Reshape", "ReduceMax", "Gemm"]);
      const max = decode(m).graph.node[2];
      expect(attrsOf(max)).toEqual([
        { name: "axes", ints: [-1] },
        { name: "keepdims", i: 0 },
      ]);
      // On [N, 3, 8]: Linear reshapes to [N·3, 8] and back, maxout groups the last axis; all batch-free.
      const a = await roundTrip(
        "maxout activation, 3-d",
        new nn.Sequential(new nn.Linear(8, 8, { dtype }), new nn.MaxoutActivation(4), new nn.Tanh()),
        [null, 3, 8],
        dtype,
      );
      expect(opsOf(a)).toContain("ReduceMax");
    });

    it(`an activation made of tensor ops is exported as its ops (swish = x·σ(x), and one with where/step/clamp/erf), ${dtype}`, async () => {
      manualSeed(14);
      const swish = defineActivation({
        name: `onnxSwish_${dtype}`,
        formula: "swish(x) = x·σ(x)",
        derivative: "swish′(x) = σ(x) + x·σ(x)(1 − σ(x))",
        forward: (x) => x.mul(x.neg().exp().add(1).pow(-1)),
      });
      const bytes = await roundTrip("swish (user-defined)", mlp(new nn.Activation(swish), dtype), [null, 4], dtype);
      expect(opsOf(bytes)).toEqual(["Gemm", "Neg", "Exp", "Add", "Pow", "Mul", "Gemm"]);
      const odd = defineActivation({
        name: `onnxOdd_${dtype}`,
        formula: "f(x) = min(x, 3) for x > 0, erf(x)/2 else",
        derivative: "f′(x) = [0 < x < 3], e^(−x²)/√π",
        forward: (x) => where(step(x), x.clamp(null, 3), x.erf().mul(0.5)),
      });
      const b2 = await roundTrip("where/step/clamp/erf (user-defined)", mlp(new nn.Activation(odd), dtype), [null, 4], dtype);
      expect(opsOf(b2)).toEqual(expect.arrayContaining(["Where", "Greater", "Clip"]));
    });
  }
});

describe("layers: LayerNorm, BatchNorm1d after training, Dropout, a small CNN", () => {
  for (const dtype of DTYPES) {
    it(`LayerNorm (its ops: mean becomes ReduceMean), over the last axis and over two, ${dtype}`, async () => {
      manualSeed(15);
      const ln = new nn.LayerNorm(8, { dtype });
      for (const t of [ln.weight!, ln.bias!]) t.data.set(randn([8], { dtype }).data);
      const bytes = await roundTrip(
        "LayerNorm(8)",
        new nn.Sequential(new nn.Linear(4, 8, { dtype }), ln, new nn.Tanh()),
        [null, 4],
        dtype,
      );
      const ops = opsOf(bytes);
      expect(ops.filter((o) => o === "ReduceMean")).toHaveLength(2);
      expect(ops).toEqual(expect.arrayContaining(["Sub", "Mul", "Sqrt", "Div", "Add"]));
      const ln2 = new nn.LayerNorm([3, 4], { dtype, elementwiseAffine: false });
      await roundTrip("LayerNorm([3, 4])", ln2, [null, 3, 4], dtype);
    });

    it(`BatchNorm1d in eval after a few training steps: BatchNormalization with the running statistics, ${dtype}`, async () => {
      manualSeed(16);
      const model = new nn.Sequential(
        new nn.Linear(4, 8, { dtype }),
        new nn.BatchNorm1d(8, { dtype }),
        new nn.ReLU(),
        new nn.Linear(8, 2, { dtype }),
      );
      const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
      for (let step = 0; step < 5; step++) {
        const x = randn([16, 4], { dtype, mean: 1, std: 2 });
        const loss = nn.mseLoss(model.forward(x), randn([16, 2], { dtype }));
        opt.zeroGrad();
        loss.backward();
        opt.step();
      }
      const bn = model.layers[1] as nn.BatchNorm1d;
      const before = model.stateDict();
      // Exported from train mode: the export runs in eval and leaves the model as it was.
      const bytes = exportOnnx(model, { inputShape: [null, 4] });
      expect(model.training).toBe(true);
      expect(bn.training).toBe(true);
      expect(model.stateDict()).toEqual(before);
      const ops = opsOf(bytes);
      expect(ops).toEqual(["Gemm", "BatchNormalization", "Relu", "Gemm"]);
      const node = decode(bytes).graph.node[1];
      expect(node.input.slice(1)).toEqual(["1.weight", "1.bias", "1.running_mean", "1.running_var"]);
      await roundTrip("BatchNorm1d [N, C]", model, [null, 4], dtype);
      // [N, C, L], and without the affine parameters (scale 1 and shift 0 as constants).
      const bn3 = new nn.BatchNorm1d(3, { dtype, affine: false });
      const net = new nn.Sequential(bn3, new nn.Flatten(), new nn.Linear(15, 2, { dtype }));
      for (let step = 0; step < 3; step++) net.forward(randn([4, 3, 5], { dtype, mean: -1, std: 3 }));
      const b3 = await roundTrip("BatchNorm1d [N, C, L]", net, [null, 3, 5], dtype);
      expect(opsOf(b3)).toEqual(["BatchNormalization", "Reshape", "Gemm"]);
    });

    it(`Dropout exports as the identity; the model stays in train mode, ${dtype}`, async () => {
      manualSeed(17);
      const model = new nn.Sequential(
        new nn.Linear(4, 8, { dtype }),
        new nn.ReLU(),
        new nn.Dropout(0.5),
        new nn.Linear(8, 3, { dtype }),
      );
      const bytes = exportOnnx(model, { inputShape: [null, 4] });
      expect(model.training && model.layers[2].training).toBe(true);
      expect(opsOf(bytes)).toEqual(["Gemm", "Relu", "Gemm"]);
      await roundTrip("Dropout (eval)", model, [null, 4], dtype);
    });

    it(`a small CNN: Conv2d + MaxPool2d + Conv2d + AvgPool2d + Flatten + Linear, ${dtype}`, async () => {
      manualSeed(18);
      const model = new nn.Sequential(
        new nn.Conv2d(1, 4, 3, { padding: 1, dtype }),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Conv2d(4, 6, 3, { stride: [1, 2], dtype }),
        new nn.Tanh(),
        new nn.AvgPool2d(2, 1),
        new nn.Flatten(),
        new nn.Linear(6 * 2 * 1, 3, { dtype }),
      );
      // [N, 1, 10, 10] → conv 10×10 → pool 5×5 → conv (stride 1, 2) 3×2 → avg pool (2, stride 1) 2×1.
      const bytes = await roundTrip("CNN", model, [null, 1, 10, 10], dtype);
      const ops = opsOf(bytes);
      if (dtype === "float32") {
        expect(ops).toEqual(["Conv", "Relu", "MaxPool", "Conv", "Tanh", "AveragePool", "Reshape", "Gemm"]);
        const conv = decode(bytes).graph.node[0];
        expect(conv.input).toEqual(["input", "0.weight", "0.bias"]);
        expect(attrsOf(conv)).toEqual([
          { name: "kernel_shape", ints: [3, 3] },
          { name: "strides", ints: [1, 1] },
          { name: "pads", ints: [1, 1, 1, 1] },
        ]);
      } else {
        // onnxruntime has no float64 Conv or AveragePool: im2col (Pad, Slice, Concat, MatMul) and Sum of views.
        expect(ops).not.toContain("Conv");
        expect(ops).not.toContain("AveragePool");
        expect(ops).toEqual(expect.arrayContaining(["Pad", "Slice", "Concat", "MatMul", "MaxPool", "Sum"]));
      }
    });
  }
});

describe("ops, one by one, through function models", () => {
  const models: [string, (x: Tensor) => Tensor][] = [
    [
      "shapes: reshape transpose permute flatten unsqueeze squeeze expand",
      (x) =>
        x
          .reshape([-1, 2, 3])
          .transpose(1, 2)
          .permute(0, 2, 1)
          .flatten(1)
          .unsqueeze(1)
          .expand([-1, 2, 6])
          .squeeze()
          .mul(x.unsqueeze(1)),
    ],
    [
      "elementwise: abs sqrt exp log pow square expm1 log1p sin cos sign neg maximum minimum clamp cast",
      (x) => {
        const a = x.abs().add(0.5).sqrt().add(x.exp().mul(0.1)).add(x.abs().add(1).log());
        const b = x.pow(3).sub(x.square()).add(x.expm1()).add(x.abs().log1p()).add(x.sin().mul(x.cos()));
        const c = sign(x).add(x.neg().maximum(0.3)).add(x.minimum(-0.2)).add(x.clamp(-1, 0.5));
        return a.add(b).mul(c).cast("float64").tanh().cast(x.dtype);
      },
    ],
    [
      "reductions: sum mean max min logsumexp var std, over features and over the batch",
      (x) => {
        const r = [
          x.sum(1, true),
          x.mean(1, true),
          x.max(-1, true),
          x.min(1, true),
          x.logsumexp(1, true),
          x.var(1, { keepDims: true }),
          x.std(-1, { correction: 0, keepDims: true }),
        ];
        return concat(r, 1).add(x.mean(0).sum()).add(x.sum(0, true).mul(0.1).max(1, true)).add(x.max(0).min());
      },
    ],
    [
      "joins and indexing: concat stack split select slice indexSelect maskedFill",
      (x) => {
        const [p, q] = split(x, [2, 4], 1);
        const s = stack([p, p.mul(2)], 1).sum(1);
        const t = concat([s, q, select(x, 1, 5).unsqueeze(1), slice(x, 1, 1, 6, 2)], 1);
        const u = indexSelect(t, 1, [3, 0, 3, 1]);
        const m = maskedFill(x, [0, 1, 0, 0, 1, 1], 0.5);
        return concat([u, m, slice(x, 0, 0, null).mul(3)], 1);
      },
    ],
    ["the batch merged into one axis (an output axis of unknown size)", (x) => x.reshape([-1]).exp()],
  ];
  for (const dtype of DTYPES) {
    it.each(models)(`%s, ${dtype}`, async (label, fn) => {
      manualSeed(19);
      await roundTrip(label, fn, [null, 6], dtype);
    });
  }
});

describe("opsets 13 to 21", () => {
  it("13, 18 (reduction axes as inputs) and 20 (Gelu) run too", async () => {
    manualSeed(20);
    const dtype = "float32";
    const model = new nn.Sequential(
      new nn.Linear(4, 8, { dtype }),
      new nn.LayerNorm(8, { dtype }),
      new nn.GELU(),
      new nn.Maxout(8, 4, 2, { dtype }),
      new nn.LogSoftmax(),
    );
    for (const opset of [13, 18, 20]) {
      const bytes = await roundTrip(`opset ${opset}`, model, [null, 4], dtype, { opset });
      const m = decode(bytes);
      expect(m.opsetImport).toEqual([{ domain: "", version: opset }]);
      expect(m.irVersion).toBe(opset <= 18 ? 8 : 9);
      const max = m.graph.node.find((n) => n.opType === "ReduceMax")!;
      expect(max.input).toHaveLength(opset >= 18 ? 2 : 1);
      expect(m.graph.node.some((n) => n.opType === "Gelu")).toBe(opset >= 20);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Errors

describe("what cannot be exported is an error naming it", () => {
  it("an op with no ONNX form names the op and the layer; the model's modes are put back", () => {
    class Pick extends nn.Module {
      forward(x: Tensor) {
        return gather(
          x,
          1,
          tensor([
            [0, 1],
            [1, 0],
          ]),
        );
      }
    }
    const model = new nn.Sequential(new nn.Linear(4, 2), new nn.Dropout(0.1), new Pick());
    expectThrow(() => exportOnnx(model, { inputShape: [2, 4] }), TypeError, /op "gather"/, /layer "2", Pick\(\)/, /no ONNX form/);
    expect(model.training && model.layers.every((m) => m.training)).toBe(true);
  });

  it("an activation computed by a loop (a kernel) says to define it with tensor ops", () => {
    const double = defineActivation({
      name: "onnxLoopDouble",
      formula: "f(x) = 2x",
      derivative: "f′(x) = 2",
      kernel: (x, out) => {
        for (let i = 0; i < x.length; i++) out[i] = 2 * x[i];
      },
      backward: ({ grad }) => grad.mul(2),
    });
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Activation(double));
    expectThrow(
      () => exportOnnx(model, { inputShape: [null, 4] }),
      TypeError,
      /onnxLoopDouble/,
      /layer "1"/,
      /tensor-op forward/,
    );
  });

  it("a tensor computed from the input by something that records no op (a comparison) is not taken for a constant", () => {
    const leaky = defineActivation({
      name: "onnxCmpLeaky",
      formula: "f(x) = x for x > 0, x/10 else",
      derivative: "f′(x) = 1 or 1/10",
      forward: (x) => where(x.gt(0), x, x.mul(0.1)),
    });
    const model = new nn.Sequential(new nn.Linear(4, 3), new nn.Activation(leaky));
    expectThrow(
      () => exportOnnx(model, { inputShape: [null, 4] }),
      TypeError,
      /op "where"/,
      /changes with the input/,
      /comparisons/,
    );
    // A constant made with the traced batch size is caught the same way.
    const batchSized = (x: Tensor) => x.add(tensor(new Array(x.size).fill(1), { shape: x.shape }));
    expectThrow(() => exportOnnx(batchSized, { inputShape: [null, 4] }), TypeError, /changes with the input/);
  });

  it("a forward whose ops depend on the batch size cannot be one graph", () => {
    const fn = (x: Tensor) => (x.shape[0] === 2 ? x.exp() : x.log());
    expectThrow(() => exportOnnx(fn, { inputShape: [null, 3] }), TypeError, /different ops/, /\[2, 3\] and \[3, 3\]/);
  });

  it("ops that do not depend on the input are folded into constants, whatever they are", async () => {
    const w = randn([3, 4], { requiresGrad: true, dtype: "float32" });
    const fn = (x: Tensor) => x.matmul(gather(w, 0, tensor([[2, 1, 0, 2]])).reshape([4, 1]));
    const bytes = await roundTrip("folded constant", fn, [null, 4], "float32");
    expect(opsOf(bytes)).toEqual(["MatMul"]);
  });

  it("bad options and models are clear errors", () => {
    const model = mlp(new nn.ReLU(), "float64");
    const bad = (opts: unknown) => () => exportOnnx(model, opts as { inputShape: number[] });
    expectThrow(bad(undefined), TypeError, /options must be an object/, /inputShape: \[null, 4\]/);
    expectThrow(bad({}), TypeError, /inputShape must be an array/, /got undefined/);
    expectThrow(bad({ inputShape: 4 }), TypeError, /inputShape must be an array/);
    expectThrow(bad({ inputShape: [null, 0] }), RangeError, /entry 1 is 0/, /positive integer, or null/);
    expectThrow(bad({ inputShape: [null, 2.5] }), RangeError, /entry 1 is 2.5/);
    expectThrow(bad({ inputShape: ["4"] }), RangeError, /entry 0 is string/);
    expectThrow(bad({ inputShape: [null, null, 4] }), RangeError, /more than one null/);
    expectThrow(bad({ inputShape: [null, 4], opset: 12 }), RangeError, /opset must be an integer from 13 to 21/);
    expectThrow(bad({ inputShape: [null, 4], opset: 17.5 }), RangeError, /opset/);
    expectThrow(bad({ inputShape: [null, 4], dtype: "int32" }), TypeError, /dtype must be "float32" or "float64"/);
    expectThrow(
      bad({ inputShape: [null, 4], dtype: "float32" }),
      TypeError,
      /exportOnnx: dtype "float32" differs from the model's parameters, which are float64/,
      /leave dtype out/,
    );
    expectThrow(() => exportOnnx(42 as unknown as nn.Module, { inputShape: [null, 4] }), TypeError, /model must be a Module/);
    expectThrow(
      () => exportOnnx((() => 3) as unknown as nn.Module, { inputShape: [null, 4] }),
      TypeError,
      /must return a Tensor/,
    );
    // An input shape that does not fit the model: the model's own error, and its modes put back.
    expectThrow(() => exportOnnx(model, { inputShape: [null, 5] }), RangeError, /Linear\(4, 8\)/, /\[2,5\]/);
    expect(model.training).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// A second opinion: onnx.checker

/** A python3 that can import onnx (Debian's python3-onnx lives in /usr/bin/python3), or null. */
function pythonWithOnnx(): string | null {
  for (const py of ["python3", "/usr/bin/python3"]) {
    const r = spawnSync(py, ["-c", "import onnx"], { encoding: "utf8" });
    if (r.status === 0) return py;
  }
  return null;
}
const python = pythonWithOnnx();

describe("onnx.checker (when python3 has onnx)", () => {
  it.skipIf(python === null)("check_model(full_check) accepts exported models of every kind", () => {
    const dir = mkdtempSync(join(tmpdir(), "actigrad-onnx-"));
    try {
      const files: string[] = [];
      manualSeed(21);
      for (const dtype of DTYPES) {
        const mlpAll = new nn.Sequential(
          new nn.Linear(4, 8, { dtype }),
          new nn.LayerNorm(8, { dtype }),
          new nn.GELU(),
          new nn.Softplus(),
          new nn.Maxout(8, 4, 2, { dtype }),
          new nn.BatchNorm1d(4, { dtype }),
          new nn.ELU(),
          new nn.LeakyReLU(),
          new nn.Dropout(),
          new nn.LogSoftmax(),
        );
        const cnn = new nn.Sequential(
          new nn.Conv2d(1, 2, 3, { padding: 1, dtype }),
          new nn.MaxPool2d(2),
          new nn.AvgPool2d(1),
          new nn.Flatten(),
          new nn.Linear(18, 2, { dtype }),
        );
        for (const [name, model, shape] of [
          ["mlp", mlpAll, [null, 4]],
          ["cnn", cnn, [null, 1, 6, 6]],
        ] as const) {
          const file = join(dir, `${name}-${dtype}.onnx`);
          writeFileSync(file, exportOnnx(model, { inputShape: shape.slice() }));
          files.push(file);
        }
      }
      const script = fileURLToPath(new URL("../scripts/onnx-check.py", import.meta.url));
      const r = spawnSync(python!, [script, ...files], { encoding: "utf8" });
      expect(r.stdout + r.stderr).not.toMatch(/FAILED/);
      expect(r.status).toBe(0);
      expect(r.stdout.match(/: ok /g)).toHaveLength(files.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
