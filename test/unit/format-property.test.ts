/**
 * The formatter over random texts with every line-end style (`\n`, `\r\n`, a lone `\r`,
 * mixed): it changes only whitespace inside lines (every line keeps its characters
 * other than spaces and tabs, and its own line end), and formatting its output again
 * changes nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatVta } from '../../core/lsp-support/format';

const EXAMPLES = join(import.meta.dirname, '../../../shared/examples');
const exampleLines = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.vta'))
  .flatMap((f) => readFileSync(join(EXAMPLES, f), 'utf8').split(/\r\n|\r|\n/));
/** Lines of the language's every kind, some of them wrong. */
const FRAGMENTS = [
  'target default',
  'const N = 4',
  'const M = N * (2 + 1)',
  'data a : inp[16] = random(seed=1)',
  'data b : acc[N] @ 64',
  'kernel k { uop dst=0 src=0 }',
  'kernel t(x) {',
  'uop dst=x src=x wgt=0',
  '}',
  'for i in 0..4 {',
  'if i == 1 {',
  '} else {',
  'load inp sram=0 dram=a x=16',
  'load uop k',
  'gemm k reset',
  'gemm k outer=2 dst_out=1',
  'alu max k imm=0',
  'alu  shr k imm=4',
  'store out sram=0 dram=b x=1',
  'push ld->ex',
  'pop ld->ex',
  'nop ld',
  'nop   st',
  'finish',
  'start:',
  '; a comment',
  '// another',
  'load inp sram=0 dram=a x=16 ; trailing',
  '',
  'data x : inp[4]',
  'data x : inp[',
  'data y : out[2] = zeros',
  '"a string"',
  '@@',
];

const blank = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 });
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
/** A line with its spaces scrambled: each run of spaces becomes 1 to 3 blanks, plus indentation. */
const line = fc
  .record({
    text: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.constantFrom(...exampleLines)),
    indent: blank,
    gaps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 8, maxLength: 8 }),
    trailing: blank,
  })
  .map(({ text, indent, gaps, trailing }) => {
    let k = 0;
    return indent + text.trim().replace(/[ \t]+/g, () => ' '.repeat(gaps[k++ % gaps.length]!)) + trailing;
  });
/** A whole text: lines each with its own line end (all the same style, or mixed). */
const text = fc
  .tuple(
    fc.array(fc.tuple(line, lineEnd), { maxLength: 40 }),
    fc.oneof(
      lineEnd.map((e) => e as string | undefined),
      fc.constant(undefined),
    ),
    fc.boolean(),
  )
  .map(([lines, style, endsWithBreak]) => {
    const parts = lines.map(([l, e]) => l + (style ?? e));
    let t = parts.join('');
    if (!endsWithBreak) t = t.replace(/(\r\n|\r|\n)$/, '');
    return t;
  });

/** Each line's end and its characters other than spaces and tabs. */
function skeleton(t: string): string[] {
  const parts = t.split(/(\r\n|\r|\n)/);
  const out: string[] = [];
  for (let k = 0; k < parts.length; k += 2)
    out.push(parts[k]!.replace(/[ \t]/g, '') + JSON.stringify(parts[k + 1] ?? ''));
  return out;
}

test('formatting changes only whitespace inside lines, keeps each line end, and is idempotent', () => {
  let formatted = 0;
  fc.assert(
    fc.property(text, (t) => {
      const out = formatVta(t);
      if (out === undefined) return;
      formatted++;
      assert.deepEqual(skeleton(out), skeleton(t));
      assert.equal(formatVta(out), out);
    }),
    { numRuns: 400, seed: 20 },
  );
  // Most texts of example lines parse: the property is not held vacuously.
  assert.ok(formatted > 50, `only ${formatted} texts were formatted`);
});

test('lone-CR line ends lose no code, and mixed line ends keep every line', () => {
  assert.equal(formatVta('target default\r  nop ld\r  finish\r'), 'target default\r  nop  ld\r  finish\r');
  assert.equal(formatVta('target default\n nop ld\r  finish\r\n'), 'target default\n  nop  ld\r  finish\r\n');
});
