/**
 * What the simulator view should show, computed independently of the view's code:
 * instructions per module from the assembled program, and peak live rows per buffer
 * from the program's own fields (LOAD/STORE ranges, GEMM/ALU loop nests over the
 * micro-ops the program loaded), timed by a Node-side run of core/sim.
 */
import { assembleText } from '../../core/asm';
import { decodeUop, MemType, Opcode, isNop } from '../../core/isa';
import type { Program } from '../../core/program/program';
import { simGeometry, Simulator } from '../../core/sim';

export function assemble(text: string, file: string): Program {
  const r = assembleText(text, { file });
  if (!r.program || r.diagnostics.some((d) => d.severity === 'error')) throw new Error(`${file} does not assemble`);
  return r.program;
}

export function barsPerModule(p: Program): Record<'ld' | 'ex' | 'st', number> {
  const n = { ld: 0, ex: 0, st: 0 };
  for (const pi of p.insns) n[pi.module]++;
  return n;
}

type Buf = 'inp' | 'wgt' | 'acc' | 'uop';

/** Peak rows live at once per buffer: a row is live from its write until the end of the last read of that value. */
export function expectedPeaks(p: Program): Record<Buf, number> {
  const sim = new Simulator(p, { mode: 'timing', snapshots: false });
  sim.run();
  const times = new Map<number, { start: number; end: number }>();
  for (const r of sim.trace().insns) times.set(r.index, { start: r.start, end: r.end });
  const g = simGeometry(p.target);
  const depth: Record<Buf, number> = { inp: g.inpDepth, wgt: g.wgtDepth, acc: g.accDepth, uop: g.uopDepth };
  const uopMem: Array<{ dst: number; src: number; wgt: number }> = [];
  type Acc = { buf: Buf; kind: 'w' | 'r' | 'u'; rows: number[]; start: number; end: number };
  const accesses: Acc[] = [];
  const range = (lo: number, n: number) => Array.from({ length: n }, (_, k) => lo + k);
  // Program order per module is start order; sort all accesses by start at the end.
  p.insns.forEach((pi, i) => {
    const t = times.get(i);
    if (!t) return;
    const f = pi.insn;
    const add = (buf: Buf, kind: Acc['kind'], rows: number[]) => {
      if (rows.length) accesses.push({ buf, kind, rows, start: t.start, end: t.end });
    };
    if (f.opcode === Opcode.LOAD && !isNop(f)) {
      const X = f.x_pad_0 + f.x_size + f.x_pad_1,
        Y = f.y_pad_0 + f.y_size + f.y_pad_1;
      const buf: Buf | undefined =
        f.memory_type === MemType.INP
          ? 'inp'
          : f.memory_type === MemType.WGT
            ? 'wgt'
            : f.memory_type === MemType.UOP
              ? 'uop'
              : f.memory_type === MemType.ACC || f.memory_type === MemType.ACC_8BIT
                ? 'acc'
                : undefined;
      if (!buf) return;
      add(buf, 'w', range(f.sram_base, X * Y));
      if (buf === 'uop') {
        for (let y = 0; y < f.y_size; y++)
          for (let x = 0; x < f.x_size; x++) {
            uopMem[f.sram_base + (y + f.y_pad_0) * X + x + f.x_pad_0] = decodeUop(
              p.target,
              p.dram,
              (f.dram_base + y * f.x_stride + x) * 4,
            );
          }
      }
    } else if (f.opcode === Opcode.STORE && !isNop(f)) {
      add('acc', 'r', range(f.sram_base, f.x_size * f.y_size));
    } else if (f.opcode === Opcode.GEMM || f.opcode === Opcode.ALU) {
      if (f.uop_end <= f.uop_bgn) return;
      add('uop', 'r', range(f.uop_bgn, f.uop_end - f.uop_bgn));
      const dst = new Set<number>(),
        src = new Set<number>(),
        wgt = new Set<number>();
      for (let o = 0; o < f.iter_out; o++)
        for (let n = 0; n < f.iter_in; n++)
          for (let u = f.uop_bgn; u < f.uop_end; u++) {
            const m = uopMem[u] ?? { dst: 0, src: 0, wgt: 0 };
            dst.add(m.dst + o * f.dst_factor_out + n * f.dst_factor_in);
            src.add(m.src + o * f.src_factor_out + n * f.src_factor_in);
            if (f.opcode === Opcode.GEMM) wgt.add(m.wgt + o * f.wgt_factor_out + n * f.wgt_factor_in);
          }
      // Hulls, as the simulator's trace records them.
      const hull = (s: Set<number>) => (s.size ? range(Math.min(...s), Math.max(...s) - Math.min(...s) + 1) : []);
      if (f.opcode === Opcode.GEMM) {
        if (f.reset_reg) add('acc', 'w', hull(dst));
        else {
          add('inp', 'r', hull(src));
          add('wgt', 'r', hull(wgt));
          add('acc', 'u', hull(dst));
        }
      } else {
        if (!f.use_imm) add('acc', 'r', hull(src));
        add('acc', 'u', hull(dst));
      }
    }
  });
  accesses.sort((a, b) => a.start - b.start);
  const out = {} as Record<Buf, number>;
  for (const buf of ['inp', 'wgt', 'acc', 'uop'] as Buf[]) {
    const intervals: Array<[number, number]> = [];
    const open = new Map<number, [number, number]>();
    const close = (r: number) => {
      const v = open.get(r);
      if (v && v[1] > v[0]) intervals.push(v);
      open.delete(r);
    };
    for (const a of accesses) {
      if (a.buf !== buf) continue;
      for (const r of a.rows) {
        if (r >= depth[buf]) continue;
        const v = open.get(r);
        if (a.kind === 'w') {
          close(r);
          open.set(r, [a.start, -1]);
        } else if (a.kind === 'r') {
          if (v) v[1] = Math.max(v[1], a.end);
        } else if (v) v[1] = Math.max(v[1], a.end);
        else open.set(r, [a.start, a.end]);
      }
    }
    for (const r of [...open.keys()]) close(r);
    const ev = intervals
      .flatMap(
        ([s, e]) =>
          [
            [s, 1],
            [e, -1],
          ] as Array<[number, number]>,
      )
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let cur = 0,
      peak = 0;
    for (const [, d] of ev) {
      cur += d;
      peak = Math.max(peak, cur);
    }
    out[buf] = peak;
  }
  return out;
}
