/**
 * `Module`: a piece of a network with parameters. Subclasses keep their parameters (tensors
 * with `requiresGrad`) and sub-modules in ordinary fields; `parameters()` and the state dict
 * find them by walking those fields in the order they were assigned, as PyTorch does.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { loadState, saveState, type StateDict } from "./state.js";

export abstract class Module {
  /** True after `train()` (the default), false after `eval()`. */
  training = true;

  abstract forward(x: Tensor): Tensor;

  /** Same as `forward`. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }

  /** Direct sub-modules by field name (arrays of modules are named by index). */
  children(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module) out.push([String(i), v]);
        });
      }
    }
    return out;
  }

  /** Every tensor this module and its sub-modules hold, named by dotted path ("0.weight"). */
  namedTensors(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof TensorClass) out.push([prefix + key, value]);
    }
    for (const [name, child] of this.children()) out.push(...child.namedTensors(`${prefix}${name}.`));
    return out;
  }

  /** The trainable tensors, each once. */
  parameters(): Tensor[] {
    return [
      ...new Set(
        this.namedTensors()
          .map(([, t]) => t)
          .filter((t) => t.requiresGrad),
      ),
    ];
  }

  train(on = true): this {
    this.training = on;
    for (const [, child] of this.children()) child.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** A plain, JSON-safe copy of every tensor: `{ "0.weight": { shape, dtype, data } }`. */
  stateDict(): StateDict {
    return saveState(this.namedTensors());
  }

  /**
   * Loads a state dict made by `stateDict()` (possibly through JSON). Every key, shape and value
   * is checked before anything is written, so a rejected state leaves the model as it was.
   */
  loadStateDict(state: unknown): void {
    loadState(this.namedTensors(), state);
  }
}
