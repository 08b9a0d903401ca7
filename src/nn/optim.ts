/**
 * Optimizers. Each updates its parameters' values in place from their `.grad`, following
 * PyTorch's definitions step for step (so runs can be compared with it), and skips a
 * parameter whose `.grad` is null. State (momentum, moments) is kept in the parameter's dtype.
 *
 * SGD, with g = ∇ + λ·p (weight decay λ):
 *   b ← g on the first step, then b ← μ·b + (1 − dampening)·g       (momentum μ)
 *   g ← g + μ·b (Nesterov) or g ← b                                  (when μ ≠ 0)
 *   p ← p − lr·g
 *
 * Adam (Kingma & Ba, 2015), with g = ∇ + λ·p and step t:
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 */
import type { FloatArray } from "../memory/dtype.js";
import { alloc } from "../memory/dtype.js";
import { Tensor } from "../tensor/tensor.js";

function checkParams(params: readonly Tensor[], op: string): Tensor[] {
  if (!Array.isArray(params) || params.length === 0) throw new TypeError(`${op}: expected a non-empty array of parameters`);
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameter ${i} is not a Tensor`);
    if (!p.isLeaf) throw new TypeError(`${op}: parameter ${i} is not a leaf tensor (was it made by an op?)`);
  });
  return [...params];
}

function checkNumber(op: string, name: string, v: number, ok: (v: number) => boolean, expected: string): void {
  if (typeof v !== "number" || !ok(v)) throw new RangeError(`${op}: ${name} must be ${expected}, got ${String(v)}`);
}

export abstract class Optimizer {
  readonly params: Tensor[];

  constructor(params: readonly Tensor[], name: string) {
    this.params = checkParams(params, name);
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch does by default). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  abstract step(): void;
}

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly buffers: (FloatArray | null)[];

  constructor(params: readonly Tensor[], opts: SGDOptions) {
    super(params, "SGD");
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = opts ?? ({} as SGDOptions);
    checkNumber("SGD", "lr", lr, (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
    checkNumber("SGD", "momentum", momentum, (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
    checkNumber("SGD", "dampening", dampening, Number.isFinite, "finite");
    checkNumber("SGD", "weightDecay", weightDecay, (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new RangeError("SGD: nesterov needs momentum > 0 and dampening = 0");
    }
    this.lr = lr;
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    this.buffers = this.params.map(() => null);
  }

  step(): void {
    const { lr, momentum: mu, dampening, weightDecay: wd, nesterov } = this;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      const w = p.data,
        gr = p.grad.data;
      let buf = this.buffers[k];
      const first = buf === null;
      if (mu !== 0 && buf === null) buf = this.buffers[k] = alloc(p.dtype, p.size);
      for (let i = 0; i < w.length; i++) {
        let g = gr[i];
        if (wd !== 0) g += wd * w[i];
        if (buf !== null) {
          buf[i] = first ? g : mu * buf[i] + (1 - dampening) * g;
          g = nesterov ? g + mu * buf[i] : buf[i];
        }
        w[i] -= lr * g;
      }
    });
  }
}

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adam extends Optimizer {
  lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  /** Steps taken per parameter (a parameter without a gradient skips a step, as in PyTorch). */
  private readonly steps: number[];
  private readonly m: FloatArray[];
  private readonly v: FloatArray[];

  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    super(params, "Adam");
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 } = opts;
    checkNumber("Adam", "lr", lr, (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
    if (!Array.isArray(betas) || betas.length !== 2) throw new RangeError("Adam: betas must be a pair [β₁, β₂]");
    betas.forEach((b, i) => checkNumber("Adam", `betas[${i}]`, b, (v) => v >= 0 && v < 1, "in [0, 1)"));
    checkNumber("Adam", "eps", eps, (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
    checkNumber("Adam", "weightDecay", weightDecay, (v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
    this.lr = lr;
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.m = this.params.map((p) => alloc(p.dtype, p.size));
    this.v = this.params.map((p) => alloc(p.dtype, p.size));
    this.steps = this.params.map(() => 0);
  }

  step(): void {
    const { lr, eps, weightDecay: wd } = this;
    const [b1, b2] = this.betas;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      const t = ++this.steps[k];
      const stepSize = lr / (1 - b1 ** t);
      const sqrtBc2 = Math.sqrt(1 - b2 ** t);
      const w = p.data,
        gr = p.grad.data,
        m = this.m[k],
        v = this.v[k];
      for (let i = 0; i < w.length; i++) {
        let g = gr[i];
        if (wd !== 0) g += wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + eps);
      }
    });
  }
}

export * from "./schedule.js";
