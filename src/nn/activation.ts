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

/** A module class for one activation: `new (activationModule(act))(...args)` is `new Activation(act, ...args)`. */
export type ActivationModuleClass = new (...args: ArgValue[]) => Activation;

/** The module class of one activation, whose instances apply it with the arguments given to the constructor. */
export function activationModule(op: ActivationFn): ActivationModuleClass {
  const cls = class extends Activation {
    constructor(...args: ArgValue[]) {
      super(op, ...args);
    }
  };
  Object.defineProperty(cls, "name", { value: op.moduleName });
  return cls;
}

/** The built-ins' module classes by their PyTorch-style names: ReLU, Softmax, LeakyReLU, … */
export function builtinModules(): Readonly<Record<string, ActivationModuleClass>> {
  return Object.fromEntries(Object.values(builtins).map((op) => [op.moduleName, activationModule(op)]));
}
