/**
 * The four workloads in TensorFlow.js 4.x (core ops, no tfjs-layers), float32, on the wasm
 * (SIMD) or the cpu backend. Both backends live in one tfjs engine; each system's tensors are
 * created, and its work run, only while its backend is the active one (`activate()`).
 *
 * Written the way that is fastest for tfjs here: dense layers as tf.add(tf.matMul(h, W), b)
 * with W kept [in, out] (tfjs's kernel layout, no transpose), tf.losses.softmaxCrossEntropy,
 * tf.train.sgd().minimize (the loss read with dataSync() every step, as actigrad reads
 * loss.item()), tf.grad(f)(x, dy) for W4. W3/W4 outputs are not copied back to JavaScript
 * unless `readBack` (see keepLast). Measured on this machine (wasm, steps/s):
 * tf.fused.matMul({a, b, bias}) — what tf.layers.dense uses — gives W1 960 / W2 19 against
 * 1190 / 35 for plain matMul + add; W stored [out, in] with transposeB gives 1050 / 21.
 * Production mode is on (it only silences tfjs's console warnings).
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { getThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type {
  ActivationName,
  ActivationSpec,
  ConvKernel,
  ConvSpec,
  Kernel,
  MatmulSpec,
  MlpSpec,
  System,
  Trainer,
} from "./common.js";

export type TfBackend = "wasm" | "cpu";

// tfjs-core's Node bundle (tf-core.node.js) registers no gradient functions; the
// @tensorflow/tfjs union package adds them from this module. It is ESM without file
// extensions, so it loads through require (tsx turns it into CommonJS). Registries and the
// engine live on the global object, so this copy registers into the same engine.
createRequire(import.meta.url)("@tensorflow/tfjs-core/dist/register_all_gradients.js");

let loaded: Promise<void> | null = null;

/** Registers and initialises both backends once; the wasm files load from node_modules. */
export function loadTfjs(): Promise<void> {
  loaded ??= (async () => {
    tf.enableProdMode();
    const req = createRequire(import.meta.url);
    setWasmPaths(dirname(req.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + "/");
    for (const b of ["cpu", "wasm"] as const) {
      if (!(await tf.setBackend(b))) throw new Error(`tfjs: backend ${b} failed to initialise`);
      await tf.ready();
    }
  })();
  return loaded;
}

/** [out, in] row-major → [in, out] row-major. */
function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = w[i * cols + j];
  return t;
}

const activations: Record<ActivationName, (x: tf.Tensor) => tf.Tensor> = {
  sigmoid: (x) => tf.sigmoid(x),
  tanh: (x) => tf.tanh(x),
  relu: (x) => tf.relu(x),
  softplus: (x) => tf.softplus(x),
  softmax: (x) => tf.softmax(x, -1),
};

