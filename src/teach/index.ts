/**
 * The teaching tools: see the gradients flow.
 *
 *   traceBackward(loss)    the backward sweep, step by step: op, formula, upstream, local, result
 *   formatTrace(steps)     … printed like a worked solution
 *   toDot(loss)            the graph as Graphviz DOT, values and gradients on every node
 *   detectAnomaly(fn)      throws at the first op making a NaN/Infinity, forward or backward
 *   jacobian(fn, x)        the full Jacobian by autograd, one backward per output
 *   gallery(act, xs)       an activation's f, f′ and f″ on a grid, all by autograd
 */
export { traceBackward, traceGradients, chain } from "./trace.js";
export type { TraceStep, TraceOptions } from "./trace.js";
export type { Local, LocalKind } from "./formulas.js";
export { formulaOf } from "./formulas.js";
export { formatTrace } from "./format.js";
export type { FormatOptions } from "./format.js";
export { toDot, dotString } from "./dot.js";
export type { DotOptions } from "./dot.js";
export { detectAnomaly } from "./anomaly.js";
export { jacobian } from "./jacobian.js";
export type { JacobianOptions } from "./jacobian.js";
export { summarize, stats } from "./summary.js";
export type { Stats } from "./summary.js";
export { gallery } from "./gallery.js";
export type { GalleryRow } from "./gallery.js";
