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
    opcode,
    pop_prev_dep: 0,
    pop_next_dep: 0,
    push_prev_dep: 0,
    push_next_dep: 0,
    memory_type: 0,
    sram_base: 0,
    dram_base: 0,
    y_size: 0,
    x_size: 0,
    x_stride: 0,
    y_pad_0: 0,
    y_pad_1: 0,
    x_pad_0: 0,
    x_pad_1: 0,
    reset_reg: 0,
    uop_bgn: 0,
    uop_end: 0,
    iter_out: 0,
    iter_in: 0,
    dst_factor_out: 0,
    dst_factor_in: 0,
    src_factor_out: 0,
    src_factor_in: 0,
    wgt_factor_out: 0,
    wgt_factor_in: 0,
    alu_opcode: 0,
    use_imm: 0,
    imm: 0,
  };
}

/**
 * Every field, numbered in the order of `emptyInsn`: `fieldAt(insn, k)` reads
 * `insn[FIELD_NAMES[k]]`. Loops over a layout's fields use these instead of
 * `insn[name]`, a property access by a varying name that is many times slower.
 */
export const FIELD_NAMES: readonly FieldName[] = Object.keys(emptyInsn(0 as OpcodeId)) as FieldName[];

/** The number of a field in FIELD_NAMES. */
export function fieldIndex(name: FieldName): number {
  return FIELD_NAMES.indexOf(name);
}

/** `insn[FIELD_NAMES[k]]`, each case a fixed property name. */
export function fieldAt(insn: Insn, k: number): number {
  switch (k) {
    case 0:
      return insn.opcode;
    case 1:
      return insn.pop_prev_dep;
    case 2:
      return insn.pop_next_dep;
    case 3:
      return insn.push_prev_dep;
    case 4:
      return insn.push_next_dep;
    case 5:
      return insn.memory_type;
    case 6:
      return insn.sram_base;
    case 7:
      return insn.dram_base;
    case 8:
      return insn.y_size;
    case 9:
      return insn.x_size;
    case 10:
      return insn.x_stride;
    case 11:
      return insn.y_pad_0;
    case 12:
      return insn.y_pad_1;
    case 13:
      return insn.x_pad_0;
    case 14:
      return insn.x_pad_1;
    case 15:
      return insn.reset_reg;
    case 16:
      return insn.uop_bgn;
    case 17:
      return insn.uop_end;
    case 18:
      return insn.iter_out;
    case 19:
      return insn.iter_in;
    case 20:
      return insn.dst_factor_out;
    case 21:
      return insn.dst_factor_in;
    case 22:
      return insn.src_factor_out;
    case 23:
      return insn.src_factor_in;
    case 24:
      return insn.wgt_factor_out;
    case 25:
      return insn.wgt_factor_in;
    case 26:
      return insn.alu_opcode;
    case 27:
      return insn.use_imm;
    default:
      return insn.imm;
  }
}

