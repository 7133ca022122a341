/**
 * A programmatic Program builder for tests, benchmarks and calibration programs
 * (the assembler builds Programs from text; this builds them from code). It lays
 * out DRAM tensors and micro-kernels in an image and folds `push`/`pop` into the
 * dependency flags as the assembly language does (vta-assembly.md): a pop goes on
 * the consumer module's next instruction, a push on the producer module's previous
 * one, and a NOP of that module carries it when there is none or its flag is taken.
 */
import type { DepFlag, Insn, ModuleId, QueueId, Uop, VtaTarget } from '../../core/isa';
import {
  AluOp,
  MemType,
  Opcode,
  defaultTarget,
  emptyInsn,
  encodeUop,
  moduleOf,
  popFlagFor,
  pushFlagFor,
  queueConsumer,
  queueProducer,
} from '../../core/isa';
import type { DataMem, Program, ProgramInsn, TensorPlacement, KernelPlacement } from '../../core/program/program';

export interface MemArgs {
  sram: number;
  dram: number;
  y?: number;
  x: number;
  stride?: number;
  /** top, bottom, left, right */
  pad?: [number, number, number, number];
}

export interface LoopArgs {
  uop: [number, number];
  outer?: number;
  inner?: number;
  dstOut?: number;
  dstIn?: number;
  srcOut?: number;
  srcIn?: number;
  wgtOut?: number;
  wgtIn?: number;
}

const MEM_NAMES: Record<number, DataMem> = {
  [MemType.INP]: 'inp',
  [MemType.WGT]: 'wgt',
  [MemType.ACC]: 'acc',
  [MemType.ACC_8BIT]: 'acc8',
  [MemType.OUT]: 'out',
  [MemType.UOP]: 'uop',
};

export class ProgramBuilder {
  private readonly insns: ProgramInsn[] = [];
  /** The DRAM image under construction: `imageLength` bytes of a buffer grown by doubling. */
  private image = new Uint8Array(256);
  private imageLength = 0;
  private readonly tensors: TensorPlacement[] = [];
  private readonly kernels: KernelPlacement[] = [];
  private readonly pendingPops: Record<ModuleId, Set<QueueId>> = { ld: new Set(), ex: new Set(), st: new Set() };
  private readonly lastOf: Partial<Record<ModuleId, number>> = {};
  /** Label for the next instruction; its source line is the instruction count so far (handy in messages). */
  private nextLabel?: string;

  constructor(
    readonly target: VtaTarget = defaultTarget(),
    readonly file = 'built.vta',
  ) {}

  /** Appends bytes to the DRAM image at an offset aligned to `align`; returns the byte offset. */
  private place(bytes: Uint8Array, align: number): number {
    const at = Math.ceil(this.imageLength / align) * align;
    const end = at + bytes.length;
    if (end > this.image.length) {
      const next = new Uint8Array(Math.max(end, this.image.length * 2));
      next.set(this.image.subarray(0, this.imageLength));
      this.image = next;
    }
    this.image.set(bytes, at);
    this.imageLength = end;
    return at;
  }

  /**
   * A DRAM tensor of `count` elements of memory type `mem`; returns its dram_base in
   * elements. `init` gives its bytes (zeros when absent).
   */
  data(name: string, mem: number, count: number, init?: Uint8Array): number {
    const eb = this.target.elemBytes[mem]!;
    const bytes = new Uint8Array(count * eb);
    if (init) bytes.set(init.subarray(0, bytes.length));
    const at = this.place(bytes, eb);
    this.tensors.push({ name, mem: MEM_NAMES[mem]!, count, byteOffset: at, elemBytes: eb });
    return at / eb;
  }

  /** Micro-ops placed in the image; returns their dram_base in uop units. */
  uops(name: string, list: Uop[]): number {
    const bytes = new Uint8Array(list.length * 4);
    list.forEach((u, k) => encodeUop(this.target, u, bytes, k * 4));
    const at = this.place(bytes, 4);
    this.kernels.push({ name, uops: list.length, byteOffset: at });
    return at / 4;
  }

  label(name: string): this {
    this.nextLabel = name;
    return this;
  }

