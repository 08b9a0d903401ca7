/**
 * The local derivative of every op, written the way a worked solution writes it, and the
 * chain rule applied by hand. For a node out = f(a, b, …) the backward sweep hands the rule
 * the upstream gradient U = ∂L/∂out; the rule returns ∂L/∂a = U · ∂out/∂a. This file names
 * ∂out/∂a — the *local* derivative — for each op, and `chain` recombines upstream and local
 * without calling the op's rule, so a test can check the engine against the textbook.
 *
 * Four shapes of "upstream combined with local":
 *   elementwise   result = Σ_broadcast (U ⊙ local)          add, mul, exp, elementwise activations, …
 *   spread        result = spread(U) ⊙ local                sum, max, reshape, transpose, group activations, …
 *   matmul        ∂L/∂A = U·Bᵀ,  ∂L/∂B = Aᵀ·U               (local = the other operand; see MATMUL)
 *   jacobian      result_j = Σ_i U_i J_ij, row by row       activations over vectors (kind "vector")
 */
import { activations } from "../ops/builtins.js";
import type { Activation } from "../ops/define.js";
import { add, broadcastTo, div, mul, neg, sumToShape } from "../ops/arithmetic.js";
import { matmul } from "../ops/matmul.js";
import { reshape, transpose } from "../ops/shape.js";
import { pow, sign } from "../ops/unary.js";
import { full, ones } from "../tensor/create.js";
import { noGrad, type Node } from "../tensor/graph.js";
import type { Shape } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * The shape of a node's local derivative in a trace: elementwise, spread (broadcast/reduce), matmul, a full Jacobian, routing (max, indexing) or an activation's own rule.
 *
 * @example
 * ```ts
 * import { tensor, traceBackward, type LocalKind } from "actigrad";
 * const x = tensor([[1, 2]], { requiresGrad: true });
 * const w = tensor([[1], [-1]], { requiresGrad: true });
 * const loss = x.softmax().matmul(w).relu().sum();
 * const kinds: LocalKind[] = traceBackward(loss).map((s) => s.local.kind);
 * console.log(kinds);
 * ```
 * ```text
 * [ 'spread', 'elementwise', 'matmul', 'jacobian' ]
 * ```
 */
export type LocalKind = "elementwise" | "spread" | "matmul" | "jacobian" | "routing" | "rule";

/**
 * ∂out/∂input for one node, one factor per input (null where no gradient flows).
 *
 * @example
 * ```ts
 * import { tensor, traceBackward, type Local } from "actigrad";
 * const x = tensor([0, 2], { requiresGrad: true });
 * for (const step of traceBackward(x.sigmoid().sum())) {
 *   const local: Local = step.local;
 *   console.log(step.op, local.kind, local.factors[0]?.toString());
 * }
 * ```
 * ```text
 * sum spread tensor([1, 1], dtype=float64)
 * sigmoid elementwise tensor([0.25, 0.105], dtype=float64)
 * ```
 */
export interface Local {
  kind: LocalKind;
  /**
   * elementwise: ∂out/∂input_k element by element, in out's shape. spread: a factor in the
   * input's shape (ones, or a 0/1 mask of the arg-max). matmul: the other operand. jacobian:
   * one n×n matrix per row along the axis, shape [rows, n, n] — or null when that is too big.
   * routing (indexing, joining, permuting): in the input's shape, how many times the op took
   * each input element (0, 1, or more for repeated indices); the upstream goes back the same way.
   */
  factors: (Tensor | null)[];
}

type Args = Readonly<Record<string, unknown>> | undefined;

/**
 * The textbook formula of an op's local derivative.
 *
 * @example
 * ```ts
 * import { formulaOf } from "actigrad";
 * console.log(formulaOf("mul"));
 * console.log(formulaOf("tanh"));
 * console.log(formulaOf("pow", { p: 3 }));
 * ```
 * ```text
 * ∂(a·b)/∂a = b,  ∂(a·b)/∂b = a
 * tanh′(x) = 1 − tanh²(x)
 * (x^3)′ = 3·x^2
 * ```
 */