/** `insn[FIELD_NAMES[k]] = v`, each case a fixed property name. */
export function setFieldAt(insn: Insn, k: number, v: number): void {
  switch (k) {
    case 0:
      insn.opcode = v;
      break;
    case 1:
      insn.pop_prev_dep = v;
      break;
    case 2:
      insn.pop_next_dep = v;
      break;
    case 3:
      insn.push_prev_dep = v;
      break;
    case 4:
      insn.push_next_dep = v;
      break;
    case 5:
      insn.memory_type = v;
      break;
    case 6:
      insn.sram_base = v;
      break;
    case 7:
      insn.dram_base = v;
      break;
    case 8:
      insn.y_size = v;
      break;
    case 9:
      insn.x_size = v;
      break;
    case 10:
      insn.x_stride = v;
      break;
    case 11:
      insn.y_pad_0 = v;
      break;
    case 12:
      insn.y_pad_1 = v;
      break;
    case 13:
      insn.x_pad_0 = v;
      break;
    case 14:
      insn.x_pad_1 = v;
      break;
    case 15:
      insn.reset_reg = v;
      break;
    case 16:
      insn.uop_bgn = v;
      break;
    case 17:
      insn.uop_end = v;
      break;
    case 18:
      insn.iter_out = v;
      break;
    case 19:
      insn.iter_in = v;
      break;
    case 20:
      insn.dst_factor_out = v;
      break;
    case 21:
      insn.dst_factor_in = v;
      break;
    case 22:
      insn.src_factor_out = v;
      break;
    case 23:
      insn.src_factor_in = v;
      break;
    case 24:
      insn.wgt_factor_out = v;
      break;
    case 25:
      insn.wgt_factor_in = v;
      break;
    case 26:
      insn.alu_opcode = v;
      break;
    case 27:
      insn.use_imm = v;
      break;
    default:
      insn.imm = v;
      break;
  }
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
  constructor(
    message: string,
    readonly field?: string,
  ) {
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
    if (value < min || value > max)
      throw new EncodeError(`${field} = ${value} does not fit ${width} signed bits [${min}, ${max}]`, field);
    return value < 0 ? value + 2 ** width : value;
  }
  const max = 2 ** width - 1;
  if (value < 0 || value > max)
    throw new EncodeError(`${field} = ${value} does not fit ${width} bits [0, ${max}]`, field);
  return value;
}

export function layoutOfInsn(t: VtaTarget, insn: Insn): Layout {
  const kind = kindOfOpcode(insn.opcode);
  if (!kind) throw new EncodeError(`unknown opcode ${insn.opcode}`, 'opcode');
  return layoutsFor(t)[kind];
}

/**
 * A field as the encoder writes it: into which of the instruction's four 32-bit
 * little-endian words, at which bit, and the values it holds (see PlacedField).
 */
interface WordField {
  name: FieldName;
  /** In FIELD_NAMES. */
  index: number;
  word: number;
  shift: number;
  width: number;
  signed: boolean;
  min: number;
  max: number;
  /** STORE's memory_type on HW_VER 0.0.1: OUT (4) is written as 0 (storeMemoryTypeBits). */
  outAsZero?: boolean;
}

/**
 * HW_VER 0.0.1 had a 2-bit memory_type, so a STORE's OUT (4) was encoded as 0
 * (vta-isa.md §2.3). The encoder writes 0 for it; decodeInsn reads the bits as they
 * are, and a stream read as a program (decodeStream) takes a 0.0.1 STORE's 0 as OUT.
 */
export function storeOutEncodedAsZero(t: VtaTarget): boolean {
  return t.keys.HW_VER === '0.0.1';
}

/** Per opcode (index), the fields to write; undefined for opcodes with no layout. */
type EncodePlan = ReadonlyArray<readonly WordField[] | undefined>;

const encodePlans = new WeakMap<VtaTarget, EncodePlan>();

/**
 * Precomputed once per target so that encoding an instruction is one pass of 32-bit
 * shifts and ORs instead of a bit-by-bit loop per field. Fields are at most 32 bits
 * wide (a 64-bit unit holds each), so one spans at most two words.
 */
function encodePlanFor(t: VtaTarget): EncodePlan {
  let plan = encodePlans.get(t);
  if (plan) return plan;
  const layouts = layoutsFor(t);
  const forKind = (kind: InsnKind): WordField[] =>
    layouts[kind].fields.map((f) => ({
      name: f.name,
      index: fieldIndex(f.name),
      word: f.offset >> 5,
      shift: f.offset & 31,
      width: f.width,
      signed: f.signed,
      min: f.min,
      max: f.max,
    }));
  const mem = forKind('mem');
  const byOpcode: Array<WordField[] | undefined> = [];
  for (const opcode of Object.values(Opcode)) {
    const kind = kindOfOpcode(opcode);
    byOpcode[opcode] = kind === 'mem' ? mem : kind ? forKind(kind) : undefined;
  }
  if (storeOutEncodedAsZero(t)) {
    byOpcode[Opcode.STORE] = mem.map((f) => (f.name === 'memory_type' ? { ...f, outAsZero: true } : f));
  }
  encodePlans.set(t, byOpcode);
  return byOpcode;
}

