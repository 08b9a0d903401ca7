/**
 * `Module`: a piece of a network with parameters. Subclasses keep their parameters (tensors
 * with `requiresGrad`) and sub-modules in ordinary fields; `parameters()` and the state dict
 * find them by walking those fields in the order they were assigned, as PyTorch does.
 *
 * The walk looks at own enumerable fields only. A field holding a Module or a Tensor is named
 * by the field (`weight`, `body`); an array is walked element by element, nested arrays too
 * (`encoders.0`, `grid.1.0`). Numbers, strings, functions and other objects are ignored, but a
 * Map, Set or plain object holding a module or tensor is an error: the walk does not look inside
 * them, and leaving them out would silently drop part of the model.
 */
import type { Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { loadState, saveState, type StateDict } from "./state.js";
import { summarize } from "./summary.js";

/** The public method a walk runs for, named in its errors; "toString" makes the walk lenient. */
let activeOp: string | null = null;

function during<T>(op: string, fn: () => T): T {
  if (activeOp !== null) return fn();
  activeOp = op;
  try {
    return fn();
  } finally {
    activeOp = null;
  }
}

/** Modules whose `train()` / `toString()` is running: a child pointing back at one of them is skipped. */
const inTrain = new Set<Module>();
const inPrint = new Set<Module>();

function className(x: object): string {
  return (x.constructor as { name?: string } | undefined)?.name || "Module";
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object") return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Describes the first Module or Tensor inside a Map, Set, plain object or array, or null if none. */
function findHidden(v: unknown, seen: Set<unknown>): string | null {
  if (v instanceof Module) return `a ${className(v)}`;
  if (v instanceof TensorClass) return "a tensor";
  if (v === null || typeof v !== "object" || seen.has(v)) return null;
  let items: Iterable<unknown>;
  if (Array.isArray(v)) items = v;
  else if (v instanceof Map) items = [...v.keys(), ...v.values()];
  else if (v instanceof Set) items = v;
  else if (isPlainObject(v)) items = Object.values(v);
  else return null;
  seen.add(v);
  for (const item of items) {
    const found = findHidden(item, seen);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The modules and tensors held directly in `m`'s own fields, named by path (arrays flattened,
 * `encoders.0`), in field order. Throws for a Map, Set or plain object that holds either.
 */
function slots(m: Module): [string, Module | Tensor][] {
  const out: [string, Module | Tensor][] = [];
  const onPath = new Set<unknown[]>();
  const visit = (path: string, v: unknown): void => {
    if (v instanceof Module || v instanceof TensorClass) out.push([path, v]);
    else if (Array.isArray(v)) {
      if (onPath.has(v)) return; // an array that contains itself
      onPath.add(v);
      v.forEach((item, i) => visit(`${path}.${i}`, item));
      onPath.delete(v);
    } else if (activeOp !== "toString" && (v instanceof Map || v instanceof Set || isPlainObject(v))) {
      const found = findHidden(v, new Set());
      if (found !== null) {
        const kind = v instanceof Map ? "a Map" : v instanceof Set ? "a Set" : "a plain object";
        throw new TypeError(
          `${activeOp ?? "children"}(): field "${path}" of ${className(m)} is ${kind} holding ${found}, which parameters() ` +
            `and the state dict cannot see; keep modules and tensors in an array (keys "${path}.0.…") or give each its own field`,
        );
      }
    }
  };
  for (const [key, value] of Object.entries(m)) visit(key, value);
  return out;
}

/**
 * A piece of a network: subclasses set `forward` and keep their parameters and sub-modules in
 * fields, which `parameters()`, the state dict and `String(module)` find in field order.
 *
 * @example
 * ```ts
 * import { nn, tensor, type Tensor } from "actigrad";
 * class Scaled extends nn.Module {
 *   inner = new nn.Linear(3, 1);
 *   scale = tensor([2], { requiresGrad: true });
 *   forward(x: Tensor) { return this.inner.forward(x).mul(this.scale); }
 * }
 * const m = new Scaled();
 * console.log(Object.keys(m.stateDict()), m.parameters().length);
 * ```
 * ```text
 * [ 'scale', 'inner.weight', 'inner.bias' ] 3
 * ```
 */
export abstract class Module {
  /** True after `train()` (the default), false after `eval()`. */
  training = true;

  /** The module's computation: the output for input x (what calling the module does). */
  abstract forward(x: Tensor): Tensor;

  /** Same as `forward`. */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }

  /**
   * Direct sub-modules, named by field path: `body`, or `encoders.0` for an array element.
   * A module held in two fields is listed under both names.
   */
  children(): [string, Module][] {
    return slots(this).filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /**
   * Every tensor this module and its sub-modules hold, named by dotted path (`encoders.0.weight`):
   * own tensors first, then each child's. A tensor reachable by two paths (a shared module) is
   * listed under both; two different tensors under one name are an error.
   */
  namedTensors(prefix = ""): [string, Tensor][] {
    return during("namedTensors", () => {
      const out: [string, Tensor][] = [];
      const byKey = new Map<string, Tensor>();
      const ancestors = new Set<Module>();
      const visit = (path: string, m: Module): void => {
        ancestors.add(m);
        for (const [key, value] of slots(m)) {
          if (!(value instanceof TensorClass)) continue;
          const name = path + key;
          const other = byKey.get(name);
          if (other === value) continue;
          if (other !== undefined) {
            throw new TypeError(
              `${activeOp}(): two different tensors have the key "${name}" (in ${className(m)}); rename the field so that every path is unique`,
            );
          }
          byKey.set(name, value);
          out.push([name, value]);
        }
        for (const [key, child] of m.children()) {
          if (!ancestors.has(child)) visit(`${path}${key}.`, child); // a back-reference is already included
        }
        ancestors.delete(m);
      };
      visit(prefix, this);
      return out;
    });
  }

  /** The trainable tensors with their paths, each tensor once (under the first path that reaches it). */
  namedParameters(): [string, Tensor][] {
    return during("namedParameters", () => {
      const seen = new Set<Tensor>();
      const out: [string, Tensor][] = [];
      for (const [name, t] of this.namedTensors()) {
        if (!t.requiresGrad || seen.has(t)) continue;
        seen.add(t);
        out.push([name, t]);
      }
      return out;
    });
  }

  /** The trainable tensors, each once, in state-dict order. */
  parameters(): Tensor[] {
    return during("parameters", () => this.namedParameters().map(([, t]) => t));
  }

  /** Sets `training` on this module and every sub-module. */
  train(on = true): this {
    if (inTrain.has(this)) return this;
    inTrain.add(this);
    try {
      during("train", () => {
        this.training = on;
        for (const [, child] of this.children()) child.train(on);
      });
    } finally {
      inTrain.delete(this);
    }
    return this;
  }

  /** Evaluation mode for this module and its children (`training = false`: Dropout passes through, BatchNorm uses running statistics); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** A plain, JSON-safe copy of every tensor: `{ "0.weight": { shape, dtype, data } }`. */
  stateDict(): StateDict {
    return during("stateDict", () => saveState(this.namedTensors()));
  }

  /**
   * Loads a state dict made by `stateDict()` (possibly through JSON). Every key, shape and value
   * is checked before anything is written, so a rejected state leaves the model as it was.
   */
  loadStateDict(state: unknown): void {
    during("loadStateDict", () => loadState(this.namedTensors(), state));
  }

  /**
   * Prints (and returns) each sub-module's output shape and parameter count for an input of
   * `inputShape` (`null` for a free batch axis), and the total: one forward pass on zeros.
   */
  summary(inputShape: readonly (number | null)[]): string {
    const text = summarize(this, inputShape);
    console.log(text);
    return text;
  }

  /** The arguments shown inside the parentheses when the module prints, e.g. `in_features=4, out_features=3, bias=true`. */
  extraRepr(): string {
    return "";
  }

  /**
   * PyTorch's repr: `Linear(in_features=4, out_features=3, bias=true)` for a module without
   * children; otherwise the class name, `extraRepr()` and one line `(name): …` per child, nested
   * children indented. Arguments use PyTorch's snake_case names so the text matches its twin.
   */
  toString(): string {
    const name = className(this);
    if (inPrint.has(this)) return `${name}(<cycle>)`;
    inPrint.add(this);
    try {
      return during("toString", () => {
        const extra = this.extraRepr();
        const kids = this.children();
        if (kids.length === 0) return `${name}(${extra})`;
        const lines = extra === "" ? [] : extra.split("\n");
        for (const [key, child] of kids) lines.push(`(${key}): ${child.toString()}`);
        return `${name}(\n  ${lines.join("\n").split("\n").join("\n  ")}\n)`;
      });
    } finally {
      inPrint.delete(this);
    }
  }

  /** Node's `util.inspect` / `console.log` show the same text as `toString()`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
