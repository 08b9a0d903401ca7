/** `nn`: modules, layers, activation modules, losses and initialisers. */
export { Module } from "./module.js";
export type { StateDict, TensorState } from "./state.js";
export {
  Linear,
  Maxout,
  Sequential,
  Activation,
  Sigmoid,
  Tanh,
  ReLU,
  Softplus,
  Softmax,
  LogSoftmax,
  MaxoutActivation,
} from "./layers.js";
export type { LinearOptions } from "./layers.js";
export { crossEntropy, nllLoss, mseLoss, bceWithLogits } from "./losses.js";
export type { Labels, Reduction } from "./losses.js";
export { xavierUniform, xavierNormal, heNormal, heUniform, initFor, initializers } from "./init.js";
export type { InitName } from "./init.js";
