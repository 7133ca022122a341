/**
 * Bit-exact instruction and micro-op encodings against vta-isa.md §2.
 *
 * The reference is independent of core/isa: the bit positions below are copied
 * from the doc's tables (§2.5–§2.9, the LOG_BLOCK=5 example and the 0.0.1 notes),
 * and the expected bytes are built here with BigInt on one 128-bit value, stored as
 * two little-endian 64-bit words (bit n = bit n%64 of word n/64, word0 = bytes 0–7;
 * §2.1). The code under test only supplies the encoder/decoder being checked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VtaTarget } from '../../core/isa/config';
import { shippedTarget, targetFromJson } from '../../core/isa/target';
import type { FieldName, OpcodeId } from '../../core/isa/fields';
import { placeFields } from '../../core/isa/fields';
import { decodeStream } from '../../core/asm/binary';
import type { Insn } from '../../core/isa/insn';
import {
  EncodeError,
  FIELD_NAMES,
  decodeInsn,
  decodeUop,
  emptyInsn,
  encodeInsn,
  encodeUop,
  fieldAt,
  setFieldAt,
} from '../../core/isa/insn';
import { docDefaultConfigJson } from '../support/isa-doc';

// ---------------------------------------------------------------------------
// Reference data, copied from vta-isa.md
// ---------------------------------------------------------------------------

/** §1.1, the default `vta_config.json`, as the document's table gives it. */
const DOC_DEFAULT_JSON = docDefaultConfigJson();

interface RefField {
  field: FieldName;
  lo: number;
  hi: number;
  signed?: boolean;
}

/** §2.2 opcodes. */
const OP = { LOAD: 0, STORE: 1, GEMM: 2, FINISH: 3, ALU: 4 } as const;

/** Bits 0–6, shared by every kind (§2.1, §2.5). */
const HEADER: RefField[] = [
  { field: 'opcode', lo: 0, hi: 2 },
  { field: 'pop_prev_dep', lo: 3, hi: 3 },
  { field: 'pop_next_dep', lo: 4, hi: 4 },
  { field: 'push_prev_dep', lo: 5, hi: 5 },
  { field: 'push_next_dep', lo: 6, hi: 6 },
];

/** §2.5, LOAD/STORE, HW_VER 0.0.2 (identical for every 0.0.2 config). */
const MEM_002: RefField[] = [
  ...HEADER,
  { field: 'memory_type', lo: 7, hi: 9 },
  { field: 'sram_base', lo: 10, hi: 25 },
  { field: 'dram_base', lo: 26, hi: 57 },
  { field: 'y_size', lo: 64, hi: 79 },
  { field: 'x_size', lo: 80, hi: 95 },
  { field: 'x_stride', lo: 96, hi: 111 },
  { field: 'y_pad_0', lo: 112, hi: 115 },
  { field: 'y_pad_1', lo: 116, hi: 119 },
  { field: 'x_pad_0', lo: 120, hi: 123 },
  { field: 'x_pad_1', lo: 124, hi: 127 },
];

/** §2.5 last paragraph: HW-old (0.0.1), memory_type 2 bits, sram 9–24, dram 25–56; word1 same. */
const MEM_001: RefField[] = [
  ...HEADER,
  { field: 'memory_type', lo: 7, hi: 8 },
  { field: 'sram_base', lo: 9, hi: 24 },
  { field: 'dram_base', lo: 25, hi: 56 },
  ...MEM_002.slice(8),
];

/** §2.6 / §2.7 word0 (uop depth 2^13 in every config used here). */
const LOOP_WORD0: RefField[] = [
  ...HEADER,
  { field: 'reset_reg', lo: 7, hi: 7 },
  { field: 'uop_bgn', lo: 8, hi: 20 },
  { field: 'uop_end', lo: 21, hi: 34 },
  { field: 'iter_out', lo: 35, hi: 48 },
  { field: 'iter_in', lo: 49, hi: 62 },
];

/** §2.6 GEMM, default config. */
const GEMM_DEFAULT: RefField[] = [
  ...LOOP_WORD0,
  { field: 'dst_factor_out', lo: 64, hi: 74 },
  { field: 'dst_factor_in', lo: 75, hi: 85 },
  { field: 'src_factor_out', lo: 86, hi: 96 },
  { field: 'src_factor_in', lo: 97, hi: 107 },
  { field: 'wgt_factor_out', lo: 108, hi: 117 },
  { field: 'wgt_factor_in', lo: 118, hi: 127 },
];

