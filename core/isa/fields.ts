/**
 * The field tables: one per instruction kind, in declaration order, with a width
 * formula and a meaning. Encoding, decoding, range checks, hover text, completion
 * and the reference docs are all generated from these tables (vta-isa.md §2).
 */
import type { HwVersion, VtaTarget } from './config';
import { ConfigError } from './config';

export const Opcode = { LOAD: 0, STORE: 1, GEMM: 2, FINISH: 3, ALU: 4 } as const;
export type OpcodeId = (typeof Opcode)[keyof typeof Opcode];
export const OPCODE_NAMES: Record<number, string> = { 0: 'LOAD', 1: 'STORE', 2: 'GEMM', 3: 'FINISH', 4: 'ALU' };

/** ALU opcodes (vta-isa.md §2.4); MUL exists from HW_VER 0.0.2. */
export const AluOp = { MIN: 0, MAX: 1, ADD: 2, SHR: 3, MUL: 4 } as const;
export const ALU_OP_NAMES = ['min', 'max', 'add', 'shr', 'mul'] as const;
export type AluOpName = (typeof ALU_OP_NAMES)[number];

export function aluOpsFor(t: VtaTarget): readonly AluOpName[] {
  return t.keys.HW_VER === '0.0.2' ? ALU_OP_NAMES : ALU_OP_NAMES.slice(0, 4);
}

/** Names of every instruction field, as the C sources spell them. */
export type FieldName =
  | 'opcode'
  | 'pop_prev_dep'
  | 'pop_next_dep'
  | 'push_prev_dep'
  | 'push_next_dep'
  | 'memory_type'
  | 'sram_base'
  | 'dram_base'
  | 'y_size'
  | 'x_size'
  | 'x_stride'
  | 'y_pad_0'
  | 'y_pad_1'
  | 'x_pad_0'
  | 'x_pad_1'
  | 'reset_reg'
  | 'uop_bgn'
  | 'uop_end'
  | 'iter_out'
  | 'iter_in'
  | 'dst_factor_out'
  | 'dst_factor_in'
  | 'src_factor_out'
  | 'src_factor_in'
  | 'wgt_factor_out'
  | 'wgt_factor_in'
  | 'alu_opcode'
  | 'use_imm'
  | 'imm';

export interface FieldSpec {
  name: FieldName;
  width: (t: VtaTarget) => number;
  /** Two's-complement, sign-extended on read. */
  signed?: boolean;
  doc: string;
}

export type InsnKind = 'mem' | 'gemm' | 'alu' | 'finish';

const LOOP_ITER_WIDTH = 14;
const logUopDepth = (t: VtaTarget) => t.uop.logDepth;
const logAcc = (t: VtaTarget) => t.acc.logDepth;
const logInp = (t: VtaTarget) => t.inp.logDepth;
const logWgt = (t: VtaTarget) => t.wgt.logDepth;
const is002 = (t: VtaTarget) => t.keys.HW_VER === '0.0.2';
const fixed = (w: number) => () => w;

const HEADER: FieldSpec[] = [
  { name: 'opcode', width: fixed(3), doc: 'Instruction kind: 0 LOAD, 1 STORE, 2 GEMM, 3 FINISH, 4 ALU.' },
  { name: 'pop_prev_dep', width: fixed(1), doc: 'Pop a token from the queue of the previous module before starting.' },
  { name: 'pop_next_dep', width: fixed(1), doc: 'Pop a token from the queue of the next module before starting.' },
  { name: 'push_prev_dep', width: fixed(1), doc: 'Push a token to the previous module after completing.' },
  { name: 'push_next_dep', width: fixed(1), doc: 'Push a token to the next module after completing.' },
];

const LOOP_FIELDS: FieldSpec[] = [
  {
    name: 'reset_reg',
    width: fixed(1),
    doc: 'Zero the destination ACC rows instead of computing (GEMM; encoded but ignored for ALU).',
  },
  { name: 'uop_bgn', width: logUopDepth, doc: 'First micro-op index in the UOP buffer.' },
  { name: 'uop_end', width: (t) => logUopDepth(t) + 1, doc: 'Micro-op index one past the last (exclusive).' },
  { name: 'iter_out', width: fixed(LOOP_ITER_WIDTH), doc: 'Outer loop iteration count.' },
  { name: 'iter_in', width: fixed(LOOP_ITER_WIDTH), doc: 'Inner loop iteration count.' },
  { name: 'dst_factor_out', width: logAcc, doc: 'ACC row increment per outer iteration.' },
  { name: 'dst_factor_in', width: logAcc, doc: 'ACC row increment per inner iteration.' },
];

