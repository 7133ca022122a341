/**
 * What the suite's fuzz tests share (lsp-fuzz, dap-fuzz, cli-fuzz): one seed per
 * run, from FUZZ_SEED or the default, named in every failure so that the run can be
 * repeated (`FUZZ_SEED=N node scripts/run-tests.mjs test/protocol/lsp-fuzz.test.ts`).
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1) >>> 0;

export { Rng } from './random-program';

/** Integers a client may send where a count, an offset or a position belongs. */
export const NASTY_INTS: readonly number[] = [
  -1,
  -(2 ** 31),
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  2 ** 53 + 2,
  1.5,
  Number.NaN,
  1e300,
];

/**
 * What is typed or pasted into a source, for the fuzz tests of the language server and
 * the CLI: statements (some with loop counts and sizes far past the buffers), brackets,
 * line ends of every kind, odd characters.
 */
export const SOURCE_FRAGMENTS: readonly string[] = [
  'load inp sram=0 dram=0 x=4 y=1\n',
  'load uop sram=0 dram=0 x=65535 y=65535\n',
  'store out sram=0 dram=0 x=1 y=1\n',
  'gemm blk outer=2 inner=2\n',
  'alu add dst=0 src=1\n',
  'push ld->ex\n',
  'pop ex->ld\n',
  'nop ld\n',
  'finish\n',
  'for i in 0..1000000 { nop ld }\n',
  'for j in 0..2 {\n',
  'if 1 { nop st }\n',
  'data q : inp[4]\n',
  'const K = 3\n',
  'kernel kk { uop dst=0 src=0 wgt=0 }\n',
  'include "missing.vta"\n',
  'image "nope.bin"\n',
  'target default\n',
  'target pynq\n',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '=',
  ',',
  '->',
  '..',
  '@',
  '"',
  ';',
  '//',
  '\n',
  '\r\n',
  '\r',
  '\t',
  '\u0000',
  'é',
  '😀',
  '\u2028',
  'for i in 0..4 { nop ld }\n',
  '# note',
  ' ',
];

/** Numbers of every size, for fields, loop bounds and constants. */
export const SOURCE_NUMBERS: readonly string[] = [
  '0',
  '1',
  '-1',
  '7',
  '255',
  '256',
  '4095',
  '4096',
  '8192',
  '65535',
  '65536',
  '1000000',
  '2147483647',
  '4294967296',
  '9007199254740991',
  '99999999999999999999',
  '0xFFFFFFFF',
  '0b' + '1'.repeat(60),
  '1<<53',
  '(1<<20)',
  '1/0',
  '5%0',
  '-9007199254740991-2',
  '0x7f',
  '0b101',
  '1_000',
  '1e9',
  'NaN',
];

/** Fails with the seed and what was being done, so the run can be repeated. */
export function fuzzFailure(what: string): Error {
  return new Error(`${what}\n(fuzz seed ${FUZZ_SEED}: repeat with FUZZ_SEED=${FUZZ_SEED})`);
}

/** `p`, or a failure naming `what` after `ms` (a hang). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(fuzzFailure(`no answer in ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