  /** Appends any instruction (fields not given are 0), applying pending pops of its module. */
  raw(fields: Partial<Insn> & { opcode: number }): number {
    const insn = { ...emptyInsn(fields.opcode as never), ...fields } as Insn;
    const module = moduleOf(insn);
    for (const q of this.pendingPops[module]) insn[popFlagFor(q)] = 1;
    this.pendingPops[module].clear();
    return this.append(insn, 'written');
  }

  private append(insn: Insn, origin: ProgramInsn['origin']): number {
    const index = this.insns.length;
    const module = moduleOf(insn);
    const pi: ProgramInsn = {
      insn,
      module,
      origin,
      source: { file: this.file, start: { line: index, character: 0 }, end: { line: index, character: 1 } },
    };
    if (this.nextLabel) {
      pi.label = this.nextLabel;
      this.nextLabel = undefined;
    }
    this.insns.push(pi);
    this.lastOf[module] = index;
    return index;
  }

  private mem(opcode: number, memType: number, a: MemArgs): number {
    const [t, b, l, r] = a.pad ?? [0, 0, 0, 0];
    return this.raw({
      opcode,
      memory_type: memType,
      sram_base: a.sram,
      dram_base: a.dram,
      y_size: a.y ?? 1,
      x_size: a.x,
      x_stride: a.stride ?? a.x,
      y_pad_0: t,
      y_pad_1: b,
      x_pad_0: l,
      x_pad_1: r,
    });
  }

  load(memType: number, a: MemArgs): number {
    return this.mem(Opcode.LOAD, memType, a);
  }

  store(a: Omit<MemArgs, 'pad'>): number {
    return this.mem(Opcode.STORE, MemType.OUT, a);
  }

  private loop(l: LoopArgs) {
    return {
      uop_bgn: l.uop[0],
      uop_end: l.uop[1],
      iter_out: l.outer ?? 1,
      iter_in: l.inner ?? 1,
      dst_factor_out: l.dstOut ?? 0,
      dst_factor_in: l.dstIn ?? 0,
      src_factor_out: l.srcOut ?? 0,
      src_factor_in: l.srcIn ?? 0,
    };
  }

  gemm(l: LoopArgs & { reset?: boolean }): number {
    return this.raw({
      opcode: Opcode.GEMM,
      reset_reg: l.reset ? 1 : 0,
      ...this.loop(l),
      wgt_factor_out: l.wgtOut ?? 0,
      wgt_factor_in: l.wgtIn ?? 0,
    });
  }

  alu(op: keyof typeof AluOp, l: LoopArgs & { imm?: number }): number {
    return this.raw({
      opcode: Opcode.ALU,
      alu_opcode: AluOp[op],
      use_imm: l.imm === undefined ? 0 : 1,
      imm: l.imm ?? 0,
      ...this.loop(l),
    });
  }

  finish(): number {
    return this.raw({ opcode: Opcode.FINISH });
  }

  /** A zero-size instruction of a module, encoded as VTA's runtime does. */
  nop(module: ModuleId): number {
    if (module === 'st') return this.raw({ opcode: Opcode.STORE, memory_type: MemType.UOP });
    return this.raw({ opcode: Opcode.LOAD, memory_type: module === 'ld' ? MemType.INP : MemType.UOP });
  }

  pop(q: QueueId): this {
    const m = queueConsumer(q);
    if (this.pendingPops[m].has(q)) this.nop(m);
    this.pendingPops[m].add(q);
    return this;
  }

  push(q: QueueId): this {
    const m = queueProducer(q);
    const flag: DepFlag = pushFlagFor(q);
    const last = this.lastOf[m];
    if (last !== undefined && !this.insns[last]!.insn[flag]) this.insns[last]!.insn[flag] = 1;
    else {
      const i = this.nop(m);
      this.insns[i]!.insn[flag] = 1;
      this.insns[i]!.origin = 'token-nop';
    }
    return this;
  }

  get length(): number {
    return this.insns.length;
  }

  build(): Program {
    for (const m of ['ld', 'ex', 'st'] as const) if (this.pendingPops[m].size) this.nop(m);
    const dram = this.image.slice(0, this.imageLength);
    return {
      target: this.target,
      insns: this.insns,
      dram,
      layout: { tensors: this.tensors, kernels: this.kernels, bytes: dram.length },
    };
  }
}

/** Bytes of int32 values, little-endian. */
export function int32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}

/** Bytes of int8 values. */
export function int8Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Int8Array.from(values).buffer);
}
