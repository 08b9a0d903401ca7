/**
 * The ONNX model as plain data (nodes with their attributes, initializers, value infos) and its
 * encoding as a ModelProto (field numbers from onnx.proto), with the small attribute helpers
 * int, ints, float and str. The protobuf writer itself is src/io/protobuf.ts.
 */
import { ProtoWriter } from "../protobuf.js";

/** TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

export type Attr =
  | { name: string; type: "int"; value: number }
  | { name: string; type: "ints"; value: readonly number[] }
  | { name: string; type: "float"; value: number }
  | { name: string; type: "string"; value: string };

export const int = (name: string, value: number): Attr => ({ name, type: "int", value });
export const ints = (name: string, value: readonly number[]): Attr => ({ name, type: "ints", value });
export const float = (name: string, value: number): Attr => ({ name, type: "float", value });
export const str = (name: string, value: string): Attr => ({ name, type: "string", value });

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs: Attr[];
  /** Set on a placeholder for an op with no ONNX form: thrown if the output needs it. */
  error?: Error;
}

export interface Initializer {
  name: string;
  dims: number[];
  type: number;
  raw: Uint8Array;
  /** Set on a constant that is not constant (it changed with the input): thrown if the output needs it. */
  error?: Error;
}

/** A graph input or output: name, element type, dims (a number, a dim_param, or null for unknown). */
export interface ValueInfo {
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

export function encodeModel(
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
export function rawBytes(values: ArrayLike<number>, type: number): Uint8Array {
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

export const typeOf = (dtype: string): number =>
  dtype === "float32" ? OnnxType.FLOAT : dtype === "float64" ? OnnxType.DOUBLE : OnnxType.INT32;
