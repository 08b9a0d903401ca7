/**
 * Optimizers. Each updates its parameters' values in place from their `.grad`, following
 * PyTorch's definitions step for step (and operation for operation, so runs can be compared
 * with torch.optim's single-tensor code), and skips a parameter whose `.grad` is null, without
 * advancing that parameter's step count. State (momentum, moments) is kept in the parameter's
 * dtype; a buffer is made (zero-filled) when it is first needed.
 *
 * SGD, with g = ∇ + λ·p (weight decay λ):
 *   b ← g on the first step, then b ← μ·b + (1 − dampening)·g       (momentum μ)
 *   g ← g + μ·b (Nesterov) or g ← b                                  (when μ ≠ 0)
 *   p ← p − lr·g
 *
 * Adam (Kingma & Ba, 2015), with g = ∇ + λ·p and step t:
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay — the decay shrinks the
 * parameter instead of entering the gradient (so it is not divided by √v), g = ∇:
 *   p ← p·(1 − lr·λ)
 *   m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * RMSprop (Hinton's lecture 6e, as torch.optim.RMSprop), with g = ∇ + λ·p:
 *   s ← α·s + (1 − α)·g²                               (square average)
 *   a ← α·a + (1 − α)·g,  d = √(s − a²) + ε            (centered)     or  d = √s + ε
 *   b ← μ·b + g / d,  p ← p − lr·b                     (momentum μ > 0) or  p ← p − lr·g / d
 *
 * State dicts: `stateDict()` is a plain JSON-safe object — the optimizer's name, its
 * hyperparameters and, per parameter, its shape, dtype, step count and buffers (null until
 * made), every number written as JSON keeps it (−0 as the string "-0", as model state dicts
 * do). `loadStateDict(state)` restores all of it (the hyperparameters too, as PyTorch's
 * `load_state_dict` does), so that a run continues bit for bit; it checks everything first —
 * the optimizer's name, the number and shapes of the parameters, every key and every value —
 * and writes only when all of it is good, so a bad state is an error naming the optimizer and
 * the key, and changes nothing.
 */
import type { DType, FloatArray } from "../memory/dtype.js";
import { alloc } from "../memory/dtype.js";
import { fmt, sameShape } from "../memory/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { numberIn, record, show } from "./untrusted.js";

