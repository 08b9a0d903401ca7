/**
 * `defineActivation(spec)`: one call makes an activation whole. The spec says what a textbook
 * says — the name, f and f′ as text, the arguments with their defaults, a stable forward, and
 * (optionally) the rule from the derivation, written in tensor ops so it differentiates again.
 * Everything else reads the definition: the free function (the returned value), the row of the
 * `activations` table, the trace formula and local derivative (src/teach), the label in
 * `toDot`, the gallery's curves, the `nn.Activation` module and the playground's list.
 *
 *   const swish = defineActivation({
 *     name: "swish",
 *     formula: "swish(x) = x·σ(x)",
 *     derivative: "swish′(x) = σ(x) + x·σ(x)(1 − σ(x))",
 *     forward: (x) => x.mul(x.neg().exp().add(1).pow(-1)),   // no rule given: autograd derives it
 *   });
 *   swish(t);  activations.swish;  new nn.Activation(swish);
 *
 * The forward comes in one of three forms:
 *   kernel   a loop over the flat values, (x, out, ...args) — elementwise activations;
 *   row      a loop over one vector along `axis`, (x, y, base, n, stride) — e^a / Σ e^a and kin;
 *   forward  tensor ops, (x, ...args) => Tensor — anything; without `backward`, its rule is
 *            the gradient of these ops, which autograd takes (and the graph still shows one node).
 * A kernel or a row needs `backward`: autograd cannot see inside a loop.
 */
import { type FloatArray, promote } from "../memory/dtype.js";
import { allocValues } from "../memory/scope.js";
import { fmt, normalizeAxis, sameShape, sizeOf } from "../memory/shape.js";
import { grad } from "../tensor/autograd.js";
import { isGradEnabled, noGrad, record, setGraphHooks, withGradMode } from "../tensor/graph.js";
import { Tensor } from "../tensor/tensor.js";
import { activationKernels, type ActivationKernels } from "../kernels/simd.js";
import { axisLayout } from "../kernels/axis.js";
import { checkSpec, probe } from "./define-check.js";
import { expectTensor } from "./arithmetic.js";
import "./methods.js";

/**
 * What a rule may read: the input x, the output y and the upstream gradient ∂L/∂y.
 *
 * @example
 * ```ts
 * import { sigmoid, tensor, type Saved } from "actigrad";
 * const x = tensor([0, 2]);
 * const saved: Saved = { x, y: sigmoid(x), grad: tensor([1, 1]) };
 * console.log(sigmoid.backward(saved).toString()); // σ(x)(1 − σ(x))
 * ```
 * ```text
 * tensor([0.25, 0.105], dtype=float64)
 * ```
 */
export interface Saved {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly grad: Tensor;
}

/**
 * A rule also gets f, the activation itself, for derivatives written with f (such as f′(x) = e^(−f(−x))).
 *
 * @example
 * ```ts
 * import { defineActivation, tensor, type RuleInput } from "actigrad";
 * // softplus′(x) = σ(x) = e^(−softplus(−x)): a rule written with f itself
 * const backward = ({ x, grad, f }: RuleInput) => grad.mul(f(x.neg()).neg().exp());
 * const sp = defineActivation({ name: "sp", formula: "sp(x) = log(1 + eˣ)", derivative: "sp′(x) = e^(−sp(−x))",
 *   forward: (x) => x.exp().add(1).log(), backward });
 * const x = tensor([0, 2], { requiresGrad: true });
 * sp(x).sum().backward();
 * console.log(x.grad!.toString()); // σ(x)
 * ```
 * ```text
 * tensor([0.5, 0.8808], dtype=float64)
 * ```
 */
export interface RuleInput extends Saved {
  readonly f: Activation;
}

/**
 * An argument after x: a number (slope, axis, pieces) or a word (a choice between named forms).
 *
 * @example
 * ```ts
 * import { gelu, leakyRelu, tensor, type ArgValue } from "actigrad";
 * const x = tensor([-1, 1]);
 * const slope: ArgValue = 0.2;
 * const approximate: ArgValue = "tanh";
 * console.log(leakyRelu(x, slope).toString(), gelu(x, approximate).toString());
 * ```
 * ```text
 * tensor([-0.2, 1], dtype=float64) tensor([-0.1588, 0.8412], dtype=float64)
 * ```
 */
export type ArgValue = number | string;

/**
 * elementwise: f acts on each number. vector: on each vector along `axis`. groups: it shrinks the last axis.
 *
 * @example
 * ```ts
 * import { activations, type ActivationKind } from "actigrad";
 * const kinds: ActivationKind[] = [activations.relu.kind, activations.softmax.kind, activations.maxout.kind];
 * console.log(kinds);
 * ```
 * ```text
 * [ 'elementwise', 'vector', 'groups' ]
 * ```
 */
