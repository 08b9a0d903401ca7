/**
 * The four workloads in actigrad, float32, through the public API only (nn.Sequential of
 * nn.Linear + activation modules, nn.crossEntropy, optim.SGD) — what a user would write.
 *
 * Two systems: `actigrad`, plain code; and `actigrad-scope`, the same code with each step or
 * call wrapped in `scope()`, so intermediate tensors live in the WebAssembly memory and are
 * freed at its end — what tfjs does with tidy()/dispose(), and what its wasm backend always
 * does. The inputs (x, dy, A, B, the batch) are made outside, as ordinary arrays, in both.
 */
import { conv2d, grad, matmul, nn, optim, scope, tensor, type Tensor } from "../../src/index.js";
import type {
  ActivationName,
  ActivationSpec,
  ConvKernel,
  ConvParts,
  ConvSpec,
  Kernel,
  MatmulSpec,
  MlpSpec,
  System,
  Trainer,
} from "./common.js";

const f32 = { dtype: "float32" } as const;

/** Each run reads one element of its output, so an output computed lazily would still be counted. */
let sink = 0;
export const actigradSink = () => sink;

const activations: Record<ActivationName, (x: Tensor) => Tensor> = {
  sigmoid: (x) => x.sigmoid(),
  tanh: (x) => x.tanh(),
  relu: (x) => x.relu(),
  softplus: (x) => x.softplus(),
  softmax: (x) => x.softmax(-1),
};

function makeSystem(scoped: boolean): System {
  return {
    name: scoped ? "actigrad-scope" : "actigrad",

    async activate() {},

    info() {
      return { dtype: "float32" };
    },

    mlp(spec: MlpSpec): Trainer {
      const mods: nn.Module[] = [];
      const linears = spec.layers.map((l, i) => {
        const lin = new nn.Linear(l.inFeatures, l.outFeatures, { dtype: "float32" });
        mods.push(lin);
        if (i + 1 < spec.layers.length) mods.push(spec.activation === "tanh" ? new nn.Tanh() : new nn.ReLU());
        return lin;
      });
      const model = new nn.Sequential(...mods);
      // After Sequential: it re-draws the init of a Linear followed by ReLU (He init).
      spec.layers.forEach((l, i) => {
        linears[i].weight.data.set(l.w); // [out, in], the same layout as the spec
        linears[i].bias!.data.set(l.b);
      });
      const x = tensor(spec.x, { ...f32, shape: [spec.batch, spec.layers[0].inFeatures] });
      const labels = spec.labels;
      const opt = new optim.SGD(model.parameters(), { lr: spec.lr });
      return {
        step: scoped
          ? () =>
              scope(() => {
                const loss = nn.crossEntropy(model.forward(x), labels);
                opt.zeroGrad();
                loss.backward();
                opt.step();
                opt.zeroGrad(); // the gradients are spent: dropped here, they need not outlive the scope
                return loss.item();
              })
          : () => {
              const loss = nn.crossEntropy(model.forward(x), labels);
              opt.zeroGrad();
              loss.backward();
              opt.step();
              return loss.item();
            },
        dispose() {},
      };
    },

    matmul(spec: MatmulSpec): Kernel {
      const { n } = spec;
      const a = tensor(spec.a, { ...f32, shape: [n, n] });
      const b = tensor(spec.b, { ...f32, shape: [n, n] });
      let c: Tensor | null = null;
      if (scoped) {
        // The product is freed with the scope; result() computes it once more, returned (kept).
        return {
          run() {
            scope(() => {
              sink += matmul(a, b).data[0];
            });
          },
          result() {
            return Float32Array.from(scope(() => matmul(a, b)).data);
          },
          dispose() {},
        };
      }
      return {
        run() {
          c = matmul(a, b);
          sink += c.data[0];
        },
        result() {
          return Float32Array.from(c!.data);
        },
        dispose() {
          c = null;
        },
      };
    },

    activation(spec: ActivationSpec): Kernel {
      const f = activations[spec.name];
      const x = tensor(spec.x, { ...f32, shape: spec.shape, requiresGrad: true });
      const dy = tensor(spec.dy, { ...f32, shape: spec.shape });
      if (scoped) {
        // As tfjs's tf.grad(f)(x, dy): the gradient as a value, freed with the scope.
        const dx = () => grad(f(x), [x], { gradOutputs: [dy] })[0];
        return {
          run() {
            scope(() => {
              sink += dx().data[0];
            });
          },
          result() {
            return Float32Array.from(scope(dx).data);
          },
          dispose() {},
        };
      }
      return {
        run() {
          x.grad = null;
          f(x).backward(dy);
          sink += x.grad!.data[0];
        },
        result() {
          return Float32Array.from(x.grad!.data);
        },
        dispose() {
          x.grad = null;
        },
      };
    },

    conv2d(spec: ConvSpec): ConvKernel {
      const { batch: n, inChannels: c, outChannels: o, size, kernel: k, padding } = spec;
      const x = tensor(spec.x, { ...f32, shape: [n, c, size, size], requiresGrad: true });
      const w = tensor(spec.w, { ...f32, shape: [o, c, k, k], requiresGrad: true });
      const b = tensor(spec.b, { ...f32, shape: [o], requiresGrad: true });
      const dy = tensor(spec.dy, { ...f32, shape: [n, o, size, size] });
      const copy = (ts: Tensor[]): ConvParts => {
        const [y, dx, dw, db] = ts.map((t) => Float32Array.from(t.data));
        return { y, dx, dw, db };
      };
      const join = (p: ConvParts) => Float32Array.from([...p.y, ...p.dx, ...p.dw, ...p.db]);
      if (scoped) {
        // As tfjs's gradient call: y and the three gradients as values, freed with the scope.
        const all = () => {
          const y = conv2d(x, w, b, { padding });
          return [y, ...grad(y, [x, w, b], { gradOutputs: [dy] })];
        };
        return {
          run() {
            scope(() => {
              sink += all()[1].data[0];
            });
          },
          parts: () => copy(scope(all)),
          result() {
            return join(this.parts());
          },
          dispose() {},
        };
      }
      let y: Tensor | null = null;
      return {
        run() {
          x.grad = w.grad = b.grad = null;
          y = conv2d(x, w, b, { padding });
          y.backward(dy);
          sink += x.grad!.data[0];
        },
        parts: () => copy([y!, x.grad!, w.grad!, b.grad!]),
        result() {
          return join(this.parts());
        },
        dispose() {
          y = x.grad = w.grad = b.grad = null;
        },
      };
    },
  };
}

export const actigrad = makeSystem(false);
export const actigradScope = makeSystem(true);
