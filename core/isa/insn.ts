/**
 * Decoded instructions and micro-ops, and their 128-bit / 32-bit encodings, all
 * driven by the field tables.
 */
import type { VtaTarget } from './config';
import { MemType } from './config';
import type { FieldName, InsnKind, Layout, OpcodeId } from './fields';
import { Opcode, layoutsFor, uopLayoutFor } from './fields';

export const INSN_BYTES = 16;
export const UOP_BYTES = 4;

/**
 * One task-level instruction with every field of every kind (unused ones are 0),
 * so that all instructions share one object shape.
 */
export type Insn = Record<FieldName, number>;

export function emptyInsn(opcode: OpcodeId): Insn {
  return {
    opcode, pop_prev_dep: 0, pop_next_dep: 0, push_prev_dep: 0, push_next_dep: 0,
    memory_type: 0, sram_base: 0, dram_base: 0, y_size: 0, x_size: 0, x_stride: 0,
    y_pad_0: 0, y_pad_1: 0, x_pad_0: 0, x_pad_1: 0,
    reset_reg: 0, uop_bgn: 0, uop_end: 0, iter_out: 0, iter_in: 0,
    dst_factor_out: 0, dst_factor_in: 0, src_factor_out: 0, src_factor_in: 0,
    wgt_factor_out: 0, wgt_factor_in: 0, alu_opcode: 0, use_imm: 0, imm: 0,
  };
}

export function kindOfOpcode(opcode: number): InsnKind | undefined {
  switch (opcode) {
    case Opcode.LOAD:
    case Opcode.STORE:
      return 'mem';
    case Opcode.GEMM:
      return 'gemm';
    case Opcode.ALU:
      return 'alu';
    case Opcode.FINISH:
      return 'finish';
    default:
      return undefined;
  }
}

export interface Uop {
  dst: number;
  src: number;
  wgt: number;
}

// --- bit packing over 32-bit little-endian words -------------------------------

function readBits(bytes: Uint8Array, base: number, offset: number, width: number): number {
  let value = 0;
  let scale = 1;
  let done = 0;
  while (done < width) {
    const bit = offset + done;
    const byte = bytes[base + (bit >> 3)]!;
    const shift = bit & 7;
    const take = Math.min(8 - shift, width - done);
    const chunk = (byte >> shift) & ((1 << take) - 1);
    value += chunk * scale;
    scale *= 2 ** take;
    done += take;
  }
  return value;
}

function writeBits(bytes: Uint8Array, base: number, offset: number, width: number, value: number): void {
  let rest = value;
  let done = 0;
  while (done < width) {
    const bit = offset + done;
    const idx = base + (bit >> 3);
    const shift = bit & 7;
    const take = Math.min(8 - shift, width - done);
    const mask = (1 << take) - 1;
    const chunk = rest % (1 << take);
    bytes[idx] = (bytes[idx]! & ~(mask << shift)) | (chunk << shift);
    rest = Math.floor(rest / (1 << take));
    done += take;
  }
}

export class EncodeError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'EncodeError';
  }
}

/** The field value as stored: two's complement for signed fields. */
function storedValue(value: number, width: number, signed: boolean, field: string): number {
  if (!Number.isInteger(value)) throw new EncodeError(`${field} = ${value} is not an integer`, field);
  if (signed) {
    const min = -(2 ** (width - 1));
    const max = 2 ** (width - 1) - 1;
    if (value < min || value > max) throw new EncodeError(`${field} = ${value} does not fit ${width} signed bits [${min}, ${max}]`, field);
    return value < 0 ? value + 2 ** width : value;
  }
  const max = 2 ** width - 1;
  if (value < 0 || value > max) throw new EncodeError(`${field} = ${value} does not fit ${width} bits [0, ${max}]`, field);
  return value;
}

export function layoutOfInsn(t: VtaTarget, insn: Insn): Layout {
  const kind = kindOfOpcode(insn.opcode);
  if (!kind) throw new EncodeError(`unknown opcode ${insn.opcode}`, 'opcode');
  return layoutsFor(t)[kind];
}

/** Writes one instruction's 16 bytes at `base`. Throws EncodeError on a field that does not fit. */
export function encodeInsn(t: VtaTarget, insn: Insn, out: Uint8Array, base = 0): void {
  const layout = layoutOfInsn(t, insn);
  out.fill(0, base, base + INSN_BYTES);
  for (const f of layout.fields) {
    writeBits(out, base, f.offset, f.width, storedValue(insn[f.name], f.width, f.signed, f.name));
  }
}

export function encodeProgram(t: VtaTarget, insns: readonly Insn[]): Uint8Array {
  const out = new Uint8Array(insns.length * INSN_BYTES);
  insns.forEach((insn, i) => encodeInsn(t, insn, out, i * INSN_BYTES));
  return out;
}

export interface DecodedInsn {
  insn: Insn;
  /** Set when the opcode is 5–7: the remaining fields are left 0. */
  unknownOpcode?: boolean;
  /** Bits outside every field of the layout that are not zero ("should be zero"). */
  strayBits: boolean;
}

