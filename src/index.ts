/**
 * actigrad — a tiny automatic-differentiation engine built around the classic activations.
 *
 *   import { tensor, grad } from "actigrad";
 *   const x = tensor([0.5, -1], { requiresGrad: true });
 *   x.sigmoid().sum().backward();
 *   x.grad   // σ′(x) = σ(x)(1 − σ(x))
 */
export { Tensor } from "./tensor/tensor.js";
export type { Axis, NestedArray } from "./tensor/tensor.js";
export type { DType, FloatArray } from "./tensor/dtype.js";
export { setDefaultDtype, getDefaultDtype } from "./tensor/dtype.js";
export type { Shape } from "./tensor/shape.js";
export { broadcastShapes } from "./tensor/shape.js";
export { tensor, zeros, ones, full, zerosLike, onesLike, randn, rand, arange } from "./tensor/create.js";
export type { TensorOptions } from "./tensor/create.js";
export { manualSeed } from "./tensor/random.js";
export { noGrad, isGradEnabled } from "./tensor/graph.js";
export { scope } from "./tensor/scope.js";
/**
 * The WebAssembly SIMD kernels: `wasmReady` resolves to whether they are in use (in Node at
 * once; in a browser after a background compile, the TypeScript kernels serving meanwhile);
 * `useWasm(false)` switches them off, to compare with or fall back to the plain loops.
 */
export { useWasm, wasmReady } from "./kernels/wasm/runtime.js";
export type { Node } from "./tensor/graph.js";
export { grad } from "./tensor/autograd.js";
export type { GradOptions } from "./tensor/autograd.js";
export { gradcheck } from "./tensor/gradcheck.js";
export type { GradcheckOptions, GradcheckResult, GradcheckWorst } from "./tensor/gradcheck.js";

export { add, sub, mul, div, neg, broadcastTo, sumToShape, cast } from "./ops/arithmetic.js";
export { exp, log, pow, abs, sqrt, sign } from "./ops/unary.js";
export { sum, mean, max } from "./ops/reduce.js";
export { reshape, transpose } from "./ops/shape.js";
export { matmul, linear } from "./ops/matmul.js";
export { sigmoid, sigmoidBackward } from "./ops/sigmoid.js";
export { tanh, tanhBackward } from "./ops/tanh.js";
export { relu, reluBackward } from "./ops/relu.js";
export { softplus, softplusBackward } from "./ops/softplus.js";
export { softmax, softmaxBackward } from "./ops/softmax.js";
export { logSoftmax, logSoftmaxBackward } from "./ops/logSoftmax.js";
export { maxout, maxoutBackward } from "./ops/maxout.js";
export { activations } from "./ops/activations.js";
export type { ActivationName } from "./ops/activations.js";
export type { ActivationSpec, Saved } from "./ops/activation.js";

export * as nn from "./nn/index.js";
export * as optim from "./nn/optim.js";
export * as data from "./nn/data.js";
export { Rng } from "./tensor/random.js";
export * from "./teach/index.js";
