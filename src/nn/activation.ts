/**
 * `nn.Activation(op, ...args)`: a parameter-free module applying one activation — a built-in
 * or one made with `defineActivation`. The named modules (`nn.ReLU`, `nn.Softmax(axis)`, …)
 * are made from the built-ins' definitions by `activationModule`, so none is written by hand.
 *
 *   new nn.Sequential(new nn.Linear(2, 8), new nn.Activation(swish), new nn.Linear(8, 2));
 *   new nn.LeakyReLU(0.2).slope   // 0.2: each argument is readable by its name
 */
import { builtins } from "../ops/builtins.js";
import type { Activation as ActivationFn, ArgValue } from "../ops/define.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

function isActivation(op: unknown): op is ActivationFn {
  return (
    typeof op === "function" && typeof (op as ActivationFn).formula === "string" && typeof (op as ActivationFn).args === "object"
  );
}

/**
 * A parameter-free module applying one activation f — a built-in or one made with
 * `defineActivation` — with the arguments given after it: y = f(x, ...args).
 *
 * @example
 * ```ts
 * import { defineActivation, nn, tensor } from "actigrad";
 * const swish = defineActivation({
 *   name: "swish", formula: "swish(x) = x·σ(x)", derivative: "swish′(x) = σ(x)(1 + x(1 − σ(x)))",
 *   forward: (x) => x.mul(x.sigmoid()),
 * });
 * const act = new nn.Activation(swish);
 * console.log(String(act), act.forward(tensor([-1, 0, 2])).toString());
 * ```
 * ```text
 * Activation(swish) tensor([-0.2689, 0, 1.7616], dtype=float64)
 * ```
 */
export class Activation extends Module {
  /** The activation this module applies. */
  readonly op: ActivationFn;
  /** Its arguments after x, as given (missing ones take the definition's defaults). */
  readonly args: readonly ArgValue[];

  constructor(op: ActivationFn, ...args: ArgValue[]) {
    super();
    if (!isActivation(op)) {
      throw new TypeError(
        `nn.Activation: expected an activation (from defineActivation or the activations table), got ${typeof op}`,
      );
    }
    const names = Object.keys(op.args);
    if (args.length > names.length) {
      throw new RangeError(
        `nn.Activation: ${op.name} takes ${names.length} argument${names.length === 1 ? "" : "s"} (${names.join(", ")}), got ${args.length}`,
      );
    }
    this.op = op;
    this.args = Object.freeze(args.slice());
    // Each argument readable by its name (not enumerable: not part of the state dict).
    names.forEach((k, i) => {
      Object.defineProperty(this, k, { get: () => this.args[i] ?? op.args[k], enumerable: false });
    });
  }

  /** The activation's name, as defined. */
  get name(): string {
    return this.op.name;
  }

  /** The activation applied to x with this module's arguments. */
  forward(x: Tensor): Tensor {
    return this.op(x, ...this.args);
  }

  /** `axis=-1`, `slope=0.2`, `approximate='none'`: the arguments in effect, as PyTorch shows them. */
  override extraRepr(): string {
    const shown = Object.keys(this.op.args).map((k, i) => {
      const v = this.args[i] ?? this.op.args[k];
      return `${k}=${typeof v === "string" ? `'${v}'` : v}`;
    });
    return this.constructor === Activation ? [this.op.name, ...shown].join(", ") : shown.join(", ");
  }
}

/**
 * A module class for one activation: `new (activationModule(act))(...args)` is `new Activation(act, ...args)`.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const Cls: nn.ActivationModuleClass = nn.ELU;
 * const m = new Cls(0.5);
 * console.log(String(m), m.forward(tensor([-1, 1])).toString());
 * ```
 * ```text
 * ELU(alpha=0.5) tensor([-0.3161, 1], dtype=float64)
 * ```
 */
export type ActivationModuleClass = new (...args: ArgValue[]) => Activation;

/** The class made for each activation, so that each has one. */
const moduleClasses = new WeakMap<ActivationFn, ActivationModuleClass>();

/**
 * The module class of one activation, whose instances apply it with the arguments given to the
 * constructor. One class per activation: asking twice gives the same class, so `instanceof`
 * holds across calls (`nn.activationModule(relu) === nn.ReLU`).
 *
 * @example
 * ```ts
 * import { defineActivation, nn, tensor } from "actigrad";
 * const swish = defineActivation({
 *   name: "swish", formula: "swish(x) = x·σ(x)", derivative: "swish′(x) = σ(x)(1 + x(1 − σ(x)))",
 *   forward: (x) => x.mul(x.sigmoid()),
 * });
 * const Swish = nn.activationModule(swish);
 * console.log(String(new Swish()), new Swish().forward(tensor([-1, 2])).toString());
 * ```
 * ```text
 * Swish() tensor([-0.2689, 1.7616], dtype=float64)
 * ```
 */
export function activationModule(op: ActivationFn): ActivationModuleClass {
  const made = moduleClasses.get(op);
  if (made) return made;
  const cls = class extends Activation {
    constructor(...args: ArgValue[]) {
      super(op, ...args);
    }
  };
  Object.defineProperty(cls, "name", { value: op.moduleName });
  moduleClasses.set(op, cls);
  return cls;
}

/**
 * The built-ins' module classes by their PyTorch-style names: ReLU, Softmax, LeakyReLU, …
 *
 * @example
 * ```ts
 * import { nn } from "actigrad";
 * const modules = nn.builtinModules();
 * console.log(Object.keys(modules).join(" "));
 * console.log(String(new modules.LeakyReLU(0.1)));
 * ```
 * ```text
 * Sigmoid Tanh ReLU Softplus Softmax LogSoftmax MaxoutActivation LeakyReLU ELU GELU SiLU
 * LeakyReLU(slope=0.1)
 * ```
 */
export function builtinModules(): Readonly<Record<string, ActivationModuleClass>> {
  return Object.fromEntries(Object.values(builtins).map((op) => [op.moduleName, activationModule(op)]));
}
