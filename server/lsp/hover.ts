/**
 * Hovers: mnemonic and operand docs from the core tables; on an instruction, its
 * decoded fields, the 16-byte encoding, the SRAM rows it touches and the token
 * queues around it; on a name, its definition.
 */
import type { Hover, Position } from 'vscode-languageserver/node';
import { MNEMONIC_DOCS, OPERANDS, UOP_OPERANDS } from '../../core/asm/operands';
import type { RowAccess } from '../../core/analysis/access';
import { programIndex } from '../../core/analysis/program-index';
import {
  aluOpsFor,
  INSN_BYTES,
  encodeInsn,
  layoutOfInsn,
  MODULE_NAMES,
  OPCODE_NAMES,
  QUEUES,
  FIELD_TABLES,
  ALU_OP_NAMES,
} from '../../core/isa';
import type { InsnStmt } from '../../core/lang/ast';
import { count } from '../../core/lang/count';
import { formOf, operandAt, statementAt, wordAt } from '../../core/lsp-support/locate';
import { rangeContains, symbolAt } from '../../core/lsp-support/symbols';
import { SCHED_OPERATORS } from '../../core/schedule';
import { layerFiguresMarkdown } from './schedule-figures';
import { layerShareText, networkHover } from './schedule-networks';
import type { ScheduleTuner } from './schedule-tuner';
import { tuningMarkdown } from './schedule-tuning';
import type { SchedAnalysis, VtaAnalysis, Workspace } from './workspace';

export function formatRows(a: RowAccess): string {
  const parts: string[] = [];
  for (let i = 0; i < a.rows.length; i += 2) {
    const lo = a.rows[i]!;
    const hi = a.rows[i + 1]!;
    parts.push(hi - lo === 1 ? `${lo}` : `${lo}..${hi - 1}`);
  }
  let s = parts.length > 4 ? `${parts.slice(0, 4).join(', ')}, … (${parts.length} runs)` : parts.join(', ');
  if (!parts.length) s = a.max >= a.min ? `${a.min}..${a.max}` : 'none';
  return s;
}

/** The program instructions written by a statement (through loops: several). */
export function insnsOf(
  a: VtaAnalysis,
  s: { range: { start: { line: number; character: number } } },
): readonly number[] {
  const p = a.result.program;
  return p ? programIndex(p).writtenAt(a.file, s.range.start) : [];
}

export function instructionDetails(ws: Workspace, a: VtaAnalysis, s: InsnStmt): string {
  const idx = insnsOf(a, s);
  const p = a.result.program;
  if (!p || !idx.length) return '';
  const i = idx[0]!;
  const pi = p.insns[i]!;
  const index = programIndex(p);
  const accesses = index.accesses(i) ?? [];
  const lines: string[] = [];
  const mod = pi.module;
  lines.push(
    `**${OPCODE_NAMES[pi.insn.opcode] ?? 'insn'}** #${i} on the ${MODULE_NAMES[mod]} module (\`${mod}\`)${idx.length > 1 ? ` — this line writes ${idx.length} instructions; the first is shown` : ''}`,
  );
  // What the instruction does to the buffers and the queues first; its bits last.
  if (accesses.length) {
    lines.push('', 'SRAM rows:');
    for (const acc of accesses) lines.push(`- ${acc.role}: ${acc.buf.toUpperCase()} ${formatRows(acc)}`);
  }
  const q = (r: Record<string, number>) => QUEUES.map((x) => `${x} ${r[x]}`).join(', ');
  lines.push('', `Tokens (in text order) before: ${q(index.queuesBefore(i))}; after: ${q(index.queuesAfter(i))}`);
  try {
    const layout = layoutOfInsn(p.target, pi.insn);
    const bytes = new Uint8Array(INSN_BYTES);
    encodeInsn(p.target, pi.insn, bytes);
    lines.push('', `Encoding: \`${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}\``);
    lines.push('', '| field | value | bits |', '|---|---|---|');
    for (const f of layout.fields)
      lines.push(`| \`${f.name}\` | ${pi.insn[f.name]} | ${f.offset}..${f.offset + f.width - 1} |`);
  } catch (e) {
    lines.push('', `Not encodable: ${(e as Error).message}`);
  }
  return lines.join('\n');
}

/** The source text of instruction i's line, without its comment (for naming it in a hover). */
function insnLine(a: VtaAnalysis, i: number): string {
  const src = a.result.program?.insns[i]?.source;
  if (!src || src.file !== a.file) return '';
  const line = a.text.split('\n', src.start.line + 1)[src.start.line] ?? '';
  return line
    .slice(src.start.character)
    .replace(/\s*;.*$/, '')
    .trim();
}

