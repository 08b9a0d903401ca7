/**
 * Joining and splitting (issue 13): concat, stack, split. Being written.
 */
export {};
