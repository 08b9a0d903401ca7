/**
 * What the layers check and how they word it, in one place (not exported from `nn`): a wrong
 * dtype, unknown options, an error from a functional form renamed after the layer, and
 * PyTorch's way of printing a float in a repr.
 */
import { describe } from "../ops/arithmetic.js";
import type { Tensor } from "../tensor/tensor.js";

export { describe };

/** An input of another dtype than the layer's tensors is a TypeError naming the layer and the fix, never promoted. */
export function checkInputDtype(layer: string, x: Tensor, param: Tensor): void {
  if (x.dtype === param.dtype) return;
  throw new TypeError(
    `${layer}: input is ${x.dtype} but the layer's parameters are ${param.dtype}; cast the input with ` +
      `cast(x, "${param.dtype}"), make the data ${param.dtype} from the start (tensor(values, { dtype: "${param.dtype}" }) ` +
      `or setDefaultDtype("${param.dtype}") before loading it), or build the layer with { dtype: "${x.dtype}" }`,
  );
}

/** Options must be a plain object with known keys only. */
export function checkOptions(opts: unknown, layer: string, names: readonly string[]): Record<string, unknown> {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`${layer}: the options must be an object { ${names.join(", ")} }, got ${describe(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (!names.includes(k)) throw new TypeError(`${layer}: unknown option ${JSON.stringify(k)} (expected ${names.join(", ")})`);
  }
  return opts as Record<string, unknown>;
}

/** `err` again, its "op: " prefix replaced by the layer's name (the same class, the same rest). */
export function relabel(err: unknown, op: string, layer: string): unknown {
  if (!(err instanceof TypeError || err instanceof RangeError) || !err.message.startsWith(`${op}: `)) return err;
  return new (err.constructor as typeof TypeError)(`${layer}: ${err.message.slice(op.length + 2)}`, { cause: err });
}

/** Python's repr of a float, as PyTorch's reprs print one: 0.5, 1e-05, 1.0. */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = v.toExponential().split("e");
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return Number.isInteger(v) ? `${v}.0` : String(v);
}
