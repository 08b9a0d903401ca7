/**
 * Issue 11, three bugs in nn: state-dict keys are field paths (no tensor lost or silently
 * left out), parameter layers reject an input of another dtype instead of promoting, and
 * modules print like PyTorch's repr.
 */
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { manualSeed, nn, randn, type Tensor, tensor } from "../src/index.js";
import { expectThrow } from "./helpers.js";

/** The raw bytes of a tensor's values. */
function bytes(t: Tensor): number[] {
  return Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
}

function viaJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

/** The values of every tensor of `m`, by key; the check asserts none changed. */
function snapshot(m: nn.Module): () => void {
  const before = m.namedTensors().map(([k, t]) => [k, t, bytes(t)] as const);
  return () => {
    for (const [k, t, b] of before) expect(bytes(t), k).toEqual(b);
  };
}

class AutoEncoder extends nn.Module {
  encoders: nn.Linear[];
  decoders: nn.Linear[];
  constructor(dtype: "float32" | "float64" = "float64") {
    super();
    this.encoders = [new nn.Linear(2, 3, { dtype }), new nn.Linear(3, 3, { dtype })];
    this.decoders = [new nn.Linear(3, 2, { dtype })];
  }
  forward(x: Tensor): Tensor {
    let h = x;
    for (const l of [...this.encoders, ...this.decoders]) h = l.forward(h).tanh();
    return h;
  }
}

class WithBody extends nn.Module {
  body = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2));
  head = new nn.Linear(2, 1);
  forward(x: Tensor): Tensor {
    return this.head.forward(this.body.forward(x));
  }
}

class MapHeads extends nn.Module {
  trunk = new nn.Linear(2, 2);
  heads = new Map<string, nn.Module>([["a", new nn.Linear(2, 1)]]);
  forward(x: Tensor): Tensor {
    return this.heads.get("a")!.forward(this.trunk.forward(x));
  }
}

class ObjectHeads extends nn.Module {
  trunk = new nn.Linear(2, 2);
  heads = { a: new nn.Linear(2, 1) };
  forward(x: Tensor): Tensor {
    return this.heads.a.forward(this.trunk.forward(x));
  }
}

