/**
 * actigrad — a tiny automatic-differentiation engine built around the classic activations.
 *
 *   import { tensor, grad } from "actigrad";
 *   const x = tensor([0.5, -1], { requiresGrad: true });
 *   x.sigmoid().sum().backward();
 *   x.grad   // σ′(x) = σ(x)(1 − σ(x))
 *
 * @packageDocumentation
 * @document ../docs/guide/01-tensors.md
 * @document ../docs/guide/02-backward.md
 * @document ../docs/guide/03-activations.md
 * @document ../docs/guide/04-training-an-mlp.md
 * @document ../docs/guide/05-cnns.md
 * @document ../docs/guide/06-your-own-activation.md
 * @document ../docs/guide/07-speed.md
 * @document ../docs/guide/08-export.md
 */
export { Tensor } from "./tensor/tensor.js";
export type { Axis, NestedArray } from "./tensor/tensor.js";
import "./ops/methods.js";
/**
 * Dtypes: `DType` is a float dtype, "float32" | "float64" — what `{ dtype }` and
 * `setDefaultDtype` take for new tensors and parameters (kept two-valued, so code mapping every
 * DType keeps compiling). `TensorDType` adds "int32", the dtype of index tensors (argmax,
 * argmin, `cast(t, "int32")`): what `t.dtype` may be. `Values` is what `t.data` may hold.
 */
export type { FloatDType as DType, FloatDType, DType as TensorDType, FloatArray, Values } from "./memory/dtype.js";
export { setDefaultDtype, getDefaultDtype } from "./memory/dtype.js";
export type { Shape } from "./memory/shape.js";
export { broadcastShapes } from "./memory/shape.js";
export { tensor, zeros, ones, full, zerosLike, onesLike, randn, rand, arange } from "./tensor/create.js";
export type { TensorOptions } from "./tensor/create.js";
export { manualSeed } from "./tensor/random.js";
export { noGrad, isGradEnabled } from "./tensor/graph.js";
export { scope } from "./memory/scope.js";
export { Storage } from "./memory/storage.js";
/**
 * The WebAssembly SIMD kernels: `wasmReady` resolves to whether they are in use (in Node at
 * once; in a browser after a background compile, the TypeScript kernels serving meanwhile);
 * `useWasm(false)` switches them off, to compare with or fall back to the plain loops.
 */
export { useWasm, wasmReady } from "./kernels/wasm/runtime.js";
export type { Node } from "./tensor/graph.js";
export { grad } from "./tensor/autograd.js";
export type { GradOptions } from "./tensor/autograd.js";
export { gradcheck } from "./tensor/gradcheck.js";
export type { GradcheckOptions, GradcheckResult, GradcheckWorst } from "./tensor/gradcheck.js";

export { add, sub, mul, div, neg, broadcastTo, sumToShape, cast, maximum, minimum, tieWeight } from "./ops/arithmetic.js";
export { exp, expm1, log, pow, abs, sqrt, sign, step, erf, clamp, square, log1p, sin, cos } from "./ops/unary.js";
export { gt, ge, lt, le, eq, ne, where } from "./ops/compare.js";
export { sum, mean, max, min, logsumexp, variance, var, std, argmax, argmin } from "./ops/reduce.js";
export type { VarOptions } from "./ops/reduce.js";
export { reshape, transpose, squeeze, unsqueeze, permute, flatten, expand } from "./ops/shape.js";
export * from "./ops/indexing.js";
export * from "./ops/join.js";
export * from "./ops/conv.js";
export * from "./ops/norm.js";
export { matmul, linear } from "./ops/matmul.js";
export { defineActivation } from "./ops/define.js";
export type { Activation, ActivationKind, ActivationSpec, ArgValue, RuleInput, Saved } from "./ops/define.js";
export {
  activations,
  builtins,
  sigmoid,
  tanh,
  relu,
  softplus,
  softmax,
  logSoftmax,
  maxout,
  leakyRelu,
  elu,
  gelu,
  silu,
} from "./ops/builtins.js";
export type { BuiltinName, BuiltinName as ActivationName } from "./ops/builtins.js";