export type ActivationKind = "elementwise" | "vector" | "groups";

/**
 * What `defineActivation` takes: the name, f and f′ as text, and f as a kernel, a row loop or tensor ops, with an optional hand-written rule for ∂L/∂x.
 *
 * @example
 * ```ts
 * import { defineActivation, tensor, type ActivationSpec } from "actigrad";
 * const spec: ActivationSpec = {
 *   name: "cube",
 *   formula: "cube(x) = x³",
 *   derivative: "cube′(x) = 3x²",
 *   forward: (x) => x.pow(3),
 * };
 * const cube = defineActivation(spec);
 * console.log(cube(tensor([1, 2])).toString());
 * ```
 * ```text
 * tensor([1, 8], dtype=float64)
 * ```
 */
export interface ActivationSpec<A extends ArgValue[] = number[]> {
  /** A JavaScript identifier, not yet taken by another activation or a Tensor method. */
  readonly name: string;
  /** f as text: "σ(x) = 1 / (1 + e^−x)". */
  readonly formula: string;
  /** f′ as the rule uses it: "σ′(x) = σ(x)(1 − σ(x))". */
  readonly derivative: string;
  /** f″, where a closed form is known. */
  readonly secondDerivative?: string;
  /** What happens at kinks and ties, where the derivative is a convention. */
  readonly note?: string;
  /** f and f′ as LaTeX, for pages that typeset them (the playground). */
  readonly tex?: { readonly formula: string; readonly derivative: string };
  /** The arguments after x, in order, with their defaults: `{ slope: 0.01 }`. */
  readonly args?: Readonly<Record<string, ArgValue>>;
  /** The allowed words of a word argument: `{ mode: ["exact", "fast"] }` (others are a RangeError). */
  readonly choices?: Readonly<Record<string, readonly string[]>>;
  /** How f acts: on each number (default), on vectors along an axis, or on groups of the last axis. */
  readonly kind?: ActivationKind;
  /** The weight init that suits a Linear layer feeding it (default "xavier"). */
  readonly init?: "he" | "xavier";
  /** The nn module's class name (default: the name with a capital first letter). */
  readonly moduleName?: string;
  /** f as a loop over the values, out[i] = f(x[i]) (elementwise activations). */
  readonly kernel?: (x: FloatArray, out: FloatArray, ...args: A) => void;
  /** f on one vector of n values, read from x at base, base + stride, … and written to y the same way (vector activations). */
  readonly row?: (x: FloatArray, y: FloatArray, base: number, n: number, stride: number) => void;
  /** f written in tensor ops; it differentiates itself when no rule is given. */
  readonly forward?: (x: Tensor, ...args: A) => Tensor;
  /**
   * The same rule as a loop over the values, out = ∂L/∂x from g, x and y (elementwise) — an
   * optional fast path for first-order sweeps, which skip the rule's intermediate tensors.
   * The tests check it against `backward` for every activation that has one.
   */
  readonly ruleKernel?: (g: FloatArray, x: FloatArray, y: FloatArray, out: FloatArray, ...args: A) => void;
  /** The same for one vector along the axis (vector activations): out from g, y at base + i·stride. */
  readonly ruleRow?: (g: FloatArray, y: FloatArray, out: FloatArray, base: number, n: number, stride: number) => void;
  /** ∂L/∂x from the derivation, in tensor ops. */
  readonly backward?: (saved: RuleInput, ...args: A) => Tensor;
  /** Throws (naming the activation) when the arguments are out of their domain. */
  readonly check?: (...args: A) => void;
  /** f as a function of one number on a 1-d grid, for pictures (default: f itself, or output 0 of f([x, 0])). */
  readonly curve?: (x: Tensor, ...args: A) => Tensor;
}

/**
 * A defined activation: call it as a function, read its definition as properties.
 *
 * @example
 * ```ts
 * import { activations, tensor, type Activation } from "actigrad";
 * const act: Activation = activations.softplus;
 * console.log(act.name, "|", act.formula, "|", act.derivative);
 * console.log(act(tensor([0, 1])).toString());
 * ```
 * ```text
 * softplus | softplus(x) = log(1 + e^x) | softplus′(x) = σ(x)
 * tensor([0.6931, 1.3133], dtype=float64)
 * ```
 */
