/**
 * Learning-rate schedules, as torch.optim.lr_scheduler: made on an optimizer, `.step()` once
 * after each epoch, and `.lr` is the current rate (PyTorch's `get_last_lr()`), which each step
 * also sets as the optimizer's `lr`.
 *
 * They are computed as PyTorch 1.13 computes them — recursively, from the optimizer's current
 * `lr` (so a change made to it from outside carries on, and the numbers are PyTorch's to the
 * last bit or so, not those of the closed forms, which differ in the last digits). With
 * e the epoch after the step (1, 2, …), η the optimizer's lr before it and η₀ the base lr (the
 * optimizer's lr when the schedule was made):
 *
 * StepLR:        η ← η·γ when e is a multiple of stepSize, else η      (η₀·γ^⌊e/stepSize⌋)
 * ExponentialLR: η ← η·γ                                               (η₀·γᵉ)
 * CosineAnnealingLR, with T = tMax and η_min = etaMin:
 *   η ← η + (η₀ − η_min)(1 − cos(π/T))/2                     when (e − 1 − T) mod 2T = 0
 *   η ← (1 + cos(πe/T)) / (1 + cos(π(e − 1)/T)) · (η − η_min) + η_min    otherwise
 *   (closed form: η_min + (η₀ − η_min)(1 + cos(πe/T))/2; past T it rises again, period 2T, as PyTorch's)
 *
 * `stateDict()` is plain JSON-safe data (the schedule's name, its options, the last epoch, the
 * base lr and the current lr); `loadStateDict()` checks all of it before writing anything, and
 * also sets the optimizer's lr to the saved current lr (PyTorch leaves that to the optimizer's
 * own state dict; doing it here as well means a schedule resumed alone continues exactly too).
 */
import type { Optimizer } from "./optim.js";
import { numberIn, record, show } from "./untrusted.js";

/**
 * The part of an optimizer that a schedule uses.
 *
 * @example
 * ```ts
 * import { optim } from "actigrad";
 * // A schedule only reads and writes `lr`: any object with one can be scheduled.
 * const holder: optim.ScheduledOptimizer = { lr: 0.1 };
 * const sched = new optim.StepLR(holder, { stepSize: 1, gamma: 0.5 });
 * sched.step();
 * console.log(holder.lr);
 * ```
 * ```text
 * 0.05
 * ```
 */
export type ScheduledOptimizer = Pick<Optimizer, "lr">;

/**
 * A schedule's state as JSON: its kind, options, epoch count and rates, to resume from.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new optim.ExponentialLR(opt, { gamma: 0.5 });
 * sched.step();
 * const state: optim.ScheduleState = sched.stateDict();
 * console.log(state);
 * ```
 * ```text
 * {
 *   schedule: 'ExponentialLR',
 *   options: { gamma: 0.5 },
 *   lastEpoch: 1,
 *   baseLr: 0.1,
 *   lr: 0.05
 * }
 * ```
 */
export interface ScheduleState {
  /** The schedule's class name. */
  schedule: string;
  /** The options it was made with. */
  options: Record<string, number>;
  /** Epochs stepped so far (PyTorch's `last_epoch`; 0 right after the schedule is made). */
  lastEpoch: number;
  /** The optimizer's lr when the schedule was made (PyTorch's `base_lrs[0]`). */
  baseLr: number;
  /** The current rate (PyTorch's `get_last_lr()[0]`). */
  lr: number;
}

type Check = (v: unknown, op: string, key: string) => number;

const positiveInteger = numberIn((v) => Number.isSafeInteger(v) && v > 0, "an integer > 0");
const positive = numberIn((v) => v > 0 && Number.isFinite(v), "a finite number > 0");
const nonNegative = numberIn((v) => v >= 0 && Number.isFinite(v), "a finite number ≥ 0");
const epochCount = numberIn((v) => Number.isSafeInteger(v) && v >= 0, "an integer ≥ 0");

/**
 * The base of the learning-rate schedules: `step()` once per epoch sets the optimizer's lr from the epoch count.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const sched: optim.LRScheduler = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
 * sched.step();
 * const saved = JSON.stringify(sched.stateDict());
 * const resumed = new optim.StepLR(opt, { stepSize: 1, gamma: 0.5 });
 * resumed.loadStateDict(JSON.parse(saved)); // carries on from epoch 1
 * resumed.step();
 * console.log(resumed.lastEpoch, resumed.lr, opt.lr);
 * ```
 * ```text
 * 2 0.025 0.025
 * ```
 */