function checkParams(params: readonly Tensor[], op: string): Tensor[] {
  if (!Array.isArray(params) || params.length === 0) throw new TypeError(`${op}: expected a non-empty array of parameters`);
  params.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${op}: parameter ${i} is not a Tensor`);
    if (!p.isLeaf) throw new TypeError(`${op}: parameter ${i} is not a leaf tensor (was it made by an op?)`);
  });
  return [...params];
}

/**
 * A number as JSON keeps it: −0 becomes "-0" (JSON.stringify would write 0).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const w = tensor([-0, 1], { requiresGrad: true });
 * const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.square().sum().backward(); // ∇ = 2w = [−0, 2]
 * opt.step();
 * const buf: optim.JsonNumber[] | null = opt.stateDict().params[0].buffers.momentumBuffer;
 * console.log(JSON.stringify(buf)); // −0 survives JSON as "-0"
 * ```
 * ```text
 * ["-0",2]
 * ```
 */
export type JsonNumber = number | "-0";

function encode(v: number): JsonNumber {
  return Object.is(v, -0) ? "-0" : v;
}

/** Reads one hyperparameter: `v` as given (constructor) or as stored (state dict, "-0" allowed). */
type Parse<T> = (v: unknown, op: string, key: string) => T;

const nonNegative = numberIn((v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
const finite = numberIn(Number.isFinite, "finite");
const unit = numberIn((v) => v >= 0 && v < 1, "in [0, 1)");

const flag: Parse<boolean> = (v, op, key) => {
  if (typeof v !== "boolean") throw new TypeError(`${op}: ${key} must be true or false, got ${show(v)}`);
  return v;
};

const betaPair: Parse<readonly [number, number]> = (v, op, key) => {
  if (!Array.isArray(v) || v.length !== 2) throw new RangeError(`${op}: ${key} must be a pair [β₁, β₂], got ${show(v)}`);
  return Object.freeze([unit(v[0], op, `${key}[0]`), unit(v[1], op, `${key}[1]`)] as const);
};

/**
 * The hyperparameters every optimizer has.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const lrOf = (h: optim.Hyperparameters): number => h.lr; // every optimizer has one
 * const opt = new optim.Adam([tensor([1], { requiresGrad: true })], { lr: 0.01 });
 * opt.lr = lrOf(opt) / 10; // what a schedule does between steps
 * console.log(opt.stateDict().hyperparameters);
 * ```
 * ```text
 * { lr: 0.001, betas: [ 0.9, 0.999 ], eps: 1e-8, weightDecay: 0 }
 * ```
 */
export interface Hyperparameters {
  lr: number;
}

type Spec<H> = { [K in keyof H]-?: Parse<H[K]> };

/** "-0" → −0 (also inside arrays); anything else as it is, for the parsers to judge. */
function decode(v: unknown): unknown {
  if (v === "-0") return -0;
  return Array.isArray(v) ? v.map((x) => (x === "-0" ? -0 : x)) : v;
}

/**
 * One parameter's entry in a state dict.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new optim.Adam([w]);
 * w.sum().backward();
 * opt.step();
 * const p: optim.ParamState = opt.stateDict().params[0];
 * console.log(p.shape, p.dtype, p.step, Object.keys(p.buffers));
 * ```
 * ```text
 * [ 2 ] float64 1 [ 'expAvg', 'expAvgSq' ]
 * ```
 */
export interface ParamState {
  shape: number[];
  dtype: DType;
  /** Steps taken by this parameter (a step where its gradient was null does not count). */
  step: number;
  /** The optimizer's buffers for this parameter, by name; null where not made yet. */
  buffers: Record<string, JsonNumber[] | null>;
}

/**
 * What `stateDict()` returns: plain data, exact through JSON.stringify/parse.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
 * w.square().sum().backward();
 * opt.step();
 * const state: optim.OptimizerState = JSON.parse(JSON.stringify(opt.stateDict()));
 * const resumed = new optim.SGD([w], { lr: 0.5 });
 * resumed.loadStateDict(state); // hyperparameters, step counts and momentum buffers
 * console.log(state.optimizer, resumed.lr, resumed.momentum, state.params[0].buffers.momentumBuffer);
 * ```
 * ```text
 * SGD 0.1 0.9 [ 2, -2 ]
 * ```
 */
export interface OptimizerState {
  optimizer: string;
  hyperparameters: Record<string, JsonNumber | boolean | JsonNumber[]>;
  params: ParamState[];
}

type Buffers = Record<string, (FloatArray | null)[]>;

/**
 * The base of the optimizers: the parameters, their hyperparameters and buffers, `step()`, `zeroGrad()` and a state dict.
 *
 * @example
 * ```ts
 * import { optim, tensor, type Tensor } from "actigrad";
 * // Any optimizer fits the same loop.
 * function fit(opt: optim.Optimizer, loss: () => Tensor, steps: number): void {
 *   for (let i = 0; i < steps; i++) { opt.zeroGrad(); loss().backward(); opt.step(); }
 * }
 * const w = tensor([3], { requiresGrad: true });
 * fit(new optim.SGD([w], { lr: 0.25 }), () => w.sub(1).square().sum(), 5);
 * console.log(w.item()); // w − 1 halves each step: 1 + 2/2⁵
 * ```
 * ```text
 * 1.0625
 * ```
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  readonly params: Tensor[];
  /** The class's name, in messages and state dicts ("SGD", "Adam", "AdamW", "RMSprop"). */
  protected readonly kind: string;
  private readonly spec: Spec<H>;
  /** The hyperparameters, checked; replaced as a whole by `loadStateDict`. */
  protected hp: H;
  /** Steps taken per parameter (a parameter without a gradient skips a step, as in PyTorch). */
  protected readonly steps: number[];
  /** Per buffer name, one array per parameter, null until made. */
  protected readonly buffers: Buffers;
  /** Buffers whose values are squares, so never negative. */
  private readonly squares: ReadonlySet<string>;

  constructor(
    params: readonly Tensor[],
    kind: string,
    spec: Spec<H>,
    hp: H,
    bufferNames: readonly string[],
    squares: readonly string[] = [],
  ) {
    this.params = checkParams(params, kind);
    this.kind = kind;
    this.spec = spec;
    this.hp = this.parseHyper(hp, kind, "");
    this.steps = this.params.map(() => 0);
    this.buffers = Object.fromEntries(bufferNames.map((n) => [n, this.params.map(() => null)]));
    this.squares = new Set(squares);
  }

  /** The learning rate; a schedule sets it between steps. A finite number ≥ 0. */
  get lr(): number {
    return this.hp.lr;
  }

  set lr(v: number) {
    this.hp.lr = nonNegative(v, this.kind, "lr");
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch does by default). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** One update of every parameter from its `.grad`. */
  abstract step(): void;

  /** Checks the relations between hyperparameters (beyond each one's own range). */
  protected crossCheck(_hp: H, _op: string, _prefix: string): void {}

  private parseHyper(given: unknown, op: string, prefix: string): H {
    const src = given as Record<string, unknown>;
    const out = {} as Record<string, unknown>;
    for (const key of Object.keys(this.spec)) {
      const raw = prefix === "" ? src[key] : decode(src[key]);
      out[key] = (this.spec as Record<string, Parse<unknown>>)[key](raw, op, prefix + key);
    }
    this.crossCheck(out as H, op, prefix);
    return out as H;
  }

  /** The buffer of parameter `k` named `name`, made zero-filled if it is not there yet. */
  protected buffer(name: string, k: number): FloatArray {
    const list = this.buffers[name];
    return (list[k] ??= alloc(this.params[k].dtype, this.params[k].size));
  }

  /** Everything needed to resume: hyperparameters, step counts and buffers, as plain JSON-safe data. */
  stateDict(): OptimizerState {
    const hyperparameters: OptimizerState["hyperparameters"] = {};
    for (const [key, v] of Object.entries(this.hp)) {
      hyperparameters[key] = typeof v === "number" ? encode(v) : Array.isArray(v) ? v.map(encode) : (v as boolean);
    }
    const params = this.params.map((p, k): ParamState => {
      const buffers: ParamState["buffers"] = {};
      for (const [name, list] of Object.entries(this.buffers)) {
        const b = list[k];
        buffers[name] = b === null ? null : Array.from(b, encode);
      }
      return { shape: p.shape.slice(), dtype: p.dtype, step: this.steps[k], buffers };
    });
    return { optimizer: this.kind, hyperparameters, params };
  }

  /**
   * Restores a state made by `stateDict()` (possibly through JSON) of an optimizer of the same
   * class over parameters of the same count and shapes. Checks everything before writing
   * anything: a bad state throws a TypeError or RangeError naming the optimizer and the key,
   * and leaves the optimizer as it was.
   */
  loadStateDict(state: unknown): void {
    const op = `${this.kind}.loadStateDict`;
    const s = record(op, "", state, ["optimizer", "hyperparameters", "params"]);
    if (s.optimizer !== this.kind) {
      throw new TypeError(`${op}: key "optimizer": the state is for ${show(s.optimizer)}, not ${JSON.stringify(this.kind)}`);
    }
    const hpIn = record(op, "hyperparameters", s.hyperparameters, Object.keys(this.spec));
    const hp = this.parseHyper(hpIn, op, "hyperparameters.");
    const list = s.params;
    if (!Array.isArray(list)) throw new TypeError(`${op}: key "params" must be an array, got ${show(list)}`);
    if (list.length !== this.params.length) {
      throw new RangeError(
        `${op}: key "params": the state holds ${list.length} parameter${list.length === 1 ? "" : "s"}, ` +
          `the optimizer has ${this.params.length}`,
      );
    }
    const names = Object.keys(this.buffers);
    const steps: number[] = [];
    const buffers: Buffers = Object.fromEntries(names.map((n) => [n, []]));
    this.params.forEach((p, k) => {
      const at = `params[${k}]`;
      const e = record(op, at, list[k], ["shape", "dtype", "step", "buffers"]);
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new TypeError(`${op}: key "${at}.shape" must be an array of integers ≥ 0, got ${show(e.shape)}`);
      }
      if (!sameShape(e.shape, p.shape)) {
        throw new RangeError(`${op}: key "${at}.shape": ${fmt(e.shape)} does not match parameter ${k}'s shape ${fmt(p.shape)}`);
      }
      if (e.dtype !== "float32" && e.dtype !== "float64") {
        throw new TypeError(`${op}: key "${at}.dtype" must be "float32" or "float64", got ${show(e.dtype)}`);
      }
      if (typeof e.step !== "number" || !Number.isSafeInteger(e.step) || e.step < 0) {
        throw new RangeError(`${op}: key "${at}.step" must be an integer ≥ 0, got ${show(e.step)}`);
      }
      steps.push(e.step);
      const b = record(op, `${at}.buffers`, e.buffers, names);
      for (const name of names) {
        const key = `${at}.buffers.${name}`;
        const data = b[name];
        if (data === null) {
          buffers[name].push(null);
          continue;
        }
        if (!Array.isArray(data) || data.length !== p.size) {
          throw new RangeError(
            `${op}: key "${key}" must be null or an array of ${p.size} numbers, got ${Array.isArray(data) ? `${data.length} values` : show(data)}`,
          );
        }
        const values = alloc(p.dtype, p.size);
        for (let i = 0; i < data.length; i++) {
          const v = data[i] === "-0" ? -0 : data[i];
          if (typeof v !== "number") throw new TypeError(`${op}: key "${key}": value ${i} is not a number (${show(v)})`);
          if (!Number.isFinite(v)) throw new RangeError(`${op}: key "${key}": value ${i} is ${v}, not finite`);
          if (v < 0 && this.squares.has(name)) {
            throw new RangeError(`${op}: key "${key}": value ${i} is ${v}, but this buffer holds squares (≥ 0)`);
          }
          values[i] = v;
        }
        buffers[name].push(values);
      }
    });
    // Everything is good: write.
    this.hp = hp;
    this.steps.splice(0, this.steps.length, ...steps);
    for (const name of names) this.buffers[name].splice(0, this.params.length, ...buffers[name]);
  }
}

/**
 * Options of `SGD`: learning rate, momentum (Nesterov or not), dampening and weight decay.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opts: optim.SGDOptions = { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 };
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], opts);
 * console.log(opt.lr, opt.momentum, opt.nesterov, opt.dampening);
 * ```
 * ```text
 * 0.1 0.9 true 0
 * ```
 */
export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

interface SGDHyper extends Hyperparameters {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

const SGD_SPEC: Spec<SGDHyper> = {
  lr: nonNegative,
  momentum: nonNegative,
  dampening: finite,
  weightDecay: nonNegative,
  nesterov: flag,
};

/**
 * Stochastic gradient descent, with optional momentum (PyTorch's form), Nesterov and weight decay.
 * With g = ∇ + λ·p: b ← μ·b + (1 − dampening)·g (b = g at first), g ← g + μ·b (Nesterov) or b, p ← p − lr·g.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9 });
 * for (let i = 0; i < 3; i++) {
 *   w.square().sum().backward(); // ∇ = 2w
 *   opt.step();
 *   opt.zeroGrad();
 * }
 * console.log(w.toString());
 * ```
 * ```text
 * tensor([0.062, -0.124], dtype=float64, requiresGrad=true)
 * ```
 */
export class SGD extends Optimizer<SGDHyper> {
  constructor(params: readonly Tensor[], opts: SGDOptions) {
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = opts ?? ({} as SGDOptions);
    super(params, "SGD", SGD_SPEC, { lr, momentum, dampening, weightDecay, nesterov }, ["momentumBuffer"]);
  }

  protected override crossCheck(hp: SGDHyper, op: string, prefix: string): void {
    if (hp.nesterov && (hp.momentum <= 0 || hp.dampening !== 0)) {
      throw new RangeError(`${op}: ${prefix}nesterov needs momentum > 0 and dampening = 0`);
    }
  }

  get momentum(): number {
    return this.hp.momentum;
  }
  get dampening(): number {
    return this.hp.dampening;
  }
  get weightDecay(): number {
    return this.hp.weightDecay;
  }
  get nesterov(): boolean {
    return this.hp.nesterov;
  }

  step(): void {
    const { lr, momentum: mu, dampening, weightDecay: wd, nesterov } = this.hp;
    const bufs = this.buffers.momentumBuffer;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      this.steps[k]++;
      const w = p.data,
        gr = p.grad.data;
      const first = bufs[k] === null;
      const buf = mu !== 0 ? this.buffer("momentumBuffer", k) : null;
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

/**
 * Options of `Adam`: learning rate, betas (β₁, β₂), ε and weight decay.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opts: optim.AdamOptions = { lr: 3e-4, betas: [0.9, 0.98], eps: 1e-9 };
 * const opt = new optim.Adam([tensor([1], { requiresGrad: true })], opts);
 * console.log(opt.lr, opt.betas, opt.eps, opt.weightDecay);
 * ```
 * ```text
 * 0.0003 [ 0.9, 0.98 ] 1e-9 0
 * ```
 */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

interface AdamHyper extends Hyperparameters {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
}

const ADAM_SPEC: Spec<AdamHyper> = { lr: nonNegative, betas: betaPair, eps: nonNegative, weightDecay: nonNegative };

/** What Adam and AdamW share: hyperparameters, moment buffers, and the moment update. */
abstract class AdamFamily extends Optimizer<AdamHyper> {
  get betas(): readonly [number, number] {
    return this.hp.betas;
  }
  get eps(): number {
    return this.hp.eps;
  }
  get weightDecay(): number {
    return this.hp.weightDecay;
  }

  /** One step; `decoupled`: AdamW's decay of the parameter, instead of Adam's L2 term in the gradient. */
  protected adamStep(decoupled: boolean): void {
    const { lr, eps, weightDecay: wd } = this.hp;
    const [b1, b2] = this.hp.betas;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      const t = ++this.steps[k];
      const stepSize = lr / (1 - b1 ** t);
      const sqrtBc2 = Math.sqrt(1 - b2 ** t);
      const w = p.data,
        gr = p.grad.data,
        m = this.buffer("expAvg", k),
        v = this.buffer("expAvgSq", k);
      if (decoupled) {
        const decay = 1 - lr * wd;
        if (decay !== 1) for (let i = 0; i < w.length; i++) w[i] *= decay;
      }
      for (let i = 0; i < w.length; i++) {
        let g = gr[i];
        if (!decoupled && wd !== 0) g += wd * w[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtBc2 + eps);
      }
    });
  }
}

/**
 * Adam (weight decay as an L2 term added to the gradient, as torch.optim.Adam).
 * With g = ∇ + λ·p at step t: m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − lr·m̂ / (√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new optim.Adam([w], { lr: 0.1 });
 * for (let i = 0; i < 3; i++) {
 *   w.square().sum().backward(); // ∇ = 2w
 *   opt.step();
 *   opt.zeroGrad();
 * }
 * console.log(w.toString()); // each step moves each weight by about lr
 * ```
 * ```text
 * tensor([0.7016, -1.7006], dtype=float64, requiresGrad=true)
 * ```
 */
export class Adam extends AdamFamily {
  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 } = opts ?? {};
    super(params, "Adam", ADAM_SPEC, { lr, betas, eps, weightDecay }, ["expAvg", "expAvgSq"], ["expAvgSq"]);
  }

  step(): void {
    this.adamStep(false);
  }
}

