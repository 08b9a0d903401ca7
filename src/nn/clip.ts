/**
 * Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13).
 *
 * clipGradNorm(params, maxNorm, normType = 2): one norm over all gradients together — the
 * norm of the per-parameter norms, ‖(‖g₁‖, ‖g₂‖, …)‖ₚ, with ‖g‖ₚ = (Σ|gᵢ|ᵖ)^(1/p) and
 * ‖g‖∞ = max|gᵢ| — then every gradient is multiplied by
 *   c = min(1, maxNorm / (total + 1e-6))
 * (c < 1 exactly when total + 1e-6 > maxNorm; c is computed as PyTorch does, (1/(total + 1e-6))·maxNorm).
 * Returns the total norm before clipping. Parameters whose `.grad` is null are skipped (and a
 * list where none has a gradient gives 0).
 *
 * Non-finite gradients: as PyTorch's default (error_if_nonfinite = false), nothing is thrown —
 * the gradients are just scaled: a NaN norm makes every gradient NaN; an infinite norm gives
 * c = 0, so finite entries become 0 and infinite ones NaN (∞·0). The norm is returned as it is
 * (NaN or Infinity), so the caller can see it and skip the step.
 *
 * clipGradValue(params, v): clamps every gradient entry into [−v, v] (NaN stays NaN).
 *
 * Both give each clipped parameter a new `.grad` tensor (same shape and dtype, no graph) rather
 * than writing into the old one, whose values may be shared with other tensors.
 */
import { alloc } from "../memory/dtype.js";
import { Tensor } from "../tensor/tensor.js";

function gradsOf(params: Tensor | readonly Tensor[], op: string): Tensor[] {
  const list = params instanceof Tensor ? [params] : params;
  if (!Array.isArray(list)) throw new TypeError(`${op}: expected a Tensor or an array of Tensors, got ${typeof params}`);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameter ${i} is not a Tensor`);
  });
  return list.filter((p) => p.grad !== null);
}

/** ‖data‖ₚ, computed as PyTorch's norm: √(Σx²), Σ|x|, max|x| or (Σ|x|ᵖ)^(1/p). */
function norm(data: ArrayLike<number>, p: number): number {
  let acc = 0;
  if (p === Infinity) {
    for (let i = 0; i < data.length; i++) acc = Math.max(acc, Math.abs(data[i]));
    return acc;
  }
  if (p === 2) {
    for (let i = 0; i < data.length; i++) acc += data[i] * data[i];
    return Math.sqrt(acc);
  }
  if (p === 1) {
    for (let i = 0; i < data.length; i++) acc += Math.abs(data[i]);
    return acc;
  }
  for (let i = 0; i < data.length; i++) acc += Math.abs(data[i]) ** p;
  return acc ** (1 / p);
}

function replaceGrad(p: Tensor, f: (v: number) => number): void {
  const g = p.grad as Tensor;
  const src = g.data;
  const out = alloc(g.dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  p.grad = new Tensor(out, g.shape.slice());
}

/**
 * Scales the gradients of `params` together so that their total `normType`-norm is at most
 * `maxNorm` (PyTorch's clip_grad_norm_), and returns the total norm before clipping.
 * total = ‖(‖g₁‖ₚ, ‖g₂‖ₚ, …)‖ₚ; each g ← g·min(1, maxNorm / (total + 1e-6)).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const w = tensor([1, 2], { requiresGrad: true });
 * w.mul(tensor([3, 4])).sum().backward(); // w.grad = [3, 4], norm 5
 * console.log(nn.clipGradNorm([w], 1), w.grad?.toString());
 * ```
 * ```text
 * 5 tensor([0.6, 0.8], dtype=float64)
 * ```
 */
export function clipGradNorm(params: Tensor | readonly Tensor[], maxNorm: number, normType = 2): number {
  const op = "clipGradNorm";
  const withGrad = gradsOf(params, op);
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) {
    throw new RangeError(`${op}: maxNorm must be a number ≥ 0, got ${String(maxNorm)}`);
  }
  if (typeof normType !== "number" || !(normType > 0)) {
    throw new RangeError(`${op}: normType must be a number > 0 (Infinity for the max norm), got ${String(normType)}`);
  }
  if (withGrad.length === 0) return 0;
  const norms = withGrad.map((p) => norm((p.grad as Tensor).data, normType));
  // PyTorch takes the one norm itself for ∞ and the norm of the stacked norms otherwise ((nᵖ)^(1/p) may differ from n)
  const total = normType === Infinity && norms.length === 1 ? norms[0] : norm(norms, normType);
  const coef = Math.min((1 / (total + 1e-6)) * maxNorm, 1); // NaN stays NaN, as torch.clamp
  if (coef !== 1) for (const p of withGrad) replaceGrad(p, (v) => v * coef);
  return total;
}

/**
 * Clamps every gradient entry of `params` into [−clipValue, clipValue] (PyTorch's clip_grad_value_):
 * g ← min(max(g, −clipValue), clipValue).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "actigrad";
 * const w = tensor([1, 2, 3], { requiresGrad: true });
 * w.mul(tensor([-5, 0.5, 2])).sum().backward(); // w.grad = [-5, 0.5, 2]
 * nn.clipGradValue([w], 1);
 * console.log(w.grad?.toString());
 * ```
 * ```text
 * tensor([-1, 0.5, 1], dtype=float64)
 * ```
 */
export function clipGradValue(params: Tensor | readonly Tensor[], clipValue: number): void {
  const op = "clipGradValue";
  const withGrad = gradsOf(params, op);
  if (typeof clipValue !== "number" || !(clipValue >= 0)) {
    throw new RangeError(`${op}: clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  }
  for (const p of withGrad) replaceGrad(p, (v) => Math.min(Math.max(v, -clipValue), clipValue));
}