export abstract class LRScheduler<O extends Record<string, number> = Record<string, number>> {
  readonly optimizer: ScheduledOptimizer;
  protected readonly kind: string;
  private readonly spec: { [K in keyof O]-?: Check };
  protected opts: O;
  private _lastEpoch = 0;
  private _baseLr: number;
  private _lr: number;

  constructor(optimizer: ScheduledOptimizer, kind: string, spec: { [K in keyof O]-?: Check }, opts: O) {
    if (optimizer === null || typeof optimizer !== "object" || typeof optimizer.lr !== "number") {
      throw new TypeError(`${kind}: expected an optimizer (with a numeric lr), got ${show(optimizer)}`);
    }
    this.kind = kind;
    this.spec = spec;
    this.opts = this.parse(opts, kind, "");
    this.optimizer = optimizer;
    this._baseLr = optimizer.lr;
    this._lr = optimizer.lr;
  }

  private parse(given: Record<string, unknown>, op: string, prefix: string): O {
    const out = {} as Record<string, number>;
    for (const key of Object.keys(this.spec)) out[key] = this.spec[key](given[key], op, prefix + key);
    return out as O;
  }

  /** The current learning rate (PyTorch's `get_last_lr()[0]`). */
  get lr(): number {
    return this._lr;
  }

  /** Epochs stepped so far (PyTorch's `last_epoch`). */
  get lastEpoch(): number {
    return this._lastEpoch;
  }

  /** The optimizer's lr when the schedule was made (PyTorch's `base_lrs[0]`). */
  get baseLr(): number {
    return this._baseLr;
  }

  /** The rate for epoch `epoch` (≥ 1), from the optimizer's current rate `lr` (PyTorch's `get_lr()`). */
  protected abstract next(epoch: number, lr: number): number;

  /** Ends an epoch: moves to the next rate and sets it as the optimizer's lr. */
  step(): void {
    const epoch = this._lastEpoch + 1;
    const lr = this.next(epoch, this.optimizer.lr);
    this.optimizer.lr = lr; // the optimizer checks it; nothing here has changed if it throws
    this._lastEpoch = epoch;
    this._lr = this.optimizer.lr;
  }

  /** The schedule's state, to save with the model and resume from with `loadStateDict`. */
  stateDict(): ScheduleState {
    return { schedule: this.kind, options: { ...this.opts }, lastEpoch: this._lastEpoch, baseLr: this._baseLr, lr: this._lr };
  }

  /** Restores a state made by `stateDict()`; checks all of it first, then writes (see the note at the top). */
  loadStateDict(state: unknown): void {
    const op = `${this.kind}.loadStateDict`;
    const s = record(op, "", state, ["schedule", "options", "lastEpoch", "baseLr", "lr"]);
    if (s.schedule !== this.kind) {
      throw new TypeError(`${op}: key "schedule": the state is for ${show(s.schedule)}, not ${JSON.stringify(this.kind)}`);
    }
    const opts = this.parse(record(op, "options", s.options, Object.keys(this.spec)), op, "options.");
    const lastEpoch = epochCount(s.lastEpoch, op, "lastEpoch");
    const baseLr = nonNegative(s.baseLr, op, "baseLr");
    const lr = nonNegative(s.lr, op, "lr");
    this.optimizer.lr = lr; // checked above, so this cannot fail
    this.opts = opts;
    this._lastEpoch = lastEpoch;
    this._baseLr = baseLr;
    this._lr = lr;
  }
}

/**
 * Options of `StepLR`: lr = baseLr · gamma^⌊epoch / stepSize⌋.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const opts: optim.StepLROptions = { stepSize: 10 }; // gamma defaults to 0.1
 * const sched = new optim.StepLR(opt, opts);
 * console.log(sched.stepSize, sched.gamma);
 * ```
 * ```text
 * 10 0.1
 * ```
 */
export interface StepLROptions {
  stepSize: number;
  gamma?: number;
}

/**
 * Multiplies the rate by `gamma` every `stepSize` epochs (torch.optim.lr_scheduler.StepLR): η = η₀·γ^⌊epoch / stepSize⌋.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * const rates: number[] = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   // … one epoch of training with opt …
 *   sched.step();
 *   rates.push(sched.lr);
 * }
 * console.log(rates);
 * ```
 * ```text
 * [ 0.1, 0.05, 0.05, 0.025, 0.025 ]
 * ```
 */