export interface Activation {
  (x: Tensor, ...args: ArgValue[]): Tensor;
  readonly name: string;
  readonly formula: string;
  readonly derivative: string;
  readonly secondDerivative?: string;
  readonly note?: string;
  readonly tex?: { readonly formula: string; readonly derivative: string };
  readonly args: Readonly<Record<string, ArgValue>>;
  readonly choices: Readonly<Record<string, readonly string[]>>;
  readonly kind: ActivationKind;
  readonly init: "he" | "xavier";
  readonly moduleName: string;
  /** f (the same as calling the activation). */
  forward(x: Tensor, ...args: ArgValue[]): Tensor;
  /** ∂L/∂x: the spec's rule, or the gradient of its tensor-op forward. */
  backward(saved: Saved, ...args: ArgValue[]): Tensor;
  /** f as a function of one number on a 1-d grid, for pictures. */
  curve(x: Tensor, ...args: ArgValue[]): Tensor;
}

/** Every activation defined so far, by name; src/ops/builtins.ts gives it its typed face. */
export const registry: Record<string, Activation> = {};

/**
 * Defines a new activation from its spec and returns its free function (also installed as a Tensor method, an `nn` module and a row of the `activations` table).
 *
 * @example
 * ```ts
 * import { defineActivation, tensor } from "actigrad";
 * const swish = defineActivation({
 *   name: "swish",
 *   formula: "swish(x) = x·σ(x)",
 *   derivative: "swish′(x) = σ(x) + x·σ(x)(1 − σ(x))",
 *   forward: (x) => x.mul(x.sigmoid()), // autograd derives the rule
 * });
 * const x = tensor([-1, 0, 2], { requiresGrad: true });
 * swish(x).sum().backward();
 * console.log(swish(x).toString(), x.grad!.toString());
 * ```
 * ```text
 * tensor([-0.2689, 0, 1.7616], dtype=float64, gradFn=<swish>) tensor([0.0723, 0.5, 1.0908], dtype=float64)
 * ```
 */