/**
 * Options of `AdamW`: as Adam's, the weight decay decoupled from the gradient.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opts: optim.AdamWOptions = { lr: 1e-3, weightDecay: 0.1 };
 * const opt = new optim.AdamW([tensor([1], { requiresGrad: true })], opts);
 * console.log(opt.lr, opt.weightDecay, opt.betas);
 * ```
 * ```text
 * 0.001 0.1 [ 0.9, 0.999 ]
 * ```
 */
export type AdamWOptions = AdamOptions;

/**
 * AdamW: Adam with decoupled weight decay (default 0.01), exactly as torch.optim.AdamW.
 * p ← p·(1 − lr·λ), then Adam's step with g = ∇ (the decay is not divided by √v).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new optim.AdamW([w], { lr: 0.1, weightDecay: 0.5 });
 * w.square().sum().backward();
 * opt.step(); // w ← w·(1 − 0.1·0.5), then Adam's first step of −lr·sign(∇)
 * console.log(w.toString());
 * ```
 * ```text
 * tensor([0.85, -1.8], dtype=float64, requiresGrad=true)
 * ```
 */
export class AdamW extends AdamFamily {
  constructor(params: readonly Tensor[], opts: AdamWOptions = {}) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0.01 } = opts ?? {};
    super(params, "AdamW", ADAM_SPEC, { lr, betas, eps, weightDecay }, ["expAvg", "expAvgSq"], ["expAvgSq"]);
  }

  step(): void {
    this.adamStep(true);
  }
}

