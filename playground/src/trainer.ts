/**
 * The network and its training, on actigrad: build the MLP the settings describe, run one
 * mini-batch step at a time, evaluate losses and the decision surface, and trace one sample's
 * backward pass with the teaching tools.
 */
import {
  data,
  manualSeed,
  nn,
  noGrad,
  optim,
  Rng,
  tensor,
  toDot,
  traceBackward,
  traceGradients,
  type Tensor,
  type TraceStep,
} from "../../src/index.js";
import { makeData, type PlaygroundData } from "./datasets.js";
import { groupSize, layerActivation, type Settings } from "./state.js";

type Module = InstanceType<typeof nn.Sequential>["layers"][number];

/** One Linear layer of the network, for the gradient-norm bars and the network drawing. */
export interface LayerInfo {
  label: string;
  linear: InstanceType<typeof nn.Linear>;
  /**
   * How many of the Linear's outputs make one neuron after the activation: a "groups"
   * activation (maxout) folds `pieces` contiguous outputs into one; 1 for every other layer.
   */
  pieces: number;
}

/** One column of the network evaluated on the grid: `width` values per grid point, row-major. */
export interface LayerGrid {
  width: number;
  values: ArrayLike<number>;
}

export interface SampleTrace {
  sample: number;
  label: number;
  point: [number, number];
  loss: number;
  steps: TraceStep[];
  dot: string;
  /** The training step the parameters belong to (the trace is taken before that step's update). */
  atStep: number;
}

export class Trainer {
  readonly data: PlaygroundData;
  readonly model: InstanceType<typeof nn.Sequential>;
  readonly layers: LayerInfo[];
  readonly optimizer: InstanceType<typeof optim.SGD> | InstanceType<typeof optim.Adam>;
  /** Mini-batch steps taken since the reset. */
  steps = 0;
  epoch = 0;
  lastBatchLoss = NaN;
  /** ‖∂L/∂(W, b)‖ of each layer at the last step. */
  readonly gradNorms: Float64Array;
  /** Sum of the norms since `takeGradNormMean()` was last called, and how many steps. */
  private gradNormSum: Float64Array;
  private gradNormCount = 0;
  private readonly order: Rng;
  private perm: Int32Array = new Int32Array(0);
  private cursor = 0;
  /** The grid points over the domain, by grid size (the decision map's and the neuron maps'). */
  private readonly gridInputs = new Map<number, Tensor>();

  /** Samples per mini-batch (may change while training). */
  batchSize: number;

  constructor(settings: Settings) {
    this.batchSize = settings.batchSize;
    this.data = makeData(settings);
    manualSeed(settings.seed);
    const mods: Module[] = [];
    this.layers = [];
    // Each hidden layer: a Linear whose init the activation's definition chooses (`init`, read
    // by nn.Linear's `activation` option), then the activation as a module with its arguments.
    // A "groups" activation folds r inputs into one unit, so its Linear makes units·r.
    let width = 2;
    settings.layers.forEach((units, i) => {
      const { act, args } = layerActivation(settings, i);
      const r = groupSize(act, args) ?? 1;
      const l = new nn.Linear(width, units * r, { activation: act.name });
      mods.push(l, new nn.Activation(act, ...args));
      this.layers.push({ label: `hidden ${i + 1}`, linear: l, pieces: r });
      width = units;
    });
    const out = new nn.Linear(width, this.data.classes);
    mods.push(out);
    this.layers.push({ label: "output", linear: out, pieces: 1 });
    this.model = new nn.Sequential(...mods);
    const params = this.model.parameters();
    this.optimizer =
      settings.optimizer === "adam" ? new optim.Adam(params, { lr: settings.lr }) : new optim.SGD(params, { lr: settings.lr });
    this.gradNorms = new Float64Array(this.layers.length);
    this.gradNormSum = new Float64Array(this.layers.length);
    this.order = new Rng(settings.seed * 7919 + 17);
  }

  get trainSize(): number {
    return this.data.train.y.length;
  }

  setLearningRate(lr: number): void {
    this.optimizer.lr = lr;
  }

  /** The indices of the next mini-batch: a fresh seeded permutation each epoch. */
  private nextBatch(size: number): Int32Array {
    const n = this.trainSize;
    if (this.cursor >= this.perm.length) {
      this.perm = this.order.permutation(n);
      this.cursor = 0;
      this.epoch++;
    }
    const idx = this.perm.subarray(this.cursor, Math.min(n, this.cursor + size));
    this.cursor += idx.length;
    return idx;
  }

