/**
 * The built-in activations: the seed's seven and the four added through the same call. Each
 * is defined, whole, in its own file; this list gives them their Tensor methods (`x.sigmoid()`)
 * and the `activations` table its type. A user's `defineActivation` joins the same table.
 *
 *   for (const act of Object.values(activations)) console.log(act.name, act.derivative, act(x).shape);
 */
import type { Activation } from "./define.js";
import { registry } from "./define.js";
import { elu } from "./elu.js";
import { gelu } from "./gelu.js";
import { leakyRelu } from "./leakyRelu.js";
import { logSoftmax } from "./logSoftmax.js";
import { maxout } from "./maxout.js";
import { installMethod } from "./methods.js";
import { relu } from "./relu.js";
import { sigmoid } from "./sigmoid.js";
import { silu } from "./silu.js";
import { softmax } from "./softmax.js";
import { softplus } from "./softplus.js";
import { tanh } from "./tanh.js";

/**
 * The eleven built-in activations by name, as their free functions.
 *
 * @example
 * ```ts
 * import { builtins, tensor } from "actigrad";
 * console.log(Object.keys(builtins).join(" "));
 * console.log(builtins.softplus(tensor([0, 1])).toString());
 * ```
 * ```text
 * sigmoid tanh relu softplus softmax logSoftmax maxout leakyRelu elu gelu silu
 * tensor([0.6931, 1.3133], dtype=float64)
 * ```
 */
export const builtins = { sigmoid, tanh, relu, softplus, softmax, logSoftmax, maxout, leakyRelu, elu, gelu, silu };
/**
 * The name of a built-in activation: "sigmoid", "tanh", "relu", … (also exported as ActivationName).
 *
 * @example
 * ```ts
 * import { activations, tensor, type BuiltinName } from "actigrad";
 * const names: BuiltinName[] = ["sigmoid", "tanh", "relu"];
 * const x = tensor([-1, 0, 1]);
 * for (const name of names) console.log(name, activations[name](x).toString());
 * ```
 * ```text
 * sigmoid tensor([0.2689, 0.5, 0.7311], dtype=float64)
 * tanh tensor([-0.7616, 0, 0.7616], dtype=float64)
 * relu tensor([0, 0, 1], dtype=float64)
 * ```
 */
export type BuiltinName = keyof typeof builtins;

for (const act of Object.values(builtins)) {
  installMethod(act.name, act);
  // The table lists them in this order (the seed's seven first), whatever order the files loaded in.
  delete registry[act.name];
  registry[act.name] = act;
}

/**
 * Every activation by name: the built-ins, then any defined since. Each row is the
 * definition itself — call it, or read name, formula, derivative, args, forward, backward.
 *
 * @example
 * ```ts
 * import { activations, tensor } from "actigrad";
 * const x = tensor([-1, 0, 1]);
 * for (const act of Object.values(activations).slice(0, 3)) {
 *   console.log(act.name, "|", act.derivative, "|", act(x).toString());
 * }
 * ```
 * ```text
 * sigmoid | σ′(x) = σ(x)(1 − σ(x)) | tensor([0.2689, 0.5, 0.7311], dtype=float64)
 * tanh | tanh′(x) = 1 − tanh²(x) | tensor([-0.7616, 0, 0.7616], dtype=float64)
 * relu | relu′(x) = [x > 0] | tensor([0, 0, 1], dtype=float64)
 * ```
 */
export const activations = registry as { readonly [N in BuiltinName]: Activation } & { readonly [name: string]: Activation };

export { elu, gelu, leakyRelu, logSoftmax, maxout, relu, sigmoid, silu, softmax, softplus, tanh };
