/**
 * Dump texts that grow with `n` in each of the ways a parser could go quadratic: many
 * dumps, a very long dep line, huge numbers, many loop lines, long tab runs and
 * brackets. The test reads them to the end; the front-end benchmark times 100 against
 * 800 (a linear reader takes about 8x, a quadratic one 64x).
 */
export function dumpGrowthPatterns(spec: string): Array<(n: number) => string> {
  return [
    (n) => spec.repeat(n),
    (n) => 'INSTRUCTION 1: LOAD ' + '\tdep - '.repeat(n * 200),
    (n) => 'There are ' + '9'.repeat(n * 1000) + ' instructions\n' + '\tDRAM: 0x' + 'f'.repeat(n * 1000),
    (n) =>
      'There are 1 instructions\nINSTRUCTION 0: GEMM\n' +
      '\touter loop - iter: 1, wgt: 1, inp: 1, acc: 1\n'.repeat(n * 20),
    (n) => '\t'.repeat(n * 1000) + 'x\n' + '[0'.repeat(n * 500) + '\n' + 'DEBUG - UOP 1: acc=' + '1'.repeat(n * 1000),
  ];
}
