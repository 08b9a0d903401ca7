/**
 * The four workloads in actigrad, float32, through the public API only (nn.Sequential of
 * nn.Linear + activation modules, nn.crossEntropy, optim.SGD) — what a user would write.
 */
import { matmul, nn, optim, tensor, type Tensor } from "../../src/index.js";
import type { ActivationName, ActivationSpec, Kernel, MatmulSpec, MlpSpec, System, Trainer } from "./common.js";

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

export const actigrad: System = {
  name: "actigrad",

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
      step() {
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
    return {
      run() {
        c = matmul(a, b);
        sink += c.data[0];
      },
      result() { return Float32Array.from(c!.data); },
      dispose() { c = null; },
    };
  },

  activation(spec: ActivationSpec): Kernel {
    const f = activations[spec.name];
    const x = tensor(spec.x, { ...f32, shape: spec.shape, requiresGrad: true });
    const dy = tensor(spec.dy, { ...f32, shape: spec.shape });
    return {
      run() {
        x.grad = null;
        f(x).backward(dy);
        sink += x.grad!.data[0];
      },
      result() { return Float32Array.from(x.grad!.data); },
      dispose() { x.grad = null; },
    };
  },
};
