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
 * every keystroke: 131,072 instructions take a checks worker about 0.3 s and 60 MB,
 * where the 524,288 of the command line took 1.4 s and 150 MB while the fuzz driver typed.
 */
export const EDITOR_MAX_INSTRUCTIONS = 1 << 17;
