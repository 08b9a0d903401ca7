/** model.summary(inputShape): each layer's output shape and parameter count, and the total. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { manualSeed, nn, type Tensor } from "../src/index.js";

afterEach(() => vi.restoreAllMocks());

describe("model.summary", () => {
  it("lists each layer's output shape and parameters, and the total, and prints it", () => {
    manualSeed(0);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const m = new nn.Sequential(new nn.Linear(4, 16), new nn.Tanh(), new nn.Maxout(16, 8, 2), new nn.Linear(8, 3));
    const text = m.summary([null, 4]);
    expect(log).toHaveBeenCalledWith(text);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Sequential summary, input [N, 4] → output [N, 3]");
    expect(text).toMatch(/^0 \(Linear\) +\[N, 16\] +80$/m);
    expect(text).toMatch(/^1 \(Tanh\) +\[N, 16\] +0$/m);
    expect(text).toMatch(/^2 \(Maxout\) +\[N, 8\] +0$/m);
    expect(text).toMatch(/^ {2}2\.linear \(Linear\) +\[N, 16\] +272$/m);
    expect(text).toMatch(/^3 \(Linear\) +\[N, 3\] +27$/m);
    expect(text).toMatch(/^Total params: 379$/m);
    expect(m.parameters().reduce((n, p) => n + p.size, 0)).toBe(379);
  });

  it("works for a custom module with a batch size, and leaves every forward as it was", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    class Net extends nn.Module {
      body = new nn.Sequential(new nn.Linear(3, 5), new nn.ReLU());
      head = new nn.Linear(5, 2);
      forward(x: Tensor): Tensor {
        return this.head.forward(this.body.forward(x));
      }
    }
    const net = new Net();
    const text = net.summary([7, 3]);
    expect(text).toMatch(/^body \(Sequential\) +\[7, 5\] +0$/m);
    expect(text).toMatch(/^ {2}body\.0 \(Linear\) +\[7, 5\] +20$/m);
    expect(text).toMatch(/^head \(Linear\) +\[7, 2\] +12$/m);
    expect(text).toMatch(/^Total params: 32$/m);
    expect(Object.hasOwn(net.head, "forward")).toBe(false);
    expect(Object.hasOwn(net.body, "forward")).toBe(false);
  });

  it("shows a free batch axis as N through a CNN, and changes no module (running statistics, modes)", () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    manualSeed(1);
    const net = new nn.Sequential(
      new nn.Conv2d(1, 4, 3, { padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d(2),
      new nn.Flatten(),
      new nn.BatchNorm1d(4 * 4 * 4),
      new nn.Dropout(0.5),
      new nn.Linear(64, 10),
    );
    const bn = net.layers[4] as nn.BatchNorm1d;
    const before = JSON.stringify(net.stateDict());
    net.layers[5].eval(); // a mixed set of modes must come back as it was
    const text = net.summary([null, 1, 8, 8]);
    expect(text.split("\n")[0]).toBe("Sequential summary, input [N, 1, 8, 8] → output [N, 10]");
    expect(text).toMatch(/^0 \(Conv2d\) +\[N, 4, 8, 8\] +40$/m);
    expect(text).toMatch(/^2 \(MaxPool2d\) +\[N, 4, 4, 4\] +0$/m);
    expect(text).toMatch(/^3 \(Flatten\) +\[N, 64\] +0$/m);
    expect(JSON.stringify(net.stateDict())).toBe(before);
    expect(bn.training).toBe(true);
    expect(net.training).toBe(true);
    expect(net.layers[5].training).toBe(false);
  });

  it("rejects a malformed input shape", () => {
    expect(() => new nn.Linear(2, 2).summary([0, 2])).toThrow(/summary: inputShape must be an array of positive integers/);
  });
});