export function tfjsSystem(backend: TfBackend, { readBack = false }: { readBack?: boolean } = {}): System {
  const name = `tfjs-${backend}`;
  const expectActive = (what: string) => {
    if (tf.getBackend() !== backend) throw new Error(`${name}: ${what} called while backend ${tf.getBackend()} is active`);
  };

  return {
    name,

    async activate() {
      await loadTfjs();
      if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`${name}: setBackend failed`);
    },

    info() {
      const info: Record<string, unknown> = { version: tf.version_core, backend, readBack };
      if (backend === "wasm") {
        info.simd = tf.env().get("WASM_HAS_SIMD_SUPPORT");
        info.multithread = tf.env().get("WASM_HAS_MULTITHREAD_SUPPORT");
        info.threads = getThreadsCount();
      }
      return info;
    },

    mlp(spec: MlpSpec): Trainer {
      expectActive("mlp");
      // tf.variable shares, and does not dispose, the tensor it starts from.
      const variable = (t: tf.Tensor) => {
        const v = tf.variable(t);
        t.dispose();
        return v;
      };
      const layers = spec.layers.map((l) => ({
        w: variable(tf.tensor2d(transposed(l.w, l.outFeatures, l.inFeatures), [l.inFeatures, l.outFeatures])),
        b: variable(tf.tensor1d(l.b)),
      }));
      const varList = layers.flatMap((l) => [l.w, l.b]);
      const x = tf.tensor2d(spec.x, [spec.batch, spec.layers[0].inFeatures]);
      const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(spec.labels, "int32"), spec.classes), "float32"));
      const act = spec.activation === "tanh" ? tf.tanh : tf.relu;
      const opt = tf.train.sgd(spec.lr);
      const lossFn = (): tf.Scalar => {
        let h: tf.Tensor2D = x;
        layers.forEach((l, i) => {
          h = tf.add(tf.matMul(h, l.w), l.b);
          if (i + 1 < layers.length) h = act(h);
        });
        return tf.losses.softmaxCrossEntropy(onehot, h, undefined, undefined, tf.Reduction.MEAN) as tf.Scalar;
      };
      return {
        step() {
          const cost = opt.minimize(lossFn, true, varList)!;
          const v = cost.dataSync()[0];
          cost.dispose();
          return v;
        },
        dispose() {
          tf.dispose([...varList, x, onehot]);
          opt.dispose();
        },
      };
    },

    matmul(spec: MatmulSpec): Kernel {
      expectActive("matmul");
      const a = tf.tensor2d(spec.a, [spec.n, spec.n]);
      const b = tf.tensor2d(spec.b, [spec.n, spec.n]);
      return keepLast(() => tf.matMul(a, b), [a, b]);
    },

    activation(spec: ActivationSpec): Kernel {
      expectActive("activation");
      const x = tf.tensor(spec.x, spec.shape);
      const dy = tf.tensor(spec.dy, spec.shape);
      const g = tf.grad(activations[spec.name]);
      return keepLast(() => g(x, dy), [x, dy]);
    },

    conv2d(spec: ConvSpec): ConvKernel {
      expectActive("conv2d");
      const { batch: n, inChannels: c, outChannels: o, size, kernel: k, padding } = spec;
      // tfjs's layouts: images NHWC, filters [kH, kW, C, O]; converted once, untimed.
      const x = tf.tensor4d(permuted(spec.x, [n, c, size, size], [0, 2, 3, 1]), [n, size, size, c]);
      const w = tf.tensor4d(permuted(spec.w, [o, c, k, k], [2, 3, 1, 0]), [k, k, c, o]);
      const b = tf.tensor1d(spec.b);
      const dy = tf.tensor4d(permuted(spec.dy, [n, o, size, size], [0, 2, 3, 1]), [n, size, size, o]);
      const layer = (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.add(tf.conv2d(x, w, 1, padding), b);
      // The wasm backend has no Conv2DBackpropFilter kernel (tfjs issue #8474: training a conv layer
      // there fails with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). Where it
      // is missing, ∂W comes from the identity ∂W[i, j, c, o] = Σ_{n,y,x} x_pad[n, y+i, x+j, c]·dy[n, y, x, o]:
      // a stride-1 convolution of x with the batch as channels ([C, H, W, N]) and dy as the filter
      // ([H, W, N, O]), all in wasm kernels. Elsewhere tf.grads takes all three the ordinary way.
      const native = tf.getKernel("Conv2DBackpropFilter", backend) !== undefined;
      const compute = (): tf.Tensor[] =>
        tf.tidy(() => {
          if (native) {
            const { value, grads } = tf.valueAndGrads((xt: tf.Tensor, wt: tf.Tensor, bt: tf.Tensor) =>
              layer(xt as tf.Tensor4D, wt as tf.Tensor4D, bt as tf.Tensor1D),
            )([x, w, b], dy);
            return [value, ...grads];
          }
          const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => layer(t as tf.Tensor4D, w, b))(x, dy);
          const xT = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
          const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
          const dw = tf.transpose(tf.conv2d(xT, dyT, 1, padding), [1, 2, 0, 3]);
          return [value, grad, dw, tf.sum(dy, [0, 1, 2])];
        });
      let last: tf.Tensor[] = [];
      const parts = () => {
        const [y, dx, dw, db] = last.map((t) => t.dataSync() as Float32Array);
        return {
          y: permuted(y, [n, size, size, o], [0, 3, 1, 2]),
          dx: permuted(dx, [n, size, size, c], [0, 3, 1, 2]),
          dw: permuted(dw, [k, k, c, o], [3, 2, 0, 1]),
          db: Float32Array.from(db),
        };
      };
      return {
        run() {
          tf.dispose(last);
          last = compute();
          if (readBack) for (const t of last) t.dataSync();
        },
        parts,
        result() {
          const p = parts();
          return Float32Array.from([...p.y, ...p.dx, ...p.dw, ...p.db]);
        },
        dispose() {
          tf.dispose([...last, x, w, b, dy]);
          last = [];
        },
      };
    },
  };

  /**
   * A kernel whose output stays in the backend until the next call (or dispose). The wasm and
   * cpu backends run every kernel synchronously inside the op call, so the work is complete
   * when it returns. With `readBack` each call also copies the output out with dataSync(),
   * which on wasm costs about 1.7 ms per million floats (measured here: relu fwd + bwd goes
   * from 2.0 to about 4 ms per call) — a copy actigrad never makes, its outputs being
   * JavaScript typed arrays already.
   */
  function keepLast(compute: () => tf.Tensor, inputs: tf.Tensor[]): Kernel {
    let last: tf.Tensor | null = null;
    return {
      run() {
        last?.dispose();
        last = compute();
        if (readBack) last.dataSync();
      },
      result() {
        return Float32Array.from(last!.dataSync());
      },
      dispose() {
        last?.dispose();
        last = null;
        tf.dispose(inputs);
      },
    };
  }
}

/** `a` of `shape` with its axes reordered: result axis d is axis `perm[d]` of `a` (NumPy's transpose). */
function permuted(a: Float32Array, shape: number[], perm: number[]): Float32Array {
  const out = new Float32Array(a.length);
  const outShape = perm.map((p) => shape[p]);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((x, y) => x * y, 1));
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += idx[d] * strides[perm[d]];
    out[i] = a[src];
    for (let d = perm.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Live tensors in the tfjs engine (all backends), to check nothing leaks. */
export function tfjsTensorCount(): number {
  return tf.memory().numTensors;
}
