/**
 * Issue 15: being written.
 */
export {};
