/**
 * How deep input may nest: blocks, parentheses and prefix operators together. The
 * parser, the assembler's walks, the expression evaluators (the program's and the
 * debugger's) all recurse on nesting, so each stops at this one limit with the same
 * message, far below what any stack holds (a worker thread's included), instead of
 * failing at a depth that depends on the tool and its stack.
 */
export const MAX_NESTING = 100;

export const NESTING_MESSAGE = `nesting deeper than ${MAX_NESTING} levels (blocks, parentheses and prefix operators together): this statement is not read`;