/**
 * Options of `RMSprop`: learning rate, α, ε, momentum, centered and weight decay.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opts: optim.RMSpropOptions = { lr: 1e-3, alpha: 0.9, momentum: 0.5, centered: true };
 * const opt = new optim.RMSprop([tensor([1], { requiresGrad: true })], opts);
 * console.log(opt.lr, opt.alpha, opt.momentum, opt.centered, opt.eps);
 * ```
 * ```text
 * 0.001 0.9 0.5 true 1e-8
 * ```
 */
export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  momentum?: number;
  weightDecay?: number;
  centered?: boolean;
}

interface RMSpropHyper extends Hyperparameters {
  alpha: number;
  eps: number;
  momentum: number;
  weightDecay: number;
  centered: boolean;
}

const RMSPROP_SPEC: Spec<RMSpropHyper> = {
  lr: nonNegative,
  alpha: numberIn((v) => v >= 0 && v <= 1, "in [0, 1]"),
  eps: nonNegative,
  momentum: nonNegative,
  weightDecay: nonNegative,
  centered: flag,
};

/**
 * RMSprop, exactly as torch.optim.RMSprop (ε added outside the square root; optional centering and momentum).
 * With g = ∇ + λ·p: s ← α·s + (1 − α)·g², p ← p − lr·g / (√s + ε) (centered: √(s − a²), a the mean of g; momentum: through b ← μ·b + g/d).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new optim.RMSprop([w], { lr: 0.01 });
 * w.square().sum().backward();
 * opt.step(); // s = 0.01·g², so the first step is lr·g/√s = 0.1 per weight
 * console.log(w.toString());
 * ```
 * ```text
 * tensor([0.9, -1.9], dtype=float64, requiresGrad=true)
 * ```
 */
