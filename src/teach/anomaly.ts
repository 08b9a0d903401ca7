/**
 * `detectAnomaly(fn)`: runs `fn` and stops at the first op whose output, or whose gradient,
 * holds a NaN or ±Infinity — PyTorch's `torch.autograd.detect_anomaly`, with the op named.
 *
 *   detectAnomaly(() => x.log().sum());      // x has a negative entry
 *   // Error: detectAnomaly: NaN in the forward output of log (input shapes [3]) at index 1 …
 *
 *   detectAnomaly(() => x.sqrt().sum().backward());   // x has a 0
 *   // Error: detectAnomaly: Infinity in the backward of sqrt (input shapes [3]): ∂L/∂input 0 …
 *
 * Forward, every op's output is checked as it is made. Backward, every node's rule output
 * (∂L/∂input) is checked as the sweep makes it — so the backward must run inside `fn`. Ops
 * that run *inside* a rule are not judged on their own (a rule may make an Infinity and mask
 * it again); if the rule's result is bad, the message names the first inner op that went bad.
 *
 * When `fn` returns, the previous hooks are back (none, usually): outside `detectAnomaly` the
 * engine pays nothing for it, and inside the values computed are exactly the same.
 */
import type { Node } from "../tensor/graph.js";
import type { Tensor } from "../tensor/tensor.js";
import { withHooks } from "./hooks.js";
import { num } from "./summary.js";

/** The first index holding NaN or ±Infinity, or −1. */
function firstBad(t: Tensor): number {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return i;
  return -1;
}

const shapes = (ts: readonly Tensor[]) => ts.map((t) => `[${t.shape.join(",")}]`).join(", ");
const kind = (v: number) => (Number.isNaN(v) ? "NaN" : num(v));

/**
 * Runs `fn`, throwing an Error that names the op at the first NaN/Infinity forward or backward.
 *
 * @example
 * ```ts
 * import { detectAnomaly, tensor } from "actigrad";
 * const x = tensor([4, 0], { requiresGrad: true });
 * try {
 *   detectAnomaly(() => x.sqrt().sum().backward()); // (√x)′ = 1/(2√x) is Infinity at 0
 * } catch (e) {
 *   console.log((e as Error).message);
 * }
 * ```
 * ```text
 * detectAnomaly: Infinity in the backward of sqrt (input shapes [2]): ∂L/∂input 0 at index 1; first made by div (input shapes [2], [2]) inside the rule
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`detectAnomaly: expected a function to run, got ${typeof fn}`);
  let inRule: Node | null = null;
  let innerBad: string | null = null;
  return withHooks(
    {
      forward(out, op, inputs) {
        const i = firstBad(out);
        if (i < 0) return;
        if (inRule !== null) {
          innerBad ??= `${op} (input shapes ${shapes(inputs)})`;
          return;
        }
        throw new Error(
          `detectAnomaly: ${kind(out.data[i])} in the forward output of ${op} (input shapes ${shapes(inputs)}) ` +
            `at index ${i} of shape [${out.shape.join(",")}]`,
        );
      },
      beforeBackward(_out, node) {
        inRule = node;
        innerBad = null;
      },
      backward(_out, node, g, inputGrads) {
        inRule = null;
        inputGrads.forEach((gi, k) => {
          if (!gi) return;
          const i = firstBad(gi);
          if (i < 0) return;
          const where = innerBad ? `; first made by ${innerBad} inside the rule` : "";
          const up = firstBad(g) >= 0 ? " (the upstream gradient was already bad)" : "";
          throw new Error(
            `detectAnomaly: ${kind(gi.data[i])} in the backward of ${node.op} (input shapes ${shapes(node.inputs)}): ` +
              `∂L/∂input ${k} at index ${i}${where}${up}`,
          );
        });
      },
    },
    fn,
  );
}
