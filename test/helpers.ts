/** Helpers shared by the test files. */
import { expect } from "vitest";
import { activations, type ActivationName } from "../src/index.js";

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

/** The activation table: every row is callable as it is, no cast needed. */
export const table = activations;
/** The seed's seven activations (the four added since have their own tests). */
export const NAMES = [
  "sigmoid",
  "tanh",
  "relu",
  "softplus",
  "softmax",
  "logSoftmax",
  "maxout",
] as const satisfies readonly ActivationName[];