export const FIELD_TABLES: Record<InsnKind, FieldSpec[]> = {
  mem: [
    ...HEADER,
    {
      name: 'memory_type',
      width: (t) => (is002(t) ? 3 : 2),
      doc: 'Buffer: 0 UOP, 1 WGT, 2 INP, 3 ACC, 4 OUT, 5 ACC_8BIT (0.0.2).',
    },
    { name: 'sram_base', width: fixed(16), doc: 'First SRAM row (uop index for UOP).' },
    { name: 'dram_base', width: fixed(32), doc: 'DRAM address in elements of the memory type.' },
    { name: 'y_size', width: fixed(16), doc: 'Number of rows (2-D transfer height).' },
    {
      name: 'x_size',
      width: fixed(16),
      doc: 'Elements per row; 0 makes the instruction a NOP that only moves tokens.',
    },
    { name: 'x_stride', width: fixed(16), doc: 'DRAM row pitch in elements.' },
    { name: 'y_pad_0', width: fixed(4), doc: 'Zero rows before (top padding).' },
    { name: 'y_pad_1', width: fixed(4), doc: 'Zero rows after (bottom padding).' },
    { name: 'x_pad_0', width: fixed(4), doc: 'Zero elements before each row (left padding).' },
    { name: 'x_pad_1', width: fixed(4), doc: 'Zero elements after each row (right padding).' },
  ],
  gemm: [
    ...HEADER,
    ...LOOP_FIELDS,
    { name: 'src_factor_out', width: logInp, doc: 'INP row increment per outer iteration.' },
    { name: 'src_factor_in', width: logInp, doc: 'INP row increment per inner iteration.' },
    { name: 'wgt_factor_out', width: logWgt, doc: 'WGT row increment per outer iteration.' },
    { name: 'wgt_factor_in', width: logWgt, doc: 'WGT row increment per inner iteration.' },
  ],
  alu: [
    ...HEADER,
    ...LOOP_FIELDS,
    {
      name: 'src_factor_out',
      width: (t) => (is002(t) ? logAcc(t) : logInp(t)),
      doc: 'Source ACC row increment per outer iteration.',
    },
    {
      name: 'src_factor_in',
      width: (t) => (is002(t) ? logAcc(t) : logInp(t)),
      doc: 'Source ACC row increment per inner iteration.',
    },
    {
      name: 'alu_opcode',
      width: (t) => (is002(t) ? 3 : 2),
      doc: 'ALU operation: 0 MIN, 1 MAX, 2 ADD, 3 SHR, 4 MUL (0.0.2).',
    },
    { name: 'use_imm', width: fixed(1), doc: 'Use the immediate as the second operand instead of an ACC row.' },
    { name: 'imm', width: fixed(16), signed: true, doc: 'Signed 16-bit immediate, sign-extended to 32 bits.' },
  ],
  // FINISH is encoded in the GEMM layout with only the header set (vta-isa.md §2.8).
  finish: [...HEADER],
};

export interface PlacedField {
  name: FieldName;
  offset: number;
  width: number;
  signed: boolean;
  doc: string;
  /** Smallest and largest value the field holds. */
  min: number;
  max: number;
}

export interface Layout {
  kind: InsnKind;
  fields: PlacedField[];
  byName: Partial<Record<FieldName, PlacedField>>;
  /** Total bits used (after alignment), ≤ the unit. */
  bits: number;
}

/**
 * The C bitfield rule (vta-isa.md §2.9): fields in order from offset 0; a field that
 * would cross a `unitBits` boundary starts at the next boundary.
 */
export function placeFields<T extends { name: string; width: number }>(
  fields: T[],
  unitBits: number,
): Array<T & { offset: number }> {
  let offset = 0;
  return fields.map((f) => {
    if ((offset % unitBits) + f.width > unitBits) offset = Math.ceil(offset / unitBits) * unitBits;
    const placed = { ...f, offset };
    offset += f.width;
    return placed;
  });
}