/** Decodes the instruction at `base`. Never throws on bad content; reports it instead. */
export function decodeInsn(t: VtaTarget, bytes: Uint8Array, base = 0): DecodedInsn {
  const opcode = readBits(bytes, base, 0, 3);
  const kind = kindOfOpcode(opcode);
  const insn = emptyInsn(opcode as OpcodeId);
  if (!kind) return { insn, unknownOpcode: true, strayBits: false };
  const layout = layoutsFor(t)[kind];
  const used = new Uint8Array(INSN_BYTES);
  for (const f of layout.fields) {
    let v = readBits(bytes, base, f.offset, f.width);
    if (f.signed && v >= 2 ** (f.width - 1)) v -= 2 ** f.width;
    insn[f.name] = v;
    writeBits(used, 0, f.offset, f.width, 2 ** f.width - 1);
  }
  let strayBits = false;
  for (let i = 0; i < INSN_BYTES; i++) if ((bytes[base + i]! & ~used[i]!) !== 0) strayBits = true;
  return { insn, strayBits };
}

export function encodeUop(t: VtaTarget, u: Uop, out: Uint8Array, base = 0): void {
  const l = uopLayoutFor(t);
  out.fill(0, base, base + UOP_BYTES);
  writeBits(out, base, l.dst.offset, l.dst.width, storedValue(u.dst, l.dst.width, false, 'dst_idx'));
  writeBits(out, base, l.src.offset, l.src.width, storedValue(u.src, l.src.width, false, 'src_idx'));
  writeBits(out, base, l.wgt.offset, l.wgt.width, storedValue(u.wgt, l.wgt.width, false, 'wgt_idx'));
}

export function decodeUop(t: VtaTarget, bytes: Uint8Array, base = 0): Uop {
  const l = uopLayoutFor(t);
  return {
    dst: readBits(bytes, base, l.dst.offset, l.dst.width),
    src: readBits(bytes, base, l.src.offset, l.src.width),
    wgt: readBits(bytes, base, l.wgt.offset, l.wgt.width),
  };
}

// --- modules and dependency queues (vta-isa.md §3) ----------------------------

export type ModuleId = 'ld' | 'ex' | 'st';
export const MODULES: readonly ModuleId[] = ['ld', 'ex', 'st'];
export const MODULE_NAMES: Record<ModuleId, string> = { ld: 'load', ex: 'compute', st: 'store' };

/** Which module runs an instruction (vta-isa.md §3.1). */
export function moduleOf(insn: Insn): ModuleId {
  if (insn.opcode === Opcode.STORE) return 'st';
  if (insn.opcode === Opcode.LOAD && (insn.memory_type === MemType.INP || insn.memory_type === MemType.WGT)) return 'ld';
  return 'ex';
}

export type QueueId = 'ld->ex' | 'ex->ld' | 'ex->st' | 'st->ex';
export const QUEUES: readonly QueueId[] = ['ld->ex', 'ex->ld', 'ex->st', 'st->ex'];
/** The runtime's names for the queues (l2g: load to "gemm" = compute, …). */
export const QUEUE_RUNTIME_NAMES: Record<QueueId, string> = {
  'ld->ex': 'l2g', 'ex->ld': 'g2l', 'ex->st': 'g2s', 'st->ex': 's2g',
};
export const queueProducer = (q: QueueId): ModuleId => q.slice(0, 2) as ModuleId;
export const queueConsumer = (q: QueueId): ModuleId => q.slice(4) as ModuleId;

export type DepFlag = 'pop_prev_dep' | 'pop_next_dep' | 'push_prev_dep' | 'push_next_dep';

/**
 * The flag that pops (on the consumer) or pushes (on the producer) queue `q`
 * (vta-isa.md §3.2: "prev"/"next" relative to the order load, compute, store).
 */
export function popFlagFor(q: QueueId): DepFlag {
  return q === 'ld->ex' || q === 'ex->st' ? 'pop_prev_dep' : 'pop_next_dep';
}
export function pushFlagFor(q: QueueId): DepFlag {
  return q === 'ld->ex' || q === 'ex->st' ? 'push_next_dep' : 'push_prev_dep';
}

/** The queue a flag addresses on a module; undefined for the illegal combinations. */
export function queueOfFlag(module: ModuleId, flag: DepFlag): QueueId | undefined {
  switch (module) {
    case 'ld':
      return flag === 'pop_next_dep' ? 'ex->ld' : flag === 'push_next_dep' ? 'ld->ex' : undefined;
    case 'ex':
      return ({ pop_prev_dep: 'ld->ex', pop_next_dep: 'st->ex', push_prev_dep: 'ex->ld', push_next_dep: 'ex->st' } as const)[flag];
    case 'st':
      return flag === 'pop_prev_dep' ? 'ex->st' : flag === 'push_prev_dep' ? 'st->ex' : undefined;
  }
}

/** Queues an instruction pops before it starts and pushes after it completes. */
export function tokenUse(insn: Insn): { module: ModuleId; pops: QueueId[]; pushes: QueueId[]; illegal: DepFlag[] } {
  const module = moduleOf(insn);
  const pops: QueueId[] = [];
  const pushes: QueueId[] = [];
  const illegal: DepFlag[] = [];
  for (const flag of ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'] as const) {
    if (!insn[flag]) continue;
    const q = queueOfFlag(module, flag);
    if (!q) illegal.push(flag);
    else if (flag.startsWith('pop')) pops.push(q);
    else pushes.push(q);
  }
  return { module, pops, pushes, illegal };
}

/** A LOAD/STORE with x_size 0 moves no data: a NOP that only carries tokens. */
export function isNop(insn: Insn): boolean {
  return (insn.opcode === Opcode.LOAD || insn.opcode === Opcode.STORE) && insn.x_size === 0;
}
