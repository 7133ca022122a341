/**
 * The data tensors a disassembly declares: every DRAM range that a LOAD or STORE
 * touches, with overlapping ranges (strided, padded, 2-D or simply overlapping
 * accesses, of any memory types) merged into one tensor, so that every access lies
 * inside the tensor that holds its first byte — which is what the DRAM bounds
 * check asks of a program.
 */
import type { Insn, VtaTarget } from '../isa';
import { MemType, Opcode, UOP_BYTES } from '../isa';

/** The `.vta` word of each memory type that data can have. */
export const DATA_MEM_WORD: Record<number, string> = {
  [MemType.INP]: 'inp',
  [MemType.WGT]: 'wgt',
  [MemType.ACC]: 'acc',
  [MemType.ACC_8BIT]: 'acc8',
  [MemType.OUT]: 'out',
};

export interface DataRegion {
  name: string;
  /** The `.vta` memory word of the tensor (the type of its smallest-element access). */
  mem: string;
  elemBytes: number;
  byteStart: number;
  /** Elements of `mem`. */
  count: number;
}

interface Access {
  index: number;
  mem: string;
  elemBytes: number;
  start: number;
  end: number;
}

/** The DRAM bytes a LOAD/STORE moves, or undefined for NOPs, micro-op loads and unknown memory types. */
function accessOf(t: VtaTarget, insn: Insn, index: number): Access | undefined {
  if ((insn.opcode !== Opcode.LOAD && insn.opcode !== Opcode.STORE) || insn.x_size === 0 || insn.y_size === 0)
    return undefined;
  const type = insn.opcode === Opcode.STORE ? MemType.OUT : insn.memory_type;
  if (insn.opcode === Opcode.STORE && insn.memory_type !== MemType.OUT) return undefined;
  const mem = DATA_MEM_WORD[type];
  const elemBytes = t.elemBytes[type];
  if (!mem || !elemBytes) return undefined;
  const elems = (insn.y_size - 1) * insn.x_stride + insn.x_size;
  return { index, mem, elemBytes, start: insn.dram_base * elemBytes, end: (insn.dram_base + elems) * elemBytes };
}

/**
 * The bytes a LOAD UOP reads, widened to whole elements of the data type with the
 * smallest element, so that a zero-filled tensor can stand for micro-ops nobody listed.
 */
function uopAccessOf(t: VtaTarget, insn: Insn, index: number): Access {
  const type = [MemType.INP, MemType.OUT, MemType.ACC_8BIT].reduce((m, x) =>
    (t.elemBytes[x] ?? Infinity) < (t.elemBytes[m] ?? Infinity) ? x : m,
  );
  const elemBytes = t.elemBytes[type]!;
  const elems = (insn.y_size - 1) * insn.x_stride + insn.x_size;
  const start = Math.floor((insn.dram_base * UOP_BYTES) / elemBytes) * elemBytes;
  const end = Math.ceil(((insn.dram_base + elems) * UOP_BYTES) / elemBytes) * elemBytes;
  return { index, mem: DATA_MEM_WORD[type]!, elemBytes, start, end };
}

export class DataRegions {
  /** In order of first use. */
  readonly list: DataRegion[] = [];
  /** Instructions whose access runs past `limitBytes`: they get no tensor. */
  readonly beyond: number[] = [];
  private readonly regionOf = new Map<number, DataRegion>();

  /**
   * `limitBytes`: accesses that run past it (the end of a given image) get no
   * tensor; they stay numeric and the checks report them as they would on the stream.
   * `rawUopLoads`: LOAD UOPs (by index) whose micro-ops a zero-filled tensor stands for.
   */
  constructor(
    private readonly t: VtaTarget,
    insns: readonly Insn[],
    limitBytes = Infinity,
    rawUopLoads: readonly number[] = [],
  ) {
    const accesses: Access[] = [];
    const raw = new Set(rawUopLoads);
    insns.forEach((insn, i) => {
      const a = raw.has(i) ? uopAccessOf(t, insn, i) : accessOf(t, insn, i);
      if (a && a.end <= limitBytes) accesses.push(a);
      else if (a) this.beyond.push(i);
    });
    // Merge overlapping byte ranges; element sizes are powers of two, so the smallest
    // one among a cluster's accesses divides every boundary in it.
    const sorted = [...accesses].sort((a, b) => a.start - b.start || a.index - b.index);
    const clusters: Access[][] = [];
    let end = -1;
    for (const a of sorted) {
      if (a.start < end) clusters[clusters.length - 1]!.push(a);
      else clusters.push([a]);
      end = Math.max(end, a.end);
    }
    // (Loops rather than Math.min(...list): a cluster can hold a million accesses.)
    const firstUse = (c: Access[]) => c.reduce((m, a) => Math.min(m, a.index), Infinity);
    clusters.sort((a, b) => firstUse(a) - firstUse(b));
    const counters: Record<string, number> = {};
    for (const c of clusters) {
      // The smallest element; among equals, the access that comes first in the stream.
      const unit = c.reduce((m, a) =>
        a.elemBytes < m.elemBytes || (a.elemBytes === m.elemBytes && a.index < m.index) ? a : m,
      );
      const start = c[0]!.start;
      const stop = c.reduce((m, a) => Math.max(m, a.end), 0);
      const n = counters[unit.mem] ?? 0;
      counters[unit.mem] = n + 1;
      const region: DataRegion = {
        name: `${unit.mem}${n}`,
        mem: unit.mem,
        elemBytes: unit.elemBytes,
        byteStart: start,
        count: (stop - start) / unit.elemBytes,
      };
      this.list.push(region);
      for (const a of c) this.regionOf.set(a.index, region);
    }
  }

  /** The `dram=` operand of instruction `index`: its tensor's name (plus an offset) or a number. */
  operand(insn: Insn, index: number): string {
    const r = this.regionOf.get(index);
    const a = accessOf(this.t, insn, index);
    if (!r || !a || a.mem !== r.mem) return String(insn.dram_base);
    const off = (a.start - r.byteStart) / r.elemBytes;
    return off ? `${r.name} + ${off}` : r.name;
  }
}
