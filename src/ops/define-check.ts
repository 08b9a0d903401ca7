/**
 * A definition is checked when it is made, so a mistake shows up at `defineActivation`, naming
 * the activation, and not later inside someone's training loop: the spec's fields, the name
 * (free, and usable as a method name), then a probe that runs the forward and the rule once.
 * A definition that fails is not registered.
 */
import { grad } from "../tensor/autograd.js";
import { Tensor } from "../tensor/tensor.js";
import type { Activation, ActivationSpec, ArgValue } from "./define.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function fail(name: unknown, why: string, cls: typeof TypeError | typeof RangeError = TypeError): never {
  throw new cls(`defineActivation${typeof name === "string" && name ? ` (${name})` : ""}: ${why}`);
}

export function checkSpec(spec: ActivationSpec<ArgValue[]>, taken: Record<string, unknown>, proto: object): void {
  if (spec === null || typeof spec !== "object")
    fail(undefined, `expected a spec object, got ${spec === null ? "null" : typeof spec}`);
  const { name } = spec;
  if (typeof name !== "string" || !IDENTIFIER.test(name))
    fail(name, `name must be an identifier such as "swish", got ${JSON.stringify(name)}`);
  if (Object.hasOwn(taken, name)) fail(name, `the name "${name}" is taken by another activation`);
  if (name in proto) fail(name, `the name "${name}" is taken by a Tensor method`);
  for (const field of ["formula", "derivative"] as const) {
    if (typeof spec[field] !== "string" || spec[field].trim() === "") fail(name, `${field} must be non-empty text`);
  }
  for (const field of ["secondDerivative", "note", "moduleName"] as const) {
    if (spec[field] !== undefined && typeof spec[field] !== "string") fail(name, `${field} must be text`);
  }
  const forms = (["kernel", "row", "forward"] as const).filter((f) => spec[f] !== undefined);
  if (forms.length !== 1)
    fail(name, `give exactly one of kernel, row or forward (got ${forms.length ? forms.join(", ") : "none"})`);
  for (const f of [...forms, "backward", "ruleKernel", "ruleRow", "curve", "check"] as const) {
    if (spec[f] !== undefined && typeof spec[f] !== "function") fail(name, `${f} must be a function`);
  }
  if ((spec.ruleKernel !== undefined || spec.ruleRow !== undefined) && spec.backward === undefined) {
    fail(name, "a ruleKernel or ruleRow is a fast path for the backward rule: give the rule too");
  }
  if (forms[0] !== "forward" && spec.backward === undefined) {
    fail(name, `a ${forms[0]} forward needs a backward rule (autograd cannot see inside a loop)`);
  }
  const kind = spec.kind ?? "elementwise";
  if (kind !== "elementwise" && kind !== "vector" && kind !== "groups") fail(name, `kind must be elementwise, vector or groups`);
  if (spec.args !== undefined && (spec.args === null || typeof spec.args !== "object"))
    fail(name, "args must be an object of defaults");
  for (const [k, v] of Object.entries(spec.args ?? {})) {
    if (typeof v !== "string" && (typeof v !== "number" || !Number.isFinite(v))) {
      fail(name, `the default of ${k} must be a finite number or a string, got ${String(v)}`);
    }
  }
  if ((kind === "vector" || spec.row !== undefined) && !Object.hasOwn(spec.args ?? {}, "axis")) {
    fail(name, "a vector activation takes an axis argument (args: { axis: -1 })");
  }
  if (spec.choices !== undefined && (spec.choices === null || typeof spec.choices !== "object"))
    fail(name, "choices must be an object of word lists");
  for (const [k, list] of Object.entries(spec.choices ?? {})) {
    const d = spec.args?.[k];
    if (typeof d !== "string") fail(name, `choices.${k}: ${k} is not a word argument`);
    if (!Array.isArray(list) || !list.every((w) => typeof w === "string") || !list.includes(d)) {
      fail(name, `choices.${k} must be a list of words that includes the default ${JSON.stringify(d)}`);
    }
  }
  if (spec.init !== undefined && spec.init !== "he" && spec.init !== "xavier") fail(name, `init must be "he" or "xavier"`);
}

/** Runs the forward and the rule once on a [2, 4] input, and checks the shapes they return. */
export function probe(act: Activation, sizeOf: (s: readonly number[]) => number): void {
  const x = new Tensor(
    Float64Array.from({ length: 8 }, (_, i) => -1.5 + (3 * i) / 7 + 0.01),
    [2, 4],
    true,
  );
  let y: Tensor;
  try {
    y = act(x);
  } catch (e) {
    return fail(act.name, `the forward failed on a [2,4] input: ${(e as Error).message}`);
  }
  if (act.kind === "groups" && !(y instanceof Tensor)) fail(act.name, "the forward must return a Tensor");
  const g = new Tensor(new Float64Array(sizeOf(y.shape)).fill(1), y.shape);
  let dx: Tensor;
  try {
    dx = act.backward({ x, y, grad: g });
    grad(y, [x], { gradOutputs: [g] });
  } catch (e) {
    return fail(act.name, `the backward rule failed on a [2,4] input: ${(e as Error).message}`);
  }
  if (!(dx instanceof Tensor)) fail(act.name, "the backward rule must return a Tensor");
  if (dx.shape.length !== 2 || dx.shape[0] !== 2 || dx.shape[1] !== 4) {
    fail(act.name, `the backward rule returned shape [${dx.shape.join(",")}] for an input of shape [2,4]`, RangeError);
  }
}