  /** One mini-batch step: forward, cross-entropy, backward, gradient norms, update. Returns the batch loss. */
  step(): number {
    const idx = this.nextBatch(this.batchSize);
    const x = data.takeRows(this.data.train.x, idx);
    const y = Int32Array.from(idx, (i) => this.data.train.y[i]);
    this.optimizer.zeroGrad();
    const loss = nn.crossEntropy(this.model.forward(x), y);
    loss.backward();
    this.layers.forEach((l, k) => {
      let s = 0;
      for (const p of [l.linear.weight, l.linear.bias]) {
        const g = p?.grad?.data;
        if (g) for (let i = 0; i < g.length; i++) s += g[i] * g[i];
      }
      this.gradNorms[k] = Math.sqrt(s);
      this.gradNormSum[k] += this.gradNorms[k];
    });
    this.gradNormCount++;
    this.optimizer.step();
    this.steps++;
    this.lastBatchLoss = loss.item();
    return this.lastBatchLoss;
  }

  /** The mean gradient norm per layer over the steps since the last call (the last step's if none). */
  takeGradNormMean(): Float64Array {
    const out = this.gradNormCount > 0 ? this.gradNormSum.map((v) => v / this.gradNormCount) : Float64Array.from(this.gradNorms);
    this.gradNormSum.fill(0);
    this.gradNormCount = 0;
    return out;
  }

  /** Mean cross-entropy over a whole set, without a graph. */
  loss(set: "train" | "test"): number {
    const d = this.data[set];
    if (d.y.length === 0) return NaN;
    return noGrad(() => nn.crossEntropy(this.model.forward(d.x), d.y).item());
  }

  /**
   * Class probabilities on a size×size grid over the domain, row-major from the top-left: the
   * probability the loss gives class c at a point is e^(−crossEntropy(logits, c)).
   */
  grid(size: number): Float64Array | Float32Array {
    const input = this.gridPoints(size);
    const k = this.data.classes;
    return noGrad(() => {
      const logits = this.model.forward(input);
      const n = logits.shape[0];
      const probs = new Float64Array(n * k);
      for (let c = 0; c < k; c++) {
        const nll = nn.crossEntropy(logits, new Int32Array(n).fill(c), { reduction: "none" }).data;
        for (let i = 0; i < n; i++) probs[i * k + c] = Math.exp(-nll[i]);
      }
      return probs;
    });
  }

  /**
   * The size×size grid over the domain as a [size², 2] tensor, row-major from the top-left:
   * point (r, c) is the centre of its cell, x growing to the right and y upwards.
   */
  gridPoints(size: number): Tensor {
    let input = this.gridInputs.get(size);
    if (input === undefined) {
      const [x0, x1, y0, y1] = this.data.domain;
      const pts = new Float64Array(size * size * 2);
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) {
          const i = r * size + c;
          pts[2 * i] = x0 + ((c + 0.5) / size) * (x1 - x0);
          pts[2 * i + 1] = y1 - ((r + 0.5) / size) * (y1 - y0);
        }
      }
      input = tensor(pts, { shape: [size * size, 2] });
      this.gridInputs.set(size, input);
    }
    return input;
  }

  /**
   * Every column of the network on the size×size grid, one forward pass without a graph: the
   * input, each hidden layer's neurons after its activation, and the output layer's logits.
   */
  layerGrid(size: number): LayerGrid[] {
    const input = this.gridPoints(size);
    return noGrad(() => {
      const out: LayerGrid[] = [{ width: 2, values: input.data }];
      const mods = this.model.layers;
      let h = input;
      mods.forEach((m, j) => {
        h = m.forward(h);
        if (!(m instanceof nn.Linear) || j === mods.length - 1) out.push({ width: h.shape[1], values: h.data });
      });
      return out;
    });
  }

  /**
   * The backward pass of one training sample's loss, at the current parameters, run through
   * `traceBackward`, and the graph as DOT (every node labelled with ∂L/∂node).
   */
  trace(sample: number): SampleTrace {
    const i = Math.min(Math.max(0, sample), this.trainSize - 1);
    const px = this.data.train.x.data[2 * i],
      py = this.data.train.x.data[2 * i + 1];
    const label = this.data.train.y[i];
    const x = tensor([[px, py]]);
    const names: Record<string, Tensor> = { x };
    let h: Tensor = x;
    let k = 0;
    const nameLinear = (l: InstanceType<typeof nn.Linear>, z: Tensor, last: boolean) => {
      const tag = last ? "out" : String(k);
      names[`W${tag}`] = l.weight;
      if (l.bias) names[`b${tag}`] = l.bias;
      names[last ? "logits" : `z${k}`] = z;
    };
    const mods = this.model.layers;
    mods.forEach((m, j) => {
      if (m instanceof nn.Linear) {
        const last = j === mods.length - 1;
        if (!last) k++;
        h = m.forward(h);
        nameLinear(m, h, last);
      } else {
        h = m.forward(h);
        names[`h${k}`] = h;
      }
    });
    const loss = nn.crossEntropy(h, [label]);
    names.loss = loss;
    const steps = traceBackward(loss, { names });
    const dot = toDot(loss, { names, grads: traceGradients(steps), rankdir: "LR", maxValues: 4 });
    return { sample: i, label, point: [px, py], loss: loss.item(), steps, dot, atStep: this.steps };
  }
}
