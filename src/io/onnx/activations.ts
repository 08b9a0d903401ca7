/**
 * The table of the built-in activations: one emitter each (softplus, leakyRelu and elu written
 * as other ops in float64, which onnxruntime lacks). An activation not here, defined from tensor
 * ops, is exported as the ops its forward ran.
 */
import { type Emitter, greaterThanZero, input0, numberArg, unary } from "./converter.js";
import { erf64 } from "./decompose.js";
import { float, int, str } from "./proto.js";

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;

/** The built-in activations, by name; activations not here are exported as the ops their forward ran. */
export const ACTIVATIONS: Record<string, Emitter> = {
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