describe("state dict keys are field paths", () => {
  it("modules in two array fields keep every tensor: encoders.0.weight, encoders.1.weight, decoders.0.weight", () => {
    const m = new AutoEncoder();
    expect(Object.keys(m.stateDict())).toEqual([
      "encoders.0.weight",
      "encoders.0.bias",
      "encoders.1.weight",
      "encoders.1.bias",
      "decoders.0.weight",
      "decoders.0.bias",
    ]);
    expect(m.parameters()).toHaveLength(6);
    expect(new Set(m.parameters()).size).toBe(6);
    expect(m.children().map(([k]) => k)).toEqual(["encoders.0", "encoders.1", "decoders.0"]);
    expect(m.namedParameters()[4]).toEqual(["decoders.0.weight", m.decoders[0].weight]);
  });

  for (const dtype of ["float64", "float32"] as const) {
    it(`${dtype}: a JSON round trip restores every tensor bit for bit`, () => {
      manualSeed(1);
      const a = new AutoEncoder(dtype);
      manualSeed(2);
      const b = new AutoEncoder(dtype);
      const aTensors = a.namedTensors();
      b.loadStateDict(viaJson(a.stateDict()));
      const bTensors = b.namedTensors();
      expect(bTensors.map(([k]) => k)).toEqual(aTensors.map(([k]) => k));
      bTensors.forEach(([k, t], i) => {
        expect(t.dtype, k).toBe(dtype);
        expect(bytes(t), k).toEqual(bytes(aTensors[i][1]));
      });
      const x = randn([5, 2], { dtype });
      expect(bytes(b.forward(x))).toEqual(bytes(a.forward(x)));
    });
  }

  it("loading a state without decoders.0.weight fails, naming it, and changes nothing", () => {
    manualSeed(3);
    const m = new AutoEncoder();
    const state = viaJson(new AutoEncoder().stateDict());
    delete (state as Record<string, unknown>)["decoders.0.weight"];
    const unchanged = snapshot(m);
    expectThrow(() => m.loadStateDict(state), RangeError, /missing key "decoders\.0\.weight"/);
    unchanged();
  });

  it("nn.Sequential numbers its layers directly (0.weight, no layers. prefix)", () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh(), new nn.Linear(3, 1));
    expect(Object.keys(s.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(s.children().map(([k]) => k)).toEqual(["0", "1", "2"]);
  });

  it("a Sequential inside a custom module gives body.0.weight", () => {
    const m = new WithBody();
    expect(Object.keys(m.stateDict())).toEqual([
      "body.0.weight",
      "body.0.bias",
      "body.2.weight",
      "body.2.bias",
      "head.weight",
      "head.bias",
    ]);
  });

  it("tensors in arrays and modules in arrays of arrays get path keys", () => {
    class Grid extends nn.Module {
      scale = tensor([1, 2], { requiresGrad: true });
      weights = [tensor([1], { requiresGrad: true }), tensor([2, 3], { requiresGrad: true })];
      grid = [[new nn.Linear(1, 1)], [null, new nn.Linear(1, 1, { bias: false })]];
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const g = new Grid();
    expect(Object.keys(g.stateDict())).toEqual([
      "scale",
      "weights.0",
      "weights.1",
      "grid.0.0.weight",
      "grid.0.0.bias",
      "grid.1.1.weight",
    ]);
    expect(g.parameters()).toHaveLength(6);
  });

  it("a Map field holding a Linear is an error at parameters(), namedTensors() and stateDict(), naming the field", () => {
    const m = new MapHeads();
    expectThrow(
      () => m.parameters(),
      TypeError,
      /^parameters\(\)/,
      /field "heads" of MapHeads is a Map holding a Linear/,
      /array/,
    );
    expectThrow(() => m.namedTensors(), TypeError, /^namedTensors\(\)/, /"heads"/);
    expectThrow(() => m.stateDict(), TypeError, /^stateDict\(\)/, /"heads"/);
    const unchanged = snapshot(new nn.Linear(1, 1));
    expectThrow(() => m.loadStateDict({}), TypeError, /^loadStateDict\(\)/, /"heads"/);
    unchanged();
  });

  it("a plain-object field holding a Linear is an error at parameters(), naming the field", () => {
    const m = new ObjectHeads();
    expectThrow(() => m.parameters(), TypeError, /field "heads" of ObjectHeads is a plain object holding a Linear/, /array/);
    expectThrow(() => m.stateDict(), TypeError, /"heads"/);
    // also a plain object inside an array, and a tensor inside a Set
    class Nested extends nn.Module {
      blocks = [{ a: new nn.Linear(1, 1) }];
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expectThrow(() => new Nested().parameters(), TypeError, /field "blocks\.0" of Nested is a plain object holding a Linear/);
    class TensorSet extends nn.Module {
      extra = new Set([tensor([1])]);
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expectThrow(() => new TensorSet().parameters(), TypeError, /field "extra" of TensorSet is a Set holding a tensor/);
  });

  it("config objects, Maps without modules, numbers, strings and functions are ignored", () => {
    class Configured extends nn.Module {
      config = { hidden: 4, names: ["a", "b"], nested: { deep: true } };
      lookup = new Map([["x", 1]]);
      label = "net";
      act = (x: Tensor) => x.tanh();
      lin = new nn.Linear(2, 2);
      forward(x: Tensor): Tensor {
        return this.act(this.lin.forward(x));
      }
    }
    expect(Object.keys(new Configured().stateDict())).toEqual(["lin.weight", "lin.bias"]);
  });

  it("keys follow field assignment order, own tensors first", () => {
    class Ordered extends nn.Module {
      z = new nn.Linear(1, 1);
      a = new nn.Linear(1, 1);
      gain = tensor([1], { requiresGrad: true });
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(Object.keys(new Ordered().stateDict())).toEqual(["gain", "z.weight", "z.bias", "a.weight", "a.bias"]);
  });

  it("a shared module is counted once by parameters(), kept under both keys, and must load consistently", () => {
    class Tied extends nn.Module {
      first: nn.Linear;
      second: nn.Linear;
      constructor() {
        super();
        this.first = new nn.Linear(2, 2);
        this.second = this.first;
      }
      forward(x: Tensor): Tensor {
        return this.second.forward(this.first.forward(x));
      }
    }
    const m = new Tied();
    expect(m.parameters()).toEqual([m.first.weight, m.first.bias]);
    expect(m.namedParameters().map(([k]) => k)).toEqual(["first.weight", "first.bias"]);
    const state = viaJson(m.stateDict());
    expect(Object.keys(state)).toEqual(["first.weight", "first.bias", "second.weight", "second.bias"]);
    expect(new nn.Sequential(m.first, new nn.Tanh(), m.first).parameters()).toHaveLength(2);
    // the two keys of one tensor must agree; a state where they do not is rejected, nothing changed
    state["second.weight"].data[0] = 123;
    const unchanged = snapshot(m);
    expectThrow(() => m.loadStateDict(state), RangeError, /"first\.weight" and "second\.weight"/, /shared/);
    unchanged();
    state["first.weight"].data[0] = 123;
    m.loadStateDict(state);
    expect(m.first.weight.data[0]).toBe(123);
  });

  it("two different tensors under one key are an error, not a drop", () => {
    class Clash extends nn.Module {
      "w.0" = tensor([1], { requiresGrad: true });
      w = [tensor([2], { requiresGrad: true })];
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Clash();
    expectThrow(() => m.stateDict(), TypeError, /^stateDict\(\)/, /two different tensors have the key "w\.0"/);
    expectThrow(() => m.parameters(), TypeError, /"w\.0"/);
  });

  it("a cycle (a child pointing back at its parent) does not loop", () => {
    class Child extends nn.Module {
      lin = new nn.Linear(1, 1);
      parent: nn.Module | null = null;
      forward(x: Tensor): Tensor {
        return this.lin.forward(x);
      }
    }
    class Parent extends nn.Module {
      child = new Child();
      forward(x: Tensor): Tensor {
        return this.child.forward(x);
      }
    }
    const p = new Parent();
    p.child.parent = p;
    expect(Object.keys(p.stateDict())).toEqual(["child.lin.weight", "child.lin.bias"]);
    expect(p.parameters()).toHaveLength(2);
    p.eval();
    expect(p.training || p.child.training || p.child.lin.training).toBe(false);
    expect(String(p)).toContain("Parent(<cycle>)");
  });
});

describe("layers reject a dtype mismatch", () => {
  it("a float32 Linear given float64 data names the layer, both dtypes and the fix", () => {
    const lin = new nn.Linear(4, 3, { dtype: "float32" });
    const x = randn([2, 4], { dtype: "float64" });
    const err = expectThrow(
      () => lin.forward(x),
      TypeError,
      /^Linear\(4, 3\): input is float64 but the layer's parameters are float32/,
      /cast\(x, "float32"\)/,
      /tensor\(values, \{ dtype: "float32" \}\)/,
      /setDefaultDtype\("float32"\)/,
    );
    expect(err.message).toMatch(/\{ dtype: "float64" \}/);
    expect(lin.forward(randn([2, 4], { dtype: "float32" })).dtype).toBe("float32");
  });

  it("a float64 Linear given float32 data is an error too", () => {
    const lin = new nn.Linear(2, 2, { dtype: "float64" });
    expectThrow(
      () => lin.call(randn([1, 2], { dtype: "float32" })),
      TypeError,
      /input is float32 but the layer's parameters are float64/,
    );
  });

  it("Maxout names itself; a Sequential names the first layer that fails", () => {
    const m = new nn.Maxout(4, 2, 3, { dtype: "float32" });
    expectThrow(() => m.forward(randn([1, 4], { dtype: "float64" })), TypeError, /^Maxout\(4, 2, 3\): input is float64/);
    const s = new nn.Sequential(new nn.Tanh(), new nn.Linear(4, 3, { dtype: "float32" }));
    expectThrow(() => s.forward(randn([1, 4], { dtype: "float64" })), TypeError, /^Linear\(4, 3\): input is float64/);
  });

  it("parameter-free activation modules work with either dtype", () => {
    const acts: nn.Module[] = [
      new nn.Sigmoid(),
      new nn.Tanh(),
      new nn.ReLU(),
      new nn.Softplus(),
      new nn.Softmax(),
      new nn.LogSoftmax(),
      new nn.MaxoutActivation(2),
    ];
    for (const dtype of ["float32", "float64"] as const) {
      for (const a of acts) expect(a.forward(randn([2, 4], { dtype })).dtype).toBe(dtype);
    }
  });
});

describe("modules print like PyTorch", () => {
  const model = () =>
    new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Maxout(16, 8, 2), new nn.Linear(8, 3, { bias: false }));
  const TEXT = [
    "Sequential(",
    "  (0): Linear(in_features=4, out_features=16, bias=true)",
    "  (1): Tanh()",
    "  (2): Maxout(in_features=16, out_features=8, pieces=2)",
    "  (3): Linear(in_features=8, out_features=3, bias=false)",
    ")",
  ].join("\n");

  it("String(model), toString() and util.inspect give the repr", () => {
    const m = model();
    expect(String(m)).toBe(TEXT);
    expect(m.toString()).toBe(TEXT);
    expect(`${m}`).toBe(TEXT);
    expect(inspect(m)).toBe(TEXT);
  });

  it("a custom module lists its children by field name, nested ones indented", () => {
    class Net extends nn.Module {
      body = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU());
      heads = [new nn.Linear(8, 2), new nn.LogSoftmax(1)];
      scale = tensor([1], { requiresGrad: true });
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(String(new Net())).toBe(
      [
        "Net(",
        "  (body): Sequential(",
        "    (0): Linear(in_features=4, out_features=8, bias=true)",
        "    (1): ReLU()",
        "  )",
        "  (heads.0): Linear(in_features=8, out_features=2, bias=true)",
        "  (heads.1): LogSoftmax(axis=1)",
        ")",
      ].join("\n"),
    );
  });

  it("leaves print ClassName(extraRepr()); extraRepr can be overridden", () => {
    expect(String(new nn.Softmax())).toBe("Softmax(axis=-1)");
    expect(String(new nn.LogSoftmax())).toBe("LogSoftmax(axis=-1)");
    expect(String(new nn.MaxoutActivation(3))).toBe("MaxoutActivation(pieces=3)");
    expect(String(new nn.Sigmoid())).toBe("Sigmoid()");
    class Scaled extends nn.Module {
      constructor(readonly factor: number) {
        super();
      }
      override extraRepr(): string {
        return `factor=${this.factor}`;
      }
      forward(x: Tensor): Tensor {
        return x.mul(this.factor);
      }
    }
    expect(String(new Scaled(2))).toBe("Scaled(factor=2)");
    class Wrap extends nn.Module {
      inner = new Scaled(3);
      override extraRepr(): string {
        return "mode=fast";
      }
      forward(x: Tensor): Tensor {
        return this.inner.forward(x);
      }
    }
    expect(String(new Wrap())).toBe("Wrap(\n  mode=fast\n  (inner): Scaled(factor=3)\n)");
  });

  it("printing a model with a Map of modules does not throw", () => {
    expect(String(new MapHeads())).toBe("MapHeads(\n  (trunk): Linear(in_features=2, out_features=2, bias=true)\n)");
  });
});