export class StepLR extends LRScheduler<{ stepSize: number; gamma: number }> {
  constructor(optimizer: ScheduledOptimizer, opts: StepLROptions) {
    const { stepSize, gamma = 0.1 } = opts ?? ({} as StepLROptions);
    super(optimizer, "StepLR", { stepSize: positiveInteger, gamma: positive }, { stepSize, gamma });
  }

  get stepSize(): number {
    return this.opts.stepSize;
  }
  get gamma(): number {
    return this.opts.gamma;
  }

  protected next(epoch: number, lr: number): number {
    return epoch % this.opts.stepSize !== 0 ? lr : lr * this.opts.gamma;
  }
}

/**
 * Options of `ExponentialLR`: lr = baseLr · gamma^epoch.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const opts: optim.ExponentialLROptions = { gamma: 0.9 };
 * console.log(new optim.ExponentialLR(opt, opts).gamma);
 * ```
 * ```text
 * 0.9
 * ```
 */
export interface ExponentialLROptions {
  gamma: number;
}

/**
 * Multiplies the rate by `gamma` every epoch (torch.optim.lr_scheduler.ExponentialLR): η = η₀·γ^epoch.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.Adam([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const sched = new optim.ExponentialLR(opt, { gamma: 0.5 });
 * sched.step();
 * sched.step();
 * console.log(sched.lr, opt.lr); // 0.1 · 0.5², set on the optimizer too
 * ```
 * ```text
 * 0.025 0.025
 * ```
 */
export class ExponentialLR extends LRScheduler<{ gamma: number }> {
  constructor(optimizer: ScheduledOptimizer, opts: ExponentialLROptions) {
    const { gamma } = opts ?? ({} as ExponentialLROptions);
    super(optimizer, "ExponentialLR", { gamma: positive }, { gamma });
  }

  get gamma(): number {
    return this.opts.gamma;
  }

  protected next(_epoch: number, lr: number): number {
    return lr * this.opts.gamma;
  }
}

/**
 * Options of `CosineAnnealingLR`: lr = etaMin + (baseLr − etaMin)(1 + cos(π·epoch / tMax)) / 2.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
 * const opts: optim.CosineAnnealingLROptions = { tMax: 100, etaMin: 1e-4 };
 * const sched = new optim.CosineAnnealingLR(opt, opts);
 * console.log(sched.tMax, sched.etaMin);
 * ```
 * ```text
 * 100 0.0001
 * ```
 */
export interface CosineAnnealingLROptions {
  tMax: number;
  etaMin?: number;
}

/**
 * Cosine annealing from the base rate down to `etaMin` over `tMax` epochs (torch.optim.lr_scheduler.CosineAnnealingLR):
 * η = η_min + (η₀ − η_min)(1 + cos(π·epoch / tMax)) / 2.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "actigrad";
 * const opt = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 1 });
 * const sched = new optim.CosineAnnealingLR(opt, { tMax: 4 });
 * const rates: number[] = [];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   sched.step();
 *   rates.push(Number(sched.lr.toFixed(4)));
 * }
 * console.log(rates);
 * ```
 * ```text
 * [ 0.8536, 0.5, 0.1464, 0 ]
 * ```
 */
export class CosineAnnealingLR extends LRScheduler<{ tMax: number; etaMin: number }> {
  constructor(optimizer: ScheduledOptimizer, opts: CosineAnnealingLROptions) {
    const { tMax, etaMin = 0 } = opts ?? ({} as CosineAnnealingLROptions);
    super(optimizer, "CosineAnnealingLR", { tMax: positiveInteger, etaMin: nonNegative }, { tMax, etaMin });
  }

  get tMax(): number {
    return this.opts.tMax;
  }
  get etaMin(): number {
    return this.opts.etaMin;
  }

  protected next(epoch: number, lr: number): number {
    const { tMax: T, etaMin } = this.opts;
    const r = (epoch - 1 - T) % (2 * T); // Python's % is a floor modulo: compare with 0 either way
    if (r === 0) return lr + ((this.baseLr - etaMin) * (1 - Math.cos(Math.PI / T))) / 2;
    return ((1 + Math.cos((Math.PI * epoch) / T)) / (1 + Math.cos((Math.PI * (epoch - 1)) / T))) * (lr - etaMin) + etaMin;
  }
}