export function hoverVta(ws: Workspace, a: VtaAnalysis, pos: Position): Hover | null {
  const sym = symbolAt(a.symbols, a.file, pos);
  if (sym) {
    const d = sym.def;
    return {
      contents: {
        kind: 'markdown',
        value: `\`${d.detail}\` — ${d.kind === 'loopvar' ? 'loop variable' : d.kind === 'param' ? 'kernel parameter' : d.kind}${d.file !== a.file ? ` (from ${d.file})` : ''}`,
      },
      range: sym.range,
    };
  }
  const s = statementAt(a.ast, pos);
  if (!s) return null;
  if (s.kind === 'insn') {
    const op = operandAt(s, pos);
    if (op && rangeContains(op.key.range, pos)) {
      const spec = OPERANDS[formOf(s)].find((o) => o.key === op.key.name);
      if (spec)
        return {
          contents: {
            kind: 'markdown',
            value: `\`${spec.key}=${spec.shape ?? 'E'}\` — ${spec.doc}\n\nSets: ${spec.fields.map((f) => `\`${f}\``).join(', ')}`,
          },
          range: op.key.range,
        };
    }
    const w = wordAt(s, pos);
    if (w && s.mnemonic === 'alu' && (ALU_OP_NAMES as readonly string[]).includes(w.name)) {
      const doc = FIELD_TABLES.alu.find((f) => f.name === 'alu_opcode')?.doc ?? '';
      return {
        contents: { kind: 'markdown', value: `ALU operation \`${w.name}\`. ${doc}\n\n${instructionDetails(ws, a, s)}` },
        range: w.range,
      };
    }
    const head = MNEMONIC_DOCS[s.mnemonic] ?? '';
    return {
      contents: { kind: 'markdown', value: `${head}\n\n${instructionDetails(ws, a, s)}` },
      range: rangeContains(s.mnemonicRange, pos) ? s.mnemonicRange : s.range,
    };
  }
  if (s.kind === 'uop') {
    const op = operandAt(s, pos);
    const spec = op && UOP_OPERANDS.find((o) => o.key === op.key.name);
    if (op && spec)
      return { contents: { kind: 'markdown', value: `\`${spec.key}\` — ${spec.doc}` }, range: op.key.range };
    return { contents: { kind: 'markdown', value: MNEMONIC_DOCS.uop! }, range: s.range };
  }
  if (s.kind === 'target' && a.result.program) {
    const t = a.result.program.target;
    const rows = [t.uop, t.inp, t.wgt, t.acc, t.out].map((g) => `| ${g.name} | ${g.depth} | ${g.rowBytes} |`);
    return {
      contents: {
        kind: 'markdown',
        value: [
          `Target \`${t.name}\` (HW ${t.keys.HW_VER}, bitstream \`${t.bitstream}\`): BATCH ${t.batch}, BLOCK_IN ${t.blockIn}, BLOCK_OUT ${t.blockOut}; ALU ops ${aluOpsFor(t).join(', ')}.`,
          '',
          '| buffer | rows | bytes/row |',
          '|---|---|---|',
          ...rows,
        ].join('\n'),
      },
      range: s.valueRange,
    };
  }
  if (s.kind === 'push' || s.kind === 'pop') {
    let extra = '';
    const p = a.result.program;
    const t = p && programIndex(p).tokenLine(a.file, s.range.start.line);
    if (t) {
      const pi = a.result.program!.insns[t.carrier]!;
      const line = pi.origin !== 'token-nop' && pi.source?.file === a.file ? ` (line ${pi.source.start.line + 1})` : '';
      const what =
        pi.origin === 'token-nop'
          ? `a \`nop ${pi.module}\` the assembler inserted`
          : `**${OPCODE_NAMES[pi.insn.opcode] ?? 'insn'}** #${t.carrier}${line}: \`${insnLine(a, t.carrier)}\``;
      extra = `\n\nCarried by ${what}, which sets \`${t.flag}\`.\n\nAfter this line ${t.queue} holds ${count(t.count, 'token')} (text order).`;
    }
    return { contents: { kind: 'markdown', value: `${MNEMONIC_DOCS[s.kind]}${extra}` }, range: s.range };
  }
  return null;
}

export function hoverSched(ws: Workspace, a: SchedAnalysis, pos: Position, tuner?: ScheduleTuner): Hover | null {
  const figuresOf = (nameRange: SchedAnalysis['ast']['statements'][number]['range']) => {
    const f = a.lint.layers.find((x) => x.layer.nameRange === nameRange);
    if (!f) return undefined;
    // One layer, as far as the expensive tier (or the hover request: server.ts) has computed it.
    const op = a.ast.statements.find((s) => s.kind === 'operator' && s.nameRange === nameRange);
    const lowered = op?.kind === 'operator' ? ws.layerLowered(a, op, false) : undefined;
    return layerFiguresMarkdown(f, lowered?.estimate, lowered?.skippedInstructions);
  };
  for (const s of a.ast.statements) {
    if (s.kind === 'target') {
      if (rangeContains(s.range, pos))
        return { contents: { kind: 'markdown', value: `The hardware configuration: \`${s.value}\`.` }, range: s.range };
      continue;
    }
    if (!rangeContains(s.range, pos)) continue;
    if (s.kind === 'network') return networkHover(ws, a, s, pos);
    const spec = SCHED_OPERATORS[s.op];
    if (rangeContains(s.opRange, pos) || rangeContains(s.nameRange, pos)) {
      const figures = figuresOf(s.nameRange);
      const doc = spec ? `**${s.op}** \`${s.name}\` — ${spec.doc}` : `unknown operator \`${s.op}\``;
      const share = layerShareText(ws, a, s.name);
      const tuned = tuner && tuningMarkdown(tuner, a, s);
      return {
        contents: { kind: 'markdown', value: [doc, share, figures, tuned].filter(Boolean).join('\n\n') },
        range: s.headerRange,
      };
    }
    for (const it of s.items) {
      if (!rangeContains(it.range, pos)) continue;
      const k = spec?.keys.find((x) => x.key === it.key);
      const p = it.params.find((x) => rangeContains(x.nameRange, pos));
      if (p && k?.params?.[p.name])
        return {
          contents: { kind: 'markdown', value: `\`${it.key} ${p.name}\` — ${k.params[p.name]}` },
          range: p.nameRange,
        };
      if (k) {
        // The tile and thread lines are where the footprint is decided: show it there too.
        const figures = it.key === 'tile' || it.key === 'threads' ? figuresOf(s.nameRange) : undefined;
        return {
          contents: { kind: 'markdown', value: `\`${k.key}\` — ${k.doc}${figures ? `\n\n${figures}` : ''}` },
          range: it.keyRange,
        };
      }
    }
  }
  return null;
}
