/**
 * What the suite's fuzz tests share (lsp-fuzz, dap-fuzz): one seed per
 * run, from FUZZ_SEED or the default, named in every failure so that the run can be
 * repeated (`FUZZ_SEED=N node scripts/run-tests.mjs test/protocol/lsp-fuzz.test.ts`).
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 1) >>> 0;

export { Rng } from '../support/random-program';

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
