/**
 * Reading `network NAME { … }` blocks: each line a layer of the file (`c2 repeat=4`) or
 * an operator that stays on the CPU (`cpu maxpool us=1200`, its time an assumption the
 * file states), resolved against the file's layers, with what is wrong with them (the
 * lint reports it). network.ts sums a network's estimate.
 */
import type { Range } from '../lang/ast';
import type { SchedFile, SchedNetwork, SchedOperator, SchedParam } from './ast';
import type { SchedDiagnostic } from './keys';

/** Keys of a network line: a layer takes `repeat`; a CPU operator `us` (its assumed time) and `repeat`. */
export const NETWORK_ENTRY_KEYS: Record<'layer' | 'cpu', Record<string, string>> = {
  layer: { repeat: 'How many times the network runs this layer (default 1).' },
  cpu: {
    us: 'The time this operator takes on the CPU, in microseconds: an assumption the schedule states (the model does not estimate CPU work).',
    repeat: 'How many times the network runs this operator (default 1).',
  },
};

export interface NetworkEntry {
  kind: 'layer' | 'cpu';
  name: string;
  nameRange: Range;
  range: Range;
  repeat: number;
  /** The layer's operator block (layers only). */
  op: SchedOperator | undefined;
  /** A CPU operator's assumed time per run, when the file gives it. */
  cpuMicroseconds: number | undefined;
}

export interface Network {
  name: string;
  nameRange: Range;
  range: Range;
  headerRange: Range;
  entries: NetworkEntry[];
}

function positive(p: SchedParam, out: SchedDiagnostic[]): number | undefined {
  const v = p.value;
  if (v?.kind === 'num' && Number.isSafeInteger(v.value) && v.value >= (p.name === 'us' ? 0 : 1)) return v.value;
  out.push({
    range: v?.range ?? p.range,
    severity: 'error',
    code: 'vtasched.value',
    message: `${p.name} must be ${p.name === 'us' ? 'a whole number of microseconds' : 'a positive integer'}`,
  });
  return undefined;
}

/** The networks of a file, their entries resolved against its layers, and what is wrong with them. */
export function readNetworks(file: SchedFile): { networks: Network[]; diagnostics: SchedDiagnostic[] } {
  const diagnostics: SchedDiagnostic[] = [];
  const ops = file.statements.filter((s): s is SchedOperator => s.kind === 'operator');
  const networks: Network[] = [];
  const seen = new Set<string>();
  for (const s of file.statements) {
    if (s.kind !== 'network') continue;
    if (seen.has(s.name) || ops.some((o) => o.name === s.name)) {
      diagnostics.push({
        range: s.nameRange,
        severity: 'error',
        code: 'vtasched.name.duplicate',
        message: `a second definition of '${s.name}': networks and layers share one namespace`,
      });
    }
    seen.add(s.name);
    networks.push(readNetwork(s, ops, diagnostics));
  }
  return { networks, diagnostics };
}

function readNetwork(s: SchedNetwork, ops: SchedOperator[], out: SchedDiagnostic[]): Network {
  const entries: NetworkEntry[] = [];
  for (const e of s.entries) {
    if (e.prefix && e.prefix.text !== 'cpu') {
      out.push({
        range: e.prefix.range,
        severity: 'error',
        code: 'vtasched.network',
        message: `'${e.prefix.text} ${e.name}': a network line is a layer name (\`${e.name} repeat=2\`) or a CPU operator (\`cpu ${e.name} us=1200\`)`,
      });
      continue;
    }
    const kind = e.prefix ? 'cpu' : 'layer';
    const keys = NETWORK_ENTRY_KEYS[kind];
    let repeat = 1;
    let us: number | undefined;
    for (const p of e.params) {
      if (!(p.name in keys)) {
        out.push({
          range: p.nameRange,
          severity: 'error',
          code: 'vtasched.name.key',
          message: `unknown key '${p.name}' on a ${kind === 'cpu' ? 'CPU operator' : 'layer'} line: expected ${Object.keys(keys).join(', ')}`,
        });
        continue;
      }
      const v = positive(p, out);
      if (v === undefined) continue;
      if (p.name === 'repeat') repeat = v;
      else us = v;
    }
    const op = kind === 'layer' ? ops.find((o) => o.name === e.name) : undefined;
    if (kind === 'layer' && !op) {
      out.push({
        range: e.nameRange,
        severity: 'error',
        code: 'vtasched.network',
        message: `${s.name}: no layer named '${e.name}'${ops.length ? ` (the file has ${ops.map((o) => o.name).join(', ')})` : ''}; an operator that runs on the CPU is written \`cpu ${e.name} us=…\``,
      });
      continue;
    }
    entries.push({ kind, name: e.name, nameRange: e.nameRange, range: e.range, repeat, op, cpuMicroseconds: us });
  }
  return { name: s.name, nameRange: s.nameRange, range: s.range, headerRange: s.headerRange, entries };
}