/** §2.9 example: LOG_BLOCK=5, GEMM word1 packed at 64/74/84/94/104/112, 120–127 unused. */
const GEMM_BLOCK5: RefField[] = [
  ...LOOP_WORD0,
  { field: 'dst_factor_out', lo: 64, hi: 73 },
  { field: 'dst_factor_in', lo: 74, hi: 83 },
  { field: 'src_factor_out', lo: 84, hi: 93 },
  { field: 'src_factor_in', lo: 94, hi: 103 },
  { field: 'wgt_factor_out', lo: 104, hi: 111 },
  { field: 'wgt_factor_in', lo: 112, hi: 119 },
];

/** §2.7 ALU, default config (0.0.2). */
const ALU_DEFAULT: RefField[] = [
  ...LOOP_WORD0,
  { field: 'dst_factor_out', lo: 64, hi: 74 },
  { field: 'dst_factor_in', lo: 75, hi: 85 },
  { field: 'src_factor_out', lo: 86, hi: 96 },
  { field: 'src_factor_in', lo: 97, hi: 107 },
  { field: 'alu_opcode', lo: 108, hi: 110 },
  { field: 'use_imm', lo: 111, hi: 111 },
  { field: 'imm', lo: 112, hi: 127, signed: true },
];

/** §2.7 notes for 0.0.1: alu_opcode 108–109, use_imm 110, imm 111–126. */
const ALU_001: RefField[] = [
  ...ALU_DEFAULT.slice(0, 14),
  { field: 'alu_opcode', lo: 108, hi: 109 },
  { field: 'use_imm', lo: 110, hi: 110 },
  { field: 'imm', lo: 111, hi: 126, signed: true },
];

/** §2.9 example: LOG_BLOCK=5 ALU, factors at 64–103, opcode 104–106, use_imm 107, imm 108–123. */
const ALU_BLOCK5: RefField[] = [
  ...LOOP_WORD0,
  { field: 'dst_factor_out', lo: 64, hi: 73 },
  { field: 'dst_factor_in', lo: 74, hi: 83 },
  { field: 'src_factor_out', lo: 84, hi: 93 },
  { field: 'src_factor_in', lo: 94, hi: 103 },
  { field: 'alu_opcode', lo: 104, hi: 106 },
  { field: 'use_imm', lo: 107, hi: 107 },
  { field: 'imm', lo: 108, hi: 123, signed: true },
];

/** §2.8: only the opcode and dep flags. */
const FINISH: RefField[] = [...HEADER];

type UopField = 'dst' | 'src' | 'wgt';
interface RefUopField {
  field: UopField;
  lo: number;
  hi: number;
}
/** §2.9 default: 0–10, 11–21, 22–31 (masks 0x7FF, 0x3FF800, 0xFFC00000). */
const UOP_DEFAULT: RefUopField[] = [
  { field: 'dst', lo: 0, hi: 10 },
  { field: 'src', lo: 11, hi: 21 },
  { field: 'wgt', lo: 22, hi: 31 },
];
/** §2.9 example: LOG_BLOCK=5, dst 0–9, src 10–19, wgt 20–27. */
const UOP_BLOCK5: RefUopField[] = [
  { field: 'dst', lo: 0, hi: 9 },
  { field: 'src', lo: 10, hi: 19 },
  { field: 'wgt', lo: 20, hi: 27 },
];

/** Bits [lo, hi] as a BigInt mask. */
function bits(lo: number, hi: number): bigint {
  return ((1n << BigInt(hi - lo + 1)) - 1n) << BigInt(lo);
}
const ALL128 = bits(0, 127);

interface KindRef {
  name: 'LOAD' | 'STORE' | 'GEMM' | 'ALU' | 'FINISH';
  opcode: OpcodeId;
  table: RefField[];
  /**
   * The used-bit mask, written from the doc's "unused" rows independently of
   * `table` (the all-ones test compares against it).
   */
  used: bigint;
}

interface ConfigRef {
  label: string;
  make: () => VtaTarget;
  kinds: KindRef[];
  uop: RefUopField[];
  uopUsed: number;
}

function kinds(
  mem: RefField[],
  memUnused: bigint,
  gemm: RefField[],
  gemmUnused: bigint,
  alu: RefField[],
  aluUnused: bigint,
): KindRef[] {
  return [
    { name: 'LOAD', opcode: OP.LOAD, table: mem, used: ALL128 & ~memUnused },
    { name: 'STORE', opcode: OP.STORE, table: mem, used: ALL128 & ~memUnused },
    { name: 'GEMM', opcode: OP.GEMM, table: gemm, used: ALL128 & ~gemmUnused },
    { name: 'ALU', opcode: OP.ALU, table: alu, used: ALL128 & ~aluUnused },
    { name: 'FINISH', opcode: OP.FINISH, table: FINISH, used: bits(0, 6) },
  ];
}

const fromJson = (label: string, json: object) => () => targetFromJson(JSON.stringify(json), label);

const DEFAULT_KINDS = kinds(MEM_002, bits(58, 63), GEMM_DEFAULT, bits(63, 63), ALU_DEFAULT, bits(63, 63));