export function defineActivation<A extends ArgValue[] = number[]>(specOf: ActivationSpec<A>): Activation {
  checkSpec(specOf as ActivationSpec<ArgValue[]>, registry, Tensor.prototype);
  // Inside, the arguments are handled as a list of numbers and words; the spec's own functions see their types.
  const spec = specOf as unknown as ActivationSpec<ArgValue[]>;
  const { name } = spec;
  const kind = spec.kind ?? "elementwise";
  const defaults = Object.freeze({ ...spec.args });
  const argNames = Object.keys(defaults);
  const choices = Object.freeze({ ...spec.choices });
  const fast: ActivationKernels | null = spec.kernel || spec.row ? activationKernels(name) : null;

  /** The arguments with defaults filled in and checked (axis made non-negative). */
  const argsOf = (given: readonly (ArgValue | undefined)[], x: Tensor): ArgValue[] => {
    const args = argNames.map((k, i) => {
      const v = given[i] === undefined ? defaults[k] : given[i];
      if (typeof v !== typeof defaults[k]) {
        throw new TypeError(
          `${name}: ${k} must be a ${typeof defaults[k]}, got ${typeof v === "string" ? JSON.stringify(v) : String(v)}`,
        );
      }
      const allowed = choices[k];
      if (allowed !== undefined && !allowed.includes(v as string)) {
        throw new RangeError(
          `${name}: ${k} must be ${allowed.map((c) => JSON.stringify(c)).join(" or ")}, got ${JSON.stringify(v)}`,
        );
      }
      return k === "axis" && kind === "vector" ? normalizeAxis(v as number, x.ndim, name) : (v as ArgValue);
    });
    spec.check?.(...args);
    return args;
  };

  /** Vectors of n along the axis, and whether they are contiguous (the last axis): the SIMD case. */
  const rowsOf = (x: Tensor, args: ArgValue[]) => {
    if (kind !== "vector") return { outer: 1, n: x.size, inner: 1 };
    return axisLayout(x.shape, args[argNames.indexOf("axis")] as number);
  };

  /** y = f(x) as values, with no graph. */
  const values = (x: Tensor, args: ArgValue[]): Tensor => {
    if (!spec.kernel && !spec.row) return noGrad(() => spec.forward!(x, ...args));
    const { outer, n, inner } = rowsOf(x, args);
    const made = fast !== null && inner === 1 ? fast.forward(x.data, outer, n) : null;
    const y = new Tensor(made ?? allocValues(x.dtype, x.size), x.shape);
    if (made !== null) return y;
    if (spec.kernel) spec.kernel(x.data, y.data, ...args);
    else for (let o = 0; o < outer; o++) for (let q = 0; q < inner; q++) spec.row!(x.data, y.data, o * n * inner + q, n, inner);
    return y;
  };

  /** The fused SIMD rule (float32), or null where it does not apply. */
  const quickRule = (x: Tensor, y: Tensor, g: Tensor, args: ArgValue[]): Tensor | null => {
    const { outer, n, inner } = rowsOf(x, args);
    const made = fast !== null && inner === 1 ? fast.rule(g.data, (fast.reads === "x" ? x : y).data, outer, n) : null;
    if (made !== null) return new Tensor(made, x.shape);
    const { ruleKernel, ruleRow } = spec;
    if (!ruleKernel && !ruleRow) return null;
    const out = new Tensor(allocValues(promote(g.dtype, x.dtype), x.size), x.shape);
    if (ruleKernel) ruleKernel(g.data, x.data, y.data, out.data, ...args);
    else
      for (let o = 0; o < outer; o++)
        for (let q = 0; q < inner; q++) ruleRow!(g.data, y.data, out.data, o * n * inner + q, n, inner);
    return out;
  };

  /** ∂L/∂x by the definition: the spec's rule, or autograd through the tensor-op forward. */
  const rule = (saved: Saved, args: ArgValue[]): Tensor => {
    if (spec.backward) return spec.backward({ x: saved.x, y: saved.y, grad: saved.grad, f: act }, ...args);
    const { x, grad: g } = saved;
    // An inner sweep through the forward's own ops: the teaching tools' hooks are paused so a
    // trace shows this activation as one step, with its own formula, not its inner ops.
    const hooks = setGraphHooks(null);
    try {
      if (isGradEnabled() && x.requiresGrad)
        return grad(spec.forward!(x, ...args), [x], { gradOutputs: [g], createGraph: true })[0];
      const leaf = Tensor._tempLeaf(x.storage, x.shape);
      return grad(
        withGradMode(true, () => spec.forward!(leaf, ...args)),
        [leaf],
        { gradOutputs: [g] },
      )[0];
    } finally {
      setGraphHooks(hooks);
    }
  };

  const act = ((x: Tensor, ...given: (ArgValue | undefined)[]): Tensor => {
    expectTensor(x, name);
    for (let i = argNames.length; i < given.length; i++) {
      if (given[i] !== undefined) {
        const takes = `${argNames.length} argument${argNames.length === 1 ? "" : "s"} after x (${argNames.join(", ") || "none"})`;
        throw new RangeError(`${name}: takes ${takes}, got ${given.length}`);
      }
    }
    const args = argsOf(given, x);
    const y = values(x, args);
    if (!(y instanceof Tensor)) throw new TypeError(`${name}: the forward returned ${typeof y}, not a Tensor`);
    if (kind !== "groups" && !sameShape(y.shape, x.shape)) {
      throw new RangeError(`${name}: the forward returned shape ${fmt(y.shape)} for an input of shape ${fmt(x.shape)}`);
    }
    const named = argNames.length === 0 ? undefined : Object.fromEntries(argNames.map((k, i) => [k, args[i]]));
    return record(
      y,
      name,
      [x],
      (g) => {
        // First-order sweeps take the fused SIMD rule where there is one (float32); the
        // definition's rule is what it computes, and what a createGraph sweep records.
        const quick = isGradEnabled() ? null : quickRule(x, y, g, args);
        return [quick ?? rule({ x, y, grad: g }, args)];
      },
      named,
    );
  }) as Activation;

  const given = spec.curve;
  const curve =
    given !== undefined
      ? (x: Tensor, ...args: (ArgValue | undefined)[]) => given(x, ...argsOf(args, x))
      : kind === "vector"
        ? (x: Tensor, ...args: ArgValue[]) => {
            // Output 0 of f([x, 0]) along the last axis: for e^a / Σ e^a that is σ(x).
            const pairs = x.reshape([-1, 1]).matmul(new Tensor(Float64Array.of(1, 0), [1, 2]).cast(x.dtype));
            return act(pairs, ...args.map((v, i) => (argNames[i] === "axis" ? -1 : v)))
              .mul(new Tensor(Float64Array.of(1, 0), [2]).cast(x.dtype))
              .sum(-1);
          }
        : act;
  const props: Omit<Activation, never> = {
    name,
    formula: spec.formula,
    derivative: spec.derivative,
    ...(spec.secondDerivative === undefined ? {} : { secondDerivative: spec.secondDerivative }),
    ...(spec.note === undefined ? {} : { note: spec.note }),
    ...(spec.tex === undefined ? {} : { tex: spec.tex }),
    args: defaults,
    choices,
    kind,
    init: spec.init ?? "xavier",
    moduleName: spec.moduleName ?? name[0].toUpperCase() + name.slice(1),
    forward: act,
    backward: (saved: Saved, ...given: (ArgValue | undefined)[]) => rule(saved, argsOf(given, saved.x)),
    curve,
  } as unknown as Activation;
  for (const [k, v] of Object.entries(props)) Object.defineProperty(act, k, { value: v, enumerable: true });
  probe(act, sizeOf);
  registry[name] = act;
  return act;
}