const layoutCache = new WeakMap<VtaTarget, Record<InsnKind, Layout>>();

export function layoutsFor(t: VtaTarget): Record<InsnKind, Layout> {
  let cached = layoutCache.get(t);
  if (cached) return cached;
  const make = (kind: InsnKind): Layout => {
    const specs = FIELD_TABLES[kind].map((s) => {
      const width = s.width(t);
      const signed = !!s.signed;
      return {
        name: s.name,
        width,
        signed,
        doc: s.doc,
        min: signed ? -(2 ** (width - 1)) : 0,
        max: signed ? 2 ** (width - 1) - 1 : 2 ** width - 1,
      };
    });
    const fields = placeFields(specs, 64);
    const last = fields[fields.length - 1]!;
    const bits = last.offset + last.width;
    if (bits > 128) throw new ConfigError(`target ${t.name}: a ${kind} instruction needs ${bits} bits, more than 128`);
    const byName: Layout['byName'] = {};
    for (const f of fields) byName[f.name] = f;
    return { kind, fields, byName, bits };
  };
  cached = { mem: make('mem'), gemm: make('gemm'), alu: make('alu'), finish: make('finish') };
  layoutCache.set(t, cached);
  return cached;
}

export type UopFieldName = 'dst_idx' | 'src_idx' | 'wgt_idx';

export interface UopLayout {
  fields: Array<{ name: UopFieldName; offset: number; width: number; doc: string }>;
  dst: { offset: number; width: number };
  src: { offset: number; width: number };
  wgt: { offset: number; width: number };
}

const uopCache = new WeakMap<VtaTarget, UopLayout>();

export const UOP_FIELD_DOCS: Record<UopFieldName, string> = {
  dst_idx: 'ACC row written.',
  src_idx: 'INP row for GEMM, ACC row for ALU.',
  wgt_idx: 'WGT row (GEMM only; keep 0 for ALU).',
};

export function uopLayoutFor(t: VtaTarget): UopLayout {
  let cached = uopCache.get(t);
  if (cached) return cached;
  const w = uopFieldWidths(t.keys.HW_VER, t.acc.logDepth, t.inp.logDepth, t.wgt.logDepth);
  const fields = placeFields(
    [
      { name: 'dst_idx' as UopFieldName, width: w.dst, doc: UOP_FIELD_DOCS.dst_idx },
      { name: 'src_idx' as UopFieldName, width: w.src, doc: UOP_FIELD_DOCS.src_idx },
      { name: 'wgt_idx' as UopFieldName, width: w.wgt, doc: UOP_FIELD_DOCS.wgt_idx },
    ],
    32,
  );
  cached = { fields, dst: fields[0]!, src: fields[1]!, wgt: fields[2]! };
  uopCache.set(t, cached);
  return cached;
}

/** Largest unsigned value a field of `width` bits holds. */
export function maxUnsigned(width: number): number {
  return width >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** width - 1;
}

/** Micro-op field widths (vta-isa.md §2.9). */
export function uopFieldWidths(hwVer: HwVersion, logAcc: number, logInp: number, logWgt: number) {
  return {
    dst: logAcc,
    src: hwVer === '0.0.2' ? Math.max(logAcc, logInp) : logInp,
    wgt: logWgt,
  };
}

/**
 * Rejects a configuration that the instruction formats cannot encode: a micro-op over
 * 32 bits, a UOP depth past the GEMM/ALU uop fields, an instruction over 128 bits.
 */
export function checkEncodable(t: VtaTarget): void {
  const where = `target ${t.name}`;
  const widths = uopFieldWidths(t.keys.HW_VER, t.acc.logDepth, t.inp.logDepth, t.wgt.logDepth);
  const uopBits = widths.dst + widths.src + widths.wgt;
  if (uopBits > 32) {
    throw new ConfigError(
      `${where}: a micro-op needs ${uopBits} bits (dst ${widths.dst} + src ${widths.src} + wgt ${widths.wgt}), more than 32`,
    );
  }
  if (t.uop.logDepth + 1 > 16) {
    throw new ConfigError(`${where}: UOP depth 2^${t.uop.logDepth} does not fit the GEMM/ALU uop fields`);
  }
  layoutsFor(t);
}
