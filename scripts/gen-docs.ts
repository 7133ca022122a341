/**
 * Generates docs/reference/isa.md from the core's tables: the field tables and
 * layouts, the micro-op layout, memory types, ALU operations, dependency flags,
 * NOP encodings, shipped targets and the operand keys of every instruction form.
 *
 *   node --import tsx scripts/gen-docs.ts          writes docs/reference/isa.md
 *   node --import tsx scripts/gen-docs.ts --check  exits 1 if the file is stale
 *
 * test/unit/docs-sync.test.ts renders the same text in memory and compares it with
 * the committed file, so the reference cannot drift from the tables.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ALU_OP_NAMES,
  BOARDS,
  DEFAULT_CONFIG_KEYS,
  INSN_BYTES,
  MEM_TYPE_NAMES,
  MODULE_NAMES,
  MemType,
  OPCODE_NAMES,
  QUEUE_RUNTIME_NAMES,
  SHIPPED_TARGET_NAMES,
  UOP_BYTES,
  aluOpsFor,
  deriveTarget,
  emptyInsn,
  encodeInsn,
  layoutsFor,
  moduleOf,
  queueOfFlag,
  shippedTarget,
  uopLayoutFor,
} from '../core/isa';
import type { DepFlag, InsnKind, Layout, ModuleId, OpcodeId, VtaTarget } from '../core/isa';
import { memInfo } from '../core/asm/data-layout';
import { DATA_MEMS, LOAD_TARGETS, MNEMONIC_DOCS, OPERANDS, UOP_OPERANDS } from '../core/asm/operands';
import type { InsnForm, OperandSpec } from '../core/asm/operands';
import { nopInsn } from '../core/asm/token-folding';
import type { DataMem } from '../core/program/program';

/** Where the generated reference lives, relative to the repository root. */
export const ISA_DOC_PATH = 'docs/reference/isa.md';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// --- markdown helpers -------------------------------------------------------------