export function formulaOf(op: string, args?: Args): string {
  if (Object.hasOwn(activations, op)) return activations[op].derivative;
  const p = args?.p as number;
  const text: Record<string, string> = {
    add: "∂(a + b)/∂a = 1,  ∂(a + b)/∂b = 1",
    sub: "∂(a − b)/∂a = 1,  ∂(a − b)/∂b = −1",
    mul: "∂(a·b)/∂a = b,  ∂(a·b)/∂b = a",
    div: "∂(a/b)/∂a = 1/b,  ∂(a/b)/∂b = −a/b²",
    neg: "∂(−x)/∂x = −1",
    exp: "exp′(x) = exp(x)",
    log: "log′(x) = 1/x",
    pow: `(x^${p})′ = ${p}·x${p - 1 === 1 ? "" : `^${p - 1}`}`,
    abs: "|x|′ = sign(x)  (0 at 0)",
    sqrt: "(√x)′ = 1/(2√x)",
    sign: "sign′(x) = 0",
    where: "∂where(c, a, b)/∂a = [c], ∂/∂b = 1 − [c]",
    step: "H′(x) = 0  (H(x) = [x > 0])",
    erf: "erf′(x) = 2/√π · e^(−x²)",
    expm1: "(e^x − 1)′ = e^x",
    clamp: "∂clamp(x)/∂x = [min ≤ x ≤ max]",
    sum: "∂(Σ x)/∂x_i = 1: the upstream is copied back to every summed element",
    max: "∂max/∂x_i = [i = first arg-max]",
    pick: "∂x[y]/∂x_i = [i = y]: only the picked (label) entry gets the gradient",
    reshape: "reshape back: the same values, so the gradient is the upstream reshaped",
    transpose: "transpose back: the gradient is the upstream with the same axes swapped",
    squeeze: "reshape back: the upstream with the dropped size-1 axes restored",
    unsqueeze: "reshape back: the upstream with the new axis dropped",
    flatten: "reshape back: the upstream unflattened to the input's shape",
    permute: "∂/∂x = permute(U, p⁻¹): the upstream with its axes put back",
    expand: "each copy passes the upstream; the copies' gradients are summed back",
    select: "∂select(x, axis, i)/∂x: the upstream put back at index i of the axis, zeros elsewhere",
    slice: "∂x[start:end:step]/∂x: the upstream put back at start, start + step, …; zeros elsewhere",
    indexSelect: "∂indexSelect(x, idx)/∂x_j = Σ_{k: idx[k] = j} U_k (repeated indices add up)",
    gather: "∂gather(x, index)/∂x: the upstream scattered back to the positions index names, repeats added",
    maskedFill: "∂maskedFill(x, m, v)/∂x = [m = 0];  ∂/∂v = Σ_{m ≠ 0} U",
    concat: "∂concat(x₁…xₙ)/∂x_k = the k-th piece of the upstream, split as the inputs were joined",
    stack: "∂stack(x₁…xₙ)/∂x_k = the upstream's k-th slice along the new axis",
    split: "∂piece_k/∂x = 1 on the piece, 0 elsewhere: the upstream padded with zeros to x's shape",
    gt: "a comparison: no gradient",
    ge: "a comparison: no gradient",
    lt: "a comparison: no gradient",
    le: "a comparison: no gradient",
    eq: "a comparison: no gradient",
    ne: "a comparison: no gradient",
    matmul: `C = ${MATMUL[flags(args)].c}:  ∂L/∂A = ${MATMUL[flags(args)].a},  ∂L/∂B = ${MATMUL[flags(args)].b}`,
    broadcastTo: "each copy passes the upstream; the copies' gradients are summed back",
    sumToShape: "∂(Σ over broadcast axes)/∂x = 1: the upstream is broadcast back",
    cast: "the identity (the gradient is cast back)",
  };
  return text[op] ?? `the rule of ${op} (no closed form in the trace)`;
}

/**
 * C = op(A)·op(B), where the engine may read either operand transposed in place (Linear is
 * x·Wᵀ). Each case's rule, with U the upstream; the local factor is the other stored operand.
 */
export const MATMUL = {
  "": { c: "A·B", a: "U·Bᵀ", b: "Aᵀ·U" },
  tb: { c: "A·Bᵀ", a: "U·B", b: "Uᵀ·A" },
  ta: { c: "Aᵀ·B", a: "B·Uᵀ", b: "A·U" },
  tatb: { c: "Aᵀ·Bᵀ", a: "Bᵀ·Uᵀ", b: "Uᵀ·Aᵀ" },
} as const;

/** Which operands a matmul node reads transposed: "", "ta", "tb" or "tatb". */
export function flags(args: Args): keyof typeof MATMUL {
  return `${args?.transposeA ? "ta" : ""}${args?.transposeB ? "tb" : ""}` as keyof typeof MATMUL;
}

