/**
 * The timing model against the boards: each ResNet-18 record of an AutoTVM log (the
 * records under a `# Resnet-18` header, e.g. in tophub/vta_v0.10.log, which is not in
 * this repository) is imported, lowered and run in the timing model, and its time
 * compared with the seconds AutoTVM measured. Prints one row per layer and the range
 * of model/measured per configuration (docs/timing-vs-boards.md).
 *
 *   node --import tsx bench/board-calibrate.ts LOG [--section Resnet-18] [--set readLatency=40 ...]
 */
import { readFileSync } from 'node:fs';
import { assembleText } from '../core/asm';
import {
  importAutotvm,
  lintSchedule,
  lowerSchedule,
  parseAutotvmLog,
  parseSchedule,
  type SchedOperator,
} from '../core/schedule';
import { simulate, timingParamsFor, type TimingParams } from '../core/sim';

const args = process.argv.slice(2);
const logPath = args[0];
if (!logPath) throw new Error('usage: board-calibrate.ts LOG [--section NAME] [--set knob=value ...]');
const section = args.includes('--section') ? args[args.indexOf('--section') + 1]! : 'Resnet-18';
const overrides: Record<string, number> = {};
args.forEach((a, i) => {
  if (args[i - 1] !== '--set') return;
  const [k, v] = a.split('=');
  overrides[k!] = Number(v);
});

/** Keeps only the records under `# SECTION ...` headers (the log's comments name the networks). */
function sectionOf(text: string, name: string): string {
  let keep = false;
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('#')) keep = line.slice(1).trim().toLowerCase().startsWith(name.toLowerCase());
      return keep || line.startsWith('#') ? line : '';
    })
    .join('\n');
}

const log = parseAutotvmLog(sectionOf(readFileSync(logPath, 'utf8'), section));
const out: string[] = [
  '| configuration | layer | measured (ms) | model (ms) | model / measured | GEMM |',
  '|---|---|---:|---:|---:|---:|',
];
for (const s of importAutotvm(log, logPath)) {
  const ast = parseSchedule(s.text);
  const lint = lintSchedule(ast, {});
  const params = { ...timingParamsFor(lint.target!), ...overrides } as TimingParams;
  const ratios: number[] = [];
  for (const op of ast.statements.filter((x): x is SchedOperator => x.kind === 'operator')) {
    const rec = s.layers.find((x) => x.name === op.name)?.record;
    const lowered = lowerSchedule(ast, lint, { file: 'x.vtasched', layer: op.name, values: 'zeros' });
    if (!lowered.text || !rec?.seconds) {
      out.push(`| ${s.model} | ${op.name} | | not lowered | | |`);
      continue;
    }
    const asm = assembleText(lowered.text, { file: 'x.vta', target: lint.target });
    const run = simulate(asm.program!, { mode: 'timing', timing: params, trace: false });
    const ms = run.time / params.clockMHz / 1000;
    const ratio = ms / (rec.seconds * 1000);
    ratios.push(ratio);
    out.push(
      `| ${s.model} | ${op.name} | ${(rec.seconds * 1000).toFixed(2)} | ${ms.toFixed(2)} | ${ratio.toFixed(2)} | ${Math.round((run.summary.gemm.utilisation ?? 0) * 100)}% |`,
    );
  }
  out.push(`| ${s.model} | **range** | | | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | |`);
}
console.log(out.join('\n'));
