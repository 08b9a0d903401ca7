/**
 * Indexing (issue 13): select, slice, indexSelect, gather, maskedFill. Being written.
 */
export {};