/** ∂out/∂input of `node` at its saved values. `maxJacobian` caps the size of a Jacobian local. */
export function localOf(out: Tensor, node: Node, maxJacobian = 10_000): Local {
  return noGrad(() => {
    const [a, b] = node.inputs.map((t) => t.detach());
    const y = out.detach();
    const at = (t: Tensor) => broadcastTo(t, y.shape);
    const c = (v: number) => full(y.shape, v, { dtype: y.dtype });
    const el = (...f: (Tensor | null)[]): Local => ({ kind: "elementwise", factors: f });
    const spread = (f: Tensor): Local => ({ kind: "spread", factors: [f] });
    if (Object.hasOwn(activations, node.op)) return activationLocal(activations[node.op], node, a, y, maxJacobian);
    switch (node.op) {
      case "add":
        return el(c(1), c(1));
      case "sub":
        return el(c(1), c(-1));
      case "mul":
        return el(at(b), at(a));
      case "div":
        return el(at(div(1, b)), neg(div(y, at(b))));
      case "neg":
        return el(c(-1));
      case "exp":
        return el(y);
      case "log":
        return el(div(1, a));
      case "pow": {
        const p = node.args?.p as number;
        return el(p === 0 ? null : mul(pow(a, p - 1), p));
      }
      case "abs":
        return el(sign(a));
      case "sqrt":
        return el(div(0.5, y));
      case "cast":
      case "broadcastTo":
        return el(c(1));
      case "expand":
        return el(c(1));
      case "select":
      case "slice":
      case "indexSelect":
      case "gather":
      case "maskedFill":
      case "concat":
      case "stack":
      case "split":
      case "permute": {
        // Linear in the upstream: the rule applied to ones counts how often each input element
        // was taken — the local — and applied to U it routes U back the same way (see chain).
        const counts = node.backward(ones(y.shape, { dtype: y.dtype }));
        return { kind: "routing", factors: counts.map((f) => (f === null ? null : f.detach())) };
      }
      case "squeeze":
      case "unsqueeze":
      case "flatten":
      case "sum":
      case "sumToShape":
      case "reshape":
      case "transpose":
        return spread(ones(a.shape, { dtype: a.dtype }));
      case "max":
      case "pick":
        // The rule applied to ones puts a 1 at each group's first arg-max: the routing mask.
        return spread(node.backward(ones(y.shape, { dtype: y.dtype }))[0]!.detach());
      case "matmul":
        return { kind: "matmul", factors: [b, a] };
      default:
        return { kind: "rule", factors: node.inputs.map(() => null) };
    }
  });
}

/** `t` with `axis` swapped to the end and flattened to [rows, n]. */
function rowsAlong(t: Tensor, axis: number): { rows: Tensor; n: number } {
  const last = t.ndim - 1;
  const moved = t.ndim === 0 || axis === last ? t : transpose(t, axis, last);
  const n = t.ndim === 0 ? 1 : t.shape[axis];
  return { rows: reshape(moved, [t.size / n, n]), n };
}

/**
 * An activation's local derivative, from its own rule (the definition's backward) at the
 * saved x and y: applied to an upstream of ones it gives f′ element by element
 * (elementwise), or each group's routing mask (groups); applied to one-hot upstreams e_i along
 * the axis it gives row i of each vector's Jacobian J_ij = ∂y_i/∂a_j (vector), one sweep per i.
 */
function activationLocal(act: Activation, node: Node, x: Tensor, y: Tensor, maxJacobian: number): Local {
  const args = Object.keys(act.args).map((k) => node.args?.[k] as number | string);
  const ones = () => full(y.shape, 1, { dtype: y.dtype });
  if (act.kind === "elementwise") return { kind: "elementwise", factors: [act.backward({ x, y, grad: ones() }, ...args)] };
  if (act.kind === "groups") return { kind: "spread", factors: [act.backward({ x, y, grad: ones() }, ...args).detach()] };
  const axis = node.args?.axis as number;
  const xs = rowsAlong(x, axis).rows;
  const { rows: ys, n } = rowsAlong(y, axis);
  const m = ys.shape[0];
  if (m * n * n > maxJacobian) return { kind: "jacobian", factors: [null] };
  const J = new Float64Array(m * n * n);
  const onRows = args.map((v, i) => (Object.keys(act.args)[i] === "axis" ? -1 : v));
  for (let i = 0; i < n; i++) {
    const e = new Float64Array(m * n);
    for (let r = 0; r < m; r++) e[r * n + i] = 1;
    const row = act.backward({ x: xs, y: ys, grad: new Tensor(e, [m, n]).cast(ys.dtype) }, ...onRows).data;
    for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) J[(r * n + i) * n + j] = row[r * n + j];
  }
  return { kind: "jacobian", factors: [new Tensor(J, [m, n, n])] };
}

