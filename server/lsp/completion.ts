/**
 * Completion and signature help, driven by what the line holds before the cursor
 * and by the core's tables (operand keys, ALU ops, queues, memory types, targets).
 */
import {
  CompletionItemKind,
  MarkupKind,
  type CompletionItem,
  type Position,
  type SignatureHelp,
} from 'vscode-languageserver/node';
import {
  DATA_MEMS,
  LOAD_TARGETS,
  MNEMONIC_DOCS,
  OPERANDS,
  UOP_OPERANDS,
  type InsnForm,
  type OperandSpec,
} from '../../core/asm/operands';
import { aluOpsFor, defaultTarget, QUEUES, SHIPPED_TARGET_NAMES } from '../../core/isa';
import { namesInScope } from '../../core/lsp-support/symbols';
import { NETWORK_ENTRY_KEYS, SCHED_EPILOGUE_OPS, SCHED_OPERATORS } from '../../core/schedule';
import { knobChoices } from '../../core/schedule';
import type { SchedAnalysis, VtaAnalysis } from './workspace';

const STATEMENT_KEYWORDS: Record<string, string> = {
  target: 'target NAME | "path/vta_config.json": the hardware configuration.',
  include: 'include "other.vta": constants, data and kernels of another file.',
  const: 'const NAME = EXPR: a compile-time integer.',
  image: 'image "file.bin": the initial DRAM image.',
  data: 'data NAME : MEM[COUNT] [= INIT]: a DRAM tensor.',
  kernel: 'kernel NAME[(P, …)] { uop … }: a micro-kernel.',
  for: 'for VAR in A..B { … }: repeats its body (half-open range).',
  if: 'if EXPR { … } [else { … }]: keeps one branch at assembly time.',
};

const INSN_MNEMONICS = ['load', 'store', 'gemm', 'alu', 'nop', 'finish', 'push', 'pop'];