/**
 * Neural-network building blocks: `Module`, layers (Linear, Conv2d, norms, Dropout, …), activation modules, losses and initialisers.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, tensor } from "actigrad";
 * manualSeed(0);
 * const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 3));
 * const logits = model.call(tensor([[0.5, -1], [2, 0]]));
 * const loss = nn.crossEntropy(logits, [2, 0]);
 * loss.backward(); // every parameter's .grad is filled
 * console.log(logits.shape, loss.item().toFixed(4), model.parameters().length);
 * ```
 * ```text
 * [ 2, 3 ] 1.2131 4
 * ```
 */
export * as nn from "./nn/index.js";
/**
 * Optimizers (SGD, Adam, AdamW, RMSprop) and learning-rate schedules, with state dicts to save and resume.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, optim, tensor } from "actigrad";
 * manualSeed(0);
 * const model = new nn.Linear(1, 1);
 * const opt = new optim.Adam(model.parameters(), { lr: 0.1 });
 * const sched = new optim.StepLR(opt, { stepSize: 50, gamma: 0.5 });
 * const x = tensor([[0], [1], [2]]), y = tensor([[1], [3], [5]]); // y = 2x + 1
 * for (let epoch = 0; epoch < 200; epoch++) {
 *   opt.zeroGrad(); nn.mseLoss(model.call(x), y).backward(); opt.step(); sched.step();
 * }
 * console.log(model.weight.item().toFixed(3), model.bias!.item().toFixed(3), sched.lr);
 * ```
 * ```text
 * 2.000 1.000 0.00625
 * ```
 */
export * as optim from "./nn/optim.js";
/**
 * Data helpers: seeded mini-batches, train/test splits, standardisation, one-hot labels, CSV parsing and 2-D toy sets.
 *
 * @example
 * ```ts
 * import { data } from "actigrad";
 * const { train, test } = data.trainTestSplit(data.moons({ n: 200, seed: 0 }), { seed: 0 });
 * const scaler = new data.Standardizer().fit(train.x); // statistics from the training set only
 * const trainSet = { x: scaler.transform(train.x), y: train.y };
 * let count = 0;
 * for (const batch of data.batches(trainSet, 32, { seed: 0 })) count += batch.y.length;
 * console.log(train.x.shape, test.x.shape, count);
 * ```
 * ```text
 * [ 150, 2 ] [ 50, 2 ] 150
 * ```
 */
export * as data from "./nn/data.js";
/**
 * Classification metrics: accuracy, the confusion matrix and its printout, from predicted and true class indices.
 *
 * @example
 * ```ts
 * import { metrics, tensor } from "actigrad";
 * const logits = tensor([[2, 1, 0], [0, 3, 1], [1, 0, 4], [3, 1, 2]]);
 * const y = [0, 1, 2, 2];
 * console.log(metrics.accuracy(logits, y));
 * console.log(metrics.formatConfusionMatrix(metrics.confusionMatrix(logits, y), ["a", "b", "c"]));
 * ```
 * ```text
 * 0.75
 *              a      b      c
 * a            1      0      0
 * b            0      1      0
 * c            1      0      1
 * ```
 */
export * as metrics from "./nn/metrics.js";
/**
 * The safetensors format: save a model's tensors to bytes and load or read them back, checked.
 *
 * @example
 * ```ts
 * import { manualSeed, nn, safetensors, tensor } from "actigrad";
 * manualSeed(0);
 * const model = new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 1));
 * const bytes = safetensors.save(model.stateDict(), { format: "pt" }); // writeFileSync("model.safetensors", bytes)
 * const copy = new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 1));
 * copy.loadStateDict(safetensors.load(bytes));
 * const x = tensor([[1, -1]]);
 * console.log(bytes.length, copy.call(x).item() === model.call(x).item());
 * ```
 * ```text
 * 432 true
 * ```
 */
export * as safetensors from "./io/safetensors.js";
export * from "./io/onnx/index.js";
export { Rng } from "./tensor/random.js";
export * from "./teach/index.js";