const CONFIGS: ConfigRef[] = [
  {
    label: 'default 0.0.2 (JSON of §1.1)',
    make: fromJson('doc-default.json', DOC_DEFAULT_JSON),
    kinds: DEFAULT_KINDS,
    uop: UOP_DEFAULT,
    uopUsed: 0xffffffff,
  },
  {
    label: "shippedTarget('default')",
    make: () => shippedTarget('default')!,
    kinds: DEFAULT_KINDS,
    uop: UOP_DEFAULT,
    uopUsed: 0xffffffff,
  },
  {
    // Default numbers: LOG_INP_DEPTH = LOG_ACC_DEPTH = 11, so GEMM and the uop equal 0.0.2.
    label: 'HW_VER 0.0.1',
    make: fromJson('v001.json', { ...DOC_DEFAULT_JSON, HW_VER: '0.0.1' }),
    kinds: kinds(MEM_001, bits(57, 63), GEMM_DEFAULT, bits(63, 63), ALU_001, bits(63, 63) | bits(127, 127)),
    uop: UOP_DEFAULT,
    uopUsed: 0xffffffff,
  },
  {
    label: 'LOG_BLOCK=5 (1x32)',
    make: fromJson('block5.json', { ...DOC_DEFAULT_JSON, LOG_BLOCK: 5 }),
    kinds: kinds(
      MEM_002,
      bits(58, 63),
      GEMM_BLOCK5,
      bits(63, 63) | bits(120, 127),
      ALU_BLOCK5,
      bits(63, 63) | bits(124, 127),
    ),
    uop: UOP_BLOCK5,
    uopUsed: 0x0fffffff,
  },
];

// ---------------------------------------------------------------------------
// Independent reference encoder
// ---------------------------------------------------------------------------

const MASK64 = (1n << 64n) - 1n;

function widthOf(f: { lo: number; hi: number }): number {
  return f.hi - f.lo + 1;
}
function minOf(f: RefField): number {
  return f.signed ? -(2 ** (widthOf(f) - 1)) : 0;
}
function maxOf(f: RefField): number {
  return f.signed ? 2 ** (widthOf(f) - 1) - 1 : 2 ** widthOf(f) - 1;
}

/** The 128-bit value with every field of `table` set from `values` (absent = 0). */
function refValue(table: RefField[], values: Partial<Record<FieldName, number>>): bigint {
  let v = 0n;
  for (const f of table) {
    const raw = values[f.field] ?? 0;
    if (!Number.isInteger(raw) || raw < minOf(f) || raw > maxOf(f)) {
      throw new Error(`test bug: ${f.field} = ${raw} does not fit [${minOf(f)}, ${maxOf(f)}]`);
    }
    v |= BigInt.asUintN(widthOf(f), BigInt(raw)) << BigInt(f.lo);
  }
  return v;
}

/** Two little-endian 64-bit words: word0 = bits 0–63 = bytes 0–7 (§2.1). */
function toBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, v & MASK64, true);
  dv.setBigUint64(8, (v >> 64n) & MASK64, true);
  return out;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
function hex128(v: bigint): string {
  return '0x' + v.toString(16).padStart(32, '0');
}

function refUop(table: RefUopField[], u: Record<UopField, number>): number {
  let v = 0n;
  for (const f of table) {
    const raw = u[f.field];
    if (!Number.isInteger(raw) || raw < 0 || raw > 2 ** widthOf(f) - 1)
      throw new Error(`test bug: uop ${f.field} = ${raw}`);
    v |= BigInt(raw) << BigInt(f.lo);
  }
  return Number(v);
}
function u32Bytes(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v >>> 0, true);
  return out;
}

// ---------------------------------------------------------------------------
// Helpers driving the code under test
// ---------------------------------------------------------------------------

function makeInsn(opcode: OpcodeId, values: Partial<Record<FieldName, number>>): Insn {
  const insn = emptyInsn(opcode);
  for (const [k, v] of Object.entries(values)) insn[k as FieldName] = v;
  insn.opcode = opcode;
  return insn;
}

function encode(t: VtaTarget, insn: Insn): Uint8Array {
  const out = new Uint8Array(16);
  encodeInsn(t, insn, out);
  return out;
}

/** Encodes with the code under test, compares with the reference, decodes back. */
function checkInsn(t: VtaTarget, k: KindRef, values: Partial<Record<FieldName, number>>, what: string): void {
  const insn = makeInsn(k.opcode, values);
  const expected = toBytes(refValue(k.table, { ...values, opcode: k.opcode }));
  const got = encode(t, insn);
  assert.equal(hex(got), hex(expected), `${k.name} ${what}: encoding differs from vta-isa.md`);
  const dec = decodeInsn(t, expected);
  assert.deepEqual(dec.insn, insn, `${k.name} ${what}: decoding the doc's bytes`);
  assert.equal(dec.strayBits, false, `${k.name} ${what}: no stray bits expected`);
  assert.equal(dec.unknownOpcode, undefined);
}