function linePrefix(text: string, pos: Position): string {
  const lines = text.split('\n');
  const line = (lines[pos.line] ?? '').replace(/\r$/, '');
  const upTo = line.slice(0, pos.character);
  const c = upTo.search(/;|\/\//);
  return c >= 0 ? '\u0000' : upTo; // inside a comment: nothing to complete
}

function formOfWords(words: string[]): InsnForm | undefined {
  const m = words[0];
  if (!m) return undefined;
  if (m === 'load')
    return words[1] === 'uop' &&
      !words.some((w) => w.startsWith('dram=')) &&
      words.length > 2 &&
      !words[2]!.includes('=')
      ? 'load-uop-kernel'
      : 'load';
  if (m === 'store' || m === 'gemm' || m === 'alu' || m === 'nop' || m === 'finish') return m;
  return undefined;
}

function operandItems(specs: OperandSpec[], used: Set<string>): CompletionItem[] {
  return specs
    .filter((s) => !used.has(s.key))
    .map((s, i) => ({
      label: `${s.key}=`,
      kind: CompletionItemKind.Field,
      detail: `${s.key}=${s.shape ?? 'E'}${s.required ? ' (required)' : ''}`,
      documentation: {
        kind: MarkupKind.Markdown,
        value: `${s.doc}\n\nSets ${s.fields.map((f) => `\`${f}\``).join(', ') || 'the micro-op'}`,
      },
      sortText: `${s.required ? 0 : 1}${String(i).padStart(2, '0')}`,
      insertText: `${s.key}=`,
      command: { title: 'signature', command: 'editor.action.triggerParameterHints' },
    }));
}

export function completeVta(a: VtaAnalysis | undefined, text: string, pos: Position): CompletionItem[] {
  const prefix = linePrefix(text, pos);
  if (prefix === '\u0000') return [];
  const words = prefix.trim().split(/\s+/).filter(Boolean);
  const endsWithSpace = /\s$/.test(prefix) || prefix.trim() === '';
  // The word being typed is not part of the context.
  const ctx = endsWithSpace ? words : words.slice(0, -1);
  // Keys already written anywhere on the line (except the one under the cursor).
  const fullLine = (text.split('\n')[pos.line] ?? '').replace(/(;|\/\/).*$/, '');
  const usedOnLine = new Set(
    [...fullLine.matchAll(/\b([A-Za-z_]\w*)=/g)]
      .filter((m) => !(m.index! <= pos.character && pos.character <= m.index! + m[0].length))
      .map((m) => m[1]!),
  );
  const typing = endsWithSpace ? '' : (words.at(-1) ?? '');
  const scoped = a ? namesInScope(a.symbols, a.file, pos) : [];
  const target = a?.result.program?.target ?? defaultTarget();
  const names = (kinds: string[]): CompletionItem[] =>
    scoped
      .filter((d) => kinds.includes(d.kind))
      .map((d) => ({
        label: d.name,
        kind:
          d.kind === 'kernel'
            ? CompletionItemKind.Function
            : d.kind === 'const'
              ? CompletionItemKind.Constant
              : d.kind === 'label'
                ? CompletionItemKind.Reference
                : CompletionItemKind.Variable,
        detail: d.detail,
      }));
  const plain = (labels: readonly string[], kind: CompletionItemKind, detail?: string): CompletionItem[] =>
    labels.map((l) => ({ label: l, kind, detail }));

  // After `key=`: values (names in scope).
  if (/=[^\s=]*$/.test(typing) || /=$/.test(prefix)) return names(['const', 'data', 'loopvar', 'param']);
  if (ctx.length === 0) {
    const items: CompletionItem[] = INSN_MNEMONICS.map((m) => ({
      label: m,
      kind: CompletionItemKind.Keyword,
      detail: 'instruction',
      documentation: MNEMONIC_DOCS[m],
    }));
    for (const [k, doc] of Object.entries(STATEMENT_KEYWORDS))
      items.push({ label: k, kind: CompletionItemKind.Keyword, documentation: doc });
    items.push({ label: 'uop', kind: CompletionItemKind.Keyword, documentation: MNEMONIC_DOCS.uop });
    return items;
  }
  const head = ctx[0]!;
  if (head === 'target' && ctx.length === 1)
    return plain(SHIPPED_TARGET_NAMES, CompletionItemKind.EnumMember, 'shipped target');
  if ((head === 'push' || head === 'pop') && ctx.length === 1)
    return plain(QUEUES, CompletionItemKind.EnumMember, 'dependency queue');
  if (head === 'nop' && ctx.length === 1) return plain(['ld', 'ex', 'st'], CompletionItemKind.EnumMember, 'module');
  if (head === 'data' && ctx.length >= 3 && ctx.length <= 3 && ctx[2] === ':')
    return plain(DATA_MEMS, CompletionItemKind.EnumMember, 'memory type');
  if (head === 'data' && ctx.length === 2 && ctx[1]!.endsWith(':'))
    return plain(DATA_MEMS, CompletionItemKind.EnumMember, 'memory type');
  if (head === 'uop') return operandItems(UOP_OPERANDS, usedOnLine);
  if (head === 'load' && ctx.length === 1)
    return [...plain(LOAD_TARGETS, CompletionItemKind.EnumMember, 'memory type')];
  if (head === 'load' && ctx.length === 2 && ctx[1] === 'uop')
    return [...names(['kernel']), ...operandItems(OPERANDS.load, new Set())];
  if (head === 'store' && ctx.length === 1) return plain(['out'], CompletionItemKind.EnumMember, 'memory type');
  if (head === 'gemm' && ctx.length === 1)
    return [...names(['kernel']), ...operandItems([OPERANDS.gemm[0]!], new Set())];
  if (head === 'alu' && ctx.length === 1)
    return plain(aluOpsFor(target), CompletionItemKind.EnumMember, 'ALU operation');
  if (head === 'alu' && ctx.length === 2) return [...names(['kernel']), ...operandItems([OPERANDS.alu[0]!], new Set())];
  const form = formOfWords(ctx);
  if (form) {
    const items = operandItems(OPERANDS[form], usedOnLine);
    if (form === 'gemm' && !ctx.includes('reset'))
      items.push({ label: 'reset', kind: CompletionItemKind.Keyword, documentation: 'Zero the destination ACC rows.' });
    return items;
  }
  return names(['const', 'data', 'loopvar', 'param', 'kernel']);
}

export function signatureVta(text: string, pos: Position): SignatureHelp | null {
  const prefix = linePrefix(text, pos);
  if (prefix === '\u0000') return null;
  const words = prefix.trim().split(/\s+/).filter(Boolean);
  const head = words[0];
  if (!head) return null;
  let specs: OperandSpec[] | undefined;
  let label: string;
  if (head === 'uop') {
    specs = UOP_OPERANDS;
    label = 'uop';
  } else {
    const form = formOfWords(words.length > 1 && !/\s$/.test(prefix) ? words : [...words, '']);
    if (!form) return null;
    specs = OPERANDS[form];
    label =
      form === 'load-uop-kernel'
        ? 'load uop KERNEL'
        : form === 'load'
          ? `load ${words[1] ?? 'MEM'}`
          : form === 'alu'
            ? 'alu OP KERNEL'
            : form === 'gemm'
              ? 'gemm KERNEL'
              : form;
  }
  if (!specs.length) return null;
  const params = specs.map((s) => `${s.key}=${s.shape ?? 'E'}`);
  const current = words.at(-1) ?? '';
  const key = /\s$/.test(prefix) ? '' : current.split('=')[0]!;
  const active = specs.findIndex((s) => s.key === key);
  return {
    signatures: [
      {
        label: `${label} ${params.join(' ')}`,
        documentation: MNEMONIC_DOCS[head === 'uop' ? 'uop' : head],
        parameters: specs.map((s, i) => ({ label: params[i]!, documentation: s.doc })),
      },
    ],
    activeSignature: 0,
    activeParameter: active >= 0 ? active : undefined,
  };
}

export function completeSched(a: SchedAnalysis, pos: Position): CompletionItem[] {
  const prefix = linePrefix(a.text, pos);
  if (prefix === '\u0000') return [];
  const op = a.ast.statements.find(
    (s) =>
      s.kind === 'operator' &&
      s.range.start.line < pos.line &&
      (s.range.end.line >= pos.line || s.range.end.line === s.range.start.line),
  );
  const words = prefix.trim().split(/\s+/).filter(Boolean);
  const endsWithSpace = /\s$/.test(prefix) || prefix.trim() === '';
  const ctx = endsWithSpace ? words : words.slice(0, -1);
  if (op && op.kind === 'operator') {
    const spec = SCHED_OPERATORS[op.op];
    if (!spec) return [];
    if (ctx.length === 0) {
      return spec.keys.map((k) => ({
        label: k.key,
        kind: CompletionItemKind.Field,
        documentation: k.doc,
        detail: k.required ? 'required' : undefined,
      }));
    }
    const k = spec.keys.find((x) => x.key === ctx[0]);
    // A value after `tile h=` / `threads oc=`: the ones that divide, with the footprint each gives.
    const valueOf = endsWithSpace ? undefined : /^([a-z]+)=(\d*)$/.exec(words[words.length - 1] ?? '');
    if (
      valueOf &&
      (k?.key === 'tile' || k?.key === 'threads') &&
      k.params &&
      valueOf[1]! in k.params &&
      a.lint.target
    ) {
      const typed: Record<string, number> = {};
      const lineText = (a.text.split('\n')[pos.line] ?? '').replace(/[;#].*$|\/\/.*$/, '');
      for (const m of lineText.matchAll(/\b([a-z]+)=(\d+)\b/g)) typed[m[1]!] = Number(m[2]);
      return knobChoices(op, k.key, valueOf[1]!, a.lint.target, typed).map((c, i) => ({
        label: String(c.value),
        kind: CompletionItemKind.Value,
        detail: `${c.fits ? 'fits' : 'over'}: ${(['INP', 'WGT', 'ACC', 'UOP'] as const).map((b) => `${b} ${Math.round(c.use[b] * 100)}%`).join(', ')}`,
        // The ones that fit first, each group in increasing order.
        sortText: `${c.fits ? 0 : 1}${String(i).padStart(3, '0')}`,
      }));
    }
    if (k?.params) {
      const used = new Set(ctx.slice(1).map((w) => w.split('=')[0]!));
      return Object.entries(k.params)
        .filter(([n]) => !used.has(n))
        .map(([n, doc]) => ({ label: `${n}=`, kind: CompletionItemKind.Field, documentation: doc }));
    }
    if (k?.key === 'epilogue')
      return SCHED_EPILOGUE_OPS.map((o) => ({ label: o, kind: CompletionItemKind.EnumMember }));
    return [];
  }
  // Inside a network: a layer of the file or `cpu` first, then the line's keys.
  const net = a.ast.statements.find(
    (s) => s.kind === 'network' && s.range.start.line < pos.line && s.range.end.line >= pos.line,
  );
  if (net) {
    if (ctx.length === 0) {
      return [
        ...a.ast.statements.flatMap((s) =>
          s.kind === 'operator' ? [{ label: s.name, kind: CompletionItemKind.Function, detail: s.op }] : [],
        ),
        {
          label: 'cpu',
          kind: CompletionItemKind.Keyword,
          documentation: 'An operator that runs on the CPU: `cpu NAME us=…` (its time is your assumption).',
        },
      ];
    }
    const keys = NETWORK_ENTRY_KEYS[ctx[0] === 'cpu' ? 'cpu' : 'layer'];
    if (ctx[0] === 'cpu' && ctx.length === 1) return [];
    const used = new Set(ctx.map((w) => w.split('=')[0]!));
    return Object.entries(keys)
      .filter(([n]) => !used.has(n))
      .map(([n, doc]) => ({ label: `${n}=`, kind: CompletionItemKind.Field, documentation: doc }));
  }
  if (ctx.length === 0) {
    return [
      ...Object.entries(SCHED_OPERATORS).map(([n, s]) => ({
        label: n,
        kind: CompletionItemKind.Class,
        documentation: s.doc,
      })),
      { label: 'target', kind: CompletionItemKind.Keyword, documentation: 'The hardware configuration.' },
      {
        label: 'network',
        kind: CompletionItemKind.Keyword,
        documentation:
          'A network: its layers in order (`c2 repeat=4`) and the operators that stay on the CPU (`cpu pool us=500`).',
      },
    ];
  }
  if (ctx[0] === 'target') return SHIPPED_TARGET_NAMES.map((n) => ({ label: n, kind: CompletionItemKind.EnumMember }));
  return [];
}
