/**
 * Issue 14: being written.
 */
export {};
