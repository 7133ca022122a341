/**
 * A generator of random valid `.vta` programs with correct token protocols: blocks of
 * load → compute → store, optionally double-buffered across two halves of the INP
 * and WGT buffers with ex->ld tokens, like TVM's virtual threads. Text for the
 * language front end (parser, assembler, checks, the language server); the
 * simulator's property tests take random-built-program.ts, which reaches every
 * opcode but does not check clean.
 */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 2654435761) >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.next() % xs.length]!;
  }
  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }
}

export function randomProgram(seed: number): string {
  const r = new Rng(seed);
  const blocks = r.int(1, 5);
  const doubleBuffer = blocks > 1 && r.chance(0.5);
  const K = r.int(1, 8); // input blocks per output block
  const L: string[] = [];
  L.push(`; random program ${seed}`, 'target default');
  if (r.chance(0.5)) L.push(`const K = ${K}`);
  const k = L.includes(`const K = ${K}`) ? 'K' : String(K);
  L.push(`data x : inp[${K}] = random(seed=${r.int(0, 1000)})`);
  L.push(`data w : wgt[${blocks} * ${k}] = random(seed=${r.int(0, 1000)})`);
  L.push(`data bias : acc[${blocks}] = [${Array.from({ length: r.int(0, 16) }, () => r.int(-1000, 1000)).join(', ')}]`);
  L.push(`data y : out[${blocks}]`);
  L.push('kernel g(row, wb) { uop dst=row src=0 wgt=wb }');
  L.push('kernel a(row) { uop dst=row src=row }');
  if (r.chance(0.3)) L.push('kernel two { for i in 0..2 { uop dst=i src=i } }');
  L.push('');
  L.push(`  load inp sram=0 dram=x y=1 x=${k}${r.chance(0.3) ? ' pad=0,0,0,0' : ''}`);
  const useLoop = r.chance(0.5);
  const body = (j: string, jv: number | undefined): string[] => {
    const b: string[] = [];
    const half = doubleBuffer ? `(${j} % 2) * ${k}` : '0';
    // The WGT half (or the single buffer) is free once the GEMMs that read it are done.
    const lag = doubleBuffer ? 2 : 1;
    if (jv === undefined) b.push(`  if ${j} >= ${lag} {`, '    pop ex->ld', '  }');
    else if (jv >= lag) b.push('  pop ex->ld');
    b.push(`  load wgt sram=${half} dram=w + ${j} * ${k} y=1 x=${k}`);
    b.push('  push ld->ex');
    b.push(`  load uop g(${j}, ${half})`);
    b.push(`  load uop a(${j})`);
    if (r.chance(0.5)) {
      b.push(`  load acc sram=${j} dram=bias + ${j} y=1 x=1`);
      b.push('  pop ld->ex');
      b.push(`  gemm g(${j}, ${half}) outer=${k} src_out=1 wgt_out=1`);
    } else {
      b.push('  pop ld->ex');
      b.push(`  gemm g(${j}, ${half}) reset`);
      b.push(`  gemm g(${j}, ${half}) outer=${k} src_out=1 wgt_out=1`);
    }
    if (jv === undefined) b.push(`  if ${j} + ${lag} < ${blocks} {`, '    push ex->ld', '  }');
    else if (jv + lag < blocks) b.push('  push ex->ld');
    const ops = ['max', 'min', 'add', 'shr', 'mul'];
    for (let i = r.int(1, 3); i > 0; i--) {
      const op = r.pick(ops);
      const imm = op === 'shr' ? r.int(-4, 8) : r.int(-300, 300);
      b.push(`  alu ${op} a(${j}) imm=${imm}`);
    }
    b.push('  push ex->st');
    b.push('  pop ex->st');
    b.push(`  store out sram=${j} dram=y + ${j} y=1 x=1`);
    return b;
  };
  if (useLoop) {
    L.push(`for j in 0..${blocks} {`, ...body('j', undefined), '}');
  } else {
    for (let j = 0; j < blocks; j++) L.push(...body(String(j), j).map((s) => s.replace(/\b0 \* /g, '0 * ')));
  }
  if (r.chance(0.3)) L.push('  nop ld');
  L.push('  push st->ex', '  pop st->ex', 'done:', '  finish', '');
  return L.join('\n');
}