/** Encodes with the plan; on a field that does not fit, throws before writing anything. */
function writeInsn(plan: EncodePlan, insn: Insn, out: Uint8Array, base: number): void {
  const fields = plan[insn.opcode];
  if (!fields) throw new EncodeError(`unknown opcode ${insn.opcode}`, 'opcode');
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k]!;
    const v = f.outAsZero && fieldAt(insn, f.index) === MemType.OUT ? 0 : fieldAt(insn, f.index);
    // storedValue throws the error, with its message, for anything that does not fit.
    const u =
      v >= f.min && v <= f.max && Number.isInteger(v)
        ? v < 0
          ? v + 2 ** f.width
          : v
        : storedValue(v, f.width, f.signed, f.name);
    const lo = u << f.shift;
    // The bits that spill into the next word (a field crossing a 32-bit boundary).
    const hi = f.shift + f.width > 32 ? u >>> (32 - f.shift) : 0;
    switch (f.word) {
      case 0:
        w0 |= lo;
        w1 |= hi;
        break;
      case 1:
        w1 |= lo;
        w2 |= hi;
        break;
      case 2:
        w2 |= lo;
        w3 |= hi;
        break;
      default:
        w3 |= lo;
        break;
    }
  }
  putWord(out, base, w0);
  putWord(out, base + 4, w1);
  putWord(out, base + 8, w2);
  putWord(out, base + 12, w3);
}

function putWord(out: Uint8Array, at: number, w: number): void {
  out[at] = w;
  out[at + 1] = w >>> 8;
  out[at + 2] = w >>> 16;
  out[at + 3] = w >>> 24;
}

/** Writes one instruction's 16 bytes at `base`. Throws EncodeError on a field that does not fit. */
export function encodeInsn(t: VtaTarget, insn: Insn, out: Uint8Array, base = 0): void {
  writeInsn(encodePlanFor(t), insn, out, base);
}

export function encodeProgram(t: VtaTarget, insns: readonly Insn[]): Uint8Array {
  const plan = encodePlanFor(t);
  const out = new Uint8Array(insns.length * INSN_BYTES);
  for (let i = 0; i < insns.length; i++) writeInsn(plan, insns[i]!, out, i * INSN_BYTES);
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
  if (insn.opcode === Opcode.LOAD && (insn.memory_type === MemType.INP || insn.memory_type === MemType.WGT))
    return 'ld';
  return 'ex';
}

export type QueueId = 'ld->ex' | 'ex->ld' | 'ex->st' | 'st->ex';
export const QUEUES: readonly QueueId[] = ['ld->ex', 'ex->ld', 'ex->st', 'st->ex'];
/** The runtime's names for the queues (l2g: load to "gemm" = compute, …). */
export const QUEUE_RUNTIME_NAMES: Record<QueueId, string> = {
  'ld->ex': 'l2g',
  'ex->ld': 'g2l',
  'ex->st': 'g2s',
  'st->ex': 's2g',
};
// Tables rather than slicing `ld->ex`: a slice is a new string, and a slow property key.
const PRODUCER: Record<QueueId, ModuleId> = { 'ld->ex': 'ld', 'ex->ld': 'ex', 'ex->st': 'ex', 'st->ex': 'st' };
const CONSUMER: Record<QueueId, ModuleId> = { 'ld->ex': 'ex', 'ex->ld': 'ld', 'ex->st': 'st', 'st->ex': 'ex' };
export const queueProducer = (q: QueueId): ModuleId => PRODUCER[q];
export const queueConsumer = (q: QueueId): ModuleId => CONSUMER[q];

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
      return (
        { pop_prev_dep: 'ld->ex', pop_next_dep: 'st->ex', push_prev_dep: 'ex->ld', push_next_dep: 'ex->st' } as const
      )[flag];
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