function cell(s: string | number): string {
  return String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(head: string[], rows: Array<Array<string | number>>): string {
  const lines = [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function bits(offset: number, width: number): string {
  return width === 1 ? `${offset}` : `${offset}–${offset + width - 1}`;
}

/** `bit 7` or `bits 7–9`. */
function bitsPhrase(offset: number, width: number): string {
  return `${width === 1 ? 'bit' : 'bits'} ${bits(offset, width)}`;
}

const code = (s: string | number) => `\`${s}\``;

// --- the two reference targets --------------------------------------------------------

function targets(): { t2: VtaTarget; t1: VtaTarget } {
  const t2 = shippedTarget('default')!;
  // The same numbers with the pre-0.0.2 ISA, to show what the version changes.
  const t1 = deriveTarget('HW_VER 0.0.1', { ...DEFAULT_CONFIG_KEYS, HW_VER: '0.0.1' });
  return { t2, t1 };
}

// --- sections ---------------------------------------------------------------------------

const KIND_TITLES: Record<InsnKind, string> = {
  mem: 'LOAD and STORE',
  gemm: 'GEMM',
  alu: 'ALU',
  finish: 'FINISH',
};

/** Rows of a layout, with the unused gaps between and after fields. */
function layoutRows(layout: Layout, totalBits: number): Array<Array<string | number>> {
  const rows: Array<Array<string | number>> = [];
  let at = 0;
  const gap = (to: number) => {
    if (to > at) rows.push([bits(at, to - at), to - at, '*(unused)*', 'Should be zero.']);
  };
  for (const f of layout.fields) {
    gap(f.offset);
    rows.push([
      bits(f.offset, f.width),
      f.width,
      code(f.name),
      f.doc + (f.signed && !/signed/i.test(f.doc) ? ' (signed)' : ''),
    ]);
    at = f.offset + f.width;
  }
  gap(totalBits);
  return rows;
}

/** Fields whose position or width differ between two layouts of one kind. */
function layoutDiff(a: Layout, b: Layout): string[] {
  const out: string[] = [];
  for (const fb of b.fields) {
    const fa = a.byName[fb.name];
    if (!fa) {
      out.push(`${code(fb.name)} exists only in HW_VER 0.0.1 (${bitsPhrase(fb.offset, fb.width)})`);
    } else if (fa.offset !== fb.offset || fa.width !== fb.width) {
      out.push(
        `${code(fb.name)}: ${bitsPhrase(fb.offset, fb.width)} (${fb.width} bit${fb.width === 1 ? '' : 's'}) instead of ${bits(fa.offset, fa.width)}`,
      );
    }
  }
  for (const fa of a.fields) {
    if (!b.byName[fa.name]) out.push(`${code(fa.name)} does not exist in HW_VER 0.0.1`);
  }
  return out;
}

function targetSection(t: VtaTarget): string {
  const k = t.keys;
  const keyRows = (Object.keys(k) as Array<keyof typeof k>).map((name) => [code(name), code(String(k[name]))]);
  const derived: Array<[string, string | number]> = [
    ['bitstream string', code(t.bitstream)],
    ['BATCH × BLOCK_IN × BLOCK_OUT', `${t.batch} × ${t.blockIn} × ${t.blockOut}`],
    ['INP / WGT / ACC / OUT element bits', `${t.inpBits} / ${t.wgtBits} / ${t.accBits} / ${t.outBits}`],
    ['instruction size', `${INSN_BYTES * 8} bits (${INSN_BYTES} B)`],
    ['micro-op size', `${UOP_BYTES * 8} bits (${UOP_BYTES} B)`],
  ];
  const buffers = [t.uop, t.inp, t.wgt, t.acc, t.out].map((g) => [g.name, g.rowBytes, g.depth, g.logDepth]);
  return [
    '## 1. The default target',
    '',
    `\`target default\` is TVM's stock \`vta_config.json\`. Every table below is for this target unless it says otherwise.`,
    '',
    table(['key', 'value'], keyRows),
    '',
    table(['derived quantity', 'value'], derived),
    '',
    '### SRAM buffers',
    '',
    table(['buffer', 'row bytes', 'depth (rows)', 'index bits'], buffers),
    '',
    'A UOP row is one micro-op.',
  ].join('\n');
}

const VTA_NAME_OF_MEM: Record<number, DataMem> = {
  [MemType.UOP]: 'uop',
  [MemType.WGT]: 'wgt',
  [MemType.INP]: 'inp',
  [MemType.ACC]: 'acc',
  [MemType.OUT]: 'out',
  [MemType.ACC_8BIT]: 'acc8',
};

function memSection(t: VtaTarget): string {
  const rows = Object.keys(MEM_TYPE_NAMES)
    .map(Number)
    .sort((a, b) => a - b)
    .map((id) => {
      const name = VTA_NAME_OF_MEM[id]!;
      const info = memInfo(t, name);
      const uses: string[] = [];
      if ((LOAD_TARGETS as readonly string[]).includes(name)) {
        const insn = emptyInsn(0);
        insn.memory_type = id;
        uses.push(`\`load ${name}\` (${moduleOf(insn)})`);
      }
      if ((DATA_MEMS as readonly string[]).includes(name)) uses.push('`data`');
      if (id === MemType.OUT) uses.push('`store out` (st)');
      const lanes = name === 'uop' ? '1 micro-op' : `${info.lanes} × int${info.laneBits}`;
      return [id, MEM_TYPE_NAMES[id]!, code(name), t.elemBytes[id]!, lanes, uses.join(', ')];
    });
  return [
    '## 2. Memory types',
    '',
    'The `memory_type` values, their `.vta` spelling and the size of one DRAM element. `dram_base`, `x_stride` and the',
    'value of a data name count in these elements. A `data` lane list fills the lanes of each element in row-major order.',
    '',
    table(['id', 'memory type', '`.vta`', 'DRAM element bytes', 'lanes per element', 'used by (module)'], rows),
  ].join('\n');
}

function opcodeSection(): string {
  const kindOf: Record<number, InsnKind> = { 0: 'mem', 1: 'mem', 2: 'gemm', 3: 'finish', 4: 'alu' };
  const moduleText = (op: number): string => {
    if (op !== 0) return moduleOf(emptyInsn(op as OpcodeId));
    const ld = [MemType.INP, MemType.WGT];
    const names = (ids: number[]) => ids.map((i) => MEM_TYPE_NAMES[i]).join('/');
    const ex = Object.keys(MEM_TYPE_NAMES)
      .map(Number)
      .filter((i) => !ld.includes(i as 1 | 2) && i !== MemType.OUT);
    const m = (id: number) => {
      const insn = emptyInsn(0);
      insn.memory_type = id;
      return moduleOf(insn);
    };
    return `${m(ld[0]!)} for ${names(ld)}, ${m(ex[0]!)} for ${names(ex)}`;
  };
  const rows = Object.keys(OPCODE_NAMES)
    .map(Number)
    .map((op) => [op, OPCODE_NAMES[op]!, KIND_TITLES[kindOf[op]!], moduleText(op)]);
  return [
    '## 3. Opcodes and modules',
    '',
    'The 3-bit `opcode` (bits 0–2 of every instruction) selects the layout; the fetch unit sends each instruction to',
    `one module: ld (${MODULE_NAMES.ld}), ex (${MODULE_NAMES.ex}) or st (${MODULE_NAMES.st}). Opcodes 5–7 are unused.`,
    '',
    table(['opcode', 'name', 'layout', 'module'], rows),
  ].join('\n');
}

function layoutSection(t2: VtaTarget, t1: VtaTarget): string {
  const l2 = layoutsFor(t2);
  const l1 = layoutsFor(t1);
  const parts = [
    '## 4. Instruction layouts',
    '',
    `An instruction is ${INSN_BYTES * 8} bits, stored as two little-endian 64-bit words (bits 0–63, then 64–127). Fields are`,
    'placed in table order from bit 0; a field that would cross a 64-bit boundary starts at the next word, and the',
    'bits it skips are unused. Every kind starts with the opcode and the four dependency flags.',
  ];
  for (const kind of ['mem', 'gemm', 'alu', 'finish'] as const) {
    parts.push(
      '',
      `### ${KIND_TITLES[kind]}`,
      '',
      table(['bits', 'width', 'field', 'meaning'], layoutRows(l2[kind], INSN_BYTES * 8)),
    );
    if (kind === 'finish') {
      parts.push('', 'FINISH is encoded in the GEMM layout with every field after the flags zero.');
    }
    const diff = layoutDiff(l2[kind], l1[kind]);
    parts.push(
      '',
      diff.length
        ? `HW_VER 0.0.1 (same buffer sizes): ${diff.join('; ')}.`
        : 'HW_VER 0.0.1 (same buffer sizes): identical.',
    );
  }
  return parts.join('\n');
}

function uopSection(t2: VtaTarget, t1: VtaTarget): string {
  const u2 = uopLayoutFor(t2);
  const u1 = uopLayoutFor(t1);
  const mask = (offset: number, width: number) =>
    `0x${(((2 ** width - 1) * 2 ** offset) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  const rows = u2.fields.map((f) => [bits(f.offset, f.width), f.width, code(f.name), mask(f.offset, f.width), f.doc]);
  const diffs = u1.fields.flatMap((f) => {
    const g = u2.fields.find((x) => x.name === f.name)!;
    return g.offset !== f.offset || g.width !== f.width
      ? [`${code(f.name)}: ${bitsPhrase(f.offset, f.width)} instead of ${bits(g.offset, g.width)}`]
      : [];
  });
  const used = u2.fields.reduce((s, f) => s + f.width, 0);
  return [
    '## 5. Micro-op layout',
    '',
    `A micro-op is ${UOP_BYTES * 8} bits, stored as one little-endian 32-bit word; ${used} bits are used on the default target.`,
    'The widths follow the buffer depths: `dst_idx` has the ACC index bits, `src_idx` the larger of the ACC and INP',
    'index bits (HW_VER 0.0.2; the INP index bits in 0.0.1), `wgt_idx` the WGT index bits.',
    '',
    table(['bits', 'width', 'field', 'mask', 'meaning'], rows),
    '',
    diffs.length
      ? `HW_VER 0.0.1 (same buffer sizes): ${diffs.join('; ')}.`
      : 'HW_VER 0.0.1 (same buffer sizes): identical.',
  ].join('\n');
}

function aluSection(t2: VtaTarget, t1: VtaTarget): string {
  const v1 = aluOpsFor(t1) as readonly string[];
  const v2 = aluOpsFor(t2) as readonly string[];
  const rows = ALU_OP_NAMES.map((op, i) => [i, code(op), v1.includes(op) ? 'yes' : '—', v2.includes(op) ? 'yes' : '—']);
  return [
    '## 6. ALU operations',
    '',
    'The `alu_opcode` values and the `.vta` spelling (`alu OP ...`) per hardware version. Values not listed are unused.',
    '',
    table(['alu_opcode', '`.vta`', 'HW_VER 0.0.1', 'HW_VER 0.0.2'], rows),
  ].join('\n');
}

function flagSection(): string {
  const flags: DepFlag[] = ['pop_prev_dep', 'pop_next_dep', 'push_prev_dep', 'push_next_dep'];
  const rows = (['ld', 'ex', 'st'] as ModuleId[]).map((m) => [
    `${m} (${MODULE_NAMES[m]})`,
    ...flags.map((f) => {
      const q = queueOfFlag(m, f);
      return q ? `${code(q)} (${QUEUE_RUNTIME_NAMES[q]})` : 'illegal';
    }),
  ]);
  return [
    '## 7. Dependency flags',
    '',
    "The queue each flag pops or pushes, per module (the runtime's queue names in parentheses). `pop Q` and",
    '`push Q` lines set these flags; the assembler never sets an illegal one.',
    '',
    table(['module', ...flags.map(code)], rows),
  ].join('\n');
}

function nopSection(t: VtaTarget): string {
  const rows = (['ld', 'ex', 'st'] as ModuleId[]).map((m) => {
    const insn = nopInsn(m);
    const bytes = new Uint8Array(INSN_BYTES);
    encodeInsn(t, insn, bytes);
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    return [
      code(`nop ${m}`),
      OPCODE_NAMES[insn.opcode]!,
      `${insn.memory_type} (${MEM_TYPE_NAMES[insn.memory_type]})`,
      insn.x_size,
      code(hex),
    ];
  });
  return [
    '## 8. NOP encodings',
    '',
    'A LOAD or STORE with `x_size` 0 moves no data but still pops and pushes tokens. `nop ld|ex|st` and the NOPs',
    "the assembler inserts for tokens are encoded as VTA's runtime encodes its sync instructions; every field not",
    'shown is 0 apart from the dependency flags. Bytes are in memory order, flags clear.',
    '',
    table(['`.vta`', 'opcode', 'memory_type', 'x_size', 'bytes'], rows),
  ].join('\n');
}

function targetsSection(): string {
  const rows = SHIPPED_TARGET_NAMES.map((name) => {
    const t = shippedTarget(name)!;
    const b = t.board;
    return [
      code(name),
      code(t.keys.TARGET),
      t.keys.HW_VER,
      b.implementation,
      b.clockMHz,
      t.busBits,
      Number.isFinite(b.tokenQueueDepth) ? b.tokenQueueDepth : 'unbounded',
      b.hasMulAndAcc8 ? 'yes' : 'no',
    ];
  });
  const same = SHIPPED_TARGET_NAMES.every((n) => shippedTarget(n)!.bitstream === shippedTarget('default')!.bitstream);
  const boards = Object.keys(BOARDS).map(code).join(', ');
  return [
    '## 9. Shipped targets',
    '',
    'Names accepted by `target NAME`. ' +
      (same
        ? `All ${SHIPPED_TARGET_NAMES.length} use the default target's numbers (\`${shippedTarget('default')!.bitstream}\`); they differ in the board.`
        : 'Their numbers differ; see each target.'),
    `A \`target "file.json"\` takes the board of its \`TARGET\` key (${boards}); any other \`TARGET\` gets pynq's board.`,
    '"mul & acc8" says whether the implementation has ALU `mul` and LOAD ACC_8BIT; the assembler warns when a',
    'program uses them on a target without them.',
    '',
    table(
      ['name', 'TARGET', 'HW_VER', 'implementation', 'clock (MHz)', 'AXI bus bits', 'token queue depth', 'mul & acc8'],
      rows,
    ),
  ].join('\n');
}

const FORM_TITLES: Record<InsnForm, string> = {
  load: `\`load ${LOAD_TARGETS.join('|')} ...\``,
  'load-uop-kernel': '`load uop KERNEL ...`',
  store: '`store out ...`',
  gemm: '`gemm KERNEL [reset] ...` / `gemm uop=B..E [reset] ...`',
  alu: `\`alu OP KERNEL ...\` / \`alu OP uop=B..E ...\` (OP: ${ALU_OP_NAMES.map(code).join(', ')})`,
  nop: '`nop ld|ex|st`',
  finish: '`finish`',
};

const FORM_MNEMONIC: Record<InsnForm, string> = {
  load: 'load',
  'load-uop-kernel': 'load',
  store: 'store',
  gemm: 'gemm',
  alu: 'alu',
  nop: 'nop',
  finish: 'finish',
};

const FORM_NOTES: Partial<Record<InsnForm, string>> = {
  load: '`load uop` followed by operands only (no kernel name) is the raw form; its `dram` and `x` count micro-ops (4 B each).',
  'load-uop-kernel':
    "Sets `sram_base`; `dram_base`, `y_size` 1 and `x_size` = `x_stride` = the kernel's micro-op count come from the kernel.",
  store:
    '`pad` is accepted only so that a disassembled stream re-assembles byte for byte; any use is an error (`vta.range.store-pad`).',
  gemm: '`reset` sets `reset_reg`. A kernel name stands for `uop=B..E` where its latest `load uop` put it.',
  alu: '`reset` sets `reset_reg` (encoded, ignored by every implementation). `imm` present sets `use_imm`.',
};

function operandRows(specs: OperandSpec[]): Array<Array<string | number>> {
  return specs.map((s) => [
    code(s.key),
    code(s.shape ?? 'E'),
    s.fields.length ? s.fields.map(code).join(', ') : '—',
    s.required ? 'required' : 'optional',
    s.doc,
  ]);
}

function operandSection(): string {
  const parts = [
    '## 10. Operand keys',
    '',
    'Operands are `key=value` pairs in any order, each at most once; `E` is an integer expression. A `B..E` range is',
    'half-open. Defaults are in the meaning column.',
  ];
  for (const form of Object.keys(OPERANDS) as InsnForm[]) {
    parts.push('', `### ${FORM_TITLES[form]}`, '', MNEMONIC_DOCS[FORM_MNEMONIC[form]]!);
    const specs = OPERANDS[form];
    parts.push(
      '',
      specs.length ? table(['key', 'value', 'fields', 'use', 'meaning'], operandRows(specs)) : 'No operands.',
    );
    const note = FORM_NOTES[form];
    if (note) parts.push('', note);
  }
  parts.push(
    '',
    '### `uop ...` (inside a `kernel`)',
    '',
    MNEMONIC_DOCS.uop!,
    '',
    table(['key', 'value', 'fields', 'use', 'meaning'], operandRows(UOP_OPERANDS)),
    '',
    '### `push Q` / `pop Q`',
    '',
    `- ${MNEMONIC_DOCS.push!}`,
    `- ${MNEMONIC_DOCS.pop!}`,
  );
  return parts.join('\n');
}

/** The full text of docs/reference/isa.md. */
export function renderIsaReference(): string {
  const { t2, t1 } = targets();
  const sections = [
    '# VTA ISA reference',
    '',
    '<!-- Generated by scripts/gen-docs.ts from core/isa and core/asm/operands.ts. Do not edit by hand:',
    '     run `node --import tsx scripts/gen-docs.ts`. test/unit/docs-sync.test.ts fails when this file is stale. -->',
    '',
    'The hardware tables that the assembler, disassembler, checks and simulator share, printed from the same code',
    'that encodes instructions. How to write programs is in the [language reference](language.md).',
    '',
    '1. [The default target](#1-the-default-target)',
    '2. [Memory types](#2-memory-types)',
    '3. [Opcodes and modules](#3-opcodes-and-modules)',
    '4. [Instruction layouts](#4-instruction-layouts)',
    '5. [Micro-op layout](#5-micro-op-layout)',
    '6. [ALU operations](#6-alu-operations)',
    '7. [Dependency flags](#7-dependency-flags)',
    '8. [NOP encodings](#8-nop-encodings)',
    '9. [Shipped targets](#9-shipped-targets)',
    '10. [Operand keys](#10-operand-keys)',
    '',
    targetSection(t2),
    '',
    memSection(t2),
    '',
    opcodeSection(),
    '',
    layoutSection(t2, t1),
    '',
    uopSection(t2, t1),
    '',
    aluSection(t2, t1),
    '',
    flagSection(),
    '',
    nopSection(t2),
    '',
    targetsSection(),
    '',
    operandSection(),
    '',
  ];
  return sections.join('\n');
}

export function isaDocFile(): string {
  return path.join(repoRoot, ISA_DOC_PATH);
}

function main(argv: string[]): number {
  const text = renderIsaReference();
  const file = isaDocFile();
  if (argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      process.stderr.write(`${ISA_DOC_PATH} is out of date: run node --import tsx scripts/gen-docs.ts\n`);
      return 1;
    }
    return 0;
  }
  writeFileSync(file, text);
  process.stdout.write(`wrote ${ISA_DOC_PATH}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
