/** Helpers shared by the test files. */
import { expect } from "vitest";
import { activations, type ActivationName, type Tensor } from "../src/index.js";

export type ErrorClass = typeof TypeError | typeof RangeError;

/** Runs `fn`, expecting it to throw one of `cls` with a message matching every pattern. */
export function expectThrow(fn: () => unknown, cls: ErrorClass | readonly ErrorClass[], ...patterns: RegExp[]): Error {
  let caught: unknown;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    caught = e;
  }
  expect(threw, "expected the call to throw").toBe(true);
  expect(caught).toBeInstanceOf(Error);
  const err = caught as Error;
  const classes = Array.isArray(cls) ? cls : [cls];
  expect(classes.includes(err.constructor as ErrorClass), `wrong class ${err.constructor.name}: ${err.message}`).toBe(true);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}

/** Every entry of the activation table, seen through one loose signature so a loop can call it. */
export interface AnySpec {
  name: string;
  formula: string;
  derivative: string;
  forward: (x: Tensor, ...args: number[]) => Tensor;
  backward: (g: Tensor, saved: { x: Tensor; y: Tensor }, ...args: number[]) => Tensor;
}
export const table = activations as unknown as Record<ActivationName, AnySpec>;
export const NAMES: ActivationName[] = ["sigmoid", "tanh", "relu", "softplus", "softmax", "logSoftmax", "maxout"];