export class RMSprop extends Optimizer<RMSpropHyper> {
  constructor(params: readonly Tensor[], opts: RMSpropOptions = {}) {
    const { lr = 0.01, alpha = 0.99, eps = 1e-8, momentum = 0, weightDecay = 0, centered = false } = opts ?? {};
    super(
      params,
      "RMSprop",
      RMSPROP_SPEC,
      { lr, alpha, eps, momentum, weightDecay, centered },
      ["squareAvg", "gradAvg", "momentumBuffer"],
      ["squareAvg"],
    );
  }

  get alpha(): number {
    return this.hp.alpha;
  }
  get eps(): number {
    return this.hp.eps;
  }
  get momentum(): number {
    return this.hp.momentum;
  }
  get weightDecay(): number {
    return this.hp.weightDecay;
  }
  get centered(): boolean {
    return this.hp.centered;
  }

  step(): void {
    const { lr, alpha, eps, momentum: mu, weightDecay: wd, centered } = this.hp;
    this.params.forEach((p, k) => {
      if (p.grad === null) return;
      this.steps[k]++;
      const w = p.data,
        gr = p.grad.data,
        s = this.buffer("squareAvg", k);
      const a = centered ? this.buffer("gradAvg", k) : null;
      const b = mu > 0 ? this.buffer("momentumBuffer", k) : null;
      for (let i = 0; i < w.length; i++) {
        let g = gr[i];
        if (wd !== 0) g += wd * w[i];
        s[i] = alpha * s[i] + (1 - alpha) * g * g;
        let d: number;
        if (a !== null) {
          a[i] = alpha * a[i] + (1 - alpha) * g;
          d = Math.sqrt(s[i] - a[i] * a[i]);
        } else d = Math.sqrt(s[i]);
        d += eps;
        if (b !== null) {
          b[i] = mu * b[i] + g / d;
          w[i] -= lr * b[i];
        } else w[i] -= (lr * g) / d;
      }
    });
  }
}

export * from "./schedule.js";
