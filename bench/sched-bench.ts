/**
 * Schedule benchmark: what the editor does with a `.vtasched` file. The lint of a
 * 60-layer network on every keystroke, and the expensive tier's work for one layer:
 * lower, assemble, run every program check, run the timing model.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintSchedule } from '../core/schedule';
import { assembleText } from '../core/asm';
import { lowerSchedule } from '../core/schedule';
import { checkProgram } from '../core/analysis/check';
import { parseSchedule, type SchedOperator } from '../core/schedule';
import { checkLoweredLayer } from '../core/schedule/lowered-checks';
import { simulate } from '../core/sim';
import { round, time as timeRaw } from './timing';

const time = (f: () => void, runs: number) => round(timeRaw(f, runs));

export function runSchedBench() {
  // Run from the repository root (npm run bench), bundled or not.
  const shipped = readFileSync(join(process.cwd(), 'test/fixtures/schedules/resnet18-untuned.vtasched'), 'utf8');
  // Ten copies of the shipped network's layers, renamed: 70 layers, 700 lines.
  const body = shipped.slice(shipped.indexOf('conv2d'));
  const big = `target default\n${Array.from({ length: 10 }, (_, i) => body.replace(/^(conv2d|dense) (\w+)/gm, `$1 $2_${i}`)).join('\n')}`;
  const runs = 9;
  const lintMs = time(() => lintSchedule(parseSchedule(big)), runs);
  const ast = parseSchedule(shipped);
  const lint = lintSchedule(ast);
  const layer = 'c11';
  let text = '';
  const lowerMs = time(() => { text = lowerSchedule(ast, lint, { file: 'r.vtasched', layer }).text!; }, runs);
  let program = assembleText(text, { file: 'l.vta' }).program!;
  const assembleMs = time(() => { program = assembleText(text, { file: 'l.vta' }).program!; }, runs);
  const checkMs = time(() => checkProgram(program, 'l.vta'), runs);
  let cycles = 0;
  const timingMs = time(() => { cycles = simulate(program, { mode: 'timing', trace: false }).time; }, runs);
  // The editor's whole expensive tier for the layer (zeros for values, so no random draws).
  const op = ast.statements.find((s): s is SchedOperator => s.kind === 'operator' && s.name === layer)!;
  const editorTierMs = time(() => checkLoweredLayer(ast, lint, op, { file: 'r.vtasched' }), runs);
  return {
    node: process.version,
    lint: { layers: parseSchedule(big).statements.filter((s) => s.kind === 'operator').length, lines: big.split('\n').length, parseAndLintMs: lintMs },
    oneLayer: { layer, instructions: program.insns.length, cycles, lowerMs, assembleMs, checkMs, timingMs, editorTierMs },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(runSchedBench(), null, 2));
}
