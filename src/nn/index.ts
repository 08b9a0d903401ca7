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
export const {
  /** σ(x) = 1 / (1 + e^−x) as a module: `new nn.Sigmoid()`. */
  Sigmoid,
  /** The hyperbolic tangent as a module: `new nn.Tanh()`. */
  Tanh,
  /** max(0, x) as a module: `new nn.ReLU()`. */
  ReLU,
  /** ln(1 + eˣ) as a module: `new nn.Softplus()`. */
  Softplus,
  /** e^a / Σ e^a along an axis as a module: `new nn.Softmax(axis)`. */
  Softmax,
  /** a − log Σ e^a along an axis as a module: `new nn.LogSoftmax(axis)`. */
  LogSoftmax,
  /** The max over groups of the last axis as a module: `new nn.MaxoutActivation(pieces)`. */
  MaxoutActivation,
  /** x for x > 0, slope·x otherwise, as a module: `new nn.LeakyReLU(slope)`. */
  LeakyReLU,
  /** x for x > 0, α(eˣ − 1) otherwise, as a module: `new nn.ELU(alpha)`. */
  ELU,
  /** x·Φ(x) as a module: `new nn.GELU(approximate)`. */
  GELU,
  /** x·σ(x) as a module: `new nn.SiLU()`. */
  SiLU,
} = builtinModules();
/** The type of a `new nn.Sigmoid()` module: an `Activation` module. */
export type Sigmoid = Activation;
/** The type of a `new nn.Tanh()` module: an `Activation` module. */
export type Tanh = Activation;
/** The type of a `new nn.ReLU()` module: an `Activation` module. */
export type ReLU = Activation;
/** The type of a `new nn.Softplus()` module: an `Activation` module. */
export type Softplus = Activation;
/** The type of a `new nn.Softmax(axis)` module: an `Activation` module. */
export type Softmax = Activation;
/** The type of a `new nn.LogSoftmax(axis)` module: an `Activation` module. */
export type LogSoftmax = Activation;
/** The type of a `new nn.MaxoutActivation(pieces)` module: an `Activation` module. */
export type MaxoutActivation = Activation;
/** The type of a `new nn.LeakyReLU(slope)` module: an `Activation` module. */
export type LeakyReLU = Activation;
/** The type of a `new nn.ELU(alpha)` module: an `Activation` module. */
export type ELU = Activation;
/** The type of a `new nn.GELU(approximate)` module: an `Activation` module. */
export type GELU = Activation;
/** The type of a `new nn.SiLU()` module: an `Activation` module. */
export type SiLU = Activation;
export type { LinearOptions } from "./layers.js";
export { crossEntropy, nllLoss, mseLoss, bceWithLogits } from "./losses.js";
export type { Labels, Reduction } from "./losses.js";
export { xavierUniform, xavierNormal, heNormal, heUniform, initFor, initializers } from "./init.js";
export type { InitName } from "./init.js";
