/**
 * Whether Chevrotain skips its grammar validations when it builds a lexer or parser.
 * They find mistakes in the grammar definitions themselves (ambiguous alternatives,
 * unreachable patterns), never in the text being parsed, and they are a large part of
 * building the lexers and the parser, which is most of a CLI command's start-up. They
 * run wherever the sources run (tests, tsx); the bundles, built from sources that pass
 * them, skip them: scripts/build.mjs defines VTA_GRAMMAR_CHECKED.
 */
declare const VTA_GRAMMAR_CHECKED: boolean | undefined;

export const skipGrammarValidations: boolean =
  typeof VTA_GRAMMAR_CHECKED !== 'undefined' && VTA_GRAMMAR_CHECKED === true;
