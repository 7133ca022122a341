/**
 * Random valid `.vta` programs shaped like TVM's compiled streams (vta-isa.md §3.5–3.7):
 * store-module NOPs pre-seed st->ex credits at the start (`nop st` + `push st->ex`,
 * twice for double buffering), every block pops a credit before compute overwrites its
 * ACC half and the STORE returns one after reading it, the load module is throttled
 * with ex->ld tokens over two INP/WGT halves, the credits are popped again after the
 * loop, and the runtime's closing sequence ends the stream (the store's s2g push folded
 * into the last STORE, `nop ld` pushing ld->ex, a compute NOP popping both, `finish`).
 */
import { Rng } from './random-program';

export interface TvmShapeOptions {
  /** Number of blocks (default: random 1..6). */
  blocks?: number;
  /** Input blocks per output block (default: random 1..8). */
  k?: number;
  /** Unroll the block loop instead of writing `for`. */
  unroll?: boolean;
}

export function tvmShapedProgram(seed: number, opts: TvmShapeOptions = {}): string {
  const r = new Rng(seed);
  const N = opts.blocks ?? r.int(1, 6);
  const K = opts.k ?? r.int(1, 8);
  const unroll = opts.unroll ?? r.chance(0.5);
  const aluOps = ['max', 'min', 'add', 'shr'];
  const L: string[] = [];
  L.push(`; TVM-shaped program ${seed}: ${N} blocks of ${K}`, 'target default');
  L.push(`const K = ${K}`);
  L.push(`data x : inp[${N} * K] = random(seed=${r.int(0, 999)})`);
  L.push(`data w : wgt[${N} * K] = random(seed=${r.int(0, 999)})`);
  L.push(`data y : out[${N}]`);
  L.push('kernel g(row, ib, wb) { uop dst=row src=ib wgt=wb }');
  L.push('kernel a(row) { uop dst=row src=row }');
  L.push('');
  // Pre-seeded write-after-read credits for the two ACC halves.
  L.push('  nop st', '  push st->ex', '  nop st', '  push st->ex');
  const lastFolds = r.chance(0.5); // last block's STORE carries the runtime's closing push
  const blockLines = (
    j: number | string,
    when: (expr: string, test: (v: number) => boolean, lines: string[]) => string[],
  ): string[] => {
    const half = `(${j} % 2) * K`;
    const acc = `${j} % 2`;
    return [
      ...when(`${j} >= 2`, (v) => v >= 2, ['pop ex->ld']),
      `  load inp sram=${half} dram=x + ${j} * K y=1 x=K`,
      `  load wgt sram=${half} dram=w + ${j} * K y=1 x=K`,
      '  push ld->ex',
      '  pop st->ex',
      `  load uop g(${acc}, ${half}, ${half})`,
      `  load uop a(${acc})`,
      '  pop ld->ex',
      `  gemm g(${acc}, ${half}, ${half}) reset`,
      `  gemm g(${acc}, ${half}, ${half}) outer=K src_out=1 wgt_out=1`,
      ...when(`${j} + 2 < ${N}`, (v) => v + 2 < N, ['push ex->ld']),
      ...Array.from({ length: r.int(1, 2) }, () => `  alu ${r.pick(aluOps)} a(${acc}) imm=${r.int(0, 7)}`),
      '  push ex->st',
      '  pop ex->st',
      `  store out sram=${acc} dram=y + ${j} y=1 x=1`,
      ...(lastFolds ? when(`${j} + 1 < ${N}`, (v) => v + 1 < N, ['push st->ex']) : ['  push st->ex']),
    ];
  };
  if (unroll) {
    for (let j = 0; j < N; j++)
      L.push(...blockLines(j, (_e, test, lines) => (test(j) ? lines.map((s) => `  ${s}`) : [])));
  } else {
    L.push(`for j in 0..${N} {`);
    L.push(...blockLines('j', (e, _t, lines) => [`  if ${e} {`, ...lines.map((s) => `    ${s}`), '  }']));
    L.push('}');
  }
  // The credits: the loop consumed N and returned N (or N - 1); take back what is left.
  const left = lastFolds ? 1 : 2;
  for (let i = 0; i < left; i++) L.push('  pop st->ex');
  // The runtime's closing sequence (Synchronize): s2g push, l2g push, a compute NOP pops both.
  L.push('  push st->ex');
  L.push('  nop ld', '  push ld->ex');
  L.push('  pop ld->ex', '  pop st->ex', '  nop ex');
  L.push('  finish', '');
  return L.join('\n');
}