/** Sends `u` (shaped like the op's output) back to `shape`, the input's, as the op's spread says. */
function spreadBack(op: string, args: Args, u: Tensor, shape: Shape): Tensor {
  if (op === "reshape" || op === "squeeze" || op === "unsqueeze" || op === "flatten") return reshape(u, shape);
  if (op === "transpose") return transpose(u, args!.axis0 as number, args!.axis1 as number);
  if (op === "sumToShape") return broadcastTo(u, shape);
  const axes = args?.axes as number[] | undefined;
  if (axes)
    return broadcastTo(
      reshape(
        u,
        shape.map((d, i) => (axes.includes(i) ? 1 : d)),
      ),
      shape,
    );
  // Group activations and pick: each output element owns a run of shape.size / u.size contiguous inputs.
  const run = shape.reduce((p, d) => p * d, 1) / Math.max(u.size, 1);
  return reshape(broadcastTo(reshape(u, [...u.shape, 1]), [...u.shape, run]), shape);
}

/**
 * The chain rule by hand: each input's gradient from the step's upstream and local, without
 * running the op's rule. Null where the local is null (no gradient, or a Jacobian too big).
 *
 * @example
 * ```ts
 * import { chain, tensor, traceBackward } from "actigrad";
 * const x = tensor([0, 2], { requiresGrad: true });
 * for (const step of traceBackward(x.tanh().mul(3).sum())) {
 *   // upstream ⊙ local, by hand, and the engine's own rule: the same
 *   console.log(step.op, chain(step)[0]?.toString(), step.result[0]?.toString());
 * }
 * ```
 * ```text
 * sum tensor([1, 1], dtype=float64) tensor([1, 1], dtype=float64)
 * mul tensor([3, 3], dtype=float64) tensor([3, 3], dtype=float64)
 * tanh tensor([3, 0.212], dtype=float64) tensor([3, 0.212], dtype=float64)
 * ```
 */
export function chain(step: {
  op: string;
  args?: Args;
  upstream: Tensor;
  local: Local;
  inputShapes: readonly Shape[];
  /** The step's output (its node routes U back for the routing kind). */
  output?: Tensor;
}): (Tensor | null)[] {
  const { op, args, upstream: u, local, inputShapes } = step;
  const routed = local.kind === "routing" && step.output?.node ? noGrad(() => step.output!.node!.backward(u)) : null;
  return noGrad(() =>
    local.factors.map((f, k) => {
      if (f === null) return null;
      const shape = inputShapes[k];
      switch (local.kind) {
        case "elementwise":
          return sumToShape(mul(u, f), shape);
        case "spread":
          return mul(spreadBack(op, args, u, shape), f);
        case "routing":
          return routed?.[k] ?? null;
        case "matmul": {
          const T = (t: Tensor) => transpose(t);
          const product: Record<keyof typeof MATMUL, [Tensor, Tensor]> =
            k === 0
              ? { "": [u, T(f)], tb: [u, f], ta: [f, T(u)], tatb: [T(f), T(u)] }
              : { "": [T(f), u], tb: [T(u), f], ta: [f, u], tatb: [T(u), T(f)] };
          const [x, y] = product[flags(args)];
          return sumToShape(matmul(x, y), shape);
        }
        case "jacobian": {
          const axis = args?.axis as number;
          const { rows, n } = rowsAlong(u, axis);
          // [rows, 1, n] · [rows, n, n] → [rows, 1, n]: row r of the result is U_r · J_r.
          const r = reshape(matmul(reshape(rows, [rows.shape[0], 1, n]), f), [rows.shape[0], n]);
          const last = u.ndim - 1;
          const moved =
            axis === last ? u.shape : u.shape.map((d, i) => (i === axis ? u.shape[last] : i === last ? u.shape[axis] : d));
          const back = reshape(r, moved);
          return axis === last ? back : transpose(back, axis, last);
        }
        default:
          return null;
      }
    }),
  );
}

/** Adds up tensors of one shape (null-safe), without recording a graph. */
export function addAll(ts: readonly Tensor[]): Tensor {
  return noGrad(() => ts.reduce((s, t) => add(s, t)));
}
