/**
 * The table of activations: one entry per activation, each with its formula text, forward
 * and backward rule. Typed with `satisfies`, so an activation missing from the table is a
 * compile error; tests, docs and demos loop over it.
 *
 *   for (const [name, act] of Object.entries(activations)) console.log(name, act.derivative);
 */
import type { ActivationSpec } from "./activation.js";
import { logSoftmaxSpec } from "./logSoftmax.js";
import { maxoutSpec } from "./maxout.js";
import { reluSpec } from "./relu.js";
import { sigmoidSpec } from "./sigmoid.js";
import { softmaxSpec } from "./softmax.js";
import { softplusSpec } from "./softplus.js";
import { tanhSpec } from "./tanh.js";

export type ActivationName = "sigmoid" | "tanh" | "relu" | "softplus" | "softmax" | "logSoftmax" | "maxout";

export const activations = {
  sigmoid: sigmoidSpec,
  tanh: tanhSpec,
  relu: reluSpec,
  softplus: softplusSpec,
  softmax: softmaxSpec,
  logSoftmax: logSoftmaxSpec,
  maxout: maxoutSpec,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own argument types
} as const satisfies { readonly [N in ActivationName]: ActivationSpec<any, N> };
