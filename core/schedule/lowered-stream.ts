/**
 * A lowered schedule as a structure: the DRAM tensors, the micro-kernels (as loops of
 * linear index formulas) and the instruction stream with its push/pop lines, labels and
 * comments, in the order a `.vta` file would hold them.
 *
 * The lowering writes this once (lower-layer.ts). Two readers consume it:
 * lowered-program.ts builds the Program directly (what the checks and the timing model
 * run), and print-lowered.ts prints the `.vta` text a user reads or edits. A test holds
 * the two identical after assembly.
 */
import type { Insn, ModuleId, QueueId } from '../isa';
import { emptyInsn, MemType, moduleOf, Opcode } from '../isa';
import { instanceKey } from '../asm/kernels';

/** `c + Σ coef·variable`: a micro-op index as a kernel computes it. */
export interface Linear {
  c: number;
  terms: ReadonlyArray<readonly [coef: number, variable: string]>;
}

/** `kernel NAME(params) { for v in 0..n { … uop dst=… src=… wgt=… } }` */
export interface LoweredKernel {
  name: string;
  params: readonly string[];
  /** Loops, outermost first, each from 0. */
  loops: ReadonlyArray<readonly [variable: string, count: number]>;
  dst: Linear;
  src: Linear;
  /** Absent for kernels that read no weights (the row kernel of reset and ALU steps). */
  wgt?: Linear;
}

export interface LoweredTensor {
  name: string;
  mem: 'inp' | 'wgt' | 'out';
  count: number;
  /** Initial values: random with a seed (to run and compare), zeros, or none (an output). */
  init: { seed: number } | 'zeros' | undefined;
}

/** One layer's declarations: comment lines, then its tensors and kernels (indices into the stream's lists). */
export interface LoweredDecls {
  comments: string[];
  tensors: number[];
  kernels: number[];
}

/** A kernel with its arguments: `name(1, 0, 2)`. */
export interface KernelInstanceRef {
  kernel: number;
  args: readonly number[];
  /** `name(1, 0, 2)`, as the assembler names the instance. */
  key: string;
}

/**
 * An instruction of the stream. `insn` holds every field but those filled when the
 * program is laid out (dram_base: a tensor's base plus `offset`, or where a `load
 * uop`'s kernel instance is placed) and the dependency flags (folded from the push and
 * pop items). Building a Program fills them in place: the program takes the objects.
 */
export interface InsnItem {
  kind: 'insn';
  insn: Insn;
  module: ModuleId;
  /** LOAD/STORE of a tensor: its index, and the element offset in it. */
  tensor: number;
  offset: number;
  /** GEMM/ALU/LOAD UOP through a kernel instance: its index in `instances` (uop_bgn/uop_end, or the load's rows, already set). */
  instance: number;
  comment: string | undefined;
}

export type StreamItem =
  | InsnItem
  | { kind: 'push' | 'pop'; queue: QueueId; comment: string | undefined }
  | { kind: 'label'; name: string; comment: string | undefined }
  | { kind: 'comment'; text: string };

export interface LoweredStream {
  /** Comment lines at the top of the file. */
  header: string[];
  /** The `target` line's value. */
  targetSpec: string;
  tensors: LoweredTensor[];
  kernels: LoweredKernel[];
  instances: KernelInstanceRef[];
  decls: LoweredDecls[];
  items: StreamItem[];
  /** Names of the lowered layers. */
  layers: string[];
}

/** LOAD/STORE loop fields of a GEMM or ALU, by the operand names of `.vta`. */
export interface Loops {
  outer: number;
  inner: number;
  dstOut: number;
  dstIn: number;
  srcOut: number;
  srcIn: number;
  wgtOut?: number;
  wgtIn?: number;
}

/** Appends to a stream: the lowering's vocabulary, one method per kind of line. */
export class StreamWriter {
  constructor(readonly s: LoweredStream) {}

  tensor(t: LoweredTensor): number {
    return this.s.tensors.push(t) - 1;
  }

  kernel(k: LoweredKernel): number {
    return this.s.kernels.push(k) - 1;
  }

  /** The kernel with these arguments, named once for all the instructions that use it. */
  instance(kernel: number, args: readonly number[]): number {
    return (
      this.s.instances.push({ kernel, args, key: instanceKey(this.s.kernels[kernel]!.name, args as number[]) }) - 1
    );
  }

  comment(text: string): void {
    this.s.items.push({ kind: 'comment', text });
  }

  label(name: string, comment?: string): void {
    this.s.items.push({ kind: 'label', name, comment });
  }

  push(queue: QueueId, comment?: string): void {
    this.s.items.push({ kind: 'push', queue, comment });
  }

  pop(queue: QueueId, comment?: string): void {
    this.s.items.push({ kind: 'pop', queue, comment });
  }

  private insn(insn: Insn, tensor: number, offset: number, instance: number, comment?: string): void {
    this.s.items.push({ kind: 'insn', insn, module: moduleOf(insn), tensor, offset, instance, comment });
  }

  /** `nop ld|ex|st`: a zero-size LOAD INP, LOAD UOP or STORE. */
  nop(module: ModuleId): void {
    const insn = emptyInsn(module === 'st' ? Opcode.STORE : Opcode.LOAD);
    if (module === 'ld') insn.memory_type = MemType.INP;
    else if (module === 'ex') insn.memory_type = MemType.UOP;
    this.insn(insn, -1, 0, -1);
  }

