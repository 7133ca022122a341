/**
 * How far a program may expand, in instructions: the one place these limits are set
 * (the assembler enforces them; the CLI's options and the editor's setting choose
 * within them).
 */

/** A stream longer than the runtime can send in one run (VTA_MAX_XFER / 16). */
export const MAX_INSTRUCTIONS = 1 << 21;

/**
 * The instructions a program may expand to unless the caller allows more (`--max-instructions`):
 * every check's work grows with them.
 */
export const MAX_EXPANDED_INSTRUCTIONS = 1 << 19;

/**
 * The editor's limit (`vta.diagnostics.maxInstructions`), lower because it checks on
 * every keystroke: a loop of failing statements and pushes that reaches it takes a
 * checks worker about 0.4 s (0.8 s at 131,072, where the fuzz driver's edit storm saw
 * versions wait over a second behind it). Hand-written programs stay far below it.
 */
export const EDITOR_MAX_INSTRUCTIONS = 1 << 16;
