/**
 * Parameter initialisation, drawn from the seeded global generator (`manualSeed`).
 *
 * Keeping the variance of activations (and of gradients) the same from layer to layer is
 * what lets a deep net train at all. The right scale depends on the activation's slope:
 * - Xavier/Glorot (2010), for activations with slope ≈ 1 near 0 (σ and its kin):
 *   U(−a, a) with a = gain·√(6 / (fan_in + fan_out)), i.e. Var = 2 / (fan_in + fan_out).
 * - He/Kaiming (2015), for max(x, 0) and its kin (which zero or drop about half the signal):
 *   N(0, σ²) with σ = √2 / √fan_in, i.e. Var = 2 / fan_in.
 * Here fan_in and fan_out of a weight of shape [out, in] are in and out.
 */
import { globalRng } from "../tensor/random.js";
import { activations } from "../ops/builtins.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * The name of a weight initialiser, as `Linear`'s `init` option and an activation's `init` take it.
 *
 * @example
 * ```ts
 * import { nn } from "actigrad";
 * const init: nn.InitName = nn.initFor("relu");
 * const layer = new nn.Linear(3, 2, { init });
 * console.log(init, layer.explicitInit, layer.weight.shape);
 * ```
 * ```text
 * he true [ 2, 3 ]
 * ```
 */
export type InitName = "xavier" | "xavierNormal" | "he" | "heUniform" | "zeros";

function fans(w: Tensor): [number, number] {
  if (w.ndim < 2) return [w.size, w.size];
  const receptive = w.shape.slice(2).reduce((a, b) => a * b, 1);
  return [w.shape[1] * receptive, w.shape[0] * receptive];
}

/**
 * Xavier/Glorot uniform: fills `w` in place (it must not be part of a graph yet) from U(−a, a),
 * a = gain·√(6 / (fanIn + fanOut)) (Glorot & Bengio, 2010), and returns it.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, zeros } from "actigrad";
 * manualSeed(0);
 * const w = nn.xavierUniform(zeros([2, 3])); // a = √(6 / (3 + 2)) ≈ 1.0954
 * console.log(w.toString());
 * ```
 * ```text
 * tensor([[0.8476, -1.0681, -1.0242], [-1.042, 0.2461, 0.997]], dtype=float64)
 * ```
 */
export function xavierUniform(w: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = fans(w);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < w.size; i++) w.data[i] = (2 * globalRng.random() - 1) * a;
  return w;
}

/**
 * Fills `w` in place from N(0, σ²), σ = gain·√(2 / (fanIn + fanOut)) (Glorot & Bengio, 2010), and returns it.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, zeros } from "actigrad";
 * manualSeed(0);
 * const w = nn.xavierNormal(zeros([256, 512]));
 * console.log(w.std().item().toFixed(4), Math.sqrt(2 / (512 + 256)).toFixed(4));
 * ```
 * ```text
 * 0.0510 0.0510
 * ```
 */
export function xavierNormal(w: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = fans(w);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  for (let i = 0; i < w.size; i++) w.data[i] = std * globalRng.normal();
  return w;
}

/**
 * He/Kaiming normal, fan-in mode, gain √2 (for max(x, 0)): fills `w` in place from N(0, σ²),
 * σ = √(2 / fanIn), and returns it.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, zeros } from "actigrad";
 * manualSeed(0);
 * const w = nn.heNormal(zeros([256, 512]));
 * console.log(w.std().item().toFixed(4), Math.sqrt(2 / 512).toFixed(4));
 * ```
 * ```text
 * 0.0624 0.0625
 * ```
 */
export function heNormal(w: Tensor): Tensor {
  const std = Math.SQRT2 / Math.sqrt(fans(w)[0]);
  for (let i = 0; i < w.size; i++) w.data[i] = std * globalRng.normal();
  return w;
}

/**
 * He/Kaiming uniform: U(−a, a) with a = √(6 / fan_in), the same variance as `heNormal`.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, zeros } from "actigrad";
 * manualSeed(0);
 * const w = nn.heUniform(zeros([2, 3])); // a = √(6 / 3) ≈ 1.4142
 * console.log(w.toString());
 * ```
 * ```text
 * tensor([[1.0942, -1.3789, -1.3222], [-1.3452, 0.3177, 1.2872]], dtype=float64)
 * ```
 */
export function heUniform(w: Tensor): Tensor {
  const a = Math.sqrt(6 / fans(w)[0]);
  for (let i = 0; i < w.size; i++) w.data[i] = (2 * globalRng.random() - 1) * a;
  return w;
}

export function zerosInit(w: Tensor): Tensor {
  w.data.fill(0);
  return w;
}

/**
 * The initialisers by `InitName`, each filling a weight in place.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, zeros } from "actigrad";
 * manualSeed(0);
 * console.log(Object.keys(nn.initializers).join(" "));
 * console.log(nn.initializers.he(zeros([2, 2])).toString());
 * ```
 * ```text
 * xavier xavierNormal he heUniform zeros
 * tensor([[0.4885, 0.0384], [2.5868, 0.3999]], dtype=float64)
 * ```
 */
export const initializers: Record<InitName, (w: Tensor) => Tensor> = {
  xavier: (w) => xavierUniform(w),
  xavierNormal: (w) => xavierNormal(w),
  he: heNormal,
  heUniform,
  zeros: zerosInit,
};

/**
 * The init that suits an activation, as its definition says (`init`), by name; Xavier for none.
 *
 * @example
 * ```ts
 * import { nn } from "actigrad";
 * console.log(nn.initFor("relu"), nn.initFor("tanh"), nn.initFor(undefined));
 * ```
 * ```text
 * he xavier xavier
 * ```
 */
export function initFor(activation: string | undefined): InitName {
  return activation !== undefined && Object.hasOwn(activations, activation) ? activations[activation].init : "xavier";
}