  /** `load uop K(args) sram=S`: the kernel instance's `rows` micro-ops at UOP row `sram`. */
  loadUop(instance: number, sram: number, rows: number): void {
    const insn = emptyInsn(Opcode.LOAD);
    insn.memory_type = MemType.UOP;
    insn.sram_base = sram;
    insn.y_size = 1;
    insn.x_size = rows;
    insn.x_stride = rows;
    this.insn(insn, -1, 0, instance);
  }

  /** `load inp|wgt sram=S dram=T + offset y= x= stride= pad=T,B,L,R`. */
  load(
    mem: 'inp' | 'wgt',
    tensor: number,
    offset: number,
    sram: number,
    y: number,
    x: number,
    stride: number,
    pad?: readonly [number, number, number, number],
  ): void {
    const insn = emptyInsn(Opcode.LOAD);
    insn.memory_type = mem === 'inp' ? MemType.INP : MemType.WGT;
    this.transfer(insn, tensor, offset, sram, y, x, stride);
    if (pad) [insn.y_pad_0, insn.y_pad_1, insn.x_pad_0, insn.x_pad_1] = pad;
  }

  /** `store out sram=S dram=T + offset y= x= stride=`. */
  store(tensor: number, offset: number, sram: number, y: number, x: number, stride: number): void {
    const insn = emptyInsn(Opcode.STORE);
    insn.memory_type = MemType.OUT;
    this.transfer(insn, tensor, offset, sram, y, x, stride);
  }

  private transfer(
    insn: Insn,
    tensor: number,
    offset: number,
    sram: number,
    y: number,
    x: number,
    stride: number,
  ): void {
    insn.sram_base = sram;
    insn.y_size = y;
    insn.x_size = x;
    insn.x_stride = stride;
    this.insn(insn, tensor, offset, -1);
  }

  /** `gemm K(args) [reset] outer=… …` over the kernel instance loaded at UOP rows uop..uop+count. */
  gemm(instance: number, uop: number, count: number, reset: boolean, l: Loops): void {
    const insn = emptyInsn(Opcode.GEMM);
    insn.reset_reg = reset ? 1 : 0;
    this.compute(insn, instance, uop, count, l);
  }

  /** `alu OP K(args) imm=… outer=… …`. `opcode` is the ALU opcode (its index in ALU_OP_NAMES). */
  alu(opcode: number, instance: number, uop: number, count: number, imm: number, l: Loops): void {
    const insn = emptyInsn(Opcode.ALU);
    insn.alu_opcode = opcode;
    insn.use_imm = 1;
    insn.imm = imm;
    this.compute(insn, instance, uop, count, l);
  }

  private compute(insn: Insn, instance: number, uop: number, count: number, l: Loops): void {
    insn.uop_bgn = uop;
    insn.uop_end = uop + count;
    insn.iter_out = l.outer;
    insn.iter_in = l.inner;
    insn.dst_factor_out = l.dstOut;
    insn.dst_factor_in = l.dstIn;
    insn.src_factor_out = l.srcOut;
    insn.src_factor_in = l.srcIn;
    insn.wgt_factor_out = l.wgtOut ?? 0;
    insn.wgt_factor_in = l.wgtIn ?? 0;
    this.insn(insn, -1, 0, instance);
  }

  finish(): void {
    this.insn(emptyInsn(Opcode.FINISH), -1, 0, -1);
  }
}

/**
 * The micro-ops of a kernel's instances: the formulas read once into coefficients over
 * the parameters and loop variables, so that each instance is plain arithmetic.
 */
export function kernelExpander(
  k: LoweredKernel,
): (args: readonly number[]) => Array<{ dst: number; src: number; wgt: number }> {
  const vars = [...k.params, ...k.loops.map(([v]) => v)];
  const coefs = (f: Linear | undefined) => {
    const c = new Float64Array(vars.length);
    for (const [coef, name] of f?.terms ?? []) c[vars.indexOf(name)] += coef;
    return c;
  };
  const [cd, cs, cw] = [coefs(k.dst), coefs(k.src), coefs(k.wgt)];
  const [d0, s0, w0] = [k.dst.c, k.src.c, k.wgt?.c ?? 0];
  const np = k.params.length;
  const counts = k.loops.map(([, n]) => n);
  return (args) => {
    const out: Array<{ dst: number; src: number; wgt: number }> = [];
    // The parameters' part, then the loops odometer-style, innermost fastest.
    let dst = d0,
      src = s0,
      wgt = w0;
    for (let i = 0; i < np; i++) {
      dst += cd[i]! * args[i]!;
      src += cs[i]! * args[i]!;
      wgt += cw[i]! * args[i]!;
    }
    const idx = new Array<number>(counts.length).fill(0);
    if (counts.some((n) => n <= 0)) return out;
    for (;;) {
      let d = dst,
        s = src,
        w = wgt;
      for (let j = 0; j < idx.length; j++) {
        d += cd[np + j]! * idx[j]!;
        s += cs[np + j]! * idx[j]!;
        w += cw[np + j]! * idx[j]!;
      }
      out.push({ dst: d, src: s, wgt: w });
      let j = idx.length - 1;
      while (j >= 0 && ++idx[j]! === counts[j]!) idx[j--] = 0;
      if (j < 0) return out;
    }
  };
}