/** mulberry32: a small seeded PRNG (uint32 output). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return (x ^ (x >>> 14)) >>> 0;
  };
}
/** A uniformly random value of `f`'s doc width (two's-complement range for signed fields). */
function randomValue(next: () => number, f: RefField | RefUopField): number {
  const w = widthOf(f);
  const u = w >= 32 ? next() : next() >>> (32 - w);
  if ('signed' in f && f.signed && u >= 2 ** (w - 1)) return u - 2 ** w;
  return u;
}

const DEP_FLAGS = ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'] as const;

/** Distinct non-zero, non-all-ones values for every multi-bit field (plus a flag pattern). */
function distinctValues(table: RefField[], seed: number, flags: readonly number[]): Partial<Record<FieldName, number>> {
  const next = prng(seed);
  const values: Partial<Record<FieldName, number>> = {};
  const seen = new Set<number>();
  for (const f of table) {
    if (f.field === 'opcode') continue;
    const flagIdx = (DEP_FLAGS as readonly string[]).indexOf(f.field);
    if (flagIdx >= 0) {
      values[f.field] = flags[flagIdx]!;
      continue;
    }
    if (widthOf(f) === 1) {
      values[f.field] = 1;
      continue;
    }
    let v: number;
    do v = randomValue(next, f);
    while (v === 0 || v === -1 || v === maxOf(f) || v === minOf(f) || seen.has(v));
    seen.add(v);
    values[f.field] = v;
  }
  return values;
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

for (const c of CONFIGS) {
  describe(`ISA encoding, ${c.label}`, () => {
    const t = c.make();

    for (const k of c.kinds) {
      it(`${k.name}: reference table is self-consistent (fields in order, no overlap, inside 128 bits)`, () => {
        // Guards the hand-copied reference itself.
        let prevHi = -1;
        for (const f of k.table) {
          assert.ok(f.lo > prevHi && f.hi >= f.lo && f.hi <= 127, `${f.field} ${f.lo}-${f.hi}`);
          prevHi = f.hi;
        }
        let union = 0n;
        for (const f of k.table) union |= bits(f.lo, f.hi);
        assert.equal(hex128(union), hex128(k.used));
      });

      it(`${k.name}: opcode alone`, () => {
        checkInsn(t, k, {}, 'opcode only');
        // §2.2: the opcode value sits in bits 0–2 of byte 0.
        assert.equal(encode(t, makeInsn(k.opcode, {}))[0], k.opcode);
      });

      it(`${k.name}: each field alone at max, lowest bit and highest bit`, () => {
        for (const f of k.table) {
          if (f.field === 'opcode') continue;
          const w = widthOf(f);
          if (f.signed) {
            checkInsn(t, k, { [f.field]: -1 }, `${f.field} = -1 (all ones)`);
            checkInsn(t, k, { [f.field]: maxOf(f) }, `${f.field} = max`);
            checkInsn(t, k, { [f.field]: minOf(f) }, `${f.field} = min (top bit only)`);
            checkInsn(t, k, { [f.field]: 1 }, `${f.field} = 1`);
          } else {
            checkInsn(t, k, { [f.field]: maxOf(f) }, `${f.field} = max`);
            checkInsn(t, k, { [f.field]: 1 }, `${f.field} = 1 (bit ${f.lo})`);
            if (w > 1) checkInsn(t, k, { [f.field]: 2 ** (w - 1) }, `${f.field} top bit (bit ${f.hi})`);
          }
        }
      });

      it(`${k.name}: all fields at once with distinct values`, () => {
        checkInsn(t, k, distinctValues(k.table, 0xc0ffee + k.opcode, [1, 0, 0, 1]), 'distinct values A');
        checkInsn(t, k, distinctValues(k.table, 0xbadf00d + k.opcode, [0, 1, 1, 0]), 'distinct values B');
      });

      it(`${k.name}: all-ones gives exactly the used-bit mask`, () => {
        const values: Partial<Record<FieldName, number>> = {};
        for (const f of k.table) if (f.field !== 'opcode') values[f.field] = f.signed ? -1 : maxOf(f);
        const got = encode(t, makeInsn(k.opcode, values));
        // The opcode is fixed by the kind; every other used bit must be 1, every unused bit 0.
        const opcodeBits = bits(0, 2);
        const expected = (k.used & ~opcodeBits) | BigInt(k.opcode);
        assert.equal(hex(got), hex(toBytes(expected)), `${k.name}: used bits ${hex128(k.used)}`);
      });

      it(`${k.name}: random values encode as the reference and decode back (seeded, 1500 iterations)`, () => {
        const next = prng(20240601 + k.opcode * 7919 + c.label.length);
        for (let i = 0; i < 1500; i++) {
          const values: Partial<Record<FieldName, number>> = {};
          for (const f of k.table) if (f.field !== 'opcode') values[f.field] = randomValue(next, f);
          const insn = makeInsn(k.opcode, values);
          const bytes = encode(t, insn);
          const expected = toBytes(refValue(k.table, { ...values, opcode: k.opcode }));
          if (hex(bytes) !== hex(expected)) {
            assert.fail(
              `iteration ${i}: ${JSON.stringify(values)}\n got      ${hex(bytes)}\n expected ${hex(expected)}`,
            );
          }
          const dec = decodeInsn(t, bytes);
          assert.deepEqual(dec.insn, insn, `iteration ${i}: decode(encode(x)) != x`);
          assert.equal(dec.strayBits, false);
        }
      });

      it(`${k.name}: every unused bit is reported as a stray bit on decode, and fields still decode`, () => {
        const values = distinctValues(k.table, 77 + k.opcode, [1, 1, 0, 0]);
        const base = refValue(k.table, { ...values, opcode: k.opcode });
        const insn = makeInsn(k.opcode, values);
        let unusedCount = 0;
        for (let b = 0; b < 128; b++) {
          if ((k.used >> BigInt(b)) & 1n) continue;
          unusedCount++;
          const dec = decodeInsn(t, toBytes(base | (1n << BigInt(b))));
          assert.equal(dec.strayBits, true, `${k.name}: bit ${b} is unused per the doc`);
          assert.deepEqual(dec.insn, insn, `${k.name}: bit ${b} must not leak into a field`);
        }
        assert.equal(unusedCount, 128 - popcount(k.used));
      });

      it(`${k.name}: values outside the doc's field widths are rejected with EncodeError`, () => {
        for (const f of k.table) {
          if (f.field === 'opcode') continue;
          if (k.opcode === OP.STORE && f.field === 'memory_type' && maxOf(f) + 1 === 4) {
            // 0.0.1 (§2.3): a STORE's OUT (4) does not fit the 2 bits and is written as 0.
            assert.equal(
              hex(encode(t, makeInsn(k.opcode, { memory_type: 4 }))),
              hex(encode(t, makeInsn(k.opcode, { memory_type: 0 }))),
            );
          } else {
            assert.throws(
              () => encode(t, makeInsn(k.opcode, { [f.field]: maxOf(f) + 1 })),
              EncodeError,
              `${f.field} = max+1`,
            );
          }
          assert.throws(
            () => encode(t, makeInsn(k.opcode, { [f.field]: minOf(f) - 1 })),
            EncodeError,
            `${f.field} = min-1`,
          );
          assert.throws(() => encode(t, makeInsn(k.opcode, { [f.field]: 0.5 })), EncodeError, `${f.field} = 0.5`);
        }
      });
    }

    it('micro-op: each field alone, max / lowest / highest bit, against the doc positions', () => {
      for (const f of c.uop) {
        const w = widthOf(f);
        for (const v of [2 ** w - 1, 1, 2 ** (w - 1)]) {
          const u = { dst: 0, src: 0, wgt: 0, [f.field]: v };
          const out = new Uint8Array(4);
          encodeUop(t, u, out);
          assert.equal(hex(out), hex(u32Bytes(refUop(c.uop, u))), `uop ${f.field} = ${v}`);
          assert.deepEqual(decodeUop(t, out), u);
        }
      }
    });

    it('micro-op: all fields at max give the used-bit mask', () => {
      const u = { dst: 0, src: 0, wgt: 0 };
      for (const f of c.uop) u[f.field] = 2 ** widthOf(f) - 1;
      const out = new Uint8Array(4);
      encodeUop(t, u, out);
      assert.equal(hex(out), hex(u32Bytes(c.uopUsed)));
    });

    it('micro-op: random values encode as the reference and decode back (seeded, 3000 iterations)', () => {
      const next = prng(4242 + c.label.length);
      for (let i = 0; i < 3000; i++) {
        const u = { dst: 0, src: 0, wgt: 0 };
        for (const f of c.uop) u[f.field] = randomValue(next, f);
        const out = new Uint8Array(4);
        encodeUop(t, u, out);
        if (hex(out) !== hex(u32Bytes(refUop(c.uop, u))))
          assert.fail(`iteration ${i}: ${JSON.stringify(u)} -> ${hex(out)}`);
        assert.deepEqual(decodeUop(t, out), u);
      }
    });

    it('micro-op: values outside the doc widths are rejected', () => {
      for (const f of c.uop) {
        const u = { dst: 0, src: 0, wgt: 0, [f.field]: 2 ** widthOf(f) };
        assert.throws(() => encodeUop(t, u, new Uint8Array(4)), EncodeError, `uop ${f.field} = 2^width`);
      }
    });
  });
}

function popcount(v: bigint): number {
  let n = 0;
  for (; v; v >>= 1n) n += Number(v & 1n);
  return n;
}

describe('ISA encoding, literal doc examples', () => {
  const t = shippedTarget('default')!;

  it('§2.9 default uop masks are 0x000007FF / 0x003FF800 / 0xFFC00000', () => {
    const cases: Array<[{ dst: number; src: number; wgt: number }, number]> = [
      [{ dst: 0x7ff, src: 0, wgt: 0 }, 0x000007ff],
      [{ dst: 0, src: 0x7ff, wgt: 0 }, 0x003ff800],
      [{ dst: 0, src: 0, wgt: 0x3ff }, 0xffc00000],
    ];
    for (const [u, mask] of cases) {
      const out = new Uint8Array(4);
      encodeUop(t, u, out);
      assert.equal(new DataView(out.buffer).getUint32(0, true), mask, JSON.stringify(u));
    }
  });

  it('§2.7 sign extension: imm = -3 is stored as 0xFFFD in bits 112–127 and decodes to -3', () => {
    const bytes = encode(t, makeInsn(OP.ALU, { imm: -3 }));
    const w1 = new DataView(bytes.buffer).getBigUint64(8, true);
    assert.equal((w1 >> 48n) & 0xffffn, 0xfffdn);
    assert.equal(hex(bytes), '04 00 00 00 00 00 00 00 00 00 00 00 00 00 fd ff');
    assert.equal(decodeInsn(t, bytes).insn.imm, -3);
    // The top imm bit alone (0x8000) reads back as the most negative value.
    const neg = toBytes(BigInt(OP.ALU) | (0x8000n << 112n));
    assert.equal(decodeInsn(t, neg).insn.imm, -32768);
    // 0x7FFF reads back positive.
    const pos = toBytes(BigInt(OP.ALU) | (0x7fffn << 112n));
    assert.equal(decodeInsn(t, pos).insn.imm, 32767);
  });

  it('§2.7 0.0.1 sign extension: imm = -3 is 0xFFFD in bits 111–126', () => {
    const t1 = targetFromJson(JSON.stringify({ ...DOC_DEFAULT_JSON, HW_VER: '0.0.1' }), 'v001.json');
    const bytes = encode(t1, makeInsn(OP.ALU, { imm: -3 }));
    assert.equal(hex(bytes), hex(toBytes(BigInt(OP.ALU) | (0xfffdn << 111n))));
    assert.equal(decodeInsn(t1, bytes).insn.imm, -3);
  });

  it('§2.1 word order: bit 64 is bit 0 of byte 8, bit 63 is bit 7 of byte 7', () => {
    // LOAD y_size = 1 sets bit 64 only; GEMM iter_in top bit is bit 62 (byte 7, bit 6).
    const a = encode(t, makeInsn(OP.LOAD, { y_size: 1 }));
    assert.equal(hex(a), '00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00');
    const b = encode(t, makeInsn(OP.GEMM, { iter_in: 0x2000 }));
    assert.equal(hex(b), '02 00 00 00 00 00 00 40 00 00 00 00 00 00 00 00');
    // LOAD dram_base = 0xFFFFFFFF: bits 26–57.
    const c = encode(t, makeInsn(OP.LOAD, { dram_base: 0xffffffff }));
    assert.equal(hex(c), '00 00 00 fc ff ff ff 03 00 00 00 00 00 00 00 00');
  });

  it('§2.2 opcodes 5–7 are unknown: decode reports them, encode refuses them', () => {
    for (const op of [5, 6, 7]) {
      const bytes = new Uint8Array(16);
      bytes[0] = op;
      assert.equal(decodeInsn(t, bytes).unknownOpcode, true, `opcode ${op}`);
      assert.throws(() => encode(t, makeInsn(op as OpcodeId, {})), EncodeError);
    }
  });

  it('§2.4 ALU MUL (4) exists in 0.0.2 only: the 0.0.1 alu_opcode field is 2 bits', () => {
    const t1 = targetFromJson(JSON.stringify({ ...DOC_DEFAULT_JSON, HW_VER: '0.0.1' }), 'v001.json');
    assert.throws(() => encode(t1, makeInsn(OP.ALU, { alu_opcode: 4 })), EncodeError);
    assert.equal(hex(encode(t, makeInsn(OP.ALU, { alu_opcode: 4 }))), hex(toBytes(BigInt(OP.ALU) | (4n << 108n))));
  });

  it('§2.3 0.0.1: a STORE of OUT (4) is encoded with memory_type 0 (2 bits); a stream reads it back as OUT', () => {
    const t1 = targetFromJson(JSON.stringify({ ...DOC_DEFAULT_JSON, HW_VER: '0.0.1' }), 'v001.json');
    const bytes = encode(t1, makeInsn(OP.STORE, { memory_type: 4, x_size: 1 }));
    // opcode 1, memory_type bits 7–8 zero, x_size at bit 80 (word1 as in 0.0.2).
    assert.equal(hex(bytes), hex(toBytes(BigInt(OP.STORE) | (1n << 80n))));
    // The bits are 0; a program read from the stream means OUT.
    assert.equal(decodeInsn(t1, bytes).insn.memory_type, 0);
    assert.equal(decodeStream(t1, bytes, 's.bin').insns[0]!.memory_type, 4);
    // LOADs keep their 2-bit types; on 0.0.2 a STORE's OUT is 4 in its 3 bits.
    assert.equal(decodeInsn(t1, encode(t1, makeInsn(OP.LOAD, { memory_type: 3 }))).insn.memory_type, 3);
    assert.throws(() => encode(t1, makeInsn(OP.LOAD, { memory_type: 4 })), EncodeError);
    assert.equal(hex(encode(t, makeInsn(OP.STORE, { memory_type: 4 }))), hex(toBytes(BigInt(OP.STORE) | (4n << 7n))));
  });

  it('encodeInsn at a base offset writes exactly its 16 bytes', () => {
    const out = new Uint8Array(48).fill(0xaa);
    encodeInsn(t, makeInsn(OP.STORE, { x_size: 1 }), out, 16);
    assert.equal(hex(out.subarray(0, 16)), hex(new Uint8Array(16).fill(0xaa)));
    assert.equal(hex(out.subarray(32)), hex(new Uint8Array(16).fill(0xaa)));
    assert.equal(hex(out.subarray(16, 32)), hex(toBytes(1n | (1n << 80n))));
    assert.equal(decodeInsn(t, out, 16).insn.x_size, 1);
  });
});

/**
 * A config where LOG_INP_DEPTH (10) ≠ LOG_ACC_DEPTH (11): LOG_INP_BUFF_SIZE = 14.
 * The positions below are derived by hand from the §1.2 depth formula, the §2.6/§2.7/
 * §2.9 width formulas and the §2.9 layout rule (the doc has no table for this config):
 *  - GEMM word1: dst 64–74, 75–85; src 86–95, 96–105; wgt 106–115, 116–125; 126–127 unused.
 *  - ALU 0.0.2: src factors use LOG_ACC_DEPTH (11), so the layout equals the default.
 *  - ALU 0.0.1: src factors use LOG_INP_DEPTH (10): 86–95, 96–105; alu_opcode 106–107,
 *    use_imm 108, imm 109–124; 125–127 unused.
 *  - uop 0.0.2: src = max(11, 10) = 11 → dst 0–10, src 11–21, wgt 22–31.
 *  - uop 0.0.1: src = 10 → dst 0–10, src 11–20, wgt 21–30; bit 31 unused.
 */
describe('ISA encoding, 0.0.1 vs 0.0.2 when INP depth ≠ ACC depth (LOG_INP_BUFF_SIZE=14)', () => {
  const json = { ...DOC_DEFAULT_JSON, LOG_INP_BUFF_SIZE: 14 };
  const t2 = targetFromJson(JSON.stringify(json), 'inp14-002.json');
  const t1 = targetFromJson(JSON.stringify({ ...json, HW_VER: '0.0.1' }), 'inp14-001.json');
  const gemm: RefField[] = [
    ...LOOP_WORD0,
    { field: 'dst_factor_out', lo: 64, hi: 74 },
    { field: 'dst_factor_in', lo: 75, hi: 85 },
    { field: 'src_factor_out', lo: 86, hi: 95 },
    { field: 'src_factor_in', lo: 96, hi: 105 },
    { field: 'wgt_factor_out', lo: 106, hi: 115 },
    { field: 'wgt_factor_in', lo: 116, hi: 125 },
  ];
  const alu001: RefField[] = [
    ...LOOP_WORD0,
    { field: 'dst_factor_out', lo: 64, hi: 74 },
    { field: 'dst_factor_in', lo: 75, hi: 85 },
    { field: 'src_factor_out', lo: 86, hi: 95 },
    { field: 'src_factor_in', lo: 96, hi: 105 },
    { field: 'alu_opcode', lo: 106, hi: 107 },
    { field: 'use_imm', lo: 108, hi: 108 },
    { field: 'imm', lo: 109, hi: 124, signed: true },
  ];
  const cases: Array<[string, VtaTarget, KindRef]> = [
    ['0.0.2 GEMM', t2, { name: 'GEMM', opcode: OP.GEMM, table: gemm, used: ALL128 & ~(bits(63, 63) | bits(126, 127)) }],
    ['0.0.1 GEMM', t1, { name: 'GEMM', opcode: OP.GEMM, table: gemm, used: ALL128 & ~(bits(63, 63) | bits(126, 127)) }],
    ['0.0.2 ALU', t2, { name: 'ALU', opcode: OP.ALU, table: ALU_DEFAULT, used: ALL128 & ~bits(63, 63) }],
    ['0.0.1 ALU', t1, { name: 'ALU', opcode: OP.ALU, table: alu001, used: ALL128 & ~(bits(63, 63) | bits(125, 127)) }],
  ];
  for (const [label, t, k] of cases) {
    it(`${label}: distinct values, all-ones and random round trip`, () => {
      checkInsn(t, k, distinctValues(k.table, 99 + k.opcode, [1, 0, 1, 0]), 'distinct');
      const ones: Partial<Record<FieldName, number>> = {};
      for (const f of k.table) if (f.field !== 'opcode') ones[f.field] = f.signed ? -1 : maxOf(f);
      assert.equal(hex(encode(t, makeInsn(k.opcode, ones))), hex(toBytes((k.used & ~bits(0, 2)) | BigInt(k.opcode))));
      const next = prng(31337 + label.length);
      for (let i = 0; i < 500; i++) {
        const values: Partial<Record<FieldName, number>> = {};
        for (const f of k.table) if (f.field !== 'opcode') values[f.field] = randomValue(next, f);
        checkInsn(t, k, values, `random ${i}`);
      }
    });
  }
  const uops: Array<[string, VtaTarget, RefUopField[], number]> = [
    ['0.0.2', t2, UOP_DEFAULT, 0xffffffff],
    [
      '0.0.1',
      t1,
      [
        { field: 'dst', lo: 0, hi: 10 },
        { field: 'src', lo: 11, hi: 20 },
        { field: 'wgt', lo: 21, hi: 30 },
      ],
      0x7fffffff,
    ],
  ];
  for (const [label, t, table, used] of uops) {
    it(`${label} micro-op layout`, () => {
      const u = { dst: 0, src: 0, wgt: 0 };
      for (const f of table) u[f.field] = 2 ** widthOf(f) - 1;
      const out = new Uint8Array(4);
      encodeUop(t, u, out);
      assert.equal(hex(out), hex(u32Bytes(used)));
      const next = prng(555);
      for (let i = 0; i < 500; i++) {
        const r = { dst: 0, src: 0, wgt: 0 };
        for (const f of table) r[f.field] = randomValue(next, f);
        encodeUop(t, r, out);
        assert.equal(hex(out), hex(u32Bytes(refUop(table, r))), JSON.stringify(r));
        assert.deepEqual(decodeUop(t, out), r);
      }
    });
  }
});

describe('ISA layout rule (§2.9 algorithm, the C bitfield rule of §2.1)', () => {
  const place = (widths: number[], unit: number) =>
    placeFields(
      widths.map((width, i) => ({ name: `f${i}`, width })),
      unit,
    ).map((f) => f.offset);

  it('a field that fits exactly up to the boundary stays; one bit more moves it to the next unit', () => {
    assert.deepEqual(place([63, 1, 1], 64), [0, 63, 64]);
    assert.deepEqual(place([63, 2], 64), [0, 64]);
    assert.deepEqual(place([64, 1], 64), [0, 64]);
    assert.deepEqual(place([10, 60, 4], 64), [0, 64, 124]);
    assert.deepEqual(place([60, 4, 64], 64), [0, 60, 64]);
  });

  it('skipped bits are padding: the next field starts at the next multiple of the unit', () => {
    assert.deepEqual(place([1, 64], 64), [0, 64]);
    assert.deepEqual(place([63, 14, 50, 1], 64), [0, 64, 78, 128]);
    assert.deepEqual(place([63, 14, 51], 64), [0, 64, 128]);
  });

  it('32-bit units for the micro-op', () => {
    assert.deepEqual(place([11, 11, 10], 32), [0, 11, 22]);
    assert.deepEqual(place([11, 11, 11], 32), [0, 11, 32]);
    assert.deepEqual(place([31, 2], 32), [0, 32]);
  });
});

describe('field access by number', () => {
  it('fieldAt/setFieldAt reach the field FIELD_NAMES names, for every field', () => {
    const insn = emptyInsn(0 as OpcodeId);
    assert.equal(new Set(FIELD_NAMES).size, 29);
    FIELD_NAMES.forEach((name, k) => {
      setFieldAt(insn, k, 1000 + k);
      assert.equal((insn as unknown as Record<string, number>)[name], 1000 + k, name);
      assert.equal(fieldAt(insn, k), 1000 + k, name);
    });
  });
});
