/**
 * One instruction or micro-op word explained field by field, from the ISA's layout
 * tables: what `vta decode` prints and the editor's hover over a hex word shows.
 */
import type { VtaTarget } from '../isa';
import {
  ALU_OP_NAMES,
  INSN_BYTES,
  MEM_TYPE_NAMES,
  MODULE_NAMES,
  OPCODE_NAMES,
  Opcode,
  UOP_BYTES,
  decodeInsn,
  decodeUop,
  isNop,
  kindOfOpcode,
  layoutsFor,
  moduleOf,
  uopLayoutFor,
} from '../isa';
import { disassembleOne } from './disassemble';

export interface WordField {
  name: string;
  /** Lowest and highest bit. */
  lo: number;
  hi: number;
  value: number;
  /** What the value means, when it names something (an opcode, a memory type). */
  meaning?: string;
}

export interface WordDescription {
  /** e.g. "LOAD INP (load module)", "micro-op". */
  title: string;
  fields: WordField[];
  /** The word as `.vta` lines (empty when it cannot be written). */
  vta: string[];
  problems: string[];
}

/** `bytes`: INSN_BYTES in memory order. */
export function describeInsnWord(t: VtaTarget, bytes: Uint8Array): WordDescription {
  const d = decodeInsn(t, bytes, 0);
  const insn = d.insn;
  const kind = kindOfOpcode(insn.opcode);
  if (!kind || d.unknownOpcode) {
    return {
      title: `unknown opcode ${insn.opcode}`,
      fields: [{ name: 'opcode', lo: 0, hi: 2, value: insn.opcode }],
      vta: [],
      problems: [`opcode ${insn.opcode} is not LOAD, STORE, GEMM, FINISH or ALU (fsim stops with "Unknown op_code")`],
    };
  }
  const fields: WordField[] = layoutsFor(t)[kind].fields.map((f) => {
    const w: WordField = { name: f.name, lo: f.offset, hi: f.offset + f.width - 1, value: insn[f.name] };
    const meaning =
      f.name === 'opcode'
        ? OPCODE_NAMES[w.value]
        : f.name === 'memory_type'
          ? MEM_TYPE_NAMES[w.value]
          : f.name === 'alu_opcode'
            ? ALU_OP_NAMES[w.value]?.toUpperCase()
            : undefined;
    if (meaning) w.meaning = meaning;
    return w;
  });
  const what =
    insn.opcode === Opcode.LOAD || insn.opcode === Opcode.STORE
      ? isNop(insn)
        ? `NOP (${OPCODE_NAMES[insn.opcode]} with x_size 0)`
        : `${OPCODE_NAMES[insn.opcode]} ${MEM_TYPE_NAMES[insn.memory_type] ?? `memory type ${insn.memory_type}`}`
      : insn.opcode === Opcode.ALU
        ? `ALU ${ALU_OP_NAMES[insn.alu_opcode]?.toUpperCase() ?? `op ${insn.alu_opcode}`}${insn.use_imm ? ' imm' : ''}`
        : OPCODE_NAMES[insn.opcode]!;
  const one = disassembleOne(t, insn);
  const problems = one.problem ? [one.problem] : [];
  if (d.strayBits) problems.push('bits set outside every field of its kind (the runtime zero-fills them)');
  return { title: `${what} (${MODULE_NAMES[moduleOf(insn)]} module)`, fields, vta: one.lines, problems };
}

/** `bytes`: UOP_BYTES in memory order. */
export function describeUopWord(t: VtaTarget, bytes: Uint8Array): WordDescription {
  const u = decodeUop(t, bytes, 0);
  const values = { dst_idx: u.dst, src_idx: u.src, wgt_idx: u.wgt };
  const fields = uopLayoutFor(t).fields.map((f) => ({
    name: f.name,
    lo: f.offset,
    hi: f.offset + f.width - 1,
    value: values[f.name],
  }));
  const last = Math.max(...fields.map((f) => f.hi));
  const stray =
    last < 31 && (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> (last + 1) !== 0;
  return {
    title: 'micro-op',
    fields,
    vta: [`uop dst=${u.dst} src=${u.src}${u.wgt ? ` wgt=${u.wgt}` : ''}`],
    problems: stray ? [`bits above ${last} are set: no field holds them`] : [],
  };
}

/** Either kind, by length; undefined for other lengths. */
export function describeWord(t: VtaTarget, bytes: Uint8Array): WordDescription | undefined {
  if (bytes.length === INSN_BYTES) return describeInsnWord(t, bytes);
  if (bytes.length === UOP_BYTES) return describeUopWord(t, bytes);
  return undefined;
}

/** Plain text: the title, one line per field (bits, name, value, meaning), the `.vta` lines, the problems. */
export function wordDescriptionText(d: WordDescription): string[] {
  const out = [d.title];
  for (const f of d.fields) {
    const bits = f.lo === f.hi ? `${f.lo}` : `${f.lo}-${f.hi}`;
    out.push(`  ${bits.padStart(7)}  ${f.name.padEnd(15)} ${f.value}${f.meaning ? ` (${f.meaning})` : ''}`);
  }
  for (const l of d.vta) out.push(`  .vta: ${l}`);
  for (const p of d.problems) out.push(`  problem: ${p}`);
  return out;
}
