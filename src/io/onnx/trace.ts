/**
 * Tracing one forward pass: the model runs on a dummy input while a graph hook (src/teach/hooks.ts)
 * records every op as an event, and every module's forward, wrapped for the pass, records its call
 * (the layer an op ran in is the innermost module running).
 */
import { alloc, type FloatDType } from "../../memory/dtype.js";
import type { Module } from "../../nn/module.js";
import { withHooks } from "../../teach/hooks.js";
import { noGrad } from "../../tensor/graph.js";
import { Tensor } from "../../tensor/tensor.js";

export interface Layer {
  path: string;
  module: Module;
}

export interface OpEvent {
  kind: "op";
  op: string;
  inputs: readonly Tensor[];
  out: Tensor;
  args: Readonly<Record<string, unknown>> | undefined;
  layer: Layer | null;
}

export interface ModuleEvent {
  kind: "module";
  module: Module;
  input: Tensor;
  out: Tensor;
  layer: Layer;
  /** The module's mode during the trace (the model's own is put back before the ops are written). */
  training: boolean;
}

export type TraceEvent = OpEvent | ModuleEvent;

/** A small deterministic generator for the dummy inputs (the global one is left alone). */
export function dummy(shape: number[], dtype: FloatDType, seed: number): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  const data = alloc(dtype, size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = ((s >>> 0) / 4294967296) * 4 - 2;
  }
  return new Tensor(data, shape);
}

/** Every module of the model with its state-dict path ("" for the model itself), each once. */
export function layersOf(model: Module): Map<Module, string> {
  const out = new Map<Module, string>([[model, ""]]);
  const walk = (m: Module, prefix: string) => {
    for (const [key, child] of m.children()) {
      if (out.has(child)) continue;
      out.set(child, prefix + key);
      walk(child, `${prefix}${key}.`);
    }
  };
  walk(model, "");
  return out;
}

/** One forward pass of `fn` on x, with every recorded op and every module's call as events. */
export function runTrace(
  fn: (x: Tensor) => Tensor,
  x: Tensor,
  layers: Map<Module, string>,
): { events: TraceEvent[]; out: unknown } {
  const events: TraceEvent[] = [];
  const stack: Layer[] = [];
  const restore: (() => void)[] = [];
  // Each module's forward is wrapped (an own, non-enumerable property shadowing the class's) and put back after.
  for (const [m, path] of layers) {
    const slot = m as unknown as { forward: (x: Tensor) => Tensor };
    const own = Object.getOwnPropertyDescriptor(m, "forward");
    const forward = slot.forward;
    const layer: Layer = { path, module: m };
    Object.defineProperty(m, "forward", {
      value(input: Tensor) {
        stack.push(layer);
        try {
          const y = forward.call(m, input);
          if (input instanceof Tensor && y instanceof Tensor)
            events.push({ kind: "module", module: m, input, out: y, layer, training: m.training });
          return y;
        } finally {
          stack.pop();
        }
      },
      configurable: true,
      writable: true,
      enumerable: false,
    });
    restore.push(() => {
      if (own) Object.defineProperty(m, "forward", own);
      else delete (slot as { forward?: unknown }).forward;
    });
  }
  try {
    const out = withHooks(
      {
        forward(t, op, inputs, args) {
          events.push({ kind: "op", op, inputs, out: t, args, layer: stack[stack.length - 1] ?? null });
        },
      },
      () => noGrad(() => fn(x)),
    );
    return { events, out };
  } finally {
    for (const r of restore) r();
  }
}
