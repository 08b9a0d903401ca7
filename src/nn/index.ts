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
  /**
   * σ(x) = 1 / (1 + e^−x) as a module: `new nn.Sigmoid()`; σ′ = σ(1 − σ).
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.Sigmoid().forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([0.2689, 0.5, 0.8808], dtype=float64)
   * ```
   */
  Sigmoid,
  /**
   * The hyperbolic tangent as a module: `new nn.Tanh()`; tanh(x) = (eˣ − e^−x)/(eˣ + e^−x), tanh′ = 1 − tanh².
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.Tanh().forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([-0.7616, 0, 0.964], dtype=float64)
   * ```
   */
  Tanh,
  /**
   * max(0, x) as a module: `new nn.ReLU()`; relu′(x) = [x > 0] (0 at x = 0).
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.ReLU().forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([0, 0, 2], dtype=float64)
   * ```
   */
  ReLU,
  /**
   * ln(1 + eˣ) as a module: `new nn.Softplus()`; softplus′ = σ.
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.Softplus().forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([0.3133, 0.6931, 2.1269], dtype=float64)
   * ```
   */
  Softplus,
  /**
   * e^a / Σ e^a along an axis as a module: `new nn.Softmax(axis)`; ∂Sᵢ/∂aⱼ = Sᵢ(δᵢⱼ − Sⱼ).
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.Softmax(-1).forward(tensor([[1, 2, 3]])).toString());
   * ```
   * ```text
   * tensor([[0.09, 0.2447, 0.6652]], dtype=float64)
   * ```
   */
  Softmax,
  /**
   * a − log Σ e^a along an axis as a module: `new nn.LogSoftmax(axis)`; its backward is g − softmax(a)·Σ g.
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.LogSoftmax(-1).forward(tensor([[1, 2, 3]])).toString());
   * ```
   * ```text
   * tensor([[-2.4076, -1.4076, -0.4076]], dtype=float64)
   * ```
   */
  LogSoftmax,
  /**
   * The max over groups of the last axis as a module: `new nn.MaxoutActivation(pieces)`; the gradient goes to each group's arg-max.
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.MaxoutActivation(2).forward(tensor([[1, 5, -2, -3]])).toString());
   * ```
   * ```text
   * tensor([[5, -2]], dtype=float64)
   * ```
   */
  MaxoutActivation,
  /**
   * x for x > 0, slope·x otherwise, as a module: `new nn.LeakyReLU(slope)`; the derivative is 1 or slope.
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.LeakyReLU(0.1).forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([-0.1, 0, 2], dtype=float64)
   * ```
   */
  LeakyReLU,
  /**
   * x for x > 0, α(eˣ − 1) otherwise, as a module: `new nn.ELU(alpha)`; the derivative is 1 or α·eˣ.
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.ELU(1).forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([-0.6321, 0, 2], dtype=float64)
   * ```
   */
  ELU,
  /**
   * x·Φ(x) as a module: `new nn.GELU(approximate)`, Φ the standard normal CDF; gelu′ = Φ(x) + x·φ(x).
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.GELU().forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([-0.1587, 0, 1.9545], dtype=float64)
   * ```
   */
  GELU,
  /**
   * x·σ(x) as a module: `new nn.SiLU()`; silu′ = σ(x)(1 + x(1 − σ(x))).
   *
   * @example
   * ```ts
   * import { nn, tensor } from "actigrad";
   * console.log(new nn.SiLU().forward(tensor([-1, 0, 2])).toString());
   * ```
   * ```text
   * tensor([-0.2689, 0, 1.7616], dtype=float64)
   * ```
   */
  SiLU,
} = builtinModules();
/**
 * The type of a `new nn.Sigmoid()` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.Sigmoid = new nn.Sigmoid();
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * Sigmoid() tensor([0.2689, 0.8808], dtype=float64)
 * ```
 */
export type Sigmoid = Activation;
/**
 * The type of a `new nn.Tanh()` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.Tanh = new nn.Tanh();
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * Tanh() tensor([-0.7616, 0.964], dtype=float64)
 * ```
 */
export type Tanh = Activation;
/**
 * The type of a `new nn.ReLU()` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.ReLU = new nn.ReLU();
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * ReLU() tensor([0, 2], dtype=float64)
 * ```
 */
export type ReLU = Activation;
/**
 * The type of a `new nn.Softplus()` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.Softplus = new nn.Softplus();
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * Softplus() tensor([0.3133, 2.1269], dtype=float64)
 * ```
 */
export type Softplus = Activation;
/**
 * The type of a `new nn.Softmax(axis)` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.Softmax = new nn.Softmax(0);
 * console.log(String(act), act.forward(tensor([1, 2])).toString());
 * ```
 * ```text
 * Softmax(axis=0) tensor([0.2689, 0.7311], dtype=float64)
 * ```
 */
export type Softmax = Activation;
/**
 * The type of a `new nn.LogSoftmax(axis)` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.LogSoftmax = new nn.LogSoftmax(0);
 * console.log(String(act), act.forward(tensor([1, 2])).toString());
 * ```
 * ```text
 * LogSoftmax(axis=0) tensor([-1.3133, -0.3133], dtype=float64)
 * ```
 */
export type LogSoftmax = Activation;
/**
 * The type of a `new nn.MaxoutActivation(pieces)` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.MaxoutActivation = new nn.MaxoutActivation(2);
 * console.log(String(act), act.forward(tensor([[1, 5, -2, -3]])).toString());
 * ```
 * ```text
 * MaxoutActivation(pieces=2) tensor([[5, -2]], dtype=float64)
 * ```
 */
export type MaxoutActivation = Activation;
/**
 * The type of a `new nn.LeakyReLU(slope)` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.LeakyReLU = new nn.LeakyReLU(0.2);
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * LeakyReLU(slope=0.2) tensor([-0.2, 2], dtype=float64)
 * ```
 */
export type LeakyReLU = Activation;
/**
 * The type of a `new nn.ELU(alpha)` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.ELU = new nn.ELU(0.5);
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * ELU(alpha=0.5) tensor([-0.3161, 2], dtype=float64)
 * ```
 */
export type ELU = Activation;
/**
 * The type of a `new nn.GELU(approximate)` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.GELU = new nn.GELU("tanh");
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * GELU(approximate='tanh') tensor([-0.1588, 1.9546], dtype=float64)
 * ```
 */
export type GELU = Activation;
/**
 * The type of a `new nn.SiLU()` module: an `Activation` module.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const act: nn.SiLU = new nn.SiLU();
 * console.log(String(act), act.forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * SiLU() tensor([-0.2689, 1.7616], dtype=float64)
 * ```
 */
export type SiLU = Activation;
export type { LinearOptions } from "./layers.js";
export { crossEntropy, nllLoss, mseLoss, bceWithLogits } from "./losses.js";
export type { Labels, Reduction } from "./losses.js";
export { xavierUniform, xavierNormal, heNormal, heUniform, initFor, initializers } from "./init.js";
export type { InitName } from "./init.js";
