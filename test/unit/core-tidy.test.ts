// Tidiness of core/ that a reviewer would otherwise have to remember (in the manner of
// rust-analyzer's tidy test): every file opens with a comment that says why it exists,
// so a reader who opens any file meets its purpose before its code.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

/** A sentence at least: fewer words are a label, not a reason. */
const MIN_WORDS = 8;

/** The problem with a file's opening, or undefined when it opens with a comment of a sentence or more. */
function headerProblem(text: string): string | undefined {
  const m = /^(\/\*[\s\S]*?\*\/|(?:\/\/[^\n]*\n)+)/.exec(text);
  if (!m) return 'does not open with a comment';
  const words = m[1]!.replace(/^\s*(?:\/\*\*?|\*\/|\*|\/\/)/gm, ' ').match(/[A-Za-z]+/g) ?? [];
  return words.length < MIN_WORDS
    ? `opens with a comment of ${words.length} words (a reason needs ${MIN_WORDS} or more)`
    : undefined;
}

test('every file of core/ opens with a comment that says why it exists', async () => {
  const { sources } = await import('../../scripts/import-graph.mjs');
  const files = sources('core');
  assert.ok(files.length > 100, 'core sources found');
  const offenders = files.flatMap((f) => {
    const problem = headerProblem(readFileSync(f, 'utf8'));
    return problem ? [`${f}: ${problem}`] : [];
  });
  assert.deepEqual(offenders, []);
});

test('the header rule catches code first, a code line before the comment and a label-sized comment', () => {
  assert.match(headerProblem("export * from './a';\n")!, /does not open/);
  assert.match(
    headerProblem("import x from 'y';\n/** The reason this file exists, in one sentence. */\n")!,
    /does not open/,
  );
  assert.match(headerProblem('/** Helpers. */\nexport const a = 1;\n')!, /1 words/);
  assert.equal(
    headerProblem('/**\n * The parser of the thing, kept apart because the lexer needs it.\n */\nexport {};\n'),
    undefined,
  );
  assert.equal(headerProblem('// One line comment that gives a reason for the file.\nexport {};\n'), undefined);
});
