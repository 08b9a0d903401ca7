// actigrad's WebAssembly kernels (AssemblyScript source). Built by `npm run build:wasm` into
// src/kernels/wasm/bytes.ts. Memory is managed by the JavaScript side: it copies operands in at
// byte offsets it chooses, calls a kernel, and copies the result out.
export { matmulF32 } from "./matmul";
export { matmulF64 } from "./matmul64";
export {
  sigmoidF32, sigmoidBackwardF32, tanhF32, tanhBackwardF32, reluF32, reluBackwardF32,
  softplusF32, softplusBackwardF32, expF32,
} from "./activations";
export { softmaxF32, softmaxBackwardF32, logSoftmaxF32, logSoftmaxBackwardF32 } from "./softmax";

/** Where free memory starts: below it live the compiler's static data (e.g. the tables of log). */
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}
