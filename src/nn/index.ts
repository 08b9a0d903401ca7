/** `nn`: modules, layers, activation modules, losses and initialisers. */
export { Module } from "./module.js";
export type { StateDict, TensorState } from "./state.js";
export { Linear, Maxout, Sequential } from "./layers.js";
export * from "./regularize.js";
export * from "./norm.js";
export * from "./conv.js";
export * from "./clip.js";
export { Activation, activationModule, builtinModules } from "./activation.js";
export type { ActivationModuleClass } from "./activation.js";
import { type Activation, builtinModules } from "./activation.js";

/** The built-in activations as modules, each made from its definition (see ./activation.ts). */
export const { Sigmoid, Tanh, ReLU, Softplus, Softmax, LogSoftmax, MaxoutActivation, LeakyReLU, ELU, GELU, SiLU } =
  builtinModules();
export type Sigmoid = Activation;
export type Tanh = Activation;
export type ReLU = Activation;
export type Softplus = Activation;
export type Softmax = Activation;
export type LogSoftmax = Activation;
export type MaxoutActivation = Activation;
export type LeakyReLU = Activation;
export type ELU = Activation;
export type GELU = Activation;
export type SiLU = Activation;
export type { LinearOptions } from "./layers.js";
export { crossEntropy, nllLoss, mseLoss, bceWithLogits } from "./losses.js";
export type { Labels, Reduction } from "./losses.js";
export { xavierUniform, xavierNormal, heNormal, heUniform, initFor, initializers } from "./init.js";
export type { InitName } from "./init.js";
