/**
 * Installing graph hooks for the length of one call. The engine calls its hooks (see
 * `setGraphHooks` in `src/tensor/graph.ts`) for every op forward and every node of a backward
 * sweep; when none are installed the engine only pays for a null check.
 *
 * `withHooks` chains to whatever hooks were installed before (so `detectAnomaly` can run
 * inside a trace) and always restores them, even when `fn` throws.
 */
import { setGraphHooks, type GraphHooks } from "../tensor/graph.js";

export function withHooks<T>(h: GraphHooks, fn: () => T): T {
  const prev = setGraphHooks(null);
  const chained: GraphHooks = {
    forward(out, op, inputs, args) {
      prev?.forward?.(out, op, inputs, args);
      h.forward?.(out, op, inputs, args);
    },
    beforeBackward(out, node, g) {
      prev?.beforeBackward?.(out, node, g);
      h.beforeBackward?.(out, node, g);
    },
    backward(out, node, g, inputGrads) {
      prev?.backward?.(out, node, g, inputGrads);
      h.backward?.(out, node, g, inputGrads);
    },
  };
  setGraphHooks(chained);
  try {
    return fn();
  } finally {
    setGraphHooks(prev);
  }
}
